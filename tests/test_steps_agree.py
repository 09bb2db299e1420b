"""One list of steps (summarise/tasks/steps.py): on every recorded brief, the calls the run
makes, the calls the dry run plans and the calls the provider rounds collect are the same
steps with the same request bodies."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import INPUTS, SHORT_SEED, recorder, seed
from test_batch import LYON, NANTES

from summarise import readers
from summarise.batch.collect import Collector, collect_ready
from summarise.cli import settings_from_env
from summarise.config.glossary import load_glossary
from summarise.model import Completion, Request
from summarise.model.cache import open_cache
from summarise.model.llm import LLM, open_llm
from summarise.model.usage import UsageMeter
from summarise.pipeline import build_brief, plan, planned_calls
from summarise.readers.text import parse_document
from summarise.reporting import Reporter
from summarise.tasks.prompts import Prompts

HOSTILE = __import__("robustness.test_hostile", fromlist=["HOSTILE"]).HOSTILE
FIXTURES = Path(__file__).parent / "fixtures"
SHORT = seed(SHORT_SEED).read_text(encoding="utf-8")
GLOSSARY = str(INPUTS / "glossary.csv")  # --glossary

# cassette -> (the document's name, its text or None to read the file, the brief's options)
BRIEF, BATCH = "test_brief_recorded/test_", "test_batch/test_a_"
RECORDED = {
    f"{BRIEF}brief_of_a_french_press_release": ("seed.txt", SHORT, []),
    f"{BRIEF}long_document_is_chunked_and_nothing_dropped": ("long.txt", SHORT, ["--chunk-tokens", "300"]),
    f"{BRIEF}quote_method_flags_unsupported_facts_and_the_dropped_number": ("s.txt", SHORT, ["--facts-method", "quote"]),  # noqa: E501
    "test_glossary_recorded/test_brief_with_the_seeds_glossary_keeps_the_terms_and_flags_the_rest": ("s.txt", SHORT, [GLOSSARY]),  # noqa: E501
    "test_hostile/test_a_hostile_document_does_not_change_the_brief": ("hostile.txt", HOSTILE, []),
    f"{BATCH}folder_with_bad_files_gives_mirrored_briefs_a_report_and_an_index": ("lyon.txt", LYON, []),
    f"{BATCH}second_run_skips_finished_briefs_with_zero_model_calls": ("nantes.txt", NANTES, []),
    "test_readers_recorded/test_brief_of_a_pdf_keeps_every_paragraph_and_its_facts_cite_pages": ("report.pdf", None, []),  # noqa: E501
}  # fmt: skip


class Recording:
    """The direct client, remembering each step it was asked and the body it sent."""

    def __init__(self, llm: LLM) -> None:
        self.llm = llm
        self.asked: list[tuple[str, str]] = []
        self.answers: dict[str, dict[str, str]] = {}  # by cache key, as a provider's results file has them

    def answer(self, request: Request, usage: UsageMeter, reporter: Reporter) -> Completion | None:
        key, body = self.llm.prepare(request)
        self.asked.append((request.step, canonical(body)))
        completion = self.llm.answer(request, usage, reporter)
        self.answers[key] = {"text": completion.text, "finish_reason": completion.finish_reason}
        return completion


def canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("cassette", list(RECORDED))
def test_the_run_the_plan_and_the_provider_rounds_ask_the_same_steps(cassette: str, endpoint, tmp_path: Path) -> None:
    name, text, args = RECORDED[cassette]
    document = readers.load(str(FIXTURES / name), 10**7) if text is None else parse_document(text.encode(), name)
    settings = settings_from_env(*[arg for arg in args if arg != GLOSSARY])
    llm, prompts, options = open_llm(settings), Prompts(), settings.brief_options()
    if GLOSSARY in args:
        options = replace(options, glossary=load_glossary(Path(GLOSSARY)))
    run = Recording(llm)
    with recorder.use_cassette(f"{cassette}.yaml", allow_playback_repeats=True):
        build_brief(document, llm, prompts, options, model=run)
    assert run.asked

    # The provider rounds: each round's requests answered with the run's own answers.
    collector = Collector(LLM(llm.endpoint, cache=open_cache(tmp_path / "rounds"), context_tokens=llm.context_tokens))
    collected: list[tuple[str, str]] = []
    for _round in range(10):
        if not collect_ready(document, collector, prompts, options):
            break
        for key, request in collector.take_requests().items():
            collected.append((request.step, canonical(request.body)))
            assert collector.cache is not None
            collector.cache.set(key, run.answers[key])
    assert sorted(collected) == sorted(run.asked)

    # The dry run's plan: the same steps, each at most as often as planned, and the bodies
    # it can know before any answer exactly as sent.
    fitted, chunks = plan(document, llm, prompts, options)
    planned = planned_calls(fitted, chunks, prompts, options, llm.context_tokens)
    asked = Counter(step for step, _body in run.asked)
    assert not asked - Counter(call.step for call in planned)
    first = [call for call in planned if not call.repair and call.step != "reduce"]
    assert Counter(call.step for call in first) == Counter(s for s in asked.elements() if s in {c.step for c in first})
    known = [canonical(llm.prepare(call.request)[1]) for call in planned if call.request is not None]
    assert known and set(known) <= {body for _step, body in run.asked}
