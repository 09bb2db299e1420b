"""A reviewer's correction written to a brief's files (the desk's "Correct…" boxes): checked by
grounding/recheck.py, under the folder's journal (review/__init__.py), refused on a text the
reviewer was not shown."""

from __future__ import annotations

from pathlib import Path

from summarise.brief import Brief
from summarise.brief.files import BriefFiles
from summarise.errors import InputError
from summarise.grounding.recheck import corrected
from summarise.render import render_markdown
from summarise.render.front_matter import body_sha256
from summarise.render.publish import brief_record_of, carry_review, write_brief
from summarise.review import (
    JOURNAL,
    StaleVersion,
    batch_root,
    finish_interrupted,
    index_link,
    read_brief_text,
    write_journal,
)


def write_correction(
    path: Path, version: str, kind: str, number: int, text: str, by: str, index_later: bool = False
) -> Brief:
    """Correct one item of the brief at `path`, read at `version` (the sha256 of its text), and
    write it with its page and JSON; a decision made on the old text no longer holds.

    The page and JSON (which hold the whole record) are written first, the Markdown last, under
    the folder's journal: an interrupted correction is finished from the page (review.py).
    `index_later`: the folder's index and the journal are left to the caller (record_review's)."""
    root = batch_root(path)
    if root is not None and not index_later and (root / JOURNAL).is_file():  # one cut off before: finished first
        finish_interrupted(root)
    markdown = read_brief_text(path)
    if version != body_sha256(markdown):
        raise StaleVersion(path, body_sha256(markdown))
    brief = brief_record_of(path)
    if brief is None or body_sha256(render_markdown(brief)) != body_sha256(markdown):
        raise InputError(f"{path}: its page or JSON shows another version of the brief; run summarise batch")
    brief = corrected(carry_review(markdown, brief), kind, number, text, by)
    if root is not None:
        write_journal(root / JOURNAL, path)
    files = BriefFiles(path, json=True, html=True)
    page = files.page
    index = index_link(page, root) if root is not None else None
    written = write_brief(path, brief, json=files.json_path.is_file(), html=page.is_file(), index=index)
    if root is not None and not index_later:
        from summarise.batch.reports import write_index

        write_index(root)
        (root / JOURNAL).unlink(missing_ok=True)
    return written
