"""The folder's HTML page: a row per brief, with filters and sortable columns.

Its one script (index.js) is allowed by its hash, like the page's style (page.py); the rows
come from the briefs' front matter (batch/reports.py), and every text in them is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from summarise.render.page import asset, render_fragment, render_page


@dataclass(frozen=True)
class IndexRow:
    title: str
    link: str  # relative to the index, URL-quoted
    source: str
    source_language: str
    target_language: str
    paragraphs: str
    chunks: str
    supported: int
    flagged: int
    failed_checks: int
    status: str
    review: str  # needs review | approved | rejected
    reviewer: str = ""
    reviewed_at: str = ""
    reason: str = ""


@dataclass(frozen=True)
class FailedRow:
    name: str
    reason: str


@dataclass(frozen=True)
class Counts:
    approved: int
    rejected: int
    waiting: int  # needs review

    @property
    def reviewed(self) -> int:
        return self.approved + self.rejected


def render_index_row(row: IndexRow) -> str:
    """One brief's row, made once and kept (batch/catalog.py): the page joins the rows."""
    return render_fragment("index_row.html.j2", row=row)


def render_index_html(rows: list[str], reviews: list[str], failed: list[FailedRow]) -> str:
    """The page around rows made by render_index_row; `reviews` is each row's decision."""
    counts = Counts(reviews.count("approved"), reviews.count("rejected"), reviews.count("needs review"))
    return render_page(
        "index.html.j2",
        asset("index.js"),
        lang="en",
        title="Briefs",
        rows=[Markup(row) for row in rows],  # each made by render_index_row, its texts escaped there
        failed=failed,
        counts=counts,
    )
