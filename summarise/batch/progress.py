"""How a batch shows its progress: a bar at a terminal, plain lines for logs, nothing with -q.

Both are displays of the one `Progress` family (summarise/reporting/progress.py): a batch tells them
when a document begins and when it has finished; model calls and stages they leave unsaid.
"""

from __future__ import annotations

import sys

from summarise.batch.outcomes import Status
from summarise.reporting import Reporter
from summarise.reporting.progress import Finished, Progress
from summarise.reporting.terminal import shown_markup


class PlainLog(Progress):
    """One line per finished document (a note): what logs and pipes want instead of a redrawn bar."""

    def __init__(self, total: int, reporter: Reporter) -> None:
        self.total, self.reporter, self.done = total, reporter, 0

    def finished(self, outcome: Finished) -> None:
        self.done += 1
        line = f"[{self.done}/{self.total}] {outcome.status:<10} {outcome.name}"
        if outcome.status in (Status.DONE, Status.INCOMPLETE):
            usage = outcome.usage
            line += (
                f" -> {outcome.output} ({usage.llm_calls} calls, {usage.cache_hits} cache hits, "
                f"{usage.tokens:,} tokens, {outcome.seconds:.0f} s)"
            )
            line += f"; {outcome.detail}" if outcome.detail else ""
        elif outcome.detail:
            line += f": {outcome.detail}"
        self.reporter.note(line)


class BarProgress(Progress):
    """A rich progress bar on standard error: done/total, current file, tokens, cache hits, ETA."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as Bar

        self._bar = Bar(
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

    def begin(self, text: str) -> None:
        self._bar.update(self._task, current=shown_markup(text))

    def finished(self, outcome: Finished) -> None:
        self._tokens += outcome.usage.tokens
        self._hits += outcome.usage.cache_hits
        self._bar.update(self._task, advance=1, tokens=self._tokens, hits=self._hits)
        if outcome.status == Status.FAILED:  # printed above the bar, so it stays on screen
            self._bar.console.print(f"[red]failed[/red] {shown_markup(outcome.name)}: {shown_markup(outcome.detail)}")

    def close(self) -> None:
        self._bar.stop()


def at_terminal() -> bool:
    return sys.stderr.isatty()


def choose_progress(reporter: Reporter, total: int) -> Progress:
    """A bar for a person at a terminal, plain lines for logs and pipes, nothing with -q."""
    if reporter.quiet:
        return Progress()
    if at_terminal():
        return BarProgress(total)
    return PlainLog(total, reporter)
