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
