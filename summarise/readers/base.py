"""What every reader hands over: blocks of text with where they came from -> a Document.

`build_document` is the one path from text to a Document, plain text's included: clean,
detect the language, split sentences, hash the bytes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from summarise.documents import Document, Sentence, TextBudget, clean_text, line_sentences
from summarise.errors import InputError
from summarise.readers.language_detection import detect_language


@dataclass(frozen=True)
class Block:
    """One paragraph of the source as a reader found it."""

    text: str
    # paragraph | heading | item (of a list) | row (of a table) | verbatim (code, front
    # matter: kept as it is in the brief, never sent to a model) | lines (a paragraph of
    # plain text: its line breaks kept, and kept even without a word, as a rule "* * *")
    kind: str = "paragraph"
    page: int = 0  # 1-based page of a PDF; 0 where a format has no pages
    heading: str = ""  # the nearest heading above: the location in a paginated-less format


@dataclass
class Extracted:
    """A reader's result before sentences are split."""

    blocks: list[Block]
    kind: str  # pdf | docx | html | markdown
    metadata: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)  # furniture left out (headers, menus)
    pages: int = 0
    # Plain text's own text, blank lines as they were; other formats' text is their paragraphs, joined.
    text: str = ""


def build_document(extracted: Extracted, data: bytes, source: str, budget: TextBudget | None = None) -> Document:
    """Clean each block, detect the language, split sentences; each keeps its block's location.
    `budget`: counts the blocks' text, for readers that did not count as they extracted."""
    if budget is not None:
        for block in extracted.blocks:
            budget.take(len(block.text))
    kept: list[tuple[Block, str]] = []
    verbatim: list[tuple[int, str]] = []  # (the paragraph it follows, its text as it is)
    for block in extracted.blocks:
        if block.kind == "verbatim":
            verbatim.append((len(kept), block.text))
        elif text := _cleaned(block):
            kept.append((block, text))
    if not kept:
        raise InputError(f"{source}: no text found in this {extracted.kind.upper()} file; nothing to summarise")
    language = detect_language(extracted.text or "\n\n".join(text for _block, text in kept))
    sentences: list[Sentence] = []
    paragraphs: list[str] = []
    for paragraph, (block, text) in enumerate(kept, start=1):
        parts = line_sentences(text.split("\n"), language)
        for part, joiner in parts:
            sentences.append(Sentence(len(sentences) + 1, paragraph, part, joiner, block.page, block.heading))
        paragraphs.append(" ".join(part for part, _joiner in parts))
    return Document(
        source=source,
        text=extracted.text or "\n\n".join(paragraphs),
        language=language,
        sha256=hashlib.sha256(data).hexdigest(),
        sentences=tuple(sentences),
        metadata={key: value for key, value in extracted.metadata.items() if value},
        dropped=tuple(extracted.dropped),
        kind=extracted.kind,
        pages=extracted.pages,
        verbatim=tuple(verbatim),
    )


def _cleaned(block: Block) -> str:
    """The block's text to split into sentences: one line, or (plain text) its non-blank lines; "" to leave out."""
    if block.kind == "lines":
        return "\n".join(line for line in clean_text(block.text).split("\n") if line.strip())
    return " ".join(clean_text(block.text).split()) if re.search(r"\w", block.text) else ""
