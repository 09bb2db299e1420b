"""A glossary of house terms: read and checked once, before any model call; matched in text.

A file is CSV or TSV (a tab in its first line makes it TSV): `source term, target term`,
optionally followed by `source language, target language` (a name or code; empty means
any), with or without a header row naming those columns. `#` starts a comment line.

Terms are matched on words, not characters: case and accents are ignored, an elided
article is its own word ("l'ONU" holds "ONU"), and a plural matches its singular
("Forces démocratiques syriennes" holds "Force démocratique syrienne"). Where two terms
overlap ("Daech" inside "Coalition mondiale contre Daech") the longer one wins. Punctuation
other than spaces, apostrophes and hyphens is part of a term as written: "C++" is found in
"C++" only (never in "C'est"), "AT&T" never in "AT T", "U.S." never in "US". A file saved
in decomposed Unicode (NFD, as macOS may write it) is read as composed text (NFC).

How terms are found in a text, and indexed once per glossary, is term_index.py.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from summarise.config.glossary_cache import PackedLines, cache_entry, cached, store
from summarise.config.term_index import WORD, Match, TermIndex
from summarise.config.term_index import Entry as Entry  # where the rest of the package reads it
from summarise.config.term_lines import LAZY_LINES, TermLines, plain_lines
from summarise.documents.decoding import decode
from summarise.documents.languages import parse_language
from summarise.errors import ConfigError

_COLUMNS = ("source", "target", "source_language", "target_language")
_HEADER_NAMES = {
    "source": "source", "source term": "source", "source_term": "source", "term": "source",
    "target": "target", "target term": "target", "target_term": "target", "translation": "target",
    "source language": "source_language", "source_language": "source_language", "source_lang": "source_language",
    "target language": "target_language", "target_language": "target_language", "target_lang": "target_language",
}  # fmt: skip
MAX_GLOSSARY_BYTES = 20_000_000


@dataclass(frozen=True)
class Glossary:
    path: str
    # A large plain file's entries are TermLines (config/term_lines.py): built where texts need them.
    entries: Sequence[Entry] = field(default=(), repr=False)

    def for_languages(self, source: str, target: str) -> Glossary:
        """The entries that apply from `source` to `target` (an entry without languages applies to all)."""
        if isinstance(self.entries, TermLines):  # a plain file: no language columns, every entry applies
            return self
        pair = (source, target)
        if pair not in self._for_pairs:
            kept = tuple(
                e
                for e in self.entries
                if e.source_language in ("", source) and e.target_language in ("", target) and e.source_keys
            )
            # The same entries: the same glossary, so its indexes are not built again.
            self._for_pairs[pair] = self if len(kept) == len(self.entries) else replace(self, entries=kept)
        return self._for_pairs[pair]

    @cached_property
    def _for_pairs(self) -> dict[tuple[str, str], Glossary]:
        return {}

    @cached_property
    def _source_index(self) -> TermIndex:
        return TermIndex(self.entries, "source")

    @cached_property
    def _target_index(self) -> TermIndex:
        return TermIndex(self.entries, "target")

    def find(self, text: str) -> list[Match]:
        """Where the source terms occur in `text`."""
        if isinstance(self.entries, TermLines):
            return self.entries.find(text)
        return self._source_index.find(text)

    def find_targets(self, text: str) -> list[Match]:
        """Where the target terms occur in `text`."""
        return self._target_index.find(text)

    def select(self, text: str) -> tuple[Entry, ...]:
        """The entries whose source term occurs in `text`, each once, in file order: what a request carries."""
        used = {id(match.entry): match.entry for match in self.find(text)}
        if isinstance(self.entries, TermLines):
            return tuple(sorted(used.values(), key=lambda entry: entry.line))
        return tuple(sorted(used.values(), key=lambda entry: self._order[id(entry)]))

    @cached_property
    def _order(self) -> dict[int, int]:
        """Each entry's place in the file, by identity: `select` sorts a few entries, not 100,000."""
        return {id(entry): place for place, entry in enumerate(self.entries)}


def prompt_lines(entries: Sequence[Entry]) -> str:
    return "\n".join(f"- {entry.source} → {entry.target}" for entry in entries)


def load_glossary(path: Path, cache_dir: Path | None = None) -> Glossary:
    """Read and check a glossary file; anything wrong is one ConfigError naming the line. A large plain
    file, once read, is kept packed in `cache_dir` under its sha256 (config/glossary_cache.py)."""
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
    # Only a file of LAZY_LINES lines or more is packed, so of as many bytes: a smaller one is not looked for.
    kept = cache_entry(cache_dir, data) if cache_dir and len(data) >= LAZY_LINES else None
    if kept and (packed := cached(kept)):
        return Glossary(name, TermLines(name, packed))
    text = unicodedata.normalize("NFC", decode(data, f"glossary {name}"))
    if (packed := _large(text)) is not None:
        if kept:
            store(kept, packed)
        return Glossary(name, TermLines(name, packed))
    rows = _rows(text, name)
    entries = _entries(rows, name)
    if not entries:
        raise ConfigError(f"glossary {name} has no entries: write one `source term,target term` a line")
    return Glossary(name, tuple(entries))


def _large(text: str) -> PackedLines | None:
    """A large file of plain `source,target` lines, read lazily (config/term_lines.py); None for any other."""
    if text.count("\n") < LAZY_LINES:
        return None
    text = text.replace("\r\n", "\n")  # a Windows export: one line break, as splitlines reads it
    head = text[:65536].split("\n")[:-1]  # whole lines near the top, where a header is
    top = next((n for n, line in enumerate(head) if line.strip() and not line.lstrip().startswith("#")), None)
    if top is None:
        return None  # 64 kB of comments: read entry by entry
    delimiter = "\t" if "\t" in head[top] else ","
    header = _header([cell.strip() for cell in head[top].split(delimiter)])
    if header is not None and header != ["source", "target"]:
        return None  # language columns (or an unknown one): read entry by entry
    return plain_lines(text, delimiter, top + 1 if header else top)  # data lines only: a header is no term


def _rows(text: str, name: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of the lines that are neither blank nor comments."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), "")
    delimiter = "\t" if "\t" in first else ","
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if '"' not in line:  # no quoting: the cells are the line split (a 100,000-line file reads fast)
            rows.append((number, [cell.strip() for cell in line.split(delimiter)]))
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
    plain = columns[:2] == ["source", "target"]
    for number, cells in rows:
        where = f"glossary {name} line {number}"
        while len(cells) > 2 and not cells[-1]:  # trailing empty cells of a spreadsheet export
            cells = cells[:-1]
        if len(cells) not in (2, 3, 4) or len(cells) > len(columns):
            raise ConfigError(f"{where}: {len(cells)} column(s), expected {wanted}")
        # Two cells in the usual order (most lines of a large file): no zip, no language to parse.
        if plain and len(cells) == 2:
            values = {"source": cells[0], "target": cells[1]}
        else:
            values = dict(zip(columns, cells, strict=False))
        for column in ("source", "target"):
            if not values.get(column):
                raise ConfigError(f"{where}: the {column} term is empty")
        if not WORD.search(values["source"]):
            raise ConfigError(f"{where}: the source term {values['source']!r} has no letter or digit to match")
        languages = {}
        for column in ("source_language", "target_language") if len(values) > 2 else ():
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
