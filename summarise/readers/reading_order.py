"""Lines with positions -> paragraphs in reading order: what any PDF text layer needs.

A PDF has no paragraphs, only positioned runs of text. This rebuilds them the way a
reader sees them: running headers, footers and page numbers left out, two columns read
left then right, lines joined across breaks and hyphenation, a paragraph continued over
a page break when its sentence is not finished. Kept apart from the PDF library so the
rules can be tested, and compared across libraries (bench/readers.py), on their own.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from summarise.readers.base import Block


@dataclass(frozen=True)
class Line:
    page: int  # 1-based
    x0: float
    bottom: float
    x1: float
    top: float  # PDF coordinates: y grows upwards
    text: str

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    lines: tuple[Line, ...]


MARGIN = 0.09  # the top and bottom share of a page where running heads and folios sit
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(page|p\.|seite|página|pagina|страница)?\s*(\d+|[ivxlcdm]+)(\s*(/|of|sur|de|von|из)\s*\d+)?[-–—\s]*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?:;…»\"”)\]]$")
SOFT_HYPHENS = ("\x02", "\xad", "\ufffe")  # pdfium marks a hyphen it found at a line end with \x02


def _shape(text: str) -> str:
    """A running header or footer repeats with its page number changed."""
    return re.sub(r"\d+", "#", text.casefold()).strip()


def _in_margin(line: Line, page: Page) -> bool:
    return line.top > page.height * (1 - MARGIN) or line.bottom < page.height * MARGIN


def furniture(pages: list[Page]) -> set[tuple[int, Line]]:
    """Page numbers, and margin lines that recur on several pages (the same shape each time)."""
    shapes = Counter(_shape(line.text) for page in pages for line in page.lines if _in_margin(line, page))
    repeated = {shape for shape, count in shapes.items() if count >= 2 and count >= len(pages) / 2}
    found: set[tuple[int, Line]] = set()
    for page in pages:
        for line in page.lines:
            if _in_margin(line, page) and (_PAGE_NUMBER.match(line.text) or _shape(line.text) in repeated):
                found.add((page.number, line))
    return found


def reading_order(page: Page, lines: list[Line]) -> list[list[Line]]:
    """Columns of lines, in the order a person reads them.

    Lines that cross the middle of the page (a title, a full-width paragraph) cut the page
    into bands; inside a band, a left column is read before a right one.
    """
    middle = page.width / 2
    left = [line for line in lines if line.x1 <= middle + 2]
    right = [line for line in lines if line.x0 >= middle - 2]
    two_columns = len(left) >= 2 and len(right) >= 2
    ordered = sorted(lines, key=lambda line: (-line.top, line.x0))
    if not two_columns:
        return [ordered]
    columns: list[list[Line]] = []
    band_left: list[Line] = []
    band_right: list[Line] = []
    for line in ordered:
        if line.x1 <= middle + 2:
            band_left.append(line)
        elif line.x0 >= middle - 2:
            band_right.append(line)
        else:  # spans both columns: the band above is finished
            columns += [column for column in (band_left, band_right) if column]
            band_left, band_right = [], []
            columns.append([line])
    columns += [column for column in (band_left, band_right) if column]
    return columns


def join_lines(lines: list[str]) -> str:
    """Lines of one paragraph -> its text; a word hyphenated at a line end is made whole."""
    # Built as a list and judged by its last characters: a whole page in one paragraph (or
    # a hostile one) must not make joining its lines quadratic.
    pieces: list[str] = []
    for line in lines:
        tail = _tail(pieces)
        # pdfium's mark for a hyphen it found, or "dévelop-" + "pement": one word again
        if tail.endswith(SOFT_HYPHENS) or (re.search(r"\w-$", tail) and line[:1].islower()):
            _drop_last_character(pieces)
            pieces.append(line)
        else:
            pieces.append(f" {line}" if tail else line)
    text = "".join(pieces)
    # A hyphen mark at the very end stays: the paragraph may go on in the next column.
    body, end = (text[:-1], text[-1]) if text.endswith(SOFT_HYPHENS) else (text, "")
    for mark in SOFT_HYPHENS:
        body = body.replace(mark, "")
    return re.sub(r"\s+", " ", body).strip() + end


def _tail(pieces: list[str]) -> str:
    """The last two characters of "".join(pieces), looking only at the end."""
    tail = ""
    for piece in reversed(pieces):
        tail = piece[-2:] + tail
        if len(tail) >= 2:
            return tail[-2:]
    return tail


def _drop_last_character(pieces: list[str]) -> None:
    while pieces and not pieces[-1]:
        pieces.pop()
    if pieces:
        pieces[-1] = pieces[-1][:-1]


def _line_step(lines: list[Line]) -> float:
    """The usual distance from one line to the next (of one column: two interleave)."""
    tops = sorted({round(line.top, 1) for line in lines}, reverse=True)
    steps = [a - b for a, b in pairwise(tops) if a - b > 1]
    return median(steps) if steps else 14.0


def _paragraphs_of_column(column: list[Line], body_height: float) -> list[tuple[list[Line], bool]]:
    """Split a column at wider gaps, at a short closing line, and around larger type (a heading)."""
    step = _line_step(column)
    groups: list[tuple[list[Line], bool]] = []
    right_edge = max(line.x1 for line in column)
    for line in column:
        heading = line.height > body_height * 1.3 and not _SENTENCE_END.search(line.text)
        if groups:
            previous_lines, previous_heading = groups[-1]
            previous = previous_lines[-1]
            gap = previous.top - line.top
            # The line broke early although this line's first word would have fitted: the
            # writer ended the paragraph there (the usual sign where paragraphs have no gap).
            first_word = len(line.text.split()[0]) + 1
            fits = right_edge - previous.x1 > first_word * (line.x1 - line.x0) / max(len(line.text), 1) * 1.1
            short_close = fits and _SENTENCE_END.search(previous.text)
            indented = line.x0 > previous.x0 + 8 and _SENTENCE_END.search(previous.text)
            if not (heading or previous_heading or gap > step * 1.45 or gap < 0 or short_close or indented):
                previous_lines.append(line)
                continue
        groups.append(([line], heading))
    return groups


def paragraphs(pages: list[Page]) -> tuple[list[Block], list[str]]:
    """Blocks (with their page and the heading above them), and the furniture left out."""
    dropped_lines = furniture(pages)
    dropped = sorted({line.text for _page, line in dropped_lines})
    blocks: list[Block] = []
    heading = ""
    open_sentence = False  # the previous block stopped mid-sentence (at a page or column end)
    for page in pages:
        lines = [line for line in page.lines if (page.number, line) not in dropped_lines and line.text.strip()]
        if not lines:
            continue
        body_height = median(line.height for line in lines)
        for column in reading_order(page, lines):
            for group, is_heading in _paragraphs_of_column(column, body_height):
                text = join_lines([line.text for line in group])
                if not text:
                    continue
                if is_heading:
                    heading = text
                    blocks.append(Block(text, "heading", page.number, heading))
                    open_sentence = False
                    continue
                if open_sentence and blocks and text[:1].islower():
                    last = blocks[-1]
                    blocks[-1] = Block(join_lines([last.text, text]), last.kind, last.page, last.heading)
                else:
                    blocks.append(Block(text, "paragraph", page.number, heading))
                open_sentence = not _SENTENCE_END.search(blocks[-1].text)
    for index, block in enumerate(blocks):  # a hyphen mark left at the very end of the text
        if block.text.endswith(SOFT_HYPHENS):
            blocks[index] = Block(block.text[:-1] + "-", block.kind, block.page, block.heading)
    return blocks, dropped
