"""Alarms a reviewer can believe (issue 35): what a brief flags is there, and nothing right is
moved, dropped or flagged twice. Built through build_brief with the tests' FakeModel."""

from __future__ import annotations

import json

from fake_model import FakeModel, brief_of

from summarise.brief import Brief
from summarise.config import FactsMethod
from summarise.documents.languages import Language
from summarise.grounding.facts import verify_facts
from summarise.grounding.report import cross_checks
from summarise.readers.text import parse_document
from summarise.render.problems import fact_problems
from summarise.tasks.fact_answers import RawFact

ENGLISH = Language("en", "English")
FRENCH = (
    "Le Texas et la Louisiane ont été frappés lundi par la tempête, qui a inondé Houston.\n\n"
    "La tempête a frappé le Texas et la Louisiane lundi.\n\n"
    "Les écoles de Houston resteront fermées trois jours."
)
TRANSLATED = {
    1: "Texas and Louisiana were hit on Monday by the storm, which flooded Houston.",
    2: "The storm hit Texas and Louisiana on Monday.",
    3: "Houston schools will stay closed for three days.",
}


def test_a_fact_its_cited_line_says_stays_there_though_another_line_says_more() -> None:
    document = parse_document(FRENCH.encode(), "storm.txt")
    (fact,) = verify_facts(
        document,
        [RawFact(2, "", "The storm hit Texas and Louisiana on Monday, flooding Houston.")],
        ENGLISH,
        TRANSLATED,
    )
    assert (fact.sentence, fact.note) == (2, "")


def _brief(*, translation: str, facts: list[str], summary: str, text: str = FRENCH) -> Brief:
    model = FakeModel().enqueue("translate", translation).enqueue("translate again", translation)
    model.enqueue("summary", summary).enqueue("facts", json.dumps({"facts": facts}))
    return brief_of(text, model, facts_method=FactsMethod.LINE)  # the facts as the model gives them


RIGHT = "\n".join(f"[{n}] {text}" for n, text in TRANSLATED.items())
SUMMARY = "A storm hit Texas and Louisiana on Monday [2]. It flooded Houston [1]. Schools close for three days [3]."


def test_facts_citing_lines_the_document_lacks_are_shown_flagged_and_the_brief_is_not_complete() -> None:
    brief = _brief(
        translation=RIGHT,
        facts=["[0] A storm came.", "[-1] Texas was hit.", "[99999] Houston flooded."],
        summary=SUMMARY,
    )
    assert [fact.statement for fact in brief.facts] == ["A storm came.", "Texas was hit.", "Houston flooded."]
    assert all(fact.status == "not found" for fact in brief.facts)
    assert "cites line 99999, which the document does not have" in brief.facts[2].problems
    assert not brief.complete and any("-1, 0, 99999" in problem for problem in brief.problems)
    supported = next(check for check in brief.checks if check.name.startswith("Facts seen on their line"))
    assert not supported.passed and "0 of 0" not in supported.detail


def test_a_summary_citing_line_minus_one_is_flagged_not_read_as_the_number_one() -> None:
    brief = _brief(
        translation=RIGHT,
        facts=["[2] The storm hit Texas and Louisiana on Monday."],
        summary="A storm hit Texas and Louisiana on Monday [-1]. It flooded Houston [1]. Schools close [3].",
    )
    first = brief.summary_sentences[0]
    assert first.text == "A storm hit Texas and Louisiana on Monday."
    assert any("line -1" in problem for problem in first.problems)
    assert not any("“1”" in problem for problem in first.problems)
    assert not brief.complete


def test_a_line_numbered_twice_keeps_neither_copy_and_is_asked_again() -> None:
    invented = RIGHT.replace("[3] Houston", "[2] Storms will return next week.\n[3] Houston")
    model = FakeModel().enqueue("translate", invented).enqueue("translate again", "[2] " + TRANSLATED[2])
    model.enqueue("summary", SUMMARY).enqueue("facts", json.dumps({"facts": []}))
    brief = brief_of(FRENCH, model)
    assert "translate again" in model.steps()
    assert brief.lines[1].translation == TRANSLATED[2]


def test_checks_read_the_text_the_brief_shows_not_terminal_sequences() -> None:
    # "\x1b[0m" carries a "0" the reader never sees: it must not be checked as a number.
    fact = "\x1b[31mThe storm hit Texas and Louisiana on Monday.\x1b[0m"
    brief = _brief(translation=RIGHT, facts=[f"[2] {fact}"], summary=SUMMARY)
    (shown,) = brief.facts
    assert shown.statement == "The storm hit Texas and Louisiana on Monday." and shown.supported, shown.problems


