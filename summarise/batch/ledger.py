"""The provider-batch record: which requests we sent out, and which jobs are running.

Kept in its own file beside the batch state (`.summarise-batch-jobs.json` in the output
folder) because it must be written the moment a job is created, long before the folder
run ends: a killed command finds its job here and polls it instead of paying for a
second one. It also lets an import refuse a result for a request we never made.
Bodies are not kept (they hold whole documents); the cache key is enough to store an
answer, and the next round re-collects whatever is still missing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from summarise.batch.collect import Request
from summarise.brief.files import atomic_write
from summarise.errors import ConfigError

LEDGER_FILE = ".summarise-batch-jobs.json"
LEDGER_VERSION = 1
TERMINAL = ("completed", "failed", "expired", "cancelled")


@dataclass
class Sent:
    """A request that left in a round: enough to check and store its answer."""

    key: str
    allow_truncated: bool
    label: str = ""
    documents: list[str] = field(default_factory=list)
    attempts: int = 0  # rounds whose job gave no usable answer for it
    error: str = ""  # the last reason
    max_tokens: int = 0  # what the request allowed: a longer answer is refused, as a direct one would be

    def as_request(self) -> Request:
        body = {"max_tokens": self.max_tokens} if self.max_tokens else {}
        return Request(self.key, body, self.allow_truncated, self.label)


@dataclass
class Job:
    input_file_id: str
    round: int
    requests: int
    custom_ids: list[str] = field(default_factory=list)  # what it was asked: unanswered ones are retried
    id: str = ""  # empty between the upload and batches.create: a resume looks it up by file
    status: str = "submitting"
    imported: bool = False


@dataclass
class Ledger:
    path: Path
    round: int = 0
    sent: dict[str, Sent] = field(default_factory=dict)  # by custom_id
    jobs: list[Job] = field(default_factory=list)

    @classmethod
    def load(cls, output_dir: Path) -> Ledger:
        path = output_dir / LEDGER_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("version") != LEDGER_VERSION:
                raise ValueError("not a summarise batch record")
            sent = {cid: Sent(**entry) for cid, entry in data.get("sent", {}).items()}
            jobs = [Job(**entry) for entry in data.get("jobs", [])]
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError, TypeError) as exc:
            raise ConfigError(f"{path} is unreadable ({exc}); delete it to start the batch jobs afresh") from exc
        return cls(path, int(data.get("round", 0)), sent, jobs)

    def save(self) -> None:
        data: dict[str, Any] = {
            "version": LEDGER_VERSION,
            "round": self.round,
            "jobs": [asdict(job) for job in self.jobs],
            "sent": {cid: asdict(entry) for cid, entry in sorted(self.sent.items())},
        }
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    def record(self, requests: dict[str, Request], documents: dict[str, list[str]]) -> None:
        """Requests about to leave (documents: key -> names of the documents that need it)."""
        for request in requests.values():
            entry = self.sent.get(request.custom_id) or Sent(request.key, request.allow_truncated, request.label)
            entry.max_tokens = int(request.body.get("max_tokens") or 0)
            entry.documents = sorted(set(entry.documents) | set(documents.get(request.key, [])))
            self.sent[request.custom_id] = entry

    def expected(self) -> dict[str, Request]:
        return {cid: entry.as_request() for cid, entry in self.sent.items()}

    def failed(self, failures: dict[str, str]) -> None:
        for cid, why in failures.items():
            if cid in self.sent:
                self.sent[cid].attempts += 1
                self.sent[cid].error = why

    def running(self) -> Job | None:
        return next((job for job in self.jobs if not job.imported), None)
