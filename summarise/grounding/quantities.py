"""Quantities: numbers, percentages, money, dates and years, compared across languages.

Pure functions (no I/O). LLM output (summaries, translations, extracted facts) is
checked against the source with these, so they favour precision and predictability
over linguistic completeness.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache, partial
from typing import Literal

from summarise.documents import strip_accents
from summarise.grounding.locales import LanguagePatterns, patterns_for
from summarise.grounding.number_forms import (
    BANDS,
    DECADES,
    GLUED,
    GLUED_SCALES,
    GLUED_UNITS,
    ORDINALS,
    RANGE_TO,
    ROMAN,
    TIMES,
    WRITTEN,
    band_bounds,
    band_value,
    decade_value,
    roman_value,
    same_time,
)
from summarise.grounding.number_words import word_languages, word_numbers
from summarise.grounding.units import convertible, near_band, unit_at

QuantityKind = Literal["number", "percent", "money", "date", "year", "time", "decade", "band", "token"]


@dataclass(frozen=True)
class Quantity:
    surface: str  # the text as written, e.g. "7,7 millions"
    kind: QuantityKind
    value: str  # canonical form, e.g. "7700000", "25%", "90000000 USD", "2022-05-11", "14:00", "1980s"
    unit: str = ""  # what it measures, when a unit follows it (grounding/units.py): "km", "mph"
    also: tuple[str, ...] = ()  # what else the written form may mean: "4m" is 4 million, or 4 metres


def _parse_number(token: str, decimal: str) -> Decimal:
    digits = re.sub(r"\s", "", token)  # spaces only ever group thousands
    seps = [c for c in digits if c in ".,"]
    if seps:
        last = digits.rfind(seps[-1])
        tail = len(digits) - last - 1
        # "1.000,5" / "1,000.5": the last of two kinds is decimal; "1.000.000" groups;
        # a single separator is decimal if it is the locale's, or not followed by 3 digits.
        if len(set(seps)) == 2 or (len(seps) == 1 and seps[0] == decimal) or tail != 3:
            digits = re.sub("[.,]", "", digits[:last]) + "." + digits[last + 1 :]
        else:
            digits = re.sub("[.,]", "", digits)
    return Decimal(digits)


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")  # 7.7E+6 -> "7700000", 1000.50 -> "1000.5"


def _date_value(order: str, groups: tuple[str, ...], lang: LanguagePatterns) -> str | None:
    def month(name: str) -> int:
        key = name.casefold().rstrip(".")
        return lang.months.get(key) or lang.months.get(strip_accents(key), 0)

    if order == "my":
        return f"{groups[1]}-{month(groups[0]):02d}" if month(groups[0]) else None
    if order == "num":
        a, b, y = int(groups[0]), int(groups[2]), int(groups[3])
        if lang.language == "en" and a <= 12 and b <= 12:
            return None  # 05/11/2022 is ambiguous in English (US month-first)
        d, m = (b, a) if (a <= 12 < b) else (a, b)
    elif order == "ymd":
        y, m, d = int(groups[0]), int(groups[1]), int(groups[2])
    elif order == "dmy":
        d, m, y = int(groups[0]), month(groups[1]), int(groups[2])
    else:
        m, d, y = month(groups[0]), int(groups[1]), int(groups[2])
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None  # 31 février, month 13...


def _read_date(order: str, lang: LanguagePatterns, m: re.Match[str]) -> str | None:
    return _date_value(order, m.groups(), lang)


def extract_quantities(text: str, language: str) -> list[Quantity]:
    """Numbers (in digits or in words), percentages, money, dates, times, decades and years
    in `text`, in order of appearance."""
    return list(_quantities(text, language))


def _mask(text: str, start: int, end: int) -> str:
    """Hide what was read, keeping offsets, so it is not read again as something else."""
    return text[:start] + "\x00" * (end - start) + text[end:]


# Fact re-anchoring and the cross-checks ask about the same sentences again and again.
@lru_cache(maxsize=4096)
def _quantities(text: str, language: str) -> tuple[Quantity, ...]:
    lang = patterns_for(language)
    found: list[tuple[int, Quantity]] = []

    def take(kind: QuantityKind, value: Callable[[re.Match[str]], str | None], m: re.Match[str]) -> str:
        read = value(m)
        if read is None:
            return m.group()
        found.append((m.start(), Quantity(m.group(), kind, read)))
        return "\x00" * len(m.group())

    masked = text
    for order, pattern in lang.dates:
        masked = pattern.sub(partial(take, "date", partial(_read_date, order, lang)), masked)
    for pattern, read_time in TIMES:
        masked = pattern.sub(partial(take, "time", read_time), masked)
    for pattern in BANDS:
        masked = pattern.sub(partial(take, "band", band_value), masked)
    for pattern in DECADES:
        masked = pattern.sub(partial(take, "decade", decade_value), masked)
    masked = ROMAN.sub(partial(take, "number", roman_value), masked)
    for m in lang.number.finditer(masked):
        start, end = m.span()
        value, scaled = _parse_number(m.group(), lang.decimal), False
        also: tuple[str, ...] = ()
        unit = ""
        if s := lang.scale.match(masked, end):
            word = " ".join(s.group(1).split())
            value *= lang.scales.get(word) or lang.scales.get(word.casefold(), 1)
            end, scaled = s.end(), True
        elif glued := GLUED.match(masked, end):
            suffix = glued.group().casefold()
            if suffix in GLUED_SCALES:  # "£125m", "4m", "$5k": a count, or (4m) a length
                also, value = (_fmt(value),), value * GLUED_SCALES[suffix]
                end, scaled = glued.end(), True
            elif suffix in ORDINALS:  # "5th", "1er": the number
                end = glued.end()
            elif suffix in GLUED_UNITS or (unit := unit_at(masked, end)[0]):
                end = glued.end()  # "2.4Ghz", "100km": the number, with its unit
            else:  # "802.11a", "5G", "1937s": an identifier, compared as written
                whole = WRITTEN.match(masked, start)
                stop = whole.end() if whole else glued.end()
                found.append((start, Quantity(text[start:stop], "token", text[start:stop].casefold())))
                masked = _mask(masked, start, stop)
                continue
        end = _tail(found, text, masked, lang, (start, end), value, scaled, also, unit, year=m.group())
        masked = _mask(masked, start, end)
    for code in word_languages(lang.language):
        for w in list(word_numbers(masked, code)):
            if "\x00" not in masked[w.start : w.end]:
                end = _tail(found, text, masked, lang, (w.start, w.end), w.value, True, (), "")
                masked = _mask(masked, w.start, end)
    return tuple(q for _, q in sorted(found, key=lambda item: item[0]))


def _tail(
    found: list[tuple[int, Quantity]],
    text: str,
    masked: str,
    lang: LanguagePatterns,
    span: tuple[int, int],
    value: Decimal,
    scaled: bool,
    also: tuple[str, ...],
    unit: str,
    year: str = "",
) -> int:
    """A number read from `span`, with what follows it (percent, currency, unit): recorded in
    `found`; where what was read ends."""
    start, end = span
    if p := lang.percent.match(masked, end):
        found.append((start, Quantity(text[start : p.end()], "percent", f"{_fmt(value)}%")))
        return p.end()
    kind: QuantityKind = "number"
    code = ""
    if c := lang.cur_suffix.match(masked, end):
        code, end = lang.symbols[c["sym"]] if c["sym"] else str(c.lastgroup), c.end()
    elif c := lang.cur_prefix.search(masked, max(0, start - 10), start):
        code, start = lang.symbols[c.group(1)], c.start()
    if code:
        kind = "money"
    elif not scaled and re.fullmatch(r"1\d{3}|20\d\d", year):  # bare years 1000-2099
        kind = "year"
    unit = unit or unit_at(masked, end)[0] or ("lb" if code == "GBP" and "pound" in text[start:end].casefold() else "")
    if not unit and (to := RANGE_TO.match(masked, end)):
        unit = unit_at(masked, to.end())[0]
    canonical = f"{_fmt(value)} {code}" if code else _fmt(value)
    found.append((start, Quantity(text[start:end], kind, canonical, unit, also)))
    return end


def _values(q: Quantity) -> set[str]:
    return {q.value, *q.also}


def _amount(q: Quantity) -> Decimal | None:
    try:
        return Decimal(q.value.partition(" ")[0])
    except ArithmeticError:
        return None


def same_quantity(a: Quantity, b: Quantity) -> bool:
    """Canonical equality, tolerant of precision and of a missing currency; one amount in two
    units; one time on a 12- or 24-hour clock; "the 80s" and "années 80"."""
    if _values(a) & _values(b):
        return True  # also number "2018" vs year "2018"
    kinds = {a.kind, b.kind}
    if "token" in kinds:
        return False  # "802.11a": only as written
    if kinds == {"decade"}:
        return a.value.endswith(b.value) or b.value.endswith(a.value)  # "80s" is "1980s"
    if "band" in kinds:
        return _same_band(*((a, b) if a.kind == "band" else (b, a)))
    if "time" in kinds:
        return same_time(a, b)
    if kinds == {"number", "date"}:  # "le 11 mai" (no year: a number) is "May 11th, 2022"
        number, date = (a, b) if a.kind == "number" else (b, a)
        return len(date.value) == 10 and number.value.isdigit() and int(number.value) == int(date.value[8:])
    if kinds <= {"date", "year"}:
        shorter, longer = sorted((a.value, b.value), key=len)
        return longer.startswith(shorter + "-")  # "2022-05-11" covers "2022-05" and "2022"
    x, y = _amount(a), _amount(b)
    if a.unit and b.unit and x is not None and y is not None and convertible(x, a.unit, y, b.unit):
        return True  # "620 km" is "385 miles"
    if "money" in kinds and kinds <= {"money", "number", "year"}:
        amount_a, _, cur_a = a.value.partition(" ")
        amount_b, _, cur_b = b.value.partition(" ")
        return amount_a == amount_b and (not cur_a or not cur_b or cur_a == cur_b)
    return False


def _same_band(band: Quantity, other: Quantity) -> bool:
    """A band ("the 80s", "la trentaine") says a decade ("années 80") or a value in it: one it
    holds ("35 ans" in "her 30s"), or, in a unit, one a rounding step from it in some unit of
    that dimension ("autour de 26 degrés" is 78.8 °F: "widespread 80s")."""
    low, high = band_bounds(band.value)
    if other.kind == "band":
        other_low, other_high = band_bounds(other.value)
        return low < other_high and other_low < high
    if other.kind == "decade":
        return other.value.endswith(f"{low // 10 * 10}s")
    amount = _amount(other)
    if amount is None or other.kind not in ("number", "year"):
        return False
    return low <= amount < high or near_band(amount, other.unit, low, high)


def missing_quantities(source: str, source_language: str, target: str, target_language: str) -> list[Quantity]:
    """Source quantities with no match in target (first occurrence per value)."""
    targets = extract_quantities(target, target_language)
    missing: list[Quantity] = []
    seen: set[str] = set()
    for q in extract_quantities(source, source_language):
        if q.value not in seen:
            seen.add(q.value)
            if not any(covers(t, q) for t in targets) and not written_alike(q, target):
                missing.append(q)
    return missing


def covers(found: Quantity, wanted: Quantity) -> bool:
    """`found` says `wanted`: the same quantity, and a date at least as precisely ("2005" does
    not say "30 May 2005": a translation that drops the day has changed the date; "le 11"
    still says its day of "May 11th, 2022")."""
    if wanted.kind == "date" and found.kind in ("date", "year") and len(found.value) < len(wanted.value):
        return False
    return same_quantity(wanted, found)


def written_alike(q: Quantity, target: str) -> bool:
    """Digits grouped by spaces ("0800 555 111", a phone number) read as one number in one
    language and as several in another: the same digits, written the same way, are the same."""
    if not re.search(r"\d\s+\d", q.surface):
        return False
    digits = r"\s+".join(map(re.escape, q.surface.split()))
    return re.search(rf"(?<![\d.,]){digits}(?![\d])", target) is not None
