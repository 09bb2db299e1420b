"""Which endpoint answers: a remote OpenAI-compatible API, or the embedded engine.

Resolved once, outside the LLM client: for the embedded engine this assembles and
verifies the bundled model (its sha256 is the cache identity), but the server itself
only starts when a request misses the cache.
"""

from __future__ import annotations

from dataclasses import dataclass

from summarise.config import Settings
from summarise.model import ModelInfo
from summarise.model.bundled import MAIN_MODEL, ensure_bundled_model, is_assembled, user_model
from summarise.model.engine import EngineConfig, resolve_speculation, shared_engine
from summarise.reporting import SILENT, Reporter

DEFAULT_BASE_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class Endpoint:
    model: str
    identity: str  # what cache keys and brief keys hold: the base URL, or the model file's sha256
    label: str  # what a brief names: the base URL, or "embedded"
    api_key: str  # never part of a key, a brief or a message
    url: str = ""  # the remote base URL; empty for the embedded engine until it starts
    engine: EngineConfig | None = None  # started on the first request that needs it

    def base_url(self) -> str:
        """The OpenAI-compatible API to send to; starts the embedded engine if that is the endpoint."""
        return shared_engine(self.engine).base_url if self.engine is not None else self.url


def resolve_endpoint(settings: Settings, reporter: Reporter = SILENT) -> Endpoint:
    """The reporter's display is told before a slow first-time step (assembling a bundled model)."""
    if not settings.uses_engine:
        url = (settings.base_url or DEFAULT_BASE_URL).rstrip("/")
        return Endpoint(settings.model or "", url, url, settings.api_key or "not-needed", url=url)
    if not settings.model_file and not is_assembled(settings.cache_dir):
        reporter.progress.stage(f"assembling the bundled model (once, {MAIN_MODEL.size / 1e9:.1f} GB)")
    model = user_model(settings.model_file) if settings.model_file else ensure_bundled_model(settings.cache_dir)
    engine = EngineConfig(
        model=model,
        context_per_slot=settings.effective_context,
        parallel=settings.engine_parallel,
        threads=settings.engine_threads,
        verbose=settings.verbose,
        speculation=resolve_speculation(settings.speculative, settings.cache_dir, reporter),
    )
    return Endpoint(model.name, f"embedded:{model.sha256}", "embedded", "embedded", engine=engine)


def describe(settings: Settings) -> ModelInfo:
    """The model `resolve_endpoint` would give, described without assembling, verifying or starting
    anything: the bundled model's identity is its known sha256 (a dry run needs no bundled model);
    a --model-file's is its own (hashed once, remembered beside it)."""
    if not settings.uses_engine:
        endpoint = resolve_endpoint(settings)  # a remote endpoint: nothing is opened
        return ModelInfo(endpoint.identity, endpoint.model, endpoint.label, settings.effective_context)
    name, sha256 = MAIN_MODEL.name, MAIN_MODEL.sha256
    if settings.model_file:
        model = user_model(settings.model_file)  # hashed once, remembered beside the file
        name, sha256 = model.name, model.sha256
    return ModelInfo(f"embedded:{sha256}", name, "embedded", settings.effective_context)
