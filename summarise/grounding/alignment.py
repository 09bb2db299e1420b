"""Translated lines that say another line: a translation that slid by a line or two.

The bundled model sometimes merges two lines or skips one and keeps counting: from there
on, line n holds the translation of line n+1, and every fact placed by its translation lands
a line off. Names, numbers and shared word stems survive translation ("Le mercure pourrait
atteindre les 26 degrés à New York" / "The mercury may reach 26 degrees in New York"), so
each translated line is compared, character by character, with its own source line and
with its neighbours' (rapidfuzz's ratio on case- and accent-folded text). A line clearly
nearer a neighbour's source than its own has slid. So has one of two lines whose
translations are nearly the same while their sources are not (the model wrote line 25's
translation on line 23 too, or line 17's on line 27): the one less like its own source.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping

from rapidfuzz import fuzz

from summarise.documents import strip_accents

# Neighbours looked at on each side: a slide is a line or two (a merged or skipped line).
WINDOW = 3
# How much nearer a neighbour's source must be. Measured on the dev set's articles against
# their English originals (docs/history/quality.md): translations on their own line were at most
# 0.01 nearer a neighbour, save one at 0.09 (itself a copy of another line); slid ones
# mostly 0.08 to 0.57 nearer.
MARGIN = 0.05
# Two translations this alike (while their sources are at least REPEAT_GAP less so) say one
# line twice. Measured on the dev set: such repeats 0.82-0.93 alike with sources 0.45-0.49;
# lines that repeat in the source too (a headline and its first line) 0.76 and 0.74.
REPEAT, REPEAT_GAP = 0.8, 0.2
# Repeats are looked for this many lines apart at most (a chunk is ~50 lines).
REPEAT_WINDOW = 40
# Free but right translations of the dev set came up to 0.09 nearer a neighbour's source (a
# reply that starts with its neighbour's subject, a sentence with its clauses turned round):
# below FREE, a line whose names and numbers do not tell is judged by its length. A translation
# is about as long as its line (the document's own ratio); one that fits a neighbour's length
# clearly better (LENGTH, in log ratio: 22%) says that line. Measured with bench/alarms.py:
# right lines 0.16 or less, slid ones mostly 0.23 or more.
FREE, LENGTH = 0.1, 0.2
# A translation shorter than this is not judged: "No." and "Thank you." resemble any short
# line as characters (a dialogue of short lines looked slid throughout).
MIN_CHARS = 30
# A translation that loops: the model says one phrase over and over until its token cap ("...the
# meeting of the Directors of Political Policy ... on June 18, 2018, in June 2018," thirty times,
# seen on the 2022 seed). A phrase of LOOP_WORDS words said LOOP_TIMES times, in a translation
# over LOOP_LENGTH times as long as its line (right translations run about 1.1 times), is no
# translation of that line.
LOOP_WORDS, LOOP_TIMES, LOOP_LENGTH = 4, 3, 2.0


def runaway(source: str, translation: str) -> bool:
    """Whether a translated line loops (see LOOP_WORDS): it says one phrase again and again."""
    if len(translation) <= LOOP_LENGTH * max(len(source), 1):
        return False
    words = translation.casefold().split()
    phrases = Counter(tuple(words[i : i + LOOP_WORDS]) for i in range(len(words) - LOOP_WORDS + 1))
    return any(count >= LOOP_TIMES for count in phrases.values())


def _fold(text: str) -> str:
    return strip_accents(text.casefold())


def resemblance(source: str, translation: str) -> float:
    """How alike a source line and a translation are as characters, 0 to 1."""
    return fuzz.ratio(_fold(source), _fold(translation)) / 100


def slide(sources: Mapping[int, str], number: int, translation: str) -> tuple[int, float]:
    """The neighbouring line whose source `translation` resembles most, and by how much more
    than its own line's (negative when its own line is the nearest)."""
    own = resemblance(sources[number], translation)
    best, gap = number, float("-inf")
    for other in range(number - WINDOW, number + WINDOW + 1):
        if other != number and other in sources:
            score = resemblance(sources[other], translation) - own
            if score > gap:
                best, gap = other, score
    return best, gap


