"""The translation memory, written: the line pairs an approved brief vouches for, appended to the
file config/memory.py reads (docs/memory.md); and the words reviewers corrected the same way
more than once, offered for the glossary."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from filelock import FileLock

from summarise.brief import Brief, Line
from summarise.brief.files import private_folder
from summarise.config.memory import FORMAT, Remembered, memory_path, read_entries


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
    for entry in read_entries(memory_path(cache_dir)):
        if not entry.corrected_from:
            continue
        old, new = entry.corrected_from.split(), entry.translation.split()
        for change, a0, a1, b0, b1 in SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
            if change == "replace":
                counted[(" ".join(old[a0:a1]).strip(".,;:"), " ".join(new[b0:b1]).strip(".,;:"))] += 1
    return [(before, after, count) for (before, after), count in counted.most_common() if count >= times]
