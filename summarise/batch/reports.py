"""What a batch tells the reader: the index of briefs and the closing table (the dry-run plan: batch/dry_run.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from summarise.batch.discover import INDEX_FILE, INDEX_PAGE
from summarise.batch.dry_run import aligned as _table
from summarise.batch.outcomes import BatchRun, Status
from summarise.batch.state import read_state
from summarise.brief.files import INDEX_MARK, write_ours
from summarise.brief.header import BadHeader, claims_to_be_a_brief, parse_header, read_brief
from summarise.render.front_matter import holding_review, review_from, review_front_matter
from summarise.render.sanitise import clean_inline, escape_markdown
from summarise.reporting.terminal import shown

# --- index -----------------------------------------------------------------------------


def _cell(value: object) -> str:
    """Text from outside (a file name, a URL and its query, a server's or a reviewer's words),
    inert inside a table cell: control characters shown, not obeyed, and every character
    Markdown would read as an image, a link, HTML or a cell's end escaped."""
    return escape_markdown(shown(value))


def _model_cell(value: object) -> str:
    """Front matter can hold model-written text (the title): no links or images either
    (clean_inline escapes every active character, the table's "|" included)."""
    return shown(clean_inline(str(value)))


@dataclass(frozen=True)
class FolderBriefs:
    found: list[tuple[Path, dict[str, Any]]]  # our briefs, with their checked front matter
    unreadable: list[tuple[Path, str]]  # files that claim to be briefs (a brief_key) but cannot be read, and why


def collect_briefs(output_dir: Path) -> FolderBriefs:
    """Our briefs under the output folder (this run's and earlier ones), with their front matter;
    a damaged or hostile one is listed apart, with why, and read no further."""
    found: list[tuple[Path, dict[str, Any]]] = []
    unreadable: list[tuple[Path, str]] = []
    for path in sorted(output_dir.rglob("*.md"), key=lambda p: p.relative_to(output_dir).as_posix()):
        relative = path.relative_to(output_dir)
        if relative == Path(INDEX_FILE) or any(part.startswith(".") for part in relative.parts):
            continue
        try:
            text = read_brief(path)
        except (OSError, UnicodeDecodeError):
            continue
        try:
            front = parse_header(text)
        except BadHeader as exc:
            if claims_to_be_a_brief(text):  # else a file of the user's: none of the index's business
                unreadable.append((relative, str(exc)))
            continue
        # A decision holds only for the text it was made on: an edited brief needs review.
        front["review"] = review_front_matter(holding_review(text))
        found.append((relative, front))
    return FolderBriefs(found, unreadable)


def _failed(output_dir: Path) -> dict[str, dict[str, Any]]:
    return {name: entry for name, entry in read_state(output_dir).items() if entry.get("status") == Status.FAILED}


def _review_cell(front: dict[str, Any]) -> str:
    review = review_from(front)
    if review is None:
        return "needs review"
    return f"{review.decision} by {review.by}" + (f": {review.reason}" if review.reason else "")


