"""Deterministic faithfulness checks: quantities, quotes and names.

Pure functions (no I/O). LLM output (summaries, translations, extracted facts)
is checked against the source with these, so they favour precision and
predictability over linguistic completeness. Locale data comes from babel
(CLDR) so that every language gets month names, separators, scale words and
percent words without hand-written tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names, get_month_names
from babel.numbers import get_currency_symbol, get_decimal_symbol, get_group_symbol
from babel.units import format_unit
from rapidfuzz import fuzz


@dataclass(frozen=True)
class Quantity:
    surface: str  # the text as written, e.g. "7,7 millions"
    kind: str  # "number" | "percent" | "money" | "date" | "year"
    value: str  # canonical form, e.g. "7700000", "25%", "90000000 USD", "2022-05-11"


@dataclass(frozen=True)
class QuoteMatch:
    kind: str  # "exact" | "normalised" | "fuzzy" | "absent"
    score: float
    start: int  # offsets in the ORIGINAL source, -1 if absent
    end: int


# Currency words are not in CLDR in a usable form (only full names such as
# "dollars des États-Unis"), so the common ones are listed here. "dollars" is
# taken to mean USD: that is what news text means by it far more often than not.
_CURRENCY_WORDS = {
    "USD": r"(?:US[-\s]?|U\.S\.\s?)?dollars?|d[óo]lar(?:es)?|dollar[io]|доллар\w*|دولار\w*",
    "EUR": r"euros?|евро|يورو",
    "GBP": r"pounds?(?:\s+sterling)?|livres?\s+sterling|pfund|sterling",
    "JPY": r"yens?",
    "CNY": r"yuans?|renminbi",
    "CHF": r"francs?\s+suisses?|swiss\s+francs?|franken",
}
# Codes whose babel symbols ("$", "€", "$US", "US$", "£"...) are recognised.
_CURRENCY_CODES = ("USD", "EUR", "GBP", "JPY", "CNY", "CHF", "CAD", "AUD", "INR", "RUB", "MAD", "AED", "SAR", "BRL")


@dataclass(frozen=True)
class _Lang:
    """Compiled, per-language recognisers (built once per language code)."""

    language: str
    decimal: str
    number: re.Pattern[str]
    months: dict[str, int]
    dates: tuple[tuple[str, re.Pattern[str]], ...]
    scales: dict[str, int]
    scale: re.Pattern[str]
    percent: re.Pattern[str]
    symbols: dict[str, str]
    cur_suffix: re.Pattern[str]
    cur_prefix: re.Pattern[str]


def _locale(language: str) -> Locale:
    # Unknown or malformed codes must not crash a pipeline run: use English data.
    try:
        return Locale.parse((language or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


def _alt(words: Iterable[str]) -> str:
    # Longest first so "millions" wins over "million"; inner spaces match any whitespace.
    parts = sorted(set(words), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in parts) or "(?!)"


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=32)
def _lang(language: str) -> _Lang:
    loc = _locale(language)
    # English is always understood too: source documents quote English figures.
    locs = [loc] if str(loc) == "en" else [loc, Locale.parse("en")]
    months: dict[str, int] = {}
    for lc in locs:  # document language first, so it wins on clashes
        for width in ("wide", "abbreviated"):
            for ctx in ("format", "stand-alone"):  # e.g. Russian genitive "мая" vs "май"
                for num, name in get_month_names(width, ctx, lc).items():
                    key = name.casefold().rstrip(".")
                    if key and not any(c.isdigit() for c in key):  # skip CJK "5月" forms
                        months.setdefault(key, num)
                        months.setdefault(_strip_accents(key), num)
    scales: dict[str, int] = {}
    long_words: set[str] = set()
    short_words: set[str] = {"bn"}  # "$5bn": common in English news, absent from CLDR
    scales["bn"] = 10**9
    for lc in reversed(locs):  # English first: the document language overrides it
        for length, bucket in (("long", long_words), ("short", short_words)):  # fr "billion" = 10**12
            for forms in lc.compact_decimal_formats.get(length, {}).values():
                for magnitude, pattern in forms.items():
                    pat = pattern.pattern.replace("'", "")  # CLDR quotes literals: "Mio'.'"
                    zeros, word = pat.count("0"), " ".join(pat.replace("0", " ").split())
                    if not zeros or not word or not pat.lstrip().startswith("0"):
                        continue  # no digits, or word before the number: not supported
                    for w in {word, word.rstrip(".")}:  # "Mrd." is also written "Mrd"
                        scales[w.casefold() if length == "long" else w] = int(magnitude) // 10 ** (zeros - 1)
                        bucket.add(w)
    percent_words = {"%", "٪"}
    for lc in [*locs, "en_GB"]:  # en_GB adds "per cent"
        for n in (1, 2, 5, 1.5):  # several plural categories, e.g. Russian процент/процента/процентов
            for length in ("long", "short", "narrow"):
                shown = format_unit(n, "percent", length=length, locale=lc)
                percent_words.add(" ".join(re.sub(r"[\d.,\u066b\u066c\u200e\u200f\u061c]+", " ", shown).split()))
    symbols: dict[str, str] = {"US$": "USD"}  # not the symbol in en/fr data, common in news
    for lc in locs:
        for code in _CURRENCY_CODES:
            symbols.setdefault(code, code)
            sym = get_currency_symbol(code, lc)
            if not sym.isalpha():  # bare letters ("R", "kr") are too ambiguous in prose
                symbols.setdefault(sym, code)
    sym_alt = _alt(symbols)
    words_alt = "|".join(f"(?P<{code}>{rx})" for code, rx in _CURRENCY_WORDS.items())
    # Thousands may be grouped by spaces only where CLDR says so (fr "1 000"),
    # otherwise "in 2018 84 states" would merge into one number.
    grp = r"(?:[.,]|[ \u00a0\u202f])" if get_group_symbol(loc).isspace() else "[.,]"
    # Not preceded by a letter+hyphen ("COVID-19") or glued to a word ("G20").
    number = rf"(?<![\w.,])(?<![^\W\d_]-)(?:\d{{1,3}}(?:{grp}\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?!\d)(?![.,]\d)"
    mon = rf"(?i:{_alt(months)})(?!\w)\.?"
    dates = (
        ("ymd", r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])"),  # ISO 2022-05-11
        ("num", r"(?<![\d.,/])(\d{1,2})([./])(\d{1,2})\2(\d{4})(?!\d)"),  # 11/05/2022, 11.05.2022
        # 11 mai 2022, 1er juin 2018, 11. Mai 2022, 11 de mayo de 2022
        ("dmy", rf"(?<!\d)(\d{{1,2}})(?:[^\W\d_]{{1,2}}|[.°])?\s+(?:de\s+)?({mon}),?\s+(?:del?\s+)?(\d{{4}})(?!\d)"),
        ("mdy", rf"(?<!\w)({mon})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)"),  # May 11, 2022
        ("my", rf"(?<!\w)({mon}),?\s+(?:(?:de|del|of)\s+)?(\d{{4}})(?!\d)"),  # juin 2018
    )
    return _Lang(
        language=loc.language,
        decimal=get_decimal_symbol(loc),
        number=re.compile(number),
        months=months,
        dates=tuple((order, re.compile(rx)) for order, rx in dates),
        scales=scales,
        scale=re.compile(rf"\s?((?i:{_alt(long_words)})|{_alt(short_words)})(?!\w)"),
        percent=re.compile(rf"\s?(?i:{_alt(percent_words)})(?!\w)"),
        symbols=symbols,
        cur_suffix=re.compile(rf"\s?(?:(?:de|of|di|do|da)\s+|d['’]\s*)?(?:(?P<sym>{sym_alt})|(?i:{words_alt}))(?!\w)"),
        cur_prefix=re.compile(rf"(?<![^\W\d_])({sym_alt})\s?\Z"),
    )


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


def _date_value(order: str, groups: tuple[str, ...], lang: _Lang) -> str | None:
    def month(name: str) -> int:
        key = name.casefold().rstrip(".")
        return lang.months.get(key) or lang.months.get(_strip_accents(key), 0)

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
    lang = _lang(language)
    found: list[tuple[int, Quantity]] = []

    def take_date(order: str, m: re.Match[str]) -> str:
        value = _date_value(order, m.groups(), lang)
        if value is None:
            return m.group()
        found.append((m.start(), Quantity(m.group(), "date", value)))
        return "\x00" * len(m.group())  # mask, keeping offsets, so digits are not re-read as numbers

    masked = text
    for order, pattern in lang.dates:
        masked = pattern.sub(lambda m, o=order: take_date(o, m), masked)
    for m in lang.number.finditer(masked):
        start, end = m.span()
        value, kind, scaled = _parse_number(m.group(), lang.decimal), "number", False
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


# Typographic variants that carry no meaning for a quote check. All quote marks
# collapse to one character because translators and LLMs swap styles freely.
_CHAR_MAP = str.maketrans(
    {**dict.fromkeys('’‘‚‛′`«»“”„‟"‹›', "'"), **dict.fromkeys("–—‐‑‒−﹘", "-")}
    | dict.fromkeys("\u00ad\u200b\u200c\u200d\u200e\u200f\ufeff\u2060", "")  # soft hyphen, zero-width, bidi
)


@lru_cache(maxsize=16)  # find_quote is called once per quote on the same source
def _normalise_map(text: str) -> tuple[str, list[int], list[int]]:
    """Normalised text plus, per output char, the [start, end) span it came from."""
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1  # keep a base letter with its combining marks so NFKC can compose them
        for c in unicodedata.normalize("NFKC", text[i:j]).casefold().translate(_CHAR_MAP):
            out.append((" " if c.isspace() else c, i, j))
        i = j
    kept: list[tuple[str, int, int]] = []
    for k, item in enumerate(out):
        nxt = out[k + 1][0] if k + 1 < len(out) else " "
        # Collapse and trim whitespace, and drop it next to quote marks: French
        # writes « mot », English "word"; both must normalise the same way.
        if item[0] == " " and (not kept or kept[-1][0] in " '" or nxt in " '"):
            continue
        kept.append(item)
    return "".join(c for c, _, _ in kept), [s for _, s, _ in kept], [e for _, _, e in kept]


_WHITESPACE = re.compile(r"\s+")
_SPACE_BY_QUOTE = re.compile(r" ?' ?")


@lru_cache(maxsize=4096)
def normalise_text(text: str) -> str:
    """Casefolded NFKC text with unified quotes/dashes and collapsed whitespace.

    Every quote mark becomes "'" and spaces next to quote marks are dropped, so
    the result is for comparing, not for display. Equal to `_normalise_map(text)[0]`,
    done on the whole string at once: the checks normalise every translation and fact.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_CHAR_MAP)
    return _SPACE_BY_QUOTE.sub("'", _WHITESPACE.sub(" ", folded)).strip()


