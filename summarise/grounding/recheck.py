"""A reviewer's corrections applied to a brief: a translation line, a fact or a summary sentence
rewritten, then every check run again by the code that checked the model's text
(grounding/assemble.py), on the brief rebuilt from its own record: the source lines it keeps,
the glossary entries it was checked with. Kept with the brief (who, when, before, after); a
re-run that writes the same `before` again gets the correction back (render/publish.py).
Files are written by review/edits.py."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import UTC, datetime

from summarise.brief import EDIT_KINDS, Brief, CitedSentence, Edit, Line, RawFact, shown_untranslated
from summarise.config.glossary import Entry, Glossary
from summarise.documents import Document, Sentence
from summarise.documents.languages import Language, language_name
from summarise.errors import InputError
from summarise.grounding.assemble import check_parts, ground_parts

SUMMARY_CHECK = "Summary of 3 to 5 sentences"  # grounding/report.py: its detail is the summary's notes


def document_of(brief: Brief) -> Document:
    """The source as the brief keeps it: its numbered lines, in their paragraphs and pages."""
    where = {fact.sentence: (fact.page, fact.heading) for fact in brief.facts}
    sentences = tuple(
        Sentence(line.number, line.paragraph, line.source, " ", *where.get(line.number, (0, "")))
        for line in brief.lines
    )
    paragraphs: dict[int, list[str]] = {}
    for sentence in sentences:
        paragraphs.setdefault(sentence.paragraph, []).append(sentence.text)
    return Document(
        source=brief.source,
        text="\n\n".join(" ".join(texts) for texts in paragraphs.values()),
        language=brief.source_language,
        sha256=brief.source_sha256,
        sentences=sentences,
        metadata=dict(brief.metadata),
        kind=brief.source_format,
        pages=brief.source_pages,
        languages=tuple(brief.source_languages.items()),
    )


def glossary_of(brief: Brief) -> Glossary | None:
    if not brief.glossary:
        return None
    entries = tuple(
        Entry(source, target, brief.source_language, brief.target_language) for source, target in brief.glossary
    )
    return Glossary("the brief's glossary", entries)


def recheck(brief: Brief) -> Brief:
    """Every check run again on the brief's text as it now reads."""
    if not brief.lines:
        raise InputError("this brief was written before lines were kept one by one: re-run it to correct it")
    document = document_of(brief)
    translated = {line.number: line.translation for line in brief.lines}
    notes = [c.detail for c in brief.checks if c.name == SUMMARY_CHECK and not c.passed]
    target = Language(brief.target_language, language_name(brief.target_language))
    facts, sentences = ground_parts(
        document,
        target,
        summary=[CitedSentence(s.text, s.lines if s.named else ()) for s in brief.summary_sentences],
        raw_facts=[RawFact(fact.sentence, fact.category, fact.statement) for fact in brief.facts],
        translated=translated,
    )
    # What code set in each line (a glossary term) stays said; a reviewer's words are not rewritten.
    set_here = [f"line {line.number}: {note.split(': ', 1)[-1]}" for line in brief.lines for note in line.notes]
    checked = check_parts(
        document,
        target,
        glossary_of(brief),
        facts=facts,
        sentences=sentences,
        summary_notes=notes,
        translation=brief.translation,
        translated=translated,
        untranslated=frozenset(line.number for line in brief.lines if not line.translated),
        glossary_notes=set_here,
    )
    lines = tuple(dataclasses.replace(line, problems=checked.on_line.get(line.number, ())) for line in brief.lines)
    return dataclasses.replace(
        brief, facts=checked.facts, summary_sentences=checked.sentences, checks=checked.checks, lines=lines
    )


