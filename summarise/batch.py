"""Folder runs: discovery, concurrency, progress, resume, an index, and a dry-run plan.

A batch is many one-document runs sharing ONE `LLM` (so one embedded engine per process,
one response cache and one rate-limit gate). Every brief is written atomically once it is
complete, so a killed batch leaves only complete briefs; the next run skips a document
whose brief carries the same `brief_key` and `status: complete`, and recomputes the rest
from cached responses where it can.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from summarise.brief import clean_model_text, read_front_matter, render_json, render_markdown
from summarise.config import Language
from summarise.documents import Document, load_document
from summarise.errors import ConfigError, InputError, SummariseError
from summarise.files import atomic_write, safe_output_path
from summarise.llm import LLM
from summarise.pipeline import brief_key, build_brief, plan, prompt_overhead
from summarise.prompts import Prompts
from summarise.tasks.facts import FACTS_MAX_TOKENS
from summarise.tasks.summary import SUMMARY_MAX_TOKENS
from summarise.tasks.translation import translation_budget

DEFAULT_INCLUDE = ("*.txt", "*.md")
STATE_FILE = ".summarise-batch.json"
INDEX_FILE = "index.md"
STATE_VERSION = 1


@dataclass(frozen=True)
class Item:
    """One document found in the input folder, and where its brief goes."""

    source: Path  # the input folder joined with `relative`: what the brief's front matter names
    relative: Path  # inside the input folder: what the outputs mirror
    output: Path  # the brief
    brief: str  # the brief, relative to the output folder (for tables and the index)
    root: Path | None = None  # the input folder, resolved: links must not lead out of it

    @property
    def name(self) -> str:
        return self.relative.as_posix()


@dataclass(frozen=True)
class BatchOptions:
    target: Language
    chunk_tokens: int | None
    max_input_bytes: int
    write_json: bool = False
    jobs: int = 1


@dataclass
class Outcome:
    name: str  # the document, relative to the input folder
    status: str  # done | incomplete | skipped | failed
    detail: str = ""  # why it was skipped or failed, or what went missing
    output: str = ""  # the brief, relative to the output folder
    usage: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def tokens(self) -> int:
        return self.usage.get("prompt_tokens", 0) + self.usage.get("completion_tokens", 0)


# --- discovery -------------------------------------------------------------------------


def _matches(relative: Path, patterns: Iterable[str]) -> bool:
    """A pattern matches the file name (`*.txt`) or the path inside the folder (`sub/*.txt`)."""
    return any(fnmatch(relative.name, pattern) or fnmatch(relative.as_posix(), pattern) for pattern in patterns)


def discover(
    root: Path,
    output_dir: Path,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = (),
    recursive: bool = True,
) -> list[Item]:
    """The documents under `root`, sorted, each with its mirrored brief path under `output_dir`."""
    if not root.is_dir():
        raise InputError(f"{root}: not a folder; use 'summarise brief {root}' for a single file")
    outputs = output_dir.resolve()
    if outputs == root.resolve():
        raise ConfigError(f"{root} is both input and output: pass -o with another folder")
    found: list[Path] = []
    # followlinks=False: a linked folder cannot make the walk loop. Linked files (even
    # dangling ones) are listed, so a broken link is reported rather than silently missed.
    for folder, dirnames, filenames in os.walk(root):
        here = Path(folder)
        # Hidden folders (.git, .venv) and our own outputs are never inputs.
        kept = [name for name in dirnames if not name.startswith(".") and (here / name).resolve() != outputs]
        dirnames[:] = kept if recursive else []
        for name in filenames:
            relative = (here / name).relative_to(root)
            if name.startswith(".") or not _matches(relative, include) or _matches(relative, exclude):
                continue
            found.append(relative)
    items: list[Item] = []
    taken = {safe_output_path(output_dir, Path(INDEX_FILE))}  # the index is ours
    for relative in sorted(found, key=lambda path: path.as_posix()):
        output = safe_output_path(output_dir, relative)
        if output in taken:  # notes.md and notes.txt in one folder: keep both briefs
            output = safe_output_path(output_dir, Path(f"{relative}.md"))
        taken.add(output)
        brief = output.relative_to(outputs).as_posix()
        items.append(Item(root / relative, relative, output, brief, root.resolve()))
    return items


# --- one document ----------------------------------------------------------------------


def load(item: Item, max_bytes: int) -> Document:
    # A link in a shared input folder must not make us read, and send, files from elsewhere.
    if item.root is not None and not item.source.resolve().is_relative_to(item.root):
        raise InputError(f"{item.source}: a link to a file outside the input folder; not followed")
    return load_document(item.source, max_bytes)


def is_up_to_date(item: Item, key: str, write_json: bool) -> bool:
    """The brief on disk was made from this source with these settings, and completely."""
    if write_json and not item.output.with_suffix(".json").exists():
        return False
    try:
        front = read_front_matter(item.output.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return False
    return bool(front) and front.get("brief_key") == key and front.get("status") == "complete"


def _reason(exc: BaseException, item: Item) -> str:
    """The error's one line, without the path the table already shows."""
    text = str(exc)
    prefix = f"{item.source}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


