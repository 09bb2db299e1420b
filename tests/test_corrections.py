"""A reviewer's corrections and the translation memory, as files: a line, a fact or a summary
sentence corrected is checked by the grounding code and kept with the brief; an approved
brief's lines are reused by later briefs with no model call; an interrupted decision is
finished, never half-written. The desk in a browser: test_desk_corrections.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fake_model import FakeModel, brief_of

from summarise.batch.reports import write_index
from summarise.batch.state import STATE_FILE
from summarise.brief import Brief
from summarise.config.memory import Remembered, TranslationMemory, load_memory
from summarise.grounding.recheck import corrected
from summarise.render import read_front_matter, render_markdown
from summarise.render.front_matter import body_sha256, holding_review, split_markdown
from summarise.render.html import read_page_record
from summarise.render.json import brief_from_record, brief_record
from summarise.render.publish import write_brief
from summarise.review import JOURNAL, finish_interrupted, record_review
from summarise.review.edits import write_correction
from summarise.review.memory import glossary_offers, remember, reviewed_lines

FRENCH = (
    "Le PNUD finance la stabilisation en Irak depuis 2015.\n\n"
    "Les représentants de l'ONU se sont réunis à Genève le 3 mars 2024."
)
# The model's translation: line 2 has the wrong year; its first fact the wrong year too.
WRONG = "[1] UNDP has funded stabilization in Iraq since 2015.\n[2] UN representatives met in Geneva on 3 March 2023."
RIGHT_LINE_2 = "UN representatives met in Geneva on 3 March 2024."
FACTS = json.dumps({"facts": ["[1] UNDP has funded stabilization in Iraq since 2016.", "[2] The UN met in Geneva."]})
SUMMARY = "UNDP funds Iraq [1]. The UN met [2]. It met in Geneva [2]."


def answers(translation: str = WRONG) -> FakeModel:
    """The model's answers to one brief of FRENCH, step by step (the numbers repair gives the same)."""
    model = FakeModel().enqueue("translate", translation).enqueue("translate numbers", translation)
    return model.enqueue("summary", SUMMARY).enqueue("facts", FACTS)


def make(model: FakeModel, text: str = FRENCH, name: str = "doc.txt", memory: TranslationMemory | None = None) -> Brief:
    return brief_of(text, model, name, memory=memory)


def folder_of(tmp_path: Path) -> Path:
    out = tmp_path / "outputs"
    out.mkdir()
    (out / STATE_FILE).write_text("{}", encoding="utf-8")
    return out


def test_a_corrected_line_and_fact_are_checked_again_and_kept_with_the_brief() -> None:
    brief = make(answers())
    assert brief.lines[1].problems and not brief.facts[0].supported  # what code found wrong
    fixed = corrected(brief, "line", 2, RIGHT_LINE_2, "alice")
    fixed = corrected(fixed, "fact", 1, "UNDP has funded stabilization in Iraq since 2015.", "alice")
    # Checked by the grounding code: the date is now kept, the fact now supported.
    assert not any("3 mars 2024" in p for p in fixed.lines[1].problems)
    assert fixed.facts[0].supported
    numbers = next(c for c in fixed.checks if c.name == "Numbers and dates kept in the translation")
    assert numbers.passed
    # Who, when, before and after; in the front matter, the JSON and the Markdown's text.
    assert [(e.kind, e.number, e.before, e.after, e.by) for e in fixed.edits] == [
        ("line", 2, "UN representatives met in Geneva on 3 March 2023.", RIGHT_LINE_2, "alice"),
        ("fact", 1, "UNDP has funded stabilization in Iraq since 2016.", fixed.facts[0].statement, "alice"),
    ]
    markdown = render_markdown(fixed)
    shown = split_markdown(markdown)[1].split("## Corrections")[0]  # the brief's text, above its list of corrections
    assert RIGHT_LINE_2 in shown and "March 2023" not in shown and "since 2015." in shown
    assert (
        "- translation of line 2, by alice on " in markdown
        and "“UN representatives met in Geneva on 3 March 2023.”" in markdown
    )
    assert read_front_matter(markdown)["edits"][0]["after"] == RIGHT_LINE_2
    assert brief_from_record(json.loads(json.dumps(brief_record(fixed)))) == fixed


