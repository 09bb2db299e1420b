"""A glossary entry's terms, and where they occur in a text: on words, as written, by an index built once.

A term is matched on its words' keys (`word_key`: case, accents and a plural ending set
aside; an apostrophe or a hyphen splits words, so "l'ONU" holds "ONU"), and on its punctuation
as written (`shape`): spaces, apostrophes and hyphens are free, any other mark must be there
("C++" is never found in "C'est", "AT&T" never in "AT T", "U.S." never in "US").

A TermIndex keys the terms on their first word, longest first: built once per glossary, it
matches a line with one look-up per word, whatever the glossary's size. (An Aho-Corasick
automaton would match characters: the text would have to be keyed first and its offsets
mapped back, for no fewer look-ups; bench/glossary_scale.py times a brief with 100,000
entries.)
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from summarise.documents import strip_accents

# Words split at apostrophes and hyphens, so "l'ONU" is "l" + "onu" and "CEN-SAD" two words.
WORD = re.compile(r"[^\W_]+")


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
    return tuple(map(word_key, WORD.findall(term)))


Words = tuple[tuple[str, int, int], ...]
_KEPT_CHARS = 4_000  # a line, a fact, a sentence: kept; a whole document is keyed each time, not held


def words(text: str) -> Words:
    """(key, start, end) of every word of `text`."""
    return _kept_words(text) if len(text) <= _KEPT_CHARS else _words(text)


def _words(text: str) -> Words:
    return tuple((word_key(m.group()), m.start(), m.end()) for m in WORD.finditer(text))


# A brief matches each line several times (terms set, checks, the requests' entries), against each glossary.
_kept_words = lru_cache(maxsize=512)(_words)


# Between two words of a term, and around it: what counts as "as written". Spaces, apostrophes
# and hyphens are free ("CEN-SAD" is "CEN SAD", "d’État" is "d'État"); any other mark must be there.
_FREE_MARKS = re.compile(r"[\s'’ʼ‐‑–-]+")
MARKED = re.compile(r"[^\w\s'’ʼ‐‑–-]|_")


def _marks(separator: str) -> str:
    """What of the text between (or around) words must match as written."""
    return _FREE_MARKS.sub("", separator)


Shape = tuple[str, tuple[str, ...], str]


@lru_cache(maxsize=1 << 12)
def shape(term: str) -> Shape:
    """(marks before the first word, marks between words, marks after the last): ("", ("&",), "")
    for "AT&T", ("", (".",), ".") for "U.S.", ("", (), "++") for "C++"."""
    found = list(WORD.finditer(term))
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
        return keys, shape(written) if MARKED.search(written) else ("", ("",) * (len(keys) - 1), "")


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
        self.size, self._side = 0, side
        self._by_first: dict[str, list[_Term]] = {}
        self.add(entries)

    def add(self, entries: Iterable[Entry | None]) -> None:
        """More entries (None: none), each in its place: the longest term first at its first word."""
        grown: set[str] = set()
        for entry in entries:
            if entry is None:
                continue
            self.size += 1
            keys, marks = entry.keys_and_shape(self._side)
            if keys:
                self._by_first.setdefault(keys[0], []).append((keys, marks, entry))
                grown.add(keys[0])
        for first in grown:
            if len(candidates := self._by_first[first]) > 1:
                candidates.sort(key=lambda item: -len(item[0]))

    def find(self, text: str, found: Words | None = None) -> list[Match]:
        """Non-overlapping occurrences in `text` (its `words`: `found`, when known), the longest first at each word."""
        found = words(text) if found is None else found
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
