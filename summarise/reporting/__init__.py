"""The reporting package: how a run tells what it does. Below both the model side and batch, which both
report. Exports `Reporter`, `SILENT`, `WARNINGS_ON_STDERR` (here); the displays are reporting/progress.py,
and printing names safely is reporting/terminal.py.

The one way a run tells the person watching what it does: a `Reporter`.

Every module that has something to say takes the run's reporter and uses one of its
channels; none prints, and none takes callbacks of its own:

- `note`: what a person watching wants to see (the closing line, each round of batch
  jobs); `-q` drops it.
- `warn`: what must be seen even with `-q`: warnings, failures, why nothing ran, Ctrl-C.
- `detail`: only with `-v`: each call, cache hits, timings, a bug's traceback.
- `progress`: the live display (a status line, plain stage lines, a batch's bar), told
  of stages, model calls and finished documents (summarise/reporting/progress.py).

Why an object and not Python `logging`: logging's handlers and levels are global to the
process, while a brief and a batch (and tests running the CLI in-process) each need their
own `-q`/`-v` and their own display; the display (a redrawn status line, a bar) is no log
record either. One small object, passed down, says where every line goes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from summarise.reporting.progress import Progress
from summarise.reporting.terminal import warn_on_stderr


def _nowhere(_text: str) -> None:
    pass


@dataclass(frozen=True)
class Reporter:
    say: Callable[[str], None] = _nowhere  # where a line goes (the CLI: one safe line on stderr)
    quiet: bool = False  # -q: notes and the display go, warnings stay
    verbose: bool = False  # -v: details too
    progress: Progress = field(default_factory=Progress)

    def note(self, text: str) -> None:
        if not self.quiet:
            self.say(text)

    def warn(self, text: str) -> None:
        self.say(text)

    def detail(self, text: str) -> None:
        if self.verbose:
            self.say(text)

    def showing(self, progress: Progress) -> Reporter:
        """The same lines, with another display (a batch's bar instead of a status line)."""
        return replace(self, progress=progress)


SILENT = Reporter()  # the library's default: says nothing
WARNINGS_ON_STDERR = Reporter(warn_on_stderr, quiet=True)  # the LLM's default: its cache may need to warn
