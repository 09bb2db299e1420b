"""Promise: a file name cannot drive the terminal. Every path shown (errors, progress, the
closing table, the index) has its control characters written out, never sent raw."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from summarise.cli import main

FRENCH = "Le conseil s'est réuni à Genève le 3 mars 2024.\n\nIl a voté un budget de 12 millions d'euros."
# Retitle the terminal, turn text red, clear the screen, 8-bit CSI, a right-to-left override.
EVIL = "evil\x1b]0;pwned\x07\x1b[31m\x1b[2J\x9b6n\u202e"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def assert_inert(text: str) -> None:
    assert not any(char in text for char in RAW), repr(text)


def test_an_error_about_a_hostile_name_is_one_inert_line(runner) -> None:
    Path(f"{EVIL}.txt").write_text("")  # empty: an error that names the file
    result = runner.invoke(main, ["brief", f"{EVIL}.txt"])
    assert result.exit_code == 2
    assert_inert(result.output)
    assert "evil\\x1b]0;pwned\\x07" in result.output and result.output.count("\n") == 1
    missing = runner.invoke(main, ["brief", "missing\nError: forged second line.txt"])
    assert missing.output.count("\n") == 1 and "missing\\nError: forged" in missing.output


def test_batch_progress_table_and_index_show_hostile_names_inertly(runner, step_endpoint) -> None:
    Path("in").mkdir()
    Path("in", f"{EVIL}.txt").write_text("")  # fails: in the progress lines and the table
    Path("in", f"good{EVIL}\nline.txt").write_text(FRENCH, encoding="utf-8")  # a brief: in the index
    result = runner.invoke(main, ["batch", "in", "-o", "out"])
    assert result.exit_code == 1, result.output
    assert_inert(result.stdout)
    assert_inert(result.stderr)
    assert "failed" in result.stdout and "evil\\x1b" in result.stdout
    assert "good" in result.stderr and "\\nline.txt" in result.stderr
    index = Path("out/index.md").read_text(encoding="utf-8")
    assert_inert(index)
    assert "evil\\x1b" in MarkdownIt("commonmark").render(index)  # shown as the escape, as a viewer renders it


def test_the_progress_bar_shows_hostile_names_inertly(runner, step_endpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("summarise.batch.progress.at_terminal", lambda: True)
    Path("in").mkdir()
    Path("in", f"[bold]{EVIL}.txt").write_text("")
    result = runner.invoke(main, ["batch", "in", "-o", "out"])
    assert result.exit_code == 1
    assert_inert(result.stderr)
    assert "[bold]evil\\x1b" in result.stderr  # not read as rich markup either


def test_a_usage_error_about_a_hostile_name_is_one_inert_line(runner) -> None:
    result = runner.invoke(main, ["batch", f"missing{EVIL}\nError: forged"])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert_inert(result.output)


def test_doctor_and_cache_commands_show_a_hostile_cache_folder_inertly(runner, isolated, monkeypatch) -> None:
    monkeypatch.setenv("SUMMARISE_CACHE_DIR", str(isolated / f"cache{EVIL}"))
    for command in (["cache", "path"], ["cache", "stats"], ["doctor", "--model-file", "nope.gguf"]):
        result = runner.invoke(main, command)
        assert_inert(result.output)
        assert "cacheevil\\x1b]0;pwned\\x07" in result.output, result.output