class LoadAhead:
    """Reads and splits the documents one at a time, in order, a window ahead of the workers.

    That is CPU-bound Python (sentence splitting above all). Done by the workers, documents
    that start together load in one burst under the GIL while the network sits idle; done
    here, the next documents load while the workers wait for the model. The window bounds
    how many loaded documents wait in memory.
    """

    def __init__(self, items: Sequence[Item], max_bytes: int, window: int) -> None:
        self._items, self._max_bytes, self._window = items, max_bytes, max(window, 1)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="summarise-load")
        self._loads: dict[int, Future[Document]] = {}
        self._submitted = 0
        self._lock = threading.Lock()

    def take(self, index: int) -> Future[Document]:
        """The load of items[index]; queues the loads of the window after it."""
        with self._lock:
            while self._submitted < min(index + self._window, len(self._items)):
                item = self._items[self._submitted]
                self._loads[self._submitted] = self._pool.submit(load, item, self._max_bytes)
                self._submitted += 1
            return self._loads.pop(index)

    def close(self) -> None:
        """Drop the loads no worker has taken; a taken one still runs, its document is in flight."""
        with self._lock:
            for future in self._loads.values():
                future.cancel()
            self._loads.clear()
        self._pool.shutdown(wait=False)


def summarise_one(item: Item, llm: LLM, prompts: Prompts, options: BatchOptions, loading: Future[Document]) -> Outcome:
    """Never raises for a bad document: the batch goes on and the outcome says why."""
    started = time.monotonic()
    try:
        document = loading.result()  # raises what load() raised
        key = brief_key(document, llm, prompts, options.target, options.chunk_tokens)
        # Checked before any request: a finished brief costs no call and starts no engine.
        if is_up_to_date(item, key, options.write_json):
            return Outcome(item.name, "skipped", "up to date", item.brief)
        # Chunks of a long document run concurrently too (each one keeps its tasks in turn).
        result = build_brief(document, llm, prompts, options.target, options.chunk_tokens, workers=options.jobs)
        atomic_write(item.output, render_markdown(result))
        if options.write_json:
            atomic_write(item.output.with_suffix(".json"), render_json(result))
    except SummariseError as exc:
        return Outcome(item.name, "failed", _reason(exc, item), seconds=time.monotonic() - started)
    except Exception as exc:  # a bug of ours must not stop the other documents either
        llm.log(traceback.format_exc())  # shown with -v
        reason = f"unexpected {type(exc).__name__}: {exc}"
        return Outcome(item.name, "failed", reason, seconds=time.monotonic() - started)
    status = "incomplete" if result.problems else "done"
    return Outcome(item.name, status, "; ".join(result.problems), item.brief, result.usage, time.monotonic() - started)


# --- the batch -------------------------------------------------------------------------


class Progress(Protocol):
    """Told when a document starts (from its worker thread) and when it ends (from the main thread)."""

    def begin(self, item: Item) -> None: ...
    def end(self, outcome: Outcome) -> None: ...


class Silent:
    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def begin(self, item: Item) -> None:
        pass

    def end(self, outcome: Outcome) -> None:
        pass


class PlainLog(Silent):
    """One line per finished document: what logs and pipes want instead of a redrawn bar."""

    def __init__(self, total: int, echo: Callable[[str], None]) -> None:
        self.total, self.echo, self.finished = total, echo, 0

    def end(self, outcome: Outcome) -> None:
        self.finished += 1
        line = f"[{self.finished}/{self.total}] {outcome.status:<10} {outcome.name}"
        if outcome.status in ("done", "incomplete"):
            usage = outcome.usage
            line += (
                f" -> {outcome.output} ({usage.get('llm_calls', 0)} calls, {usage.get('cache_hits', 0)} cache hits, "
                f"{outcome.tokens:,} tokens, {outcome.seconds:.0f} s)"
            )
            line += f"; {outcome.detail}" if outcome.detail else ""
        elif outcome.detail:
            line += f": {outcome.detail}"
        self.echo(line)


