"""The review package: a person's decision on a brief. Exports record_review, current_decision,
reviewer and the rest of this module; the local review desk is review/desk.py (`run_desk`).

A reviewer's decision: kept in the brief's front matter, bound to the text they read.

`summarise review NAME.md --approve` (or `--reject "why"`) writes who and when into the
front matter, with the sha256 of the brief's text below it. A later run that writes the
same text keeps the decision; one that changes a word sets the brief back to "needs
review". The body of the Markdown is never touched here, so the hash stays true.

Reading a decision back (render/front_matter.py) and carrying it over a rewritten brief
(render/publish.py) sit below: batch and publish use them without importing this command.
"""

from __future__ import annotations

import dataclasses
import getpass
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from summarise.brief import FactVerdict, Review
from summarise.brief.files import BriefFiles, write_ours
from summarise.brief.header import BadHeader, parse_header, read_brief
from summarise.errors import InputError
from summarise.render import render_markdown
from summarise.render.front_matter import (
    MAX_REVIEW_CHARS,
    body_sha256,
    dump_yaml,
    holding_review,
    review_from,
    review_front_matter,
    split_markdown,
)
from summarise.render.publish import shown_name

# A reviewer's words go into the brief's front matter, which summarise must always read back:
# each is bounded, and a longer one is refused with one line, never cut (it is someone's words).
MAX_REVIEWER_CHARS = 200
MAX_REASON_CHARS = 2000
MAX_NOTE_CHARS = 1000


def reviewer() -> str:
    """Who is reviewing: SUMMARISE_REVIEWER, else the login name."""
    name = os.environ.get("SUMMARISE_REVIEWER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no such user in a container's passwd
        return "unknown"


@dataclass(frozen=True)
class Recorded:
    review: Review | None
    page: Path | None  # the .html redrawn, if there was one
    stale_page: Path | None  # an .html drawn from another version of the brief: left alone
    index: Path | None  # the folder index rewritten, if the brief is in a batch's folder

    def report(self, path: Path) -> list[str]:
        """What `summarise review` says it did, a line each."""
        what = "needs review" if self.review is None else f"{self.review.decision} by {self.review.by}"
        lines = [f"{path}: {what}"]
        if self.page:
            lines.append(f"redrew {self.page}")
        if self.stale_page:
            lines.append(
                f"Warning: {self.stale_page} shows another version of this brief; run summarise batch to redraw it"
            )
        if self.index:
            lines.append(f"updated {self.index} and {self.index.with_suffix('.html')}")
        return lines


def with_review(markdown: str, review: Review | None) -> str:
    """The same brief with its front matter's review replaced; the body byte for byte."""
    _header, body = split_markdown(markdown)
    try:
        front = parse_header(markdown)
    except BadHeader as exc:
        raise InputError(f"not a brief written by summarise ({exc})") from exc
    front["review"] = review_front_matter(review)
    if review is not None and len(dumped := dump_yaml(front["review"])) > MAX_REVIEW_CHARS:
        raise InputError(
            f"the decision's words come to {len(dumped):,} characters; a brief keeps at most "
            f"{MAX_REVIEW_CHARS:,}: shorten the notes"
        )
    return f"---\n{dump_yaml(front)}---\n{body}"


def _check_lengths(by: str, reason: str, verdicts: tuple[FactVerdict, ...]) -> None:
    """One line for the first of a reviewer's words that is over its bound."""
    words = [("the reviewer's name", by, MAX_REVIEWER_CHARS), ("the reason", reason, MAX_REASON_CHARS)]
    words += [(f"the note on fact {v.fact}", v.note, MAX_NOTE_CHARS) for v in verdicts]
    for what, text, most in words:
        if len(text) > most:
            raise InputError(f"{what} is {len(text):,} characters; a brief keeps at most {most:,}: say it shorter")


def batch_root(path: Path) -> Path | None:
    """The folder `summarise batch` wrote this brief into (it holds the state file), if any."""
    from summarise.batch.state import STATE_FILE

    for folder in path.resolve().parents:
        if (folder / STATE_FILE).is_file():
            return folder
    return None


def index_link(page: Path, root: Path | None) -> str | None:
    if root is None:
        return None
    depth = len(page.resolve().relative_to(root).parts) - 1
    return "../" * depth + "index.html"


def record_review(
    path: Path,
    decision: str | None,
    by: str,
    reason: str = "",
    verdicts: tuple[FactVerdict, ...] = (),
    at: str | None = None,
) -> Recorded:
    """Write (or, with decision None, clear) a decision, with the reviewer's per-fact verdicts
    if any (the review desk); redraw the page and the index. `at` puts back a decision made
    earlier (the desk's undo); by default it is made now."""
    from summarise.render.html import read_page_record, render_html  # jinja2 only when needed

    if decision is not None:
        _check_lengths(by, reason, verdicts)  # before anything is read or written
    try:
        markdown = read_brief(path)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it ({exc})") from exc
    review = None
    if decision is not None:
        at = at or datetime.now(UTC).replace(microsecond=0).isoformat()
        review = Review(decision, by, at, reason, body_sha256(markdown), verdicts)
    try:
        updated = with_review(markdown, review)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from exc
    write_ours(path, updated)
    page = BriefFiles(path, html=True).page
    root = batch_root(path)
    redrawn = stale = None
    if page.is_file():
        brief = read_page_record(page.read_text(encoding="utf-8", errors="replace"))
        if brief is not None and body_sha256(render_markdown(brief)) == body_sha256(markdown):
            brief = dataclasses.replace(brief, review=review)
            write_ours(page, render_html(brief, shown_name(path), index_link(page, root)))
            redrawn = page
        else:
            stale = page
    index = None
    if root is not None:
        from summarise.batch.reports import write_index

        index = write_index(root)
    return Recorded(review, redrawn, stale, index)


def current_decision(path: Path) -> str:
    """What `summarise review NAME.md` prints: the decision, or "needs review"."""
    try:
        markdown = read_brief(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it ({exc})") from exc
    try:
        front = parse_header(markdown)
    except BadHeader as exc:
        raise InputError(f"{path}: not a brief written by summarise ({exc})") from exc
    current = holding_review(markdown)
    if current is None:
        earlier = review_from(front)
        changed = f" (the text changed after it was {earlier.decision} by {earlier.by})" if earlier else ""
        return f"needs review{changed}"
    return f"{current.decision} by {current.by} on {current.at}" + (f": {current.reason}" if current.reason else "")
