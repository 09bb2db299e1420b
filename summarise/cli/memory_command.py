"""`summarise memory list|forget`: what the translation memory holds, and entries forgotten (docs/memory.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from summarise.cli.error_lines import reports_errors, say
from summarise.cli.options import cache_dir_option
from summarise.config import default_cache_dir
from summarise.reporting.terminal import shown

if TYPE_CHECKING:
    from summarise.review.memory_admin import Listed


@click.group()
def memory() -> None:
    """List or forget the reviewed lines of the translation memory.

    \b
    Examples:
      summarise memory list --source "Genève"
      summarise memory forget 3f2a9c01de
      summarise memory forget --brief report.md
    """


def _describe(item: Listed) -> list[str]:
    entry = item.entry
    said = f"{item.id}  {entry.source_language}→{entry.target_language}  {entry.origin}"
    if entry.corrected_from:
        said += " (corrected)"
    if item.replaced_by:
        said += f" (not used: {item.replaced_by} replaces it)"
    return [said, f"    {entry.source}", f"  → {entry.translation}"]


@memory.command("list")
@click.option("--source", "source", metavar="TEXT", default="", help="Only entries whose source line holds TEXT.")
@click.option("--brief", metavar="NAME.md", default="", help="Only entries from the review of this brief.")
@cache_dir_option()
@reports_errors
def memory_list(source: str, brief: str, cache_dir: Path | None) -> None:
    """Every entry, oldest first: its ID, languages, whose review, source and translation.

    \b
    Example:
      summarise memory list --source "Genève"
    """
    from summarise.config.memory import memory_path
    from summarise.review.memory_admin import listed

    folder = cache_dir or default_cache_dir()
    found = listed(folder, source, brief)
    for item in found:
        for line in _describe(item):
            click.echo(shown(line))
    asked = " matching" if source or brief else ""
    say(f"{len(found)}{asked} entr{'y' if len(found) == 1 else 'ies'} in {memory_path(folder)}")


@memory.command("forget")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--brief", metavar="NAME.md", default="", help="Forget every entry from the review of this brief.")
@cache_dir_option()
@reports_errors
def memory_forget(ids: tuple[str, ...], brief: str, cache_dir: Path | None) -> None:
    """Forget entries: by the ID `summarise memory list` shows (or its first characters), or
    every entry from one brief's review. A later brief asks the model for those lines again.

    \b
    Examples:
      summarise memory forget 3f2a9c01de
      summarise memory forget --brief report.md
    """
    from summarise.review.memory_admin import forget

    if not ids and not brief:
        raise click.UsageError("give the ID of an entry (summarise memory list shows them) or --brief NAME.md")
    for item in forget(cache_dir or default_cache_dir(), ids, brief):
        say(f"forgot {item.id}: {item.entry.source}")