def choose_progress(quiet: bool, total: int, echo: Callable[[str], None]) -> Silent | PlainLog | BarProgress:
    """A bar for a person at a terminal, plain lines for logs and pipes, nothing with -q."""
    if quiet:
        return Silent()
    if sys.stderr.isatty():
        return BarProgress(total)
    return PlainLog(total, echo)


class BarProgress:
    """A rich progress bar on standard error: done/total, current file, tokens, cache hits, ETA."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn("[bold]summarising"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[tokens]:,} tokens, {task.fields[hits]} cache hits"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[current]}"),
            console=Console(stderr=True),
        )
        self._task = self._bar.add_task("batch", total=total, current="", tokens=0, hits=0)
        self._tokens = self._hits = 0

    def __enter__(self) -> BarProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._bar.stop()

    def begin(self, item: Item) -> None:
        self._bar.update(self._task, current=item.name)

    def end(self, outcome: Outcome) -> None:
        self._tokens += outcome.tokens
        self._hits += outcome.usage.get("cache_hits", 0)
        self._bar.update(self._task, advance=1, tokens=self._tokens, hits=self._hits)
        if outcome.status == "failed":  # printed above the bar, so it stays on screen
            from rich.text import Text

            self._bar.console.print(Text.assemble(("failed ", "red"), f"{outcome.name}: {outcome.detail}"))


@dataclass
class BatchRun:
    outcomes: list[Outcome]
    interrupted: bool = False  # Ctrl-C: documents not started were left for the next run
    abandoned: bool = False  # a second Ctrl-C: threads still in flight must not be waited for

    def count(self, status: str) -> int:
        return sum(outcome.status == status for outcome in self.outcomes)

    def total(self, key: str) -> int:
        return sum(outcome.usage.get(key, 0) for outcome in self.outcomes)


def run_batch(
    items: Sequence[Item],
    llm: LLM,
    prompts: Prompts,
    options: BatchOptions,
    progress: Progress,
    note: Callable[[str], None] = lambda _message: None,
) -> BatchRun:
    """Documents run concurrently on one shared LLM; outcomes are reported as they finish.

    First Ctrl-C: documents not yet started are dropped; those in flight finish and are
    recorded, since their work is nearly paid for. Second Ctrl-C: stop waiting, and
    `abandoned` tells the caller to exit without joining those threads; a brief is
    written atomically, so each of them leaves either a complete brief or nothing.
    """

    loader = LoadAhead(items, options.max_input_bytes, window=options.jobs)

    def work(index: int) -> Outcome:
        item = items[index]
        progress.begin(item)
        return summarise_one(item, llm, prompts, options, loader.take(index))

    outcomes: list[Outcome] = []

    def collect(pending: Iterable[Future[Outcome]]) -> None:
        for future in as_completed(pending):
            outcome = future.result()
            outcomes.append(outcome)
            progress.end(outcome)

    executor = ThreadPoolExecutor(max_workers=options.jobs, thread_name_prefix="summarise-batch")
    futures: list[Future[Outcome]] = [executor.submit(work, index) for index in range(len(items))]
    try:
        collect(futures)
    except KeyboardInterrupt:
        executor.shutdown(wait=False, cancel_futures=True)
        loader.close()
        in_flight = [future for future in futures if not future.done()]
        if in_flight:
            note(f"stopping: finishing {len(in_flight)} document(s) in progress; press Ctrl-C again to stop now")
            try:
                collect(in_flight)
            except KeyboardInterrupt:
                return BatchRun(_in_order(outcomes, items), interrupted=True, abandoned=True)
        return BatchRun(_in_order(outcomes, items), interrupted=True)
    executor.shutdown()
    loader.close()
    return BatchRun(_in_order(outcomes, items))


def _in_order(outcomes: list[Outcome], items: Sequence[Item]) -> list[Outcome]:
    position = {item.name: index for index, item in enumerate(items)}
    return sorted(outcomes, key=lambda outcome: position.get(outcome.name, len(position)))


# --- state: what happened last time, for --retry-failed ------------------------------


def read_state(output_dir: Path) -> dict[str, dict[str, Any]]:
    path = output_dir / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path} is unreadable ({exc}); delete it and run the batch again") from exc
    documents = data.get("documents") if isinstance(data, dict) else None
    return documents if isinstance(documents, dict) else {}


def write_state(output_dir: Path, items: Sequence[Item], run: BatchRun) -> None:
    """Entries of documents still in the folder are kept, then overwritten by this run's outcomes."""
    previous = read_state(output_dir)
    names = {item.name for item in items}
    documents = {name: entry for name, entry in previous.items() if name in names}
    documents |= {outcome.name: asdict(outcome) for outcome in run.outcomes}
    state = {"version": STATE_VERSION, "interrupted": run.interrupted, "documents": dict(sorted(documents.items()))}
    atomic_write(output_dir / STATE_FILE, json.dumps(state, ensure_ascii=False, indent=2) + "\n")


