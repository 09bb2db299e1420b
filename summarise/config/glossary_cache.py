"""A large glossary file's lines, packed by bucket; kept in the cache folder under the file's sha256.

Reading and checking a 100,000-line file costs ~100 ms of Python a brief (decoding, the shape
checks, a pass a line to bucket it: config/term_lines.py), more than a brief itself against a
quick endpoint. Its result depends on the file's bytes alone, so it is packed once into one
blob (the lines of each bucket together, their numbers beside them) and stored as
`glossaries/<sha256>` in the cache folder; the next brief with the same bytes reads the blob
and opens only the buckets a document's words reach. An edited file has another sha256, so it
is read and checked again, never served stale.

The blob is plain data (arrays of integers and UTF-8 text, never a pickle), checked whole on
reading (its format, its length, a CRC-32 of its contents): a damaged or foreign entry is
ignored and written again, and a cache folder that cannot be written costs only the time.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import struct
import sys
import tempfile
import zlib
from array import array
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from summarise.brief.version import __version__

FOLDER = "glossaries"
KEEP = 8  # glossaries kept in the cache folder, the most recently used: each is about the file's size
# What a blob holds depends on this code (bucket keys are word keys): another version, another format.
_MAGIC = f"summarise glossary lines 1 {sys.byteorder} {__version__}\n".encode()
# CRC-32 of what follows the head; buckets, lines, key bytes, body bytes; the delimiter's code point.
_HEAD = struct.Struct("<IIIIQI")


class PackedLines:
    """A glossary's entry lines by bucket key: each bucket's (line number, line), decoded when asked."""

    def __init__(self, blob: bytes) -> None:
        """`blob` as `pack` made it; ValueError (or struct.error) if it is not one, whole."""
        if not blob.startswith(_MAGIC):
            raise ValueError("not a glossary blob of this version")
        at = len(_MAGIC) + _HEAD.size
        crc, buckets, lines, key_bytes, body_bytes, delimiter = _HEAD.unpack_from(blob, len(_MAGIC))
        if zlib.crc32(memoryview(blob)[at:]) != crc:
            raise ValueError("damaged")
        view = memoryview(blob)
        keys, at = view[at : at + key_bytes], at + key_bytes
        self._bounds, at = _array("I", view, at, buckets + 1)  # bucket n's lines: bounds[n] to bounds[n + 1]
        self._offsets, at = _array("Q", view, at, buckets + 1)  # and its bytes in the body
        self._numbers, at = _array("I", view, at, lines)  # each line's number in the file, bucket by bucket
        if at + body_bytes != len(blob):
            raise ValueError("wrong length")
        self._keys = {key: n for n, key in enumerate(str(keys, "utf-8").split("\n"))}
        if len(self._keys) != buckets or self._bounds[-1] != lines or self._offsets[-1] != body_bytes:
            raise ValueError("inconsistent")
        self._body = view[at:]
        self.delimiter, self.blob = chr(delimiter), blob

    @property
    def keys(self) -> Iterable[str]:
        return self._keys.keys()

    def lines(self, key: str) -> list[tuple[int, str]]:
        """(0-based line number, line) of every line in bucket `key`; none for a key with no bucket."""
        if (n := self._keys.get(key)) is None:
            return []
        text = str(self._body[self._offsets[n] : self._offsets[n + 1]], "utf-8")
        return list(zip(self._numbers[self._bounds[n] : self._bounds[n + 1]], text.split("\n"), strict=True))


def _array(kind: str, view: memoryview, at: int, count: int) -> tuple[array[int], int]:
    """`count` numbers of type `kind` from `view` at `at`, and where they end."""
    numbers, end = array(kind), at + count * array(kind).itemsize
    if end > len(view):
        raise ValueError("cut short")
    numbers.frombytes(view[at:end])
    return numbers, end


def pack(lines: Sequence[str], buckets: Mapping[str, Sequence[int]], delimiter: str) -> PackedLines:
    """The lines numbered in `buckets` (line numbers by bucket key; a key has no line break), packed."""
    keys = list(buckets)
    bodies = ["\n".join(map(lines.__getitem__, buckets[key])).encode() for key in keys]
    bounds = array("I", itertools.accumulate((len(buckets[key]) for key in keys), initial=0))
    offsets = array("Q", itertools.accumulate(map(len, bodies), initial=0))
    numbers = array("I", itertools.chain.from_iterable(buckets[key] for key in keys))
    key_bytes = "\n".join(keys).encode()
    rest = b"".join((key_bytes, bounds.tobytes(), offsets.tobytes(), numbers.tobytes(), *bodies))
    head = _HEAD.pack(zlib.crc32(rest), len(keys), len(numbers), len(key_bytes), offsets[-1], ord(delimiter))
    return PackedLines(_MAGIC + head + rest)


def cache_entry(cache_dir: Path, data: bytes) -> Path:
    """Where the packed lines of a file of `data` are kept: by content, so an edited file has another."""
    return cache_dir / FOLDER / hashlib.sha256(data).hexdigest()


def cached(path: Path) -> PackedLines | None:
    """The packed lines kept at `path` (`cache_entry`); None if none, or not whole."""
    try:
        packed = PackedLines(path.read_bytes())
    except (OSError, ValueError, struct.error):
        return None  # missing, unreadable or damaged: the file is read again, and the entry rewritten
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: kept longer (`store` drops the least recently used)
    return packed


def store(path: Path, packed: PackedLines) -> None:
    """Keep `packed` at `path` (`cache_entry`), written whole or not at all; the least recently used
    beyond KEEP go. A folder that cannot be written is no error: only time is lost."""
    folder = path.parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(packed.blob)
        os.replace(temporary, path)  # another process storing the same file writes the same bytes
        kept = sorted(folder.glob("[!.]*"), key=lambda path: path.stat().st_mtime, reverse=True)
        for path in kept[KEEP:]:
            path.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)  # gone already when it was renamed


def clear(cache_dir: Path) -> int:
    """Delete every kept glossary (`summarise cache clear`); how many there were."""
    removed = 0
    for path in (cache_dir / FOLDER).glob("*"):
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    return removed
