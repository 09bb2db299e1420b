"""Promise: the response cache only ever saves calls; it never costs a run. A damaged
cache.db is moved aside with one warning line and the run goes on; a cache folder that
cannot be written means a run without the cache, and a warning; `cache clear` works on a
damaged cache; the cache folder is private (0700) from the moment summarise creates it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from planned import planned_calls

from summarise.cli import main

FRENCH = "Le conseil s'est réuni à Genève le 3 mars 2024.\n\nIl a voté un budget de 12 millions d'euros."


def fill_cache(runner) -> Path:
    Path("doc.txt").write_text(FRENCH, encoding="utf-8")
    assert runner.invoke(main, ["brief", "doc.txt"]).exit_code == 0
    database = Path("cache/responses/cache.db")
    assert database.is_file()
    return database


def warnings_in(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Warning:")]


@pytest.mark.parametrize("damage", ["truncated", "garbled", "garbage with a header"])
def test_a_damaged_cache_is_moved_aside_and_the_run_goes_on(runner, step_endpoint, damage: str) -> None:
    stub = step_endpoint
    database = fill_cache(runner)
    data = database.read_bytes()
    damaged = {
        "truncated": data[: len(data) // 3],
        "garbled": bytes(byte ^ 0x5A for byte in data),
        "garbage with a header": data[:16] + os.urandom(8192),
    }[damage]
    database.write_bytes(damaged)
    sent = len(stub.requests)
    result = runner.invoke(main, ["brief", "doc.txt"])
    assert result.exit_code == 0, result.output
    warned = warnings_in(result.stderr)
    assert len(warned) == 1 and "response cache was damaged; moved it to" in warned[0]
    calls = planned_calls("doc.txt")
    assert len(stub.requests) == sent + calls  # answers were lost with the cache, the brief was not
    # Set aside, not deleted (sqlite may have replayed its journal into it, so not byte for byte).
    assert len(list(Path("cache").glob("responses.damaged-*/cache.db"))) == 1
    again = runner.invoke(main, ["brief", "doc.txt"])  # the new cache works
    assert again.exit_code == 0 and len(stub.requests) == sent + calls and not warnings_in(again.stderr)


def test_cache_commands_work_on_a_damaged_cache(runner, step_endpoint) -> None:
    database = fill_cache(runner)
    database.write_bytes(b"this is not sqlite " * 100)
    stats = runner.invoke(main, ["cache", "stats"])
    assert stats.exit_code == 0 and "0 responses" in stats.output
    database.write_bytes(b"this is not sqlite " * 100)
    cleared = runner.invoke(main, ["cache", "clear"])
    assert cleared.exit_code == 0 and "removed" in cleared.output
    assert not list(Path("cache").glob("responses.damaged-*"))  # clear removes the set-aside copies too


def test_a_read_only_cache_folder_means_a_run_without_the_cache(
    runner, step_endpoint, read_only_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub = step_endpoint
    monkeypatch.setenv("SUMMARISE_CACHE_DIR", str(read_only_folder))
    Path("doc.txt").write_text(FRENCH, encoding="utf-8")
    result = runner.invoke(main, ["brief", "doc.txt"])
    assert result.exit_code == 0, result.output
    warned = warnings_in(result.stderr)
    assert len(warned) == 1 and "running without the response cache" in warned[0]
    assert len(stub.requests) == planned_calls("doc.txt") and Path("outputs/doc.md").is_file()
    stats = runner.invoke(main, ["cache", "stats"])
    assert stats.exit_code == 2 and stats.output.startswith("Error: ") and stats.output.count("\n") == 1


def test_the_cache_folder_is_created_private(runner, step_endpoint, isolated: Path, monkeypatch) -> None:
    monkeypatch.setenv("SUMMARISE_CACHE_DIR", str(isolated / "new" / "cache"))
    Path("doc.txt").write_text(FRENCH, encoding="utf-8")
    assert runner.invoke(main, ["brief", "doc.txt"]).exit_code == 0
    for folder in (isolated / "new", isolated / "new/cache", isolated / "new/cache/responses"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
