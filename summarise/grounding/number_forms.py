"""Numbers written with something around them that changes what they say: times ("14 h",
"2 p.m.", "04h40"), decades ("les années 80", "the 1980s"), and letters glued on ("5th",
"£125m", "2.4GHz", "802.11a").

quantities.py reads them with these; what is here says what each form means, and which of
them name one thing ("15 h" is "3 p.m.", "années 30" is "the 1930s").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol


class _Valued(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def value(self) -> str: ...


def _clock(hour: str, minute: str | None, half: str | None = None) -> str | None:
    h, m = int(hour), int(minute or 0)
    if half:  # a.m./p.m.
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if half.casefold() == "p" else 0)
    if h > 23 or m > 59:
        return None  # "48 heures" is a duration: a number
    return f"{h:02d}:{m:02d}"


# A time of day: "2 p.m.", "4.40 am", "2:30pm" (12-hour); "14 h", "14h30", "15 heures" (French,
# Spanish, Italian...); "14:30" (24-hour). Each read by its pattern's reader, or left as a number.
TIMES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]], ...] = (
    (
        re.compile(r"(?<![\w.,:])(\d{1,2})(?:[:.](\d{2}))?\s?([apAP])\.?\s?[mM]\.?(?![^\W\d_])"),
        lambda m: _clock(m.group(1), m.group(2), m.group(3)),
    ),
    (
        re.compile(r"(?<![\w.,:])(\d{1,2})\s?h(?:eures?|rs?)?(?:\s?(\d{2}))?(?![^\W\d_])", re.IGNORECASE),
        lambda m: _clock(m.group(1), m.group(2)),
    ),
    (re.compile(r"(?<![\w.,:])(\d{1,2}):(\d{2})(?![\d:])"), lambda m: _clock(m.group(1), m.group(2))),
)

# A decade: "the 1980s", "the '80s"; "les années 80", "années 2000", "los años 60". Read after
# BANDS: a bare "80s" is a decade only where the other text says so (same_quantity).
DECADES: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<![\w'’])['’]?(\d{2}|\d{4})['’]?s(?![^\W\d_])"),
    re.compile(r"(?i:ann[ée]es|años|anos|anni)\s+(\d{2}|\d{4})(?!\d)"),
)

# A band of ten: "in the 80s" (°F), "her mid-30s", "the high 70s"; "la trentaine", "la
# mi-quarantaine", "fin de la vingtaine". Temperatures, ages and scores are written like a
# decade: read as "the 1980s", "widespread 80s" for "autour de 26 degrés" was a false alarm.
# Its value is "low-high" (high excluded), narrowed by the word before it.
_PART = dict.fromkeys(("low", "lower", "early", "début"), (0, 4)) | dict.fromkeys(("mid", "middle", "mi"), (3, 7))
_PART |= dict.fromkeys(("high", "upper", "late", "fin"), (6, 10))
_TENS_FR = {"vingtaine": 20, "trentaine": 30, "quarantaine": 40, "cinquantaine": 50, "soixantaine": 60}
_TENS_EN = {
    word + "ties": 10 * n
    for n, word in enumerate(("twen", "thir", "for", "fif", "six", "seven", "eigh", "nine"), start=2)
}
BANDS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"(?<![\w'’])(?:(?P<part>(?i:low|lower|early|mid|middle|high|upper|late))(?:\s+|-))?"
        rf"(?P<tens>[1-9]0['’]?s|(?i:{'|'.join(_TENS_EN)}))(?![^\W\d_])"
    ),
    re.compile(
        r"(?i)(?<!\w)(?:(?P<part>début|fin)\s+de\s+la\s+|(?P<mi>mi)-)?"
        rf"(?P<tens>{'|'.join(_TENS_FR)})s?(?!\w)"
    ),
)


# "quarantaine" is also a quarantine ("mis en quarantaine", "une quarantaine de 14 jours"): a band
# only as an age ("dans la quarantaine", "il a la quarantaine", "quarantaine d'années"), as a
# count ("une quarantaine de pays"), or with début/fin/mi.
_AGE_BEFORE = re.compile(r"(?i)\b(?:dans|a)\s+la\s+$")
_AGE_AFTER = re.compile(r"(?i)\s+d['’]\s*(?:années|ans)\b")
_COUNT = re.compile(r"(?i)\bune\s+$"), re.compile(r"(?i)\s+(?:de\s+|d['’]\s*)(?!(?:la|le|les|l['’]|du)\b)[^\W\d_]")


def _a_quarantine(m: re.Match[str]) -> bool:
    if m["tens"].casefold() != "quarantaine" or m["part"] or m.groupdict().get("mi"):
        return False
    before, after = m.string[max(0, m.start() - 12) : m.start()], m.string[m.end() : m.end() + 30]
    count = _COUNT[0].search(before) and _COUNT[1].match(after)
    return not (count or _AGE_BEFORE.search(before) or _AGE_AFTER.match(after))


def band_value(m: re.Match[str]) -> str | None:
    if _a_quarantine(m):
        return None
    word = m["tens"].casefold()
    tens = _TENS_FR.get(word) or _TENS_EN.get(word) or int(word.rstrip("s'’"))
    part = (m["part"] or m.groupdict().get("mi") or "").casefold()
    low, high = _PART.get(part, (0, 10))
    return f"{tens + low}-{tens + high}"


def band_bounds(value: str) -> tuple[int, int]:
    """The band's lowest value and the first above it: "76-80" is 76 to 79.9..."""
    low, _, high = value.partition("-")
    return int(low), int(high)