def render_index(output_dir: Path) -> str:
    """One row per brief found under the output folder (this run's and earlier ones)."""
    rows: list[str] = []
    briefs = collect_briefs(output_dir)
    for relative, front in briefs.found:
        facts: dict[str, Any] = front["facts"] if isinstance(front.get("facts"), dict) else {}
        link = quote(relative.as_posix())
        rows.append(
            f"| [{_model_cell(front.get('title', relative.stem))}]({link}) | {_cell(front.get('source', ''))} "
            f"| {_cell(front.get('source_language', '?'))} → {_cell(front.get('target_language', '?'))} "
            f"| {_cell(front.get('paragraphs', '?'))} ¶, {_cell(front.get('chunks', '?'))} chunk(s) "
            f"| {_count(facts.get('supported'))} / {_count(facts.get('flagged'))} | {_cell(front.get('status', '?'))} "
            f"| {_cell(_review_cell(front))} |"
        )
    parts = ["# Briefs", f"{len(rows)} brief(s). {INDEX_MARK} Also as [a page]({INDEX_PAGE})."]
    if rows:
        header = "| Brief | Source | Language | Size | Facts (supported / flagged) | Status | Review |"
        parts.append("\n".join([header, "| --- | --- | --- | --- | --- | --- | --- |", *rows]))
    failed = _failed(output_dir)
    if failed:
        lines = [f"| {_cell(name)} | {_cell(entry.get('detail', ''))} |" for name, entry in failed.items()]
        parts.append("## Not summarised\n\n| Document | Reason |\n| --- | --- |\n" + "\n".join(lines))
    if briefs.unreadable:
        lines = [f"| {_cell(name.as_posix())} | {_cell(why)} |" for name, why in briefs.unreadable]
        parts.append("## Briefs summarise cannot read\n\n| Brief | Reason |\n| --- | --- |\n" + "\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def render_index_page(output_dir: Path) -> str:
    """The folder's page: the same rows, with filters and sortable columns."""
    from summarise.render.index_page import FailedRow, IndexRow, render_index_html
    from summarise.render.page import model_words

    rows: list[IndexRow] = []
    briefs = collect_briefs(output_dir)
    for relative, front in briefs.found:
        facts: dict[str, Any] = front["facts"] if isinstance(front.get("facts"), dict) else {}
        checks: dict[str, Any] = front["checks"] if isinstance(front.get("checks"), dict) else {}
        page = relative.with_suffix(".html")
        review = review_from(front)
        rows.append(
            IndexRow(
                title=model_words(str(front.get("title", relative.stem))),
                link=quote((page if (output_dir / page).is_file() else relative).as_posix()),
                source=str(front.get("source", "")),
                source_language=str(front.get("source_language", "?")),
                target_language=str(front.get("target_language", "?")),
                paragraphs=str(front.get("paragraphs", "?")),
                chunks=str(front.get("chunks", "?")),
                supported=_count(facts.get("supported")),
                flagged=_count(facts.get("flagged")),
                failed_checks=_count(checks.get("failed")),
                status=str(front.get("status", "?")),
                review=review.decision if review else "needs review",
                reviewer=review.by if review else "",
                reviewed_at=review.at if review else "",
                reason=review.reason if review else "",
            )
        )
    failed = [FailedRow(name, str(entry.get("detail", ""))) for name, entry in _failed(output_dir).items()]
    failed += [FailedRow(name.as_posix(), f"a brief summarise cannot read: {why}") for name, why in briefs.unreadable]
    return render_index_html(rows, failed)


def write_index(output_dir: Path) -> Path:
    """index.md and index.html; returns the former."""
    path = output_dir / INDEX_FILE
    write_ours(path, render_index(output_dir))
    write_ours(output_dir / INDEX_PAGE, render_index_page(output_dir))
    return path


# --- the closing table -----------------------------------------------------------------


def render_report(run: BatchRun, output_dir: Path, seconds: float, rate_limited: int, waited: float) -> str:
    """Counts by status, then one row per document that needs a look (failed or incomplete)."""
    counts = "  ".join(f"{status} {run.count(status)}" for status in Status)
    lines = [counts]
    attention = [outcome for outcome in run.outcomes if outcome.status in (Status.FAILED, Status.INCOMPLETE)]
    if attention:
        lines.append(_table(["status", "document", "reason"], [[o.status, o.name, o.detail] for o in attention]))
    usage = run.usage()
    lines.append(
        f"{usage.llm_calls} calls, {usage.cache_hits} cache hits, {usage.tokens:,} tokens, {seconds:.0f} s; "
        f"briefs in {shown(output_dir)}/, index {shown(output_dir / INDEX_FILE)}"
    )
    if rate_limited:
        lines.append(f"rate-limited {rate_limited} time(s): requests waited {waited:.0f} s in total")
    if run.interrupted:
        lines.append("interrupted: run the same command again to resume (finished briefs are kept)")
    return "\n".join(lines) + "\n"
