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

import hashlib
import inspect
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from summarise.batch import index_rows
from summarise.batch.folder_files import Stamp, briefs_on_disk, placed, stamps_of
from summarise.brief.header import BadHeader, claims_to_be_a_brief, parse_header, read_brief
from summarise.brief.version import __version__
from summarise.render.front_matter import holding_review, review_front_matter, split_markdown

CATALOG_FILE = ".summarise-catalog.sqlite"
RACY_NS = 2_000_000_000


@lru_cache(maxsize=1)
def _made_by() -> str:
    """The code that made the entries: another version (or other templates) rebuilds the catalog."""
    from summarise.render.page import asset  # jinja2, only once a catalog is opened

    made = (__version__, inspect.getsource(index_rows), asset("index_row.html.j2"), asset("page.css"))
    return hashlib.sha256("\0".join(made).encode()).hexdigest()


_SHOWN = "name, title, source, review, reviewer, reviewed_at, flagged, failed_checks, facts, judged"
# Small columns first: SQLite walks a long value's overflow pages to reach the columns after it.
_TABLES = f"""
CREATE TABLE IF NOT EXISTS made_by (code TEXT);
CREATE TABLE IF NOT EXISTS briefs (
    {_SHOWN.replace("name,", "name TEXT PRIMARY KEY,")},
    mtime_ns INTEGER, size INTEGER, inode INTEGER, read_ns INTEGER, ours INTEGER, review_json TEXT,
    md_row TEXT, html_row TEXT, unreadable TEXT);
CREATE TABLE IF NOT EXISTS texts (name TEXT PRIMARY KEY, searched TEXT);
"""


@dataclass(frozen=True)
class Entry:
    """What the index and the desk's queue show of one brief (its front matter, read once)."""

    name: str  # the Markdown's path in the folder, with "/"
    title: str  # as the page shows model words
    source: str
    review: str  # needs review | approved | rejected: the decision that holds for the text on disk
    reviewer: str
    reviewed_at: str
    flagged: int
    failed_checks: int
    facts: int
    judged: int  # facts with a verdict in that decision
    md_row: str = ""  # the index.md row (read only for the index)
    html_row: str = ""  # the index.html row


def searched_text(front: dict[str, Any], markdown: str) -> str:
    """What the desk's search looks in: title, source and the brief's text (facts, translation)."""
    parts = (str(front.get("title", "")), str(front.get("source", "")), split_markdown(markdown)[1])
    return "\n".join(parts).casefold()


def _read(folder: Path, name: str) -> tuple[Any, ...] | str | None:
    """The catalog's columns for one brief; why not, for a brief of ours that cannot be read (a
    damaged or hostile front matter); None for a file that is not a brief."""

    try:
        text = read_brief(folder / name)
    except OSError:
        return None
    except UnicodeDecodeError as exc:  # re-saved in another encoding (Latin-1, cp1252...): said, not dropped
        ours = claims_to_be_a_brief(exc.object.decode("utf-8", "replace"))
        return f"not UTF-8 text ({exc.reason} at byte {exc.start:,})" if ours else None
    try:
        front = parse_header(text)
    except BadHeader as exc:
        return str(exc) if claims_to_be_a_brief(text) else None  # else a file of the user's
    # A decision holds only for the text it was made on: an edited brief needs review.
    review = holding_review(text)
    front["review"] = review_front_matter(review)
    facts = front["facts"] if isinstance(front.get("facts"), dict) else {}
    checks = front["checks"] if isinstance(front.get("checks"), dict) else {}
    total = index_rows.count(facts.get("total"))
    judged = len({verdict.fact for verdict in review.facts if verdict.fact <= total}) if review else 0
    return (
        name,
        str(front.get("title", Path(name).stem)),  # plain text (tasks/brief_inputs.title_for): escaped by the page
        str(front.get("source", "")),
        review.decision if review else "needs review",
        review.by if review else "",
        review.at if review else "",
        index_rows.count(facts.get("flagged")),
        index_rows.count(checks.get("failed")),
        total,
        judged,
        json.dumps(front["review"]),
        index_rows.markdown_row(name, front),
        index_rows.html_row(folder, name, front),
        searched_text(front, text),
    )


# name -> (stamp, when read, its entry; why it cannot be read; None if not a brief)
Known = dict[str, tuple[Stamp, int, "Entry | str | None"]]


def _changes(known: Known, on_disk: dict[str, Stamp]) -> tuple[list[str], list[str]]:
    """(briefs to read again, briefs gone) between what was read and what the folder holds."""
    changed = [
        name
        for name, stamp in on_disk.items()
        if (entry := known.get(name)) is None or entry[0] != stamp or entry[1] - stamp.mtime_ns <= RACY_NS
    ]
    return changed, [name for name in known if name not in on_disk]


