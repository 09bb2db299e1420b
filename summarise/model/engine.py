"""The embedded llama.cpp engine: start and stop, with or without speculative decoding.

The engine is a real llama.cpp HTTP server (xllamacpp) on 127.0.0.1 with a random
port, so it is driven by the same `openai` client path as any cloud endpoint.
"""

from __future__ import annotations

import atexit
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarise.config import SPECULATION_CHOICES
from summarise.errors import EngineError
from summarise.model.bundled import DRAFT_MODEL, INSTALL_HINT, ModelFile, ensure_bundled_model, is_assembled, part_paths
from summarise.reporting import SILENT, Reporter

# How the engine may guess tokens ahead for the big model to verify in one pass
# (speculative decoding): a small draft model, or n-grams found in the prompt and answer.
SPECULATION_KINDS = ("off", "draft", "ngram")


@dataclass(frozen=True)
class Speculation:
    kind: str = "off"  # one of SPECULATION_KINDS
    draft: ModelFile | None = None  # the draft model, for kind "draft"
    draft_max: int = 8  # tokens drafted per step
    draft_min: int = 0
    draft_p_min: float = 0.5  # stop drafting when the draft model is less sure than this
    ngram: str = "map_k"  # which llama.cpp n-gram variant, for kind "ngram"

    @property
    def label(self) -> str:
        if self.kind == "draft" and self.draft is not None:
            return f"draft model {self.draft.name}"
        return f"n-gram lookup ({self.ngram})" if self.kind == "ngram" else "off"


def draft_available(cache_dir: Path) -> bool:
    """The draft model is installed (the `[fast]` extra) or already assembled."""
    return is_assembled(cache_dir, DRAFT_MODEL) or part_paths(DRAFT_MODEL) is not None


def resolve_speculation(choice: str, cache_dir: Path, reporter: Reporter = SILENT) -> Speculation:
    """`auto`: the draft model when it is installed, else none.

    Assembling the draft model (once, ~0.5 GB) happens here, before the engine starts;
    the reporter's display is told first, so the wait is never silent.
    """
    if choice not in SPECULATION_CHOICES:
        raise EngineError(f"unknown speculative decoding {choice!r}: use one of {', '.join(SPECULATION_CHOICES)}")
    if choice == "auto":  # n-gram lookup is not the fallback: it has not been measured yet (docs §8)
        choice = "draft" if draft_available(cache_dir) else "off"
    if choice == "draft":
        if not is_assembled(cache_dir, DRAFT_MODEL):
            reporter.progress.stage(f"assembling the draft model (once, {DRAFT_MODEL.size / 1e9:.1f} GB)")
        return Speculation("draft", ensure_bundled_model(cache_dir, DRAFT_MODEL))
    return Speculation(choice)


@dataclass(frozen=True)
class EngineConfig:
    model: ModelFile
    context_per_slot: int
    parallel: int
    threads: int
    verbose: bool = False
    metrics: bool = False  # llama.cpp's Prometheus /metrics endpoint (the benchmarks read it)
    speculation: Speculation = Speculation()


def _speculation_params(params: Any, speculation: Speculation, threads: int, xllamacpp: Any) -> None:
    kinds = xllamacpp.common_speculative_type
    spec = params.speculative
    if speculation.kind == "draft":
        if speculation.draft is None:
            raise EngineError("speculative decoding with a draft model needs the draft model file")
        spec.types = [kinds.COMMON_SPECULATIVE_TYPE_DRAFT_SIMPLE]
        spec.draft.mparams.path = str(speculation.draft.path)
        spec.draft.n_max = speculation.draft_max
        spec.draft.n_min = speculation.draft_min
        spec.draft.p_min = speculation.draft_p_min
        spec.draft.cpuparams.n_threads = threads
        spec.draft.cpuparams_batch.n_threads = threads
    elif speculation.kind == "ngram":
        spec.types = [getattr(kinds, f"COMMON_SPECULATIVE_TYPE_NGRAM_{speculation.ngram.upper()}")]
    elif speculation.kind != "off":
        raise EngineError(f"unknown speculation {speculation.kind!r}: use one of {', '.join(SPECULATION_KINDS)}")


def server_timings(response: Any) -> str:
    """What llama.cpp says about one answer (its `timings` field), for -v: prefill and
    generation speed, and how many drafted tokens the big model accepted."""
    timings = getattr(response, "model_extra", None) or {}
    timings = timings.get("timings") if isinstance(timings, dict) else None
    if not isinstance(timings, dict):
        return ""
    parts = [
        f"prefill {timings.get('prompt_per_second', 0):.0f} tok/s",
        f"generation {timings.get('predicted_per_second', 0):.1f} tok/s",
    ]
    if timings.get("draft_n"):
        parts.append(f"{timings.get('draft_n_accepted', 0)}/{timings['draft_n']} drafted tokens accepted")
    return " (" + ", ".join(parts) + ")"


class EmbeddedEngine:
    """One llama.cpp server in this process; `base_url` is its OpenAI-compatible API."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self._server: Any = None
        self.base_url = ""
        self.start_seconds = 0.0  # how long start() took: model load (mmap) and server up

    def start(self) -> str:
        started = time.monotonic()
        try:
            import xllamacpp
        except ImportError as exc:
            raise EngineError(f"the embedded engine is not installed: run {INSTALL_HINT}") from exc
        params = xllamacpp.CommonParams()
        params.model.path = str(self.config.model.path)
        params.model_alias = self.config.model.name
        # Map the file rather than read it: the pages are shared with the OS cache, so a
        # second start (or a second process) loads in well under a second.
        params.load_mode = xllamacpp.llama_load_mode.LLAMA_LOAD_MODE_MMAP
        params.n_parallel = self.config.parallel
        # llama.cpp splits n_ctx evenly between the parallel slots.
        params.n_ctx = self.config.context_per_slot * self.config.parallel
        params.cpuparams.n_threads = self.config.threads
        params.cpuparams_batch.n_threads = self.config.threads
        params.hostnames = ["127.0.0.1"]
        params.port = 0
        # Warm-up runs an empty batch through the model: its output is thrown away.
        params.warmup = False
        # Fitting probes device memory to size unset parameters; we set them all, on the CPU.
        params.fit_params = False
        params.endpoint_metrics = self.config.metrics
        _speculation_params(params, self.config.speculation, self.config.threads, xllamacpp)
        if not self.config.verbose:
            params.verbosity = -1
            params.log_json = False
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:  # the binding raises plain RuntimeError/ValueError
            raise EngineError(f"the embedded engine failed to start: {exc}") from exc
        address = str(self._server.listening_address)
        self.base_url = f"{address.rstrip('/')}/v1"
        if not self.base_url.startswith("http"):
            self.base_url = f"http://{self.base_url}"
        self.start_seconds = time.monotonic() - started
        return self.base_url

    def stop(self) -> None:
        # Dropping the last reference shuts the server down and frees the model.
        self._server = None


_engine: EmbeddedEngine | None = None
_engine_lock = threading.Lock()


def shared_engine(config: EngineConfig) -> EmbeddedEngine:
    """The process-wide engine: started at most once and shared by every call (a batch too)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            engine = EmbeddedEngine(config)
            engine.start()
            atexit.register(stop_shared_engine)
            _engine = engine
        return _engine


def stop_shared_engine() -> None:
    global _engine
    with _engine_lock:
        if _engine is not None:
            _engine.stop()
            _engine = None