def find_quote(quote: str, source: str, fuzzy_threshold: float = 90.0) -> QuoteMatch:
    """Locate `quote` in `source`: exact, then normalised, then fuzzy."""
    if not quote.strip():
        return QuoteMatch("absent", 0.0, -1, -1)
    if (idx := source.find(quote)) >= 0:
        return QuoteMatch("exact", 100.0, idx, idx + len(quote))
    nq = normalise_text(quote)
    ns, starts, ends = _normalise_map(source)
    if not nq or not ns:
        return QuoteMatch("absent", 0.0, -1, -1)
    if (idx := ns.find(nq)) >= 0:
        return QuoteMatch("normalised", 100.0, starts[idx], ends[idx + len(nq) - 1])
    if len(nq) > len(ns):
        # partial_ratio would align the whole source inside a longer quote and
        # score it 100 even if the quote adds invented text: compare whole strings.
        score, lo, hi = fuzz.ratio(nq, ns), 0, len(ns)
    else:
        al = fuzz.partial_ratio_alignment(nq, ns)
        score, lo, hi = al.score, al.dest_start, al.dest_end
    if score >= fuzzy_threshold and hi > lo:
        start, end = starts[lo], ends[hi - 1]
        # The alignment window can cut words in half ("accord" of "L’accord"): widen to whitespace.
        while start > 0 and not source[start - 1].isspace() and not source[start].isspace():
            start -= 1
        while end < len(source) and not source[end].isspace() and not source[end - 1].isspace():
            end += 1
        return QuoteMatch("fuzzy", score, start, end)
    return QuoteMatch("absent", score, -1, -1)


