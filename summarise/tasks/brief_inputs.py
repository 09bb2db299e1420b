"""What a brief takes from its document and options beside the model's answers: its title, the
glossary entries its text uses, and the lines the translation memory gives or offers."""

from __future__ import annotations

from pathlib import Path

from summarise.config import BriefOptions
from summarise.documents import Document
from summarise.render.sanitise import plain_model_text as shown
from summarise.tasks.translation import translates


def title_for(document: Document, translated: dict[int, str]) -> str:
    """The document's own heading (translated) when it opens with one, else its file name."""
    paragraphs = document.paragraphs()
    first = paragraphs[0] if paragraphs else []
    if len(first) == 1 and len(first[0].text) <= 120 and not first[0].text.endswith((".", "!", "?")):
        # The words of the model's heading, once: from here on a title is plain text, shown as
        # written (a file name's "&lt;" stays "&lt;"), never parsed as Markdown again.
        candidate = " ".join(shown(translated.get(first[0].number, "")).split())
        if candidate:
            return candidate
    stem = Path(document.source).stem if document.source != "-" else "standard input"
    return stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Brief"


def glossary_used(options: BriefOptions, document: Document) -> tuple[tuple[str, str], ...]:
    """The glossary entries the document's text uses: kept with the brief, a later correction is checked with them."""
    if options.glossary is None:
        return ()
    return tuple((entry.source, entry.target) for entry in options.glossary.select(document.text))


def from_memory(document: Document, options: BriefOptions) -> tuple[dict[int, str], dict[int, str]]:
    """Where each line the translation memory gave came from, and, for the others, a near match to offer."""
    origins: dict[int, str] = {}
    suggestions: dict[int, str] = {}
    if not options.memory or not translates(document, options.target):
        return origins, suggestions
    pair = (document.language, options.target.code)
    for sentence in document.sentences:
        if found := options.memory.exact(*pair, sentence.text):
            origins[sentence.number] = found.origin
        elif near := options.memory.near(*pair, sentence.text):
            suggestions[sentence.number] = near.translation
    return origins, suggestions
