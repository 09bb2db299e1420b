"""The review desk's posted forms: a decision, a correction, and a draft kept as the reviewer works.

The Desk (desk.py) routes each form here; a decision is written by record_review, a
correction by write_correction, each under the desk's lock, and the reviewer's verdicts
and notes are kept as a draft whatever happens to the decision.
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from pathlib import Path
from typing import Protocol

from summarise.batch.catalog import Entry
from summarise.brief import FACT_VERDICTS, REVIEW_DECISIONS, Brief, FactVerdict
from summarise.brief.header import read_brief
from summarise.errors import SummariseError
from summarise.grounding.recheck import current_text
from summarise.render.desk_page import desk_link
from summarise.render.front_matter import holding_review
from summarise.review import StaleVersion, record_review
from summarise.review.desk_http import Answer
from summarise.review.drafts import clear_draft, draft_fields, save_draft
from summarise.review.edits import write_correction
from summarise.review.index_later import IndexLater
from summarise.review.records import brief_record, problem_count
from summarise.review.undo import Undo

STALE = (
    "This brief changed after your page was drawn (a re-run, or a decision or correction in another tab): "
    "nothing was recorded. Below is the text now on disk, with your verdicts and notes kept; "
    "read it, then decide again."
)


class FormDesk(Protocol):
    """What a form asks of the desk (desk.py's Desk): its folder, reviewer, lock and pages."""

    folder: Path
    reviewer: str
    memory: Path | None
    token: str
    lock: threading.Lock
    last: Undo | None

    index: IndexLater | None

    def has(self, name: str) -> bool: ...

    def written(self, name: str) -> None: ...

    def next_after(self, entries: list[Entry], after: str) -> str: ...

    def shown(self, name: str) -> tuple[list[Entry], Brief, str] | Answer: ...

    def brief_page(
        self, name: str, error: str = "", status: int = HTTPStatus.OK, drafted: dict[str, str] | None = None
    ) -> Answer: ...


def decide(desk: FormDesk, form: dict[str, list[str]]) -> Answer:
    """A decision on a brief: checked, recorded, and on to the next brief needing review."""

    def field(name: str) -> str:
        return (form.get(name) or [""])[0].strip()

    name, decision, reason = field("brief"), field("decision"), field("reason")
    if not desk.has(name):
        return desk.brief_page(name)  # says there is no such brief
    drafted = draft_fields(form)
    save_draft(desk.folder, name, drafted)  # whatever happens next, the reviewer's verdicts are kept

    def refused(status: int, text: str) -> Answer:
        return desk.brief_page(name, text, status, drafted)

    if decision not in REVIEW_DECISIONS:
        return refused(HTTPStatus.BAD_REQUEST, "Choose approve or reject.")
    if decision == "rejected" and not reason:
        return refused(HTTPStatus.BAD_REQUEST, "A rejection needs a reason: say what is wrong.")
    shown = desk.shown(name)
    if isinstance(shown, Answer):
        return shown
    entries, brief, _ = shown
    problems = problem_count(brief)
    if decision == "approved" and problems and field("acknowledged") != "1":
        text = "This brief has failed checks or facts with a problem: confirm you have seen them to approve it."
        return refused(HTTPStatus.CONFLICT, text)
    verdicts = tuple(
        FactVerdict(number, verdict, field(f"note-{number}"))
        for number in range(1, len(brief.facts) + 1)
        if (verdict := field(f"verdict-{number}")) in FACT_VERDICTS
    )
    path = desk.folder / name
    try:
        with desk.lock:
            before = holding_review(read_brief(path))
            recorded = record_review(
                path,
                decision,
                desk.reviewer,
                reason if decision == "rejected" else "",
                verdicts,
                version=field("version"),
                memory=desk.memory,
                index_later=desk.index is not None,
            )
            desk.last = Undo(name, before, recorded.review)
            desk.written(name)
    except StaleVersion:
        return desk.brief_page(name, STALE, HTTPStatus.CONFLICT, drafted)
    except (SummariseError, OSError, UnicodeDecodeError) as exc:
        return desk.brief_page(name, f"Not recorded: {exc}", HTTPStatus.BAD_REQUEST, drafted)
    clear_draft(desk.folder, name)
    nxt = desk.next_after(entries, name)  # the others are as they were: only this brief changed
    return Answer(HTTPStatus.SEE_OTHER, location=desk_link(desk.token, nxt) if nxt else desk_link(desk.token))


def correct(desk: FormDesk, form: dict[str, list[str]]) -> Answer:
    """A correction of a line, fact or summary sentence: checked, written, and the page shown again."""

    def field(name: str) -> str:
        return (form.get(name) or [""])[0].strip()

    name, kind, number = field("brief"), field("kind"), field("number")
    if not desk.has(name):
        return desk.brief_page(name)
    path = desk.folder / name
    text = field("text")
    try:
        if field("action") == "confirm":  # the text as it is, confirmed: what the page showed
            brief = brief_record(path)
            text = current_text(brief, kind, int(number)) if brief else text
        with desk.lock:
            number_given = int(number) if number.isdigit() else 0
            write_correction(path, field("version"), kind, number_given, text, desk.reviewer, desk.index is not None)
            desk.written(name)
    except StaleVersion:
        return desk.brief_page(name, STALE, HTTPStatus.CONFLICT)
    except (SummariseError, ValueError) as exc:
        return desk.brief_page(name, f"Not corrected: {exc}", HTTPStatus.BAD_REQUEST)
    anchor = {"line": "L", "fact": "F", "summary": "summary"}.get(kind, "")
    return Answer(
        HTTPStatus.SEE_OTHER,
        location=desk_link(desk.token, name) + f"#{anchor}{number if kind != 'summary' else ''}",
    )


def keep_draft(desk: FormDesk, form: dict[str, list[str]]) -> Answer:
    """The decision form as it stands, kept (the page's script posts it as the reviewer works)."""
    name = (form.get("brief") or [""])[0]
    if not desk.has(name):
        return Answer(HTTPStatus.NOT_FOUND)
    save_draft(desk.folder, name, draft_fields(form))
    return Answer(HTTPStatus.NO_CONTENT)
