"""A reviewer's work in the desk before it is a decision: verdicts, notes and the reason, saved as
they are made, so that a reload, a closed tab or a refused (stale) decision loses none of it.

One small JSON file per brief in a private folder beside the briefs; written atomically;
removed when the decision is recorded. Only the decision form's own fields are kept.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from summarise.brief.files import atomic_write, private_folder

DRAFTS = ".summarise-drafts"
_KEPT = re.compile(r"(verdict|note)-\d{1,4}|reason|acknowledged")
_VERDICT = re.compile(r"verdict-(\d{1,4})")
MAX_FIELD = 5000  # characters of one note: a draft is a review's notes, never a file


def draft_path(folder: Path, brief: str) -> Path:
    return folder / DRAFTS / (hashlib.sha256(brief.encode()).hexdigest()[:24] + ".json")


def draft_fields(form: dict[str, list[str]]) -> dict[str, str]:
    """The decision form's fields worth keeping from a posted form: verdicts, notes, reason."""
    return {name: values[0][:MAX_FIELD] for name, values in sorted(form.items()) if _KEPT.fullmatch(name) and values}


def save_draft(folder: Path, brief: str, fields: dict[str, str]) -> None:
    path = draft_path(folder, brief)
    private_folder(path.parent)
    atomic_write(path, json.dumps({"brief": brief, "fields": fields}, ensure_ascii=False) + "\n")


def load_draft(folder: Path, brief: str) -> dict[str, str]:
    try:
        data = json.loads(draft_path(folder, brief).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("brief") != brief or not isinstance(data.get("fields"), dict):
        return {}
    return {str(k): str(v) for k, v in data["fields"].items() if _KEPT.fullmatch(str(k))}


def drafted_facts(fields: dict[str, str]) -> set[int]:
    """The facts a draft gives a verdict (judged work, though not yet a decision)."""
    from summarise.brief import FACT_VERDICTS

    found = ((_VERDICT.fullmatch(name), value) for name, value in fields.items())
    return {int(match[1]) for match, value in found if match and value in FACT_VERDICTS}


def drafted_in(folder: Path) -> dict[str, set[int]]:
    """Every brief of the folder with a draft, and the facts it judges. Drafts are few (one per
    brief begun and not decided), so the queue reads them all at each request."""
    found: dict[str, set[int]] = {}
    try:
        files = list((folder / DRAFTS).glob("*.json"))
    except OSError:
        return found
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
            continue
        brief = data.get("brief")
        if isinstance(brief, str) and path == draft_path(folder, brief):  # a file of its own name only
            found[brief] = drafted_facts({str(k): str(v) for k, v in data["fields"].items()})
    return found


def clear_draft(folder: Path, brief: str) -> None:
    draft_path(folder, brief).unlink(missing_ok=True)
