"""Every command-line option, declared once: its flag, environment variable, type and default.

Flags win over environment variables, which win over defaults (click resolves all
three); an empty variable counts as unset, and a value of the wrong type is an error
that names the variable. Rules that involve several settings live in summarise/config/__init__.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click

from summarise.config import (
    DEFAULT_MAX_INPUT_BYTES,
    SPECULATION_CHOICES,
    FactsMethod,
    Layout,
    Settings,
    checked,
    default_cache_dir,
)
from summarise.config.glossary import Glossary, load_glossary
from summarise.documents.languages import ENGLISH, Language, parse_language
from summarise.errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])


class LanguageType(click.ParamType[Language]):
    """A language by name or ISO code: "French", "fr", "pt_BR"."""

    name = "LANG"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Language:
        if isinstance(value, Language):
            return value
        try:
            return parse_language(str(value))
        except ConfigError as exc:
            self.fail(str(exc), param, ctx)


class FiniteFloat(click.FloatRange):
    """A FloatRange that also refuses nan and inf: "nan" passes every range check."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


class BaseURL(click.ParamType[str]):
    """An http(s) URL of an OpenAI-compatible API."""

    name = "URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        if not text.startswith(("http://", "https://")):
            self.fail(f"bad base URL {text!r}: it must start with http:// or https://", param, ctx)
        # "http://" or "http://host:port" with a word for a port would fail later as "cannot
        # reach http:", which sends people looking at their network instead of the URL.
        try:
            parts = urlsplit(text)
            port = parts.port
        except ValueError as exc:
            self.fail(f"bad base URL {text!r}: {exc}", param, ctx)
        if not parts.hostname:
            self.fail(f"bad base URL {text!r}: no host in it; e.g. http://localhost:8080/v1", param, ctx)
        if port == 0:
            self.fail(f"bad base URL {text!r}: port 0 is not a port", param, ctx)
        return text


def _option(*names: str, envvar: str | None = None, **kwargs: Any) -> Callable[[F], F]:
    return click.option(*names, envvar=envvar, show_envvar=envvar is not None, **kwargs)


def cache_dir_option() -> Callable[[F], F]:
    return _option(
        "--cache-dir",
        envvar="SUMMARISE_CACHE_DIR",
        type=click.Path(path_type=Path, file_okay=False),
        help="Response cache (and assembled model) folder. [default: ~/.cache/summarise]",
    )


def glossary_option() -> Callable[[F], F]:
    """brief and batch: house terms, kept in the prompts and checked in the brief (docs/glossary.md)."""
    return _option(
        "--glossary",
        envvar="SUMMARISE_GLOSSARY",
        type=click.Path(path_type=Path),
        help="CSV/TSV of source term,target term: used in the prompts, checked in the brief.",
    )


