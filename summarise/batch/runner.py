"""Documents run concurrently on one shared LLM: load-ahead, workers, Ctrl-C.

A batch is many one-document runs sharing ONE `LLM` (so one embedded engine per process,
one response cache and one rate-limit gate). Every brief is written atomically once it is
complete, so a killed batch leaves only complete briefs.
"""

from __future__ import annotations

import hashlib
import threading
import time
import traceback
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from summarise import readers
from summarise.batch.discover import Item, read_item, reason
from summarise.batch.outcomes import BatchRun, Outcome, Status
from summarise.batch.state import CLAIMED
from summarise.brief.files import BriefFiles, Identity
from summarise.config import BriefOptions
from summarise.documents import Document
from summarise.errors import InputError, SummariseError
from summarise.model.llm import LLM
from summarise.pipeline import build_brief, prelude
from summarise.render.publish import publish
from summarise.reporting import Reporter
from summarise.reporting.progress import Progress
from summarise.tasks.prompts import Prompts


@dataclass(frozen=True)
class BatchOptions:
    brief: BriefOptions  # its workers: chunks of a long document run concurrently too
    max_input_bytes: int
    write_json: bool = False
    jobs: int = 1  # documents at once
    inputs: frozenset[Identity] = frozenset()  # every input file: no brief may land on one
    locks: Path | None = None  # where documents are claimed, so two batches share the work
    allow_private_urls: bool = False  # for the items of a list of URLs

    def files(self, item: Item) -> BriefFiles:
        """Every file the item's brief writes: its Markdown, its page (a batch always writes one), its JSON if asked."""
        return BriefFiles(item.output, json=self.write_json, html=True)


def load(item: Item, max_bytes: int, allow_private_urls: bool = False) -> Document:
    if item.problem or item.skipped:  # an entry of the folder that is not read: it says why
        raise InputError(f"{item.where}: {item.problem or item.skipped}")
    if item.url:
        return readers.load(item.url, max_bytes, allow_private_urls=allow_private_urls)
    # Only a regular file inside the input folder: a link must not make us read (and send) files
    # from elsewhere, and a pipe or a device must not hold the batch.
    return readers.read(read_item(item, max_bytes), str(item.source), max_chars=max_bytes)


class LoadAhead:
    """Reads and splits the documents one at a time, in order, a window ahead of the workers.

    That is CPU-bound Python (sentence splitting above all). Done by the workers, documents
    that start together load in one burst under the GIL while the network sits idle; done
    here, the next documents load while the workers wait for the model. The window bounds
    how many loaded documents wait in memory.
    """

    def __init__(self, items: Sequence[Item], max_bytes: int, window: int, allow_private_urls: bool = False) -> None:
        self._items, self._max_bytes, self._window = items, max_bytes, max(window, 1)
        self._allow_private_urls = allow_private_urls
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="summarise-load")
        self._loads: dict[int, Future[Document]] = {}
        self._submitted = 0
        self._lock = threading.Lock()

    def take(self, index: int) -> Future[Document]:
        """The load of items[index]; queues the loads of the window after it."""
        with self._lock:
            while self._submitted < min(index + self._window, len(self._items)):
                item = self._items[self._submitted]
                self._loads[self._submitted] = self._pool.submit(load, item, self._max_bytes, self._allow_private_urls)
                self._submitted += 1
            return self._loads.pop(index)

    def close(self) -> None:
        """Drop the loads no worker has taken; a taken one still runs, its document is in flight."""
        with self._lock:
            for future in self._loads.values():
                future.cancel()
            self._loads.clear()
        self._pool.shutdown(wait=False)


def claim(item: Item, locks: Path | None) -> FileLock | None:
    """Take the document's lock without waiting, or None if another process holds it.

    An OS file lock: released when its holder ends, killed or not, so a crash leaves no
    stale claim behind.
    """
    lock = FileLock(locks / f"{hashlib.sha256(item.brief.encode()).hexdigest()[:32]}.lock") if locks else None
    if lock is None:
        return None
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return None
    return lock


