"""The review desk's queue: the folder's briefs as rows, searched, filtered and sorted.

The rows come from the folder's catalog (batch/catalog.py), so a queue of 10,000 briefs
reads only the briefs that changed since the last request. Search looks in titles,
sources and each brief's text (its facts and translation); the filters and the sort are
the index's, asked of the server so that they work without the script too.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from summarise.batch.catalog import Entry
from summarise.render.desk_page import QueueRow

NEEDS_REVIEW = "needs review"
SORTS = {
    "queue": "needs review first",
    "title": "title",
    "problems": "most problems first",
    "judged": "fewest facts judged first",
    "decided": "latest decision first",
}
REVIEW_FILTERS = {
    "": "any review",
    "needs": "needs review",
    "decided": "decided",
    "approved": "approved",
    "rejected": "rejected",
}


def queue_row(entry: Entry, drafted: Collection[int] | None = None) -> QueueRow:
    """`drafted`: the facts the brief's draft judges, None without a draft. The page offers the
    decision's verdicts as the draft's starting point and the draft keeps the whole form, so a
    draft holds the decision's verdicts too: the larger count is the facts judged."""
    judged = max(entry.judged, len({number for number in drafted or () if 1 <= number <= entry.facts}))
    return QueueRow(
        brief=entry.name,
        title=entry.title,
        source=entry.source,
        review=entry.review,
        reviewer=entry.reviewer,
        reviewed_at=entry.reviewed_at,
        flagged=entry.flagged,
        failed_checks=entry.failed_checks,
        facts=entry.facts,
        judged=judged,
        draft=drafted is not None,
    )


@dataclass(frozen=True)
class QueueQuery:
    """What the reviewer asked the queue for (the query string of `/`)."""

    search: str = ""
    review: str = ""  # a key of REVIEW_FILTERS
    problems: bool = False  # only briefs with a failed check or a flagged fact
    by: str = ""  # only briefs decided by this reviewer
    sort: str = "queue"  # a key of SORTS

    @classmethod
    def from_query(cls, query: dict[str, list[str]]) -> QueueQuery:
        def value(name: str) -> str:
            return (query.get(name) or [""])[0].strip()

        return cls(
            search=value("q")[:200],
            review=value("review") if value("review") in REVIEW_FILTERS else "",
            problems=value("problems") == "1",
            by=value("by")[:200],
            sort=value("sort") if value("sort") in SORTS else "queue",
        )

    @property
    def narrowed(self) -> bool:
        return bool(self.search or self.review or self.problems or self.by)

    def params(self) -> dict[str, str]:
        """The query string that asks for this view again (links keep it)."""
        found = {"q": self.search, "review": self.review, "problems": "1" if self.problems else "", "by": self.by}
        found["sort"] = "" if self.sort == "queue" else self.sort
        return {key: value for key, value in found.items() if value}

    def keeps(self, row: QueueRow, matching: set[str] | None) -> bool:
        if matching is not None and row.brief not in matching:
            return False
        if self.review == "needs" and row.review != NEEDS_REVIEW:
            return False
        if self.review == "decided" and row.review == NEEDS_REVIEW:
            return False
        if self.review in ("approved", "rejected") and row.review != self.review:
            return False
        if self.problems and not (row.flagged or row.failed_checks):
            return False
        return not self.by or row.reviewer == self.by

    def ordered(self, rows: list[QueueRow]) -> list[QueueRow]:
        by_name = sorted(rows, key=lambda row: row.brief)
        if self.sort == "title":
            return sorted(by_name, key=lambda row: row.title.casefold())
        if self.sort == "problems":
            return sorted(by_name, key=lambda row: -(row.flagged + row.failed_checks))
        if self.sort == "judged":
            return sorted(by_name, key=lambda row: (row.judged, -row.facts))
        if self.sort == "decided":
            return sorted(by_name, key=lambda row: row.reviewed_at, reverse=True)
        return sorted(by_name, key=lambda row: row.review != NEEDS_REVIEW)
