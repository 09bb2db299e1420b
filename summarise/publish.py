"""A brief's files: NAME.md, and NAME.json and NAME.html beside it when asked for.

Each is written atomically and only over a file of ours (`write_ours`). The reviewer's
decision recorded in the NAME.md being replaced is carried over when the new brief reads
exactly the same.
"""

from __future__ import annotations

from pathlib import Path

from summarise.brief import Brief
from summarise.files import Identity, write_ours
from summarise.render import render_json, render_markdown
from summarise.review import carry_review, shown_name


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
        previous: str | None = path.read_text(encoding="utf-8")
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
