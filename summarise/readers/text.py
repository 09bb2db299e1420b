"""Plain text: today's reader, unchanged (encoding detection, page furniture of pasted web pages)."""

from __future__ import annotations

from summarise.documents import Document, parse_document


def read(data: bytes, source: str) -> Document:
    return parse_document(data, source)
