"""A folder's reviews read back: the record a brief's page carries, the problems a reviewer
must acknowledge before approving, and every decision and verdict exported for other tools.

The desk and `summarise review NAME.md --approve` count a brief's problems the same way
(failed checks, and facts with a problem), so the command line asks for the same
acknowledgement as the desk's "I have seen them" box.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from summarise.brief import Brief
from summarise.errors import InputError
from summarise.render.front_matter import review_from
from summarise.render.problems import fact_problems
from summarise.render.publish import brief_record_of

EXPORT_COLUMNS = ("brief", "title", "source", "decision", "by", "at", "reason", "fact", "verdict", "note")


# The brief a Markdown file was written from (its page's or JSON's record): one reader, publish's.
brief_record = brief_record_of


def problem_count(brief: Brief) -> int:
    """What approving asks the reviewer to have seen: failed checks, and facts with a problem."""
    return sum(not check.passed for check in brief.checks) + len(fact_problems(brief))


def problems_in(path: Path, front: dict[str, Any]) -> int:
    """The problems of the brief at `path`: from its record, else from its front matter's counts."""
    brief = brief_record(path)
    if brief is not None:
        return problem_count(brief)
    counts = [(front.get("checks") or {}).get("failed"), (front.get("facts") or {}).get("flagged")]
    return sum(count for count in counts if isinstance(count, int) and not isinstance(count, bool))


def acknowledge_problems(path: Path, ask: Callable[[str], bool] | None) -> None:
    """Approving a brief with problems needs what the desk asks for: that the reviewer has seen
    them. `ask` puts the question (at a terminal); without it the approval is refused."""
    from summarise.brief.header import read_brief, read_header

    try:
        front = read_header(read_brief(path))
    except (OSError, UnicodeDecodeError):
        front = None
    if front is None:
        return  # not a brief summarise can read: record_review says what is wrong with it
    problems = problems_in(path, front)
    if not problems:
        return
    if ask is None:
        raise InputError(
            f"{path}: {problems} failed check(s) or fact(s) with a problem; add --despite-problems to approve it"
        )
    if not ask(
        f"{path} has {problems} failed check(s) or fact(s) with a problem. Approve it anyway, having seen them?"
    ):
        raise InputError(f"{path}: not approved")


def _records(folder: Path) -> list[dict[str, Any]]:
    from summarise.batch.catalog import Catalog

    records = []
    for entry, front_review in Catalog.of(folder).reviews():
        review = review_from({"review": front_review})  # the decision that holds for the text on disk
        records.append(
            {
                "brief": entry.name,
                "title": entry.title,
                "source": entry.source,
                "decision": entry.review,
                "by": entry.reviewer,
                "at": entry.reviewed_at,
                "reason": review.reason if review else "",
                "facts": [
                    {"fact": verdict.fact, "verdict": verdict.verdict, "note": verdict.note}
                    for verdict in (review.facts if review else ())
                ],
            }
        )
    return records


def render_export(records: list[dict[str, Any]], suffix: str) -> str:
    """Every brief's decision and verdicts: JSONL, a brief a line; or CSV, a row per verdict
    (a brief without verdicts has one row with the fact columns empty)."""
    if suffix == ".jsonl":
        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    out = io.StringIO()
    writer = csv.DictWriter(out, EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        brief = {key: value for key, value in record.items() if key != "facts"}
        for verdict in record["facts"] or [{"fact": "", "verdict": "", "note": ""}]:
            writer.writerow({**brief, **verdict})
    return out.getvalue()


def export_reviews(folder: Path, target: Path) -> int:
    """Write the export (its format by `target`'s suffix); returns how many briefs it holds."""
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise InputError(f"{target}: give a .csv or .jsonl file to export to")
    records = _records(folder)
    text = render_export(records, suffix)
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8", newline="")
        os.replace(temporary, target)
    except OSError as exc:
        raise InputError(f"{target}: cannot write it ({exc.strerror or exc})") from exc
    return len(records)