ENDPOINT_OPTIONS: list[Callable[[F], F]] = [
    _option("--to", "target", envvar="SUMMARISE_TO", type=LanguageType(), default=ENGLISH.name, show_default=True,
            help="Target language, name or code."),
    _option("--base-url", envvar="OPENAI_BASE_URL", type=BaseURL(),
            help="OpenAI-compatible endpoint. [default: the embedded engine; OpenAI with only a key]"),
    _option("--api-key", envvar="OPENAI_API_KEY",
            help="API key (prefer the variable: a flag shows in the process list). Never written anywhere."),
    _option("--model", envvar="SUMMARISE_MODEL",
            help="Model name at the endpoint. [default: the bundled model; gpt-4o-mini with only a key]"),
    _option("--model-file", envvar="SUMMARISE_MODEL_FILE", type=click.Path(path_type=Path, dir_okay=False),
            help="Run the embedded engine with this GGUF model instead of the bundled one."),
    cache_dir_option(),
    _option("--no-cache", envvar="SUMMARISE_NO_CACHE", is_flag=True,
            help="Neither read nor write the response cache."),
    _option("--no-memory", envvar="SUMMARISE_NO_MEMORY", is_flag=True,
            help="Do not take reviewed lines from the translation memory (docs/memory.md); ask the model."),
    _option("--prompts", "prompts_dir", envvar="SUMMARISE_PROMPTS", type=click.Path(path_type=Path, file_okay=False),
            help="Folder of your own templates."),
    _option("--context-tokens", envvar="SUMMARISE_CONTEXT", type=click.IntRange(min=256),
            help="The model's context window. [default: 8192 embedded, 16384 remote]"),
    _option("--chunk-tokens", envvar="SUMMARISE_CHUNK_TOKENS", type=click.IntRange(min=64),
            help="Cap on document tokens per chunk. [default: from the context window, at most 2500]"),
    _option("--facts-method", envvar="SUMMARISE_FACTS_METHOD",
            type=click.Choice([method.value for method in FactsMethod], case_sensitive=False),
            default=FactsMethod.CHOSEN.value, show_default=True,
            help="Facts chosen by code from the translation's lines (figures first, no model call), "
            "written by the model with a line number, or with a verbatim quote (strong endpoints)."),
    _option("--layout", envvar="SUMMARISE_LAYOUT",
            type=click.Choice([layout.value for layout in Layout], case_sensitive=False),
            default=Layout.TRANSLATION.value, show_default=True,
            help="Write summary and facts from the translation (best for small models) or from the source."),
    _option("--max-bytes", envvar="SUMMARISE_MAX_BYTES", type=click.IntRange(min=1),
            default=DEFAULT_MAX_INPUT_BYTES, show_default=True, help="Largest input file read."),
    _option("--timeout", envvar="SUMMARISE_TIMEOUT", type=FiniteFloat(min=0, min_open=True),
            default=600.0, show_default=True, help="Seconds to wait for each answer."),
    _option("--max-retries", envvar="SUMMARISE_MAX_RETRIES", type=click.IntRange(min=0), default=3,
            show_default=True, help="Retries of a failed request (connection errors, 429, 5xx)."),
    _option("--allow-private-urls", envvar="SUMMARISE_ALLOW_PRIVATE_URLS", is_flag=True,
            help="Fetch URLs on this machine or a private network too (refused by default)."),
    _option("--speculative", envvar="SUMMARISE_SPECULATIVE", default="off", show_default=True,
            type=click.Choice(SPECULATION_CHOICES, case_sensitive=False),
            help="Embedded engine: guess tokens ahead (draft model of the [fast] extra, or n-grams); off: none."),
    _option("-v", "--verbose", is_flag=True, help="Show each call, its tokens and cache hits, with timings."),
]  # fmt: skip


def endpoint_options(command: F) -> F:
    """Options shared by brief, batch and doctor: where the model is, and how to ask it."""
    for option in reversed(ENDPOINT_OPTIONS):
        command = option(command)
    return command


def _glossary(options: dict[str, Any]) -> Glossary | None:
    """--glossary, read and checked; a large file kept packed in the cache folder (not with --no-cache)."""
    if not options.get("glossary"):
        return None
    cache_dir = None if options["no_cache"] else options["cache_dir"] or default_cache_dir()
    return load_glossary(options["glossary"], cache_dir)


def settings_from(options: dict[str, Any]) -> Settings:
    """Settings from the parsed options, with the multi-setting rules applied."""
    return checked(
        Settings(
            target=options["target"],
            base_url=options["base_url"],
            api_key=options["api_key"] or None,
            model=options["model"] or None,
            model_file=options["model_file"],
            cache_dir=options["cache_dir"] or default_cache_dir(),
            use_cache=not options["no_cache"],
            use_memory=not options.get("no_memory"),
            prompts_dir=options["prompts_dir"],
            timeout=options["timeout"],
            max_retries=options["max_retries"],
            context_tokens=options["context_tokens"],
            chunk_tokens=options["chunk_tokens"],
            facts_method=FactsMethod(options["facts_method"].lower()),
            layout=Layout(options["layout"].lower()),
            max_input_bytes=options["max_bytes"],
            allow_private_urls=options["allow_private_urls"],
            verbose=options["verbose"],
            speculative=options["speculative"].lower(),
            # Read and checked now: a bad glossary is one Error: line before any model call.
            glossary=_glossary(options),
        )
    )
