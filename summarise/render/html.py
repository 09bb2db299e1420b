"""The HTML review page of one brief, drawn from the same Brief record as the Markdown.

The page runs no script at all: links to `#L12` scroll, and CSS `:target` highlights. It
carries its record as inert JSON, so `summarise review` can redraw it (read_page_record).
What every page shares (escaping, the Content-Security-Policy) is page.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from summarise.brief import Brief, Usage
from summarise.documents.languages import language_name
from summarise.grounding.citations import cite_summary
from summarise.render.json import brief_from_record, brief_record
from summarise.render.page import model_words, render_page
from summarise.render.problems import fact_problems
from summarise.render.views import check_views, edit_views, fact_views, paragraph_views

RECORD_ID = "brief-record"


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
    return render_page("brief.html.j2", None, **page_values(brief, markdown_name, index_link))


def page_values(brief: Brief, markdown_name: str = "NAME.md", index_link: str | None = None) -> dict[str, Any]:
    """What the brief's template is filled in with (the review desk adds its own controls)."""
    # A sentence's problems (the summary check's), found by its text: the citations keep the order and words.
    flagged = {sentence.text.strip(): sentence.problems for sentence in brief.summary_sentences}
    cited = [
        _CitedView(model_words(c.text), c.lines, c.named, [model_words(p) for p in flagged.get(c.text.strip(), ())])
        for c in cite_summary(brief)
    ]
    return dict(
        lang=brief.target_language,
        title=brief.title,  # plain text (tasks/brief_inputs.title_for): escaped by the template, never parsed
        meta=_meta(brief),
        review=brief.review,
        markdown_name=markdown_name,
        index_link=index_link,
        problems=[model_words(problem) for problem in brief.problems],
        summary=cited,
        facts=fact_views(brief),
        paragraphs=paragraph_views(brief),
        source_language=language_name(brief.source_language),
        target_language=language_name(brief.target_language),
        source_lang=brief.source_language,
        target_lang=brief.target_language,
        checks=check_views(brief),
        failed_checks=sum(not c.passed for c in brief.checks),
        flagged_facts=len(fact_problems(brief)),
        record=brief_record(brief),
        edits=edit_views(brief.edits),
        desk=None,
    )


@dataclass(frozen=True)
class _CitedView:
    text: str
    lines: tuple[int, ...]
    named: bool
    problems: list[str]


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
