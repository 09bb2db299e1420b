"""Promise: `summarise doctor` says "ok" only for what it has seen answer. It asks the
endpoint (GET /models, against the FaultInjectionStub) and exits non-zero when the endpoint
cannot be reached, refuses the key, is not an OpenAI-compatible API, or lacks the model."""

from __future__ import annotations

import socket

import pytest
from stub_server import Reply

from summarise.cli import main


def test_doctor_exits_zero_only_when_the_endpoint_serves_the_model(runner, fault_stub) -> None:
    stub = fault_stub()
    result = runner.invoke(main, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "reachable:       yes" in result.output and "model served:    yes, stub-model" in result.output
    assert [request.path for request in stub.requests] == ["/v1/models"]


def test_doctor_names_the_models_served_when_the_model_is_missing(runner, fault_stub) -> None:
    stub = fault_stub()
    stub.models = ["llama3", "qwen2.5"]
    result = runner.invoke(main, ["doctor", "--model", "lama3"])
    assert result.exit_code == 1
    assert "NO: lama3 is not served here" in result.output and "llama3, qwen2.5" in result.output


def test_doctor_fails_for_an_endpoint_nobody_answers(runner) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = runner.invoke(main, ["doctor", "--base-url", f"http://127.0.0.1:{port}/v1", "--model", "m"])
    assert result.exit_code == 1
    assert f"NO: cannot reach http://127.0.0.1:{port}/v1" in result.output


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        (Reply(401, error={"message": "bad key sk-sentinel-doctor-0123456789"}), "API key was REJECTED (401)"),
        (Reply(404), "is not found (404): is the base URL right"),
        (Reply(500), "answered HTTP 500"),
        (Reply(raw_body=b"<html>a web page</html>"), "not as an OpenAI-compatible API"),
        (Reply(raw_body=b'{"unexpected": true}'), "stub-model is not served here; --model one of: (none listed)"),
    ],
)
def test_doctor_fails_for_an_endpoint_that_answers_wrongly(runner, fault_stub, monkeypatch, reply, said) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-sentinel-doctor-0123456789")
    stub = fault_stub()
    stub.models_reply = reply
    result = runner.invoke(main, ["doctor"])
    assert result.exit_code == 1, result.output
    assert said in result.output and "sentinel" not in result.output
