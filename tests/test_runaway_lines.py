"""A translated line that loops (one phrase said again and again until the token cap) is no
translation: it is asked again, and shown untranslated and flagged if it loops again, never
passed with every check green. Built through build_brief with the tests' FakeModel."""

from __future__ import annotations

import json

from fake_model import FakeModel, brief_of

from summarise.brief import Brief
from summarise.grounding.alignment import runaway

FRENCH = (
    "Le Texas et la Louisiane ont été frappés lundi par la tempête, qui a inondé Houston.\n\n"
    "La tempête a frappé le Texas et la Louisiane lundi.\n\n"
    "Les écoles de Houston resteront fermées trois jours, en juin 2018."
)
LOOPED = "Houston schools will stay closed for three days, " + "the meeting of the directors in June 2018, " * 12
GOOD = "Houston schools will stay closed for three days, in June 2018."
FIRST = (
    "[1] Texas and Louisiana were hit on Monday by the storm, which flooded Houston.\n"
    "[2] The storm hit Texas and Louisiana on Monday.\n"
    f"[3] {LOOPED}"
)
SUMMARY = "A storm hit Texas and Louisiana on Monday [2]. It flooded Houston [1]. Schools close for three days [3]."


def _brief(again: str) -> tuple[Brief, FakeModel]:
    model = FakeModel().enqueue("translate", FIRST).enqueue("translate again", again)
    model.enqueue("summary", SUMMARY).enqueue("facts", json.dumps({"facts": ["[2] The storm hit on Monday."]}))
    brief = brief_of(FRENCH, model)
    return brief, model


def test_a_looping_line_is_asked_again_and_the_answer_that_does_not_loop_is_kept() -> None:
    brief, model = _brief(f"[3] {GOOD}")
    assert "translate again" in model.steps()
    assert GOOD in "\n".join(brief.translation)
    assert "the meeting of the directors" not in "\n".join(brief.translation)


def test_a_line_that_loops_again_is_shown_untranslated_and_flagged() -> None:
    brief, _model = _brief(f"[3] {LOOPED}")
    assert "the meeting of the directors" not in "\n".join(brief.translation)
    complete = next(check for check in brief.checks if check.name.startswith("Translation complete"))
    assert not complete.passed
    assert not brief.complete


def test_a_long_right_translation_is_not_a_loop() -> None:
    source = "Le ministre a rencontré les ministres de la coalition, puis les ministres africains."
    assert not runaway(source, "The minister met the coalition's ministers, then the African ministers.")
    # a source that repeats itself is translated repeating itself
    assert not runaway("Oui, oui, oui, oui, oui, oui, oui.", "Yes, yes, yes, yes, yes, yes, yes.")
    assert runaway(source, "The minister met " + "the ministers of the coalition, " * 6)
