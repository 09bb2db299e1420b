"""How much of a statement a source line says: the one measure that places facts and
summary sentences on lines and decides whether a line supports them.

A statement (a fact, a summary sentence) is in the target language, and so is each line's
translation: like is compared with like. The score is the share of the statement's content
words that the line holds (its translation, and its source for names and figures written
the same in both), each word weighted by how rare it is among the document's lines. A
name that is on every line ("Coalition") says little about which line states a fact; a
word on one line says a lot. Words match on their first five letters, so "coordinated"
meets "coordination" and "meetings" meets "meeting".

Numbers are not words here: grounding/quantities.py checks them, with their units and
qualifiers, once a statement has its line.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from summarise.documents import strip_accents
from summarise.grounding.alignment import slid_lines

# A line supports a statement when it holds at least this share of the statement's content
# (weighted as above). Measured on the dev set's facts against their English originals
# (docs/history/quality.md): facts on their line score 0.6-1.0, facts on a neighbouring line of the
# same story mostly below 0.4.
SUPPORTED = 0.5
_WORD = re.compile(r"[^\W\d_]{4,}|\b[^\W\d_]*[A-Z][^\W\d_]*[A-Z][^\W\d_]*\b")  # 4+ letters, or an acronym


def content_words(text: str) -> set[str]:
    """The words that carry content: 4+ letters (shorter ones are mostly "the", "de", "of")
    and acronyms ("UN", "EU"), case- and accent-folded, cut to five letters."""
    return {_stem(strip_accents(word.casefold())) for word in _WORD.findall(text)}


def _stem(word: str) -> str:
    # Five letters, four for short words: "coordinated" meets "coordination", "opens" "open".
    return word[:4] if len(word) <= 5 else word[:5]


class LineIndex:
    """The document's lines, by number, ready to be scored against statements."""

    def __init__(self, lines: Mapping[int, tuple[str, str]]) -> None:
        """`lines`: number -> (source, translation); the translation may be "".

        A translation that says a neighbouring line (grounding/alignment.py) is left out:
        its words would put that line's facts here."""
        self.translations = {n: target for n, (_source, target) in lines.items()}
        slid = slid_lines({n: source for n, (source, _) in lines.items()}, {n: t for n, (_, t) in lines.items()})
        self.words = {
            n: content_words(source) | (set() if n in slid else content_words(target))
            for n, (source, target) in lines.items()
        }
        frequency = Counter(word for words in self.words.values() for word in words)
        total = max(len(self.words), 1)
        # A word no line has (a paraphrase) weighs as much as the rarest word a line has.
        self._idf = {word: math.log(1 + total / count) for word, count in frequency.items()}
        self._unseen = math.log(1 + total)

    def translation(self, number: int) -> str:
        return self.translations.get(number, "")

    def weight(self, word: str) -> float:
        return self._idf.get(word, self._unseen)

    def score(self, statement: str, numbers: Iterable[int]) -> float:
        """The weighted share of the statement's content words found in these lines together."""
        held: set[str] = set()
        for number in numbers:
            held |= self.words.get(number, set())
        return self._share(content_words(statement), held)

    def _share(self, wanted: set[str], held: set[str]) -> float:
        total = sum(self.weight(word) for word in wanted)
        return sum(self.weight(word) for word in wanted & held) / total if total else 0.0

    def each(self, statement: str, numbers: Iterable[int]) -> dict[int, float]:
        """The score of each of `numbers` alone."""
        wanted = content_words(statement)
        return {n: self._share(wanted, self.words.get(n, set())) for n in numbers}

    def ranked(self, statement: str, numbers: Iterable[int]) -> list[tuple[float, int]]:
        """(score, line) for each of `numbers`, best first; ties go to the earlier line."""
        return sorted(((score, n) for n, score in self.each(statement, numbers).items()), key=lambda p: (-p[0], p[1]))
