"""The translation memory: every line a reviewer approved (or corrected, or confirmed), reused.

A plain JSON Lines file beside the response cache (docs/memory.md), one line pair a line:
written when a brief is approved, read before a brief is made. A later source line that
matches a reviewed one exactly (after spaces and quotes are normalised) takes the reviewed
translation with no model call, and says whose review it came from; a near match (90% or
more, rapidfuzz) is only offered to the reviewer. A line taken from the memory is never a
model answer: it is not asked, so it is never cached as one.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock

from summarise.brief import Brief, Line
from summarise.output_files import private_folder

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


def _read(path: Path) -> list[Remembered]:
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
    return TranslationMemory(_read(memory_path(cache_dir)))


def reviewed_lines(brief: Brief, name: str, by: str, at: str) -> list[Remembered]:
    """The line pairs an approval of `brief` vouches for: every translated line without a problem,
    and every line the reviewer corrected or confirmed; not those the memory gave it."""
    edits = {edit.number: edit for edit in brief.edits if edit.kind == "line"}

    def vouched(line: Line) -> bool:
        return line.number in edits or (line.translated and not line.problems and not line.origin)

    return [
        Remembered(
            brief.source_language,
            brief.target_language,
            line.source,
            line.translation,
            name,
            by,
            at,
            edits[line.number].before if line.number in edits and edits[line.number].before != line.translation else "",
        )
        for line in brief.lines
        if vouched(line) and line.translation.strip()
    ]


def remember(cache_dir: Path, entries: list[Remembered]) -> None:
    """Append the entries, whole: one write under a lock, flushed to disk."""
    if not entries:
        return
    path = memory_path(cache_dir)
    private_folder(path.parent)
    text = "".join(json.dumps({"format": FORMAT, **asdict(e)}, ensure_ascii=False) + "\n" for e in entries)
    with FileLock(str(path) + ".lock"), path.open("a+", encoding="utf-8") as handle:
        if handle.tell() and not _ends_with_newline(path):  # a line torn by a crash stays apart, left out on reading
            text = "\n" + text
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def glossary_offers(cache_dir: Path, times: int = 2) -> list[tuple[str, str, int]]:
    """(written, corrected to, how often): the words reviewers replaced the same way `times` or more."""
    from difflib import SequenceMatcher

    counted: Counter[tuple[str, str]] = Counter()
    for entry in _read(memory_path(cache_dir)):
        if not entry.corrected_from:
            continue
        old, new = entry.corrected_from.split(), entry.translation.split()
        for change, a0, a1, b0, b1 in SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
            if change == "replace":
                counted[(" ".join(old[a0:a1]).strip(".,;:"), " ".join(new[b0:b1]).strip(".,;:"))] += 1
    return [(before, after, count) for (before, after), count in counted.most_common() if count >= times]
