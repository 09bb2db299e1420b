"""The desk's undo: the last decision made at the desk, taken back, even after the desk restarted.

A reviewer who approved by mistake and then stopped the desk (Ctrl-C, a reboot) expects the
"Undo" they saw to still be there when it comes back, as an editor's undo survives saving.
So the last decision is kept beside the desk's key (`.summarise-desk/undo.json`, 0600):
the brief, the review that held before it and the one written. Undo puts the one before back
only while the brief still holds the one written (nothing decided, corrected or re-run since).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from summarise.brief import Review
from summarise.brief.header import read_brief
from summarise.render.front_matter import holding_review, review_from, review_front_matter
from summarise.review import record_review
from summarise.review.access import ACCESS_FOLDER, private_folder, write_private

UNDO_FILE = "undo.json"


@dataclass(frozen=True)
class Undo:
    brief: str  # the Markdown's path in the folder, as the desk names it
    before: Review | None  # the decision that held before, None for "needs review"
    after: Review | None  # the one written

    @property
    def label(self) -> str:
        """What the Undo button says it takes back: "approved brief-03.md"."""
        return f"{self.after.decision} {self.brief}" if self.after else ""


def save_undo(folder: Path, undo: Undo | None) -> None:
    """Keep the last decision for the next start, or forget it (a folder that cannot hold it: this run only)."""
    path = folder / ACCESS_FOLDER / UNDO_FILE
    try:
        if undo is None:
            path.unlink(missing_ok=True)
            return
        kept = {
            "brief": undo.brief,
            "before": review_front_matter(undo.before),
            "after": review_front_matter(undo.after),
        }
        write_private(private_folder(folder) / UNDO_FILE, json.dumps(kept, ensure_ascii=False))
    except OSError:
        pass


def load_undo(folder: Path) -> Undo | None:
    """The last decision made at a desk on this folder, if one was kept and can still be read."""
    try:
        kept = json.loads((folder / ACCESS_FOLDER / UNDO_FILE).read_text(encoding="utf-8"))
        brief, before, after = kept["brief"], kept["before"], kept["after"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(brief, str) or not isinstance(before, dict) or not isinstance(after, dict):
        return None
    return Undo(brief, review_from({"review": before}), review_from({"review": after}))


def take_back(folder: Path, last: Undo, reviewer: str, index_later: bool = False) -> bool:
    """Put back the review that held before `last`; False (nothing written) when the brief changed since."""
    path = folder / last.brief
    try:
        current = holding_review(read_brief(path))
    except (OSError, UnicodeDecodeError):
        return False
    if last.after is None or current != last.after:
        return False
    before = last.before
    if before is None:
        record_review(path, None, reviewer, index_later=index_later)
    else:
        record_review(
            path, before.decision, before.by, before.reason, before.facts, at=before.at, index_later=index_later
        )
    return True
