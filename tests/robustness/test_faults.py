"""Promises about a flaky endpoint: its transport faults proven against the FaultInjectionStub, the
answers it gives (empty, cut off, unreadable, a number changed) with the StepEndpoint.

Bounded retries with backoff, a clear one-line message when they run out, and no
cache poisoning: an error or a cut-off answer is never stored as a good response.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from planned import planned_calls
from stub_server import Reply, asked_lines

from summarise.cli import main
from summarise.model import Request
from summarise.render import read_front_matter

DOC = "Le 11 mai 2022, le Maroc accueille la réunion.\n\nLa Coalition compte 84 membres."


@pytest.fixture
def doc(monkeypatch: pytest.MonkeyPatch) -> str:
    # Faults are injected into every answer the model gives, the facts' among them: the facts are
    # asked of the model here (the default method chooses them by code, with no call).
    monkeypatch.setenv("SUMMARISE_FACTS_METHOD", "line")
    Path("doc.txt").write_text(DOC, encoding="utf-8")
    return "doc.txt"


def brief(runner, *args: str):
    return runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md", *args])


def assert_clean_failure(result, message: str) -> None:
    assert result.exit_code == 4, result.output
    # Off a terminal, progress lines ("summarise: [0.2 s] summary chunk 1 ...") name the stage that failed.
    lines = [line for line in result.output.splitlines() if not line.startswith("summarise: [")]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.output
    assert "Traceback" not in result.output
    assert not Path("doc.md").exists()


def test_429_without_retry_after_is_retried_with_backoff(runner, fault_stub, doc) -> None:
    stub = fault_stub([Reply(429), Reply(429)], retries=2)
    assert brief(runner).exit_code == 0
    gaps = [b.at - a.at for a, b in zip(stub.requests, stub.requests[1:3], strict=False)]
    assert len(stub.requests) == 2 + planned_calls(doc)  # 2 refused, then every step's call
    assert all(gap > 0.2 for gap in gaps)  # the SDK backs off (0.5 s, then 1 s, less jitter)


def test_429_retry_after_is_honoured(runner, fault_stub, doc) -> None:
    stub = fault_stub([Reply(429, headers={"retry-after": "1"})], retries=1)
    assert brief(runner).exit_code == 0
    assert stub.requests[1].at - stub.requests[0].at >= 0.9


def test_endless_429_stops_after_bounded_retries_with_a_clear_message(runner, fault_stub, doc) -> None:
    stub = fault_stub([Reply(429)] * 10, retries=2)
    assert_clean_failure(brief(runner), "kept rate-limiting (429) after retries")
    assert len(stub.requests) == 3


def test_insufficient_quota_fails_fast_without_retrying(runner, fault_stub, doc) -> None:
    quota = {"message": "You exceeded your current quota.", "type": "insufficient_quota", "code": "insufficient_quota"}
    stub = fault_stub([Reply(429, error=quota)] * 5, retries=3)
    assert_clean_failure(brief(runner), "quota")
    assert len(stub.requests) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried_then_succeed(runner, fault_stub, doc, status: int) -> None:
    stub = fault_stub([Reply(status)], retries=1)
    assert brief(runner).exit_code == 0
    assert len(stub.requests) == 1 + planned_calls(doc)  # 1 refused, then every step's call


def test_server_errors_that_persist_give_a_clear_message(runner, fault_stub, doc) -> None:
    fault_stub([Reply(500)] * 5, retries=1)
    assert_clean_failure(brief(runner), "answered HTTP 500")


def test_connection_refused_names_the_endpoint(runner, doc, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("SUMMARISE_MODEL", "m")
    assert_clean_failure(brief(runner), f"cannot reach http://127.0.0.1:{port}/v1")


def test_read_timeout_is_reported(runner, fault_stub, doc, monkeypatch: pytest.MonkeyPatch) -> None:
    fault_stub([Reply(delay=3)])
    monkeypatch.setenv("SUMMARISE_TIMEOUT", "1")
    assert_clean_failure(brief(runner), "did not answer within 1 s")


@pytest.mark.parametrize("body", [b'{"id": "x", "choi', b"<html>Bad gateway</html>", b""])
def test_truncated_or_malformed_body_is_a_clear_error(runner, fault_stub, doc, body: bytes) -> None:
    fault_stub([Reply(raw_body=body)])
    result = brief(runner)
    assert_clean_failure(result, "http://127.0.0.1")


# --- answers the model gives: scripted by step on the StepEndpoint (tests/step_endpoint.py) ---


def task_of(request: Request) -> str:
    """The last message of a request: its task, after the document."""
    return request.messages[-1]["content"]


def test_empty_content_is_an_error_and_not_cached(runner, step_endpoint, doc) -> None:
    stub = step_endpoint.enqueue("translate", "")
    assert_clean_failure(brief(runner), "empty answer")
    assert brief(runner).exit_code == 0
    assert stub.tasks() == ["translation", "translation", "summary", "facts"]  # the empty one was asked again


def test_a_looping_cut_off_summary_is_repaired_never_fatal(runner, step_endpoint, doc) -> None:
    Path("doc.txt").write_text(DOC + "\n\nElle a été créée en 2014.\n\nSon siège est à Washington.", encoding="utf-8")
    looping = "Morocco hosts the meeting [1]. " * 12 + "Morocco hosts the"
    stub = step_endpoint.enqueue("summary", looping, finish_reason="length")
    assert brief(runner).exit_code == 0
    # the runaway answer kept one sentence of a 4-line document: one retry named the count,
    # and its answer was used
    assert stub.tasks() == ["translation", "summary", "summary", "facts"]
    assert "That summary has 1 sentence. Write it again in 3 to 5 sentences" in task_of(stub.requests[2])
    markdown = Path("doc.md").read_text(encoding="utf-8")
    # Repaired by code, so no alarm about the loop (the reader has nothing to fix); the retry's
    # answer is what the check judges.
    assert "ran on" not in markdown and "✅ **Summary of 3 to 5 sentences:** 3 sentences" in markdown
    assert "A stub summary of the document. It has a second sentence." in markdown  # citations kept out of prose
    # the cut-off answer was cached (the cap ends a summary by design: the same request gets
    # the same cut), so a new run asks nothing
    asked = len(stub.requests)
    assert brief(runner).exit_code == 0
    assert stub.tasks()[asked:] == []


def test_cut_off_translation_is_completed_by_a_repair_call(runner, step_endpoint, doc) -> None:
    stub = step_endpoint.enqueue("translate", "[1] (en) On 11 May 2022, Morocco hosts", finish_reason="length")
    assert brief(runner).exit_code == 0
    assert stub.tasks() == ["translation", "translation", "summary", "facts"]
    repair = task_of(stub.requests[1])
    # the same document as before (its prefill is reused), then a task naming only the missing line
    assert repair.rsplit(">>>", 1)[0] == task_of(stub.requests[0]).rsplit(">>>", 1)[0]
    assert asked_lines(repair.rsplit(">>>", 1)[1]) == {2}
    markdown = Path("doc.md").read_text(encoding="utf-8")
    assert "(en) La Coalition w 84 w." in markdown  # the stub's mechanical translation of line 2
    # the cut-off answer was not cached: a new run asks for the translation again
    asked = len(stub.requests)
    assert brief(runner).exit_code == 0
    assert stub.tasks()[asked:][0] == "translation"


def test_unreadable_facts_get_one_repair_then_a_visible_warning(runner, step_endpoint, doc) -> None:
    stub = step_endpoint.enqueue("facts", "Sure! Here are facts: none").enqueue("facts repair", "still no JSON")
    result = brief(runner)
    assert result.exit_code == 0
    assert stub.tasks()[:4] == ["translation", "summary", "facts", "facts"]
    markdown = Path("doc.md").read_text(encoding="utf-8")
    assert "> **Warning:** facts for lines 1-2 could not be read" in markdown
    assert read_front_matter(markdown)["status"] == "incomplete"


def test_endpoint_without_json_schema_falls_back_to_json_mode(runner, fault_stub, doc) -> None:
    refusal = {"message": "response_format json_schema is not supported", "type": "invalid_request_error"}
    stub = fault_stub([Reply(), Reply(), Reply(400, error=refusal)])
    assert brief(runner).exit_code == 0
    formats = [r.body.get("response_format", {}).get("type") for r in stub.requests]
    assert formats[2:4] == ["json_schema", "json_object"]
    assert "The text has a first line." in Path("doc.md").read_text(encoding="utf-8")


def test_a_translation_that_changes_a_number_is_asked_again_naming_the_problem(runner, step_endpoint) -> None:
    Path("doc.txt").write_text("Les partenaires ont versé près de 90 millions de dollars.", encoding="utf-8")
    stub = step_endpoint.enqueue("translate", "[1] The partners provided more than 90 million dollars.")
    stub.enqueue("translate numbers", "[1] The partners provided nearly 90 million dollars.")
    assert brief(runner).exit_code == 0
    assert stub.tasks()[:2] == ["translation", "translation"]
    repair = task_of(stub.requests[1]).rsplit(">>>", 1)[1]
    assert "translate only these lines of the document above into English: [1]." in repair
    assert "changed a number or a date" in repair and "is said more than; the source says nearly/about" in repair
    markdown = Path("doc.md").read_text(encoding="utf-8")
    assert "nearly 90 million dollars" in markdown and "more than 90 million" not in markdown
