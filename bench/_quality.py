"""Scoring for bench/quality.py: answer keys, recall, leftover words, fact spread and place.

Pure functions on a brief's text; nothing here calls a model.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import sacrebleu
from wordfreq import zipf_frequency

from summarise.documents import split_sentences
from summarise.tasks.summary import strip_citations

KEYS = Path(__file__).with_name("quality_keys.toml")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Key:
    fact: str
    patterns: tuple[re.Pattern[str], ...]

    def found_in(self, units: list[str]) -> bool:
        return any(all(p.search(unit) for p in self.patterns) for unit in units)


def load_keys(path: Path = KEYS) -> dict[str, list[Key]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        name: [Key(k["fact"], tuple(re.compile(p, re.IGNORECASE) for p in k["all"])) for k in entry["keys"]]
        for name, entry in data.items()
    }


def plain(text: str) -> str:
    """The prose without `[n]` citations (they are for checking, not for reading)."""
    return strip_citations(text)


def sentences_of(summary: str) -> list[str]:
    return [s.text for s in split_sentences(plain(summary), "en")]


def recall(keys: list[Key], summary: str, facts: list[str]) -> tuple[int, list[str]]:
    """How many keys one summary sentence or one fact states; the facts of the keys missed."""
    units = sentences_of(summary) + [plain(f) for f in facts]
    missed = [k.fact for k in keys if not k.found_in(units)]
    return len(keys) - len(missed), missed


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(c))


def leftover_words(text: str, source: str, reference: str, source_language: str = "fr") -> list[str]:
    """Words of `text` that are the source's and not English: they occur in the source, not in
    the English original, and are much commoner in the source language than in English
    (wordfreq), so "Maroc", "contre", "Mondiale" count, and "match", "police" do not."""
    source_words = {_fold(w) for w in _WORD.findall(source)}
    reference_words = {_fold(w) for w in _WORD.findall(reference)}
    found: list[str] = []
    for word in _WORD.findall(plain(text)):
        key = _fold(word)
        if len(key) < 2 or key not in source_words or key in reference_words:
            continue
        if zipf_frequency(word.lower(), source_language) > zipf_frequency(word.lower(), "en") + 1.0:
            found.append(word)
    return found


def not_in(words: list[str], text: str) -> list[str]:
    """The words `text` does not have (accents and case aside): leftovers in summary and facts
    that the brief's own translation rendered, so the model could have used its English form."""
    present = {_fold(w) for w in _WORD.findall(text)}
    return [word for word in words if _fold(word) not in present]


def shared_lines(lines: list[int]) -> dict[int, int]:
    """Lines cited by more than one fact, with how many facts cite them."""
    return {line: n for line, n in Counter(lines).items() if n > 1}


# A statement sits on its line when the English original of that line matches it within
# MARGIN chrF points of the best-matching line of the article, and at least FLOOR: real
# overlap, not two lines that both barely touch it.
MARGIN, FLOOR = 3.0, 25.0


def match(statement: str, paragraph: str) -> float:
    """chrF of a paragraph of the English original against a statement of the brief.

    The statement is the reference: chrF weighs recall twice, so this asks how much of the
    statement the paragraph says, and a long paragraph is not punished for saying more.
    Judged with sacrebleu's chrF on the human English, not with summarise's own measure on
    its own translation, so the product cannot grade itself."""
    return float(sacrebleu.sentence_chrf(paragraph, [statement]).score)


@dataclass(frozen=True)
class Placement:
    cited: float  # chrF of the paragraphs the brief puts the statement on
    best: float  # chrF of the best single paragraph of the article
    best_paragraph: int

    @property
    def on_its_line(self) -> bool:
        return self.cited >= FLOOR and self.cited >= self.best - MARGIN


def placement(statement: str, paragraphs: list[int], reference: list[str]) -> Placement:
    """Where the English original says `statement`, against where the brief puts it
    (`paragraphs`, 1-based; several for a summary sentence, judged together)."""
    scores = [match(statement, text) for text in reference]
    chosen = [reference[p - 1] for p in paragraphs if 1 <= p <= len(reference)]
    cited = match(statement, "\n".join(chosen)) if chosen else 0.0
    best = max(range(len(scores)), key=lambda i: scores[i]) if scores else 0
    return Placement(cited, scores[best] if scores else 0.0, best + 1)
