"""Which source lines each summary sentence rests on: what the HTML view links it to.

A summary that names its lines (`... in Rabat [4, 5].`) is taken at its word, its markers
read as the summary task that asks for them defines them (tasks/summary.py). Otherwise the
lines are found by code: the line whose translation shares the most of the sentence's rarer
words and its numbers. That is a reading aid, not a check: a sentence with no such
line is shown as such, which is itself worth a reviewer's look.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from summarise.brief import Brief, Line
from summarise.documents import split_sentences
from summarise.grounding.quantities import extract_quantities
from summarise.tasks.summary import CITATION, cited_lines

_WORD = re.compile(r"[^\W\d_]{4,}")
MAX_LINES = 3


@dataclass(frozen=True)
class Cited:
    text: str  # the sentence, without its [n] markers
    lines: tuple[int, ...]  # the source lines it rests on, in order; () when none was found
    named: bool  # the summary named these lines itself


def _words(text: str) -> set[str]:
    plain = "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))
    return set(_WORD.findall(plain))


def cite_summary(brief: Brief) -> list[Cited]:
    known = {line.number for line in brief.lines}
    pieces: list[tuple[str, list[int]]] = []
    for sentence in split_sentences(brief.summary, brief.target_language):
        text = sentence.text
        leading = CITATION.match(text)
        if leading and pieces:  # "... end. [4] Next" splits as "[4] Next": [4] is the previous one's
            pieces[-1][1].extend(cited_lines(leading.group()))
            text = text[leading.end() :]
        named = cited_lines(text)
        text = CITATION.sub("", text).strip()
        if text:
            pieces.append((text, named))
    matcher = _Matcher(brief)
    cited: list[Cited] = []
    for text, named in pieces:
        lines = tuple(sorted({n for n in named if n in known}))
        cited.append(Cited(text, lines, True) if lines else Cited(text, matcher.best_lines(text), False))
    return cited


class _Matcher:
    """Scores lines by shared words (weighted by rarity across the document) and numbers."""

    def __init__(self, brief: Brief) -> None:
        self.brief = brief
        self.lines: tuple[Line, ...] = brief.lines
        self.words = [_words(line.translation or line.source) | _words(line.source) for line in self.lines]
        frequency = Counter(word for words in self.words for word in words)
        self.idf = {word: math.log((1 + len(self.lines)) / count) for word, count in frequency.items()}
        self._quantities: dict[int, set[str]] = {}

    def quantities(self, index: int) -> set[str]:
        if index not in self._quantities:
            line = self.lines[index]
            found = extract_quantities(line.source, self.brief.source_language)
            if line.translation:
                found += extract_quantities(line.translation, self.brief.target_language)
            self._quantities[index] = {q.value for q in found}
        return self._quantities[index]

    def best_lines(self, sentence: str) -> tuple[int, ...]:
        wanted = _words(sentence)
        numbers = {q.value for q in extract_quantities(sentence, self.brief.target_language)}
        scored: list[tuple[float, int]] = []
        for index, words in enumerate(self.words):
            shared = wanted & words
            same_numbers = numbers & self.quantities(index) if numbers else set()
            if len(shared) >= 2 or same_numbers:
                scored.append((sum(self.idf[word] for word in shared) + 3.0 * len(same_numbers), index))
        if not scored:
            return ()
        best = max(score for score, _ in scored)
        chosen = sorted(scored, reverse=True)[:MAX_LINES]
        return tuple(sorted(self.lines[index].number for score, index in chosen if score >= 0.75 * best))
