"""Promises about what a model answers, each proven with the StepEndpoint (tests/step_endpoint.py).

An answer is checked before it is cached, parsed or written: the API key is redacted
from it, only usable answers are cached (so fixing the server fixes the next run), an
answer far longer than asked is refused, and a brief with unfinished work says
`status: incomplete` and is never "up to date".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from planned import planned_calls

from summarise.cli import main
from summarise.render import read_front_matter

DOC = "Le 11 mai 2022, le Maroc accueille la réunion.\n\nLa Coalition compte 84 membres."
SENTINEL = "sk-sentinel-4f1c9e2d7b6a5c3e1f0a9b8c7d6e"
# Whole, cut and masked, as servers echo keys back.
ECHOES = [SENTINEL, SENTINEL[:14], SENTINEL[-14:], f"{SENTINEL[:10]}****{SENTINEL[-10:]}"]
FRAGMENTS = [SENTINEL[i : i + 10] for i in range(0, len(SENTINEL) - 10, 5)]
TRANSLATION = "[1] (en) On 11 May 2022, Morocco hosts the meeting.\n[2] (en) The Coalition has 84 members."
FACTS = json.dumps({"facts": [{"line": 2, "fact_in_English": "The Coalition has 84 members.", "category": "number"}]})


@pytest.fixture
def doc(monkeypatch: pytest.MonkeyPatch) -> str:
    # Faults are injected into every answer the model gives, the facts' among them: the facts are
    # asked of the model here (the default method chooses them by code, with no call).
    monkeypatch.setenv("SUMMARISE_FACTS_METHOD", "line")
    Path("doc.txt").write_text(DOC, encoding="utf-8")
    return "doc.txt"


def brief(runner, *args: str):
    return runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md", *args])


def front() -> dict:
    data = read_front_matter(Path("doc.md").read_text(encoding="utf-8"))
    assert data is not None
    return data


def everything_written(root: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in root.rglob("*") if p.is_file())


def test_an_api_key_echoed_in_answers_reaches_no_brief_cache_or_log(runner, step_endpoint, doc, isolated, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL)
    facts = {"facts": [{"line": 2, "fact_in_English": f"The key is {ECHOES[1]}.", "category": "other"}]}
    # The same key spelt with JSON escapes, which parsing would turn back into the key:
    escaped = "".join(f"\\u{ord(char):04x}" for char in SENTINEL)
    second = f'{{"line": 1, "fact_in_English": "Also {escaped}", "category": "who"}}'
    facts_answer = json.dumps(facts)[:-2] + f", {second}]}}"
    stub = step_endpoint.enqueue("summary", f"The summary [1]. Key: {ECHOES[0]} and {ECHOES[3]} [1]. A third [2].")
    stub.enqueue("facts", facts_answer)  # JSON fields
    stub.enqueue("translate", f"[1] (en) On 11 May 2022, Morocco {ECHOES[2]}.\n[2] (en) The Coalition has 84 members.")
    result = brief(runner, "--json", "-v")
    assert result.exit_code == 0, result.output
    markdown = Path("doc.md").read_text(encoding="utf-8")
    for section in ("## Summary", "## Key facts", "## Translation"):
        body = markdown.split(section, 1)[1].split("\n## ", 1)[0]
        assert "redacted" in body, section  # "[redacted]", its brackets escaped as Markdown
    written = everything_written(isolated) + result.output
    for fragment in [*ECHOES, *FRAGMENTS]:
        assert fragment not in written, fragment
    # The brief says something went wrong, and answers that held the key were not cached:
    assert front()["status"] == "incomplete" and "echoed the API key" in markdown
    asked = len(stub.requests)
    assert brief(runner).exit_code == 0
    assert len(stub.requests) == asked + planned_calls("doc.txt") and front()["status"] == "complete"


@pytest.mark.parametrize(
    ("replies", "task"),
    [
        (["Here are the facts: none.", "Still no JSON."], "facts"),
        (["Sure! Here it is.", "Done."], "translation"),
        (['{"facts": [{"line": 1, "fact_in_English": "x", "categ', '{"facts": ['], "facts"),  # and its repair
    ],
    ids=["facts-not-json", "translation-without-numbered-lines", "facts-broken-json"],
)
def test_only_usable_answers_are_cached_so_fixing_the_server_fixes_the_next_run(
    runner, step_endpoint, doc, replies: list[str], task: str
) -> None:
    first, repair = {"facts": ("facts", "facts repair"), "translation": ("translate", "translate again")}[task]
    stub = step_endpoint.enqueue(first, replies[0]).enqueue(repair, replies[1])  # the answer, then its repair
    assert brief(runner).exit_code == 0
    assert front()["status"] == "incomplete"
    asked = len(stub.requests)
    # The server is fixed (the stub answers properly from now on): the bad answers are asked again.
    assert brief(runner).exit_code == 0
    again = stub.tasks()[asked:]
    assert task in again, again
    if task == "facts":  # the good translation and summary came from the cache
        assert again == ["facts"], again
    else:  # summary and facts are written from the translation: a new translation, new ones
        assert again == ["translation", "summary", "facts"], again
    assert front()["status"] == "complete"


def test_a_translation_without_numbered_lines_is_incomplete_and_never_up_to_date(runner, step_endpoint, tmp_path: Path):
    stub = step_endpoint.enqueue("translate", "I cannot do that.").enqueue("translate again", "Really not.")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "doc.txt").write_text(DOC, encoding="utf-8")
    first = runner.invoke(main, ["batch", "in"])
    assert first.exit_code == 0, first.output
    markdown = Path("outputs/doc.md").read_text(encoding="utf-8")
    assert read_front_matter(markdown)["status"] == "incomplete"
    assert "left untranslated" in markdown and "incomplete 1" in first.stdout
    assert "⚠️ **Translation complete:**" in markdown
    asked = len(stub.requests)
    second = runner.invoke(main, ["batch", "in"])
    assert second.exit_code == 0, second.output
    assert "up to date" not in second.stderr
    # what was missing, and what is written from it (the summary reads the translation; the
    # facts are chosen by code from its lines, with no call)
    assert stub.tasks()[asked:] == ["translation", "summary"]
    markdown = Path("outputs/doc.md").read_text(encoding="utf-8")
    assert read_front_matter(markdown)["status"] == "complete"
    assert "— source ¶2, line 2" in markdown.split("## Key facts", 1)[1].split("## Translation")[0]


def test_a_cut_off_facts_answer_keeps_the_complete_facts_and_is_incomplete(runner, step_endpoint, doc) -> None:
    two = [
        {"line": 1, "fact_in_English": "Morocco hosts the meeting on 11 May 2022.", "category": "when"},
        {"line": 2, "fact_in_English": "The Coalition has 84 members.", "category": "number"},
    ]
    cut = json.dumps({"facts": two})[:-40]  # the second fact is cut in the middle
    stub = step_endpoint.enqueue("facts", cut, finish_reason="length")
    result = brief(runner)
    assert result.exit_code == 0, result.output
    markdown = Path("doc.md").read_text(encoding="utf-8")
    assert "Morocco hosts the meeting on 11 May 2022." in markdown and "84 members" not in markdown.split("## Key")[1]
    assert "were cut off" in markdown and "Warning: " in result.stderr
    assert front()["status"] == "incomplete" and front()["facts"]["total"] == 1
    assert stub.tasks() == ["translation", "summary", "facts"]  # no repair: it would be cut off again


def test_chatter_after_the_last_numbered_line_is_dropped_and_reported(runner, step_endpoint, doc) -> None:
    chatter = "I hope this helps! Note: the meeting was important."
    step_endpoint.enqueue("facts", FACTS).enqueue("translate", f"{TRANSLATION}\n\n{chatter}\nBye.")
    result = brief(runner, "-v")
    assert result.exit_code == 0, result.output
    markdown = Path("doc.md").read_text(encoding="utf-8")
    assert "(en) The Coalition has 84 members." in markdown
    assert "hope this helps" not in markdown and "Bye" not in markdown
    assert "2 unnumbered line(s)" in result.stderr and "I hope this helps!" in result.stderr
    assert front()["status"] == "complete"


@pytest.mark.parametrize("task", ["summary", "facts", "translation"])
def test_an_answer_far_longer_than_asked_is_refused_and_not_cached(runner, step_endpoint, doc, task: str) -> None:
    huge = "word " * 200_000  # ~1 MB, for requests of at most 1,200 tokens
    content = {"summary": huge, "facts": FACTS[:-3] + huge + "]}", "translation": TRANSLATION + " " + huge}[task]
    stub = step_endpoint.enqueue({"translation": "translate"}.get(task, task), content)
    result = brief(runner)
    if task == "summary":  # nothing to show without a summary: one clear line
        assert result.exit_code == 4 and "longer than asked" in result.output
        # Off a terminal a progress line names the stage first; the error is the one other line.
        assert len([line for line in result.output.splitlines() if not line.startswith("summarise: [")]) == 1
    else:
        assert result.exit_code == 0, result.output
        markdown = Path("doc.md").read_text(encoding="utf-8")
        assert "word word word" not in markdown and front()["status"] in ("complete", "incomplete")
    asked = len(stub.requests)
    assert brief(runner).exit_code == 0
    assert task in stub.tasks()[asked:]  # it was not cached
    assert "word word word" not in Path("doc.md").read_text(encoding="utf-8")


def test_french_words_left_in_a_translation_are_asked_again_and_the_better_line_kept(runner, step_endpoint, doc):
    kept = "[1] (en) On 11 May 2022, Morocco accueille the réunion.\n[2] (en) The Coalition has 84 members."
    stub = step_endpoint.enqueue("translate", kept)
    assert brief(runner).exit_code == 0
    repairs = ("translate again", "translate slid", "translate numbers")
    (repair,) = [r.messages[-1]["content"] for r in stub.requests if r.step in repairs]
    # Only the line with French words is asked again, and the words are named.
    assert "these lines of the document above into English: [1]." in repair
    assert "these French words were left as they were: accueille, réunion." in repair
    markdown = Path("doc.md").read_text(encoding="utf-8")
    translation = markdown.split("## Translation", 1)[1].split("\n## ", 1)[0]
    assert "accueille" not in translation and "The Coalition has 84 members." in translation
    assert "✅ **Every French word translated:** none found by the word lists" in markdown


def test_french_words_still_left_after_the_second_ask_are_flagged(runner, step_endpoint, doc):
    kept = "[1] (en) On 11 May 2022, Morocco accueille the meeting.\n[2] (en) The Coalition has 84 members."
    step_endpoint.enqueue("translate", kept).enqueue("translate again", "[1] (en) Morocco accueille.")
    assert brief(runner).exit_code == 0
    markdown = Path("doc.md").read_text(encoding="utf-8")
    assert "On 11 May 2022, Morocco accueille the meeting." in markdown  # the first, as good as the second
    assert "⚠️ **Every French word translated:** line 1: accueille" in markdown


def test_a_two_line_document_is_not_asked_again_for_a_third_summary_sentence(runner, step_endpoint, doc):
    stub = step_endpoint.enqueue("summary", "Morocco hosts the Coalition's meeting of 84 members [1, 2].")
    assert brief(runner).exit_code == 0
    assert stub.tasks() == ["translation", "summary", "facts"]
    markdown = Path("doc.md").read_text(encoding="utf-8")
    assert "✅ **Summary of 3 to 5 sentences:** 1 sentence (the document has 2 lines)" in markdown