def failed_last_time(items: Sequence[Item], output_dir: Path) -> list[Item]:
    state = read_state(output_dir)
    if not state:
        raise ConfigError(f"no earlier batch recorded in {output_dir / STATE_FILE}: run without --retry-failed")
    return [item for item in items if state.get(item.name, {}).get("status") == "failed"]


# --- index -----------------------------------------------------------------------------


def _cell(value: object) -> str:
    """Front matter can hold model-written text (the title): keep it inert inside a table cell."""
    return clean_model_text(str(value)).replace("\n", " ").replace("|", "\\|")


def render_index(output_dir: Path) -> str:
    """One row per brief found under the output folder (this run's and earlier ones)."""
    rows: list[str] = []
    for path in sorted(output_dir.rglob("*.md"), key=lambda p: p.relative_to(output_dir).as_posix()):
        relative = path.relative_to(output_dir)
        if relative == Path(INDEX_FILE) or any(part.startswith(".") for part in relative.parts):
            continue
        try:
            front = read_front_matter(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        if not front or "brief_key" not in front:
            continue  # not one of our briefs
        facts = front.get("facts") or {}
        link = quote(relative.as_posix())
        rows.append(
            f"| [{_cell(front.get('title', relative.stem))}]({link}) | {_cell(front.get('source', ''))} "
            f"| {_cell(front.get('source_language', '?'))} → {_cell(front.get('target_language', '?'))} "
            f"| {front.get('paragraphs', '?')} ¶, {front.get('chunks', '?')} chunk(s) "
            f"| {facts.get('supported', 0)} / {facts.get('flagged', 0)} | {_cell(front.get('status', '?'))} |"
        )
    parts = ["# Briefs", f"{len(rows)} brief(s). Regenerated after each `summarise batch`."]
    if rows:
        header = "| Brief | Source | Language | Size | Facts (supported / flagged) | Status |"
        parts.append("\n".join([header, "| --- | --- | --- | --- | --- | --- |", *rows]))
    failed = {name: entry for name, entry in read_state(output_dir).items() if entry.get("status") == "failed"}
    if failed:
        lines = [f"| {_cell(name)} | {_cell(entry.get('detail', ''))} |" for name, entry in failed.items()]
        parts.append("## Not summarised\n\n| Document | Reason |\n| --- | --- |\n" + "\n".join(lines))
    return "\n\n".join(parts) + "\n"


def write_index(output_dir: Path) -> Path:
    path = output_dir / INDEX_FILE
    atomic_write(path, render_index(output_dir))
    return path


# --- dry run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentPlan:
    name: str
    status: str  # planned | up to date | unreadable
    detail: str = ""
    language: str = ""
    chunks: int = 0
    calls: int = 0
    prompt_tokens: int = 0  # estimated with cl100k: exact for OpenAI models, close for others
    completion_tokens: int = 0  # the most the calls may write (their max_tokens): a ceiling


@dataclass(frozen=True)
class Prices:
    prompt: float  # USD per million tokens
    completion: float

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.prompt + completion_tokens * self.completion) / 1e6


def prices_from_env() -> Prices | None:
    """SUMMARISE_PRICE_PROMPT and SUMMARISE_PRICE_COMPLETION, in USD per million tokens."""
    raw = {name: os.environ.get(f"SUMMARISE_PRICE_{name.upper()}", "").strip() for name in ("prompt", "completion")}
    if not any(raw.values()):
        return None
    try:
        values = {name: float(value or 0) for name, value in raw.items()}
    except ValueError as exc:
        raise ConfigError(
            "SUMMARISE_PRICE_PROMPT and SUMMARISE_PRICE_COMPLETION must be numbers (USD per million tokens)"
        ) from exc
    return Prices(**values)


