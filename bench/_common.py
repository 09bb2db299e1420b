"""Shared helpers for the benchmark scripts: documents, cache folders, the machine, timing.

The scripts are run as `python bench/<name>.py`, so this module is imported by its
bare name (the script's folder is first on sys.path).
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
SEEDS = (INPUTS / "coalition-meeting-morocco-2018.txt", INPUTS / "marrakech-coalition-meeting-2022.txt")
USER_MODELS = Path.home() / ".cache" / "summarise" / "models"
SUMMARISE = str(Path(sys.executable).with_name("summarise"))


def machine() -> str:
    """One line: what this ran on and how busy it was."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        memory = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        memory = "? GiB"
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{os.cpu_count()} cores, {cpu}, {memory} RAM, Python {platform.python_version()}, load {load}"


def busy_share(seconds: float = 2.0) -> float:
    """The share of all cores busy over the next `seconds` (from /proc/stat), 0.0 to 1.0."""

    def sample() -> tuple[int, int]:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields), idle

    total_before, idle_before = sample()
    time.sleep(seconds)
    total_after, idle_after = sample()
    total = total_after - total_before
    return 1.0 - (idle_after - idle_before) / total if total else 0.0


def quiet_enough(limit: float = 0.25) -> bool:
    """Warn when other work already keeps the cores busy: the engine's figures would suffer.

    Two llama.cpp servers on 2 cores (each with 2 threads) slow each other down far more
    than 2x, so times taken next to another engine are worthless; token counts still hold.
    (The load average is no help here: it still shows a run that ended minutes ago.)
    """
    busy = busy_share()
    if busy > limit:
        print(f"warning: the cores are {busy:.0%} busy before starting; times will be worse than on a quiet machine")
    else:
        print(f"cores {busy:.0%} busy before starting")
    return busy <= limit


def load_now() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def long_document() -> str:
    """A longer document made from the seeds: both of them, one after the other."""
    return "\n\n".join(seed.read_text(encoding="utf-8").strip() for seed in SEEDS) + "\n"


def fresh_cache_dir(parent: Path) -> Path:
    """An empty summarise cache folder in which the bundled model is already reachable.

    The model is assembled into `<cache>/models/`; linking the user's assembled copy
    there (file and its verified-hash sidecar) saves assembling 1.1 GB again.
    """
    cache = parent / "cache"
    models = cache / "models"
    models.mkdir(parents=True, mode=0o700)
    if not USER_MODELS.is_dir():
        raise SystemExit(f"no assembled model in {USER_MODELS}: run `summarise brief inputs/...` once first")
    for path in USER_MODELS.iterdir():
        if path.suffix == ".gguf" or path.name.endswith(".verified.json"):
            target = models / path.name
            if path.suffix == ".gguf":
                target.symlink_to(path)
            else:
                shutil.copy2(path, target)  # the sidecar's stamp is the linked file's size and mtime
    return cache


@contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=f"summarise-bench-{prefix}-") as name:
        yield Path(name)


def summarise_env(cache: Path, **extra: str) -> dict[str, str]:
    """The user's environment without endpoint settings, with its own cache folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARISE_"))}
    env["SUMMARISE_CACHE_DIR"] = str(cache)
    env.update(extra)
    return env


def run_timed(command: list[str], env: Mapping[str, str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    result = subprocess.run(command, env=dict(env), cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, result


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    end = text.find("\n---", 4)
    data = yaml.safe_load(text[4:end]) if text.startswith("---\n") and end > 0 else None
    return data if isinstance(data, dict) else {}


def usage_of(outputs: Path) -> dict[str, int]:
    """The usage of every brief under `outputs`, added up (from their front matter)."""
    total: dict[str, int] = {}
    for brief in sorted(outputs.rglob("*.md")):
        if brief.name == "index.md":
            continue
        for key, value in (front_matter(brief).get("usage") or {}).items():
            total[key] = total.get(key, 0) + int(value)
    return total


def verdict(name: str, ok: bool, detail: str) -> bool:
    print(f"{'PASS' if ok else 'MISS'}  {name}: {detail}")
    return ok
