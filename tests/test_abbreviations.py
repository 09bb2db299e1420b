"""A line cut after an abbreviation is not judged as untranslated (documents/, grounding/report.py)."""

from __future__ import annotations

from summarise.brief import Fact
from summarise.documents import split_sentences
from summarise.documents.languages import parse_language
from summarise.grounding.report import cross_checks
from summarise.readers.text import parse_document


def test_a_sentence_is_not_cut_after_an_initialism_an_initial_or_a_title() -> None:
    text = "D’après le U.S. Corps of Engineers, la digue tiendra. Le projet du Dr. Smith et de J.-P. Martin avance."
    assert [s.text for s in split_sentences(text, "fr")] == [
        "D’après le U.S. Corps of Engineers, la digue tiendra.",
        "Le projet du Dr. Smith et de J.-P. Martin avance.",
    ]


def test_a_short_english_heading_is_not_called_another_language() -> None:
    # Too short for the language identifier, which calls it French; its words are English words.
    document = parse_document(
        "Le « phénomène » du Livingston - Analyse\n\nLivingston a battu les Rangers 1 à 0 dimanche.".encode(), "a.txt"
    )
    translated = {1: "'Phenomenal' from Livingston - analysis", 2: "Livingston beat Rangers 1-0 on Sunday."}
    checks = cross_checks(
        document,
        parse_language("en"),
        summary=[],
        summary_notes=[],
        facts=list[Fact](),
        translation=list(translated.values()),
        translated=translated,
    )
    complete = next(check for check in checks if check.name == "Translation complete")
    assert complete.passed, complete.detail
