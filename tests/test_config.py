"""Settings: flags beat environment variables, which beat defaults; each bad value is one clear error.

Every option is declared once (summarise/cli/options.py); these tests pin each precedence
rule and each rule that involves several settings (summarise/config/__init__.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarise.cli import main, settings_from_env
from summarise.cli.one_document import brief_file
from summarise.config import DEFAULT_MAX_INPUT_BYTES, FactsMethod, Settings
from summarise.config.options import BriefFileOptions, FolderOptions, check_options
from summarise.errors import ConfigError


def settings_error(runner, *args: str) -> str:
    """The one line `summarise doctor` prints for bad settings (exit 2)."""
    result = runner.invoke(main, ["doctor", *args])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("Error: "), result.output
    return result.output


def test_a_flag_wins_over_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARISE_TO", "German")
    monkeypatch.setenv("SUMMARISE_CHUNK_TOKENS", "300")
    settings = settings_from_env("--to", "fr", "--chunk-tokens", "200")
    assert (settings.target.code, settings.chunk_tokens) == ("fr", 200)


def test_an_environment_variable_wins_over_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"SUMMARISE_TO": "es", "SUMMARISE_MAX_RETRIES": "5", "SUMMARISE_TIMEOUT": "2.5"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SUMMARISE_FACTS_METHOD", "QUOTE")  # as the old hand parsing did: any case
    settings = settings_from_env()
    assert (settings.target.name, settings.max_retries, settings.timeout) == ("Spanish", 5, 2.5)
    assert settings.facts_method is FactsMethod.QUOTE


def test_defaults_when_nothing_is_set(monkeypatch: pytest.MonkeyPatch, isolated: Path) -> None:
    monkeypatch.delenv("SUMMARISE_MAX_RETRIES")  # conftest sets it to 0 for every test
    settings = settings_from_env()
    assert (settings.target.code, settings.max_retries, settings.timeout) == ("en", 3, 600.0)
    assert settings.max_input_bytes == DEFAULT_MAX_INPUT_BYTES and settings.use_cache
    assert settings.uses_engine and settings.cache_dir == isolated / "cache"


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARISE_MAX_RETRIES", "")
    monkeypatch.setenv("SUMMARISE_TO", "")
    settings = settings_from_env()
    assert (settings.max_retries, settings.target.code) == (3, "en")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "SUMMARISE_MAX_RETRIES",
            " ",
            "'--max-retries' (env var: 'SUMMARISE_MAX_RETRIES'): ' ' is not a valid integer",
        ),
        ("SUMMARISE_MAX_RETRIES", "-1", "SUMMARISE_MAX_RETRIES"),
        ("SUMMARISE_TIMEOUT", "soon", "'soon' is not a valid float"),
        ("SUMMARISE_CONTEXT", "lots", "SUMMARISE_CONTEXT"),
        ("SUMMARISE_TO", "Klingonese", "unknown language 'Klingonese'"),
        ("SUMMARISE_FACTS_METHOD", "guess", "'guess' is not one of 'chosen', 'line', 'quote'"),
        ("SUMMARISE_NO_CACHE", "maybe", "SUMMARISE_NO_CACHE"),
        ("OPENAI_BASE_URL", "localhost:8080", "bad base URL 'localhost:8080'"),
    ],
)
def test_a_bad_variable_is_one_error_line_that_names_it(
    runner, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    assert message in settings_error(runner)


@pytest.mark.parametrize(("value", "cached"), [("1", False), ("true", False), ("0", True), ("false", True)])
def test_no_cache_from_the_environment(monkeypatch: pytest.MonkeyPatch, value: str, cached: bool) -> None:
    monkeypatch.setenv("SUMMARISE_NO_CACHE", value)
    assert settings_from_env().use_cache is cached


def test_a_key_alone_means_openai_and_its_default_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789")
    settings = settings_from_env()
    assert not settings.uses_engine and settings.model == "gpt-4o-mini" and settings.base_url is None
    assert settings_from_env("--model", "gpt-4.1").model == "gpt-4.1"


def test_an_endpoint_needs_a_model_name(runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert "name the model served at the endpoint" in settings_error(runner)
    monkeypatch.setenv("SUMMARISE_MODEL", "llama3")
    assert settings_from_env().model == "llama3"


def test_a_model_file_and_an_endpoint_exclude_each_other(runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("SUMMARISE_MODEL", "llama3")
    assert "--model-file runs the embedded engine" in settings_error(runner, "--model-file", "x.gguf")


def test_help_names_each_variable(runner) -> None:
    text = runner.invoke(main, ["batch", "--help"], terminal_width=200).output
    for name in ("SUMMARISE_TO", "OPENAI_BASE_URL", "SUMMARISE_MAX_RETRIES", "SUMMARISE_PRICE_PROMPT"):
        assert f"env var: {name}" in text


@pytest.mark.parametrize("options", [BriefFileOptions(jobs=0), FolderOptions(jobs=0)])
def test_both_commands_options_are_checked_in_one_place(options: BriefFileOptions | FolderOptions) -> None:
    with pytest.raises(ConfigError, match="jobs must be 1 or more, not 0"):
        check_options(Settings(api_key="k"), options)


def test_summarise_brief_checks_its_options_before_reading_anything() -> None:
    # The input does not exist: the options' error comes first, as nothing was opened.
    with pytest.raises(ConfigError, match="jobs must be 1 or more"):
        brief_file("missing.txt", Settings(api_key="k"), BriefFileOptions(jobs=0))
