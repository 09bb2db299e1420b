"""The review desk's pages (summarise/review/desk.py serves them): the queue, and a brief's
page with approve / reject and a verdict per fact.

A brief's desk page is its review page (html.py) with the decision form and the keys'
script added. The script is allowed by its hash and forms may post only to the desk that
sent the page; everything else is as strict as the files' own pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlencode

from summarise.brief import Brief
from summarise.render.html import page_values
from summarise.render.page import asset, render_page

SCRIPT_DOES = "only its own review keys"
# A browser sends "Origin: null" with a form posted under no-referrer; the desk checks the
# Origin, so its pages tell the browser to name them to their own server (and no other).
REFERRER = "same-origin"


@dataclass(frozen=True)
class QueueRow:
    brief: str  # the Markdown's path inside the folder, as the desk names it
    title: str
    review: str  # needs review | approved | rejected
    reviewer: str
    flagged: int
    failed_checks: int
    source: str = ""
    reviewed_at: str = ""
    facts: int = 0
    judged: int = 0  # facts with a verdict in the decision that holds, or in the reviewer's draft
    draft: bool = False  # verdicts or notes saved as a draft, not yet a decision


@dataclass(frozen=True)
class QueueView:
    """What the queue page shows besides its rows: the reviewer's question and what it found."""

    search: str = ""
    review: str = ""
    problems: bool = False
    by: str = ""
    sort: str = "queue"
    sorts: tuple[tuple[str, str], ...] = ()
    reviews: tuple[tuple[str, str], ...] = ()
    reviewers: tuple[str, ...] = ()
    shown: int = 0  # rows on the page
    matched: int = 0  # rows the question matched
    undo: str = ""  # "approved brief-03.md": the last decision, which the undo button takes back


@dataclass(frozen=True)
class DeskView:
    token: str
    brief: str
    action: str
    queue: str
    next: str  # the next brief that needs review, "" when none is left
    progress: str  # "3 of 20 reviewed"
    error: str = ""
    version: str = ""  # the sha256 of the brief's text as shown: a decision or correction on another is refused
    # the reviewer's verdicts, notes and reason not yet in a decision (review/drafts.py), shown as given
    drafted: Mapping[str, str] = field(default_factory=dict)
    undo: str = ""  # "approved brief-03.md": the last decision at this desk, which can be taken back
    judged: int = 0  # facts with a verdict, in the decision that holds or in the draft


def desk_link(token: str, brief: str | None = None) -> str:
    """A link inside the desk: every one carries the token, or the desk refuses it."""
    if brief is None:
        return "/?" + urlencode({"token": token})
    return "/brief?" + urlencode({"path": brief, "token": token})


class Reviewed(Protocol):
    """A brief as the progress line counts it (a queue row, or the catalog's entry)."""

    @property
    def review(self) -> str: ...


def progress(rows: Sequence[Reviewed]) -> str:
    done = sum(row.review != "needs review" for row in rows)
    return f"{done} of {len(rows)} reviewed"


def render_queue(
    rows: list[QueueRow],
    token: str,
    folder: str,
    everything: list[QueueRow] | None = None,
    view: QueueView | None = None,
    unreadable: Sequence[tuple[str, str]] = (),
    offers: Sequence[tuple[str, str, int]] = (),
) -> str:
    """The rows as asked (by default the briefs needing review first); each opens its desk page.
    `everything` is the whole folder, for the progress line and the next brief to review. A brief
    the desk cannot read (a damaged or hostile front matter) is one line below, with why; then the
    words reviewers corrected the same way twice, offered for the glossary (review/memory.py)."""
    everything = rows if everything is None else everything
    view = view or QueueView(shown=len(rows), matched=len(rows))
    ordered = (
        rows if everything is not rows else sorted(rows, key=lambda row: (row.review != "needs review", row.brief))
    )
    waiting = sorted(row.brief for row in everything if row.review == "needs review")
    return render_page(
        "desk_queue.html.j2",
        asset("desk.js"),
        forms=True,
        lang="en",
        title=f"Review desk: {folder}",
        folder=folder,
        rows=[(row, desk_link(token, row.brief)) for row in ordered],
        progress=progress(everything),
        next=desk_link(token, waiting[0]) if waiting else "",
        token=token,
        view=view,
        unreadable=unreadable,
        script_does=SCRIPT_DOES,
        referrer=REFERRER,
        offers=offers or [],
        undo=view.undo,
    )


def render_desk_brief(brief: Brief, desk: DeskView) -> str:
    values = page_values(brief, desk.brief, None)
    values["judged"] = desk.judged
    values.update(desk=desk, index_link=desk.queue, title=brief.title, undo=desk.undo, token=desk.token)
    values.update(script_does=SCRIPT_DOES, referrer=REFERRER)
    return render_page("brief.html.j2", asset("desk.js"), forms=True, **values)


def render_message(title: str, message: str, queue: str) -> str:
    """A page that only says something (a brief the desk cannot show, a refusal)."""
    return render_page("desk_message.html.j2", None, lang="en", title=title, message=message, queue=queue)


def render_opening(queue: str) -> str:
    """The desk's first page, reached from the launcher file: it sends the browser on to the queue."""
    return render_page("desk_opening.html.j2", None, lang="en", title="Review desk", queue=queue, referrer=REFERRER)