@lru_cache(maxsize=4096)
def _name_key(text: str) -> str:
    return _strip_accents(normalise_text(text))


def missing_names(names: list[str], text: str) -> list[str]:
    """Names that do not occur in `text` as whole words (case/accent-insensitive)."""
    haystack = _name_key(text)
    missing: list[str] = []
    for name in dict.fromkeys(names):
        key = _name_key(name)
        if key and not re.search(rf"(?<!\w){re.escape(key)}(?!\w)", haystack):
            missing.append(name)
    return missing


# Lower-case name particles allowed inside a run of capitalised words.
_PARTICLES = frozenset(
    {"al", "el", "bin", "ben", "ibn", "bint", "abu", "de", "du", "des", "del", "della", "di", "da", "do", "dos"}
    | {"das", "la", "le", "von", "van", "der", "den"}
)
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")


_GLUED = _PARTICLES | {"d", "l"}  # "d'Estaing", "l'Arabie"
# English and German capitalise month and day names; they are not proper nouns.
_CALENDAR = frozenset(
    n.casefold() for lc in ("en", "de") for get in (get_month_names, get_day_names) for n in get(locale=lc).values()
)


def extract_names(text: str) -> list[str]:
    """Cheap proper-noun guesser: runs of capitalised words, de-duplicated.

    Capitalisation at the start of a sentence says nothing, so a sentence-initial
    word only counts if it also appears capitalised mid-sentence, or if it starts
    a run ("Nasser Bourita a...") and never appears in lower case ("Le Maroc" is
    rejected because "le" does). Limits, by design (no model, any language):
    abbreviations ("M. Bourita") look like sentence ends; titles join runs
    ("President Macron"); German nouns are all capitalised and come out as names;
    scripts without case (Arabic, CJK) yield nothing.
    """
    tokens = list(_WORD.finditer(text))
    words = [t.group() for t in tokens]
    # Only whitespace between two tokens lets them form one name.
    gaps = [text[tokens[k - 1].end() if k else 0 : t.start()] for k, t in enumerate(tokens)]
    opens = [k == 0 or bool(re.search(r"[.!?…:\n«“]", gap)) for k, gap in enumerate(gaps)]
    cap = [_capitalised(w) for w in words]
    known = {w for w, c, first in zip(words, cap, opens, strict=True) if c and not first}
    lower = {w for w in words if w.islower()}

    def starts_run(k: int) -> bool:
        return k + 1 < len(words) and cap[k + 1] and gaps[k + 1].isspace() and words[k].casefold() not in lower

    names: dict[str, str] = {}
    run: list[str] = []

    def flush() -> None:
        while run and run[-1] in _PARTICLES:  # "Bourita de" -> "Bourita"
            run.pop()
        if run:
            # An English possessive is not part of the name: "Morocco's" names "Morocco".
            name = re.sub(r"['’]s$", "", " ".join(run))
            names.setdefault(_name_key(name), name)
        run.clear()

    for k, word in enumerate(words):
        joined = bool(run) and not opens[k] and gaps[k].isspace()
        if cap[k] and (not opens[k] or word in known or starts_run(k)):
            if not joined:
                flush()
            run.append(word)
        elif joined and word in _PARTICLES:  # "Jean de La Fontaine", "Mohammed bin Salman"
            run.append(word)
        else:
            flush()
    flush()
    return list(names.values())


def _capitalised(word: str) -> bool:
    if word[0].isupper():
        # Single letters are mostly "I" or initials; calendar words are not names.
        return len(word) > 1 and word.casefold() not in _CALENDAR
    # "al-Assad", "d'Estaing": a lower-case particle glued to a capitalised name.
    parts = re.split(r"['’-]", word, maxsplit=1)
    return len(parts) == 2 and parts[0] in _GLUED and parts[1][:1].isupper()
