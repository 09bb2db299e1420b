"""Promise: an answer that is not valid text (a byte that is not UTF-8, or a lone surrogate
that JSON's `\\ud800` decodes to) is an unusable answer like any other: asked again within the
retries, never cached, then one line naming the endpoint; it never ends in a crash. The bytes
are sent by the FaultInjectionStub (fault injection only)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stub_server import Reply

from summarise.cli import main

DOC = "The council met in Leeds on 4 May 2024.\n\nIt approved a new budget for the library."


def _completion(content: str, finish_reason: str = "stop", model: str = "stub-model") -> bytes:
    choice = {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}
    usage = {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110}
    body = {"id": "x", "object": "chat.completion", "created": 0, "model": model, "choices": [choice], "usage": usage}
    return json.dumps(body).encode()  # ensure_ascii: a lone surrogate travels as the escape \ud800


SUMMARY = "A summary of the meeting [1]. It has a second sentence [1]. And a third one [1]."
UNDECODABLE = {
    "surrogate in the content": _completion(SUMMARY.replace("meeting", "meeting \ud800")),
    "low surrogate in the content": _completion(SUMMARY.replace("meeting", "\udfff meeting")),
    "invalid UTF-8 in the content": _completion(SUMMARY.replace("meeting", "meeting XX")).replace(b"XX", b"\xff\xfe"),
    "surrogate in the finish reason": _completion(SUMMARY, finish_reason="stop\ud800"),
    "invalid UTF-8 elsewhere in the JSON": _completion(SUMMARY, model="stub-XX").replace(b"XX", b"\xc3\x28"),
}


@pytest.fixture
def doc() -> str:
    Path("doc.txt").write_text(DOC, encoding="utf-8")
    return "doc.txt"


@pytest.mark.parametrize("body", UNDECODABLE.values(), ids=UNDECODABLE.keys())
def test_an_undecodable_answer_is_named_in_one_line_with_the_endpoint(runner, fault_stub, doc, body) -> None:
    stub = fault_stub([Reply(raw_body=body, task="summary")] * 2, retries=1)
    result = runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md"])
    assert result.exit_code == 4, result.output  # an endpoint's fault, not a bug of ours (70)
    lines = [line for line in result.output.splitlines() if not line.startswith("summarise: [")]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert stub.url in lines[0] and "not valid text" in lines[0] and "Traceback" not in result.output
    assert stub.tasks().count("summary") == 2  # asked again, within the retries
    assert not Path("doc.md").exists()
    # Nothing undecodable was cached: once the endpoint is mended, the same run succeeds.
    assert runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md"]).exit_code == 0


def test_an_undecodable_answer_asked_again_in_time_costs_nothing_else(runner, fault_stub, doc) -> None:
    fault_stub([Reply(raw_body=UNDECODABLE["invalid UTF-8 in the content"], task="summary")], retries=1)
    result = runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md"])
    assert result.exit_code == 0, result.output
    assert "\ufffd" not in Path("doc.md").read_text(encoding="utf-8")


def test_an_undecodable_translation_is_repaired_like_any_unusable_one(runner, fault_stub) -> None:
    Path("doc.txt").write_text("Le conseil s'est réuni à Leeds le 4 mai 2024.\n\nIl a approuvé un budget.")
    bad = _completion("[1] (en) The council met \ud800 in Leeds on 4 May 2024.\n[2] (en) It approved a budget.")
    stub = fault_stub([Reply(raw_body=bad, task="translation")])
    result = runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md"])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert stub.tasks().count("translation") >= 2  # the repair call


def test_a_surrogate_in_an_error_fails_one_document_of_a_batch(runner, fault_stub, tmp_path: Path) -> None:
    """A server's error message is quoted in the table, the index and the state file: a lone
    surrogate in it must not stop the batch from writing them."""
    (tmp_path / "in").mkdir()
    for name in ("a", "b"):
        (tmp_path / "in" / f"{name}.txt").write_text(DOC, encoding="utf-8")
    refusal = {"message": "bad request \ud800 here", "type": "invalid_request_error"}
    fault_stub([Reply(400, error=refusal, task="summary")])
    result = runner.invoke(main, ["batch", "in", "--jobs", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    state = json.loads(Path("outputs/.summarise-batch.json").read_text(encoding="utf-8"))["documents"]
    assert sorted(entry["status"] for entry in state.values()) == ["done", "failed"]
    assert "bad request" in Path("outputs/index.md").read_text(encoding="utf-8")


def test_an_imported_answer_that_is_not_text_is_unusable(step_endpoint, runner, tmp_path: Path) -> None:
    """The same check for an answer read back from a batch results file (--import-results)."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "doc.txt").write_text(DOC, encoding="utf-8")
    assert runner.invoke(main, ["batch", "in", "--export-requests", "r1.jsonl"]).exit_code == 0
    asked = [json.loads(line) for line in Path("r1.jsonl").read_text(encoding="utf-8").splitlines()]
    answer = json.loads(_completion(SUMMARY.replace("meeting", "meeting \ud800"), finish_reason="stop\udfff"))
    results = [{"custom_id": line["custom_id"], "response": {"status_code": 200, "body": answer}} for line in asked]
    Path("results1.jsonl").write_text("".join(json.dumps(line) + "\n" for line in results), encoding="utf-8")

    imported = runner.invoke(
        main, ["batch", "in", "--import-results", "results1.jsonl", "--export-requests", "r2.jsonl"]
    )
    assert imported.exit_code in (0, 1) and "Traceback" not in imported.output, imported.output
    assert f"{len(asked)} unusable" in imported.stderr