def test_a_second_correction_of_the_same_line_keeps_the_models_text_as_before() -> None:
    once = corrected(make(answers()), "line", 2, "UN representatives met on 3 March 2024.", "alice")
    twice = corrected(once, "line", 2, RIGHT_LINE_2, "bob")
    assert [(e.before, e.after, e.by) for e in twice.edits] == [
        ("UN representatives met in Geneva on 3 March 2023.", RIGHT_LINE_2, "bob")
    ]


def test_a_correction_on_a_text_that_changed_is_refused_and_overwrites_nothing(tmp_path: Path) -> None:
    out = folder_of(tmp_path)
    path = out / "doc.md"
    write_brief(path, make(answers()), html=True)
    shown = body_sha256(path.read_text(encoding="utf-8"))
    write_correction(path, shown, "line", 2, RIGHT_LINE_2, "alice")
    after_first = path.read_text(encoding="utf-8")
    with pytest.raises(Exception, match="changed after it was shown"):  # a second tab, drawn before the first edit
        write_correction(path, shown, "fact", 1, "UNDP funds Iraq.", "bob")
    with pytest.raises(Exception, match="changed after it was shown"):
        record_review(path, "approved", "bob", version=shown)
    assert path.read_text(encoding="utf-8") == after_first


def test_a_rerun_gets_the_corrections_back_and_the_approval_holds(tmp_path: Path) -> None:
    out = folder_of(tmp_path)
    path = out / "doc.md"
    write_brief(path, make(answers()), html=True)
    version = body_sha256(path.read_text(encoding="utf-8"))
    write_correction(path, version, "fact", 1, "UNDP has funded stabilization in Iraq since 2015.", "alice")
    record_review(path, "approved", "alice", version=body_sha256(path.read_text(encoding="utf-8")))
    # The same answers again (no memory): the fact is corrected again, the text is the approved one.
    write_brief(path, make(answers()), html=True)
    markdown = path.read_text(encoding="utf-8")
    assert holding_review(markdown) is not None and "since 2015." in markdown.split("## Key facts")[1]


def test_a_reviewed_line_is_taken_from_memory_with_no_model_call_and_says_whose(tmp_path: Path) -> None:
    memory = TranslationMemory(
        [Remembered("fr", "en", "Les représentants de l’ONU se sont  réunis à Genève le 3 mars 2024.", RIGHT_LINE_2,
                    "earlier.md", "alice", "2026-12-01T10:00:00+00:00")]
    )  # fmt: skip
    model = answers("[1] UNDP has funded stabilization in Iraq since 2015.")
    brief = make(model, memory=memory)
    first = model.asked[0]
    asked = first.messages[-1]["content"]
    assert "translate only these lines of the document above into English: [1]." in asked  # not line 2
    assert brief.lines[1].translation == RIGHT_LINE_2
    assert brief.lines[1].origin == "from review of earlier.md by alice on 2026-12-01"
    numbers = next(c for c in brief.checks if c.name == "Numbers and dates kept in the translation")
    assert numbers.passed  # checked like any other line: a remembered line with the wrong date would be flagged
    stale = TranslationMemory(
        [Remembered("fr", "en", brief.lines[1].source, "They met on 3 March 2025.", "e.md", "x", "2026")]
    )
    flagged = make(answers("[1] UNDP has funded stabilization in Iraq since 2015."), memory=stale)
    assert "“3 mars 2024” is not in the translation" in flagged.lines[1].problems
    assert "_Lines from the translation memory:_\n\n- line 2: from review of earlier.md" in render_markdown(brief)
    # Every line reviewed: no translation request at all.
    line_1 = Remembered(
        "fr", "en", brief.lines[0].source, "UNDP has funded stabilization in Iraq since 2015.", "e.md", "bob", "2026"
    )
    both = TranslationMemory([*memory.entries[("fr", "en")].values(), line_1])
    model = FakeModel().enqueue("summary", SUMMARY).enqueue("facts", FACTS)
    make(model, memory=both)
    assert "translate" not in model.steps() and "translate again" not in model.steps()


