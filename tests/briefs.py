"""Brief records for the renderer's tests, built the way the pipeline builds them.

The source is a real Document (parsed by summarise); the "translation" of each line is
given here, since these tests are about what a reviewer sees, not about the model.
"""

from __future__ import annotations

from dataclasses import replace

from summarise.brief import Brief, Check, Fact, Line, Usage
from summarise.documents import Document
from summarise.readers.text import parse_document

# 12 paragraphs, 3 lines each: long enough that a late line is off-screen when a page opens.
SOURCE = "\n\n".join(
    " ".join(f"Le paragraphe {p} dit la chose {p}.{n} en {2000 + p} à Lyon." for n in range(1, 4)) for p in range(1, 13)
)


def document(text: str = SOURCE, name: str = "inputs/lyon.txt") -> Document:
    return parse_document(text.encode(), name)


def lines_of(doc: Document, translate: dict[int, str] | None = None) -> tuple[Line, ...]:
    translate = translate or {}
    return tuple(
        Line(s.number, s.paragraph, s.text, translate.get(s.number, f"Paragraph {s.paragraph} says thing {s.number}."))
        for s in doc.sentences
    )


def make_brief(doc: Document | None = None, **changes: object) -> Brief:
    doc = doc or document()
    lines = lines_of(doc)
    paragraphs: dict[int, list[str]] = {}
    for line in lines:
        paragraphs.setdefault(line.paragraph, []).append(line.translation)
    last, middle = doc.sentences[-2], doc.sentences[min(16, len(doc.sentences) - 1)]
    brief = Brief(
        title="Lyon in twelve paragraphs",
        source=doc.source,
        source_sha256=doc.sha256,
        source_language=doc.language,
        target_language="en",
        model="test-model",
        endpoint="embedded",
        created="2026-11-23T00:00:00+00:00",
        brief_key="k" * 16,
        summary="Paragraph 1 says thing 1 in Lyon. Paragraph 11 says thing 32 in 2011.",
        facts=(
            Fact("Paragraph 1 says thing 1.", "what", 1, 1, doc.sentences[0].text),
            Fact(
                "Paragraph 12 says it in 1999.",
                "when",
                last.number,
                last.paragraph,
                last.text,
                problems=("“1999” is not in the quoted sentence",),
            ),
            Fact(
                "Paragraph 6 says thing 17.",
                "what",
                middle.number,
                middle.paragraph,
                middle.text,
                note="re-anchored: the model cited line 15",
            ),
        ),
        translation=tuple(" ".join(texts) for texts in paragraphs.values()),
        usage=Usage(llm_calls=3, prompt_tokens=1200, completion_tokens=800),
        chunks=1,
        checks=(
            Check(
                "Translation complete",
                True,
                f"{len(paragraphs)} of {len(paragraphs)} paragraphs; every line translated",
            ),
            Check("Facts seen on their line (content, numbers and dates)", False, "2 of 3 supported; 1 flagged above"),
        ),
        lines=lines,
    )
    return replace(brief, **changes) if changes else brief
