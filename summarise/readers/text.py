"""Plain text: encoding detection, page furniture of pasted web pages, paragraphs at blank lines."""

from __future__ import annotations

import re

from summarise.documents import Document, TextBudget, clean_text, paragraphs_of
from summarise.documents.decoding import decode
from summarise.errors import InputError
from summarise.readers.base import Block, Extracted, build_document
from summarise.readers.furniture import strip_furniture


def parse_document(data: bytes, source: str) -> Document:
    """Plain text (any encoding) -> its Document."""
    text = clean_text(decode(data, source))
    if not text:
        raise InputError(f"{source}: the file is empty (or only whitespace); nothing to summarise")
    if not re.search(r"\w", text):
        raise InputError(f"{source}: no words to summarise, only symbols, emoji or punctuation")
    body, dropped, metadata = strip_furniture(text)
    if not re.search(r"\w", body):
        raise InputError(f"{source}: no text left to summarise once page navigation is removed")
    blocks = [Block("\n".join(lines), kind="lines") for lines in paragraphs_of(body)]
    return build_document(Extracted(blocks, "text", metadata, dropped, text=body), data, source)


def read(data: bytes, source: str, budget: TextBudget) -> Document:
    # Decoded text has no more characters than the file has bytes, so this only tells when
    # `data` came from elsewhere than a bounded read.
    document = parse_document(data, source)
    budget.take(len(document.text))
    return document