def test_with_an_empty_memory_every_request_is_byte_for_byte_as_without_one() -> None:
    without, empty = answers(), answers()
    make(without, memory=None)
    make(empty, memory=TranslationMemory([]))
    assert [r.messages for r in empty.asked] == [r.messages for r in without.asked]


def answers_without_memory() -> list:
    model = answers()
    make(model)
    return model.asked[0].messages


def test_a_near_match_is_offered_to_the_reviewer_not_used() -> None:
    memory = TranslationMemory(
        [Remembered("fr", "en", "Les représentants de l'ONU se sont réunis à Genève le 3 mars 2025.", "Near.",
                    "earlier.md", "alice", "2026-12-01")]
    )  # fmt: skip
    model = answers()
    brief = make(model, memory=memory)
    assert brief.lines[1].translation != "Near." and brief.lines[1].suggestion == "Near."
    assert not brief.lines[1].origin and model.steps()[0] == "translate"
    assert model.asked[0].messages == answers_without_memory()  # the whole chunk asked, as without memory


def test_an_approval_puts_reviewed_lines_in_memory_a_flagged_one_only_once_corrected(tmp_path: Path) -> None:
    brief = make(answers())
    assert brief.lines[1].problems
    names = [entry.source[:10] for entry in reviewed_lines(brief, "doc.md", "alice", "2026-12-07")]
    assert names == ["Le PNUD fi"]  # line 2 is flagged: not vouched for
    fixed = corrected(brief, "line", 2, RIGHT_LINE_2, "alice")
    entries = reviewed_lines(fixed, "doc.md", "alice", "2026-12-07")
    assert [e.translation for e in entries][1] == RIGHT_LINE_2
    assert entries[1].corrected_from == "UN representatives met in Geneva on 3 March 2023."
    confirmed = corrected(brief, "line", 2, brief.lines[1].translation, "alice")  # confirmed as it is
    assert len(reviewed_lines(confirmed, "doc.md", "alice", "2026-12-07")) == 2


def test_a_term_corrected_the_same_way_twice_is_offered_for_the_glossary(tmp_path: Path) -> None:
    def entry(source: str, before: str, after: str) -> Remembered:
        return Remembered("fr", "en", source, after, "b.md", "alice", "2026-12-07", before)

    remember(
        tmp_path, [entry("a", "The PNUD pays.", "The UNDP pays."), entry("b", "PNUD staff met.", "UNDP staff met.")]
    )
    remember(tmp_path, [entry("c", "It rained.", "It poured.")])
    assert glossary_offers(tmp_path) == [("PNUD", "UNDP", 2)]
    assert len(load_memory(tmp_path).entries[("fr", "en")]) == 3


