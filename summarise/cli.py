"""The command line: each command validates options, calls one core function, maps errors."""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from summarise import __version__
from summarise.cache import ResponseCache, cache_for_command
from summarise.config import FACTS_METHODS, Settings, resolve_settings
from summarise.documents import load_document, parse_document
from summarise.errors import EXIT_BUG, SummariseError
from summarise.files import check_brief_targets, identities, stdin_identity, write_ours
from summarise.llm import LLM
from summarise.llm import open_llm as llm_for
from summarise.pipeline import build_brief
from summarise.prompts import Prompts
from summarise.render import render_json, render_markdown
from summarise.terminal import shown

F = TypeVar("F", bound=Callable[..., Any])


def say(message: str) -> None:
    """One line on standard error; control characters in it (from a file name) are shown, not obeyed."""
    click.echo(shown(message), err=True)


def reports_errors(command: F) -> F:
    """Our errors become one line and an exit code; anything else too, unless -v asks for the traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SummariseError as exc:
            say(f"Error: {exc}")
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug of ours: still one line, never a traceback by default
            if kwargs.get("verbose"):
                raise
            first_line = (str(exc).strip().splitlines() or [""])[0]
            say(f"Error: unexpected {type(exc).__name__}: {first_line} (run with -v for details)")
            sys.exit(EXIT_BUG)

    return wrapper  # type: ignore[return-value]


def endpoint_options(command: F) -> F:
    """Options shared by brief and batch: where the model is, and how to ask it."""
    options = [
        click.option("--to", "to", metavar="LANG", help="Target language, name or code. [default: English]"),
        click.option("--model", help="Model name at the endpoint (env SUMMARISE_MODEL)."),
        click.option("--base-url", help="OpenAI-compatible endpoint (env OPENAI_BASE_URL)."),
        click.option(
            "--model-file",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Run the embedded engine with this GGUF model instead of the bundled one.",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the response cache."),
        click.option("--json", "write_json", is_flag=True, help="Also write a JSON file beside the Markdown."),
        click.option(
            "--prompts",
            "prompts_dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="Folder of your own templates.",
        ),
        click.option("--chunk-tokens", type=click.IntRange(min=64), help="Cap on document tokens per chunk."),
        click.option(
            "--facts-method",
            type=click.Choice(FACTS_METHODS),
            help="Evidence by numbered line (default; best for small models) or by verbatim quote.",
        ),
        click.option("-v", "--verbose", is_flag=True, help="Show each call, its tokens and cache hits."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def settings_from(options: dict[str, Any]) -> Settings:
    return resolve_settings(
        to=options.get("to"),
        base_url=options.get("base_url"),
        model=options.get("model"),
        model_file=options.get("model_file"),
        no_cache=bool(options.get("no_cache")),
        prompts_dir=options.get("prompts_dir"),
        chunk_tokens=options.get("chunk_tokens"),
        facts_method=options.get("facts_method"),
        verbose=bool(options.get("verbose")),
    )


def open_llm(settings: Settings) -> LLM:
    return llm_for(settings, say if settings.verbose else None, warn=say)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="summarise")
def main() -> None:
    """Turn documents in any language into Markdown briefs: summary, key facts with
    their source sentences, and a full translation.

    \b
    Example:
      summarise brief inputs/report.txt        # writes outputs/report.md
      summarise batch inputs/ --jobs 4         # a whole folder, with an index
    """


@main.command()
@click.argument("source", type=click.Path(path_type=Path, dir_okay=True, allow_dash=True))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, allow_dash=True), help="Brief path, or - for standard output."
)
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Chunks in parallel.")
@endpoint_options
@reports_errors
def brief(source: Path, output: Path | None, write_json: bool, jobs: int, **options: Any) -> None:
    """Write a brief of one document (a file, or - for standard input).

    \b
    Examples:
      summarise brief inputs/report.txt                 # -> outputs/report.md
      summarise brief inputs/report.txt --to German -o report.de.md
      cat notes.txt | summarise brief -                 # brief on standard output
      OPENAI_API_KEY=... summarise brief doc.txt --model gpt-4o-mini
    """
    settings = settings_from(options)
    if jobs > 1:  # one engine slot per concurrent chunk keeps each chunk's prefix cached
        settings = settings.with_changes(engine_parallel=min(jobs, 4))
    prompts = Prompts(settings.prompts_dir)
    if str(source) == "-":
        inputs = stdin_identity()
        document = parse_document(sys.stdin.buffer.read(), "-")
        output = output or Path("-")
    else:
        inputs = identities([source])
        document = load_document(source, settings.max_input_bytes)
        output = output or Path("outputs") / f"{source.stem}.md"
    if str(output) != "-":  # before any model call: a refused output must cost nothing
        check_brief_targets(output, write_json, inputs)
    started = time.monotonic()
    llm = open_llm(settings)
    result = build_brief(document, llm, prompts, settings.target, settings.chunk_tokens, workers=jobs)
    markdown = render_markdown(result)
    if str(output) == "-":
        click.echo(markdown, nl=False)
    else:
        write_ours(output, markdown, inputs)
        if write_json:
            write_ours(output.with_suffix(".json"), render_json(result), inputs)
        usage = result.usage
        say(
            f"wrote {output} ({len(result.facts)} facts, {result.supported_facts} supported; "
            f"{usage.llm_calls} calls, {usage.cache_hits} cache hits, {time.monotonic() - started:.0f} s)"
        )
    if result.problems:
        say("Warning: " + "; ".join(result.problems))


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("outputs"),
    show_default=True,
    help="Folder for the briefs; sub-folders mirror the input's.",
)
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="File names (or paths inside FOLDER) to take; repeatable. [default: *.txt, *.md]",
)
@click.option("--exclude", multiple=True, metavar="GLOB", help="File names (or paths) to leave out; repeatable.")
@click.option("--recursive/--no-recursive", default=True, show_default=True, help="Descend into sub-folders.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    help="Documents at once. [default: 1 with the embedded engine (no gain on few cores), 4 with an endpoint]",
)
@click.option("--retry-failed", is_flag=True, help="Only re-run the documents that failed last time.")
@click.option("--dry-run", is_flag=True, help="Show documents, chunks, tokens, calls (and cost); call no model.")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no table; failures are still reported.")
@click.option(
    "--via",
    type=click.Choice(["openai-batch"]),
    help="Send the calls as rounds of Batch API jobs (half price, within 24 h); resumable.",
)
@click.option(
    "--export-requests",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.jsonl",
    help="Write the next round's requests in the OpenAI batch format (for vllm run_batch and the like).",
)
@click.option(
    "--import-results",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    metavar="FILE.jsonl",
    help="Read a batch results file into the cache, then write the briefs it completes.",
)
@endpoint_options
@reports_errors
def batch(
    folder: Path,
    output_dir: Path,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    recursive: bool,
    jobs: int | None,
    retry_failed: bool,
    dry_run: bool,
    quiet: bool,
    write_json: bool,
    via: str | None,
    export_requests: Path | None,
    import_results: Path | None,
    **options: Any,
) -> None:
    """Write a brief of every document in FOLDER, and an index of them.

    Re-running skips documents whose brief is up to date (same source and settings), so an
    interrupted batch resumes where it stopped. Exits 1 if any document failed.

    \b
    Examples:
      summarise batch inputs/                         # -> outputs/..., outputs/index.md
      summarise batch inputs/ --include '*.txt' --exclude 'drafts/*' -o briefs/
      summarise batch inputs/ --dry-run               # what it would cost, no model called
      summarise batch inputs/ --retry-failed          # only what failed last time
      summarise batch inputs/ --via openai-batch      # rounds of Batch API jobs, half price
      summarise batch inputs/ --export-requests r1.jsonl   # run it anywhere (vllm run_batch), then
      summarise batch inputs/ --import-results out1.jsonl --export-requests r2.jsonl
    """
    from summarise.batch import run_folder
    from summarise.batch.reports import prices_from_env

    settings = settings_from(options)
    run = run_folder(
        folder,
        output_dir,
        settings,
        include=include,
        exclude=exclude,
        recursive=recursive,
        jobs=jobs,
        retry_failed=retry_failed,
        dry_run=dry_run,
        quiet=quiet,
        write_json=write_json,
        prices=prices_from_env(),
        via=via,
        export_requests=export_requests,
        import_results=import_results,
        note=say,
        log=say if settings.verbose else None,
    )
    click.echo(shown(run.report, keep_newlines=True), nl=False)
    if run.abandoned:
        # Python would join the worker threads still in flight before exiting: don't.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(run.exit_code)
    sys.exit(run.exit_code)


@main.group()
def cache() -> None:
    """Inspect or empty the response cache.

    \b
    Example:
      summarise cache stats
    """


def _response_cache() -> ResponseCache:
    return cache_for_command(resolve_settings().cache_dir / "responses", say)


@cache.command("path")
@reports_errors
def cache_path() -> None:
    """Print the cache folder. Example: summarise cache path"""
    click.echo(shown(resolve_settings().cache_dir))


@cache.command("stats")
@reports_errors
def cache_stats() -> None:
    """Entries and size of the response cache. Example: summarise cache stats"""
    store = _response_cache()
    stats = store.stats()
    click.echo(f"{shown(store.directory)}: {stats['entries']} responses, {stats['bytes'] / 1e6:.1f} MB")


@cache.command("clear")
@reports_errors
def cache_clear() -> None:
    """Delete every cached response (the model file stays). Example: summarise cache clear"""
    removed = _response_cache().clear()
    click.echo(f"removed {removed} cached responses")


@main.command()
@endpoint_options
@reports_errors
def doctor(**options: Any) -> None:
    """Say which endpoint and model will be used, and what is missing.

    \b
    Example:
      summarise doctor
    """
    from summarise.doctor import diagnose

    problems = diagnose(settings_from(options), lambda line: click.echo(shown(line)))
    if problems:
        sys.exit(1)
