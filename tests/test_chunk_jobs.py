"""`--jobs` on one document: chunks run concurrently, the brief stays in source order."""

from __future__ import annotations

import itertools
from pathlib import Path

from conftest import LONG_SEED, seed
from stub_server import mechanical_translation

from summarise.cli import main
from summarise.config.place_names import place_names
from summarise.grounding.glossary_terms import set_terms
from summarise.readers import load_document
from summarise.render import read_front_matter


def test_chunks_run_concurrently_and_keep_their_order(runner, fault_stub) -> None:
    stub = fault_stub(latency=0.3)
    result = runner.invoke(main, ["brief", str(seed(LONG_SEED)), "-o", "b.md", "--chunk-tokens", "300", "-j", "4"])
    assert result.exit_code == 0, result.output
    markdown = Path("b.md").read_text(encoding="utf-8")
    front = read_front_matter(markdown)
    assert front["chunks"] >= 4
    # Requests overlapped: some arrived while another was still being answered.
    arrivals = sorted(request.at for request in stub.requests)
    assert any(later - earlier < 0.25 for earlier, later in itertools.pairwise(arrivals))
    # The stub "translates" each line mechanically, so the translation must follow the source line by line.
    source = load_document(seed(LONG_SEED), 10**7)
    translation = markdown.split("## Translation\n\n", 1)[1].split("\n\n## Checks", 1)[0].split("\n\n")
    assert len(translation) == source.paragraph_count
    # (A country name the stub keeps in French, "Maroc", is written as CLDR says, "Morocco", by code.)
    names = place_names("fr", "en")
    assert names is not None
    for paragraph, sentences in zip(translation, source.paragraphs(), strict=True):
        first = sentences[0].text
        assert paragraph.startswith(set_terms(names, first, f"(en) {mechanical_translation(first)}").text)
