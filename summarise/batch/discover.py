"""Which documents a folder holds, and where each one's brief goes (globs, sub-folders, links)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from summarise.errors import ConfigError, InputError
from summarise.fetch import bad_port, looks_like_url, url_path, without_credentials
from summarise.files import safe_output_path

DEFAULT_INCLUDE = ("*.txt", "*.md", "*.pdf", "*.docx", "*.html", "*.htm")
INDEX_FILE = "index.md"
INDEX_PAGE = "index.html"


@dataclass(frozen=True)
class Item:
    """One document found in the input folder, and where its brief goes."""

    source: Path  # the input folder joined with `relative`: what the brief's front matter names
    relative: Path  # inside the input folder: what the outputs mirror
    output: Path  # the brief
    brief: str  # the brief, relative to the output folder (for tables and the index)
    root: Path | None = None  # the input folder, resolved: links must not lead out of it
    url: str = ""  # set for an item of a list of URLs: fetched rather than read

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


def _matches(relative: Path, patterns: Iterable[str]) -> bool:
    """A pattern matches the file name (`*.txt`) or the path inside the folder (`sub/*.txt`)."""
    return any(fnmatch(relative.name, pattern) or fnmatch(relative.as_posix(), pattern) for pattern in patterns)


def discover(
    root: Path,
    output_dir: Path,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = (),
    recursive: bool = True,
    note: Callable[[str], None] = lambda _message: None,
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
    outputs = output_dir.resolve()
    if outputs == root.resolve():
        raise ConfigError(f"{root} is both input and output: pass -o with another folder")
    if root.resolve().is_relative_to(outputs):
        raise ConfigError(f"{root} is inside the output folder {output_dir}: pass -o with another folder")
    found: list[Path] = []
    # followlinks=False: a linked folder cannot make the walk loop. Linked files (even
    # dangling ones) are listed, so a broken link is reported rather than silently missed.
    for folder, dirnames, filenames in os.walk(root):
        here = Path(folder)
        # Hidden folders (.git, .venv) and our own outputs are never inputs.
        if recursive and any((here / name).resolve() == outputs for name in dirnames):
            note(f"not reading {here / output_dir.name} as input: it is the output folder")
        kept = [name for name in dirnames if not name.startswith(".") and (here / name).resolve() != outputs]
        dirnames[:] = kept if recursive else []
        for name in filenames:
            relative = (here / name).relative_to(root)
            if name.startswith(".") or not _matches(relative, include) or _matches(relative, exclude):
                continue
            if (here / name).resolve().is_relative_to(outputs):
                note(f"not reading {relative} as input: it leads into the output folder")
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
        items.append(Item(root / relative, relative, output, brief, root.resolve()))
    return items


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
    outputs = output_dir.resolve()
    for number, line in enumerate(lines, start=1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if not looks_like_url(url):
            raise InputError(f"{url_file}, line {number}: not a URL ({url[:60]!r}); a list holds one URL a line")
        if (problem := bad_port(url)) is not None:
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


def reason(exc: BaseException, item: Item) -> str:
    """The error's one line, without the path the table already shows."""
    text = str(exc)
    prefix = f"{item.where}: "
    return text[len(prefix) :] if text.startswith(prefix) else text
