"""The documents package: text once read. Exports Document, Sentence, TextBudget and the text primitives
(here); bytes -> text is documents/decoding.py; languages by ISO code are documents/languages.py.

What a document is once read: clean text, language, numbered paragraphs and sentences.

The records (Document, Sentence) and the text primitives every reader uses (clean, split,
read within a limit). Reading a format and building its Document is summarise/readers/:
readers build on this module, never the other way round.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pysbd

from summarise.errors import InputError, too_large

# Terminal escape sequences and other control characters must never reach a prompt or a brief.
_ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_PYSBD_LANGUAGES = {
    "en", "hi", "mr", "zh", "es", "am", "ar", "hy", "bg", "ur", "ru", "pl", "fa", "nl", "da", "fr", "my",
    "el", "it", "ja", "de", "kk", "sk",
}  # fmt: skip


# pysbd's time grows with the square of the text it is given (its abbreviation scan rereads
# the whole string per match): a paragraph longer than this is split at sentence ends first.
_SEGMENT_WINDOW = 10_000
_WINDOW_CUT = re.compile(r"(?<=[.!?。！？])\s+(?=\S)")


def too_much_text(source: str, limit: int) -> InputError:
    return InputError(
        f"{source}: its text runs over the {limit:,}-character limit (a packed file can unpack to far more "
        "than its size); raise it with SUMMARISE_MAX_BYTES if you mean it"
    )


@dataclass
class TextBudget:
    """The characters a reader may still extract. The size limit is on the text, not only on
    the file: a small DOCX or PDF can unpack to millions of characters, so readers count as
    they go and stop at the limit, before extracting (or sending) the rest."""

    source: str
    limit: int
    used: int = 0

    def take(self, count: int) -> None:
        self.used += count
        if self.used > self.limit:
            raise too_much_text(self.source, self.limit)


@dataclass(frozen=True)
class Sentence:
    number: int  # 1-based, across the whole document: what facts refer to
    paragraph: int  # 1-based paragraph index
    text: str
    joiner: str = " "  # what follows it inside its paragraph: a space or a line break
    page: int = 0  # 1-based page of a PDF; 0 where the format has no pages
    heading: str = ""  # the nearest heading above it (DOCX, HTML, Markdown)


@dataclass(frozen=True)
class Document:
    source: str  # the path as the user gave it, or "-" for standard input
    text: str
    language: str
    sha256: str  # of the raw bytes: what resume and the front matter rely on
    sentences: tuple[Sentence, ...]
    metadata: dict[str, str] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()  # page furniture removed before any prompt
    kind: str = "text"  # which reader made it: text | pdf | docx | html | markdown
    pages: int = 0  # pages of a PDF
    # (paragraph it follows, text): kept as it is, never sent to a model (code, front matter)
    verbatim: tuple[tuple[int, str], ...] = ()
    # Share of the text in each language, when planned (see language_detection.language_mix): a mixed document
    # is translated wherever it is not in the target language.
    languages: tuple[tuple[str, float], ...] = ()

    @property
    def paragraph_count(self) -> int:
        return self.sentences[-1].paragraph if self.sentences else 0

    def paragraphs(self) -> list[list[Sentence]]:
        grouped: list[list[Sentence]] = [[] for _ in range(self.paragraph_count)]
        for sentence in self.sentences:
            grouped[sentence.paragraph - 1].append(sentence)
        return grouped

    def sentence(self, number: int) -> Sentence | None:
        return self.sentences[number - 1] if 1 <= number <= len(self.sentences) else None

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence that holds character `offset` of `text` (where a found quote starts)."""
        cursor = 0
        for sentence in self.sentences:
            start = self.text.find(sentence.text, cursor)
            if start < 0:  # a sentence cut to fit the budget no longer matches verbatim
                continue
            cursor = start + len(sentence.text)
            if offset < cursor:
                return sentence
        return self.sentences[-1] if self.sentences else None


def _missing(path: Path, exc: OSError) -> InputError:
    """Why `path` cannot be opened, in words: a loop or a dangling link is not "no such file"."""
    if exc.errno == errno.ELOOP:
        return InputError(f"{path}: a loop of symbolic links; it leads nowhere")
    if exc.errno == errno.ENOENT and path.is_symlink():
        return InputError(f"{path}: a symbolic link to {os.readlink(path)}, which does not exist")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return InputError(f"{path}: no such file")
    if exc.errno == errno.EACCES:
        return InputError(f"{path}: cannot read it (permission denied)")
    return InputError(f"{path}: cannot read it ({exc.strerror})")


def read_source(path: Path, max_bytes: int) -> bytes:
    """Read a file with errors that say what to do; never a traceback.

    At most `max_bytes` + 1 bytes are read, whatever the file claims: a pipe, a device or a
    file under /proc reports a size of 0.
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise _missing(path, exc) from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a folder; use 'summarise batch {path}' for a whole folder")
    if info.st_size > max_bytes:
        raise too_large(str(path), info.st_size, max_bytes)
    try:
        with path.open("rb") as stream:
            return read_bounded(stream, max_bytes, str(path))
    except OSError as exc:
        raise _missing(path, exc) from exc


def read_bounded(stream: BinaryIO, max_bytes: int, source: str) -> bytes:
    """At most `max_bytes` from a stream (standard input, a pipe); refused, unread, beyond that."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(source, None, max_bytes)
    return data


