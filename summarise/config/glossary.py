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

The terms are indexed once per glossary, by their first word: a line is matched with one
look-up per word, so a glossary of 100,000 entries costs about what one of ten does
(bench/glossary_scale.py).
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
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


@lru_cache(maxsize=1 << 17)  # a glossary of 100,000 entries repeats its words: each is keyed once
def word_key(word: str) -> str:
    """One word as terms are compared: case, accents and a plural ending (-s, -x, -es) set aside."""
    key = word.casefold()
    if not key.isascii():
        key = strip_accents(key)
    for ending in ("s", "x", "e"):  # "unies" -> "unie" -> "uni"; "bureaux" -> "bureau"; "forces" -> "forc"
        if len(key) > 3 and key.endswith(ending):
            key = key[:-1]
    return key


def term_keys(term: str) -> tuple[str, ...]:
    """The word keys of a term (its words as `word_key` compares them)."""
    return tuple(map(word_key, _WORD.findall(term)))


def words(text: str) -> list[tuple[str, int, int]]:
    """(key, start, end) of every word of `text`."""
    return [(word_key(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


# Between two words of a term, and around it: what counts as "as written". Spaces, apostrophes
# and hyphens are free ("CEN-SAD" is "CEN SAD", "d’État" is "d'État"); any other mark must be there.
_FREE_MARKS = re.compile(r"[\s'’ʼ‐‑–-]+")
_MARKED = re.compile(r"[^\w\s'’ʼ‐‑–-]|_")


def _marks(separator: str) -> str:
    """What of the text between (or around) words must match as written."""
    return _FREE_MARKS.sub("", separator)


Shape = tuple[str, tuple[str, ...], str]


@lru_cache(maxsize=1 << 12)
def shape(term: str) -> Shape:
    """(marks before the first word, marks between words, marks after the last): ("", ("&",), "")
    for "AT&T", ("", (".",), ".") for "U.S.", ("", (), "++") for "C++"."""
    found = list(_WORD.finditer(term))
    if not found:
        return "", (), ""
    gaps = tuple(_marks(term[a.end() : b.start()]) for a, b in itertools.pairwise(found))
    return _marks(term[: found[0].start()]), gaps, _marks(term[found[-1].end() :])


@dataclass(frozen=True)
class Entry:
    source: str
    target: str
    source_language: str = ""  # ISO code; "" = any
    target_language: str = ""
    line: int = 0  # in the glossary file, for messages

    def __post_init__(self) -> None:
        # A glossary typed on macOS may be decomposed (NFD); documents are read as NFC.
        for name in ("source", "target"):
            if not unicodedata.is_normalized("NFC", text := getattr(self, name)):
                object.__setattr__(self, name, unicodedata.normalize("NFC", text))

    @cached_property
    def source_keys(self) -> tuple[str, ...]:
        return term_keys(self.source)

    @cached_property
    def target_keys(self) -> tuple[str, ...]:
        return term_keys(self.target)

    def keys_and_shape(self, side: str) -> tuple[tuple[str, ...], Shape]:
        """The source or target term's word keys and its punctuation (`shape`)."""
        written = self.source if side == "source" else self.target
        keys = self.source_keys if side == "source" else self.target_keys
        # Most terms are words and spaces: their shape is known without reading them again.
        return keys, shape(written) if _MARKED.search(written) else ("", ("",) * (len(keys) - 1), "")


@dataclass(frozen=True)
class Match:
    entry: Entry
    start: int  # character offsets in the text searched
    end: int


_Term = tuple[tuple[str, ...], Shape, Entry]


class TermIndex:
    """Terms (as word keys, with their punctuation) by their first word, longest first: built
    once, then each text is matched with one look-up per word."""

    def __init__(self, entries: Iterable[Entry], side: str = "source") -> None:
        by_first: dict[str, list[_Term]] = {}
        self.size = 0
        for entry in entries:
            self.size += 1
            keys, marks = entry.keys_and_shape(side)
            if keys:
                by_first.setdefault(keys[0], []).append((keys, marks, entry))
        for candidates in by_first.values():
            candidates.sort(key=lambda item: -len(item[0]))
        self._by_first = by_first

    def find(self, text: str) -> list[Match]:
        """Non-overlapping occurrences in `text`, the longest first at each word."""
        found = words(text)
        keys = tuple(key for key, _, _ in found)
        matches: list[Match] = []
        position = 0
        while position < len(found):
            for term, (before, gaps, after), entry in self._by_first.get(keys[position], ()):
                end = position + len(term) - 1
                if keys[position : end + 1] != term:
                    continue
                start_at, end_at = found[position][1], found[end][2]
                written_gaps = tuple(_marks(text[found[i][2] : found[i + 1][1]]) for i in range(position, end))
                if written_gaps != gaps or not text.startswith(after, end_at) or not text.endswith(before, 0, start_at):
                    continue
                matches.append(Match(entry, start_at - len(before), end_at + len(after)))
                position = end
                break
            position += 1
        return matches


def find_terms(text: str, entries: Iterable[Entry], side: str = "source") -> list[Match]:
    """Occurrences of a few entries' source (or target) terms: an index built for one search.
    A glossary keeps its own (Glossary.find)."""
    return TermIndex(entries, side).find(text)


@dataclass(frozen=True)
class Glossary:
    path: str
    entries: tuple[Entry, ...] = field(default=(), repr=False)

    def for_languages(self, source: str, target: str) -> Glossary:
        """The entries that apply from `source` to `target` (an entry without languages applies to all)."""
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
        return self._source_index.find(text)

    def find_targets(self, text: str) -> list[Match]:
        """Where the target terms occur in `text`."""
        return self._target_index.find(text)

    def select(self, text: str) -> tuple[Entry, ...]:
        """The entries whose source term occurs in `text`, each once, in file order: what a request carries."""
        used = {id(match.entry): match.entry for match in self.find(text)}
        return tuple(sorted(used.values(), key=lambda entry: self._order[id(entry)]))

    @cached_property
    def _order(self) -> dict[int, int]:
        """Each entry's place in the file, by identity: `select` sorts a few entries, not 100,000."""
        return {id(entry): place for place, entry in enumerate(self.entries)}


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
    text = unicodedata.normalize("NFC", decode(data, f"glossary {name}"))
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
