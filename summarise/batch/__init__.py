"""Folder runs: `run_folder` is the one entry point (the CLI's `batch` calls only it).

discover (which files, where their briefs go) -> state (up to date? failed last time?)
-> runner (load ahead, workers, Ctrl-C) with progress (bar, plain lines, quiet) ->
reports (index, closing table) or dry_run (the plan). The next run skips a document whose
brief carries the same `brief_key` and `status: complete`, and recomputes the rest from
cached responses where it can.
"""

from __future__ import annotations

import time
from pathlib import Path

from summarise.batch.collect import Collector
from summarise.batch.discover import DEFAULT_INCLUDE, INDEX_FILE, Item, discover
from summarise.batch.dry_run import plan_document, render_plan
from summarise.batch.outcomes import BatchRun, Outcome, Status
from summarise.batch.progress import choose_progress
from summarise.batch.provider_rounds import VIA, render_rounds, run_rounds
from summarise.batch.reports import render_report, write_index
from summarise.batch.runner import BatchOptions, run_batch
from summarise.batch.state import LOCKS, check_state, failed_last_time, write_state
from summarise.brief.files import check_output_folder, check_target, identities
from summarise.config import Settings
from summarise.config.options import FolderOptions, check_options
from summarise.model.endpoint import describe
from summarise.model.llm import open_llm
from summarise.readers.language_detection import remember_in as remember_languages_in
from summarise.reporting import SILENT, Reporter
from summarise.tasks.prompts import Prompts

__all__ = ["DEFAULT_INCLUDE", "VIA", "BatchRun", "FolderOptions", "Item", "Outcome", "Status", "discover", "run_folder"]


def run_folder(
    folder: Path, settings: Settings, options: FolderOptions = FolderOptions(), reporter: Reporter = SILENT
) -> BatchRun:
    """Brief every matching document under `folder` into `options.output_dir`, then write the index.

    `reporter` is told what a person watching should see (progress, failures, Ctrl-C);
    `BatchRun.report` holds the closing table (or, with `dry_run`, the plan) for stdout.
    """
    check_options(settings, options)  # before anything opens: a model, an engine, the cache, the folder
    output_dir, retry_failed, dry_run = options.output_dir, options.retry_failed, options.dry_run
    jobs = options.jobs or (1 if settings.uses_engine else 4)
    if settings.uses_engine:
        # One engine per process; its parallel slots serve the concurrent documents.
        settings = settings.with_changes(engine_parallel=min(jobs, 4))
    prompts = Prompts(settings.prompts_dir)
    patterns = options.include or DEFAULT_INCLUDE
    items = discover(folder, output_dir, patterns, options.exclude, options.recursive, reporter)
    inputs = identities(item.source for item in items)
    # Before any model call: a batch that could not write its briefs must cost nothing.
    check_output_folder(output_dir)
    check_target(output_dir / INDEX_FILE, inputs)
    # A bad state file is set aside now, with a warning, not found out after the whole run.
    state_was_bad = check_state(output_dir, reporter, dry_run=dry_run)
    if retry_failed and state_was_bad:
        reporter.warn("--retry-failed: no usable record of the last run, so every document not up to date runs")
    elif retry_failed:
        items = failed_last_time(items, output_dir)
    # Chunks of a long document run concurrently too (each one keeps its tasks in turn).
    brief_options = settings.brief_options(workers=jobs)
    documents = BatchOptions(
        brief_options,
        settings.max_input_bytes,
        options.write_json,
        jobs,
        inputs=inputs,
        locks=output_dir / LOCKS,
        allow_private_urls=settings.allow_private_urls,
    )
    remember_languages_in(settings.cache_dir / "languages" if settings.use_cache else None)
    from summarise.pipeline import remember_in

    remember_in(settings.cache_dir / "counts" if settings.use_cache else None)  # token counts, word verdicts
    if not items:
        reporter.warn(
            "nothing failed last time" if retry_failed else f"no documents in {folder} match {', '.join(patterns)}"
        )
        return BatchRun([])
    if dry_run:
        planner = describe(settings)  # the context size and the resume key: no model opened, none needed
        plans = [plan_document(item, planner, prompts, documents) for item in items]
        prices = options.prices
        report = render_plan(plans, prices) + (render_rounds(plans, prices) if options.rounds else "")
        return BatchRun([], report=report)
    started = time.monotonic()
    llm = open_llm(settings, reporter=reporter)  # its calls go unshown: the display is per document
    run: BatchRun | None = None
    try:
        if options.rounds:
            run = run_rounds(
                items,
                Collector(llm),
                prompts,
                documents,
                output_dir,
                via=options.via,
                export_requests=options.export_requests,
                import_results_from=options.import_results,
                reporter=reporter,
            )
        else:
            with choose_progress(reporter, len(items)) as progress:
                run = run_batch(items, llm, prompts, documents, reporter.showing(progress))
    finally:
        if run is None or not run.abandoned:  # an abandoned run's threads may still be writing to the cache
            llm.close()
    write_state(output_dir, items, run)
    write_index(output_dir)
    if reporter.quiet:
        for outcome in run.outcomes:
            if outcome.status == Status.FAILED:
                reporter.warn(f"failed: {outcome.name}: {outcome.detail}")
    else:
        gate = llm.gate
        run.report = render_report(run, output_dir, time.monotonic() - started, gate.rate_limited, gate.waited)
    return run
