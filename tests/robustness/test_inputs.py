"""Promises about reading input: the size limit holds however the bytes arrive, and
UTF-16 is read with or without a byte-order mark. Against the FaultInjectionStub."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from summarise.cli import main

FRENCH = "Le conseil s'est réuni le 3 mars 2024.\n\nLe budget voté est de 12 millions d'euros."


def test_the_size_limit_applies_to_standard_input(runner, step_endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    stub = step_endpoint
    monkeypatch.setenv("SUMMARISE_MAX_BYTES", "1000")
    result = runner.invoke(main, ["brief", "-"], input=("Un texte assez long. " * 300).encode())
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: standard input: more than 1,000 bytes")
    assert "SUMMARISE_MAX_BYTES" in result.output and not stub.requests
    within = runner.invoke(main, ["brief", "-"], input=FRENCH.encode())
    assert within.exit_code == 0, within.output


def test_the_size_limit_applies_to_a_pipe_given_by_name(runner, step_endpoint, monkeypatch, tmp_path: Path) -> None:
    stub = step_endpoint
    monkeypatch.setenv("SUMMARISE_MAX_BYTES", "1000")
    fifo = tmp_path / "feed"
    os.mkfifo(fifo)  # a named pipe has no size to check: only a bounded read stops it

    def feed() -> None:
        try:
            with fifo.open("wb") as writer:
                writer.write(b"Un texte assez long. " * 300)
        except BrokenPipeError:
            pass  # summarise stopped reading at the limit, as it should

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    result = runner.invoke(main, ["brief", str(fifo), "-o", "out.md"])
    writer.join(10)
    assert result.exit_code == 2, result.output
    assert "more than 1,000 bytes is over the 1,000-byte limit" in result.output, result.output
    assert not stub.requests


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(runner, step_endpoint, encoding: str) -> None:
    stub = step_endpoint
    Path("doc.txt").write_bytes(FRENCH.encode(encoding))
    result = runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md", "--json"])
    assert result.exit_code == 0, result.output
    translate = next(r.messages[-1]["content"] for r in stub.requests if r.step == "translate")
    assert "Le budget voté est de 12 millions d'euros." in translate
    lines = json.loads(Path("doc.json").read_text(encoding="utf-8"))["lines"]
    assert "Le budget voté est de 12 millions d'euros." in [line["source"] for line in lines]


def test_binary_with_zero_bytes_is_still_refused(runner, step_endpoint) -> None:
    stub = step_endpoint
    Path("data.bin").write_bytes(bytes(range(256)) * 20)
    result = runner.invoke(main, ["brief", "data.bin", "-o", "out.md"])
    assert result.exit_code == 2 and "binary file" in result.output
    assert not stub.requests