# A century or a rank in Roman numerals with an ordinal ending: "XIXe siècle" is "19th century".
# One letter ("Le", "Ce") only before a word that takes such a rank.
ROMAN = re.compile(
    r"(?<![\w'’])([IVXLC]{2,7}|[IVXLC](?=(?:e|er|ème|ᵉ)\s+(?:siècle|millénaire|arrondissement|République)))"
    r"(?:e|ème|eme|er|ᵉ|th|st|nd|rd)(?![^\W\d_])"
)
_ROMAN_DIGITS = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(m: re.Match[str]) -> str | None:
    digits = [_ROMAN_DIGITS[c] for c in m.group(1)]
    total = sum(-d if d < nxt else d for d, nxt in zip(digits, [*digits[1:], 0], strict=True))
    return str(total) if total > 0 else None


# "2,5 et 10 cm", "1 to 4 inches": the first number of a range has the unit of the second.
RANGE_TO = re.compile(r"\s*(?:-|–|to|and|or|et|ou|à|a|y|bis)\s*\d[\d.,]*")


def decade_value(m: re.Match[str]) -> str | None:
    digits = m.group(1)
    return f"{digits}s" if digits.endswith("0") else None  # "1937s" is no decade: an identifier


def same_time(a: _Valued, b: _Valued) -> bool:
    """A time and a number are the same when the number is its hour, on the hour ("5 h" and "at 5")."""
    if a.kind == b.kind:
        return a.value == b.value
    time, number = (a, b) if a.kind == "time" else (b, a)
    if number.kind != "number" or not number.value.isdigit() or not time.value.endswith(":00"):
        return False
    hour = int(time.value[:2])
    return int(number.value) == hour


# Letters glued to a number ("5th", "4m", "2.4GHz", "802.11a"); what each says.
GLUED = re.compile(r"[^\W\d_]+")
GLUED_SCALES = {"m": 10**6, "mn": 10**6, "bn": 10**9, "b": 10**9, "k": 10**3, "md": 10**9, "mds": 10**9}
ORDINALS = frozenset({"st", "nd", "rd", "th", "er", "re", "e", "ème", "eme", "è", "de", "nde", "º", "ª"})
# Units that are the number's own ("2.4GHz" is 2.4, with a unit nothing converts to).
GLUED_UNITS = frozenset(
    {"ghz", "mhz", "khz", "hz", "gb", "mb", "kb", "tb", "kw", "mw", "gw", "kwh", "mwh", "gwh", "mbps", "gbps", "v"}
    | {"mp", "px", "min", "mins", "sec", "s", "ms", "yo", "x"}
)
# The whole identifier a number with letters belongs to ("802.11a"), compared as written.
WRITTEN = re.compile(r"\d[\w.]*\w|\d")
