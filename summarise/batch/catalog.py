"""The folder's briefs and their front matter, kept in a cache refreshed by file times.

Reading every brief's front matter costs seconds in a folder of 10,000 briefs; the review
desk's pages and each decision must not pay that. The catalog (an SQLite file in the
folder, `.summarise-catalog.sqlite`) keeps, per brief, what the index and the desk read:
its front matter (with the review that still holds for its text) and its searchable text,
with the file's (mtime_ns, size, inode) when it was read. A refresh lists the folder and
stats each brief; only a brief whose file changed is read again.

A file changed twice within the file system's clock tick keeps its mtime: like git's
"racily clean" entries, a brief read less than RACY_NS after it was written is read again
on the next refresh, so such a change is never missed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarise.batch.discover import INDEX_FILE
from summarise.render import read_front_matter
from summarise.render.front_matter import holding_review, review_front_matter, split_markdown

CATALOG_FILE = ".summarise-catalog.sqlite"
SCHEMA = 1  # bump when what an entry holds changes: an older catalog is rebuilt
RACY_NS = 2_000_000_000

_TABLE = """CREATE TABLE IF NOT EXISTS briefs (
    name TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER, inode INTEGER, read_ns INTEGER,
    front TEXT, searched TEXT)"""


@dataclass(frozen=True)
class Stamp:
    mtime_ns: int
    size: int
    inode: int


def _briefs_on_disk(folder: Path) -> dict[str, Stamp]:
    """Every Markdown file under the folder that could be a brief, by its path in the folder."""
    found: dict[str, Stamp] = {}
    for directory, subfolders, files in os.walk(folder):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]  # our state, caches, locks
        relative = Path(directory).relative_to(folder)
        for name in files:
            if not name.endswith(".md") or name.startswith("."):
                continue
            key = (relative / name).as_posix()
            if key == INDEX_FILE:
                continue
            try:
                status = os.stat(os.path.join(directory, name))
            except OSError:
                continue
            found[key] = Stamp(status.st_mtime_ns, status.st_size, status.st_ino)
    return found


def searched_text(front: dict[str, Any], markdown: str) -> str:
    """What the desk's search looks in: title, source and the brief's text (facts, translation)."""
    return "\n".join(
        (str(front.get("title", "")), str(front.get("source", "")), split_markdown(markdown)[1])
    ).casefold()


def _read(path: Path) -> tuple[dict[str, Any], str] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    front = read_front_matter(text)
    if not front or "brief_key" not in front:  # not one of our briefs
        return None
    # A decision holds only for the text it was made on: an edited brief needs review.
    front["review"] = review_front_matter(holding_review(text))
    return front, searched_text(front, text)


class Catalog:
    """The briefs of one folder. Each method opens its own connection: the desk calls them from
    its request threads, and a batch may write the same folder meanwhile."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        path = self.folder / CATALOG_FILE
        try:
            connection = sqlite3.connect(path, timeout=30)
            connection.execute(_TABLE)
            if connection.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
                connection.execute("DELETE FROM briefs")
                connection.execute(f"PRAGMA user_version = {SCHEMA}")
        except sqlite3.Error:
            # A folder we may not write, or a damaged file: a catalog in memory still works.
            connection = sqlite3.connect(":memory:")
            connection.execute(_TABLE)
        with closing(connection), connection:
            yield connection

    def refresh(self) -> list[tuple[str, dict[str, Any]]]:
        """Every brief in the folder with its front matter, in name order; reads only what changed."""
        on_disk = _briefs_on_disk(self.folder)
        with self._connection() as connection:
            known = {
                name: (Stamp(mtime, size, inode), read_ns, front)
                for name, mtime, size, inode, read_ns, front in connection.execute(
                    "SELECT name, mtime_ns, size, inode, read_ns, front FROM briefs"
                )
            }
            gone = [(name,) for name in known.keys() - on_disk.keys()]
            connection.executemany("DELETE FROM briefs WHERE name = ?", gone)
            briefs: list[tuple[str, dict[str, Any]]] = []
            for name in sorted(on_disk):
                stamp = on_disk[name]
                entry = known.get(name)
                if entry is not None and entry[0] == stamp and entry[1] - stamp.mtime_ns > RACY_NS:
                    if entry[2] is not None:
                        briefs.append((name, json.loads(entry[2])))
                    continue
                read_ns = time.time_ns()
                found = _read(self.folder / name)
                front, searched = (json.dumps(found[0]), found[1]) if found else (None, "")
                connection.execute(
                    "INSERT OR REPLACE INTO briefs VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (name, stamp.mtime_ns, stamp.size, stamp.inode, read_ns, front, searched),
                )
                if found:
                    briefs.append((name, found[0]))
        return briefs

    def matching(self, text: str) -> set[str]:
        """The briefs whose title, source or text holds `text` (any case), as of the last refresh."""
        needle = text.casefold()
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT name FROM briefs WHERE front IS NOT NULL AND instr(searched, ?) > 0", (needle,)
            )
            return {name for (name,) in rows}


def collect_briefs(output_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Our briefs under the output folder (this run's and earlier ones), with their front matter."""
    return [(Path(name), front) for name, front in Catalog(output_dir).refresh()]
