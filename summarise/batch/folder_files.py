"""The briefs a folder holds on disk, by name and file stamp: what the catalog (batch/catalog.py)
compares with what it read, to read again only the briefs whose files changed."""

from __future__ import annotations

import os
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from summarise.batch.discover import INDEX_FILE


@dataclass(frozen=True)
class Stamp:
    mtime_ns: int
    size: int
    inode: int


def _stamp(path: str | Path) -> Stamp | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return Stamp(status.st_mtime_ns, status.st_size, status.st_ino)


def briefs_on_disk(folder: Path) -> dict[str, Stamp]:
    """Every Markdown file under the folder that could be a brief, by its path in the folder."""
    found: dict[str, Stamp] = {}
    root = str(folder)
    for directory, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]  # our state, caches, locks
        prefix = "" if directory == root else os.path.relpath(directory, root).replace(os.sep, "/") + "/"
        for name in files:
            if not name.endswith(".md") or name.startswith(".") or (not prefix and name == INDEX_FILE):
                continue
            if (stamp := _stamp(os.path.join(directory, name))) is not None:
                found[prefix + name] = stamp
    return found


def stamps_of(folder: Path, names: list[str]) -> dict[str, Stamp]:
    """These briefs' stamps only (one that is gone is left out: the next whole listing says so)."""
    return {name: stamp for name in names if (stamp := _stamp(folder / name)) is not None}


class Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)


def placed(items: list[T], updated: dict[str, T | None]) -> list[T]:
    """`items` (in name order) with each updated one put in its place, or taken out (None): a
    new list, so that a reader still holding the old one reads it unchanged."""
    result = list(items)
    for name, item in sorted(updated.items()):
        at = bisect_left(result, name, key=lambda each: each.name)
        here = int(at < len(result) and result[at].name == name)
        result[at : at + here] = [] if item is None else [item]
    return result
