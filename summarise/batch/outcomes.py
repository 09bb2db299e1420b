"""What happened to each document of a batch, and to the batch as a whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from summarise.brief import Usage
from summarise.errors import EXIT_INTERRUPTED, EXIT_PROBLEMS


class Status(StrEnum):
    DONE = "done"
    INCOMPLETE = "incomplete"  # a brief was written, but a task failed for part of the document
    SKIPPED = "skipped"  # its brief is up to date
    FAILED = "failed"  # no brief: the document could not be read, or the endpoint failed
    WAITING = "waiting"  # provider batch: its next requests are out in a job or an exported file


@dataclass
class Outcome:
    name: str  # the document, relative to the input folder
    status: Status
    detail: str = ""  # why it was skipped or failed, or what went missing
    output: str = ""  # the brief, relative to the output folder
    usage: Usage = field(default_factory=Usage)
    seconds: float = 0.0


@dataclass
class BatchRun:
    outcomes: list[Outcome]
    interrupted: bool = False  # Ctrl-C: documents not started were left for the next run
    abandoned: bool = False  # a second Ctrl-C: threads still in flight must not be waited for
    report: str = ""  # for standard output: the closing table, or the dry-run plan

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_PROBLEMS if self.count(Status.FAILED) else 0

    def count(self, status: Status) -> int:
        return sum(outcome.status == status for outcome in self.outcomes)

    def usage(self) -> Usage:
        return sum((outcome.usage for outcome in self.outcomes), Usage())
