"""`summarise review`: a reviewer's decision on one brief, the review desk for a folder, the export."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from summarise.cli.error_lines import reports_errors, say
from summarise.cli.options import cache_dir_option
from summarise.reporting.terminal import shown


def at_terminal() -> bool:
    """Whether a person can answer a question (standard input is a terminal)."""
    return sys.stdin.isatty()


@click.command()
@click.argument("brief_path", metavar="NAME.md|FOLDER", type=click.Path(path_type=Path))
@click.option("--approve", is_flag=True, help="Record that the brief is right.")
@click.option("--reject", metavar="REASON", help="Record that it is not, and why.")
@click.option("--clear", is_flag=True, help="Forget the decision: back to needs review.")
@click.option("--serve", is_flag=True, help="Open a review desk for a FOLDER of briefs in the browser (127.0.0.1).")
@click.option("--no-open", is_flag=True, help="With --serve: print the desk's address, open no browser.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="With --serve: the desk's port on 127.0.0.1. [default: the last one for this folder, if free]",
)
@click.option(
    "--despite-problems", is_flag=True, help="With --approve: approve a brief with failed checks or flagged facts."
)
@click.option(
    "--export",
    "export_to",
    metavar="FILE",
    type=click.Path(path_type=Path),
    help="For a FOLDER: write every decision and fact verdict to FILE (.csv or .jsonl).",
)
@click.option("--by", envvar="SUMMARISE_REVIEWER", show_envvar=True, help="Reviewer's name. [default: login name]")
@cache_dir_option()
@click.option(
    "--no-memory",
    envvar="SUMMARISE_NO_MEMORY",
    is_flag=True,
    help="An approval adds nothing to the translation memory beside the cache (docs/memory.md).",
)
@reports_errors
def review(
    brief_path: Path,
    approve: bool,
    reject: str | None,
    clear: bool,
    serve: bool,
    no_open: bool,
    port: int | None,
    despite_problems: bool,
    export_to: Path | None,
    by: str | None,
    cache_dir: Path | None,
    no_memory: bool,
) -> None:
    """Record a reviewer's decision in a brief's front matter (and redraw its page and index).

    The decision holds for this exact text: a later run that changes the brief sets it
    back to "needs review". Without an option, prints the current decision. With --serve,
    a review desk for a whole folder: approve or reject each brief, a verdict per fact,
    keyboard shortcuts; every decision is written as --approve/--reject writes it.

    \b
    Examples:
      summarise review outputs/report.md --approve
      summarise review outputs/report.md --reject "fact 3 misreads the date"
      summarise review outputs/report.md            # show the decision
      summarise review outputs/ --serve             # the review desk, in the browser
      summarise review outputs/ --export reviews.csv  # every decision and verdict (or .jsonl)
    """
    from summarise.brief import REVIEW_DECISIONS
    from summarise.config import default_cache_dir
    from summarise.errors import InputError
    from summarise.review import current_decision, record_review, reviewer

    memory = None if no_memory else cache_dir or default_cache_dir()
    if serve or export_to is not None:
        if approve or reject is not None or clear or (serve and export_to is not None):
            raise click.UsageError("--serve and --export take a folder, and none of --approve, --reject, --clear")
        if not brief_path.is_dir():
            raise InputError(f"{brief_path}: not a folder (--serve and --export read a folder of briefs)")
    if export_to is not None:
        from summarise.review.records import export_reviews

        count = export_reviews(brief_path, export_to)
        say(f"wrote {count} brief(s)' decisions and verdicts to {export_to}")
        return
    if serve:
        from summarise.review.desk import run_desk

        run_desk(
            brief_path,
            (by or "").strip() or reviewer(),
            not no_open,
            lambda line: click.echo(shown(line)),
            port or 0,
            memory,
        )
        return
    if port is not None:
        raise click.UsageError("--port goes with --serve")
    if brief_path.is_dir():
        raise InputError(f"{brief_path}: is a folder; give NAME.md, --serve or --export to review the folder")

    chosen = [
        name for name, given in (("--approve", approve), ("--reject", reject is not None), ("--clear", clear)) if given
    ]
    if len(chosen) > 1:
        raise click.UsageError(f"{' and '.join(chosen)} cannot be used together")
    if reject is not None and not reject.strip():
        raise click.UsageError('--reject needs a reason, e.g. --reject "fact 3 misreads the date"')
    if not chosen:
        click.echo(shown(current_decision(brief_path)))
        return
    if despite_problems and not approve:
        raise click.UsageError("--despite-problems goes with --approve")
    if approve and not despite_problems:
        from summarise.review.records import acknowledge_problems

        ask = (lambda question: click.confirm(shown(question), default=False, err=True)) if at_terminal() else None
        acknowledge_problems(brief_path, ask)
    decision = None if clear else REVIEW_DECISIONS[0] if approve else REVIEW_DECISIONS[1]
    recorded = record_review(
        brief_path, decision, (by or "").strip() or reviewer(), (reject or "").strip(), memory=memory
    )
    for line in recorded.report(brief_path):
        say(line)
