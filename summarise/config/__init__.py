"""The config package: what a run is set to do. Exports Settings, BriefOptions, FactsMethod, Layout and
the defaults (here); a glossary of house terms, read and checked before any call, is config/glossary.py.

Settings and BriefOptions, and the only rules that involve several settings.

Each single setting (its flag, environment variable, type and default) is declared once,
as a click option in cli/options.py; library callers build `Settings` directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from summarise.config.glossary import Glossary
from summarise.documents.languages import ENGLISH, Language
from summarise.errors import ConfigError

if TYPE_CHECKING:
    from summarise.config.memory import TranslationMemory

DEFAULT_ENGINE_CONTEXT = 8192
DEFAULT_REMOTE_CONTEXT = 16384
DEFAULT_MAX_INPUT_BYTES = 5_000_000
# Speculative decoding on the embedded engine (summarise/model/engine.py resolves the choice).
SPECULATION_CHOICES = ("auto", "draft", "ngram", "off")
DEFAULT_REMOTE_MODEL = "gpt-4o-mini"  # what a bare OPENAI_API_KEY gets


class FactsMethod(StrEnum):
    """How facts point at their evidence (see summarise/tasks/facts.py)."""

    CHOSEN = "chosen"  # code picks the lines, figures first; each fact is its line's translation
    LINE = "line"  # the model writes each fact and names its numbered source line
    QUOTE = "quote"  # a verbatim quote: for strong endpoints


class Layout(StrEnum):
    """Which text the summary and the facts are written from (see summarise/tasks/steps.py)."""

    TRANSLATION = "translation"  # translate first, then work on the translation: best for small models
    SOURCE = "source"  # all three tasks on the source: cheapest, for strong endpoints


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "summarise"


@dataclass(frozen=True)
class BriefOptions:
    """What shapes one brief, apart from the endpoint: passed to the pipeline."""

    target: Language = ENGLISH
    chunk_tokens: int | None = None  # cap on document tokens per chunk
    facts_method: FactsMethod = FactsMethod.CHOSEN
    workers: int = 1  # chunks of one document at once (worth it against remote endpoints)
    layout: Layout = Layout.TRANSLATION
    glossary: Glossary | None = None  # house terms (summarise/config/glossary.py), read before any call
    # reviewed lines (config/memory.py): an exact match is taken with no call; None: --no-memory
    memory: TranslationMemory | None = None


@dataclass(frozen=True)
class Settings:
    target: Language = ENGLISH
    base_url: str | None = None
    api_key: str | None = None
    model: str | None = None
    model_file: Path | None = None
    cache_dir: Path = field(default_factory=default_cache_dir)
    use_cache: bool = True
    prompts_dir: Path | None = None
    timeout: float = 600.0  # seconds per request: a slow local engine needs minutes
    max_retries: int = 3
    context_tokens: int | None = None  # the model's context window; None = known default
    chunk_tokens: int | None = None  # cap on document tokens per chunk
    facts_method: FactsMethod = FactsMethod.CHOSEN
    layout: Layout = Layout.TRANSLATION
    engine_threads: int = field(default_factory=lambda: os.cpu_count() or 2)
    engine_parallel: int = 1
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    allow_private_urls: bool = False  # fetch URLs on this machine or a private network
    verbose: bool = False
    speculative: str = "off"  # embedded engine: auto | draft | ngram | off (engine.resolve_speculation)
    glossary: Glossary | None = None  # --glossary FILE, already read and checked
    use_memory: bool = True  # the translation memory beside the cache; off with --no-memory

    @property
    def uses_engine(self) -> bool:
        """No endpoint configured at all: run the embedded llama.cpp engine."""
        return not self.base_url and not self.api_key

    @property
    def effective_context(self) -> int:
        if self.context_tokens:
            return self.context_tokens
        return DEFAULT_ENGINE_CONTEXT if self.uses_engine else DEFAULT_REMOTE_CONTEXT

    def brief_options(self, workers: int = 1) -> BriefOptions:
        memory = None
        if self.use_memory:
            from summarise.config.memory import load_memory

            memory = load_memory(self.cache_dir)
        return BriefOptions(
            self.target, self.chunk_tokens, self.facts_method, workers, self.layout, self.glossary, memory
        )

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def checked(settings: Settings) -> Settings:
    """Apply the rules that involve several settings; each names the fix."""
    if settings.model_file is not None and not settings.uses_engine:
        raise ConfigError("--model-file runs the embedded engine: unset OPENAI_BASE_URL/OPENAI_API_KEY to use it")
    if not settings.uses_engine and not settings.model:
        if settings.base_url:
            raise ConfigError("name the model served at the endpoint: --model NAME or SUMMARISE_MODEL=NAME")
        return settings.with_changes(model=DEFAULT_REMOTE_MODEL)
    return settings
