"""The tasks on one chunk, in one of two swappable layouts (Settings.layout).

- "translation": translate the chunk first, then write the summary and the facts from the
  line-numbered translation. A small model does better in one language than across two:
  fewer source words left in English text, and the facts' names and numbers are already
  in the target language. Line numbers are the source's, so evidence still maps to the
  source line. Summary and facts share the translation's prefix; reading the
  translation once more is the price.
- "source": the three tasks on the source chunk, one shared prefix. Cheapest in prompt
  tokens; the right choice for a strong endpoint that works across languages.
bench/quality.py measures the two side by side (docs/quality.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from summarise.brief import RawFact
from summarise.chunking import Chunk
from summarise.config import Layout
from summarise.documents import Document
from summarise.languages import Language
from summarise.llm import Message
from summarise.tasks.common import TaskContext, chunk_prefix
from summarise.tasks.facts import extract_facts
from summarise.tasks.summary import Summary, summarise_chunk
from summarise.tasks.translation import translate_chunk


@dataclass
class ChunkResult:
    summary: Summary
    facts: list[RawFact]
    translated: dict[int, str]
    problems: list[str]


def translates(document: Document, target: Language) -> bool:
    """A document wholly in the target language is its own translation: no call. Any part in
    another language, or a text too short to tell ("unknown"), is translated."""
    languages = dict(document.languages) or {document.language: 1.0}
    return document.language != target.code or any(code != target.code for code in languages)


def translates_first(context: TaskContext) -> bool:
    return translates(context.document, context.target) and context.options.layout == Layout.TRANSLATION


def translation_prefix(context: TaskContext, chunk: Chunk, translated: dict[int, str]) -> list[Message]:
    """The chunk's prefix with its translation as the document: same line numbers, same
    layout. A line left untranslated (missing from `translated`) stays in the source language."""
    lines = tuple(replace(s, text=translated.get(s.number, "").strip() or s.text) for s in chunk.sentences)
    return chunk_prefix(context, replace(chunk, sentences=lines), language=context.target.name)


def tasks_prefix(
    context: TaskContext, prefix: list[Message], chunk: Chunk, translated: dict[int, str]
) -> list[Message]:
    """The prefix summary and facts are asked on: the source's, or (translate first) the translation's."""
    return translation_prefix(context, chunk, translated) if translates_first(context) else prefix


def brief_chunk(context: TaskContext, chunk: Chunk) -> ChunkResult:
    """The three tasks on one chunk, in turn; the tasks that share a prefix are asked one
    after another, so the server prefills it once."""
    prefix = chunk_prefix(context, chunk)
    translated: dict[int, str] = {}
    if not translates(context.document, context.target):
        translated = {s.number: s.text for s in chunk.sentences}
    elif translates_first(context):
        translated = translate_chunk(context, prefix, chunk)
    shared = tasks_prefix(context, prefix, chunk, translated)
    summary = summarise_chunk(context, shared, chunk)
    facts, problems = extract_facts(context, shared, chunk)
    if translates(context.document, context.target) and not translates_first(context):
        translated = translate_chunk(context, prefix, chunk)
    return ChunkResult(summary, facts, translated, problems)
