"""Resume: is a brief up to date, and what the last run recorded (for --retry-failed)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from summarise.batch.discover import Item
from summarise.batch.outcomes import BatchRun, Status
from summarise.errors import ConfigError
from summarise.files import atomic_write
from summarise.render import read_front_matter

STATE_FILE = ".summarise-batch.json"
STATE_VERSION = 1


def is_up_to_date(item: Item, key: str, write_json: bool) -> bool:
    """The brief on disk was made from this source with these settings, and completely."""
    if write_json and not item.output.with_suffix(".json").exists():
        return False
    try:
        front = read_front_matter(item.output.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return False
    return front is not None and front.get("brief_key") == key and front.get("status") == "complete"


def read_state(output_dir: Path) -> dict[str, dict[str, Any]]:
    path = output_dir / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path} is unreadable ({exc}); delete it and run the batch again") from exc
    documents = data.get("documents") if isinstance(data, dict) else None
    return documents if isinstance(documents, dict) else {}


def write_state(output_dir: Path, items: Sequence[Item], run: BatchRun) -> None:
    """Entries of documents still in the folder are kept, then overwritten by this run's outcomes."""
    previous = read_state(output_dir)
    names = {item.name for item in items}
    documents = {name: entry for name, entry in previous.items() if name in names}
    documents |= {outcome.name: {**asdict(outcome), "usage": outcome.usage.as_dict()} for outcome in run.outcomes}
    state = {"version": STATE_VERSION, "interrupted": run.interrupted, "documents": dict(sorted(documents.items()))}
    atomic_write(output_dir / STATE_FILE, json.dumps(state, ensure_ascii=False, indent=2) + "\n")


def failed_last_time(items: Sequence[Item], output_dir: Path) -> list[Item]:
    state = read_state(output_dir)
    if not state:
        raise ConfigError(f"no earlier batch recorded in {output_dir / STATE_FILE}: run without --retry-failed")
    return [item for item in items if state.get(item.name, {}).get("status") == Status.FAILED]
