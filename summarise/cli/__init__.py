"""The cli package: the `summarise` command. Exports `main` (here, the click group); its options are
cli/options.py, its one error line cli/error_lines.py, `summarise brief` for one document
cli/one_document.py (`brief_file`), `cache` cli/cache_command.py, `memory` cli/memory_command.py,
`review` cli/review_command.py, `doctor` cli/diagnosis.py.

The command line: each command takes its options (summarise/cli/options.py), calls one core
function, and turns the outcome into an exit code; our errors become one `Error:` line."""

from __future__ import annotations

import os
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import click

from summarise.brief.version import __version__
from summarise.cli.cache_command import cache
from summarise.cli.error_lines import OneLineErrors, reports_errors, say
from summarise.cli.memory_command import memory
from summarise.cli.options import FiniteFloat, endpoint_options, glossary_option, settings_from
from summarise.cli.review_command import review
from summarise.config import Settings
from summarise.errors import EXIT_PROBLEMS
from summarise.reporting.terminal import shown


def settings_from_env(*args: str) -> Settings:
    """The Settings the CLI resolves from these options and the environment (for tests and benchmarks)."""
    with doctor.make_context("summarise", list(args)) as context:
        return settings_from(context.params)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="summarise")
def main() -> None:
    """Turn documents in any language into Markdown briefs: summary, key facts with
    their source sentences, and a full translation.

    \b
    Example:
      summarise brief inputs/report.txt        # writes outputs/report.md
      summarise batch inputs/ --jobs 4         # a whole folder, with an index
    """


json_option = click.option("--json", "write_json", is_flag=True, help="Also write a JSON file beside the Markdown.")


@main.command()
@click.argument("source")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, allow_dash=True), help="Brief path, or - for standard output."
)
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Chunks in parallel.")
@click.option("-q", "--quiet", is_flag=True, help="No progress; errors and warnings are still shown.")
@json_option
@click.option("--html", "write_html", is_flag=True, help="Also write an HTML review page beside the Markdown.")
@glossary_option()
@endpoint_options
@reports_errors
def brief(
    source: str, output: Path | None, jobs: int, quiet: bool, write_json: bool, write_html: bool, **options: Any
) -> None:
    """Write a brief of one document: a file (text, PDF, Word, HTML, Markdown), an
    http(s) URL, or - for standard input.

    \b
    Examples:
      summarise brief inputs/report.txt                 # -> outputs/report.md
      summarise brief report.pdf                        # facts cite their page
      summarise brief https://example.org/news/article  # -> outputs/article.md
      summarise brief inputs/report.txt --to German -o report.de.md
      summarise brief inputs/report.txt --html          # also outputs/report.html
      summarise brief inputs/report.txt --glossary terms.csv   # house terms kept and checked
      cat notes.txt | summarise brief -                 # brief on standard output
      OPENAI_API_KEY=... summarise brief doc.txt --model gpt-4o-mini
    """
    from summarise.reporting import Reporter
    from summarise.reporting.progress import for_output

    settings = settings_from(options)
    # -v writes its own lines: a redrawn status line would tear them, so -v shows plain progress lines.
    progress = for_output(quiet, interactive=not settings.verbose)
    # Shown before the heavy imports below (the SDK, the readers): the status line comes at once.
    progress.begin(f"reading {'standard input' if str(source) == '-' else shown(str(source))}")
    from summarise.cli.one_document import STDIO, BriefFileOptions, brief_file

    reporter = Reporter(say, quiet=quiet, verbose=settings.verbose, progress=progress)
    try:
        run = brief_file(source, settings, BriefFileOptions(output, jobs, write_json, write_html), reporter)
    finally:
        progress.close()
    if run.output == STDIO:
        click.echo(run.markdown, nl=False)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, exists=True))
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
    help="File names (or paths inside FOLDER) to take; repeatable. [default: *.txt *.md *.pdf *.docx *.html *.htm]",
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
@click.option("--price-prompt", envvar="SUMMARISE_PRICE_PROMPT", show_envvar=True, type=FiniteFloat(min=0),
              help="USD per million prompt tokens, for the dry run's cost.")  # fmt: skip
@click.option("--price-completion", envvar="SUMMARISE_PRICE_COMPLETION", show_envvar=True,
              type=FiniteFloat(min=0), help="USD per million completion tokens.")  # fmt: skip
@json_option
@glossary_option()
@endpoint_options
@reports_errors
def batch(folder: Path, quiet: bool, price_prompt: float | None, price_completion: float | None, **params: Any) -> None:
    """Write a brief of every document in FOLDER, and an index of them. FOLDER may also be
    a text file of URLs, one a line (# starts a comment).

    Re-running skips documents whose brief is up to date (same source and settings), so an
    interrupted batch resumes where it stopped. Exits 1 if any document failed.

    \b
    Examples:
      summarise batch inputs/                         # -> outputs/..., outputs/index.md
      summarise batch inputs/ --include '*.txt' --exclude 'drafts/*' -o briefs/
      summarise batch inputs/ --dry-run               # what it would cost, no model called
      summarise batch inputs/ --retry-failed          # only what failed last time
      summarise batch urls.txt -o briefs/             # every URL listed, fetched
      summarise batch inputs/ --via openai-batch      # rounds of Batch API jobs, half price
      summarise batch inputs/ --export-requests r1.jsonl   # run it anywhere (vllm run_batch), then
      summarise batch inputs/ --import-results out1.jsonl --export-requests r2.jsonl
    """
    from summarise.batch import FolderOptions, run_folder
    from summarise.config.options import Prices
    from summarise.reporting import Reporter

    settings = settings_from(params)
    priced = price_prompt is not None or price_completion is not None
    prices = Prices(price_prompt or 0.0, price_completion or 0.0) if priced else None
    # Built once: the options named as FolderOptions' fields are its own, the rest are the endpoint's.
    own = {field.name: params[field.name] for field in fields(FolderOptions) if field.name in params}
    options = FolderOptions(prices=prices, **own)
    run = run_folder(folder, settings, options, Reporter(say, quiet=quiet, verbose=settings.verbose))
    click.echo(shown(run.report, keep_newlines=True), nl=False)
    if run.abandoned:
        # Python would join the worker threads still in flight before exiting: don't.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(run.exit_code)
    sys.exit(run.exit_code)


@main.command()
@endpoint_options
@reports_errors
def doctor(**options: Any) -> None:
    """Say which endpoint and model will be used, and what is missing.

    \b
    Example:
      summarise doctor
    """
    from summarise.cli.diagnosis import diagnose

    if diagnose(settings_from(options), lambda line: click.echo(shown(line))):
        sys.exit(EXIT_PROBLEMS)


main.add_command(cache)
main.add_command(review)
main.add_command(memory)