def test_a_torn_line_in_the_memory_file_loses_only_itself(tmp_path: Path) -> None:
    remember(tmp_path, [Remembered("fr", "en", "Un.", "One.", "a.md", "alice", "2026")])
    with (tmp_path / "memory.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"format": 1, "source_lang')  # a crash mid-write
    remember(tmp_path, [Remembered("fr", "en", "Deux.", "Two.", "a.md", "alice", "2026")])
    assert sorted(load_memory(tmp_path).entries[("fr", "en")]) == ["Deux.", "Un."]


def test_no_memory_turns_it_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from summarise.cli import settings_from_env

    remember(tmp_path / "cache", [Remembered("fr", "en", "Un.", "One.", "a.md", "alice", "2026")])
    assert settings_from_env().brief_options().memory
    assert settings_from_env("--no-memory").brief_options().memory is None


KILLED = """
import os, signal, sys
from pathlib import Path
import summarise.batch.reports as reports
from summarise.review import record_review

def killed(_root):  # the process dies between the brief and the index, as kill -9 would do it
    os.kill(os.getpid(), signal.SIGKILL)

reports.write_index = killed
record_review(Path(sys.argv[1]), "approved", "alice")
"""


def test_a_kill_between_the_brief_and_the_index_is_finished_by_the_next_desk(tmp_path: Path) -> None:
    out = folder_of(tmp_path)
    path = out / "doc.md"
    write_brief(path, make(answers()), html=True, index="index.html")
    write_index(out)
    assert "needs review" in (out / "index.md").read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", KILLED, str(path)], check=False, cwd=tmp_path)
    assert done.returncode == -signal.SIGKILL
    # The brief holds the decision; the index does not say so yet, and the journal names the brief.
    assert holding_review(path.read_text(encoding="utf-8")) is not None
    assert (out / JOURNAL).is_file() and "| approved by alice" not in (out / "index.md").read_text(encoding="utf-8")
    from summarise.review.desk import Desk

    Desk(out, "Reviewer").server.server_close()  # a desk started on the folder finishes it (not served here)
    assert "approved by alice" in (out / "index.md").read_text(encoding="utf-8") and not (out / JOURNAL).exists()
    page = read_page_record(path.with_suffix(".html").read_text(encoding="utf-8"))
    assert page is not None and page.review is not None and page.review.by == "alice"


def test_a_correction_cut_off_before_its_brief_is_finished_from_its_page(tmp_path: Path, monkeypatch) -> None:
    out = folder_of(tmp_path)
    path = out / "doc.md"
    write_brief(path, make(answers()), html=True, index="index.html")
    real = os.replace

    def cut(source: str | Path, target: str | Path) -> None:  # the page is written, then the run stops
        if str(target) == str(path):
            raise KeyboardInterrupt
        real(source, target)

    monkeypatch.setattr(os, "replace", cut)
    with pytest.raises(KeyboardInterrupt):
        write_correction(path, body_sha256(path.read_text(encoding="utf-8")), "line", 2, RIGHT_LINE_2, "alice")
    monkeypatch.setattr(os, "replace", real)
    assert RIGHT_LINE_2 not in path.read_text(encoding="utf-8")
    finish_interrupted(out)
    markdown = path.read_text(encoding="utf-8")
    assert RIGHT_LINE_2 in markdown and read_front_matter(markdown)["edits"][0]["by"] == "alice"


def test_the_desk_offers_a_term_corrected_twice_for_the_glossary(tmp_path: Path) -> None:
    from summarise.review.desk import Desk

    def entry(source: str, before: str, after: str) -> Remembered:
        return Remembered("fr", "en", source, after, "b.md", "alice", "2026-12-07", before)

    remember(tmp_path / "cache", [entry("a", "The PNUD pays.", "The UNDP pays."), entry("b", "PNUD met.", "UNDP met.")])
    desk = Desk(folder_of(tmp_path), "Reviewer", memory=tmp_path / "cache")
    try:
        assert "“PNUD” → “UNDP” (2 times)" in desk.queue().body
    finally:
        desk.server.server_close()  # never served: close() would wait for serve_forever


def test_a_corrected_summary_sentence_is_checked_against_its_lines() -> None:
    brief = make(answers())
    fixed = corrected(brief, "summary", 2, "The UN met in Geneva in 2023.", "alice")
    assert fixed.summary_sentences[1].text == "The UN met in Geneva in 2023."
    assert "The UN met in Geneva in 2023." in fixed.summary and "The UN met." not in fixed.summary
    assert fixed.summary_sentences[1].problems  # 2023 is not what its line says: flagged by the same check
    assert "The UN met in Geneva in 2023." in render_markdown(fixed).split("## Key facts")[0]


def test_summarise_review_approve_feeds_the_memory_beside_the_cache(tmp_path: Path, runner) -> None:
    from summarise.cli import main

    out = folder_of(tmp_path)
    path = out / "doc.md"
    write_brief(path, make(answers()), html=True)
    result = runner.invoke(main, ["review", str(path), "--approve", "--despite-problems", "--by", "carol"])
    assert result.exit_code == 0, result.output
    memory = load_memory(tmp_path / "cache")  # SUMMARISE_CACHE_DIR in every test
    entry = memory.exact("fr", "en", "Le PNUD finance la stabilisation en Irak depuis 2015.")
    assert entry is not None and entry.origin.startswith("from review of doc.md by carol on ")
    assert memory.exact("fr", "en", FRENCH.split("\n\n")[1]) is None  # line 2 is flagged: not vouched for
    written = (tmp_path / "cache" / "memory.jsonl").read_text(encoding="utf-8")
    result = runner.invoke(main, ["review", str(path), "--approve", "--despite-problems", "--no-memory"])
    assert result.exit_code == 0 and (tmp_path / "cache" / "memory.jsonl").read_text(encoding="utf-8") == written
