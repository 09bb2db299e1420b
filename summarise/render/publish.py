"""A brief's files (brief/files.BriefFiles): NAME.md, and NAME.json and NAME.html beside it when asked for.

Each is written atomically and only over a file of ours (`write_ours`). The reviewer's
decision recorded in the NAME.md being replaced is carried over when the new brief reads
exactly the same; so are its corrections (grounding/recheck.py), where the new brief still
says what the reviewer corrected.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from summarise.brief import Brief
from summarise.brief.files import BriefFiles, Identity, write_ours
from summarise.brief.header import read_brief
from summarise.grounding.recheck import carry_edits
from summarise.render import read_front_matter, render_json, render_markdown
from summarise.render.front_matter import body_sha256, edits_from, review_from
from summarise.render.markdown import render_body


@dataclass(frozen=True)
class Published:
    brief: Brief  # as written: with the decision it kept, if any
    markdown: str  # what NAME.md holds


def publish(
    files: BriefFiles, brief: Brief, *, index: str | None = None, inputs: frozenset[Identity] = frozenset()
) -> Published:
    """Write every file of `files`. `index` links the page to the folder's. The Markdown is rendered once."""
    try:
        previous: str | None = read_brief(files.markdown)
    except (OSError, UnicodeDecodeError):
        previous = None
    brief = carry_corrections(files.markdown, previous, brief)
    body = render_body(brief)
    brief = carry_review(previous, brief, body)
    if files.json:
        write_ours(files.json_path, render_json(brief), inputs)
    if files.html:
        from summarise.render.html import render_html  # jinja2 is imported only when a page is wanted

        write_ours(files.page, render_html(brief, shown_name(files.markdown), index), inputs)
    # The Markdown last: its front matter is what marks the brief finished (resume reads it),
    # so a run killed in between leaves the brief to be redone, never a brief without its page.
    markdown = render_markdown(brief, body)
    write_ours(files.markdown, markdown, inputs)
    return Published(brief, markdown)


def write_brief(
    path: Path,
    brief: Brief,
    *,
    json: bool = False,
    html: bool = False,
    index: str | None = None,
    inputs: frozenset[Identity] = frozenset(),
) -> Brief:
    """`publish` for a caller with a path and flags; returns the brief as written."""
    return publish(BriefFiles(path, json, html), brief, index=index, inputs=inputs).brief


def carry_review(previous_markdown: str | None, brief: Brief, body: str | None = None) -> Brief:
    """`brief` with the earlier decision if it reads exactly as the brief that was reviewed
    (`body`: render_body(brief), when the caller has it)."""
    review = review_from(read_front_matter(previous_markdown)) if previous_markdown else None
    if review is None or review.reviewed_sha256 != body_sha256(render_markdown(brief, body)):
        return dataclasses.replace(brief, review=None)
    return dataclasses.replace(brief, review=review)


def shown_name(path: Path) -> str:
    """The path as a user would type it from here: relative when it is under the current folder."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def carry_corrections(path: Path, previous_markdown: str | None, brief: Brief) -> Brief:
    """A re-run's brief, about to replace the one at `path`, with that one's corrections carried over,
    and its lines said as that one said them where they read the same: a line the memory gives
    back to the brief it was approved in is that brief's own line, not news."""
    if previous_markdown is None:
        return brief
    earlier = edits_from((read_front_matter(previous_markdown) or {}).get("edits"))
    if earlier and not brief.edits:
        brief = carry_edits(earlier, brief)
    previous = brief_record_of(path)
    if previous is None:
        return brief
    before = {(line.number, line.source, line.translation): line.origin for line in previous.lines}
    lines = tuple(
        dataclasses.replace(line, origin=before[key])
        if line.origin and (key := (line.number, line.source, line.translation)) in before
        else line
        for line in brief.lines
    )
    return dataclasses.replace(brief, lines=lines)


def brief_record_of(path: Path) -> Brief | None:
    """The brief a Markdown file was written from: the record its page (or JSON) carries."""
    import json

    from summarise.render.html import read_page_record
    from summarise.render.json import brief_from_record

    files = BriefFiles(path, json=True, html=True)
    page, data = files.page, files.json_path
    try:
        if page.is_file():
            return read_page_record(page.read_text(encoding="utf-8", errors="replace"))
        if data.is_file():
            return brief_from_record(json.loads(data.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None
    return None