def summarise_one(
    item: Item, llm: LLM, prompts: Prompts, options: BatchOptions, loading: Future[Document], reporter: Reporter
) -> Outcome:
    """Claim the document, then summarise it; a document another batch holds is left to it.
    `reporter` is told of its calls (-v) and of a bug's traceback."""
    if item.problem:  # nothing to claim or write: an entry that cannot be read fails at once
        loading.cancel()
        return Outcome(item.name, Status.FAILED, item.problem)
    if item.skipped:  # a link to a folder, a loop of links: said in the table and the index, not failed
        loading.cancel()
        return Outcome(item.name, Status.SKIPPED, item.skipped)
    if options.locks is None:
        return _summarise(item, llm, prompts, options, loading, reporter)
    try:
        options.locks.mkdir(parents=True, exist_ok=True)
        lock = claim(item, options.locks)
    except OSError:  # no lock folder to be had: work unclaimed rather than not at all
        return _summarise(item, llm, prompts, options, loading, reporter)
    if lock is None:
        loading.cancel()
        return Outcome(item.name, Status.SKIPPED, CLAIMED, item.brief)
    try:  # the holder re-checks "up to date" inside: the other batch may have just finished it
        return _summarise(item, llm, prompts, options, loading, reporter)
    finally:
        lock.release()


def _summarise(
    item: Item, llm: LLM, prompts: Prompts, options: BatchOptions, loading: Future[Document], reporter: Reporter
) -> Outcome:
    """Never raises for a bad document: the batch goes on and the outcome says why."""
    started = time.monotonic()
    try:
        files = options.files(item)
        # Before any call: the user's file (a page too), an input, a device; then the read; then "up to date".
        ready = prelude(files, options.inputs, loading.result, llm, prompts, options.brief)
        if ready.up_to_date:
            return Outcome(item.name, Status.SKIPPED, "up to date", item.brief)
        result = build_brief(ready.document, llm, prompts, options.brief, reporter=reporter)
        publish(files, result, index=item.index_link, inputs=options.inputs)
    except SummariseError as exc:
        return Outcome(item.name, Status.FAILED, reason(exc, item), seconds=time.monotonic() - started)
    except Exception as exc:  # a bug of ours must not stop the other documents either
        reporter.detail(traceback.format_exc())  # shown with -v
        detail = f"unexpected {type(exc).__name__}: {exc}"
        return Outcome(item.name, Status.FAILED, detail, seconds=time.monotonic() - started)
    status = Status.INCOMPLETE if result.problems else Status.DONE
    return Outcome(item.name, status, "; ".join(result.problems), item.brief, result.usage, time.monotonic() - started)


def run_batch(
    items: Sequence[Item],
    llm: LLM,
    prompts: Prompts,
    options: BatchOptions,
    reporter: Reporter,
) -> BatchRun:
    """Documents run concurrently on one shared LLM; `reporter.progress` is told of each
    document as it begins and as it finishes.

    First Ctrl-C: documents not yet started are dropped; those in flight finish and are
    recorded, since their work is nearly paid for. Second Ctrl-C: stop waiting, and
    `abandoned` tells the caller to exit without joining those threads; a brief is
    written atomically, so each of them leaves either a complete brief or nothing.
    """

    loader = LoadAhead(items, options.max_input_bytes, options.jobs, options.allow_private_urls)
    calls = reporter.showing(Progress())  # a document's calls are not drawn: the display is per document

    def work(index: int) -> Outcome:
        item = items[index]
        reporter.progress.begin(item.name)
        return summarise_one(item, llm, prompts, options, loader.take(index), calls)

    outcomes: list[Outcome] = []

    def collect(pending: Iterable[Future[Outcome]]) -> None:
        for future in as_completed(pending):
            outcome = future.result()
            outcomes.append(outcome)
            reporter.progress.finished(outcome)

    executor = ThreadPoolExecutor(max_workers=options.jobs, thread_name_prefix="summarise-batch")
    futures: list[Future[Outcome]] = [executor.submit(work, index) for index in range(len(items))]
    try:
        collect(futures)
    except KeyboardInterrupt:
        executor.shutdown(wait=False, cancel_futures=True)
        loader.close()
        in_flight = [future for future in futures if not future.done()]
        if in_flight:
            reporter.warn(
                f"stopping: finishing {len(in_flight)} document(s) in progress; press Ctrl-C again to stop now"
            )
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