def current_text(brief: Brief, kind: str, number: int) -> str:
    """What the brief says now at a line, fact or summary sentence (1-based)."""
    items: tuple[object, ...] = {"line": brief.lines, "fact": brief.facts, "summary": brief.summary_sentences}.get(
        kind, ()
    )
    if not 1 <= number <= len(items):
        raise InputError(f"there is no {kind} {number} in this brief")
    if kind == "line":
        line = brief.lines[number - 1]
        return line.translation if line.translated else ""
    if kind == "fact":
        return brief.facts[number - 1].statement
    return brief.summary_sentences[number - 1].text


def _replaced(brief: Brief, kind: str, number: int, text: str) -> Brief:
    before = current_text(brief, kind, number)
    if kind == "line":
        line = brief.lines[number - 1]
        shown = line.translation if line.translated else shown_untranslated(line.source)
        paragraphs = list(brief.translation)
        where = line.paragraph - 1
        if 0 <= where < len(paragraphs):
            paragraphs[where] = paragraphs[where].replace(shown, text, 1)
        fixed = dataclasses.replace(line, translation=text, translated=True, origin="", suggestion="")
        lines: tuple[Line, ...] = (*brief.lines[: number - 1], fixed, *brief.lines[number:])
        return dataclasses.replace(brief, lines=lines, translation=tuple(paragraphs))
    if kind == "fact":
        facts = list(brief.facts)
        facts[number - 1] = dataclasses.replace(facts[number - 1], statement=text)
        return dataclasses.replace(brief, facts=tuple(facts))
    sentences = list(brief.summary_sentences)
    sentences[number - 1] = dataclasses.replace(sentences[number - 1], text=text)
    summary = brief.summary.replace(before, text, 1) if before else brief.summary
    return dataclasses.replace(brief, summary_sentences=tuple(sentences), summary=summary)


def _recorded(edits: Iterable[Edit], edit: Edit) -> tuple[Edit, ...]:
    """The brief's edits with `edit` added; a second correction of the same item keeps the
    first `before` (the model's text, which a re-run writes again)."""
    kept: list[Edit] = []
    for earlier in edits:
        if (earlier.kind, earlier.number) == (edit.kind, edit.number):
            edit = dataclasses.replace(edit, before=earlier.before)
        else:
            kept.append(earlier)
    return (*kept, edit)


def corrected(brief: Brief, kind: str, number: int, text: str, by: str) -> Brief:
    """The brief with one item rewritten (or, with its own text, confirmed) by `by`, checked again."""
    if kind not in EDIT_KINDS:
        raise InputError(f"cannot correct a {kind!r}: only {', '.join(EDIT_KINDS)}")
    text = " ".join(text.split())
    if not text:
        raise InputError("a correction cannot be empty")
    before = current_text(brief, kind, number)
    at = datetime.now(UTC).replace(microsecond=0).isoformat()
    edit = Edit(kind, number, before, text, by, at)
    rewritten = _replaced(brief, kind, number, text) if text != before else brief
    return recheck(dataclasses.replace(rewritten, edits=_recorded(brief.edits, edit)))


def carry_edits(edits: Iterable[Edit], brief: Brief) -> Brief:
    """A re-run's brief with the reviewer's corrections of the one it replaces: each where the
    new brief still says what was corrected (or already says the correction: the translation
    memory gave it); a correction of text the model now writes differently is dropped."""
    kept: list[Edit] = []
    for edit in edits:
        try:
            now = current_text(brief, edit.kind, edit.number)
        except InputError:
            continue
        if now == edit.before and edit.after != edit.before:
            brief = _replaced(brief, edit.kind, edit.number, edit.after)
        elif now == edit.after and edit.kind == "line":  # from memory: the correction itself says where it came from
            line = brief.lines[edit.number - 1]
            lines = (*brief.lines[: edit.number - 1], dataclasses.replace(line, origin=""), *brief.lines[edit.number :])
            brief = dataclasses.replace(brief, lines=lines)
        elif now != edit.after:
            continue
        kept.append(edit)
    if not kept:
        return brief
    return recheck(dataclasses.replace(brief, edits=tuple(kept)))
