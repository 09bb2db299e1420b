"""Facts: tolerant parsing of what models send, and verification of their evidence in code."""

from __future__ import annotations

import re

import pytest

from summarise.chunking import plan_chunks
from summarise.documents import parse_document
from summarise.errors import FactsUnreadable
from summarise.grounding.facts import verify_facts
from summarise.languages import Language
from summarise.tasks.fact_answers import RawFact, facts_schema, parse_facts
from summarise.tasks.facts import line_groups

SOURCE = (
    "Le 11 mai 2022, le Maroc accueille la réunion de la Coalition.\n\n"
    "La Coalition a libéré plus de 7,7 millions de personnes. Elle compte 84 membres."
)
ENGLISH = Language("en", "English")


@pytest.mark.parametrize(
    "answer",
    [
        '{"facts": [{"line": 2, "fact_in_English": "It freed 7.7 million people.", "category": "number"}]}',
        '```json\n{"facts": [{"line": "2", "fact_in_English": "It freed 7.7 million people.", "category": "x"}]}\n```',
        'Here you go: [{"sentence": 2, "fact": "It freed 7.7 million people."}] Hope it helps.',
    ],
)
def test_facts_are_read_from_json_in_any_wrapping(answer: str) -> None:
    facts = parse_facts(answer, 1, 3)
    assert [(f.sentence, f.statement) for f in facts] == [(2, "It freed 7.7 million people.")]
    assert facts[0].category in ("number", "other")


def test_facts_pointing_outside_the_chunk_are_dropped() -> None:
    answer = '{"facts": [{"line": 9, "fact_in_English": "Out of range.", "category": "other"}]}'
    assert parse_facts(answer, 1, 3) == []


@pytest.mark.parametrize("answer", ["no json here", '{"facts": 3}', '{"facts": [{"line": 1,'])
def test_unreadable_answers_raise_for_a_repair(answer: str) -> None:
    with pytest.raises(FactsUnreadable):
        parse_facts(answer, 1, 3)


def test_a_number_too_long_to_read_is_an_unreadable_answer_not_a_crash() -> None:
    # json raises a plain ValueError (not a JSONDecodeError, which has .msg) past 4300 digits.
    answer = '{"facts": [{"line": ' + "9" * 5000 + ', "fact_in_English": "x", "category": "other"}]}'
    with pytest.raises(FactsUnreadable, match="invalid JSON"):
        parse_facts(answer, 1, 3)


def _verify(*raw: RawFact) -> list:
    return verify_facts(parse_document(SOURCE.encode(), "x"), list(raw), ENGLISH)


def test_a_fact_by_line_is_supported_when_its_numbers_are_in_that_line() -> None:
    good, bad = _verify(
        RawFact(2, "number", "The Coalition freed more than 7.7 million people."),
        RawFact(3, "number", "The Coalition has 90 members."),
    )
    assert good.supported and good.evidence == "La Coalition a libéré plus de 7,7 millions de personnes."
    assert good.paragraph == 2
    assert not bad.supported and bad.problems == ("“90” is not in the quoted sentence",)


def test_duplicate_facts_are_merged() -> None:
    facts = _verify(
        RawFact(3, "number", "The Coalition has 84 members."),
        RawFact(3, "number", "The Coalition has 84 members!"),
    )
    assert len(facts) == 1


@pytest.mark.parametrize(
    ("quote", "statement", "kind"),
    [
        ("Elle compte 84 membres.", "It has 84 members.", "exact"),
        ("elle  compte 84 MEMBRES.", "It has 84 members.", "normalised"),
        ("La Coalition a libéré plus de 7,7 millions de gens.", "It freed more than 7.7 million people.", "fuzzy"),
        ("Le président a démissionné hier soir.", "The president resigned.", "absent"),
    ],
)
def test_a_fact_by_quote_is_found_in_the_source_or_flagged(quote: str, statement: str, kind: str) -> None:
    (fact,) = _verify(RawFact(0, "other", statement, quote))
    assert fact.match == kind
    assert fact.supported == (kind != "absent")
    if kind == "absent":
        assert fact.problems == ("the quote is not in the source",)
    else:  # the evidence shown is what the source really says, and where
        assert fact.evidence in SOURCE and fact.paragraph == 2


