"""Numbers written in words ("eight", "quatre-vingt-dix", "four million", "mother-of-three",
"un millier"), found in a text with where they stand.

text2num (MIT) reads a run of number words in French, English, Spanish, German, Portuguese,
Italian, Dutch and Danish; this module finds the runs. A translator writes "8 points" as
"eight points" and "3 mois" as "three months", so a check that reads digits only cries wolf
on right translations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from text_to_num import text2num  # type: ignore[import-untyped]  # no stubs; returns int or float

# The languages text2num reads; English is always read too (sources quote English).
LANGUAGES = frozenset({"en", "fr", "es", "de", "pt", "it", "nl", "da"})
_WORD = re.compile(r"[^\W\d_]+")
# Words that join number words inside one number: "one hundred and five", "vingt et un".
_JOINERS = frozenset({"and", "et", "y", "e", "und", "en", "og"})
# Nouns of a round count, after "un", "une", "a": "un millier" is "a thousand" (1,000).
_COUNTS = {"millier": 1000, "centaine": 100, "dizaine": 10, "douzaine": 12, "dozen": 12}
# "One" alone is mostly an article or a pronoun ("un porc", "one of them"), never counted.
_ONE = frozenset({"un", "une", "a", "an", "one", "uno", "una", "ein", "eine", "einen", "um", "uma", "een", "en", "et"})


@dataclass(frozen=True)
class WordNumber:
    start: int
    end: int
    value: Decimal


@lru_cache(maxsize=8192)
def _word_value(word: str, language: str) -> int | None:
    try:
        return int(text2num(word, language))
    except (ValueError, TypeError):
        return None


def _vague_plural(word: str, language: str) -> bool:
    """ "tens", "millions", "hundreds" (of thousands): a number word in the plural is no count."""
    value = _word_value(word, language)
    return value is not None and word.endswith("s") and _word_value(word[:-1], language) == value


def _readable(words: list[str], language: str) -> int | None:
    """The value of a run of words, or None when it is not one number (or says too little)."""
    folded = [w.casefold() for w in words]
    if len(folded) == 1 and (folded[0] in _ONE or _vague_plural(folded[0], language)):
        return None  # "un porc", "one of them"; "millions of people", "des milliers": not a count
    try:
        return int(text2num(" ".join(folded), language))
    except (ValueError, TypeError):
        return None


def word_languages(language: str) -> tuple[str, ...]:
    """The languages whose number words are read in a text of `language`: its own, then English."""
    return tuple(dict.fromkeys(code for code in (language, "en") if code in LANGUAGES))


def word_numbers(text: str, language: str) -> Iterator[WordNumber]:
    """Runs of number words of `language` in `text`, joined by spaces or hyphens, with their value."""
    tokens = list(_WORD.finditer(text))
    index = 0
    while index < len(tokens):
        token = tokens[index]
        word = token.group().casefold()
        if word in _ONE and index + 1 < len(tokens) and tokens[index + 1].group().casefold() in _COUNTS:
            following = tokens[index + 1]
            if not text[token.end() : following.start()].strip():
                yield WordNumber(token.start(), following.end(), Decimal(_COUNTS[following.group().casefold()]))
                index += 2
                continue
        if word == "half" and index + 1 < len(tokens) and tokens[index + 1].group().casefold() in {"a", "an"}:
            yield WordNumber(token.start(), token.end(), Decimal("0.5"))  # "half an inch"
            index += 1
            continue
        if _word_value(word, language) is None:
            index += 1
            continue
        run = [token]
        while index + len(run) < len(tokens):
            nxt = tokens[index + len(run)]
            gap = text[run[-1].end() : nxt.start()]
            if gap.strip(" -\u00a0") or "\n" in gap:
                break
            if _word_value(nxt.group().casefold(), language) is None and nxt.group().casefold() not in _JOINERS:
                break
            run.append(nxt)
        while run and run[-1].group().casefold() in _JOINERS:
            run.pop()
        value = _readable([t.group() for t in run], language)
        if value is not None:
            yield WordNumber(run[0].start(), run[-1].end(), Decimal(value))
        index += len(run)
