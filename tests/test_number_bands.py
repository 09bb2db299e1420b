"""A band of ten ("in the 80s" °F, "her mid-30s", "la trentaine") is not a decade, and two
hedges that agree ("à peine plus de 200", "about 200") are not a changed number (issue 35).

Before, "widespread 80s" for "autour de 26 degrés" was read as "the 1980s" and the right fact
was flagged "“80s” is not in the quoted sentence"; "about 200" for "à peine plus de 200" was
flagged as said nearly/about where the source says more than.
"""

from __future__ import annotations

import pytest

from summarise.documents.languages import Language
from summarise.grounding.claims import qualifier_problems, translation_problems
from summarise.grounding.facts import verify_facts
from summarise.grounding.quantities import missing_quantities
from summarise.readers.text import parse_document
from summarise.tasks.fact_answers import RawFact

# (French source, a right English translation), as a US or British translator writes them.
SAME = [
    ("des maximales de 31 degrés", "highs in the upper 80s"),  # 31 °C is 87.8 °F
    ("il fera 18 degrés", "temperatures in the mid-60s"),  # 64.4 °F
    ("des températures proches de 10 degrés", "highs in the low 50s"),
    ("des températures autour de 27 degrés", "temperatures in the high 20s"),  # °C both
    ("elle a 35 ans", "she is in her mid-30s"),
    ("un homme d'une quarantaine d'années", "a man in his 40s"),
    ("une femme dans la mi-trentaine", "a woman in her mid-thirties"),
    ("un homme dans la soixantaine", "a man in his sixties"),
    ("un score de 72", "a score in the low 70s"),
    ("agressée dans les années 80", "assaulted in the 80s"),  # still a decade where the source says so
    ("une trentaine de blessés", "about 30 injured"),
]


@pytest.mark.parametrize(("source", "translation"), SAME)
def test_a_band_is_not_read_as_a_decade_in_a_translation_or_a_fact(source: str, translation: str) -> None:
    assert missing_quantities(source, "fr", translation, "en") == []  # the translation keeps the source's number
    assert missing_quantities(translation, "en", source, "fr") == []  # the fact's number is in its line
    assert qualifier_problems(translation, "en", source, "fr") == []


# (French source, a translation whose band says another value)
CHANGED = [
    ("il fera 18 degrés", "temperatures in the 80s"),
    ("autour de 24 degrés", "widespread 90s"),
    ("des maximales de 31 degrés", "highs in the low 80s"),  # 87.8 °F is not 80-83
    ("elle a 45 ans", "she is in her 30s"),
    ("un homme dans la soixantaine", "a man in his seventies"),
    ("agressée dans les années 80", "assaulted in the 90s"),
]


@pytest.mark.parametrize(("source", "translation"), CHANGED)
def test_a_band_that_says_another_value_is_caught(source: str, translation: str) -> None:
    assert missing_quantities(translation, "en", source, "fr")


def test_a_fact_of_a_temperature_band_is_supported_on_its_line() -> None:
    document = parse_document(
        "Lundi, des maximales de 31 degrés sont attendues dans tout le Texas.\n\nLes écoles restent ouvertes.".encode(),
        "heat.txt",
    )
    translated = {1: "On Monday, highs in the upper 80s are expected across Texas.", 2: "Schools stay open."}
    (fact,) = verify_facts(document, [RawFact(1, "", translated[1])], Language("en", "English"), translated)
    assert (fact.sentence, fact.problems) == (1, ())


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("il n’y en a à peine plus de 200 debout", "we have about 200 people standing"),
        ("un peu plus de 3 000 votants", "more than 3,000 voters"),
        ("à peine moins de 40 % des voix", "nearly 40% of the vote"),
        ("environ 500 maisons", "just over 500 homes"),
    ],
)
def test_hedges_that_agree_are_not_flagged(source: str, translation: str) -> None:
    assert translation_problems(source, "fr", translation, "en") == []


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("près de 90 millions", "over 90 million dollars"),
        ("un peu plus de 3 000 votants", "fewer than 3,000 voters"),
        ("à peine moins de 40 % des voix", "more than 40% of the vote"),
        ("plus de 500 maisons", "just under 500 homes"),
    ],
)
def test_hedges_that_disagree_are_still_flagged(source: str, translation: str) -> None:
    assert qualifier_problems(translation, "en", source, "fr")


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("mis en quarantaine pendant 14 jours", "put in quarantine for 14 days"),
        ("une quarantaine de 14 jours", "a 14-day quarantine"),
        ("la quarantaine a été levée", "the quarantine was lifted"),
        ("une quarantaine de pays", "some 40 countries"),
        ("un homme d'une quarantaine d'années", "a man in his forties"),
    ],
)
def test_a_quarantine_is_no_band_of_forty(source: str, translation: str) -> None:
    assert missing_quantities(source, "fr", translation, "en") == []
    assert missing_quantities(translation, "en", source, "fr") == []
