"""A large glossary file, keyed only where a text has its words: lines bucketed by their first letters.

Reading and keying every entry of a 100,000-line file costs seconds of Python, many times a
brief against a quick endpoint, although a document uses a few dozen terms. A file of
`source,target` lines (no quotes, no language columns: what `plain_lines` accepts, every
line's shape checked at load) is therefore kept as its lines, bucketed by their first three
characters and packed (config/glossary_cache.py: the same blob is kept in the cache folder, so
the next brief with the file reads none of this again); an `Entry` is built, keyed and indexed
only for the lines of a bucket some text's word starts with (`TermLines.find`). Two entries of
one source term have one first word, so they meet in one bucket: a term written twice with two
targets is refused when a text first has its first letters, before any request that could carry it.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from summarise.config.glossary_cache import PackedLines, pack
from summarise.config.term_index import WORD, Entry, Match, TermIndex, word_key, words
from summarise.errors import ConfigError

# A file larger than this is read lazily: below, keying every entry at once costs a few milliseconds.
LAZY_LINES = 2_000
_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on besides "\n"
_PREFIX = 3  # a bucket: the first three characters of a line whose first word is at least that long


def plain_lines(text: str, delimiter: str, start: int) -> PackedLines | None:
    """The lines of `text` (0-based numbers) packed by bucket (`_bucket_key`), when every line from
    `start` on is blank, a comment or one `source,target` entry (one delimiter, a letter or digit in
    the source, a target), at least one an entry; None for any other file (read entry by entry, each
    line with its own error). Checked by string searches and one pass of a few C calls per line."""
    if '"' in text or any(mark in text for mark in _LINE_BREAKS):
        return None
    framed = "\n" + text + "\n"
    separator = re.escape(delimiter)
    # A source cell without a letter or digit (or empty), an empty target: the slow path says which line.
    if re.search(rf"\n(?:[^\w\n]|_)*{separator}", framed) or re.search(rf"{separator}[^\S\n]*\n", framed):
        return None
    lines = text.split("\n")
    by_letters: defaultdict[str, list[int]] = defaultdict(list)
    others: list[int] = []
    for number, line in enumerate(lines[start:], start):
        if line.count(delimiter) == 1:
            by_letters[line[:_PREFIX]].append(number)
        else:
            others.append(number)
    # Lines without exactly one delimiter (few: blanks and comments) are looked at one by one.
    if any(lines[number].strip() and not lines[number].lstrip().startswith("#") for number in others):
        return None
    entries = (number for numbers in by_letters.values() for number in numbers)
    if all(lines[number].lstrip().startswith("#") for number in entries):
        return None
    buckets: dict[str, list[int]] = {}
    for prefix, numbers in by_letters.items():  # each distinct three characters keyed once, not each line
        buckets.setdefault(_bucket_key(prefix), []).extend(numbers)
    return pack(lines, buckets, delimiter)


def _bucket_key(prefix: str) -> str:
    """The casefolded, accent-free first three characters of a source term ("PNU" and "pnu" together),
    "" for a term that starts otherwise (a short word, a mark): that bucket is always opened."""
    return word_key(prefix)[:_PREFIX] if len(prefix) == _PREFIX and prefix.isalnum() else ""


class TermLines(Sequence[Entry]):
    """The entries of a large plain file, built as texts need them: a text's word opens the bucket of
    its first three letters (its lines keyed by their first word, a dictionary look-up each), then
    only the lines whose first word is that word become entries. As a sequence (`Glossary.entries`),
    every entry: built then, all of them."""

    def __init__(self, name: str, packed: PackedLines) -> None:
        self.name, self._packed, self._delimiter = name, packed, packed.delimiter
        self._by_word: dict[str, list[tuple[int, str]]] = {}  # the opened buckets' lines, by their first word's key
        self._opened: set[str] = set()
        self._built: set[str] = set()  # first words whose lines are entries (or comments) already
        self._seen: dict[tuple[str, ...], Entry] = {}
        self._index = TermIndex(())
        self._lock = threading.RLock()
        self.examined = 0  # lines made into entries so far: bounded by the texts' words, not the file

    def index_for_words(self, keys: Iterable[str]) -> TermIndex:
        keys = set(keys) - self._built
        if not keys:
            return self._index
        # A word's key keeps its first three characters (word_key strips a plural only beyond them).
        for prefix in ({key[:_PREFIX] for key in keys} | {""}) - self._opened:
            for number, line in self._packed.lines(prefix):
                first = WORD.search(line)  # every line has one: plain_lines checked it
                self._by_word.setdefault(word_key(first.group()) if first else "", []).append((number, line))
            self._opened.add(prefix)
        for key in keys:
            self._index.add(self._entry(number, line) for number, line in sorted(self._by_word.get(key, ())))
        self._built |= keys
        return self._index

    def _entry(self, number: int, line: str) -> Entry | None:
        if not line.strip() or line.lstrip().startswith("#"):
            return None
        source, target = (cell.strip() for cell in line.split(self._delimiter))
        entry = Entry(source, target, line=number + 1)
        self.examined += 1
        if (other := self._seen.setdefault(entry.source_keys, entry)) is not entry:
            if other.target != entry.target:
                where = f"glossary {self.name} line {max(entry.line, other.line)}"
                first, second = sorted((other, entry), key=lambda e: e.line)
                raise ConfigError(
                    f"{where}: {second.source!r} is already on line {first.line} as {first.target!r}, "
                    f"here as {second.target!r}; keep one"
                )
            return None  # the same entry twice: the first is kept
        return entry

    def find(self, text: str) -> list[Match]:
        """Where the source terms occur in `text`: the entries of its words made first, if not yet.
        Under a lock: the chunks of a brief run in threads, and an index being added to is no index
        to read (a list being sorted reads as empty)."""
        found = words(text)
        with self._lock:
            return self.index_for_words({key for key, _, _ in found}).find(text, found)

    @property
    def _all(self) -> tuple[Entry, ...]:
        with self._lock:
            self.index_for_words(self._packed.keys)  # every bucket opened
            self.index_for_words(self._by_word)  # every line an entry
            return tuple(sorted(self._seen.values(), key=lambda entry: entry.line))

    def __len__(self) -> int:
        return len(self._all)

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Entry]: ...
    def __getitem__(self, index: int | slice) -> Entry | Sequence[Entry]:
        return self._all[index]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._all)
