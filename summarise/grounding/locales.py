"""Per-language recognisers for quantities, built once per language code from babel (CLDR).

Locale data gives every language its month names, separators, scale words ("millions",
"Mrd.") and percent words without hand-written tables. English is always understood
too: source documents quote English figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.dates import get_month_names
from babel.numbers import get_currency_symbol, get_decimal_symbol, get_group_symbol
from babel.units import format_unit

from summarise.documents import strip_accents

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
_UNIT_LENGTHS: tuple[Literal["long", "short", "narrow"], ...] = ("long", "short", "narrow")
_MONTH_WIDTHS: tuple[Literal["wide", "abbreviated"], ...] = ("wide", "abbreviated")
_MONTH_CONTEXTS: tuple[Literal["format", "stand-alone"], ...] = ("format", "stand-alone")


@dataclass(frozen=True)
class LanguagePatterns:
    """Compiled, per-language recognisers."""

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


def _month_names(locs: list[Locale]) -> dict[str, int]:
    months: dict[str, int] = {}
    # Document language first, so it wins on clashes; "format" and "stand-alone" forms,
    # e.g. Russian genitive "мая" vs "май".
    for lc, width, context in product(locs, _MONTH_WIDTHS, _MONTH_CONTEXTS):
        for num, name in get_month_names(width, context, lc).items():
            key = name.casefold().rstrip(".")
            if key and not any(c.isdigit() for c in key):  # skip CJK "5月" forms
                months.setdefault(key, num)
                months.setdefault(strip_accents(key), num)
    return months


def _compact_words(lc: Locale, length: str) -> Iterator[tuple[str, int]]:
    """(scale word, multiplier) from CLDR's compact formats: "0 millions" -> ("millions", 10**6)."""
    for forms in lc.compact_decimal_formats.get(length, {}).values():
        for magnitude, pattern in forms.items():
            pat = pattern.pattern.replace("'", "")  # CLDR quotes literals: "Mio'.'"
            zeros, word = pat.count("0"), " ".join(pat.replace("0", " ").split())
            if not zeros or not word or not pat.lstrip().startswith("0"):
                continue  # no digits, or word before the number: not supported
            for w in {word, word.rstrip(".")}:  # "Mrd." is also written "Mrd"
                yield w, int(magnitude) // 10 ** (zeros - 1)


def _scale_words(locs: list[Locale]) -> tuple[dict[str, int], set[str], set[str]]:
    """Multipliers by word, and the long (case-insensitive) and short (as written) words."""
    scales: dict[str, int] = {"bn": 10**9}  # "$5bn": common in English news, absent from CLDR
    long_words: set[str] = set()
    short_words: set[str] = {"bn"}
    for lc in reversed(locs):  # English first: the document language overrides it
        for length, bucket in (("long", long_words), ("short", short_words)):  # fr "billion" = 10**12
            for word, multiplier in _compact_words(lc, length):
                scales[word.casefold() if length == "long" else word] = multiplier
                bucket.add(word)
    return scales, long_words, short_words


def _percent_words(locs: list[Locale]) -> set[str]:
    words = {"%", "٪"}
    # en_GB adds "per cent"; several plural categories, e.g. Russian процент/процента/процентов.
    places: list[Locale | str] = [*locs, "en_GB"]
    for lc, n, length in product(places, (1, 2, 5, 1.5), _UNIT_LENGTHS):
        shown = format_unit(n, "percent", length=length, locale=lc)
        words.add(" ".join(re.sub(r"[\d.,\u066b\u066c\u200e\u200f\u061c]+", " ", shown).split()))
    return words


def _currency_symbols(locs: list[Locale]) -> dict[str, str]:
    symbols: dict[str, str] = {"US$": "USD"}  # not the symbol in en/fr data, common in news
    for lc, code in product(locs, _CURRENCY_CODES):
        symbols.setdefault(code, code)
        sym = get_currency_symbol(code, lc)
        if not sym.isalpha():  # bare letters ("R", "kr") are too ambiguous in prose
            symbols.setdefault(sym, code)
    return symbols


@lru_cache(maxsize=32)
def patterns_for(language: str) -> LanguagePatterns:
    loc = _locale(language)
    locs = [loc] if str(loc) == "en" else [loc, Locale.parse("en")]
    months = _month_names(locs)
    scales, long_words, short_words = _scale_words(locs)
    symbols = _currency_symbols(locs)
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
    return LanguagePatterns(
        language=loc.language,
        decimal=get_decimal_symbol(loc),
        number=re.compile(number),
        months=months,
        dates=tuple((order, re.compile(rx)) for order, rx in dates),
        scales=scales,
        scale=re.compile(rf"\s?((?i:{_alt(long_words)})|{_alt(short_words)})(?!\w)"),
        percent=re.compile(rf"\s?(?i:{_alt(_percent_words(locs))})(?!\w)"),
        symbols=symbols,
        cur_suffix=re.compile(rf"\s?(?:(?:de|of|di|do|da)\s+|d['’]\s*)?(?:(?P<sym>{sym_alt})|(?i:{words_alt}))(?!\w)"),
        cur_prefix=re.compile(rf"(?<![^\W\d_])({sym_alt})\s?\Z"),
    )
