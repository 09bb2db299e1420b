"""Where briefs go, and how they are written: atomically, only over our own regular files.

The promise is that nothing of the user's is ever overwritten. So before any model call
(`check_target`, `check_output_folder`) and again just before the rename (`write_ours`):
an output is never an input (compared by device and inode, so symlinks and hard links
count), never a device, folder, link or other non-regular file, and never an existing
file summarise did not write (a brief carries its `brief_key`; anything else is the user's).
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarise.brief.header import (
    MAX_HEADER_CHARS,
    BadHeader,
    claims_to_be_a_brief,
    decode_brief,
    parse_header,
    read_brief,
    read_header,
)
from summarise.errors import InputError, OutputError

Identity = tuple[int, int]  # (st_dev, st_ino): the same file, whatever the path or link
INDEX_MARK = "Regenerated after each `summarise batch`."  # a line only our index has
PAGE_MARK = '<meta name="generator" content="summarise '  # in the head of every page we write
# Front matter sits at the top: read as far as the longest header summarise reads (in UTF-32,
# the widest encoding a re-saved brief may have), and a user's huge file is not read whole.
_SNIFF_BYTES = 4 * MAX_HEADER_CHARS + 64


def identity(path: Path) -> Identity | None:
    """The file `path` leads to (links followed), or None if there is none."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino)


def identities(paths: Iterable[Path]) -> frozenset[Identity]:
    return frozenset(found for path in paths if (found := identity(path)) is not None)


def read_front_matter(markdown: str) -> dict[str, Any] | None:
    """The checked YAML header of a brief we wrote, or None if there is none readable (brief/header.py)."""
    return read_header(markdown)


def is_ours(path: Path) -> bool:
    """A brief (front matter with a brief_key), its JSON or page, or our index: what we may replace.

    Recognised however an editor re-saved it (a BOM, CRLF line endings) and however long its
    front matter, up to the most summarise ever writes: what summarise wrote, it recognises.
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read(_SNIFF_BYTES)
            if path.suffix == ".json":
                raw += handle.read()
    except OSError:
        return False
    head = decode_brief(raw, errors="replace")
    if path.suffix == ".json":
        try:
            data = json.loads(head)
        except ValueError:
            return False
        return isinstance(data, dict) and isinstance(data.get("brief_key"), str)
    start = head[:4096].replace("\r\n", "\n").replace("\r", "\n")
    if path.suffix == ".html":
        return start.startswith("<!doctype html>\n") and PAGE_MARK in start[:2048]
    if start.startswith("# Briefs\n") and INDEX_MARK in start:
        return True
    return read_header(head) is not None


def _damaged_brief(path: Path) -> str | None:
    """Why a file that claims to be a brief of ours (its header names a brief_key) cannot be read, if it is one."""
    try:
        with path.open("rb") as handle:
            head = decode_brief(handle.read(_SNIFF_BYTES), errors="replace")
        parse_header(head)
    except OSError:
        return None
    except BadHeader as exc:
        return str(exc) if claims_to_be_a_brief(head) else None
    return None


def check_target(path: Path, inputs: frozenset[Identity] = frozenset()) -> None:
    """Raise OutputError unless `path` may take a file of ours: see the module's docstring."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:  # a "folder" on the way is a file: say which
        check_output_folder(path.parent)
        raise
    except OSError as exc:  # ENAMETOOLONG, ELOOP...
        raise OutputError(f"{path}: cannot write there ({exc.strerror})") from exc
    if info is not None:
        found = identity(path)
        if found is not None and found in inputs:
            raise OutputError(f"{path} is one of the inputs: writing the brief there would destroy it; use -o")
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{path} is a folder: give a file name for the brief")
        if stat.S_ISLNK(info.st_mode):
            raise OutputError(f"{path} is a symbolic link: summarise replaces only its own regular files")
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(
                f"{path} is not a regular file (a device, pipe or socket): summarise writes only to regular "
                "files or new paths; use -o - for standard output"
            )
        if not is_ours(path):
            if (damage := _damaged_brief(path)) is not None:
                raise OutputError(f"{path} is a brief summarise cannot read ({damage}): move it, or mend it")
            raise OutputError(f"{path} exists and summarise did not write it: move it, or choose another output")
    check_output_folder(path.parent)


