"""The HTML review page of one brief, drawn from the same Brief record as the Markdown.

The page runs no script at all: links to `#L12` scroll, and CSS `:target` highlights. It
carries its record as inert JSON, so `summarise review` can redraw it (read_page_record).
What every page shares (escaping, the Content-Security-Policy) is page.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser

from summarise.brief import Brief, Fact, Usage
from summarise.grounding.citations import cite_summary
from summarise.languages import language_name
from summarise.render.json import brief_from_record, brief_record
from summarise.render.markdown import location
from summarise.render.page import model_words, render_page
from summarise.tasks.translation import UNTRANSLATED_MARK

RECORD_ID = "brief-record"


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
    marks: list[Mark] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        names = ["untranslated"] if self.untranslated else []
        if self.marks:
            names.append("flagged" if any(mark.flagged for mark in self.marks) else "evidence")
        return names


@dataclass
class ParagraphView:
    number: int
    lines: list[LineView]
    whole: str | None  # the paragraph's translation when it was not kept line by line


@dataclass(frozen=True)
class FactView:
    number: int
    category: str
    statement: str
    status: str  # supported | flagged | re-anchored
    problems: str
    note: str
    evidence: str
    line: int  # 0 when the evidence was not found in the source
    where: str  # as the Markdown says it: "p. 3, ¶2, line 14"
    match: str  # shown when not exact


def fact_status(fact: Fact) -> str:
    if not fact.supported:
        return "flagged"
    return "re-anchored" if fact.note.startswith("re-anchored") else "supported"


def _fact_view(number: int, fact: Fact) -> FactView:
    problems = "; ".join(model_words(p) for p in fact.problems) if not fact.supported else ""
    if not fact.supported and not problems:
        problems = "evidence not found"
    return FactView(
        number=number,
        category=fact.category.capitalize(),
        statement=model_words(fact.statement),
        status=fact_status(fact),
        problems=problems,
        note=fact.note,
        evidence=fact.evidence,  # the source's own words, verbatim
        line=fact.sentence,
        where=location(fact),
        match="" if fact.match in ("exact", "normalised") else fact.match,
    )


def _paragraphs(brief: Brief) -> list[ParagraphView]:
    marks: dict[int, list[Mark]] = {}
    for number, fact in enumerate(brief.facts, start=1):
        if fact.sentence:
            marks.setdefault(fact.sentence, []).append(Mark(number, not fact.supported))
    by_paragraph: dict[int, list[LineView]] = {}
    whole: dict[int, bool] = {}
    for line in brief.lines:
        untranslated = line.translation.startswith(UNTRANSLATED_MARK)
        text = line.translation.removeprefix(UNTRANSLATED_MARK).strip()
        view = LineView(line.number, line.source, model_words(text), untranslated, marks.get(line.number, []))
        by_paragraph.setdefault(line.paragraph, []).append(view)
        whole[line.paragraph] = whole.get(line.paragraph, False) or not line.translation
    views: list[ParagraphView] = []
    for index, translation in enumerate(brief.translation, start=1):
        lines = by_paragraph.get(index, [])
        kept_whole = whole.get(index, True)
        views.append(ParagraphView(index, lines, model_words(translation) if kept_whole else None))
    return views


def _usage(usage: Usage) -> str:
    text = f"{usage.llm_calls} calls, {usage.cache_hits} from cache; {usage.prompt_tokens:,} prompt tokens"
    reused = usage.prompt_tokens_cached_by_server
    text += f" ({reused:,} reused by the server)" if reused else ""
    return text + f", {usage.completion_tokens:,} generated"


def _meta(brief: Brief) -> list[tuple[str, str]]:
    languages = f"{language_name(brief.source_language)} → {language_name(brief.target_language)}"
    items = [("Source", brief.source), ("Languages", languages)]
    if "date" in brief.metadata:
        items.append(("Source date", brief.metadata["date"]))
    items += [
        ("Model", f"{brief.model} ({brief.endpoint})"),
        ("Written", brief.created),
        ("Size", f"{len(brief.translation)} paragraphs, {brief.chunks} chunk(s)"),
        ("Usage", _usage(brief.usage)),
        ("Status", "incomplete" if brief.problems else "complete"),
    ]
    return items


def render_html(brief: Brief, markdown_name: str = "NAME.md", index_link: str | None = None) -> str:
    """The review page of one brief. `markdown_name` is what `summarise review` is told to open."""
    cited = [_CitedView(model_words(c.text), c.lines, c.named) for c in cite_summary(brief)]
    return render_page(
        "brief.html.j2",
        None,
        lang=brief.target_language,
        title=model_words(brief.title),
        meta=_meta(brief),
        review=brief.review,
        markdown_name=markdown_name,
        index_link=index_link,
        problems=[model_words(problem) for problem in brief.problems],
        summary=cited,
        summary_named=any(sentence.named for sentence in cited),
        facts=[_fact_view(number, fact) for number, fact in enumerate(brief.facts, start=1)],
        paragraphs=_paragraphs(brief),
        source_language=language_name(brief.source_language),
        target_language=language_name(brief.target_language),
        source_lang=brief.source_language,
        target_lang=brief.target_language,
        checks=[_CheckView(c.name, c.passed, model_words(c.detail)) for c in brief.checks],
        record=brief_record(brief),
    )


@dataclass(frozen=True)
class _CitedView:
    text: str
    lines: tuple[int, ...]
    named: bool


@dataclass(frozen=True)
class _CheckView:
    name: str
    passed: bool
    detail: str


class _RecordFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.found: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag == "script" and ("id", RECORD_ID) in attrs and self.found is None

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.found = (self.found or "") + data

    def handle_endtag(self, tag: str) -> None:
        self.inside = False


def read_page_record(html: str) -> Brief | None:
    """The Brief a page was drawn from (it carries its record as inert JSON), or None."""
    finder = _RecordFinder()
    finder.feed(html)
    if finder.found is None:
        return None
    try:
        return brief_from_record(json.loads(finder.found))
    except ValueError:
        return None
