"""Progress while a brief waits on the model: plain lines off a terminal, nothing with -q,
and token counts read from the engine's /slots endpoint (never from the request body)."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from summarise.reporting.progress import LineProgress, Progress, describe, for_output, slots_token_source


@pytest.fixture
def slots_stub() -> Iterator[tuple[str, list[Any]]]:
    """SlotsStub: stands in for llama.cpp's GET /slots (the shape its server sends), nothing more."""
    slots: list[Any] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(slots).encode()
            self.send_response(200 if self.path == "/slots" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", slots
    finally:
        server.shutdown()
        server.server_close()


def test_tokens_so_far_come_from_the_busy_slot(slots_stub: tuple[str, list[Any]]) -> None:
    base_url, slots = slots_stub
    tokens = slots_token_source(base_url)
    slots[:] = [{"id": 0, "is_processing": False, "next_token": [{"n_decoded": 900}]}]
    assert tokens() == 0  # an idle slot's count is the previous answer's
    slots[:] = [{"id": 0, "is_processing": True, "next_token": [{"n_decoded": 312, "n_remain": 388}]}]
    assert tokens() == 312
    slots[:] = [{"id": 0, "is_processing": True, "next_token": {"n_decoded": 5}}]  # older servers: one object
    assert tokens() == 5


def test_an_unreachable_engine_means_no_count_not_an_error() -> None:
    assert slots_token_source("http://127.0.0.1:9/v1")() is None


def test_off_a_terminal_each_stage_is_one_line_on_stderr() -> None:
    stream = io.StringIO()
    progress = for_output(quiet=False, stream=stream)
    assert isinstance(progress, LineProgress)
    progress.stage("starting the embedded engine")
    with progress.call("translate chunk 1", 700, None):
        pass
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("summarise: [") and lines[0].endswith("starting the embedded engine")
    assert lines[1].endswith("translate chunk 1 (up to 700 tokens)")


def test_quiet_shows_nothing() -> None:
    stream = io.StringIO()
    progress = for_output(quiet=True, stream=stream)
    assert type(progress) is Progress
    progress.stage("starting the embedded engine")
    with progress.call("translate chunk 1", 700, None):
        pass
    assert stream.getvalue() == ""


def test_the_status_line_gives_tokens_rate_and_time_left() -> None:
    assert describe("translate chunk 1", 700, 300, 20.0, 15.0) == (
        "translate chunk 1: 300 tokens, 20.0 tok/s, at most 20 s left (20 s)"
    )
    assert describe("summary chunk 1", 500, 0, 3.0, 0.0) == "summary chunk 1: reading the document (3 s)"
    assert describe("summary chunk 1", 500, None, 7.4, 0.0) == "summary chunk 1: 7 s"  # a remote endpoint


def brief_stderr(runner: Any, *extra: str) -> tuple[str, str]:
    from conftest import SHORT_SEED, seed

    from summarise.cli import main

    result = runner.invoke(main, ["brief", str(seed(SHORT_SEED)), "-o", "brief.md", "--json", *extra])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


@pytest.mark.cassette("test_brief_recorded/test_brief_of_a_french_press_release")  # the same 3 requests
def test_a_brief_off_a_terminal_names_each_stage_on_stderr(cassette: Any, runner: Any) -> None:
    stdout, stderr = brief_stderr(runner)
    stages = [line.split("] ", 1)[1] for line in stderr.splitlines() if line.startswith("summarise: [")]
    for task in ("summary chunk 1", "translate chunk 1"):  # the facts are chosen by code: no call
        assert any(stage.startswith(task) for stage in stages), stages
    assert any(line.startswith("wrote brief.md") for line in stderr.splitlines())
    assert stdout == ""  # progress never mixes with a brief written to standard output


@pytest.mark.cassette("test_brief_recorded/test_brief_of_a_french_press_release")
def test_quiet_brief_prints_no_progress_and_no_closing_line(cassette: Any, runner: Any) -> None:
    stdout, stderr = brief_stderr(runner, "-q")
    assert [line for line in stderr.splitlines() if not line.startswith("Warning")] == []
    assert stdout == ""
