"""Promise: every setting means what it says. A bad value, from a flag or an environment
variable, is one `Error:` line that names the setting, before any model call; a good one
(a fraction of a second, `false`) is taken as written, never silently replaced by a default."""

from __future__ import annotations

from pathlib import Path

import pytest
from planned import planned_calls

from summarise.cli import main
from summarise.render import read_front_matter

FRENCH = "Le conseil s'est réuni à Genève le 3 mars 2024.\n\nIl a voté un budget de 12 millions d'euros."


@pytest.fixture
def doc() -> Path:
    path = Path("doc.txt")
    path.write_text(FRENCH, encoding="utf-8")
    return path


def one_error_line(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    for word in words:
        assert word in result.output, result.output


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SUMMARISE_TIMEOUT", "-1"),
        ("SUMMARISE_TIMEOUT", "0"),
        ("SUMMARISE_TIMEOUT", "soon"),
        ("SUMMARISE_TIMEOUT", "nan"),
        ("SUMMARISE_MAX_RETRIES", "-1"),
        ("SUMMARISE_MAX_RETRIES", "1.5"),
        ("SUMMARISE_MAX_BYTES", "0"),
        ("SUMMARISE_MAX_BYTES", "5MB"),
        ("SUMMARISE_CONTEXT", "0"),
        ("SUMMARISE_CHUNK_TOKENS", "-5"),
        ("SUMMARISE_NO_CACHE", "maybe"),
        ("SUMMARISE_FACTS_METHOD", "guess"),
        ("SUMMARISE_TO", "Elvish-ish"),
        ("OPENAI_BASE_URL", "http://"),
        ("OPENAI_BASE_URL", "localhost:8080/v1"),
        ("OPENAI_BASE_URL", "http://localhost:port/v1"),
    ],
)
def test_a_bad_variable_is_one_line_naming_it(
    runner, step_endpoint, monkeypatch, doc, variable: str, value: str
) -> None:
    stub = step_endpoint
    monkeypatch.setenv(variable, value)
    one_error_line(runner.invoke(main, ["brief", str(doc)]), variable)
    assert not stub.requests


@pytest.mark.parametrize(
    ("flag", "value", "named"),
    [
        ("--to", "", "--to"),
        ("--to", "   ", "--to"),
        ("--timeout", "-1", "--timeout"),
        ("--base-url", "http://", "--base-url"),
        ("--base-url", "https:///v1", "--base-url"),
        ("--max-retries", "-1", "--max-retries"),
    ],
)
def test_a_bad_flag_is_one_line_naming_it(runner, step_endpoint, doc, flag: str, value: str, named: str) -> None:
    stub = step_endpoint
    one_error_line(runner.invoke(main, ["brief", str(doc), flag, value]), named)
    assert not stub.requests


@pytest.mark.parametrize("value", ["nan", "-1", "cheap"])
def test_a_bad_price_is_one_line_naming_it(runner, monkeypatch, value: str) -> None:
    Path("in").mkdir()
    monkeypatch.setenv("SUMMARISE_PRICE_PROMPT", value)
    one_error_line(runner.invoke(main, ["batch", "in", "--dry-run"]), "SUMMARISE_PRICE_PROMPT")


def test_click_usage_errors_are_one_line_too(runner) -> None:
    for args in (["brief"], ["brief", "a", "b"], ["brief", "--nope"], ["frobnicate"], ["batch", "missing-folder"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1, (args, result.output)
        assert "--help" in result.output  # where to look next


def test_no_cache_false_means_the_cache_is_on(runner, step_endpoint, monkeypatch, doc) -> None:
    stub = step_endpoint
    monkeypatch.setenv("SUMMARISE_NO_CACHE", "false")
    assert runner.invoke(main, ["brief", str(doc)]).exit_code == 0
    assert runner.invoke(main, ["brief", str(doc), "-o", "again.md"]).exit_code == 0
    calls = planned_calls(doc)
    assert len(stub.requests) == calls  # the second brief came from the cache
    monkeypatch.setenv("SUMMARISE_NO_CACHE", "1")
    assert runner.invoke(main, ["brief", str(doc), "-o", "third.md"]).exit_code == 0
    assert len(stub.requests) == 2 * calls


def test_a_fractional_timeout_is_taken_as_written(runner, fault_stub, monkeypatch, doc) -> None:
    from stub_server import Reply

    fault_stub([Reply(delay=3.0)])
    monkeypatch.setenv("SUMMARISE_TIMEOUT", "1.5")
    result = runner.invoke(main, ["brief", str(doc)])
    assert result.exit_code == 4 and "did not answer within 1.5 s" in result.output


def test_a_language_is_accepted_by_name_and_by_code_alike(runner, step_endpoint, doc) -> None:
    for value, name in (("Klingon", "by-name.md"), ("tlh", "by-code.md"), ("German", "de-name.md"), ("de", "de.md")):
        result = runner.invoke(main, ["brief", str(doc), "--to", value, "-o", name])
        assert result.exit_code == 0, (value, result.output)
    languages = [read_front_matter(Path(name).read_text(encoding="utf-8"))["target_language"] for name in
                 ("by-name.md", "by-code.md", "de-name.md", "de.md")]  # fmt: skip
    assert languages == ["tlh", "tlh", "de", "de"]
