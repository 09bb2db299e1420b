"""Promise: a brief's front matter is data from outside, and what summarise writes there it
always reads back. A reviewer's words are bounded (one line when over); a document's own long
title cannot make its brief unrecognisable; a hostile header (YAML aliases, wrong types) fails
alone, with one line, in review, batch and the desk's queue; and a brief re-saved with CRLF
line endings or a byte-order mark is still ours (an edit of line endings needs review again).
Briefs are made against the FaultInjectionStub."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from summarise.cli import main

LEEDS = "The council met in Leeds on 4 May 2024. It approved a new budget for the library.\n"


def _batch_of(tmp_path: Path, runner, names: tuple[str, ...] = ("leeds",)) -> None:
    (tmp_path / "in").mkdir()
    for name in names:
        (tmp_path / "in" / f"{name}.txt").write_text(LEEDS, encoding="utf-8")
    made = runner.invoke(main, ["batch", "in"])
    assert made.exit_code == 0, made.output


def _one_error_line(result) -> str:
    assert result.exit_code != 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in result.output, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "given",
    [
        ["--reject", "r" * 70_000],
        ["--approve", "--despite-problems", "--by", "b" * 70_000],
    ],
    ids=["reason", "reviewer's name"],
)
def test_a_reviewers_words_are_bounded_and_the_brief_stays_ours(step_endpoint, runner, tmp_path: Path, given) -> None:
    _batch_of(tmp_path, runner)
    brief = Path("outputs/leeds.md")
    before = brief.read_bytes()

    refused = runner.invoke(main, ["review", str(brief), *given])
    line = _one_error_line(refused)
    assert "70,000 characters" in line and "at most" in line
    assert brief.read_bytes() == before  # nothing written

    # The brief is still ours: every later decision, and a re-run, work.
    assert runner.invoke(main, ["review", str(brief), "--reject", "dates are off", "--by", "Alice"]).exit_code == 0
    assert runner.invoke(main, ["review", str(brief), "--clear"]).exit_code == 0
    assert (
        runner.invoke(main, ["review", str(brief), "--approve", "--despite-problems", "--by", "Alice"]).exit_code == 0
    )
    rerun = runner.invoke(main, ["batch", "in"])
    assert rerun.exit_code == 0 and "did not write it" not in rerun.output, rerun.output


def test_a_documents_own_long_title_leaves_its_brief_recognisable(step_endpoint, runner, tmp_path: Path) -> None:
    """What summarise writes into the front matter itself (a title from the document's metadata)
    is bounded too: the brief is recognised as ours however long the document's title."""
    (tmp_path / "in").mkdir()
    title = "T" * 100_000
    (tmp_path / "in" / "notes.md").write_text(f"---\ntitle: {title}\nauthor: {'A' * 100_000}\n---\n{LEEDS}")
    assert runner.invoke(main, ["batch", "in"]).exit_code == 0
    rerun = runner.invoke(main, ["batch", "in"])
    assert rerun.exit_code == 0 and "did not write it" not in rerun.output, rerun.output
    approved = runner.invoke(main, ["review", "outputs/notes.md", "--approve", "--despite-problems", "--by", "Alice"])
    assert approved.exit_code == 0, approved.output
    assert runner.invoke(main, ["review", "outputs/notes.md"]).output.startswith("approved by Alice")


BOMB = "\n".join(
    ["a0: &a0 [lol, lol, lol, lol, lol, lol]"]
    + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 6)}]" for n in range(1, 7)]
    + ["title: *a6"]
)


@pytest.mark.parametrize(
    ("hostile", "why"),
    [
        (BOMB, "alias"),
        ("base: &b {x: 1}\nfacts:\n  <<: *b\n", "merge key"),
        ("title: [one, two]", "title"),
        ("facts: many", "facts"),
        ("review: approved", "review"),
        ("paragraphs: {a: 1}", "paragraphs"),
    ],
    ids=["alias bomb", "merge key", "title a list", "facts a word", "review a word", "paragraphs a table"],
)
def test_a_hostile_front_matter_fails_alone_with_one_line(step_endpoint, runner, tmp_path: Path, hostile, why) -> None:
    _batch_of(tmp_path, runner, ("bad", "other"))
    bad = Path("outputs/bad.md")
    text = bad.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    kept = [line for line in text.split("\n---\n", 1)[0].splitlines()[1:] if line.startswith("brief_key:")]
    bad.write_text("---\n" + "\n".join([*kept, hostile]) + "\n---\n" + body, encoding="utf-8")

    line = _one_error_line(runner.invoke(main, ["review", str(bad), "--approve"]))
    assert "bad.md" in line and why in line
    _one_error_line(runner.invoke(main, ["review", str(bad)]))

    # The others are untouched by it: a decision on another brief, and the batch, go on.
    other = runner.invoke(main, ["review", "outputs/other.md", "--approve", "--despite-problems", "--by", "Alice"])
    assert other.exit_code == 0, other.output
    index = Path("outputs/index.md").read_text(encoding="utf-8")
    assert "approved by Alice" in index
    unreadable = index.split("## Briefs summarise cannot read", 1)[1]
    assert "bad.md" in unreadable and why in unreadable
    assert "bad.md" in Path("outputs/index.html").read_text(encoding="utf-8").split('id="failed"', 1)[1]
    rerun = runner.invoke(main, ["batch", "in"])
    failed = [line for line in rerun.output.splitlines() if line.startswith("failed ")]
    assert rerun.exit_code == 1 and len(failed) == 1 and "bad.txt" in failed[0] and why in failed[0], rerun.output

    from summarise.review.desk import Desk

    desk = Desk(Path("outputs"), "Alice")
    try:
        queue = desk.queue().body
    finally:
        desk.server.server_close()
    assert [row.brief for row in desk.rows()] == ["other.md"]
    assert "bad.md" in queue.split('id="unreadable"', 1)[1]