def test_a_fact_card_lists_each_problem_once() -> None:
    document = parse_document(FRENCH.encode(), "storm.txt")
    facts = verify_facts(
        document, [RawFact(3, "", "Houston schools will stay closed for 5 days in 2031.")], ENGLISH, TRANSLATED
    )
    assert len(facts[0].problems) == 2
    checks = cross_checks(
        document,
        ENGLISH,
        summary=[],
        summary_notes=[],
        facts=facts,
        translation=list(TRANSLATED.values()),
        translated=TRANSLATED,
    )
    brief = _brief(translation=RIGHT, facts=[], summary=SUMMARY)
    from dataclasses import replace

    card = fact_problems(replace(brief, facts=tuple(facts), checks=tuple(checks)))[1]
    assert sorted(card) == sorted(facts[0].problems)


def test_every_failed_check_links_what_it_names_summary_sentences_included() -> None:
    from summarise.render.html import render_html

    wrong = "A storm hit Texas and Louisiana on Monday [2]. It flooded Houston [1]. Schools close for 5 days [3]."
    brief = _brief(translation=RIGHT, facts=["[3] Houston schools will stay closed for 5 days."], summary=wrong)
    failed = [check for check in brief.checks if not check.passed]
    assert failed and all(check.lines or check.facts or check.sentences for check in failed), failed
    summary_check = next(c for c in failed if c.name.startswith("Summary sentences"))
    assert [finding.number for finding in summary_check.sentences] == [3]
    page = render_html(brief)
    assert 'id="S3"' in page and 'href="#S3"' in page


BYLINE = (
    "Par Pierre Lefèvre et Marie-Claire Dubois, Agence France-Presse\n\n"
    "Saint-Jean-de-Luz, Pyrénées-Atlantiques\n\n"
    "Reuters\n\n" + FRENCH
)
BYLINE_ENGLISH = [
    "By Pierre Lefèvre and Marie-Claire Dubois, Agence France-Presse",
    "Saint-Jean-de-Luz, Pyrénées-Atlantiques",
    "Reuters",
    *TRANSLATED.values(),
]


def test_a_right_line_of_names_is_not_judged_for_its_language_never_called_not_english() -> None:
    brief = _brief(
        translation="\n".join(f"[{n}] {text}" for n, text in enumerate(BYLINE_ENGLISH, start=1)),
        facts=["[5] The storm hit Texas and Louisiana on Monday."],
        summary="A storm hit Texas and Louisiana on Monday [5]. It flooded Houston [4]. Schools close [6].",
        text=BYLINE,
    )
    check = next(check for check in brief.checks if check.name == "Translation complete")
    assert check.passed and not check.lines, check
    assert not any(line.problems for line in brief.lines[:3])
    # said once, in the check, naming the lines it could not judge
    assert check.detail.count("not judged") == 1 and "lines 1, 2, 3" in check.detail, check.detail


def test_a_copied_source_sentence_is_still_judged_not_english() -> None:
    copied = dict(enumerate(BYLINE_ENGLISH, start=1)) | {5: "La tempête a frappé le Texas et la Louisiane lundi."}
    brief = _brief(
        translation="\n".join(f"[{n}] {text}" for n, text in copied.items()),
        facts=["[4] Texas and Louisiana were hit on Monday by the storm."],
        summary=SUMMARY,
        text=BYLINE,
    )
    check = next(check for check in brief.checks if check.name == "Translation complete")
    assert not check.passed and [finding.number for finding in check.lines] == [5], check


def test_a_line_left_untranslated_is_flagged_once_its_words_not_judged_again() -> None:
    without_two = "\n".join(f"[{n}] {text}" for n, text in TRANSLATED.items() if n != 2)
    brief = _brief(
        translation=without_two, facts=["[3] Houston schools will stay closed for three days."], summary=SUMMARY
    )
    assert brief.lines[1].problems == ("left untranslated",)
    words = next(check for check in brief.checks if check.name == "Every French word translated")
    assert words.passed and "not judged: line 2 (left untranslated)" in words.detail, words


def test_a_fact_on_a_line_left_untranslated_stays_there_not_checked_not_called_absent() -> None:
    without_three = "\n".join(f"[{n}] {text}" for n, text in TRANSLATED.items() if n != 3)
    brief = _brief(
        translation=without_three, facts=["[3] Houston schools will stay closed for three days."], summary=SUMMARY
    )
    (fact,) = brief.facts
    assert (fact.sentence, fact.note) == (3, ""), fact  # the line it cites, not one that shares "Houston"
    assert fact.problems == ("not checked: line 3 was left untranslated",) and fact.status != "not found"
    names = next(check for check in brief.checks if check.name.startswith("Names in the facts"))
    assert names.passed and "not judged: fact 1" in names.detail, names
