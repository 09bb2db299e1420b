"""What a brief's page shows, item by item: lines with their problems, fact cards, checks with links.

Plain records the template fills in (html.py draws the page). Every problem a check found
is put where the reviewer looks: on its line, on its fact, and linked from Checks.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from summarise.brief import Brief, Check, Edit, Fact, FactVerdict
from summarise.render.markdown import EDITED, location
from summarise.render.page import model_words
from summarise.render.problems import fact_problems, line_problems


@dataclass(frozen=True)
class Mark:
    fact: int
    flagged: bool


@dataclass
class LineView:
    number: int
    source: str
    translation: str
    untranslated: bool
    problems: list[str] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what code changed (a glossary term set)
    origin: str = ""  # "from review of NAME by X on DATE": the translation memory's, not a model's
    suggestion: str = ""  # a near match in the memory, offered
    edited: bool = False  # corrected by the reviewer

    @property
    def classes(self) -> list[str]:
        names = ["untranslated"] if self.untranslated else []
        names += ["edited"] if self.edited else []
        names += ["problem"] if self.problems else []
        if self.marks:
            names.append("flagged" if any(mark.flagged for mark in self.marks) else "evidence")
        return names


@dataclass
class ParagraphView:
    number: int
    lines: list[LineView]
    whole: str | None  # the paragraph's translation when it was not kept line by line


@dataclass(frozen=True)
class NotePart:
    text: str
    line: int = 0  # a link to this line when not 0


@dataclass(frozen=True)
class FactView:
    number: int
    category: str
    statement: str
    status: str  # supported | flagged | re-anchored
    problems: list[str]  # every problem code found: its own and the checks'
    note: list[NotePart]
    evidence: str
    translation: str  # of the evidence line, so a reviewer need not read the source language
    line: int  # 0 when the evidence was not found in the source
    where: str  # as the Markdown says it: "p. 3, ¶2, line 14"
    match: str  # shown when not exact
    verdict: FactVerdict | None = None
    edited: bool = False  # corrected by the reviewer


@dataclass(frozen=True)
class DiffPart:
    text: str
    change: str  # "" (kept), "del" or "ins"


@dataclass(frozen=True)
class EditView:
    """One correction as the page shows it: where, who, when, and the words it changed."""

    what: str  # "fact 3"
    href: str  # "#F3"
    by: str
    at: str
    diff: list[DiffPart]
    confirmed: bool  # the reviewer kept the text as it was


def word_diff(before: str, after: str) -> list[DiffPart]:
    """The words `after` removed from and added to `before`, in reading order."""
    old, new = before.split(), after.split()
    parts: list[DiffPart] = []
    for change, a0, a1, b0, b1 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if change == "equal":
            parts.append(DiffPart(" ".join(old[a0:a1]), ""))
            continue
        if a1 > a0:
            parts.append(DiffPart(" ".join(old[a0:a1]), "del"))
        if b1 > b0:
            parts.append(DiffPart(" ".join(new[b0:b1]), "ins"))
    return parts


_ANCHOR = {"line": "L", "fact": "F", "summary": "S"}


def edit_views(edits: tuple[Edit, ...]) -> list[EditView]:
    return [
        EditView(
            f"{EDITED.get(edit.kind, edit.kind)} {edit.number}",
            f"#{_ANCHOR.get(edit.kind, 'L')}{edit.number}",
            edit.by,
            edit.at,
            word_diff(model_words(edit.before), model_words(edit.after)),
            edit.before == edit.after,
        )
        for edit in edits
    ]


@dataclass(frozen=True)
class Link:
    href: str
    label: str
    reason: str


@dataclass(frozen=True)
class CheckView:
    name: str
    passed: bool
    detail: str
    links: list[Link]


def fact_status(fact: Fact) -> str:
    if not fact.supported:
        return fact.status.replace(" ", "-")  # a CSS class: "not-found", "flagged"
    return "re-anchored" if fact.note.startswith("re-anchored") else "supported"


def _note(note: str) -> list[NotePart]:
    """The note with "line N" made a link to that line (the line the model cited)."""
    parts: list[NotePart] = []
    cursor = 0
    for match in re.finditer(r"\bline (\d+)\b", note):
        parts += [NotePart(note[cursor : match.start()]), NotePart(match.group(0), int(match.group(1)))]
        cursor = match.end()
    return [*parts, NotePart(note[cursor:])] if note else []


def _translation_of(brief: Brief, number: int) -> str:
    line = next((line for line in brief.lines if line.number == number), None)
    return model_words(line.translation.strip()) if line else ""


def fact_views(brief: Brief) -> list[FactView]:
    problems = fact_problems(brief)
    verdicts = {verdict.fact: verdict for verdict in (brief.review.facts if brief.review else ())}
    edited = {(edit.kind, edit.number) for edit in brief.edits}
    return [
        FactView(
            number=number,
            category=fact.category.capitalize(),
            statement=model_words(fact.statement),
            status=fact_status(fact),
            problems=[model_words(p) for p in problems.get(number, [])],
            note=_note(fact.note),
            evidence=fact.evidence,  # the source's own words, verbatim
            translation=_translation_of(brief, fact.sentence) if fact.sentence else "",
            line=fact.sentence,
            where=location(fact),
            match="" if fact.match in ("exact", "normalised") else fact.match,
            verdict=verdicts.get(number),
            edited=("fact", number) in edited,
        )
        for number, fact in enumerate(brief.facts, start=1)
    ]


def paragraph_views(brief: Brief) -> list[ParagraphView]:
    problems = fact_problems(brief)
    marks: dict[int, list[Mark]] = {}
    for number, fact in enumerate(brief.facts, start=1):
        if fact.sentence:
            marks.setdefault(fact.sentence, []).append(Mark(number, number in problems))
    on_line = line_problems(brief)
    edited = {(edit.kind, edit.number) for edit in brief.edits}
    by_paragraph: dict[int, list[LineView]] = {}
    whole: dict[int, bool] = {}
    for line in brief.lines:
        reasons = [model_words(p) for p in on_line.get(line.number, [])]
        text = model_words(line.translation.strip())
        view = LineView(line.number, line.source, text, not line.translated, reasons, marks.get(line.number, []))
        view.notes = [model_words(note) for note in line.notes]
        view.origin, view.suggestion = model_words(line.origin), model_words(line.suggestion)
        view.edited = ("line", line.number) in edited
        by_paragraph.setdefault(line.paragraph, []).append(view)
        whole[line.paragraph] = whole.get(line.paragraph, False) or not line.translation
    views: list[ParagraphView] = []
    for index, translation in enumerate(brief.translation, start=1):
        lines = by_paragraph.get(index, [])
        kept_whole = whole.get(index, True)
        views.append(ParagraphView(index, lines, model_words(translation) if kept_whole else None))
    return views


def _links(check: Check, lines: set[int], facts: int) -> list[Link]:
    links = [Link(f"#L{f.number}", f"line {f.number}", f.reason) for f in check.lines if f.number in lines]
    links += [Link(f"#F{f.number}", f"fact {f.number}", f.reason) for f in check.facts if 0 < f.number <= facts]
    links += [Link(f"#S{f.number}", f"summary sentence {f.number}", f.reason) for f in check.sentences]
    if "summary" in check.name.lower():  # the summary's checks name the whole summary or its sentences
        links.insert(0, Link("#summary", "the summary", "the summary, with the lines each sentence rests on"))
    unique: dict[str, Link] = {}
    for link in links:
        unique.setdefault(link.href, link)
    return list(unique.values())


def check_views(brief: Brief) -> list[CheckView]:
    lines = {line.number for line in brief.lines}
    return [
        CheckView(c.name, c.passed, model_words(c.detail), [] if c.passed else _links(c, lines, len(brief.facts)))
        for c in brief.checks
    ]
