"""Quantities: numbers, percentages, money, dates and years, compared across languages.

Pure functions (no I/O). LLM output (summaries, translations, extracted facts) is
checked against the source with these, so they favour precision and predictability
over linguistic completeness.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache, partial
from typing import Literal

from summarise.documents import strip_accents
from summarise.grounding.locales import LanguagePatterns, patterns_for

QuantityKind = Literal["number", "percent", "money", "date", "year"]


@dataclass(frozen=True)
class Quantity:
    surface: str  # the text as written, e.g. "7,7 millions"
    kind: QuantityKind
    value: str  # canonical form, e.g. "7700000", "25%", "90000000 USD", "2022-05-11"


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


def extract_quantities(text: str, language: str) -> list[Quantity]:
    """Numbers, percentages, money, dates and years in `text`, in order of appearance."""
    return list(_quantities(text, language))


# Fact re-anchoring and the cross-checks ask about the same sentences again and again.
@lru_cache(maxsize=4096)
def _quantities(text: str, language: str) -> tuple[Quantity, ...]:
    lang = patterns_for(language)
    found: list[tuple[int, Quantity]] = []

    def take_date(order: str, m: re.Match[str]) -> str:
        value = _date_value(order, m.groups(), lang)
        if value is None:
            return m.group()
        found.append((m.start(), Quantity(m.group(), "date", value)))
        return "\x00" * len(m.group())  # mask, keeping offsets, so digits are not re-read as numbers

    masked = text
    for order, pattern in lang.dates:
        masked = pattern.sub(partial(take_date, order), masked)
    for m in lang.number.finditer(masked):
        start, end = m.span()
        value, scaled = _parse_number(m.group(), lang.decimal), False
        kind: QuantityKind = "number"
        if s := lang.scale.match(masked, end):
            word = " ".join(s.group(1).split())
            value *= lang.scales.get(word) or lang.scales.get(word.casefold(), 1)
            end, scaled = s.end(), True
        elif end < len(masked) and masked[end].isalpha():
            continue  # ordinal, unit or identifier: "1er", "5th", "100m", "3D"
        if p := lang.percent.match(masked, end):
            found.append((start, Quantity(text[start : p.end()], "percent", f"{_fmt(value)}%")))
            continue
        code = ""
        if c := lang.cur_suffix.match(masked, end):
            code, end = lang.symbols[c["sym"]] if c["sym"] else str(c.lastgroup), c.end()
        elif c := lang.cur_prefix.search(masked, max(0, start - 10), start):
            code, start = lang.symbols[c.group(1)], c.start()
        if code:
            kind = "money"
        elif not scaled and re.fullmatch(r"1\d{3}|20\d\d", m.group()):  # bare years 1000-2099
            kind = "year"
        canonical = f"{_fmt(value)} {code}" if code else _fmt(value)
        found.append((start, Quantity(text[start:end], kind, canonical)))
    return tuple(q for _, q in sorted(found, key=lambda item: item[0]))


def same_quantity(a: Quantity, b: Quantity) -> bool:
    """Canonical equality, tolerant of precision and of a missing currency."""
    if a.value == b.value:
        return True  # also number "2018" vs year "2018"
    kinds = {a.kind, b.kind}
    if kinds <= {"date", "year"}:
        shorter, longer = sorted((a.value, b.value), key=len)
        return longer.startswith(shorter + "-")  # "2022-05-11" covers "2022-05" and "2022"
    if "money" in kinds and kinds <= {"money", "number", "year"}:
        amount_a, _, cur_a = a.value.partition(" ")
        amount_b, _, cur_b = b.value.partition(" ")
        return amount_a == amount_b and (not cur_a or not cur_b or cur_a == cur_b)
    return False


def missing_quantities(source: str, source_language: str, target: str, target_language: str) -> list[Quantity]:
    """Source quantities with no match in target (first occurrence per value)."""
    targets = extract_quantities(target, target_language)
    missing: list[Quantity] = []
    seen: set[str] = set()
    for q in extract_quantities(source, source_language):
        if q.value not in seen:
            seen.add(q.value)
            if not any(same_quantity(q, t) for t in targets):
                missing.append(q)
    return missing
