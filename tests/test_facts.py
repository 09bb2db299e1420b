"""Facts: tolerant parsing of what models send, and verification of their evidence in code."""

from __future__ import annotations

import re

import pytest

from summarise.chunking import plan_chunks
from summarise.documents.languages import Language
from summarise.errors import FactsUnreadable
from summarise.grounding.facts import verify_facts
from summarise.readers.text import parse_document
from summarise.tasks.fact_answers import MAX_FACT_CHARS, RawFact, facts_schema, parse_facts
from summarise.tasks.facts import line_groups

SOURCE = (
    "Le 11 mai 2022, le Maroc accueille la réunion de la Coalition.\n\n"
    "La Coalition a libéré plus de 7,7 millions de personnes. Elle compte 84 membres."
)
SOURCE_ENGLISH = {
    1: "On 11 May 2022, Morocco hosts the meeting of the Coalition.",
    2: "The Coalition freed more than 7.7 million people.",
    3: "It has 84 members.",
}
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


def test_a_newline_or_tab_the_model_wrote_inside_a_fact_does_not_lose_the_facts() -> None:
    # Seen on the bundled model: "invalid JSON (Invalid control character)", the group's facts lost.
    answer = '{"facts": ["[2] It freed 7.7\n million\tpeople.", "[3] Aid came."]}'
    assert "\n" in answer and "\t" in answer  # the characters themselves, not JSON escapes
    facts = parse_facts(answer, 1, 3)
    assert [(f.sentence, f.statement) for f in facts] == [(2, "It freed 7.7 million people."), (3, "Aid came.")]


def test_facts_pointing_outside_the_chunk_are_kept_with_the_line_they_cite() -> None:
    # Dropped, they would vanish unseen; kept, code places them or shows them flagged.
    answer = '{"facts": [{"line": 9, "fact_in_English": "Out of range.", "category": "other"}]}'
    assert parse_facts(answer, 1, 3) == [RawFact(9, "other", "Out of range.")]


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
    return verify_facts(parse_document(SOURCE.encode(), "x"), list(raw), ENGLISH, SOURCE_ENGLISH)


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


def test_a_fact_whose_content_is_on_another_line_moves_there_even_with_wrong_numbers() -> None:
    # Its words are line 2's; its numbers are wrong: it moves to line 2 and is flagged there.
    (fact,) = _verify(RawFact(1, "number", "The Coalition freed 9 million people in 2019."))
    assert fact.sentence == 2 and fact.note == "re-anchored: the model cited line 1"
    assert not fact.supported and "“2019” is not in the quoted sentence" in fact.problems


def test_a_fact_no_line_says_is_flagged_not_supported_even_without_numbers() -> None:
    # No number to disagree with, so the old check passed it; no line says it, so it is flagged.
    (fact,) = _verify(RawFact(2, "what", "The president resigned after a scandal in parliament."))
    assert not fact.supported and fact.status == "not found"
    assert fact.problems == ("not found in the source: no line says this",)


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
    english = {
        1: "The bridge will open in 2025.",
        2: "It will cost 80 million euros.",
        3: "The bridge will open in 2025.",
    }
    first = RawFact(1, "when", "The bridge will open in 2025.")
    again = RawFact(3, "when", "Finally, the bridge opens in 2025.")
    facts = verify_facts(document, [first, again], ENGLISH, english)
    assert [(f.sentence, f.paragraph) for f in facts] == [(1, 1), (3, 3)]
    assert all(f.supported for f in facts)


def test_line_facts_are_one_string_each_and_out_of_range_lines_are_kept() -> None:
    # "fact [n]" strings cost a third of the tokens of objects; the older forms still read.
    answer = (
        '{"facts": ["The coalition has 84 members. [2]", "Out of range. [9]", "(3) Founded in 2014.",'
        ' "[1] Morocco hosts the meeting."]}'
    )
    assert parse_facts(answer, 1, 3) == [
        RawFact(2, "", "The coalition has 84 members."),
        RawFact(9, "", "Out of range."),
        RawFact(3, "", "Founded in 2014."),
        RawFact(1, "", "Morocco hosts the meeting."),
    ]
    cut = '{"facts": ["Morocco hosts the meeting. [1]", "The coal'
    assert parse_facts(cut, 1, 3, partial=True) == [RawFact(1, "", "Morocco hosts the meeting.")]
    with pytest.raises(FactsUnreadable):
        parse_facts('{"facts": ["no line number here"]}', 1, 3)
    assert parse_facts('{"facts": []}', 1, 3) == []  # lines that state no fact give none
    # The schema keeps the model to the group's lines (llama.cpp makes the pattern a grammar).
    pattern = facts_schema(7, 9, "fact_in_English")["properties"]["facts"]["items"]["pattern"]
    assert re.fullmatch(pattern, "[8] The coalition was founded in 2014.")
    assert not re.fullmatch(pattern, "[6] A line of another group.")
    assert not re.fullmatch(pattern, '[7] A "quoted" word would end the JSON string.')


