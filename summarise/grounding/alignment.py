"""Translated lines that say another line: a translation that slid by a line or two.

The bundled model sometimes merges two lines or skips one and keeps counting: from there
on, line n holds the translation of line n+1, and every fact placed by its translation lands
a line off. Names, numbers and shared word stems survive translation ("Le mercure pourrait
atteindre les 26 degrés à New York" / "The mercury may reach 26 degrees in New York"), so
each translated line is compared, character by character, with its own source line and
with its neighbours' (rapidfuzz's ratio on case- and accent-folded text). A line clearly
nearer a neighbour's source than its own has slid.
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz

from summarise.documents import strip_accents

# Neighbours looked at on each side: a slide is a line or two (a merged or skipped line).
WINDOW = 3
# How much nearer a neighbour's source must be. Measured on the dev set's articles against
# their English originals (docs/quality.md): translations on their own line were at most
# 0.01 nearer a neighbour, save one at 0.09 (itself a copy of another line); slid ones
# mostly 0.08 to 0.57 nearer.
MARGIN = 0.05


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


def slid_lines(sources: Mapping[int, str], translated: Mapping[int, str]) -> dict[int, int]:
    """Line -> the neighbouring line its translation says instead, for lines that slid."""
    found: dict[int, int] = {}
    for number, translation in translated.items():
        if number in sources and translation:
            other, gap = slide(sources, number, translation)
            if gap >= MARGIN:
                found[number] = other
    return found
