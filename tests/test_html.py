"""The HTML review page and the reviewer's decision, read as files (the browser tests drive them live)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from briefs import make_brief
from conftest import recorder

from summarise.batch.reports import render_index_page
from summarise.brief import Usage
from summarise.cli import main
from summarise.render import read_front_matter, render_markdown
from summarise.render.html import read_page_record, render_html
from summarise.render.publish import write_brief
from summarise.review import body_sha256

NANTES = "Le nouveau pont de Nantes ouvrira en septembre 2025. Sa construction a coûté 80 millions d’euros.\n"


@contextmanager
def replayed(name: str) -> Iterator[None]:
    """Replay another test's recording (same requests): replay only, so it is never re-recorded from here."""
    with recorder.use_cassette(name, record_mode="none", allow_playback_repeats=False):
        yield


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_page_allows_only_its_own_style_and_runs_no_script() -> None:
    page = render_html(make_brief())
    policy = html.unescape(re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page).group(1))
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL).group(1)
    assert policy.startswith("default-src 'none'; ")
    assert f"style-src {sha256_source(style)};" in policy and "script-src 'none'" in policy
    assert "unsafe-inline" not in policy
    # The one script element is the brief's record: data, which no browser runs.
    assert re.findall(r"<script[^>]*>", page) == ['<script type="application/json" id="brief-record">']


def test_the_folder_page_allows_its_script_by_hash(tmp_path: Path) -> None:
    write_brief(tmp_path / "a.md", make_brief(), html=True)
    page = render_index_page(tmp_path)
    policy = html.unescape(re.search(r'content="(default-src[^"]+)"', page).group(1))
    script = re.search(r"<script>(.*?)</script>", page, re.DOTALL).group(1)
    assert f"script-src {sha256_source(script)};" in policy
    assert '<a href="a.html">' in page


def test_checks_read_as_in_the_markdown_and_say_passed_or_failed_in_words() -> None:
    brief = make_brief()
    markdown_checks = [
        line[2:].replace("**", "").replace("✅", "passed").replace("⚠️", "failed")
        for line in render_markdown(brief).split("## Checks\n\n")[1].splitlines()
    ]
    page = render_html(brief)
    items = re.findall(r'<li class="(?:pass|fail)">(.*?)</li>', page)
    shown = [re.sub(r"<[^>]+>", "", re.sub(r'<span class="refs">.*?</span>$', "", item)) for item in items]
    assert shown == markdown_checks  # no emoji needed: a font without them still tells pass from fail


def test_a_page_carries_its_record_so_it_can_be_redrawn_without_the_model() -> None:
    brief = make_brief(
        summary="A </script><script>alert(1)</script> summary & more.",
        source_format="pdf",
        source_pages=3,
        verbatim=((2, "$ make <all>"),),
    )
    page = render_html(brief)
    assert "</script><script>alert" not in page
    assert read_page_record(page) == brief


def test_approve_records_who_and_when_and_leaves_the_brief_as_it_was(runner, tmp_path: Path) -> None:
    path = tmp_path / "lyon.md"
    write_brief(path, make_brief(), html=True)
    before = path.read_text(encoding="utf-8")

    result = runner.invoke(main, ["review", str(path), "--approve", "--despite-problems", "--by", "Alice Martin"])

    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    review = read_front_matter(after)["review"]
    assert review["decision"] == "approved" and review["by"] == "Alice Martin"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", review["at"])
    assert review["reviewed_sha256"] == body_sha256(before)
    assert after.split("\n---\n", 1)[1] == before.split("\n---\n", 1)[1]  # the brief itself, byte for byte
    page = path.with_suffix(".html").read_text(encoding="utf-8")
    assert "approved</span> by Alice Martin on " + review["at"] in page
    shown = runner.invoke(main, ["review", str(path)])
    assert shown.exit_code == 0 and shown.stdout.startswith("approved by Alice Martin on ")


def test_a_rerun_keeps_the_decision_only_while_the_brief_reads_the_same(runner, tmp_path: Path) -> None:
    path = tmp_path / "lyon.md"
    write_brief(path, make_brief(), html=True)
    result = runner.invoke(
        main, ["review", str(path), "--reject", "fact 2 misreads the year"], env={"SUMMARISE_REVIEWER": "Bob"}
    )
    assert result.exit_code == 0, result.output

    # The same brief made again (another time, other usage): the decision stays.
    write_brief(path, make_brief(created="2026-12-01T00:00:00+00:00", usage=Usage()), html=True)
    kept = read_front_matter(path.read_text(encoding="utf-8"))["review"]
    assert (kept["decision"], kept["by"], kept["reason"]) == ("rejected", "Bob", "fact 2 misreads the year")
    assert "rejected</span> by Bob" in path.with_suffix(".html").read_text(encoding="utf-8")

    # A changed brief is not the one Bob read: back to needs review, on the page too.
    write_brief(path, make_brief(summary="Paragraph 1 says something else."), html=True)
    assert read_front_matter(path.read_text(encoding="utf-8"))["review"] == {"decision": "needs review"}
    assert "needs review</span>" in path.with_suffix(".html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--approve", "--reject", "no"], "--approve and --reject cannot be used together"),
        (["--reject", " "], "--reject needs a reason"),
    ],
)
def test_review_refuses_unclear_decisions(runner, tmp_path: Path, arguments: list[str], message: str) -> None:
    path = tmp_path / "lyon.md"
    write_brief(path, make_brief())
    before = path.read_bytes()
    result = runner.invoke(main, ["review", str(path), *arguments])
    assert result.exit_code == 2 and message in result.stderr
    assert path.read_bytes() == before


