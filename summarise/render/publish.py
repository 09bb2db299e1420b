"""A brief's files: NAME.md, and NAME.json and NAME.html beside it when asked for.

Each is written atomically and only over a file of ours (`write_ours`). The reviewer's
decision recorded in the NAME.md being replaced is carried over when the new brief reads
exactly the same.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from summarise.brief import Brief
from summarise.brief.files import Identity, write_ours
from summarise.brief.header import read_brief
from summarise.render import read_front_matter, render_json, render_markdown
from summarise.render.front_matter import body_sha256, review_from


def write_brief(
    path: Path,
    brief: Brief,
    *,
    json: bool = False,
    html: bool = False,
    index: str | None = None,
    inputs: frozenset[Identity] = frozenset(),
) -> Brief:
    """Returns the brief as written (with the decision it kept, if any). `index` links the page to the folder's."""
    try:
        previous: str | None = read_brief(path)
    except (OSError, UnicodeDecodeError):
        previous = None
    brief = carry_review(previous, brief)
    if json:
        write_ours(path.with_suffix(".json"), render_json(brief), inputs)
    if html:
        from summarise.render.html import render_html  # jinja2 is imported only when a page is wanted

        write_ours(path.with_suffix(".html"), render_html(brief, shown_name(path), index), inputs)
    # The Markdown last: its front matter is what marks the brief finished (resume reads it),
    # so a run killed in between leaves the brief to be redone, never a brief without its page.
    write_ours(path, render_markdown(brief), inputs)
    return brief


def carry_review(previous_markdown: str | None, brief: Brief) -> Brief:
    """`brief` with the earlier decision if it reads exactly as the brief that was reviewed."""
    review = review_from(read_front_matter(previous_markdown)) if previous_markdown else None
    if review is None or review.reviewed_sha256 != body_sha256(render_markdown(brief)):
        return dataclasses.replace(brief, review=None)
    return dataclasses.replace(brief, review=review)


def shown_name(path: Path) -> str:
    """The path as a user would type it from here: relative when it is under the current folder."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
