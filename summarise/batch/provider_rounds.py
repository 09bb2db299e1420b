"""Past one machine: a folder summarised in rounds of provider batch jobs, joined in the cache.

Each round runs the ordinary pipeline on every document with a `Collector`: finished
documents get their brief (every answer a cache hit), the others name the requests
they still need. Those leave as one OpenAI batch file, either through the Batch API
(`--via openai-batch`: upload, batches.create, poll, download) or as a file the user runs
anywhere that speaks the format (`--export-requests`, then `--import-results`). Answers
come back into the response cache under the keys a direct run would use, so no answer
is ever paid for twice and the last round builds the briefs with zero new calls.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarise.batch.collect import CHAT_URL, Collector
from summarise.batch.discover import Item
from summarise.batch.dry_run import DocumentPlan
from summarise.batch.jsonl import Imported, import_results, request_lines, unknown_ids
from summarise.batch.ledger import TERMINAL, Job, Ledger
from summarise.batch.outcomes import BatchRun
from summarise.batch.rounds import Round, collect_round, describe
from summarise.batch.runner import BatchOptions
from summarise.brief.files import atomic_write
from summarise.config.options import Prices
from summarise.errors import ConfigError, EndpointError, InputError
from summarise.reporting import Reporter
from summarise.tasks.prompts import Prompts

VIA = ("openai-batch",)
MAX_ROUNDS = 8  # a brief needs two; the rest is room for retried lines
DEFAULT_POLL_SECONDS = 30.0
BATCH_DISCOUNT = 0.5  # the OpenAI Batch API's price against the same calls made directly


def poll_seconds() -> float:
    raw = os.environ.get("SUMMARISE_BATCH_POLL", "").strip()
    try:
        return float(raw) if raw else DEFAULT_POLL_SECONDS
    except ValueError as exc:
        raise ConfigError(f"SUMMARISE_BATCH_POLL must be a number of seconds, not {raw!r}") from exc


# --- the Batch API -----------------------------------------------------------------------


def _submit(client: Any, ledger: Ledger, found: Round, reporter: Reporter) -> Job:
    ledger.round += 1
    ledger.record(found.requests, found.documents)
    data = request_lines(found.requests.values()).encode()
    uploaded = client.files.create(file=(f"summarise-round-{ledger.round}.jsonl", data), purpose="batch")
    job = Job(uploaded.id, ledger.round, len(found.requests), [r.custom_id for r in found.requests.values()])
    ledger.jobs.append(job)
    ledger.save()  # before batches.create: a kill from here on finds the upload and looks for its job
    _create(client, ledger, job)
    reporter.note(f"round {job.round}: submitted job {job.id} with {job.requests} request(s)")
    return job


def _create(client: Any, ledger: Ledger, job: Job) -> None:
    batch = client.batches.create(
        input_file_id=job.input_file_id,
        endpoint=CHAT_URL,
        completion_window="24h",
        metadata={"created_by": "summarise", "round": str(job.round)},
    )
    job.id, job.status = batch.id, batch.status
    ledger.save()


def _find_or_create(client: Any, ledger: Ledger, job: Job) -> None:
    """A run killed between the upload and the record of its job: find the job by its file."""
    for batch in client.batches.list(limit=100).data:
        if batch.input_file_id == job.input_file_id:
            job.id, job.status = batch.id, batch.status
            ledger.save()
            return
    _create(client, ledger, job)


def _wait(client: Any, ledger: Ledger, job: Job, reporter: Reporter) -> Any:
    interval, started, shown = poll_seconds(), time.monotonic(), None
    while True:
        batch = client.batches.retrieve(job.id)
        counts = batch.request_counts
        done, failed, total = (counts.completed, counts.failed, counts.total) if counts else (0, 0, job.requests)
        if (batch.status, done, failed) != shown:
            shown = (batch.status, done, failed)
            elapsed = time.monotonic() - started
            progress = f"{done}/{total} answered, {failed} failed, {elapsed:.0f} s"
            reporter.note(f"round {job.round}: job {job.id} {batch.status}: {progress}")
        if batch.status in TERMINAL:
            return batch
        if batch.status != job.status:
            job.status = batch.status
            ledger.save()
        time.sleep(interval)


def _finish(client: Any, ledger: Ledger, job: Job, llm: Collector, reporter: Reporter) -> Imported:
    if not job.id:
        _find_or_create(client, ledger, job)
    batch = _wait(client, ledger, job, reporter)
    text = "".join(
        client.files.content(file_id).text + "\n" for file_id in (batch.output_file_id, batch.error_file_id) if file_id
    )
    assert llm.cache is not None  # checked before any round
    report = import_results(text, ledger.expected(), llm.cache, llm.secret)
    unanswered = set(job.custom_ids) - set(report.answered) - set(report.failed)
    report.failed |= {cid: f"the job was {batch.status} before this request ran" for cid in unanswered}
    ledger.failed(report.failed)
    job.status, job.imported = batch.status, True
    ledger.save()
    reporter.note(
        f"round {job.round}: imported {len(report.answered)} answer(s); {len(report.failed)} request(s) to retry"
    )
    if report.refused:
        reporter.warn(
            f"Warning: refused {len(report.refused)} result line(s) answering no request of ours: {report.refused[0]}"
        )
    if batch.status == "failed":
        errors = getattr(batch.errors, "data", None) or []
        reason = "; ".join(str(error.message) for error in errors[:3]) or "no reason given"
        raise EndpointError(f"batch job {job.id} failed: {reason}")
    return report


def _via_api(
    items: Sequence[Item], llm: Collector, prompts: Prompts, options: BatchOptions, ledger: Ledger, reporter: Reporter
) -> BatchRun:
    client = llm.client()
    found, paid = Round(), Imported()
    try:
        for _ in range(MAX_ROUNDS):
            job = ledger.running()
            if job is not None:  # a job of an earlier, killed run, or this run's last round
                paid.add(_finish(client, ledger, job, llm, reporter))
            found = collect_round(items, llm, prompts, options, ledger, reporter)
            if not found.requests:
                # The briefs' own usage shows cache hits only: say what the jobs answered.
                reporter.note(
                    f"batch jobs: {len(paid.answered)} answer(s) imported, {paid.prompt_tokens:,} prompt and "
                    f"{paid.completion_tokens:,} completion tokens, billed at the batch price"
                )
                return BatchRun(found.outcomes)
            reporter.note(describe(found))
            _submit(client, ledger, found, reporter)
    except KeyboardInterrupt:
        reporter.warn("stopped: the job keeps running at the provider; run the same command again to pick it up")
        return BatchRun(found.outcomes, interrupted=True)
    raise EndpointError(f"answers still missing after {MAX_ROUNDS} rounds of batch jobs; run again to continue")


# --- files: --export-requests / --import-results ---------------------------------------------


def _import_file(path: Path, ledger: Ledger, llm: Collector, reporter: Reporter) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read results file {path}: {exc}") from exc
    expected = ledger.expected()
    strangers = unknown_ids(text, expected, llm.secret)
    if strangers:  # another folder's file, or other settings: importing part of it would mislead
        raise InputError(
            f"{path}: {len(strangers)} result line(s) answer no request summarise exported for this output folder "
            f"and these settings (first: {strangers[0]}); nothing imported"
        )
    assert llm.cache is not None
    report = import_results(text, expected, llm.cache, llm.secret)
    ledger.failed(report.failed)
    ledger.save()
    reporter.note(
        f"imported {len(report.answered)} answer(s) from {path}; {len(report.failed)} unusable, asked again next round"
    )


def _export_file(path: Path, ledger: Ledger, found: Round, reporter: Reporter) -> None:
    if path.exists():
        raise InputError(f"{path} already exists; choose a new file name for round {ledger.round + 1}")
    ledger.round += 1
    ledger.record(found.requests, found.documents)
    atomic_write(path, request_lines(found.requests.values()))
    ledger.save()
    reporter.note(
        f"round {ledger.round}: wrote {len(found.requests)} request(s) to {path}; run them, then --import-results"
    )


def run_rounds(
    items: Sequence[Item],
    llm: Collector,
    prompts: Prompts,
    options: BatchOptions,
    output_dir: Path,
    *,
    via: str | None,
    export_requests: Path | None,
    import_results_from: Path | None,
    reporter: Reporter,
) -> BatchRun:
    if llm.cache is None:  # checked with the other options before anything opened (config.options.check_options)
        raise ConfigError("batch jobs bring their answers back through the response cache: drop --no-cache")
    ledger = Ledger.load(output_dir)
    if import_results_from is not None:
        _import_file(import_results_from, ledger, llm, reporter)
    if via is not None:  # an endpoint, not the embedded engine: checked before anything opened (config.options)
        return _via_api(items, llm, prompts, options, ledger, reporter)
    found = collect_round(items, llm, prompts, options, ledger, reporter)
    if found.requests:
        reporter.note(describe(found))
        if export_requests is not None:
            _export_file(export_requests, ledger, found, reporter)
        else:
            reporter.note("export the next round with --export-requests FILE.jsonl")
    return BatchRun(found.outcomes)


# --- the dry run -----------------------------------------------------------------------------


def render_rounds(plans: Sequence[DocumentPlan], prices: Prices | None) -> str:
    """Rounds and the batch price, under the dry-run table (same planned calls, same ceilings)."""
    planned = [entry for entry in plans if entry.status == "planned"]
    first = sum(entry.first_round for entry in planned)
    later = sum(entry.calls + entry.repairs - entry.first_round for entry in planned)
    rounds = max((entry.rounds for entry in planned), default=0)  # the documents' rounds go out together
    lines = [
        f"As batch jobs: {rounds} round(s) at most: round 1 sends {first} request(s); "
        + (
            f"rounds 2 to {rounds} at most {later} (each waits for an answer: repairs, steps written from "
            "the translation, reduce steps; only those needed)."
            if later
            else "no round 2."
        )
    ]
    if prices:
        prompt = sum(entry.prompt_tokens for entry in planned)
        completion = sum(entry.completion_tokens for entry in planned)
        direct = prices.cost(prompt, completion)
        batch = direct * (1 - BATCH_DISCOUNT)
        lines.append(
            f"Cost at the batch price ({BATCH_DISCOUNT:.0%} off SUMMARISE_PRICE_*): {batch:.4f} USD (max), "
            f"against {direct:.4f} USD direct."
        )
    return "\n".join(lines) + "\n"
