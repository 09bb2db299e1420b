"""Readers: bytes + a name -> Document, one module per format, chosen by content.

Each module has `read(data: bytes, source: str, budget: TextBudget) -> Document`; a new format is one new
module and one line in READERS. Modules are imported when first needed, so the PDF,
Word and HTML libraries cost nothing to a run that reads plain text. Exports `load_document`.

Around the formats: fetch.py (URLs) and addresses.py (no private networks), furniture.py (page
furniture of pasted text), language_detection.py (which language, how much).
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

from summarise.config import DEFAULT_MAX_INPUT_BYTES
from summarise.documents import Document, TextBudget, read_bounded, read_source

READERS = {
    "pdf": "summarise.readers.pdf",
    "docx": "summarise.readers.docx",
    "html": "summarise.readers.html",
    "markdown": "summarise.readers.markdown",
    "text": "summarise.readers.text",
}
MARKDOWN_NAMES = re.compile(r"\.(md|markdown|mdown|mkd)$", re.IGNORECASE)


def sniff(data: bytes, name: str = "", content_type: str = "") -> str:
    """Which reader: the bytes decide first (a PDF renamed .txt is a PDF; a .txt saved from a
    browser is HTML); a server's content type or the file's name only tell Markdown from text."""
    from summarise.readers.html import is_html

    media = content_type.split(";")[0].strip().lower()
    if b"%PDF-" in data[:1024]:  # the PDF standard lets the signature sit anywhere in the first 1 KB
        return "pdf"
    if data.startswith(b"PK\x03\x04"):  # a ZIP: only then python-docx and lxml (~0.2 s to import)
        from summarise.readers.docx import is_docx

        if is_docx(data):
            return "docx"
    if media in ("text/html", "application/xhtml+xml") or is_html(data):
        return "html"
    if media == "text/markdown" or (not media and MARKDOWN_NAMES.search(name)):
        return "markdown"
    return "text"


def read(data: bytes, source: str, content_type: str = "", *, max_chars: int = DEFAULT_MAX_INPUT_BYTES) -> Document:
    """The document in `data`; `source` names it in errors and in the brief (a path or a URL).
    Its text may hold at most `max_chars` characters (the size limit): a reader stops there."""
    module = importlib.import_module(READERS[sniff(data, source, content_type)])
    document: Document = module.read(data, source, TextBudget(source, max_chars))
    return document


def load_document(path: Path, max_bytes: int) -> Document:
    """A file in any format the readers know (PDF, Word, HTML, Markdown, text), chosen by content."""
    return read(read_source(path, max_bytes), str(path), max_chars=max_bytes)


def load(source: str, max_bytes: int, *, allow_private_urls: bool = False) -> Document:
    """A path, "-" for standard input, or an http(s) URL -> its Document (source as given)."""
    from summarise.readers.fetch import fetch, looks_like_url

    if source == "-":
        return read(read_bounded(sys.stdin.buffer, max_bytes, "standard input"), "-", max_chars=max_bytes)
    if looks_like_url(source):
        fetched = fetch(source, max_bytes, allow_private=allow_private_urls)
        # the URL without user name and password
        return read(fetched.data, fetched.url, fetched.content_type, max_chars=max_bytes)
    return read(read_source(Path(source), max_bytes), source, max_chars=max_bytes)
