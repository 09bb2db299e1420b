"""Which documents a folder holds, and where each one's brief goes (globs, sub-folders, links)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from summarise.brief.files import safe_output_path
from summarise.documents import read_bounded
from summarise.errors import ConfigError, InputError, too_large
from summarise.readers.fetch import bad_authority, looks_like_url, url_path, without_credentials
from summarise.reporting import SILENT, Reporter

DEFAULT_INCLUDE = ("*.txt", "*.md", "*.pdf", "*.docx", "*.html", "*.htm")
INDEX_FILE = "index.md"
INDEX_PAGE = "index.html"
# What a folder may hold besides files: each is read by no one (a pipe would wait for a writer for ever).
_NOT_FILES = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


@dataclass(frozen=True)
class Item:
    """One document found in the input folder, and where its brief goes."""

    source: Path  # the input folder joined with `relative`: what the brief's front matter names
    relative: Path  # inside the input folder: what the outputs mirror
    output: Path  # the brief
    brief: str  # the brief, relative to the output folder (for tables and the index)
    root: Path | None = None  # the input folder, resolved: links must not lead out of it
    url: str = ""  # set for an item of a list of URLs: fetched rather than read
    problem: str = ""  # an entry of the folder that cannot be read (a folder it cannot list...): why
    skipped: str = ""  # an entry of the folder not followed (a link to a folder, a loop of links): why

    @property
    def name(self) -> str:
        return self.url or self.relative.as_posix()

    @property
    def where(self) -> str:
        """What errors about it start with: its path or its URL."""
        return self.url or str(self.source)

    @property
    def index_link(self) -> str:
        """From the brief's page to the folder's page."""
        return "../" * (len(Path(self.brief).parts) - 1) + INDEX_PAGE


def _real(path: Path) -> Path:
    """Where `path` leads, links followed as far as they go: a loop of links gives a path, not
    RuntimeError (Path.resolve's), so the file fails alone when it is read."""
    return Path(os.path.realpath(path))


def _matches(relative: Path, patterns: Iterable[str]) -> bool:
    """A pattern matches the file name (`*.txt`) or the path inside the folder (`sub/*.txt`)."""
    return any(fnmatch(relative.name, pattern) or fnmatch(relative.as_posix(), pattern) for pattern in patterns)


def discover(
    root: Path,
    output_dir: Path,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = (),
    recursive: bool = True,
    reporter: Reporter = SILENT,
) -> list[Item]:
    """The documents under `root`, sorted, each with its mirrored brief path under `output_dir`.

    The output folder is never read as input: not when it sits inside the input folder
    (skipped, and said so), nor through a link into it; an input folder inside the output
    folder is refused, since its files would be both.
    """
    if root.is_file():
        return discover_urls(root, output_dir)
    if not root.is_dir():
        raise InputError(f"{root}: not a folder; use 'summarise brief {root}' for a single file")
    outputs = _real(output_dir)
    if outputs == _real(root):
        raise ConfigError(f"{root} is both input and output: pass -o with another folder")
    if _real(root).is_relative_to(outputs):
        raise ConfigError(f"{root} is inside the output folder {output_dir}: pass -o with another folder")
    found: list[Path] = []
    unreadable: dict[Path, str] = {}  # entries that cannot be read, reported like a failed document
    not_followed: dict[Path, str] = {}  # links to folders and loops of links: said, not walked, not failed

    def cannot_list(error: OSError) -> None:
        where = Path(error.filename) if error.filename else root
        if where == root:
            raise InputError(f"{root}: cannot list the folder ({error.strerror})")
        unreadable[_readable(where.relative_to(root))] = f"a folder summarise cannot list ({error.strerror})"

    # followlinks=False: a linked folder cannot make the walk loop; each one is said in the
    # table and the index (`_not_followed`). Linked files (even dangling ones) are listed, so a
    # broken link is reported rather than silently missed; a folder that cannot be listed (no
    # permission, a path past PATH_MAX, gone) is reported too.
    for folder, dirnames, filenames in os.walk(root, onerror=cannot_list):
        here = Path(folder)
        # Hidden folders (.git, .venv) and our own outputs are never inputs.
        if recursive and any(_real(here / name) == outputs for name in dirnames):
            reporter.warn(f"not reading {here / output_dir.name} as input: it is the output folder")
        kept = [name for name in dirnames if not name.startswith(".") and _real(here / name) != outputs]
        dirnames[:] = kept if recursive else []
        for name in [name for name in kept if _is_link(here / name)] if recursive else []:
            not_followed[(here / name).relative_to(root)] = _not_followed(here / name, root)
        for name in filenames:
            relative = (here / name).relative_to(root)
            # A loop named like a document is read, and fails as a loop; any other is said here.
            if recursive and not name.startswith(".") and not _matches(relative, include) and _is_loop(here / name):
                not_followed[relative] = "a loop of symbolic links; not followed"
                continue
            if name.startswith(".") or not _matches(relative, include) or _matches(relative, exclude):
                continue
            if not _is_text(relative.as_posix()):
                unreadable[_readable(relative)] = "its name is not UTF-8 text: rename it"
                continue
            if _real(here / name).is_relative_to(outputs):
                reporter.warn(f"not reading {relative} as input: it leads into the output folder")
                continue
            found.append(relative)
    items: list[Item] = []
    taken = {safe_output_path(output_dir, Path(INDEX_FILE))}  # the index is ours
    for relative in sorted(found, key=lambda path: path.as_posix()):
        output = safe_output_path(output_dir, relative)
        if output in taken:  # notes.md and notes.txt in one folder: keep both briefs
            output = safe_output_path(output_dir, Path(f"{relative}.md"))
        taken.add(output)
        brief = output.relative_to(outputs).as_posix()
        items.append(Item(root / relative, relative, output, brief, _real(root)))
    # What cannot be read has no brief: it is reported (table, index, state) and fails the batch.
    items += [
        Item(root / name, name, output_dir / name, "", _real(root), problem=why) for name, why in unreadable.items()
    ]
    items += [
        Item(root / name, name, output_dir / name, "", _real(root), skipped=why) for name, why in not_followed.items()
    ]
    return sorted(items, key=lambda item: item.name)


def _not_followed(link: Path, root: Path) -> str:
    """Why a link to a folder is not walked, said in the table and the index: the walk never
    loops, never reads a folder twice, and never leaves the input folder."""
    target, real_root = _real(link), _real(root)
    if _real(link.parent).is_relative_to(target):
        return f"a link to {os.readlink(link)}, a folder that holds it: a loop; not followed"
    if target.is_relative_to(real_root):
        where = target.relative_to(real_root).as_posix()
        return f"a link to a folder of the input folder ({where}), whose files are read there; not followed"
    return "a link to a folder outside the input folder; not followed"


def _is_link(path: Path) -> bool:
    """A symbolic link; False for a path that cannot be looked at (past PATH_MAX: reported when listed)."""
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_loop(path: Path) -> bool:
    """A link that leads back to itself (directly or through others): it leads nowhere."""
    if not _is_link(path):
        return False
    try:
        os.path.realpath(path, strict=True)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _is_text(name: str) -> bool:
    """A name that can be written (state, index, a brief): not one with bytes undecodable as UTF-8."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _readable(relative: Path) -> Path:
    """An entry's path as text that can be written anywhere: undecodable bytes of its name as \\xff."""
    return Path(os.fsencode(relative).decode("utf-8", "backslashreplace"))


def discover_urls(url_file: Path, output_dir: Path) -> list[Item]:
    """A text file of URLs, one a line; blank lines and lines starting with # are skipped.

    Each brief goes to output_dir/host/path.md. Anything else on a line is an error that
    names the line: a list that mixes in a path is more likely a mistake than a wish.
    A user name and password in a URL are dropped here, before anything can write them.
    """
    try:
        lines = url_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{url_file}: cannot read it as a list of URLs ({exc})") from exc
    items: list[Item] = []
    taken = {safe_output_path(output_dir, Path(INDEX_FILE))}
    outputs = _real(output_dir)
    for number, line in enumerate(lines, start=1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if not looks_like_url(url):
            raise InputError(f"{url_file}, line {number}: not a URL ({url[:60]!r}); a list holds one URL a line")
        if (problem := bad_authority(url)) is not None:
            raise InputError(f"{url_file}, line {number}: {problem}")
        url = without_credentials(url)  # never sent, so never written: not in a brief, the index or the state
        relative = Path(url_path(url))
        output = safe_output_path(output_dir, relative)
        for copy in range(2, len(lines) + 2):
            if output not in taken:
                break
            output = safe_output_path(output_dir, Path(f"{relative}-{copy}"))
        taken.add(output)
        items.append(Item(url_file, relative, output, output.relative_to(outputs).as_posix(), None, url))
    if not items:
        raise InputError(f"{url_file}: no URLs in it (one a line), and it is not a folder")
    return items


def read_item(item: Item, max_bytes: int) -> bytes:
    """A folder's file, read only if it is a regular file inside the input folder.

    Anything else fails alone, with what it is: a named pipe or a device is never opened
    for reading in a way that could wait (opened non-blocking, then checked again, since it
    may have been swapped for a pipe since the first look), a loop of links is said to be one.
    """
    path = item.source
    try:
        real = Path(os.path.realpath(path, strict=True))
        if item.root is not None and not real.is_relative_to(item.root):
            raise InputError(f"{path}: a link to a file outside the input folder; not followed")
        _regular(path, os.stat(real).st_mode)
        with os.fdopen(os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY), "rb") as stream:
            info = os.fstat(stream.fileno())
            _regular(path, info.st_mode)
            if info.st_size > max_bytes:
                raise too_large(str(path), info.st_size, max_bytes)
            return read_bounded(stream, max_bytes, str(path))
    except OSError as exc:
        raise InputError(f"{path}: {_unreadable(path, exc)}") from exc


def _regular(path: Path, mode: int) -> None:
    if (kind := _NOT_FILES.get(stat.S_IFMT(mode))) is not None:
        raise InputError(f"{path}: {kind}, not a file; only regular files in a folder are read")


def _unreadable(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a loop of symbolic links; it leads nowhere"
    if exc.errno == errno.ENOENT and path.is_symlink():
        return f"a symbolic link to {os.readlink(path)}, which does not exist"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "no such file (gone since the folder was listed?)"
    return f"cannot read it ({exc.strerror})"


def reason(exc: BaseException, item: Item) -> str:
    """The error's one line, without the path the table already shows."""
    text = str(exc)
    prefix = f"{item.where}: "
    return text[len(prefix) :] if text.startswith(prefix) else text