class Catalog:
    """The briefs of one folder. What it read is kept in this process too (Catalog.of gives the
    folder's one instance), so a refresh with nothing changed costs a listing of the folder and
    no query. Each write opens its own connection: a batch may write the same folder meanwhile."""

    _instances: ClassVar[dict[Path, Catalog]] = {}
    _instances_lock = threading.Lock()

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()  # the desk refreshes from its request threads
        self._known: Known | None = None  # None: not loaded yet
        self._entries: list[Entry] = []
        self.unreadable: list[tuple[str, str]] = []  # briefs of ours that cannot be read, and why

    @classmethod
    def of(cls, folder: Path) -> Catalog:
        """The folder's catalog in this process."""
        key = folder.resolve()
        with cls._instances_lock:
            if key not in cls._instances:
                cls._instances[key] = cls(key)
            return cls._instances[key]

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            connection = sqlite3.connect(self.folder / CATALOG_FILE, timeout=30)
            connection.executescript(_TABLES)
            if connection.execute("SELECT code FROM made_by").fetchone() != (_made_by(),):
                connection.executescript("DELETE FROM briefs; DELETE FROM made_by;")
                connection.execute("INSERT INTO made_by VALUES (?)", (_made_by(),))
                connection.commit()
        except sqlite3.Error:
            # A folder we may not write, or a damaged file: a catalog in memory still works.
            connection = sqlite3.connect(":memory:")
            connection.executescript(_TABLES)
        with closing(connection), connection:
            yield connection

    def _load(self, connection: sqlite3.Connection) -> Known:
        query = f"SELECT mtime_ns, size, inode, read_ns, ours, unreadable, {_SHOWN}, md_row, html_row FROM briefs"
        return {
            row[6]: (Stamp(*row[:3]), row[3], Entry(*row[6:]) if row[4] else row[5])
            for row in connection.execute(query)
        }

    def refresh(self, names: list[str] | None = None) -> list[Entry]:
        """Every brief in the folder, in name order; reads only the briefs whose files changed.
        With `names`, only those briefs are looked at again (the desk after a decision): the rest
        are as the last refresh saw them, and nothing that grows with the folder is read."""
        listed = briefs_on_disk(self.folder) if names is None else None  # outside the lock: the slow part
        with self._lock:
            partial = names is not None and self._known is not None
            on_disk = stamps_of(self.folder, names or []) if partial else listed
            on_disk = briefs_on_disk(self.folder) if on_disk is None else on_disk

            def changes(known: Known) -> tuple[list[str], list[str]]:
                changed, gone = _changes(known, on_disk)
                return changed, [] if partial else gone  # a partial look says nothing of the others

            if self._known is not None and changes(self._known) == ([], []):
                return self._entries
            with self._connection() as connection:
                known = self._known if self._known is not None else self._load(connection)
                changed, gone = changes(known)
                connection.executemany("DELETE FROM briefs WHERE name = ?", [(name,) for name in gone])
                connection.executemany("DELETE FROM texts WHERE name = ?", [(name,) for name in gone])
                for name in gone:
                    del known[name]
                for name in changed:
                    known[name] = self._store(connection, name, on_disk[name])
            self._known = known
            if partial:  # the kept list with these briefs put in their places, not the whole list sorted again
                found = {name: entry if isinstance(entry := known[name][2], Entry) else None for name in changed}
                self._entries = placed(self._entries, found)
                why = [(name, entry) for name in changed if isinstance(entry := known[name][2], str)]
                self.unreadable = sorted([item for item in self.unreadable if item[0] not in found] + why)
                return self._entries
            self._entries = [entry for _, (_, _, entry) in sorted(known.items()) if isinstance(entry, Entry)]
            self.unreadable = [(name, why) for name, (_, _, why) in sorted(known.items()) if isinstance(why, str)]
            return self._entries

    def _store(self, connection: sqlite3.Connection, name: str, stamp: Stamp) -> tuple[Stamp, int, Entry | str | None]:
        read_ns = time.time_ns()  # before reading: a change made while reading is seen next time
        found = _read(self.folder, name)
        # Not a brief, or one that cannot be read: remembered too, so that it is read again only once it changes.
        columns = found if isinstance(found, tuple) else (name, *([None] * 12), "")
        *shown, review, md_row, html_row, searched = columns
        why = found if isinstance(found, str) else None
        connection.execute(
            f"INSERT OR REPLACE INTO briefs ({_SHOWN}, mtime_ns, size, inode, read_ns, ours, review_json, md_row, "
            f"html_row, unreadable) VALUES ({', '.join('?' * 19)})",
            (
                *shown,
                stamp.mtime_ns,
                stamp.size,
                stamp.inode,
                read_ns,
                review is not None,
                review,
                md_row,
                html_row,
                why,
            ),
        )
        connection.execute("INSERT OR REPLACE INTO texts VALUES (?, ?)", (name, searched))
        entry = Entry(*[*shown, md_row, html_row]) if isinstance(found, tuple) else None  # type: ignore[arg-type]
        return stamp, read_ns, entry or why

    def known(self) -> list[Entry]:
        """The briefs as the last refresh saw them (a first call refreshes)."""
        with self._lock:
            if self._known is not None:
                return self._entries
        return self.refresh()

    def matching(self, text: str) -> set[str]:
        """The briefs whose title, source or text holds `text` (any case), as of the last refresh."""
        with self._connection() as connection:
            rows = connection.execute("SELECT name FROM texts WHERE instr(searched, ?) > 0", (text.casefold(),))
            return {name for (name,) in rows}

    def reviews(self) -> list[tuple[Entry, dict[str, Any]]]:
        """Every brief with its review as the front matter holds it (the decision that still holds)."""
        entries = {entry.name: entry for entry in self.refresh()}
        with self._connection() as connection:
            rows = connection.execute("SELECT name, review_json FROM briefs WHERE ours ORDER BY name")
            return [(entries[name], json.loads(review)) for name, review in rows if name in entries]
