"""The dry run: what a batch would do, document by document (calls, tokens, cost), without calling a model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from summarise.batch.discover import Item, reason
from summarise.batch.runner import BatchOptions, load
from summarise.config.options import Prices
from summarise.documents import Document
from summarise.errors import OutputError, SummariseError
from summarise.model import Described
from summarise.pipeline import plan, planned_calls, prelude
from summarise.reporting.terminal import shown
from summarise.tasks.prompts import Prompts


@dataclass(frozen=True)
class DocumentPlan:
    name: str
    # refused: its output is not ours to write; skipped: a link to a folder or a loop of links, not walked
    status: Literal["planned", "up to date", "unreadable", "refused", "skipped"]
    detail: str = ""
    language: str = ""
    pages: int = 0  # of a PDF
    characters: int = 0  # of the text the readers found: what a reviewer checks against the original
    chunks: int = 0
    calls: int = 0
    repairs: int = 0  # calls made only if an answer falls short: counted in the token ceilings
    prompt_tokens: int = 0  # estimated with cl100k: exact for OpenAI models, close for others
    completion_tokens: int = 0  # the most the calls may write (their max_tokens): a ceiling
    first_round: int = 0  # calls that wait on no other answer: a batch's round 1
    rounds: int = 0  # provider rounds at most: the longest chain of calls, each waiting on the one before


def plan_document(item: Item, model: Described, prompts: Prompts, options: BatchOptions) -> DocumentPlan:
    """The calls build_brief would make for this document, without making any."""
    if item.problem:
        return DocumentPlan(item.name, "unreadable", item.problem)
    if item.skipped:  # a link to a folder, a loop of links: not walked, said
        return DocumentPlan(item.name, "skipped", item.skipped)

    def read() -> Document:
        return load(item, options.max_input_bytes, options.allow_private_urls)

    try:
        ready = prelude(options.files(item), options.inputs, read, model, prompts, options.brief)
    except OutputError as exc:  # the files are checked first: nothing is read for a refused brief
        return DocumentPlan(item.name, "refused", reason(exc, item))
    except SummariseError as exc:
        return DocumentPlan(item.name, "unreadable", reason(exc, item))
    document = ready.document
    if ready.up_to_date:
        return DocumentPlan(
            item.name, "up to date", language=document.language, pages=document.pages, characters=len(document.text)
        )
    fitted, chunks = plan(document, model, prompts, options.brief)
    calls = planned_calls(fitted, chunks, prompts, options.brief, model.context_tokens)
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
        first_round=sum(call.round == 1 for call in calls),
        rounds=max((call.round for call in calls), default=0),
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
    table = aligned(headers, [*rows, total])
    skipped = sum(entry.status == "up to date" for entry in plans)
    unreadable = sum(entry.status == "unreadable" for entry in plans)
    refused = sum(entry.status == "refused" for entry in plans)
    not_followed = sum(entry.status == "skipped" for entry in plans)
    note = (
        f"Dry run: no model was called. {len(planned)} to summarise, {skipped} up to date, {unreadable} unreadable"
        + (f", {refused} refused (output not ours to write)" if refused else "")
        + (f", {not_followed} not followed (links to folders, loops)" if not_followed else "")
        + ".\n"
        "Prompt tokens are estimated with cl100k; token counts and costs are ceilings that include every repair."
    )
    if not prices:
        note += "\nSet SUMMARISE_PRICE_PROMPT and SUMMARISE_PRICE_COMPLETION (USD per million tokens) for a cost."
    return table + "\n" + note + "\n"


def aligned(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
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
