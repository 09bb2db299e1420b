"""Promise: the API key appears in no output, cache entry, cassette, log line or error message."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import recorder
from stub_server import Reply

from summarise.cli import main

SENTINEL = "sk-sentinel-4f1c9e2d7b6a5c3e1f0a9b8c7d6e"
FRAGMENTS = [SENTINEL, SENTINEL[:12], SENTINEL[-12:]]


def assert_no_key(text: str, where: str) -> None:
    for fragment in FRAGMENTS:
        assert fragment not in text, f"key fragment {fragment!r} in {where}"


def test_the_api_key_never_leaks(runner, fault_stub, isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL)
    stub = fault_stub()
    Path("doc.txt").write_text("Le budget est de 12 millions d'euros.", encoding="utf-8")
    good = runner.invoke(main, ["brief", "doc.txt", "--json", "-v"])
    assert good.exit_code == 0, good.output
    # A server that echoes part of the key back in its error, as OpenAI's 401 does.
    echo = {"message": f"Incorrect API key provided: {SENTINEL[:12]}****{SENTINEL[-12:]}.", "type": "invalid_request"}
    stub.script.append(Reply(401, error=echo))
    Path("other.txt").write_text("Un autre texte, tout court.", encoding="utf-8")
    bad = runner.invoke(main, ["brief", "other.txt", "-v"])
    assert bad.exit_code == 4 and "rejected the API key" in bad.output
    stub.script.append(Reply(400, error=echo))
    worse = runner.invoke(main, ["brief", "other.txt", "-v"])
    assert worse.exit_code == 4 and "[redacted]" in worse.output
    # The key was really used...
    assert stub.requests[0].headers["authorization"] == f"Bearer {SENTINEL}"
    # ...and is nowhere we write or print.
    for result in (good, bad, worse):
        assert_no_key(result.output, "command output")
    for path in isolated.rglob("*"):
        if path.is_file():
            assert_no_key(path.read_bytes().decode("utf-8", "replace"), str(path))


def test_recorded_cassettes_are_scrubbed_of_the_key(fault_stub, isolated: Path, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL)
    stub = fault_stub([Reply(headers={"set-cookie": "session=abc", "openai-organization": "org-secret"})])
    from summarise.cli import settings_from_env
    from summarise.model.llm import open_llm
    from summarise.model.usage import UsageMeter

    llm = open_llm(settings_from_env(), cache=False)
    with recorder.use_cassette(str(isolated / "scrubbed.yaml"), record_mode="all"):
        llm.complete([{"role": "user", "content": "hi"}], usage=UsageMeter(), label="t", max_tokens=5)
    assert stub.requests[0].headers["authorization"] == f"Bearer {SENTINEL}"
    recorded = (isolated / "scrubbed.yaml").read_text(encoding="utf-8")
    assert_no_key(recorded, "cassette")
    assert "session=abc" not in recorded and "org-secret" not in recorded