def test_a_fact_is_held_to_a_short_sentence_and_one_the_bound_stopped_ends_cleanly() -> None:
    # The bundled model copies a long line whole as its "fact"; the schema bounds its length.
    pattern = facts_schema(1, 3, "fact_in_English")["properties"]["facts"]["items"]["pattern"]
    assert re.fullmatch(pattern, "[1] " + "x" * MAX_FACT_CHARS)
    assert not re.fullmatch(pattern, "[1] " + "x" * (MAX_FACT_CHARS + 1))
    # Stopped by the bound mid-word: the cut word goes and the fact says where it stops.
    start = "Morocco co-chaired the Global Counterterrorism Forum for three terms, "
    stopped = (start + "and " * MAX_FACT_CHARS)[: MAX_FACT_CHARS - 10] + " Rabat, ho"
    answer = '{"facts": ["[1] ' + stopped + '", "[2] The coalition has 84 members."]}'
    first, second = parse_facts(answer, 1, 3)
    assert first.statement.startswith(start) and first.statement.endswith(" Rabat …")
    assert second.statement == "The coalition has 84 members."
    # A complete long sentence from an endpoint that ignores the schema is left as it is.
    complete = " ".join(["word"] * 60) + "."
    assert parse_facts('{"facts": ["[3] ' + complete + '"]}', 1, 3)[0].statement == complete


# A press release: three heading lines, then the lines that state things. The bundled model
# sometimes numbers its facts 1, 2, 3 instead of citing the lines that state them.
RELEASE = (
    "Bureau du porte-parole de la Coalition\n\nCommuniqué de presse\n\n26 juin 2018\n\n"
    "Les diplomates de la Coalition se sont réunis au Maroc.\n\n"
    "L’opération Roundup en Syrie a repris le bastion de Dashisha.\n\n"
    "La statue de Cromwell, sculptée par Thorneycroft, atteste de sa renommée."
)
RELEASE_ENGLISH = {
    1: "Office of the Coalition Spokesperson",
    2: "Press release",
    3: "June 26, 2018",
    4: "The diplomats of the Coalition met in Morocco.",
    5: "Operation Roundup in Syria regained the stronghold of Dashisha.",
    6: "The statue of Cromwell, sculpted by Thorneycroft, attests to his renown.",
}


def _verify_release(*raw: RawFact) -> list:
    return verify_facts(parse_document(RELEASE.encode(), "r.txt"), list(raw), ENGLISH, RELEASE_ENGLISH)


def test_facts_numbered_like_a_list_move_to_the_lines_that_say_them() -> None:
    # The model numbered its facts 1, 2, 3 (the heading lines) for what lines 4, 5, 6 say;
    # each shares only a name ("Coalition") with the line it cited.
    facts = _verify_release(
        RawFact(1, "", "The diplomats of the Coalition met in Morocco."),
        RawFact(2, "", "Operation Roundup in Syria regained the stronghold of Dashisha."),
        RawFact(3, "", "Cromwell's statue by Thorneycroft attests to his renown."),
    )
    assert [(f.sentence, f.supported) for f in facts] == [(4, True), (5, True), (6, True)]
    assert facts[0].evidence == "Les diplomates de la Coalition se sont réunis au Maroc."
    assert [f.note for f in facts] == [f"re-anchored: the model cited line {n}" for n in (1, 2, 3)]


def test_a_run_of_facts_each_one_line_early_all_move_one_line_on() -> None:
    # Each cites the line before its own: the line each cites is another fact's true line,
    # so facts are placed together, best match first, not one by one.
    facts = _verify_release(
        RawFact(3, "", "The diplomats of the Coalition met in Morocco."),
        RawFact(4, "", "Operation Roundup in Syria regained the stronghold of Dashisha."),
        RawFact(5, "", "The statue of Cromwell was sculpted by Thorneycroft."),
    )
    assert [(f.sentence, f.supported) for f in facts] == [(4, True), (5, True), (6, True)]


def test_a_fact_sharing_only_a_name_with_every_line_is_flagged() -> None:
    # "Coalition" is on lines 1 and 4: a shared name is not support.
    (fact,) = _verify_release(RawFact(4, "", "The Coalition welcomed two new members from Africa."))
    assert not fact.supported and fact.problems[0] == "not found in the source: no line says this"
    assert fact.status == "not found"


def test_a_dropped_copy_of_a_fact_does_not_keep_another_from_its_line() -> None:
    copy = "Operation Roundup in Syria regained the stronghold of Dashisha."
    # The first cites a heading line; its near-copy cites line 5 and is dropped as a copy,
    # so line 5 is free for the first fact to move to.
    (fact,) = _verify_release(RawFact(2, "", copy), RawFact(5, "", copy + "!"))
    assert (fact.sentence, fact.supported) == (5, True)


def test_two_facts_placed_on_one_line_leave_one_and_say_so_under_verbose() -> None:
    from summarise.tasks.facts import one_fact_a_line

    # Two wordings of line 5, cited on lines 5 and 6: both are placed on line 5, the only
    # line that says them (the 2018 seed's facts 2 and 3 said the same from one line).
    placed = _verify_release(
        RawFact(5, "", "Operation Roundup in Syria regained the stronghold of Dashisha."),
        RawFact(6, "", "In Syria, the Roundup operation took back Dashisha, a stronghold."),
    )
    assert [fact.sentence for fact in placed] == [5, 5]
    said: list[str] = []
    (kept,) = one_fact_a_line(placed, said.append)
    assert kept.statement == "Operation Roundup in Syria regained the stronghold of Dashisha."
    assert said == [
        "facts: line 5 holds two facts: kept “Operation Roundup in Syria regained the stronghold of Dashisha.”, "
        "dropped “In Syria, the Roundup operation took back Dashisha, a stronghold.”"
    ]