def plan_document(item: Item, llm: LLM, prompts: Prompts, options: BatchOptions) -> DocumentPlan:
    """The calls build_brief would make for this document, without making any."""
    try:
        document = load(item, options.max_input_bytes)
    except SummariseError as exc:
        return DocumentPlan(item.name, "unreadable", _reason(exc, item))
    if is_up_to_date(item, brief_key(document, llm, prompts, options.target, options.chunk_tokens), options.write_json):
        return DocumentPlan(item.name, "up to date", language=document.language)
    fitted, chunks = plan(document, llm, prompts, options.target, options.chunk_tokens)
    overhead = prompt_overhead(prompts, options.target)
    translate = fitted.language != options.target.code
    calls = prompt_tokens = completion_tokens = 0
    # Per chunk: summary and facts, and the translation unless the source is in the target language.
    for chunk in chunks:
        tasks = [SUMMARY_MAX_TOKENS, FACTS_MAX_TOKENS] + ([translation_budget(chunk.tokens)] if translate else [])
        calls += len(tasks)
        prompt_tokens += len(tasks) * (overhead + chunk.tokens)
        completion_tokens += sum(tasks)
    if len(chunks) > 1:  # the reduce step combines the chunk summaries
        calls += 1
        prompt_tokens += overhead + len(chunks) * SUMMARY_MAX_TOKENS
        completion_tokens += SUMMARY_MAX_TOKENS
    return DocumentPlan(item.name, "planned", "", fitted.language, len(chunks), calls, prompt_tokens, completion_tokens)


def render_plan(plans: Sequence[DocumentPlan], prices: Prices | None) -> str:
    headers = ["document", "lang", "chunks", "calls", "prompt tokens", "completion tokens (max)"]
    if prices:
        headers.append("cost (max, USD)")
    rows: list[list[str]] = []
    for entry in plans:
        if entry.status != "planned":
            # Nothing to send: say why in a trailing cell rather than in the number columns.
            note = entry.status + (f": {entry.detail}" if entry.detail else "")
            rows.append([entry.name, entry.language or "-", "-", "0", "-", "-", *(["-"] if prices else []), note])
            continue
        row = [entry.name, entry.language, str(entry.chunks), str(entry.calls)]
        row += [f"~{entry.prompt_tokens:,}", f"{entry.completion_tokens:,}"]
        if prices:
            row.append(f"{prices.cost(entry.prompt_tokens, entry.completion_tokens):.4f}")
        rows.append(row)
    planned = [entry for entry in plans if entry.status == "planned"]
    prompt_total = sum(entry.prompt_tokens for entry in planned)
    completion_total = sum(entry.completion_tokens for entry in planned)
    total = [f"total ({len(plans)} documents)", "", str(sum(e.chunks for e in planned))]
    total += [str(sum(e.calls for e in planned)), f"~{prompt_total:,}", f"{completion_total:,}"]
    if prices:
        total.append(f"{prices.cost(prompt_total, completion_total):.4f}")
    table = _table(headers, [*rows, total])
    skipped = sum(entry.status == "up to date" for entry in plans)
    unreadable = sum(entry.status == "unreadable" for entry in plans)
    note = (
        f"Dry run: no model was called. {len(planned)} to summarise, {skipped} up to date, {unreadable} unreadable.\n"
        "Prompt tokens are estimated with cl100k; completion tokens are the ceilings the calls may use."
    )
    if not prices:
        note += "\nSet SUMMARISE_PRICE_PROMPT and SUMMARISE_PRICE_COMPLETION (USD per million tokens) for a cost."
    return table + "\n" + note + "\n"


# --- the closing table -----------------------------------------------------------------


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Plain aligned columns; the last column of a row may run long (a reason)."""
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
    counts = "  ".join(f"{status} {run.count(status)}" for status in ("done", "incomplete", "skipped", "failed"))
    lines = [counts]
    attention = [outcome for outcome in run.outcomes if outcome.status in ("failed", "incomplete")]
    if attention:
        lines.append(_table(["status", "document", "reason"], [[o.status, o.name, o.detail] for o in attention]))
    lines.append(
        f"{run.total('llm_calls')} calls, {run.total('cache_hits')} cache hits, "
        f"{run.total('prompt_tokens') + run.total('completion_tokens'):,} tokens, {seconds:.0f} s; "
        f"briefs in {output_dir}/, index {output_dir / INDEX_FILE}"
    )
    if rate_limited:
        lines.append(f"rate-limited {rate_limited} time(s): requests waited {waited:.0f} s in total")
    if run.interrupted:
        lines.append("interrupted: run the same command again to resume (finished briefs are kept)")
    return "\n".join(lines) + "\n"
