""" "Each name of the source translated one way": grammatical forms are one form; the check links its lines."""

from __future__ import annotations

import pytest

from summarise.grounding.name_forms import name_forms_check
from summarise.readers.text import parse_document


def _check(source_lines: list[str], translated: list[str]):  # type: ignore[no-untyped-def]
    document = parse_document("\n\n".join(source_lines).encode(), "doc.txt")
    assert len(document.sentences) == len(source_lines)
    return name_forms_check(document, dict(enumerate(translated, start=1)))


@pytest.mark.parametrize(
    ("source", "translated"),
    [
        (  # a possessive
            ["Mickelson a joué samedi.", "Le swing de Mickelson était lent.", "Mickelson a perdu."],
            ["Mickelson played on Saturday.", "Mickelson's swing was slow.", "Mickelson lost."],
        ),
        (  # a demonym and a possessive of a country
            ["La Chine achète du porc.", "Les porcs de Chine sont malades.", "La Chine ferme ses marchés."],
            ["Chinese buyers want pork.", "China's pigs are ill.", "China closes its markets."],
        ),
        (  # a people and its country
            ["La Macédoine vote.", "Les électeurs de Macédoine ont voté non.", "La Macédoine attend."],
            ["Macedonia votes.", "Macedonians voted no.", "Macedonia waits."],
        ),
        (  # a name shortened to the surname after its first mention
            ["Peter Jones a parlé.", "Peter Jones est parti.", "Peter Jones reviendra."],
            ["Peter Jones spoke.", "Jones left.", "Jones will be back."],
        ),
    ],
)
def test_grammatical_forms_and_shortened_names_are_one_form(source: list[str], translated: list[str]) -> None:
    check = _check(source, translated)
    assert check.passed, check.detail


def test_a_name_written_two_ways_is_reported_on_the_lines_that_differ() -> None:
    check = _check(
        [
            "La Coalition mondiale contre Daech se réunit.",
            "La Coalition mondiale contre Daech parle.",
            "La Coalition mondiale contre Daech compte 84 membres.",
        ],
        [
            "The Global Coalition against Daesh meets.",
            "The Global Coalition against Daesh speaks.",
            "The World Alliance versus Daech has 84 members.",
        ],
    )
    assert not check.passed and "2 forms" in check.detail
    # the failed check names its lines, so the page links them and marks them
    assert [finding.number for finding in check.lines] == [3]
    assert "Global Coalition against Daesh” on lines 1, 2" in check.lines[0].reason