def _resaved(path: Path, how: str) -> None:
    text = path.read_text(encoding="utf-8")
    if how == "CRLF":
        path.write_bytes(text.replace("\n", "\r\n").encode())
    elif how == "CR":
        path.write_bytes(text.replace("\n", "\r").encode())
    elif how == "UTF-8 BOM":
        path.write_bytes(codecs.BOM_UTF8 + text.encode())
    elif how == "UTF-16 BOM":
        path.write_bytes(text.encode("utf-16"))  # with its BOM
    else:  # CRLF and a BOM, as Notepad saves
        path.write_bytes(codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode())


@pytest.mark.parametrize("how", ["CRLF", "CR", "UTF-8 BOM", "UTF-16 BOM", "BOM and CRLF"])
def test_a_brief_resaved_by_an_editor_is_still_ours(step_endpoint, runner, tmp_path: Path, how) -> None:
    _batch_of(tmp_path, runner)
    brief = Path("outputs/leeds.md")
    assert (
        runner.invoke(main, ["review", str(brief), "--approve", "--despite-problems", "--by", "Alice"]).exit_code == 0
    )
    _resaved(brief, how)
    _resaved(Path("outputs/leeds.html"), how)

    shown = runner.invoke(main, ["review", str(brief)])
    assert shown.exit_code == 0, shown.output
    # New line endings are an edit of the text: the decision no longer holds. A BOM alone is not.
    line_endings_changed = "CR" in how
    assert shown.output.startswith("needs review" if line_endings_changed else "approved by Alice"), shown.output

    rerun = runner.invoke(main, ["batch", "in"])
    assert rerun.exit_code == 0 and "did not write it" not in rerun.output, rerun.output
    row = next(line for line in Path("outputs/index.md").read_text(encoding="utf-8").splitlines() if "leeds" in line)
    assert ("needs review" in row) == line_endings_changed, row

    approved = runner.invoke(main, ["review", str(brief), "--approve", "--despite-problems", "--by", "Bob"])
    assert approved.exit_code == 0, approved.output
    assert runner.invoke(main, ["review", str(brief)]).output.startswith("approved by Bob")


def test_a_brief_resaved_in_another_encoding_is_listed_as_unreadable(step_endpoint, runner, tmp_path: Path) -> None:
    """A brief re-saved in Latin-1 (not UTF-8) is not silently dropped from the index: it is listed, with why."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "cafe.txt").write_text("Le café a ouvert le 4 mai 2024. Il sert du thé.\n", encoding="utf-8")
    (tmp_path / "in" / "other.txt").write_text(LEEDS, encoding="utf-8")
    assert runner.invoke(main, ["batch", "in"]).exit_code == 0
    brief = Path("outputs/cafe.md")
    brief.write_bytes(brief.read_text(encoding="utf-8").encode("latin-1", "replace"))

    line = _one_error_line(runner.invoke(main, ["review", str(brief)]))
    assert "cafe.md" in line
    approved = runner.invoke(main, ["review", "outputs/other.md", "--approve", "--despite-problems", "--by", "Alice"])
    assert approved.exit_code == 0, approved.output
    unreadable = Path("outputs/index.md").read_text(encoding="utf-8").split("## Briefs summarise cannot read", 1)[1]
    assert "cafe.md" in unreadable and "not UTF-8" in unreadable


@pytest.mark.parametrize(
    "field", [("title", ["a", "list"]), ("facts", 3), ("translation", [1, 2]), ("summary", {"a": 1})], ids=str
)
def test_a_hostile_page_record_is_refused_not_used(step_endpoint, runner, tmp_path: Path, field) -> None:
    """The record a page carries is data from outside too: a field of the wrong kind makes the
    page "another version" (left alone, with a warning), never a crash of review or the desk."""
    import json
    import re

    _batch_of(tmp_path, runner)
    page = Path("outputs/leeds.html")
    text = page.read_text(encoding="utf-8")
    found = re.search(r'(<script type="application/json"[^>]*>)(.*?)(</script>)', text, re.S)
    assert found is not None
    record = json.loads(found.group(2))
    record[field[0]] = field[1]
    page.write_text(text.replace(found.group(2), json.dumps(record).replace("<", "\\u003c")), encoding="utf-8")

    decided = runner.invoke(main, ["review", "outputs/leeds.md", "--approve", "--despite-problems", "--by", "Alice"])
    assert decided.exit_code == 0 and "Traceback" not in decided.output, decided.output
    assert "shows another version" in decided.output

    from summarise.review.desk import Desk

    desk = Desk(Path("outputs"), "Alice")
    try:
        answer = desk.brief_page("leeds.md")
    finally:
        desk.server.server_close()
    assert answer.status in (404, 409)
