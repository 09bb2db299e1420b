"""A brief's file read back: its text however an editor re-saved it, and its YAML header as data from outside.

A brief lives in a folder anyone may edit, so what is read back is checked like input:
- the text: a byte-order mark (UTF-8, UTF-16, UTF-32) is dropped and tells the encoding,
  and line endings are kept as they are, so a brief re-saved with CRLF is still ours and
  its body (hence its hash, hence a decision on it) is what is on disk: an edit of line
  endings is an edit, never a lock-out;
- the header: bounded in size (MAX_HEADER_CHARS: far above what summarise writes, whose
  every free-text field is bounded, far below what could hold a reader up), parsed with a
  safe loader that refuses aliases and merge keys (nine nested aliases make gigabytes), and
  every field summarise reads is type-checked before anyone uses it.
A header that fails any of this is a bad brief: it fails alone, with one line saying why.
"""

from __future__ import annotations

import codecs
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

MAX_HEADER_CHARS = 256 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16's: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BREAK = r"(?:\r\n|\n|\r)"
_OPENING = re.compile(rf"---{_BREAK}")
_CLOSING = re.compile(rf"{_BREAK}---(?:{_BREAK}|\Z)")
# What a brief's header holds, by kind; anything else a user added is kept but never read.
_TEXT = {"title", "source", "source_sha256", "source_language", "target_language", "source_format", "model"}
_TEXT |= {"endpoint", "created", "summarise_version", "brief_key", "status", "source_title", "source_author"}
_TEXT |= {"source_date", "source_site"}
_COUNTS = {"source_pages", "chunks", "paragraphs"}
_TABLES = {"facts", "checks", "usage", "source_languages"}  # of numbers
_REVIEW_TEXT = {"decision", "by", "at", "reason", "reviewed_sha256"}


class BadHeader(ValueError):
    """A brief's front matter summarise cannot use; the message says why, in a few words."""


def decode_brief(data: bytes, errors: str = "strict") -> str:
    """A brief's bytes as text: a BOM tells the encoding (and is dropped), else UTF-8; line endings as they are."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors)
    return data.decode("utf-8", errors)


def read_brief(path: Path) -> str:
    """The text of the brief at `path` (OSError, UnicodeDecodeError as open() raises them)."""
    return decode_brief(path.read_bytes())


def split_header(text: str) -> tuple[str | None, str]:
    """(the YAML between the `---` lines, or None when there is none within bounds; the body after them)."""
    opening = _OPENING.match(text)
    if opening is None:
        return None, text
    # From the opening line's break, so that an empty header ("---\n---\n") closes too.
    closing = _CLOSING.search(text, opening.end() - 1, opening.end() + MAX_HEADER_CHARS + 8)
    if closing is None:
        return None, text
    return text[opening.end() : closing.start()] + "\n", text[closing.end() :]


@lru_cache(maxsize=1)
def _loader() -> type:
    import yaml  # on first use: `summarise --help` stays quick

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where PyYAML has it

    class NoAliasLoader(base):  # type: ignore[valid-type,misc]
        """The safe loader, refusing a node met twice (an alias) and merge keys (which copy nodes in)."""

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            if node in self.constructed_objects or node in self.recursive_objects:
                raise BadHeader("its front matter uses a YAML alias (*name), which a brief never holds")
            return super().construct_object(node, deep)

        def flatten_mapping(self, node: Any) -> None:
            if any(key.tag == "tag:yaml.org,2002:merge" for key, _value in node.value):
                raise BadHeader("its front matter uses a YAML merge key (<<), which a brief never holds")
            super().flatten_mapping(node)

    return NoAliasLoader


def _scalar(value: object) -> bool:
    return isinstance(value, (str, int, float, date)) or value is None


def _text(value: object, name: str) -> str:
    if isinstance(value, str):
        return value
    if not _scalar(value):
        raise BadHeader(f"its front matter's {name} is a {type(value).__name__}, not text")
    return "" if value is None else str(value)


def _numbers(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(v, (int, float)) or v is None for v in value.values()):
        raise BadHeader(f"its front matter's {name} is not a table of numbers")
    return {str(key): number for key, number in value.items()}


def _review(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadHeader("its front matter's review is not a table")
    review: dict[str, Any] = {str(key): entry for key, entry in value.items()}
    for name in _REVIEW_TEXT & review.keys():
        review[name] = _text(review[name], f"review's {name}")
    verdicts = review.get("facts")
    well_formed = isinstance(verdicts, list) and all(
        isinstance(entry, dict) and all(_scalar(v) for v in entry.values()) for entry in verdicts
    )
    if verdicts is not None and not well_formed:
        raise BadHeader("its front matter's review facts are not a list of verdicts")
    return review


def checked_header(data: object) -> dict[str, Any]:
    """The header with every field summarise reads of the kind it expects (BadHeader if one is not)."""
    if not isinstance(data, dict):
        raise BadHeader("its front matter is not a table of fields")
    front: dict[str, Any] = {str(key): value for key, value in data.items()}
    if not isinstance(front.get("brief_key"), str):
        raise BadHeader("no brief_key in its front matter")
    for name in _TEXT & front.keys():
        front[name] = _text(front[name], name)
    for name in _COUNTS & front.keys():
        if not isinstance(front[name], int) or isinstance(front[name], bool):
            raise BadHeader(f"its front matter's {name} is not a whole number")
    for name in _TABLES & front.keys():
        front[name] = _numbers(front[name], name)
    if "review" in front:
        front["review"] = _review(front["review"])
    return front


def parse_header(text: str) -> dict[str, Any]:
    """A brief's checked front matter; BadHeader says why there is none summarise can use."""
    header, _body = split_header(text)
    if header is None:
        if _OPENING.match(text):
            raise BadHeader(f"no closing --- line of its front matter within {MAX_HEADER_CHARS:,} characters")
        raise BadHeader("no front matter")
    return checked_header(load_yaml(header))


def load_yaml(text: str) -> object:
    """YAML from outside (a brief's header, a document's front matter) as plain data, with no
    alias expanded; BadHeader says why it cannot be read."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # a SafeLoader, with aliases refused too
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise BadHeader(f"its front matter is not valid YAML ({problem})") from exc


def claims_to_be_a_brief(text: str) -> bool:
    """A front matter that names a brief_key: one of ours, even if it cannot be read any more."""
    return _OPENING.match(text) is not None and re.search(r"^brief_key\s*:", text[:MAX_HEADER_CHARS], re.M) is not None


def read_header(text: str) -> dict[str, Any] | None:
    """The checked front matter of a brief of ours, or None if there is none summarise can use."""
    try:
        return parse_header(text)
    except BadHeader:
        return None
