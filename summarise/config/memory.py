"""The translation memory, read: every line a reviewer approved (or corrected, or confirmed), reused.

A plain JSON Lines file beside the response cache (docs/memory.md), one line pair a line:
written when a brief is approved, read before a brief is made. A later source line that
matches a reviewed one exactly (after spaces and quotes are normalised) takes the reviewed
translation with no model call, and says whose review it came from; a near match (90% or
more, rapidfuzz) is only offered to the reviewer. A line taken from the memory is never a
model answer: it is not asked, so it is never cached as one. Read before any call, like the
glossary; written when a brief is approved (review/memory.py).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MEMORY_FILE = "memory.jsonl"
NEAR = 90.0  # rapidfuzz ratio from which a reviewed line is offered for another
FORMAT = 1
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


def normalised(text: str) -> str:
    """A source line as the memory matches it: NFC, straight quotes, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return " ".join(text.split())


@dataclass(frozen=True)
class Remembered:
    """One reviewed line pair, as the memory file holds it."""

    source_language: str
    target_language: str
    source: str
    translation: str
    brief: str  # the brief it was reviewed in
    by: str
    at: str  # ISO 8601 date of the decision
    corrected_from: str = ""  # the model's translation the reviewer replaced ("" when approved as written)

    @property
    def origin(self) -> str:
        return f"from review of {self.brief} by {self.by} on {self.at[:10]}"


def memory_path(cache_dir: Path) -> Path:
    return cache_dir / MEMORY_FILE


class TranslationMemory:
    """The reviewed lines, read once, by language pair and normalised source; later entries win."""

    def __init__(self, entries: Iterable[Remembered]) -> None:
        self.entries: dict[tuple[str, str], dict[str, Remembered]] = {}
        for entry in entries:
            pair = (entry.source_language, entry.target_language)
            self.entries.setdefault(pair, {})[normalised(entry.source)] = entry

    def exact(self, source_language: str, target_language: str, source: str) -> Remembered | None:
        return self.entries.get((source_language, target_language), {}).get(normalised(source))

    def near(self, source_language: str, target_language: str, source: str) -> Remembered | None:
        """The closest reviewed line at NEAR% or more, when there is no exact one."""
        from rapidfuzz import fuzz, process

        known = self.entries.get((source_language, target_language), {})
        key = normalised(source)
        if not known or key in known:
            return None
        found = process.extractOne(key, list(known), scorer=fuzz.ratio, score_cutoff=NEAR)
        return known[found[0]] if found else None

    def __bool__(self) -> bool:
        return bool(self.entries)


def read_entries(path: Path) -> list[Remembered]:
    entries: list[Remembered] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    for raw in text.splitlines():
        try:
            data = json.loads(raw)
            entries.append(Remembered(**{k: str(v) for k, v in data.items() if k != "format"}))
        except (ValueError, TypeError):  # a torn last line, or a hand edit: that line only is left out
            continue
    return entries


def load_memory(cache_dir: Path) -> TranslationMemory:
    return TranslationMemory(read_entries(memory_path(cache_dir)))
