"""Promises: nothing is lost or half-written, whatever happens to the process.

Real subprocesses against the FaultInjectionStub (fault injection only): SIGKILL at
several moments, and two summarise processes sharing one cache and one output folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from planned import planned_calls

from summarise.cli import main
from summarise.render import read_front_matter

CITIES = ["Lyon", "Lille", "Nantes", "Rennes", "Nice", "Dijon"]


def make_folder() -> list[str]:
    for index, city in enumerate(CITIES):
        text = f"Le conseil de {city} s'est réuni le {index + 1} mars 2024.\n\nIl a voté {index + 10} millions d'euros."
        Path("in").mkdir(exist_ok=True)
        Path("in", f"{city.lower()}.txt").write_text(text, encoding="utf-8")
    return [f"{city.lower()}.md" for city in CITIES]


def assert_only_complete_briefs(folder: Path) -> int:
    """Every brief present is whole: front matter, all sections, status complete."""
    briefs = [path for path in folder.glob("*.md") if path.name != "index.md"]
    for path in briefs:
        markdown = path.read_text(encoding="utf-8")
        assert read_front_matter(markdown)["status"] == "complete", path
        assert markdown.rstrip().splitlines()[-1].startswith("- "), f"{path} is cut short"
        assert "## Checks" in markdown
    return len(briefs)


def batch_process(*extra: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "summarise", "batch", "in", "-o", "out", *extra]
    return subprocess.Popen(command, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("moment", ["first call", "a third in", "two thirds in", "last call but one"])
def test_sigkill_at_any_moment_leaves_only_complete_briefs_and_the_rerun_finishes(
    runner, fault_stub, moment: str
) -> None:
    names = make_folder()
    stub = fault_stub(latency=0.05)
    total = planned_calls(*sorted(Path("in").iterdir()))  # the folder's calls, from the dry run's plan
    kill_after_requests = {
        "first call": 1,
        "a third in": total // 3,
        "two thirds in": 2 * total // 3,
        "last call but one": total - 1,
    }[moment]
    process = batch_process("--jobs", "2")
    deadline = time.monotonic() + 60
    while len(stub.requests) < kill_after_requests:  # the moment: this many model calls in
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)  # no clean-up code runs
    process.wait()
    finished_before = assert_only_complete_briefs(Path("out"))
    assert finished_before < len(names)
    sent_before = len(stub.requests)
    unfinished = [source for source in sorted(Path("in").iterdir()) if not Path("out", f"{source.stem}.md").exists()]
    assert len(unfinished) == len(names) - finished_before

    result = runner.invoke(main, ["batch", "in", "-o", "out", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert assert_only_complete_briefs(Path("out")) == len(names)
    # Finished briefs were skipped and answered calls came from the cache: at most the
    # unfinished documents' planned calls were sent again.
    assert len(stub.requests) - sent_before <= planned_calls(*unfinished)
    assert f"skipped {finished_before}" in result.output


def test_two_processes_at_once_share_the_work_cache_and_outputs_safely(runner, fault_stub) -> None:
    names = make_folder()
    stub = fault_stub(latency=0.05)
    first, second = batch_process("--jobs", "2"), batch_process("--jobs", "2")
    assert first.wait(timeout=120) == 0 and second.wait(timeout=120) == 0
    assert assert_only_complete_briefs(Path("out")) == len(names)
    # Each document was claimed by one process: together they made one run's calls.
    assert len(stub.requests) == planned_calls(*sorted(Path("in").iterdir()))
    state = json.loads(Path("out/.summarise-batch.json").read_text(encoding="utf-8"))["documents"]
    # A process records what it did; a document the other one held keeps that one's record.
    assert {entry["status"] for entry in state.values()} <= {"done", "skipped"} and len(state) == len(names)
    assert not [entry for entry in state.values() if "another summarise process" in entry["detail"]]
    index = Path("out/index.md").read_text(encoding="utf-8")
    assert all(name in index for name in names)
    stats = runner.invoke(main, ["cache", "stats"])
    assert stats.exit_code == 0 and f"{len(stub.requests)} responses" in stats.output
    assert not [path for path in Path("out").iterdir() if path.name.endswith(".tmp")]


@pytest.mark.parametrize(
    "state",
    [
        b"{not json",
        b"\xff\xfe garbage",
        b'{"documents": {"a|b.txt": "oops"}}',
        b'{"documents": ["lyon.txt"]}',
        b'{"documents": {"lyon.txt": {"status": "failed", "detail": 7}}}',
    ],
)
def test_a_bad_state_file_is_set_aside_with_a_warning_before_any_work(runner, step_endpoint, state: bytes) -> None:
    make_folder()
    Path("out").mkdir()
    Path("out/.summarise-batch.json").write_bytes(state)
    stub = step_endpoint
    for extra in ([], ["--retry-failed"]):
        result = runner.invoke(main, ["batch", "in", "-o", "out", *extra])
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output and "unexpected" not in result.output
        if not extra:  # noticed first, before any document: the first line
            first = result.stderr.splitlines()[0]
            assert first.startswith("Warning: out/.summarise-batch.json is damaged") and "moved it to" in first
            assert len(stub.requests) == planned_calls(*sorted(Path("in").iterdir()))
            assert Path("out/index.md").is_file()
            Path("out/.summarise-batch.json").write_bytes(state)  # again, for --retry-failed
    set_aside = sorted(Path("out").glob(".summarise-batch.json.bad-*"))
    assert set_aside and set_aside[0].read_bytes() == state  # kept, not deleted
    assert json.loads(Path("out/.summarise-batch.json").read_text(encoding="utf-8"))["documents"]


def test_a_file_where_the_lock_folder_goes_does_not_stop_the_batch(runner, step_endpoint) -> None:
    names = make_folder()
    Path("out").mkdir()
    Path("out/.summarise-locks").write_text("the user's own file\n")
    result = runner.invoke(main, ["batch", "in", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert assert_only_complete_briefs(Path("out")) == len(names)
    assert Path("out/.summarise-locks").read_text() == "the user's own file\n"
