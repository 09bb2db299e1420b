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


class StaleVersion(InputError):
    """A decision or correction made on a text that is no longer the brief's (a stale tab, a re-run)."""

    def __init__(self, path: Path, shown: str) -> None:
        super().__init__(f"{path} changed after it was shown (now version {shown[:12]}): nothing was recorded")
        self.shown = shown


# A decision is written to the brief first (the record), then its page and the folder's index,
# which are drawn from the briefs. The journal names the brief between the two: a run killed
# there leaves it, and the next desk or `summarise review` redraws that page and the index.
JOURNAL = ".summarise-review-journal"


def read_brief_text(path: Path) -> str:
    try:
        return read_brief(path)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it ({exc})") from exc


def record_review(
    path: Path,
    decision: str | None,
    by: str,
    reason: str = "",
    verdicts: tuple[FactVerdict, ...] = (),
    at: str | None = None,
    *,
    version: str | None = None,
    memory: Path | None = None,
    index_later: bool = False,
) -> Recorded:
    """Write (or, with decision None, clear) a decision, with the reviewer's per-fact verdicts
    if any (the review desk); redraw the page and the index. `version`, when given, is the
    sha256 of the text the reviewer read: a brief that reads otherwise now is left as it is.
    `memory`, the cache folder, takes the line pairs an approval vouches for (review/memory.py).
    `index_later` (the desk): the folder's index is left to the caller, with the journal, which
    the caller removes once it has redrawn the index (review/index_later.py)."""
    if decision is not None:
        _check_lengths(by, reason, verdicts)  # before anything is read or written
    root = batch_root(path)
    if root is not None and not index_later and (root / JOURNAL).is_file():  # one cut off before: finished first
        finish_interrupted(root)
    markdown = read_brief_text(path)
    if version is not None and version != body_sha256(markdown):
        raise StaleVersion(path, body_sha256(markdown))
    review = None
    if decision is not None:
        at = at or datetime.now(UTC).replace(microsecond=0).isoformat()
        review = Review(decision, by, at, reason, body_sha256(markdown), verdicts)
    try:
        updated = with_review(markdown, review)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from exc
    journal = root / JOURNAL if root is not None else None
    if journal is not None:
        write_journal(journal, path)
    write_ours(path, updated)
    redrawn, stale = redraw_page(path, updated, root)
    index = None
    if root is not None and not index_later:
        from summarise.batch.reports import write_index

        index = write_index(root)
        (root / JOURNAL).unlink(missing_ok=True)
    if memory is not None and review is not None and review.decision == "approved":
        _remember(path, updated, review, memory)
    return Recorded(review, redrawn, stale, index)


def _remember(path: Path, markdown: str, review: Review, cache_dir: Path) -> None:
    """An approved brief's reviewed lines into the translation memory (last: the decision is the record)."""
    from summarise.render.publish import brief_record_of
    from summarise.review.memory import remember, reviewed_lines

    brief = brief_record_of(path)
    if brief is not None and body_sha256(render_markdown(brief)) == body_sha256(markdown):
        remember(cache_dir, reviewed_lines(brief, path.name, review.by, review.at))


def write_journal(journal: Path, path: Path) -> None:
    from summarise.brief.files import atomic_write

    atomic_write(journal, str(path.resolve()) + "\n")


def redraw_page(path: Path, markdown: str, root: Path | None) -> tuple[Path | None, Path | None]:
    """The brief's page redrawn with the decision its Markdown holds: (redrawn, or left as another version's)."""
    from summarise.render.html import read_page_record, render_html  # jinja2 only when needed

    page = BriefFiles(path, html=True).page
    if not page.is_file():
        return None, None
    brief = read_page_record(page.read_text(encoding="utf-8", errors="replace"))
    if brief is None or body_sha256(render_markdown(brief)) != body_sha256(markdown):
        return None, page
    brief = dataclasses.replace(brief, review=holding_review(markdown))
    write_ours(page, render_html(brief, shown_name(path), index_link(page, root)))
    return page, None


def _finish_brief(path: Path, root: Path) -> None:
    """A correction writes the page (the whole record) before the brief, a decision the brief
    before the page: whichever was cut off, the one written first is the newer."""
    from summarise.render.html import read_page_record

    markdown = read_brief_text(path)
    page = BriefFiles(path, html=True).page
    brief = read_page_record(page.read_text(encoding="utf-8", errors="replace")) if page.is_file() else None
    if brief is not None and body_sha256(render_markdown(brief)) != body_sha256(markdown):
        write_ours(path, render_markdown(dataclasses.replace(brief, review=None)))  # the correction, unreviewed
        return
    redraw_page(path, markdown, root)


def finish_interrupted(root: Path) -> Path | None:
    """A decision cut off between its brief and the index (Ctrl-C, kill): its page and the index
    redrawn from the brief, which holds the decision. The brief, if one was."""
    journal = root / JOURNAL
    try:
        named = Path(journal.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        return None
    if named.is_file() and named.resolve().is_relative_to(root.resolve()):
        _finish_brief(named, root)
    from summarise.batch.reports import write_index

    write_index(root)
    journal.unlink(missing_ok=True)
    return named


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