_ANCHOR = re.compile(r"\d+|(?<=\W)[^\W\d_]*[A-Z][^\W\d_]{2,}")


def anchors(text: str) -> set[str]:
    """What a translation keeps of its line whatever its wording: numbers, and names (capitalised
    words but the first), folded and cut to five letters ("Hammerfest", "Tromsø", "2019")."""
    return {_fold(word)[:5] for word in _ANCHOR.findall(" " + text.split(" ", 1)[-1])}


def judge_slides(sources: Mapping[int, str], translated: Mapping[int, str]) -> tuple[dict[int, int], list[int]]:
    """Line -> the line its translation says instead, for lines that slid; and the lines that
    could not be judged (too short, or only a little nearer a neighbour with no name or number
    to tell which line they say)."""
    found: dict[int, int] = {}
    unjudged: list[int] = []
    ratio = _length_ratio(sources, translated)
    for number, translation in translated.items():
        if number not in sources:
            continue
        if len(translation) < MIN_CHARS:
            unjudged.append(number)
            continue
        other, gap = slide(sources, number, translation)
        if gap < MARGIN:
            continue
        kept = anchors(translation)
        own, theirs = len(kept & anchors(sources[number])), len(kept & anchors(sources[other]))
        if theirs > own:
            found[number] = other  # it keeps the neighbour's names and numbers
        elif theirs < own:
            continue  # it keeps its own line's: a free translation
        elif (
            gap >= FREE
            or _misfit(sources[number], translation, ratio) - _misfit(sources[other], translation, ratio) >= LENGTH
        ):
            found[number] = other
        else:
            unjudged.append(number)
    return found | _repeats(sources, translated), sorted(set(unjudged) - set(found))


def _length_ratio(sources: Mapping[int, str], translated: Mapping[int, str]) -> float:
    """How much longer a translation is than its line, in this document (log ratio, the median)."""
    ratios = sorted(math.log(len(t) / len(sources[n])) for n, t in translated.items() if t and sources.get(n))
    return ratios[len(ratios) // 2] if ratios else 0.0


def _misfit(source: str, translation: str, ratio: float) -> float:
    return abs(math.log(len(translation) / max(len(source), 1)) - ratio)


def slid_lines(sources: Mapping[int, str], translated: Mapping[int, str]) -> dict[int, int]:
    """Line -> the line its translation says instead, for lines that slid (a repeat names the line it repeats)."""
    return judge_slides(sources, translated)[0]


def _repeats(sources: Mapping[int, str], translated: Mapping[int, str]) -> dict[int, int]:
    """Of two lines whose translations are nearly one while their sources differ, the one less
    like its own source (both when neither is), with the line it repeats."""
    numbers = sorted(n for n, text in translated.items() if n in sources and len(text) >= MIN_CHARS)
    folded = {n: _fold(translated[n]) for n in numbers}
    found: dict[int, int] = {}
    for index, first in enumerate(numbers):
        for second in numbers[index + 1 :]:
            if second - first > REPEAT_WINDOW:
                break
            alike = fuzz.ratio(folded[first], folded[second], score_cutoff=REPEAT * 100) / 100
            if not alike or resemblance(sources[first], sources[second]) > alike - REPEAT_GAP:
                continue
            own_first = resemblance(sources[first], translated[first])
            own_second = resemblance(sources[second], translated[second])
            if own_first <= own_second:
                found[first] = second
            if own_second <= own_first:
                found[second] = first
    return found


def says_another(sources: Mapping[int, str], translated: Mapping[int, str], number: int, text: str) -> bool:
    """Whether `text`, as line `number`'s translation among the others, says another line."""
    near = {n: t for n, t in translated.items() if abs(n - number) <= REPEAT_WINDOW}
    return number in slid_lines(sources, {**near, number: text})
