"""PDF (text layer) -> paragraphs with their page, through pypdfium2 (PDFium, Apache-2.0/BSD).

PDFium was the fastest of the three candidates measured (bench/readers.py, figures in
docs/history/benchmarks.md) and it marks the hyphens it finds at line ends, which the layout
rules use. Its text rectangles are whole lines of one column, which is what reading_order.py
needs. A scanned page, an encrypted file and a damaged one each get one clear line.
"""

from __future__ import annotations

import re
import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from summarise.documents import Document, TextBudget
from summarise.errors import InputError
from summarise.readers.base import Extracted, build_document
from summarise.readers.reading_order import Line, Page, paragraphs

# PDFium is not thread-safe; a batch may load documents while a brief is being read.
_PDFIUM = threading.Lock()
# What PDF makers write when nobody set a title or an author.
PLACEHOLDERS = {"untitled", "anonymous", "unspecified", "unknown", "none"}


def _open(data: bytes, source: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise InputError(f"{source}: encrypted PDF (it needs a password); save an unlocked copy") from exc
        raise InputError(f"{source}: not a readable PDF (damaged or incomplete)") from exc


def _lines(textpage: pdfium.PdfTextPage, page: int) -> list[Line]:
    """PDFium's text, a line at a time, each with the box of its characters.

    One pass over the page's text: asking PDFium for the text inside each box instead
    scans the whole page per line, ten times slower on a full page. A line whose
    characters fall in several boxes far apart (columns PDFium ran together) is split
    into its boxes.
    """
    lines: list[Line] = []
    offset = 0  # PDFium counts characters in UTF-16 units, its line breaks included
    for part in re.split(r"(\r\n|\r|\n)", textpage.get_text_range()):
        units = len(part.encode("utf-16-le")) // 2
        if part.strip():
            boxes = [textpage.get_rect(i) for i in range(textpage.count_rects(offset, units))]
            if len(boxes) == 1:
                left, bottom, right, top = boxes[0]
                lines.append(Line(page, left, bottom, right, top, part.strip()))
            else:
                for left, bottom, right, top in boxes:
                    text = textpage.get_text_bounded(left, bottom, right, top).strip()
                    if text:
                        lines.append(Line(page, left, bottom, right, top, text))
        offset += units
    return lines


def pages_of(data: bytes, source: str, budget: TextBudget | None = None) -> tuple[list[Page], dict[str, str]]:
    """The lines of every page, with positions, and the title and author of the file.
    Each page's characters are counted before its lines are read: a small PDF can draw
    millions of them, and the reading stops at the limit."""
    with _PDFIUM:
        document = _open(data, source)
        try:
            pages: list[Page] = []
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                try:
                    if budget is not None:
                        budget.take(textpage.count_chars())
                except InputError:
                    textpage.close()
                    page.close()
                    raise
                width, height = page.get_size()
                pages.append(Page(index + 1, width, height, tuple(_lines(textpage, index + 1))))
                textpage.close()
                page.close()
            info = document.get_metadata_dict(skip_empty=True)
        except pdfium.PdfiumError as exc:
            raise InputError(f"{source}: not a readable PDF (damaged or incomplete)") from exc
        finally:
            document.close()
    # The file's creation date is when it was exported, not the document's date: left out.
    metadata = {key.lower(): str(info[key]).strip() for key in ("Title", "Author") if key in info}
    metadata = {key: value for key, value in metadata.items() if value.casefold() not in PLACEHOLDERS}
    return pages, metadata


def read(data: bytes, source: str, budget: TextBudget) -> Document:
    pages, metadata = pages_of(data, source, budget)
    if not any(page.lines for page in pages):
        raise InputError(f"{source}: no text layer: needs OCR (a scanned PDF holds only images of its pages)")
    blocks, dropped = paragraphs(pages)
    return build_document(Extracted(blocks, "pdf", metadata, dropped, len(pages)), data, source)