def clean_text(text: str, keep_indent: bool = False) -> str:
    """NFC, plain line breaks, no escape sequences or control characters; lines stripped
    (only at their end with `keep_indent`, where indentation means something: Markdown)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _ANSI_ESCAPE.sub("", text)
    text = _CONTROL.sub("", text.replace("\t", "    " if keep_indent else " "))
    lines = [line.rstrip() if keep_indent else line.strip() for line in text.split("\n")]
    joined = "\n".join(lines)
    return joined.strip("\n") if keep_indent else joined.strip()


def strip_accents(text: str) -> str:
    """ "Café" -> "Cafe": what the glossary and the checks compare words by."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


_segmenters = threading.local()


def _segmenter(language: str) -> pysbd.Segmenter:
    """One segmenter per thread and language: pysbd keeps the text it splits on the
    instance, so a shared one mixes up documents split at the same time."""
    cache: dict[str, pysbd.Segmenter] = getattr(_segmenters, "by_language", None) or {}
    _segmenters.by_language = cache
    if language not in cache:
        cache[language] = pysbd.Segmenter(language=language if language in _PYSBD_LANGUAGES else "en", clean=False)
    return cache[language]


def segment(text: str, language: str) -> list[str]:
    """One line or paragraph -> its sentences, stripped; never empty for non-blank text."""
    parts: list[str] = []
    for window in _windows(text):
        parts += [part.strip() for part in _segmenter(language).segment(window) if part.strip()]
    return _with_abbreviations_joined(text, _with_lone_marks_attached(text, parts)) or [text.strip()]


# A part that ends with an initialism ("U.S.", "J.-P."), an initial ("J.") or a title ("Dr.")
# was cut inside a sentence ("D'après le U.S." | "Corps of Engineers, ..."): on a line of its own,
# the rest of the sentence is judged as untranslated, and the model may merge the two lines.
_CUT_AFTER_ABBREVIATION = re.compile(
    r"(?:(?<![^\W\d_])(?:[A-Z]\.-?){2,}|(?<![^\W\d_])[A-Z]\.|\b(?:Dr|Mr|Mrs|Ms|St|Mt|Jr|Sr|Gen|Sen|Rep|Gov|Prof|Pr|Mme|Mgr)\.)$"
)


def _joined(text: str, parts: list[str], joins: Callable[[str, str], bool]) -> list[str]:
    """`parts` of `text`, each joined to the one before it, as written (the text between them
    kept), where `joins(before, part)` says so; a part not found as written leaves the split as it is."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for part in parts:
        start = text.find(part, cursor)
        if start < 0:
            return parts
        cursor = start + len(part)
        if spans and joins(text[spans[-1][0] : spans[-1][1]], part):
            spans[-1] = (spans[-1][0], cursor)
        else:
            spans.append((start, cursor))
    return [text[start:end] for start, end in spans]


def _with_abbreviations_joined(text: str, parts: list[str]) -> list[str]:
    """A part cut after an abbreviation joins the part after it, as written."""
    return _joined(text, parts, lambda before, _part: bool(_CUT_AFTER_ABBREVIATION.search(before)))


def _with_lone_marks_attached(text: str, parts: list[str]) -> list[str]:
    """A part with no letter or digit ("»" after "relation.\u00a0", a lone "«") joins its
    neighbour, as written: on a line of its own the model has nothing to translate and
    writes the next line's translation there, and every line after it slides by one. A lone
    closing mark joins the sentence before it; a lone opening mark, the sentence after it."""
    return _joined(text, parts, lambda before, part: not re.search(r"\w", part) or not re.search(r"\w", before))


def _windows(text: str) -> list[str]:
    """`text` in pieces of at most about _SEGMENT_WINDOW characters, cut after a sentence's end
    where there is one (else at a space, else anywhere): linear time, whatever the paragraph."""
    if len(text) <= _SEGMENT_WINDOW:
        return [text]
    windows: list[str] = []
    start = 0
    while len(text) - start > _SEGMENT_WINDOW:
        end = start + _SEGMENT_WINDOW
        cuts = [match.end() for match in _WINDOW_CUT.finditer(text, start + _SEGMENT_WINDOW // 2, end)]
        cut = cuts[-1] if cuts else text.rfind(" ", start + 1, end) + 1 or end
        windows.append(text[start:cut])
        start = cut
    windows.append(text[start:])
    return windows


def paragraphs_of(text: str) -> list[list[str]]:
    """Plain text's paragraphs (separated by blank lines), each as its non-blank lines."""
    blocks = [block for block in re.split(r"\n\s*\n", text) if block.strip()]
    return [[line for line in block.split("\n") if line.strip()] for block in blocks]


def line_sentences(lines: Sequence[str], language: str) -> list[tuple[str, str]]:
    """One paragraph's sentences, each with what follows it inside the paragraph: a line
    break after the last sentence of a line (but the last line), else a space."""
    sentences: list[tuple[str, str]] = []
    for line_index, line in enumerate(lines):
        parts = segment(line, language)
        for part_index, part in enumerate(parts):
            last_in_line = part_index == len(parts) - 1
            sentences.append((part, "\n" if last_in_line and line_index < len(lines) - 1 else " "))
    return sentences


def split_sentences(text: str, language: str) -> tuple[Sentence, ...]:
    """Paragraphs are separated by blank lines; each line of a paragraph is split into sentences."""
    sentences: list[Sentence] = []
    for paragraph_index, lines in enumerate(paragraphs_of(text), start=1):
        for part, joiner in line_sentences(lines, language):
            sentences.append(Sentence(len(sentences) + 1, paragraph_index, part, joiner))
    return tuple(sentences)
