"""Token counting works offline; chunks respect the budget and cut at the right boundaries."""

from __future__ import annotations

import itertools
import socket

from conftest import LONG_SEED, SHORT_SEED, seed

from summarise.chunking import chunk_budget, count_tokens, fit_sentences, plan_chunks
from summarise.readers import load_document
from summarise.readers.text import parse_document


def test_token_counting_needs_no_network() -> None:
    # The autouse no_network fixture refuses non-loopback connections: counting still works.
    assert count_tokens("Hello world") == 2
    assert socket.socket.connect.__name__ == "guarded"


def test_budget_follows_the_context_window_and_leaves_room_for_the_translation() -> None:
    small, large = chunk_budget(4096, 400, cap=100_000), chunk_budget(32768, 400, cap=100_000)
    assert small < large
    assert small * 2.6 < 4096  # chunk + its translation + prompt fit the context
    assert chunk_budget(32768, 400, cap=500) == 500


def test_paragraphs_are_packed_whole_and_in_order() -> None:
    document = load_document(seed(SHORT_SEED), 10**7)
    chunks = plan_chunks(document, 300)
    assert len(chunks) > 1
    assert [s.number for c in chunks for s in c.sentences] == [s.number for s in document.sentences]
    for chunk in chunks:
        assert chunk.tokens <= 300
    # A chunk starts at a paragraph boundary when paragraphs fit.
    for previous, chunk in itertools.pairwise(chunks):
        assert chunk.sentences[0].paragraph != previous.sentences[-1].paragraph


def test_a_long_paragraph_is_cut_between_sentences() -> None:
    document = load_document(seed(LONG_SEED), 10**7)
    longest = max(document.paragraphs(), key=lambda p: sum(count_tokens(s.text) for s in p))
    budget = sum(count_tokens(s.text) + 1 for s in longest) // 2
    chunks = plan_chunks(document, budget)
    holding = [c for c in chunks if any(s.paragraph == longest[0].paragraph for s in c.sentences)]
    assert len(holding) >= 2
    assert all(c.tokens <= budget for c in chunks)


def test_a_sentence_longer_than_the_budget_is_cut_between_words() -> None:
    document = parse_document(("mot " * 400 + ".\n\nFin.").encode(), "x")
    fitted = fit_sentences(document, 50)
    assert all(count_tokens(s.text) <= 50 for s in fitted.sentences)
    assert " ".join(s.text for s in fitted.sentences).split() == document.text.split()
    assert fitted.paragraph_count == 2
