"""A brief's summary and facts checked against their own lines: the seed errors of issue 13."""

from __future__ import annotations

from summarise.brief import Check
from summarise.documents.languages import Language
from summarise.grounding.facts import verify_facts
from summarise.grounding.report import cross_checks
from summarise.grounding.summary import ground_summary, read_summary
from summarise.readers.text import parse_document
from summarise.tasks.fact_answers import RawFact

SOURCE = (
    "Le Maroc a accueilli la réunion de la Coalition mondiale contre Daech.\n\n"
    "La Coalition a libéré plus de 7,7 millions de personnes de Daech.\n\n"
    "Les partenaires ont versé près de 90 millions de dollars."
)
TRANSLATED = {
    1: "Morocco hosted the meeting of the Global Coalition against Daech.",
    2: "The Coalition freed more than 7.7 million people from Daech.",
    3: "The partners provided nearly 90 million dollars.",
}
ENGLISH = Language("en", "English")
DOCUMENT = parse_document(SOURCE.encode(), "seed.txt")


def test_each_summary_sentence_is_checked_against_the_lines_it_cites() -> None:
    summary = (
        "Morocco hosted the Global Coalition against Daech [1]. "
        "The coalition has released more than 7.7 million Daech fighters [2]. "
        "Partners gave nearly 90 million dollars [3]. Partners gave over 90 million dollars [3]."
    )
    first, second, third, fourth = ground_summary(read_summary(summary, "en"), DOCUMENT, TRANSLATED, ENGLISH)
    assert (first.text, first.lines, first.problems) == ("Morocco hosted the Global Coalition against Daech.", (1,), ())
    assert first.named and not first.note
    assert second.problems == ("“7.7 million Daech”: its line says “7.7 million people”",)
    assert third.problems == ()
    assert fourth.problems == ("“90 million dollars” is said more than; the source says nearly/about",)


def test_a_citation_is_a_hint_a_sentence_moves_to_the_lines_that_say_it() -> None:
    summary = "Partners gave nearly 90 million dollars [1]. The Coalition freed more than 7.7 million people."
    cited_wrong, uncited = ground_summary(read_summary(summary, "en"), DOCUMENT, TRANSLATED, ENGLISH)
    assert (cited_wrong.lines, cited_wrong.problems) == ((3,), ())
    assert cited_wrong.note == "re-linked: the summary cited line 1" and not cited_wrong.named
    assert (uncited.lines, uncited.problems, uncited.named) == ((2,), (), False)


def test_a_sentence_no_line_says_is_flagged_on_the_line_it_cited() -> None:
    summary = "Morocco hosted the meeting [1]. The finance minister resigned over 90 million dollars [1]."
    _, sentence = ground_summary(read_summary(summary, "en"), DOCUMENT, TRANSLATED, ENGLISH)
    assert sentence.problems[0] == "not found in the source: no line says this"
    assert sentence.lines == (1,) and sentence.named
    assert sentence.problems[1] == "“90 million dollars” is not in the lines it is linked to"


def _checks(summary: str, facts: list[RawFact]) -> dict[str, Check]:
    verified = verify_facts(DOCUMENT, facts, ENGLISH, TRANSLATED)
    checks = cross_checks(
        DOCUMENT,
        ENGLISH,
        summary=ground_summary(read_summary(summary, "en"), DOCUMENT, TRANSLATED, ENGLISH),
        summary_notes=[],
        facts=verified,
        translation=list(TRANSLATED.values()),
        translated=TRANSLATED,
    )
    return {check.name.split(" words")[0]: check for check in checks}


def test_the_over_for_nearly_fact_is_unsupported() -> None:
    over = RawFact(3, "number", "Partners provided over 90 million dollars.")
    (fact,) = verify_facts(DOCUMENT, [over], ENGLISH, TRANSLATED)
    assert not fact.supported
    assert fact.problems == ("“90 million dollars” is said more than; the source says nearly/about",)


def test_names_are_checked_against_the_translation_of_their_line_so_morocco_passes() -> None:
    checks = _checks("Morocco hosted the meeting [1].", [RawFact(1, "who", "Morocco hosted the Global Coalition.")])
    names = checks["Names in the facts found in the translation of their line"]
    assert names.passed, names.detail


def test_source_words_left_in_summary_and_facts_are_reported_once_not_as_lost_names() -> None:
    fact = RawFact(1, "who", "The Maroc hosted the Coalition Mondiale contre Daech.")
    checks = _checks("The Maroc hosted the meeting [1].", [fact])
    left = checks["No French"]
    assert not left.passed
    assert left.detail == "summary sentence 1: Maroc; fact 1: Maroc, Mondiale, contre"
    assert checks["Names in the facts found in the translation of their line"].passed


def test_french_words_the_translation_kept_are_flagged_in_it_and_in_the_summary() -> None:
    translated = {**TRANSLATED, 3: "The partenaires provided nearly 90 million dollars."}
    summary = "The partenaires gave nearly 90 million dollars [3]."
    checks = cross_checks(
        DOCUMENT,
        ENGLISH,
        summary=ground_summary(read_summary(summary, "en"), DOCUMENT, translated, ENGLISH),
        summary_notes=[],
        facts=[],
        translation=list(translated.values()),
        translated=translated,
    )
    by_name = {check.name: check for check in checks}
    kept = by_name["Every French word translated"]
    assert not kept.passed and kept.detail == "line 3: partenaires"
    # The translation has the same word, so only the word lists can tell: still flagged.
    left = by_name["No French words left in summary and facts"]
    assert not left.passed and left.detail == "summary sentence 1: partenaires"
    assert _checks("Morocco hosted the meeting [1].", [])["Every French word translated"].passed


def test_no_word_list_check_is_shown_where_the_word_lists_cannot_tell() -> None:
    # Japanese has no word list: no ✅ that would mean nothing.
    japanese = parse_document("東京で会議が開かれた。参加者は八十四人だった。".encode(), "ja.txt")
    translated = {1: "A meeting was held in Tokyo.", 2: "There were 84 participants."}
    checks = cross_checks(
        japanese,
        ENGLISH,
        summary=ground_summary(read_summary("A meeting was held in Tokyo [1].", "en"), japanese, translated, ENGLISH),
        summary_notes=[],
        facts=[],
        translation=list(translated.values()),
        translated=translated,
    )
    assert not [check for check in checks if check.name.endswith("word translated")]
