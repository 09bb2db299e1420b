"""Resume: is a brief up to date, and what the last run recorded (for --retry-failed).

The state file is ours but lives in a folder anyone may edit: it is validated before the
batch starts, and one that does not hold what we wrote is set aside (renamed, never
deleted) with a warning, so a bad file costs one line, not the run.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from summarise.batch.discover import Item
from summarise.batch.outcomes import BatchRun, Outcome, Status
from summarise.brief.files import aside_name, atomic_write
from summarise.errors import ConfigError
from summarise.reporting import Reporter

STATE_FILE = ".summarise-batch.json"
STATE_VERSION = 1
LOCKS = ".summarise-locks"  # inside the output folder: one lock per brief, one for the state file, one for the index
CLAIMED = "being summarised by another summarise process"  # the outcome of a document another run holds


def _problem(data: object) -> str | None:
    """Why `data` is not a state file we wrote, or None if it is one."""
    if not isinstance(data, dict):
        return "not a JSON object"
    documents = data.get("documents")
    if not isinstance(documents, dict):
        return "no 'documents' object"
    statuses = {str(status) for status in Status}
    for name, entry in documents.items():
        if not isinstance(entry, dict) or entry.get("status") not in statuses:
            return f"the entry for {name!r} is not a document's record"
        if not isinstance(entry.get("detail", ""), str):
            return f"the entry for {name!r} has a detail that is not text"
    return None


def _load(path: Path) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The documents recorded in `path`, and why the file is bad if it is."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, None
    except UnicodeDecodeError:
        return {}, "not UTF-8 text"
    except ValueError as exc:
        return {}, f"not valid JSON: {exc}"
    except OSError as exc:
        return {}, f"unreadable: {exc.strerror}"
    problem = _problem(data)
    return ({}, problem) if problem else (data["documents"], None)


def check_state(output_dir: Path, reporter: Reporter, *, dry_run: bool = False) -> bool:
    """Before the batch: a bad state file is set aside with a warning. True if it was bad."""
    path = output_dir / STATE_FILE
    _documents, problem = _load(path)
    if problem is None:
        return False
    if dry_run:
        reporter.warn(f"Warning: {path} is damaged ({problem}); a real run will set it aside")
        return True
    aside = aside_name(path, "bad")
    try:
        path.rename(aside)
    except OSError as exc:
        raise ConfigError(f"{path} is damaged ({problem}) and cannot be moved aside ({exc.strerror})") from exc
    reporter.warn(f"Warning: {path} is damaged ({problem}); moved it to {aside.name} and started a new record")
    return True


def read_state(output_dir: Path) -> dict[str, dict[str, Any]]:
    """What the last runs recorded; a bad file (checked and set aside at the start) reads as empty."""
    return _load(output_dir / STATE_FILE)[0]


def _recorded(outcome: Outcome) -> bool:
    return not (outcome.status == Status.SKIPPED and outcome.detail == CLAIMED)


@contextlib.contextmanager
def folder_lock(output_dir: Path, name: str) -> Iterator[None]:
    """A lock shared by every process writing one file of the folder (the state file, the
    index), or none when no lock folder can be had (better a record than none)."""
    try:
        (output_dir / LOCKS).mkdir(parents=True, exist_ok=True)
        lock = FileLock(output_dir / LOCKS / name)
        lock.acquire(timeout=60)
    except (OSError, Timeout):
        yield
        return
    try:
        yield
    finally:
        lock.release()


def write_state(output_dir: Path, items: Sequence[Item], run: BatchRun) -> None:
    """Entries of documents still in the folder are kept, then overwritten by this run's outcomes.

    A document another process was working on keeps that process's entry; the file is
    read and written under a lock, so two runs finishing together both land.
    """
    with folder_lock(output_dir, "state.lock"):
        previous = read_state(output_dir)
        names = {item.name for item in items}
        documents = {name: entry for name, entry in previous.items() if name in names}
        documents |= {
            outcome.name: {**asdict(outcome), "usage": outcome.usage.as_dict()}
            for outcome in run.outcomes
            if _recorded(outcome)
        }
        state = {"version": STATE_VERSION, "interrupted": run.interrupted, "documents": dict(sorted(documents.items()))}
        atomic_write(output_dir / STATE_FILE, json.dumps(state, ensure_ascii=False, indent=2) + "\n")


def failed_last_time(items: Sequence[Item], output_dir: Path) -> list[Item]:
    state = read_state(output_dir)
    if not state:
        raise ConfigError(f"no earlier batch recorded in {output_dir / STATE_FILE}: run without --retry-failed")
    return [item for item in items if state.get(item.name, {}).get("status") == Status.FAILED]