@dataclass(frozen=True)
class BriefFiles:
    """Every file one brief writes, said once: NAME.md, and beside it NAME.json (--json) and NAME.html
    (--html; a batch always writes it).

    `summarise brief` and `batch` check them all before any model call, render/publish.py writes them,
    resume, review and the desk find them here. A new format is a field and a suffix here, and its
    renderer in render/publish.py."""

    markdown: Path
    json: bool = False
    html: bool = False

    @property
    def json_path(self) -> Path:
        return self.markdown.with_suffix(".json")

    @property
    def page(self) -> Path:
        return self.markdown.with_suffix(".html")

    def beside(self) -> tuple[tuple[str, Path], ...]:
        """(the flag that asks for it, path) of each wanted file beside the Markdown."""
        wanted = (("--json", self.json_path, self.json), ("--html", self.page, self.html))
        return tuple((flag, path) for flag, path, asked in wanted if asked)

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file this brief writes, the Markdown first."""
        return (self.markdown, *(path for _flag, path in self.beside()))

    def check(self, inputs: frozenset[Identity] = frozenset()) -> None:
        """Each may be written (`check_target`): asked before any model call, so a refusal costs nothing."""
        for flag, path in self.beside():
            if path == self.markdown:
                raise OutputError(
                    f"{self.markdown}: with {flag} the brief and its {path.suffix[1:]} would be one file; "
                    "use another -o name"
                )
        for path in self.paths:
            check_target(path, inputs)

    def is_up_to_date(self, key: str) -> bool:
        """The brief on disk was made from this source with these settings (`key`), and completely:
        every file there, and the Markdown's front matter saying so."""
        if not all(path.exists() for path in self.paths):
            return False
        try:
            front = read_front_matter(read_brief(self.markdown))
        except (OSError, UnicodeDecodeError):
            return False
        return front is not None and front.get("brief_key") == key and front.get("status") == "complete"


def stdin_identity() -> frozenset[Identity]:
    """`summarise brief - < x.txt -o x.txt` must not write over x.txt either."""
    import sys

    try:
        info = os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):  # no real descriptor (a test runner's stream)
        return frozenset()
    return frozenset({(info.st_dev, info.st_ino)}) if stat.S_ISREG(info.st_mode) else frozenset()


def check_output_folder(folder: Path) -> None:
    """The folder exists and takes new files, or can be created: asked before paying for any call."""
    existing = folder
    while not os.path.lexists(existing) and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"{existing} is not a folder: the output cannot go inside it")
    if existing != folder:  # created on write: its nearest existing parent must take it
        if not os.access(existing, os.W_OK | os.X_OK):
            raise OutputError(f"cannot create {folder}: {existing} is not writable")
        return
    try:  # the real test: access() is wrong for root, ACLs and read-only mounts
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".summarise-probe-"):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write in {folder}: {exc.strerror}") from exc


def private_folder(path: Path) -> None:
    """Create `path` and its missing parents 0700; a folder that exists already is left as its owner set it."""
    missing: list[Path] = []
    while not path.exists() and path.parent != path:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask


def aside_name(path: Path, why: str) -> Path:
    """A free name beside `path` for setting it aside (`x.bad-20260101-120000`), never an existing one."""
    stem = f"{path.name}.{why}-{time.strftime('%Y%m%d-%H%M%S')}"
    candidate, number = path.with_name(stem), 1
    while os.path.lexists(candidate):
        number += 1
        candidate = path.with_name(f"{stem}-{number}")
    return candidate


def atomic_write(path: Path, text: str) -> None:
    """Write to a temp file beside the target, flush it to disk, then rename over the target.

    The rename would replace whatever the name held, a device node or a link included, so
    a target that exists and is not a regular file is refused here, whoever the caller.

    The temp file is created with mode 0666 and the kernel applies the process umask, so
    a brief gets the usual permissions without reading (or changing) the umask, which is
    process-wide and would race with the other threads of a batch.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise OutputError(f"{path} is not a regular file: summarise writes only to regular files or new paths")
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_ours(path: Path, text: str, inputs: frozenset[Identity] = frozenset()) -> None:
    """atomic_write, after checking again (minutes of model calls later) that `path` is ours to replace."""
    check_target(path, inputs)
    atomic_write(path, text)


def safe_output_path(output_dir: Path, relative: Path) -> Path:
    """outputs/<relative>.md, refusing any name that would escape the output folder."""
    base = output_dir.resolve()
    target = (base / relative).with_suffix(".md").resolve()
    if not target.is_relative_to(base) or target == base:
        raise InputError(f"{relative}: its brief would land outside {output_dir}; rename the file")
    return target
