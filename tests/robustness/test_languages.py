"""Promise: a document is translated wherever it is not in the target language, and the
brief records the mix. Language is judged per paragraph (per sentence in long ones); a
text too short to tell is "unknown", not a guess, and is translated. Against the
FaultInjectionStub (its translation echoes each line with "(en)" in front)."""

from __future__ import annotations

from pathlib import Path

import pytest
from stub_server import mechanical_translation

from summarise.cli import main
from summarise.render import read_front_matter

FRENCH = [
    "La réunion annuelle de la coalition s'est tenue à Lyon le 12 mars 2023.",
    "Quarante délégués de douze pays y ont participé pendant trois jours.",
]
ENGLISH = [
    "The council approved the new budget for the coming year after a long debate.",
    "Most of the money will go to schools, hospitals and the repair of old roads.",
]


def brief(runner, text: str, *args: str) -> dict:
    Path("doc.txt").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md", *args])
    assert result.exit_code == 0, result.output
    front = read_front_matter(Path("doc.md").read_text(encoding="utf-8"))
    assert front is not None
    return front


MIXED = {
    "paragraphs": "\n\n".join([ENGLISH[0], FRENCH[0], ENGLISH[1], FRENCH[1]]),
    "one long paragraph": " ".join([ENGLISH[0], ENGLISH[1], FRENCH[0], FRENCH[1]]),
    "mostly English": "\n\n".join([*ENGLISH, *ENGLISH, FRENCH[0]]),
}


@pytest.mark.parametrize("text", MIXED.values(), ids=MIXED.keys())
def test_a_mixed_document_is_translated_and_the_mix_recorded(runner, step_endpoint, text: str) -> None:
    stub = step_endpoint
    front = brief(runner, text)
    assert "translation" in stub.tasks()  # the French is not left as it is
    assert set(front["source_languages"]) == {"en", "fr"}
    assert abs(sum(front["source_languages"].values()) - 1) < 0.02
    markdown = Path("doc.md").read_text(encoding="utf-8")
    assert f"(en) {mechanical_translation(FRENCH[0])}" in markdown  # the stub's "translation" of the French line


def test_a_document_wholly_in_the_target_language_is_not_translated(runner, step_endpoint) -> None:
    stub = step_endpoint
    front = brief(runner, "\n\n".join(ENGLISH))
    assert "translation" not in stub.tasks()
    assert front["source_language"] == "en" and "source_languages" not in front
    french = brief(runner, "\n\n".join(FRENCH), "--to", "French")
    assert french["source_language"] == "fr" and stub.tasks().count("translation") == 0


@pytest.mark.parametrize("text", ["Hello world.", "Le budget 2023: 7,5 M€.", "OK"])
def test_a_text_too_short_to_tell_is_unknown_and_translated(runner, step_endpoint, text: str) -> None:
    stub = step_endpoint
    front = brief(runner, text)
    assert front["source_language"] == "unknown"
    assert "translation" in stub.tasks()
    translate = next(r.messages[-1]["content"] for r in stub.requests if r.step == "translate")
    assert "Document in an undetermined language" in translate


def test_a_line_left_in_another_language_fails_the_translation_check(runner, step_endpoint) -> None:
    text = "\n\n".join([ENGLISH[0], FRENCH[0]])
    copied = f"[1] {ENGLISH[0]}\n[2] {FRENCH[0]}"  # a model that "translates" by copying
    # It copies the French line again when asked once more for it.
    step_endpoint.enqueue("translate", copied).enqueue("translate again", f"[2] {FRENCH[0]}")
    brief(runner, text)
    markdown = Path("doc.md").read_text(encoding="utf-8")
    assert "⚠️ **Translation complete:** 2 of 2 paragraphs; 1 paragraph(s) not in English" in markdown
    assert "already in English" not in markdown  # mostly English is not wholly English
