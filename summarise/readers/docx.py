"""Word (.docx) -> headings, paragraphs, list items and table rows in document order (python-docx, MIT)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx import Document as open_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from summarise.documents import Document, TextBudget
from summarise.errors import InputError
from summarise.readers.base import Block, Extracted, build_document

# A .docx is a zip: a small file can unpack to gigabytes (a zip bomb). Word's own limit
# for document.xml is far below this.
MAX_UNPACKED_BYTES = 200_000_000
# Markup around the text of a real document is some 2-10 times its size: XML beyond this
# many times the text limit is refused before it is parsed (python-docx holds it all in memory).
MAX_MARKUP_RATIO = 20
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def _row_text(row_cells: list[str]) -> str:
    """Merged cells come back once per grid column: keep each once, in order."""
    cells: list[str] = []
    for text in row_cells:
        if text and (not cells or cells[-1] != text):
            cells.append(text)
    return " | ".join(cells)


def _style_names(document: Any) -> tuple[dict[str, str], str]:
    """Style id -> name, and the default paragraph style's name: looked up once.

    python-docx's `paragraph.style` scans every style of the file on each call (6 ms a
    paragraph on a default document); a long memo spent most of its reading time there.
    """
    names = {style.style_id: style.name or "" for style in document.styles}
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    return names, (default.name or "") if default is not None else ""


def _count_text(archive: zipfile.ZipFile, budget: TextBudget) -> None:
    """Count the body's text as the XML streams out of the zip, stopping at the limit: a
    small file of one run repeated can hold millions of characters (a zip bomb of text)."""
    with archive.open("word/document.xml") as stream:
        for _event, element in etree.iterparse(stream, events=("end",), tag=(f"{_W}t", f"{_W}p")):
            if element.tag == f"{_W}t":
                budget.take(len(element.text or ""))
            else:  # a paragraph read: let it go, so memory stays flat
                element.clear()


def _blocks(document: Any, budget: TextBudget) -> list[Block]:
    """Counted again as they come: a merged table cell comes back once per row it spans."""
    blocks: list[Block] = []
    heading = ""
    names, default = _style_names(document)
    for part in document.iter_inner_content():
        if isinstance(part, Paragraph):
            text = part.text.strip()
            if not text:
                continue
            style_id = part._p.style
            style = names.get(style_id, default) if style_id else default
            if style.startswith(("Heading", "Title")):
                heading = text
                budget.take(len(text))
                blocks.append(Block(text, "heading", 0, heading))
            else:
                numbered = part._p.pPr is not None and part._p.pPr.numPr is not None
                kind = "item" if numbered or style.startswith("List") else "paragraph"
                budget.take(len(text))
                blocks.append(Block(text, kind, 0, heading))
        elif isinstance(part, Table):
            for row in part.rows:
                text = _row_text([cell.text.strip() for cell in row.cells])
                budget.take(len(text))
                if text:
                    blocks.append(Block(text, "row", 0, heading))
    return blocks


def read(data: bytes, source: str, budget: TextBudget) -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise InputError(f"{source}: this Word file unpacks to over {MAX_UNPACKED_BYTES // 10**6} MB; refused")
            markup = archive.getinfo("word/document.xml").file_size
            if markup > MAX_MARKUP_RATIO * budget.limit:
                raise InputError(
                    f"{source}: its text unpacks to {markup:,} bytes of XML, over {MAX_MARKUP_RATIO} times the "
                    f"{budget.limit:,}-character limit; raise it with SUMMARISE_MAX_BYTES if you mean it"
                )
            _count_text(archive, budget)
        budget.used = 0  # counted again, as extracted
        document = open_docx(io.BytesIO(data))
        blocks = _blocks(document, budget)
        properties = document.core_properties
        metadata = {"title": properties.title or "", "author": properties.author or ""}
    except InputError:
        raise
    except Exception as exc:  # python-docx raises many kinds (zip, XML, missing parts) for one cause
        raise InputError(f"{source}: not a readable Word (.docx) file (damaged or another format)") from exc
    return build_document(Extracted(blocks, "docx", metadata), data, source)
