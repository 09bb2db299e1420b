"""The command line: help with examples, one-line errors, cache commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from planned import planned_text

from summarise.cli import main


@pytest.mark.parametrize("command", [[], ["brief"], ["cache"], ["cache", "stats"], ["doctor"]])
def test_every_help_shows_an_example(runner, command: list[str]) -> None:
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


def test_python_dash_m_works() -> None:
    result = subprocess.run([sys.executable, "-m", "summarise", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "summarise" in result.stdout


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["brief", "missing.txt"], "Error: missing.txt: no such file", 2),
        (["brief", "."], "is a folder; use 'summarise batch", 2),
        (
            ["brief", "doc.txt", "--to", "Elvish-ish"],
            "--to' (env var: 'SUMMARISE_TO'): unknown language 'Elvish-ish'",
            2,
        ),
        (
            ["brief", "doc.txt", "--base-url", "ftp://example"],
            "--base-url' (env var: 'OPENAI_BASE_URL'): bad base URL",
            2,
        ),
        (["brief", "doc.txt", "--base-url", "http://127.0.0.1:9/v1"], "Error: name the model", 2),
        (["brief", "doc.txt", "--model-file", "nope.gguf"], "Error: model file not found: nope.gguf", 3),
        (["brief", "empty.txt"], "Error: empty.txt: the file is empty", 2),
        (["brief", "image.txt"], "this is a PNG image, not text", 2),
    ],
)
def test_bad_input_gets_one_line_and_an_exit_code(runner, args: list[str], message: str, code: int) -> None:
    Path("doc.txt").write_text("Bonjour tout le monde, voici un texte.", encoding="utf-8")
    Path("empty.txt").write_text("")
    Path("image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    result = runner.invoke(main, args)
    assert result.exit_code == code
    assert message in result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert not Path("outputs").exists()


def test_cache_commands(runner, isolated: Path) -> None:
    assert runner.invoke(main, ["cache", "path"]).output.strip() == str(isolated / "cache")
    stats = runner.invoke(main, ["cache", "stats"])
    assert stats.exit_code == 0 and "0 responses" in stats.output
    from summarise.model.cache import ResponseCache

    ResponseCache(isolated / "cache" / "responses").set("k", {"text": "x"})
    assert "1 responses" in runner.invoke(main, ["cache", "stats"]).output
    assert "removed 1" in runner.invoke(main, ["cache", "clear"]).output
    assert "0 responses" in runner.invoke(main, ["cache", "stats"]).output


def test_doctor_names_the_endpoint_and_never_the_key(runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-sentinel-doctor-0123456789")
    result = runner.invoke(main, ["doctor", "--base-url", "http://127.0.0.1:9/v1", "--model", "llama3"])
    assert result.exit_code == 1  # nothing answers there (see tests/robustness/test_doctor.py)
    assert "http://127.0.0.1:9/v1" in result.output and "llama3" in result.output
    assert "sentinel" not in result.output


def test_doctor_reports_a_missing_model_file_with_the_fix(runner) -> None:
    result = runner.invoke(main, ["doctor", "--model-file", "nope.gguf"])
    assert result.exit_code == 1
    assert "model file not found: nope.gguf" in result.output


@pytest.mark.parametrize("flags", [["--json"], ["--html"], ["--json", "--html"]])
@pytest.mark.parametrize("where", [["doc.txt", "-o", "-"], ["-"]])
def test_json_or_html_with_the_brief_on_standard_output_is_one_error_line(
    runner, step_endpoint, flags: list[str], where: list[str]
) -> None:
    """Issue 36: `brief X -o - --json` printed the Markdown and dropped the JSON (and the page) without
    a word: they are written beside the Markdown file, and there was none. Now one error line, before
    anything is read or asked."""
    stub = step_endpoint
    text = "Le conseil s'est réuni le 3 mars 2024."
    Path("doc.txt").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["brief", *where, *flags], input=text.encode("utf-8"))
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert all(flag in result.output for flag in flags) and "-o FILE.md" in result.output
    assert stub.requests == [] and sorted(p.name for p in Path(".").iterdir()) == ["doc.txt"]


def test_brief_reads_standard_input_and_writes_standard_output(runner, step_endpoint) -> None:
    stub = step_endpoint
    text = "Le conseil s'est réuni le 3 mars 2024.\n\nIl a voté un budget de 12 millions d'euros."
    result = runner.invoke(main, ["brief", "-"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("---\ntitle: Standard input\nsource: '-'")
    assert "## Translation\n\n(en) Le w w'w w w 3 March 2024." in result.stdout
    assert len(stub.requests) == planned_text(text) and not Path("outputs").exists()
