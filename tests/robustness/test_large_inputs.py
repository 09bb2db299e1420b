"""Promise: large inputs work, not just get accepted. Every request fits the context (the
prompt and the answer it may write), whatever the document: a line with no space (60,000
characters here, to keep the suite quick; 200,000 tried by hand), Chinese and Japanese
with no spaces at all, or so many chunks that their summaries do not fit one reduce
prompt (the dry run counts those calls). Against the FaultInjectionStub."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
import stub_server
from stub_server import FaultInjectionStub, task_of

from summarise.chunking import ESTIMATE_HEADROOM, count_tokens
from summarise.cli import main, settings_from_env
from summarise.model.llm import open_llm
from summarise.pipeline import plan, planned_calls
from summarise.readers.text import parse_document
from summarise.render import read_front_matter
from summarise.tasks.prompts import Prompts

CONTEXT = 4096


def prompt_tokens(body: dict) -> int:
    return sum(count_tokens(message["content"]) + 4 for message in body["messages"])


def assert_every_request_fits(stub: FaultInjectionStub) -> None:
    assert stub.requests
    for request in stub.requests:
        prompt, answer = prompt_tokens(request.body), request.body["max_tokens"]
        assert int(prompt * ESTIMATE_HEADROOM) + answer <= CONTEXT, (prompt, answer, request.task[-200:])


def no_spaces(length: int) -> str:
    rng = random.Random(7)
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(length))


DOCUMENTS = {
    "60k characters, no space": f"Le rapport commence ici.\n\n{no_spaces(60_000)}\n\nLe rapport finit ici.",
    "Chinese, no spaces": "会议" + "二零二二年五月十一日摩洛哥主办了联盟会议八十四个成员参加" * 400,
    "Japanese, no spaces": "会議は"
    + "二千二十二年五月十一日にモロッコで連合の会議が開かれ八十四の加盟国が参加した" * 300,
}


@pytest.mark.parametrize("text", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_a_sentence_or_word_over_the_budget_is_split_by_tokens(runner, fault_stub, monkeypatch, text: str) -> None:
    stub = fault_stub()
    monkeypatch.setenv("SUMMARISE_CONTEXT", str(CONTEXT))
    Path("long.txt").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["brief", "long.txt", "-o", "long.md"])
    assert result.exit_code == 0, result.output
    assert_every_request_fits(stub)
    front = read_front_matter(Path("long.md").read_text(encoding="utf-8"))
    assert front["chunks"] > 1 and front["status"] == "complete"
    # Nothing was lost on the way: the pieces the model saw put together give the source back.
    translated = [request for request in stub.requests if task_of(request.body) == "translation"]
    assert translated and sum(count_tokens(r.task) for r in translated) >= count_tokens(text)


def long_summaries(body: dict) -> str:
    """The stub, answering summaries as long as their cap allows (~200 tokens, as a real server
    stops there), so 40 of them cannot share one prompt."""
    if task_of(body) in ("translation", "facts"):
        return REAL_ANSWER(body)
    # Four long sentences: the 3-5 summarise asks for, so none is retried or trimmed.
    detail = "its members and its budget in some detail, " * 4
    return " ".join(f"This part reports the meeting in sentence {n}, {detail}[1]." for n in range(1, 5))


REAL_ANSWER = stub_server.mechanical_answer


def test_the_reduce_step_is_hierarchical_within_the_context(runner, fault_stub, monkeypatch) -> None:
    monkeypatch.setattr(stub_server, "mechanical_answer", long_summaries)
    stub = fault_stub()
    monkeypatch.setenv("SUMMARISE_CONTEXT", str(CONTEXT))
    paragraphs = [
        f"Paragraph {n}: the coalition met in city number {n} and counted {n + 80} members." for n in range(1400)
    ]
    text = "\n\n".join(paragraphs)
    Path("long.txt").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["brief", "long.txt", "-o", "long.md", "--to", "French"])
    assert result.exit_code == 0, result.output
    assert_every_request_fits(stub)
    reduces = [r for r in stub.requests if "summaries of consecutive parts" in r.task]
    assert len(reduces) > 2  # combined in rounds, not in one prompt
    assert "This part reports the meeting" in Path("long.md").read_text(encoding="utf-8")
    # The dry run counts the same reduce calls (each summary counted at its ceiling, so at least as many).
    settings = settings_from_env("--to", "French")
    llm, prompts, options = open_llm(settings, cache=False), Prompts(), settings.brief_options()
    document, chunks = plan(parse_document(text.encode(), "long.txt"), llm, prompts, options)
    planned = planned_calls(document, chunks, prompts, options, llm.context_tokens)
    planned_reduces = [call for call in planned if call.task == "summary" and call.chunk == 0]
    assert len(planned_reduces) >= len(reduces)
    assert all(int(c.prompt_tokens * ESTIMATE_HEADROOM) + c.max_tokens <= CONTEXT for c in planned_reduces)
