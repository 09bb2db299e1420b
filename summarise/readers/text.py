"""Plain text: today's reader, unchanged (encoding detection, page furniture of pasted web pages)."""

from __future__ import annotations

from summarise.documents import Document, TextBudget, parse_document


def read(data: bytes, source: str, budget: TextBudget) -> Document:
    # Decoded text has no more characters than the file has bytes, so this only tells when
    # `data` came from elsewhere than a bounded read.
    document = parse_document(data, source)
    budget.take(len(document.text))
    return document
