"""The summary's shape, decided by code: sentences, their cited lines, a runaway repaired."""

from summarise.grounding.summary import cited_lines, strip_citations, summary_sentences
from summarise.tasks.summary import repair_runaway


def test_citations_are_read_per_sentence_and_stripped_for_reading() -> None:
    text = "Rosa weakens off Mexico [3]. It brings rain to the southwest [5, 7]. Up to 25 cm may fall [13-15]."
    sentences = summary_sentences(text, "en")
    assert [cited_lines(s) for s in sentences] == [[3], [5, 7], [13, 14, 15]]
    assert strip_citations(text) == "Rosa weakens off Mexico. It brings rain to the southwest. Up to 25 cm may fall."


def test_cited_ranges_and_separators() -> None:
    assert cited_lines("Rain [3–5, 9 and 11].") == [3, 4, 5, 9, 11]
    assert cited_lines("Wind [20-45] [45].") == list(range(20, 46))  # under 50 lines: a range, each line once
    assert cited_lines("Far apart [12-120], backwards [7-3].") == [12, 120, 7, 3]  # their two ends


def test_a_citation_after_the_full_stop_stays_with_its_sentence() -> None:
    sentences = summary_sentences("Rosa weakens. [3] It brings rain. [5]", "en")
    assert [cited_lines(s) for s in sentences] == [[3], [5]]


def test_a_looping_cut_off_summary_keeps_its_distinct_complete_sentences() -> None:
    looping = "The storm weakens [1]. Rain will fall [2]. Rain will fall [2]. Rain will fall [2]. Rain will f"
    assert repair_runaway(looping, "en") == "The storm weakens [1]. Rain will fall [2]."


def test_a_citation_between_two_full_stops_leaves_no_empty_sentence() -> None:
    # "It happened. [3]." has a stop after its citation too: two sentences, not four, so the
    # summary is neither retried for its length nor flagged as repeating itself.
    sentences = summary_sentences("Rosa weakens off Mexico. [3]. It brings rain. [5, 7].", "en")
    assert [cited_lines(s) for s in sentences] == [[3], [5, 7]]
    assert repair_runaway("Rosa weakens off Mexico. [3]. It brings rain. [5, 7].", "en").count("Rosa") == 1


# --- the summary's length, held by code (issue 36: fewer generated tokens at equal quality) ---

SOURCE = (
    "Le Maroc accueille la réunion de la Coalition à Marrakech.\n\n"
    "La Coalition compte 84 membres. Elle a été créée en 2014.\n\n"
    "Les ministres parleront de l’Afrique."
)
ENGLISH = (
    "[1] Morocco hosts the meeting of the Coalition in Marrakech.\n"
    "[2] The Coalition has 84 members.\n[3] It was created in 2014.\n"
    "[4] The ministers will talk about Africa."
)


def _brief(*summaries: str, finish_reason: str = "stop"):
    from fake_model import FakeModel, brief_of

    from summarise.config import FactsMethod

    model = FakeModel().enqueue("translate", ENGLISH)
    model.enqueue("summary", summaries[0], finish_reason=finish_reason)
    model.enqueue("summary length", *summaries[1:])
    # Facts chosen by code: no facts call to answer, the summary is what is tested here.
    brief = brief_of(SOURCE, model, "doc.txt", facts_method=FactsMethod.CHOSEN)
    length = next(c for c in brief.checks if c.name.startswith("Summary of"))
    return brief, model.steps(), length


def test_a_summary_too_long_is_cut_by_code_without_asking_again() -> None:
    seven = (
        "Morocco hosts the Coalition in Marrakech [1]. The Coalition has 84 members [2]. It was created in 2014 [3]. "
        "The ministers will talk about Africa [4]. Delegations arrive from every region [1]. "
        "Security is tight around the venue [1]. Journalists await the closing statement [4]."
    )
    brief, steps, length = _brief(seven)
    assert "summary length" not in steps  # asking again cost a whole summary's tokens for the same cut
    assert len(brief.summary_sentences) == 5 and length.passed


def test_a_summary_the_token_cap_stopped_keeps_its_complete_sentences_without_an_alarm() -> None:
    stopped = (
        "Morocco hosts the Coalition in Marrakech [1]. The Coalition has 84 members [2]. "
        "It was created in 2014 [3]. The ministers will talk about"
    )
    brief, steps, length = _brief(stopped, finish_reason="length")
    assert [s.text for s in brief.summary_sentences][-1] == "It was created in 2014."
    assert "summary length" not in steps and length.passed  # the cap ends the summary by design


def test_a_summary_sentence_that_repeats_another_is_dropped() -> None:
    # The model restates its first sentence in other words (a 2018 seed brief opened so).
    repeated = (
        "Morocco hosts the meeting of the Coalition in Marrakech [1]. "
        "The meeting of the Coalition in Marrakech is hosted by Morocco [1]. "
        "The Coalition has 84 members [2]. It was created in 2014 [3]. The ministers will talk about Africa [4]."
    )
    brief, _steps, _length = _brief(repeated)
    texts = [s.text for s in brief.summary_sentences]
    assert len(texts) == 4 and not any("hosted by" in text for text in texts)
    # Sentences that share their subject but not their figures are not repeats.
    assert "The Coalition has 84 members." in texts and "It was created in 2014." in texts


def test_a_summary_too_short_is_still_asked_again() -> None:
    brief, steps, _length = _brief(
        "Morocco hosts the Coalition [1].",
        "Morocco hosts the Coalition [1]. It has 84 members [2]. It was created in 2014 [3].",
    )
    assert steps.count("summary length") == 1 and len(brief.summary_sentences) == 3
