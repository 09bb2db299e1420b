"""One brief's row in the folder's index, in Markdown and in HTML, made from its front matter.

Each row is made once, when its brief is read into the catalog (catalog.py): the index of a
folder of 10,000 briefs is then its rows joined, not 10,000 rows made again per decision.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from summarise.render.front_matter import review_from
from summarise.render.sanitise import escape_markdown
from summarise.reporting.terminal import shown, visible_text


def table_cell(value: object) -> str:
    """Text from outside (a file name, a URL and its query, a server's or a reviewer's words),
    inert inside a table cell: control characters shown, not obeyed, and every character
    Markdown would read as an image, a link, HTML or a cell's end escaped."""
    return escape_markdown(shown(visible_text(str(value))))


def _title_cell(value: object) -> str:
    """A title is plain text (tasks/brief_inputs.title_for), shown as written on one line: never parsed."""
    return table_cell(" ".join(str(value).split()))


def count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _review_cell(front: dict[str, Any]) -> str:
    review = review_from(front)
    if review is None:
        return "needs review"
    return f"{review.decision} by {review.by}" + (f": {review.reason}" if review.reason else "")


def _facts(front: dict[str, Any]) -> dict[str, Any]:
    return front["facts"] if isinstance(front.get("facts"), dict) else {}


def markdown_row(relative: str, front: dict[str, Any]) -> str:
    facts = _facts(front)
    return (
        f"| [{_title_cell(front.get('title', Path(relative).stem))}]({quote(relative)}) "
        f"| {table_cell(front.get('source', ''))} "
        f"| {table_cell(front.get('source_language', '?'))} → {table_cell(front.get('target_language', '?'))} "
        f"| {table_cell(front.get('paragraphs', '?'))} ¶, {table_cell(front.get('chunks', '?'))} chunk(s) "
        f"| {count(facts.get('supported'))} / {count(facts.get('flagged'))} | {table_cell(front.get('status', '?'))} "
        f"| {table_cell(_review_cell(front))} |"
    )


def html_row(output_dir: Path, relative: str, front: dict[str, Any]) -> str:
    from summarise.render.index_page import IndexRow, render_index_row

    facts = _facts(front)
    checks: dict[str, Any] = front["checks"] if isinstance(front.get("checks"), dict) else {}
    page = relative.removesuffix(".md") + ".html"
    review = review_from(front)
    return render_index_row(
        IndexRow(
            title=str(front.get("title", Path(relative).stem)),  # plain text: escaped by the page
            link=quote(page if (output_dir / page).is_file() else relative),
            source=str(front.get("source", "")),
            source_language=str(front.get("source_language", "?")),
            target_language=str(front.get("target_language", "?")),
            paragraphs=str(front.get("paragraphs", "?")),
            chunks=str(front.get("chunks", "?")),
            supported=count(facts.get("supported")),
            flagged=count(facts.get("flagged")),
            failed_checks=count(checks.get("failed")),
            status=str(front.get("status", "?")),
            review=review.decision if review else "needs review",
            reviewer=review.by if review else "",
            reviewed_at=review.at if review else "",
            reason=review.reason if review else "",
        )
    )
