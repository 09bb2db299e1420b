"""One Settings object, resolved from command-line flags, then environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

from summarise.errors import ConfigError

DEFAULT_ENGINE_CONTEXT = 8192
DEFAULT_REMOTE_CONTEXT = 16384
DEFAULT_MAX_INPUT_BYTES = 5_000_000
FACTS_METHODS = ("line", "quote")  # see summarise/tasks/facts.py


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, e.g. "en"
    name: str  # English name, e.g. "English": what prompts say


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """ISO code -> English name, for the languages babel knows."""
    return {code: name for code, name in Locale("en").languages.items() if len(code) in (2, 3)}


def language_name(code: str) -> str:
    return _language_names().get(code, code)


def parse_language(value: str) -> Language:
    """Accept "en", "EN", "English", "english", "pt_BR"; refuse anything else with the fix."""
    cleaned = value.strip()
    names = _language_names()
    by_name = {name.casefold(): code for code, name in names.items()}
    code = by_name.get(cleaned.casefold())
    if code is None:
        try:
            code = Locale.parse(cleaned.replace("-", "_")).language
        except (UnknownLocaleError, ValueError, TypeError):
            code = None
    if code is None or code not in names:
        raise ConfigError(f"unknown language {value!r}: use a name or ISO code such as English, en, French, fr")
    return Language(code, names[code])


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "summarise"


@dataclass(frozen=True)
class Settings:
    target: Language = field(default_factory=lambda: Language("en", "English"))
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
    facts_method: str = "line"  # how facts point at their evidence: "line" or "quote"
    engine_threads: int = field(default_factory=lambda: os.cpu_count() or 2)
    engine_parallel: int = 1
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    verbose: bool = False

    @property
    def uses_engine(self) -> bool:
        """No endpoint configured at all: run the embedded llama.cpp engine."""
        return not self.base_url and not self.api_key

    @property
    def effective_context(self) -> int:
        if self.context_tokens:
            return self.context_tokens
        return DEFAULT_ENGINE_CONTEXT if self.uses_engine else DEFAULT_REMOTE_CONTEXT

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _env_int(name: str) -> int | None:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc


def resolve_settings(
    *,
    to: str | None = None,
    base_url: str | None = None,
    model: str | None = None,
    model_file: Path | None = None,
    no_cache: bool = False,
    prompts_dir: Path | None = None,
    chunk_tokens: int | None = None,
    facts_method: str | None = None,
    verbose: bool = False,
) -> Settings:
    """Flags win over environment variables, which win over defaults."""
    env = os.environ
    target = parse_language(to or env.get("SUMMARISE_TO") or "English")
    resolved_base_url = base_url or env.get("OPENAI_BASE_URL") or None
    if resolved_base_url and not resolved_base_url.startswith(("http://", "https://")):
        raise ConfigError(f"bad base URL {resolved_base_url!r}: it must start with http:// or https://")
    model_path = model_file or (Path(env["SUMMARISE_MODEL_FILE"]) if env.get("SUMMARISE_MODEL_FILE") else None)
    prompts = prompts_dir or (Path(env["SUMMARISE_PROMPTS"]) if env.get("SUMMARISE_PROMPTS") else None)
    cache_dir = Path(env["SUMMARISE_CACHE_DIR"]) if env.get("SUMMARISE_CACHE_DIR") else default_cache_dir()
    settings = Settings(
        target=target,
        base_url=resolved_base_url,
        api_key=env.get("OPENAI_API_KEY") or None,
        model=model or env.get("SUMMARISE_MODEL") or None,
        model_file=model_path,
        cache_dir=cache_dir,
        use_cache=not no_cache and env.get("SUMMARISE_NO_CACHE", "") in ("", "0"),
        prompts_dir=prompts,
        context_tokens=_env_int("SUMMARISE_CONTEXT"),
        chunk_tokens=chunk_tokens or _env_int("SUMMARISE_CHUNK_TOKENS"),
        facts_method=(facts_method or env.get("SUMMARISE_FACTS_METHOD") or "line").lower(),
        max_input_bytes=_env_int("SUMMARISE_MAX_BYTES") or DEFAULT_MAX_INPUT_BYTES,
        max_retries=_env_int("SUMMARISE_MAX_RETRIES") if env.get("SUMMARISE_MAX_RETRIES") else 3,
        timeout=float(_env_int("SUMMARISE_TIMEOUT") or 600),
        verbose=verbose,
    )
    if settings.facts_method not in FACTS_METHODS:
        raise ConfigError(f"unknown facts method {settings.facts_method!r}: use line or quote")
    if model_path is not None and not settings.uses_engine:
        raise ConfigError("--model-file runs the embedded engine: unset OPENAI_BASE_URL/OPENAI_API_KEY to use it")
    if not settings.uses_engine and not settings.model:
        if settings.base_url:
            raise ConfigError("name the model served at the endpoint: --model NAME or SUMMARISE_MODEL=NAME")
        settings = settings.with_changes(model="gpt-4o-mini")
    return settings
