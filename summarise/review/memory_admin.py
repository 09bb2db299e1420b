"""The translation memory's housekeeping: what it holds, listed, and entries forgotten
(`summarise memory list|forget`, docs/memory.md).

Each entry is named by the sha256 of its line in the file (its first ID_CHARS hex digits):
the file has no numbering to keep in step, and the name stays the same while the line does.
Forgetting rewrites the file without the named lines, whole and under the writers' lock, so
an approval appending meanwhile is neither lost nor torn.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from summarise.brief.files import atomic_write
from summarise.config.memory import Remembered, memory_path, normalised
from summarise.errors import InputError

ID_CHARS = 10
MIN_PREFIX = 4  # fewer hex digits than this name too many entries to be meant


@dataclass(frozen=True)
class Listed:
    id: str
    entry: Remembered
    replaced_by: str = ""  # the later entry for the same source line, which is the one used


def _entry_id(raw: str) -> str:
    return hashlib.sha256(raw.strip().encode()).hexdigest()[:ID_CHARS]


def _parsed(raw: str) -> Remembered | None:
    try:
        data = json.loads(raw)
        return Remembered(**{k: str(v) for k, v in data.items() if k != "format"})
    except (ValueError, TypeError, AttributeError):  # a torn line or a hand edit: read as the memory reads it
        return None


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the translation memory ({exc})") from exc


def listed(cache_dir: Path, source: str = "", brief: str = "") -> list[Listed]:
    """Every entry, oldest first, with the ones a later entry replaces said; only those whose
    source line holds `source` (any case, spaces and quotes normalised) and from `brief`, if given."""
    entries = [(raw, entry) for raw in _lines(memory_path(cache_dir)) if (entry := _parsed(raw)) is not None]
    latest: dict[tuple[str, str, str], str] = {}
    for raw, entry in entries:
        latest[(entry.source_language, entry.target_language, normalised(entry.source))] = _entry_id(raw)
    wanted = normalised(source).casefold()
    found = []
    for raw, entry in entries:
        if wanted not in normalised(entry.source).casefold() or (brief and entry.brief != brief):
            continue
        last = latest[(entry.source_language, entry.target_language, normalised(entry.source))]
        found.append(Listed(_entry_id(raw), entry, "" if last == _entry_id(raw) else last))
    return found


def forget(cache_dir: Path, ids: tuple[str, ...] = (), brief: str = "") -> list[Listed]:
    """Remove the entries named by `ids` (an ID or a prefix that names one entry only) and every
    entry from `brief`; the forgotten entries. An ID that names none, or several, changes nothing."""
    path = memory_path(cache_dir)
    if not path.is_file():
        raise InputError(f"{path}: the translation memory is empty; there is nothing to forget")
    with FileLock(str(path) + ".lock"):
        lines = _lines(path)
        known = {_entry_id(raw) for raw in lines if _parsed(raw) is not None}
        chosen: set[str] = set()
        for wanted in ids:
            prefix = wanted.strip().lower()
            matches = {name for name in known if name.startswith(prefix)} if len(prefix) >= MIN_PREFIX else set()
            if len(matches) != 1:
                why = "no entry" if not matches else f"{len(matches)} entries"
                if len(prefix) < MIN_PREFIX:
                    why = f"too short (give at least {MIN_PREFIX} characters of an ID)"
                raise InputError(f"{wanted}: {why}; see summarise memory list; nothing was forgotten")
            chosen |= matches
        gone = [
            Listed(_entry_id(raw), entry)
            for raw in lines
            if (entry := _parsed(raw)) is not None and (_entry_id(raw) in chosen or (brief and entry.brief == brief))
        ]
        if not gone:
            raise InputError(f"no entry of the translation memory comes from {brief}; nothing was forgotten")
        forgotten = {item.id for item in gone}
        kept = [raw for raw in lines if _parsed(raw) is None or _entry_id(raw) not in forgotten]
        atomic_write(path, "".join(raw + "\n" for raw in kept))
    return gone
