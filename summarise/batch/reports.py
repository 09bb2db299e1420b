"""What a batch tells the reader: the index of briefs, the closing table, the dry-run plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from summarise.batch.discover import INDEX_FILE, INDEX_PAGE, Item, reason
from summarise.batch.outcomes import BatchRun, Status
from summarise.batch.runner import BatchOptions, load
from summarise.batch.state import is_up_to_date, read_state
from summarise.brief.files import INDEX_MARK, check_target, write_ours
from summarise.brief.header import BadHeader, claims_to_be_a_brief, parse_header, read_brief
from summarise.errors import SummariseError
from summarise.model.llm import LLM
from summarise.pipeline import brief_key, plan, planned_calls
from summarise.render.front_matter import holding_review, review_from, review_front_matter
from summarise.render.sanitise import clean_inline, escape_markdown
from summarise.reporting.terminal import shown
from summarise.tasks.prompts import Prompts

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


# --- dry run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentPlan:
    name: str
    status: Literal["planned", "up to date", "unreadable", "refused"]  # refused: its output is not ours to write
    detail: str = ""
    language: str = ""
    pages: int = 0  # of a PDF
    characters: int = 0  # of the text the readers found: what a reviewer checks against the original
    chunks: int = 0
    calls: int = 0
    repairs: int = 0  # calls made only if an answer falls short: counted in the token ceilings
    prompt_tokens: int = 0  # estimated with cl100k: exact for OpenAI models, close for others
    completion_tokens: int = 0  # the most the calls may write (their max_tokens): a ceiling
    second_round: int = 0  # calls that wait on another answer (reduce step, repairs): a batch's round 2


@dataclass(frozen=True)
class Prices:
    prompt: float  # USD per million tokens
    completion: float

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.prompt + completion_tokens * self.completion) / 1e6


def plan_document(item: Item, llm: LLM, prompts: Prompts, options: BatchOptions) -> DocumentPlan:
    """The calls build_brief would make for this document, without making any."""
    if item.problem:
        return DocumentPlan(item.name, "unreadable", item.problem)
    try:
        for target in options.targets(item):
            check_target(target, options.inputs)
    except SummariseError as exc:
        return DocumentPlan(item.name, "refused", reason(exc, item))
    try:
        document = load(item, options.max_input_bytes, options.allow_private_urls)
    except SummariseError as exc:
        return DocumentPlan(item.name, "unreadable", reason(exc, item))
    if is_up_to_date(item, brief_key(document, llm, prompts, options.brief), options.write_json):
        return DocumentPlan(
            item.name, "up to date", language=document.language, pages=document.pages, characters=len(document.text)
        )
    fitted, chunks = plan(document, llm, prompts, options.brief)
    calls = planned_calls(fitted, chunks, prompts, options.brief, llm.context_tokens)
    return DocumentPlan(
        item.name,
        "planned",
        language=fitted.language,
        pages=document.pages,
        characters=len(document.text),
        chunks=len(chunks),
        calls=sum(not call.repair for call in calls),
        repairs=sum(call.repair for call in calls),
        prompt_tokens=sum(call.prompt_tokens for call in calls),
        completion_tokens=sum(call.max_tokens for call in calls),
        second_round=sum(call.repair or call.chunk == 0 for call in calls),
    )


def _pages(entry: DocumentPlan) -> str:
    return str(entry.pages) if entry.pages else "-"


def render_plan(plans: Sequence[DocumentPlan], prices: Prices | None) -> str:
    headers = ["document", "lang", "pages", "characters", "chunks", "calls", "repairs (max)"]
    headers += ["prompt tokens (max)", "completion tokens (max)"]
    if prices:
        headers.append("cost (max, USD)")
    rows: list[list[str]] = []
    for entry in plans:
        if entry.status != "planned":
            # Nothing to send: say why in a trailing cell rather than in the number columns.
            note = entry.status + (f": {entry.detail}" if entry.detail else "")
            found = [_pages(entry), f"{entry.characters:,}" if entry.characters else "-"]
            empty = ["-", "0", "0", "-", "-", *(["-"] if prices else [])]
            rows.append([entry.name, entry.language or "-", *found, *empty, note])
            continue
        row = [entry.name, entry.language, _pages(entry), f"{entry.characters:,}", str(entry.chunks)]
        row += [str(entry.calls), str(entry.repairs)]
        row += [f"~{entry.prompt_tokens:,}", f"{entry.completion_tokens:,}"]
        if prices:
            row.append(f"{prices.cost(entry.prompt_tokens, entry.completion_tokens):.4f}")
        rows.append(row)
    planned = [entry for entry in plans if entry.status == "planned"]
    prompt_total = sum(entry.prompt_tokens for entry in planned)
    completion_total = sum(entry.completion_tokens for entry in planned)
    total = [f"total ({len(plans)} documents)", "", str(sum(e.pages for e in planned) or "-")]
    total += [f"{sum(e.characters for e in planned):,}", str(sum(e.chunks for e in planned))]
    total += [str(sum(e.calls for e in planned)), str(sum(e.repairs for e in planned))]
    total += [f"~{prompt_total:,}", f"{completion_total:,}"]
    if prices:
        total.append(f"{prices.cost(prompt_total, completion_total):.4f}")
    table = _table(headers, [*rows, total])
    skipped = sum(entry.status == "up to date" for entry in plans)
    unreadable = sum(entry.status == "unreadable" for entry in plans)
    refused = sum(entry.status == "refused" for entry in plans)
    note = (
        f"Dry run: no model was called. {len(planned)} to summarise, {skipped} up to date, {unreadable} unreadable"
        + (f", {refused} refused (output not ours to write)" if refused else "")
        + ".\n"
        "Prompt tokens are estimated with cl100k; token counts and costs are ceilings that include every repair."
    )
    if not prices:
        note += "\nSet SUMMARISE_PRICE_PROMPT and SUMMARISE_PRICE_COMPLETION (USD per million tokens) for a cost."
    return table + "\n" + note + "\n"


# --- the closing table -----------------------------------------------------------------


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Plain aligned columns; the last column of a row may run long (a reason)."""
    rows = [[shown(cell) for cell in row] for row in rows]  # a name is one cell on one line
    widths = [len(header) for header in headers]
    for row in rows:
        for index, cell in enumerate(row[: len(headers)]):
            widths[index] = max(widths[index], len(cell))
    lines = []
    for row in [list(headers), *rows]:
        cells = [cell.ljust(widths[index]) if index < len(headers) else cell for index, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


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