def test_review_of_a_file_that_is_not_a_brief_says_so(runner, tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# My notes\n", encoding="utf-8")
    result = runner.invoke(main, ["review", str(notes), "--approve"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "not a brief written by summarise" in result.stderr
    assert "Traceback" not in result.output and notes.read_text(encoding="utf-8") == "# My notes\n"
    missing = runner.invoke(main, ["review", str(tmp_path / "gone.md"), "--approve"])
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_batch_writes_a_page_per_brief_and_for_the_folder_and_the_index_shows_decisions(
    endpoint, runner, tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "nantes.txt").write_text(NANTES, encoding="utf-8")
    with replayed("test_batch/test_a_second_run_skips_finished_briefs_with_zero_model_calls.yaml"):
        first = runner.invoke(main, ["batch", "in", "-o", "briefs", "--jobs", "1"])
    assert first.exit_code == 0, first.output
    page = Path("briefs/nantes.html").read_text(encoding="utf-8")
    assert read_page_record(page).source == "in/nantes.txt"
    assert '<a href="index.html">All briefs</a>' in page
    assert '<a href="nantes.html">' in Path("briefs/index.html").read_text(encoding="utf-8")
    assert "| needs review |" in Path("briefs/index.md").read_text(encoding="utf-8")

    result = runner.invoke(main, ["review", "briefs/nantes.md", "--approve", "--by", "Alice"])
    assert result.exit_code == 0, result.output
    assert "| approved by Alice |" in Path("briefs/index.md").read_text(encoding="utf-8")
    assert 'approved</span><span class="small">Alice' in Path("briefs/index.html").read_text(encoding="utf-8")
    written = Path("briefs/nantes.md").read_bytes()

    # Up to date: skipped with no request (none is recorded for a second run), decision kept.
    with replayed("test_batch/test_a_second_run_skips_finished_briefs_with_zero_model_calls.yaml"):
        second = runner.invoke(main, ["batch", "in", "-o", "briefs", "--jobs", "1"])
    assert second.exit_code == 0 and "skipped 1" in second.stdout
    assert Path("briefs/nantes.md").read_bytes() == written


def test_brief_html_writes_the_page_beside_the_markdown(endpoint, runner) -> None:
    from conftest import SHORT_SEED, seed

    with replayed("test_brief_recorded/test_brief_of_a_french_press_release.yaml"):
        result = runner.invoke(main, ["brief", str(seed(SHORT_SEED)), "-o", "brief.md", "--html"])
    assert result.exit_code == 0, result.output
    record = read_page_record(Path("brief.html").read_text(encoding="utf-8"))
    data = read_front_matter(Path("brief.md").read_text(encoding="utf-8"))
    assert record is not None and record.brief_key == data["brief_key"]
    assert [line.number for line in record.lines] == list(range(1, len(record.lines) + 1))
    assert json.loads(json.dumps(data["facts"])) == {
        "total": len(record.facts),
        "supported": record.supported_facts,
        "flagged": len(record.facts) - record.supported_facts,
    }


def test_the_page_links_each_summary_sentence_to_the_lines_the_brief_linked_it_to() -> None:
    from summarise.brief import SummarySentence

    # One path: the lines grounding linked (cited by the summary or found by code) are the
    # page's links; a sentence no line says is shown as such, with its flag.
    sentences = (
        SummarySentence("Morocco hosts the meeting.", lines=(1,), named=True),
        SummarySentence("It has 84 members.", lines=(2,), note="re-linked: the summary cited line 1"),
        SummarySentence("The minister resigned.", problems=("not found in the source: no line says this",)),
    )
    page = render_html(make_brief(summary="x", summary_sentences=sentences))
    summary = page.split('id="summary"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'href="#L(\d+)" title="([^"]+)"', summary) == [
        ("1", "cited by the summary"),
        ("2", "found by code"),
    ]
    assert "[no source line says this]" in summary and "not found in the source: no line says this" in summary
