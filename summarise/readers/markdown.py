"""Markdown -> headings, paragraphs, list items and table rows (markdown-it-py, a CommonMark parser).

Code blocks, raw HTML blocks and the YAML front matter are kept as they are and never
sent to a model: translating code breaks it, and front matter is data, not prose.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from summarise.brief.header import BadHeader, load_yaml
from summarise.documents import Document, TextBudget, clean_text
from summarise.documents.decoding import decode
from summarise.errors import InputError
from summarise.readers.base import Block, Extracted, build_document

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n(---|\.\.\.)\n", re.S)
_KINDS = {"paragraph_open": "paragraph", "heading_open": "heading"}


def _inline(token: Token) -> str:
    """An inline token's readable text: emphasis and link markup dropped, line breaks as spaces."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _front_matter(text: str) -> tuple[str, dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return "", {}, text
    try:  # a document's front matter is data from outside: no alias is expanded (a YAML bomb)
        data = load_yaml(match.group(1))
    except BadHeader:
        data = None
    fields = data if isinstance(data, dict) else {}
    metadata = {str(key): str(value) for key, value in fields.items() if isinstance(value, (str, int, float))}
    metadata |= {str(key): str(value) for key, value in fields.items() if key == "date"}  # a YAML date
    return match.group(0).rstrip("\n"), metadata, text[match.end() :]


def _blocks(body: str) -> list[Block]:
    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    blocks: list[Block] = []
    heading = ""
    in_item = 0
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            in_item += 1
        elif token.type == "list_item_close":
            in_item -= 1
        elif token.type in ("fence", "code_block", "html_block"):
            blocks.append(Block(token.content.rstrip("\n"), "verbatim", 0, heading))
        elif token.type == "tr_open":
            cells = []
            for cell in tokens[index + 1 :]:
                if cell.type == "tr_close":
                    break
                if cell.type == "inline":
                    cells.append(_inline(cell).strip())
            blocks.append(Block(" | ".join(cell for cell in cells if cell), "row", 0, heading))
        elif token.type in ("paragraph_open", "heading_open") and index + 1 < len(tokens):
            text = _inline(tokens[index + 1])
            if token.type == "heading_open":
                heading = text
            kind = "item" if in_item and token.type == "paragraph_open" else _KINDS[token.type]
            blocks.append(Block(text, kind, 0, heading))
    return blocks


def read(data: bytes, source: str, budget: TextBudget) -> Document:
    text = clean_text(decode(data, source), keep_indent=True)
    if not text:
        raise InputError(f"{source}: the file is empty (or only whitespace); nothing to summarise")
    front, metadata, body = _front_matter(text)
    blocks = ([Block(front, "verbatim")] if front else []) + _blocks(body)
    return build_document(Extracted(blocks, "markdown", metadata), data, source, budget)