def test_a_fact_citing_the_wrong_line_is_re_anchored_to_the_line_that_supports_it() -> None:
    (fact,) = _verify(RawFact(1, "number", "The Coalition freed more than 7.7 million people."))
    assert fact.sentence == 2 and fact.supported
    assert fact.note == "re-anchored: the model cited line 1"


def test_a_fact_is_never_re_anchored_onto_a_line_another_fact_cites() -> None:
    # Another fact cites line 2, so the fact citing line 1 is not moved onto it: flagged instead.
    other = RawFact(2, "what", "The Coalition freed people from Daech.")
    wrong = RawFact(1, "number", "The Coalition freed more than 7.7 million people.")
    facts = _verify(other, wrong)
    assert [f.sentence for f in facts] == [2, 1]
    assert not facts[1].supported and not facts[1].note  # flagged where the model put it, not moved


def test_a_fact_no_nearby_line_supports_stays_flagged() -> None:
    (fact,) = _verify(RawFact(1, "number", "The Coalition freed 9 million people in 2019."))
    assert fact.sentence == 1 and not fact.supported and not fact.note


def test_a_fact_written_in_the_source_language_is_read_in_it() -> None:
    (fact,) = _verify(RawFact(2, "number", "La Coalition a libéré 7,7 millions de personnes."))
    assert fact.supported


def test_facts_are_asked_per_group_of_lines_with_room_for_one_per_line() -> None:
    # An 11-line article, a paragraph per line: two groups, so its facts can cover it all
    # (asked once with three facts, the 2022 seed's brief missed half of what matters).
    document = parse_document("\n\n".join(f"Phrase numéro {n} du texte." for n in range(1, 12)).encode(), "a.txt")
    (chunk,) = plan_chunks(document, 10_000)
    assert [(g.first, g.last, g.max_facts) for g in line_groups(chunk)] == [(1, 6, 4), (7, 11, 4)]
    # A two-line document asks for at most two facts; the quote method asks once per chunk.
    (short,) = plan_chunks(parse_document(b"Une phrase.\n\nUne autre.", "b.txt"), 10_000)
    assert [(g.first, g.last, g.max_facts) for g in line_groups(short)] == [(1, 2, 2)]
    assert len(line_groups(chunk, "quote")) == 1


def test_a_fact_stays_on_its_line_when_the_same_words_come_earlier() -> None:
    # Line 3 repeats line 1 word for word: its fact is the line-3 fact, not a second one on line 1.
    document = parse_document(
        "Le pont ouvrira en 2025.\n\nIl coûtera 80 millions d’euros.\n\nLe pont ouvrira en 2025.".encode(), "a.txt"
    )
    first = RawFact(1, "when", "The bridge will open in 2025.")
    again = RawFact(3, "when", "The article ends by saying that the bridge opens in 2025.")
    facts = verify_facts(document, [first, again], ENGLISH)
    assert [(f.sentence, f.paragraph) for f in facts] == [(1, 1), (3, 3)]
    assert all(f.supported for f in facts)


def test_line_facts_are_one_string_each_and_out_of_range_lines_are_dropped() -> None:
    # "[n] fact" strings cost a third of the tokens of objects; the old object form still reads.
    answer = '{"facts": ["[2] The coalition has 84 members.", "[9] Out of range.", "(3) Founded in 2014."]}'
    assert parse_facts(answer, 1, 3) == [
        RawFact(2, "", "The coalition has 84 members."),
        RawFact(3, "", "Founded in 2014."),
    ]
    cut = '{"facts": ["[1] Morocco hosts the meeting.", "[2] The coal'
    assert parse_facts(cut, 1, 3, partial=True) == [RawFact(1, "", "Morocco hosts the meeting.")]
    with pytest.raises(FactsUnreadable):
        parse_facts('{"facts": ["no line number here"]}', 1, 3)
    # The schema keeps the model to the group's lines (llama.cpp makes the pattern a grammar).
    pattern = facts_schema(7, 9, "fact_in_English")["properties"]["facts"]["items"]["pattern"]
    assert re.fullmatch(pattern, "[8] The coalition was founded in 2014.")
    assert not re.fullmatch(pattern, "[6] A line of another group.")
    assert not re.fullmatch(pattern, '[7] A "quoted" word would end the JSON string.')
