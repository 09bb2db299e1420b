"""One round of provider batch jobs, seen from the folder: which briefs the cache completes,
which requests the other documents still need, and which of those have failed too often.

A request counts a failed attempt each time a job leaves it without a usable answer: an
error line, no line at all, or an answer refused when imported (it held the API key, or
was empty, cut off or too long) or when read back here (the task's own check). Two fail
its document, so rounds always end.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from summarise.batch.collect import Collector, Request, collect_ready, custom_id
from summarise.batch.discover import Item
from summarise.batch.ledger import Ledger
from summarise.batch.outcomes import Outcome, Status
from summarise.batch.runner import BatchOptions, load, summarise_one
from summarise.documents import Document
from summarise.errors import SummariseError
from summarise.pipeline import prelude
from summarise.reporting import Reporter
from summarise.tasks.prompts import Prompts

MAX_ATTEMPTS = 2  # a request left unanswered (or unusable) by two jobs fails its document


@dataclass
class Round:
    outcomes: list[Outcome] = field(default_factory=list)
    requests: dict[str, Request] = field(default_factory=dict)  # by cache key
    documents: dict[str, list[str]] = field(default_factory=dict)  # cache key -> documents waiting on it


def _loaded(item: Item, max_bytes: int, allow_private_urls: bool) -> tuple[Future[Document], Document | None]:
    loading: Future[Document] = Future()
    try:
        document = load(item, max_bytes, allow_private_urls)
    except SummariseError as exc:
        loading.set_exception(exc)
        return loading, None
    loading.set_result(document)
    return loading, document


def collect_round(
    items: Sequence[Item], llm: Collector, prompts: Prompts, options: BatchOptions, ledger: Ledger, reporter: Reporter
) -> Round:
    """Write every brief the cache can complete; gather the requests the others need next
    (`reporter` is told of the calls a brief is built from: -v lines)."""
    found = Round()
    for item in items:
        loading, document = _loaded(item, options.max_input_bytes, options.allow_private_urls)
        if document is None or not _to_write(item, document, llm, prompts, options):
            found.outcomes.append(summarise_one(item, llm.llm, prompts, options, loading, reporter))  # it says why not
            continue
        collect_ready(document, llm, prompts, options.brief)
        needed = llm.take_requests()
        _count_refused(llm, ledger)
        if not needed:  # every answer is in the cache: the brief is built from it, nothing sent
            found.outcomes.append(summarise_one(item, llm.llm, prompts, options, loading, reporter))
            continue
        spent = [ledger.sent[r.custom_id] for r in needed.values() if r.custom_id in ledger.sent]
        spent = [entry for entry in spent if entry.attempts >= MAX_ATTEMPTS]
        if spent:
            detail = f"no usable answer to {spent[0].label.split()[0]} after {spent[0].attempts} jobs: {spent[0].error}"
            found.outcomes.append(Outcome(item.name, Status.FAILED, detail))
            continue
        found.outcomes.append(Outcome(item.name, Status.WAITING, f"{len(needed)} request(s) for the next round"))
        found.requests |= needed
        for key in needed:
            found.documents.setdefault(key, []).append(item.name)
    return found


def _to_write(item: Item, document: Document, llm: Collector, prompts: Prompts, options: BatchOptions) -> bool:
    """A brief this round has to write: its outputs are ours to write, and it is not up to date."""
    try:
        ready = prelude(options.files(item), options.inputs, lambda: document, llm, prompts, options.brief)
    except SummariseError:
        return False
    return not ready.up_to_date


def _count_refused(llm: Collector, ledger: Ledger) -> None:
    """Imported answers that failed their check on reading back: each is a failed attempt, and
    leaves the cache (saved first, so a kill in between cannot lose the count)."""
    refused = {custom_id(key): why for key, why in llm.take_rejected().items() if custom_id(key) in ledger.sent}
    if not refused:
        return
    ledger.failed({cid: f"the answer was refused: {why}" for cid, why in refused.items()})
    ledger.save()
    assert llm.cache is not None  # checked before any round
    for cid in refused:
        llm.cache.delete(ledger.sent[cid].key)


def describe(found: Round) -> str:
    finished = sum(o.status in (Status.DONE, Status.INCOMPLETE, Status.SKIPPED) for o in found.outcomes)
    waiting = sum(o.status == Status.WAITING for o in found.outcomes)
    return f"{finished} brief(s) ready, {waiting} document(s) waiting on {len(found.requests)} request(s)"
