"""A glossary of house terms: read and checked once, before any model call; matched in text.

A file is CSV or TSV (a tab in its first line makes it TSV): `source term, target term`,
optionally followed by `source language, target language` (a name or code; empty means
any), with or without a header row naming those columns. `#` starts a comment line.

Terms are matched on words, not characters: case and accents are ignored, an elided
article is its own word ("l'ONU" holds "ONU"), and a plural matches its singular
("Forces démocratiques syriennes" holds "Force démocratique syrienne"). Where two terms
overlap ("Daech" inside "Coalition mondiale contre Daech") the longer one wins.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from summarise.documents import strip_accents
from summarise.documents.decoding import decode
from summarise.documents.languages import parse_language
from summarise.errors import ConfigError

# Words split at apostrophes and hyphens, so "l'ONU" is "l" + "onu" and "CEN-SAD" two words.
_WORD = re.compile(r"[^\W_]+")
_COLUMNS = ("source", "target", "source_language", "target_language")
_HEADER_NAMES = {
    "source": "source", "source term": "source", "source_term": "source", "term": "source",
    "target": "target", "target term": "target", "target_term": "target", "translation": "target",
    "source language": "source_language", "source_language": "source_language", "source_lang": "source_language",
    "target language": "target_language", "target_language": "target_language", "target_lang": "target_language",
}  # fmt: skip
MAX_GLOSSARY_BYTES = 20_000_000


def word_key(word: str) -> str:
    """One word as terms are compared: case, accents and a plural ending (-s, -x, -es) set aside."""
    key = strip_accents(word.casefold())
    for ending in ("s", "x", "e"):  # "unies" -> "unie" -> "uni"; "bureaux" -> "bureau"; "forces" -> "forc"
        if len(key) > 3 and key.endswith(ending):
            key = key[:-1]
    return key


def words(text: str) -> list[tuple[str, int, int]]:
    """(key, start, end) of every word of `text`."""
    return [(word_key(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


@dataclass(frozen=True)
class Entry:
    source: str
    target: str
    source_language: str = ""  # ISO code; "" = any
    target_language: str = ""
    line: int = 0  # in the glossary file, for messages

    @cached_property
    def source_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _, _ in words(self.source))

    @cached_property
    def target_keys(self) -> tuple[str, ...]:
        return tuple(key for key, _, _ in words(self.target))


@dataclass(frozen=True)
class Match:
    entry: Entry
    start: int  # character offsets in the text searched
    end: int


def find_terms(text: str, terms: Iterable[tuple[tuple[str, ...], Entry]]) -> list[Match]:
    """Non-overlapping occurrences of the terms (word keys) in `text`, the longest first at each word."""
    index: dict[str, list[tuple[tuple[str, ...], Entry]]] = {}
    for term_keys, entry in terms:
        if term_keys:
            index.setdefault(term_keys[0], []).append((term_keys, entry))
    for candidates in index.values():
        candidates.sort(key=lambda item: -len(item[0]))
    found = words(text)
    keys = tuple(key for key, _, _ in found)
    matches: list[Match] = []
    position = 0
    while position < len(found):
        for term, entry in index.get(keys[position], ()):
            if keys[position : position + len(term)] == term:
                end = position + len(term) - 1
                matches.append(Match(entry, found[position][1], found[end][2]))
                position = end
                break
        position += 1
    return matches


@dataclass(frozen=True)
class Glossary:
    path: str
    entries: tuple[Entry, ...] = field(default=(), repr=False)

    def for_languages(self, source: str, target: str) -> Glossary:
        """The entries that apply from `source` to `target` (an entry without languages applies to all)."""
        kept = tuple(
            e
            for e in self.entries
            if e.source_language in ("", source) and e.target_language in ("", target) and e.source_keys
        )
        return replace(self, entries=kept)

    @cached_property
    def _source_terms(self) -> tuple[tuple[tuple[str, ...], Entry], ...]:
        return tuple((entry.source_keys, entry) for entry in self.entries)

    def find(self, text: str) -> list[Match]:
        """Where the source terms occur in `text`."""
        return find_terms(text, self._source_terms)

    def select(self, text: str) -> tuple[Entry, ...]:
        """The entries whose source term occurs in `text`, each once, in file order: what a request carries."""
        used = {match.entry for match in self.find(text)}
        return tuple(entry for entry in self.entries if entry in used)


def prompt_lines(entries: Sequence[Entry]) -> str:
    return "\n".join(f"- {entry.source} → {entry.target}" for entry in entries)


def load_glossary(path: Path) -> Glossary:
    """Read and check a glossary file; anything wrong is one ConfigError naming the line."""
    name = str(path)
    try:
        if path.is_dir():
            raise ConfigError(f"glossary {name} is a folder: pass a CSV or TSV file")
        with path.open("rb") as stream:
            data = stream.read(MAX_GLOSSARY_BYTES + 1)
    except FileNotFoundError as exc:
        raise ConfigError(f"glossary {name} not found") from exc
    except OSError as exc:
        raise ConfigError(f"glossary {name}: cannot read it ({exc.strerror or exc})") from exc
    if len(data) > MAX_GLOSSARY_BYTES:
        raise ConfigError(f"glossary {name} is over {MAX_GLOSSARY_BYTES:,} bytes")
    text = decode(data, f"glossary {name}")
    rows = _rows(text, name)
    entries = _entries(rows, name)
    if not entries:
        raise ConfigError(f"glossary {name} has no entries: write one `source term,target term` a line")
    return Glossary(name, tuple(entries))


def _rows(text: str, name: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of the lines that are neither blank nor comments."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), "")
    delimiter = "\t" if "\t" in first else ","
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            cells = next(csv.reader([line], delimiter=delimiter, strict=True))
        except csv.Error as exc:
            raise ConfigError(
                f"glossary {name} line {number}: {exc} (a term with a comma goes in double quotes)"
            ) from exc
        rows.append((number, [cell.strip() for cell in cells]))
    return rows


def _header(cells: list[str]) -> list[str] | None:
    names = [_HEADER_NAMES.get(cell.casefold()) for cell in cells]
    return [n for n in names if n] if "source" in names and "target" in names else None


def _entries(rows: list[tuple[int, list[str]]], name: str) -> list[Entry]:
    columns = list(_COLUMNS)
    if rows and (header := _header(rows[0][1])):
        unknown = [cell for cell in rows[0][1] if cell.casefold() not in _HEADER_NAMES]
        if unknown:
            raise ConfigError(
                f"glossary {name} line {rows[0][0]}: unknown column {unknown[0]!r}; known: {', '.join(_COLUMNS)}"
            )
        columns, rows = header, rows[1:]
    wanted = "source term, target term" + ("" if len(columns) == 2 else " and optional language columns")
    entries: list[Entry] = []
    seen: dict[tuple[tuple[str, ...], str, str], Entry] = {}
    for number, cells in rows:
        where = f"glossary {name} line {number}"
        while len(cells) > 2 and not cells[-1]:  # trailing empty cells of a spreadsheet export
            cells = cells[:-1]
        if len(cells) not in (2, 3, 4) or len(cells) > len(columns):
            raise ConfigError(f"{where}: {len(cells)} column(s), expected {wanted}")
        values = dict(zip(columns, cells, strict=False))
        for column in ("source", "target"):
            if not values.get(column):
                raise ConfigError(f"{where}: the {column} term is empty")
        if not _WORD.search(values["source"]):
            raise ConfigError(f"{where}: the source term {values['source']!r} has no letter or digit to match")
        languages = {}
        for column in ("source_language", "target_language"):
            try:
                languages[column] = parse_language(values[column]).code if values.get(column) else ""
            except ConfigError as exc:
                raise ConfigError(f"{where}: {exc}") from exc
        entry = Entry(values["source"], values["target"], line=number, **languages)
        key = (entry.source_keys, entry.source_language, entry.target_language)
        if (other := seen.get(key)) is not None:
            if other.target != entry.target:
                raise ConfigError(
                    f"{where}: {entry.source!r} is already on line {other.line} as {other.target!r}, "
                    f"here as {entry.target!r}; keep one"
                )
            continue
        seen[key] = entry
        entries.append(entry)
    return entries
