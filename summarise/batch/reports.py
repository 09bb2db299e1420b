"""What a batch tells the reader: the index of briefs and the closing table (the dry-run plan: batch/dry_run.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from summarise.batch.catalog import Catalog, Entry
from summarise.batch.discover import INDEX_FILE, INDEX_PAGE
from summarise.batch.dry_run import aligned as _table
from summarise.batch.index_rows import table_cell
from summarise.batch.outcomes import BatchRun, Status
from summarise.batch.state import folder_lock, read_state
from summarise.brief.files import INDEX_MARK, write_ours
from summarise.reporting.terminal import shown

# --- index -----------------------------------------------------------------------------

INDEX_LOCK = "index.lock"  # in the folder's LOCKS: held by every writer of index.md and index.html


def _failed(output_dir: Path) -> dict[str, dict[str, Any]]:
    """The documents without a brief: failed, or not followed (a link to a folder, a loop of links)."""
    return {name: entry for name, entry in read_state(output_dir).items() if _no_brief(entry)}


def _no_brief(entry: dict[str, Any]) -> bool:
    return entry.get("status") == Status.FAILED or (entry.get("status") == Status.SKIPPED and not entry.get("output"))


def render_index(output_dir: Path, entries: list[Entry] | None = None) -> str:
    """One row per brief found under the output folder (this run's and earlier ones)."""
    entries = Catalog.of(output_dir).refresh() if entries is None else entries
    rows = [entry.md_row for entry in entries]
    parts = ["# Briefs", f"{len(rows)} brief(s). {INDEX_MARK} Also as [a page]({INDEX_PAGE})."]
    if rows:
        header = "| Brief | Source | Language | Size | Facts (supported / flagged) | Status | Review |"
        parts.append("\n".join([header, "| --- | --- | --- | --- | --- | --- | --- |", *rows]))
    failed = _failed(output_dir)
    if failed:
        lines = [f"| {table_cell(name)} | {table_cell(entry.get('detail', ''))} |" for name, entry in failed.items()]
        parts.append("## Not summarised\n\n| Document | Reason |\n| --- | --- |\n" + "\n".join(lines))
    unreadable = Catalog.of(output_dir).unreadable
    if unreadable:
        lines = [f"| {table_cell(name)} | {table_cell(why)} |" for name, why in unreadable]
        parts.append("## Briefs summarise cannot read\n\n| Brief | Reason |\n| --- | --- |\n" + "\n".join(lines))
    return "\n\n".join(parts) + "\n"


def render_index_page(output_dir: Path, entries: list[Entry] | None = None) -> str:
    """The folder's page: the same rows, with filters and sortable columns."""
    from summarise.render.index_page import FailedRow, render_index_html

    entries = Catalog.of(output_dir).refresh() if entries is None else entries
    failed = [FailedRow(name, str(entry.get("detail", ""))) for name, entry in _failed(output_dir).items()]
    unreadable = Catalog.of(output_dir).unreadable
    failed += [FailedRow(name, f"a brief summarise cannot read: {why}") for name, why in unreadable]
    return render_index_html([entry.html_row for entry in entries], [entry.review for entry in entries], failed)


def write_index(output_dir: Path) -> Path:
    """index.md and index.html; returns the former.

    Every writer of the index (a batch, the review desk, `summarise review`) comes here. The
    folder is listed after taking the index's lock and written before letting it go: a listing
    taken outside it could miss a brief another process wrote meanwhile, and that process's
    index, listing the brief, could then be overwritten by this older one.
    """
    path = output_dir / INDEX_FILE
    with folder_lock(output_dir, INDEX_LOCK):
        entries = Catalog.of(output_dir).refresh()  # each row made when its brief last changed, not again here
        write_ours(path, render_index(output_dir, entries))
        write_ours(output_dir / INDEX_PAGE, render_index_page(output_dir, entries))
    return path


# --- the closing table -----------------------------------------------------------------


def render_report(run: BatchRun, output_dir: Path, seconds: float, rate_limited: int, waited: float) -> str:
    """Counts by status, then one row per document that needs a look (failed or incomplete)."""
    counts = "  ".join(f"{status} {run.count(status)}" for status in Status)
    lines = [counts]
    # Failed, incomplete, or not followed (a link to a folder, a loop of links: skipped, no brief).
    attention = [o for o in run.outcomes if o.status in (Status.FAILED, Status.INCOMPLETE) or _no_brief(vars(o))]
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
