"""`summarise cache path|stats|clear`: the response cache, from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from summarise.cli.error_lines import reports_errors, say
from summarise.cli.options import cache_dir_option
from summarise.config import default_cache_dir
from summarise.reporting import Reporter
from summarise.reporting.terminal import shown


@click.group()
def cache() -> None:
    """Inspect or empty the response cache.

    \b
    Example:
      summarise cache stats
    """


def _cache_folder(cache_dir: Path | None) -> Path:
    return cache_dir or default_cache_dir()


@cache.command("path")
@cache_dir_option()
@reports_errors
def cache_path(cache_dir: Path | None) -> None:
    """Print the cache folder. Example: summarise cache path"""
    click.echo(shown(_cache_folder(cache_dir)))


@cache.command("stats")
@cache_dir_option()
@reports_errors
def cache_stats(cache_dir: Path | None) -> None:
    """Entries and size of the response cache. Example: summarise cache stats"""
    from summarise.model.cache import cache_for_command

    store = cache_for_command(_cache_folder(cache_dir) / "responses", Reporter(say))
    stats = store.stats()
    click.echo(f"{shown(store.directory)}: {stats['entries']} responses, {stats['bytes'] / 1e6:.1f} MB")


@cache.command("clear")
@cache_dir_option()
@reports_errors
def cache_clear(cache_dir: Path | None) -> None:
    """Delete every cached response and packed glossary (the model file stays). Example: summarise cache clear"""
    from summarise.config.glossary_cache import clear
    from summarise.model.cache import cache_for_command

    removed = cache_for_command(_cache_folder(cache_dir) / "responses", Reporter(say)).clear()
    click.echo(f"removed {removed} cached responses")
    if glossaries := clear(_cache_folder(cache_dir)):
        click.echo(f"removed {glossaries} packed glossaries")
