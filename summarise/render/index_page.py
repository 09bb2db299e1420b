"""The folder's HTML page: a row per brief, with filters and sortable columns.

Its one script (index.js) is allowed by its hash, like the page's style (page.py); the rows
come from the briefs' front matter (batch/reports.py), and every text in them is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from summarise.render.page import asset, render_page


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


def render_index_html(rows: list[IndexRow], failed: list[FailedRow]) -> str:
    reviews = [row.review for row in rows]
    counts = Counts(reviews.count("approved"), reviews.count("rejected"), reviews.count("needs review"))
    return render_page(
        "index.html.j2", asset("index.js"), lang="en", title="Briefs", rows=rows, failed=failed, counts=counts
    )
