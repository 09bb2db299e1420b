"""A folder of briefs under review, without a browser: the catalog behind the index and the
desk's queue, the queue's search and filters, approval with problems on the command line,
the export of decisions, and how the desk keeps its address and key."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from briefs import make_brief

from summarise.batch import catalog
from summarise.batch.reports import write_index
from summarise.batch.state import STATE_FILE
from summarise.brief import Check, FactVerdict
from summarise.cli import main
from summarise.render import read_front_matter
from summarise.render.publish import write_brief
from summarise.review import record_review
from summarise.review.desk import Desk, announce


def _clean(title: str, **changes: Any) -> Any:
    checks = (Check("Translation complete", True, "ok"),)
    return make_brief(title=title, facts=make_brief().facts[:1], checks=checks, **changes)


def _folder(tmp_path: Path, count: int) -> Path:
    """`count` briefs as a batch leaves them: every third one with a flagged fact and a failed check."""
    out = tmp_path / "outputs"
    out.mkdir()
    (out / STATE_FILE).write_text("{}", encoding="utf-8")
    for number in range(1, count + 1):
        title = f"Brief {number:02}"
        brief = make_brief(title=title) if number % 3 == 0 else _clean(title)
        write_brief(out / f"brief-{number:02}.md", brief, html=True, index="index.html")
    write_index(out)
    return out


def _index_row(folder: Path, name: str) -> str:
    return next(line for line in (folder / "index.md").read_text(encoding="utf-8").splitlines() if f"({name})" in line)


def test_a_decision_redraws_the_index_reading_only_the_brief_it_changed(tmp_path: Path, monkeypatch) -> None:
    folder = _folder(tmp_path, 12)
    read: list[str] = []
    real_read = catalog._read
    monkeypatch.setattr(catalog, "_read", lambda where, name: read.append(name) or real_read(where, name))
    # The briefs were written just now: the catalog reads them again once they are old enough to trust.
    monkeypatch.setattr(catalog, "RACY_NS", -(10**18))

    record_review(folder / "brief-04.md", "approved", "Alice")

    assert read == ["brief-04.md"]  # not the eleven others
    assert "| approved by Alice |" in _index_row(folder, "brief-04.md")
    assert "needs review" in _index_row(folder, "brief-05.md")
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "1 of 12 reviewed</strong>: 1 approved, 0 rejected, 11 need review" in page


def test_the_index_follows_briefs_edited_added_and_removed_at_once(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)
    record_review(folder / "brief-01.md", "approved", "Alice")
    path = folder / "brief-01.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Paragraph 1 says", "Paragraph 1 SAYS", 1), encoding="utf-8")  # same size, same tick
    (folder / "brief-02.md").unlink()
    write_brief(folder / "late.md", _clean("Late"), html=True)
    (folder / "notes.md").write_text("# my notes\n", encoding="utf-8")  # not a brief: never listed

    write_index(folder)

    index = (folder / "index.md").read_text(encoding="utf-8")
    assert "needs review" in _index_row(folder, "brief-01.md")  # the hand edit undid the approval
    assert "brief-02.md" not in index and "(late.md)" in index and "notes" not in index
    assert "3 brief(s)." in index


def test_a_damaged_catalog_is_rebuilt_from_the_briefs(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 2)
    (folder / catalog.CATALOG_FILE).write_bytes(b"not a database at all" * 100)
    catalog.Catalog._instances.clear()  # a new process
    record_review(folder / "brief-02.md", "rejected", "Bob", "the year is wrong")
    assert "| rejected by Bob: the year is wrong |" in _index_row(folder, "brief-02.md")


def _rows(desk: Desk, **query: str) -> list[str]:
    page = desk.queue({key: [value] for key, value in query.items()}).body
    return [line.split("</a>")[0].rsplit(">", 1)[1] for line in page.splitlines() if line.startswith("<td><a href=")]


def test_the_queue_searches_facts_and_translations_filters_and_sorts(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 6)
    record_review(folder / "brief-02.md", "approved", "Alice", verdicts=(FactVerdict(1, "right"),))
    record_review(folder / "brief-03.md", "rejected", "Bob", "fact 2 is wrong")
    special = _clean("Special", summary="Lyon in one line.")
    write_brief(folder / "special.md", special, html=True, index="index.html")
    desk = Desk(folder, "Reviewer")
    try:
        everything = _rows(desk)
        assert everything[:5] == ["Brief 01", "Brief 04", "Brief 05", "Brief 06", "Special"]  # needs review first
        assert _rows(desk, q="paragraph 12 says it in 1999") == ["Brief 06", "Brief 03"]  # a fact's text
        assert _rows(desk, q="PARAGRAPH 7 SAYS THING 20") == everything  # a translated line, any case
        assert _rows(desk, q="special") == ["Special"]  # a title
        assert _rows(desk, q="inputs/lyon.txt") == everything  # a source
        assert _rows(desk, review="needs", problems="1") == ["Brief 06"]
        assert _rows(desk, review="decided") == ["Brief 02", "Brief 03"]
        assert _rows(desk, by="Bob") == ["Brief 03"]
        assert _rows(desk, sort="problems")[:2] == ["Brief 03", "Brief 06"]
        page = desk.queue({}).body
        assert '<td class="num judged" data-label="Facts judged">1 of 1</td>' in page  # brief 02: its one fact
        assert "0 of 3" in page  # a brief with three facts, none judged
        assert "No brief matches." in desk.queue({"q": ["nowhere at all"]}).body
    finally:
        desk.close()


def test_approving_a_brief_with_problems_needs_the_same_acknowledgement_as_the_desk(
    runner, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "lyon.md"
    write_brief(path, make_brief(), html=True)  # one failed check, one flagged fact
    before = path.read_text(encoding="utf-8")

    refused = runner.invoke(main, ["review", str(path), "--approve"])
    assert refused.exit_code != 0 and path.read_text(encoding="utf-8") == before
    assert refused.stderr.count("\n") == 1 and "2 failed check(s) or fact(s) with a problem" in refused.stderr
    assert "--despite-problems" in refused.stderr

    monkeypatch.setattr("summarise.cli.review_command.at_terminal", lambda: True)
    declined = runner.invoke(main, ["review", str(path), "--approve"], input="n\n")
    assert declined.exit_code != 0 and "Approve it anyway" in declined.output
    assert path.read_text(encoding="utf-8") == before
    confirmed = runner.invoke(main, ["review", str(path), "--approve", "--by", "Alice"], input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert read_front_matter(path.read_text(encoding="utf-8"))["review"]["decision"] == "approved"

    clean = tmp_path / "clean.md"
    write_brief(clean, _clean("Clean"), html=True)
    monkeypatch.setattr("summarise.cli.review_command.at_terminal", lambda: False)
    assert runner.invoke(main, ["review", str(clean), "--approve"]).exit_code == 0  # nothing to acknowledge
    forced = runner.invoke(main, ["review", str(path), "--clear"])
    assert forced.exit_code == 0
    assert runner.invoke(main, ["review", str(path), "--approve", "--despite-problems"]).exit_code == 0


def test_decisions_and_verdicts_export_as_csv_and_jsonl(runner, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)
    verdicts = (FactVerdict(1, "right"), FactVerdict(2, "wrong", "the source says 2012"))
    record_review(folder / "brief-03.md", "rejected", "Bob", "fact 2 is wrong", verdicts)
    record_review(folder / "brief-01.md", "approved", "Alice")

    as_csv = runner.invoke(main, ["review", str(folder), "--export", str(tmp_path / "reviews.csv")])
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "reviews.csv").read_text(encoding="utf-8"))))
    assert [(row["brief"], row["decision"], row["fact"], row["verdict"]) for row in rows] == [
        ("brief-01.md", "approved", "", ""),
        ("brief-02.md", "needs review", "", ""),
        ("brief-03.md", "rejected", "1", "right"),
        ("brief-03.md", "rejected", "2", "wrong"),
    ]
    assert rows[3]["note"] == "the source says 2012" and rows[3]["reason"] == "fact 2 is wrong"

    assert runner.invoke(main, ["review", str(folder), "--export", str(tmp_path / "reviews.jsonl")]).exit_code == 0
    lines = [json.loads(line) for line in (tmp_path / "reviews.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["decision"] for line in lines] == ["approved", "needs review", "rejected"]
    assert lines[2]["by"] == "Bob" and lines[2]["facts"][1] == {
        "fact": 2,
        "verdict": "wrong",
        "note": "the source says 2012",
    }

    wrong = runner.invoke(main, ["review", str(folder), "--export", str(tmp_path / "reviews.xlsx")])
    assert wrong.exit_code != 0 and ".csv or .jsonl" in wrong.stderr


def test_the_desk_keeps_its_address_and_key_and_opens_the_browser_without_the_key(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 1)
    first = Desk(folder, "Reviewer")
    address, token = first.url, first.token
    opened: list[str] = []
    said: list[str] = []
    announce(first, True, said.append, opened.append)
    first.close()

    again = Desk(folder, "Reviewer")  # restarted: the same address and key, so an open tab carries on
    try:
        assert again.url == address and again.token == token
    finally:
        again.close()
    (launcher,) = opened
    assert token not in launcher and token not in "\n".join(said)  # no command line or terminal shows it
    launcher_file = Path(launcher.removeprefix("file://"))
    assert token in launcher_file.read_text(encoding="utf-8")
    for private in (launcher_file, launcher_file.with_name("desk.json")):
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(launcher_file.parent.stat().st_mode) == 0o700


def test_a_port_asked_for_is_used_and_a_taken_one_is_refused(runner, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 1)
    first = Desk(folder, "Reviewer")
    port = first.server.server_address[1]
    try:
        result = runner.invoke(main, ["review", str(folder), "--serve", "--no-open", "--port", str(port)])
        assert result.exit_code != 0 and f"port {port}" in result.stderr and "--port" in result.stderr
    finally:
        first.close()
    again = Desk(folder, "Reviewer", port=port)
    try:
        assert again.server.server_address == ("127.0.0.1", port)
    finally:
        again.close()


@pytest.mark.parametrize("option", [["--port", "8000"], ["--despite-problems"]])
def test_options_that_belong_to_another_are_refused(runner, tmp_path: Path, option: list[str]) -> None:
    path = tmp_path / "lyon.md"
    write_brief(path, make_brief())
    result = runner.invoke(main, ["review", str(path), "--reject", "no", *option])
    assert result.exit_code == 2 and "goes with" in result.stderr
