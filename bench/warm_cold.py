"""Warm versus cold: `summarise batch` over a folder, then the same batch again.

    python bench/warm_cold.py [--chunk-tokens 800] [--small]

The folder holds the two seeds and a longer document made from them (both, one after the
other). Everything runs on the embedded engine with the bundled model, in a fresh cache
folder (the assembled model is linked in, so nothing is re-assembled), so the first run
is truly cold: no cached answer, engine start included. Three runs of the same command:
  1. cold: every answer comes from the model;
  2. again: the same command; finished briefs are up to date, so no model call;
  3. briefs deleted, cache kept: every answer comes from the response cache.
Goal: run 2 makes 0 model calls and is >= 50x faster than run 1. `--small` uses the first
paragraphs of each seed instead, for a quick check (figures are then not the reported ones).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

from _common import (
    SEEDS,
    SUMMARISE,
    fresh_cache_dir,
    load_now,
    long_document,
    machine,
    quiet_enough,
    run_timed,
    summarise_env,
    usage_of,
    verdict,
    workdir,
)

GOAL = 50.0


def write_documents(folder: Path, small: bool) -> None:
    folder.mkdir()
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8")
        if small:
            text = "\n\n".join(text.split("\n\n")[:3]) + "\n"
        (folder / seed.name).write_text(text, encoding="utf-8")
    long = "\n\n".join((folder / seed.name).read_text(encoding="utf-8").strip() for seed in SEEDS) + "\n"
    (folder / "seeds-combined.txt").write_text(long if small else long_document(), encoding="utf-8")


def calls_in(report: str) -> int:
    """The model calls the batch reported on its closing line ("N calls, M cache hits, ...")."""
    match = re.search(r"(\d+) calls, (\d+) cache hits", report)
    if not match:
        raise SystemExit(f"no usage line in the batch report:\n{report}")
    return int(match.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunk-tokens", type=int, default=800, help="cap per chunk (long documents get chunked)")
    parser.add_argument("--small", action="store_true", help="short documents: a quick check, not the figures")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    quiet_enough()
    with workdir("warm-cold") as work:
        documents, output = work / "documents", work / "outputs"
        write_documents(documents, args.small)
        for path in sorted(documents.iterdir()):
            print(f"  {path.name}: {path.stat().st_size:,} bytes")
        env = summarise_env(fresh_cache_dir(work))
        command = [SUMMARISE, "batch", str(documents), "-o", str(output), "--chunk-tokens", str(args.chunk_tokens)]
        print("command:", " ".join(command[1:]), "(embedded engine, fresh SUMMARISE_CACHE_DIR)")
        runs: list[tuple[str, float, int, str]] = []
        for name in ("cold", "again", "from cache"):
            if name == "from cache":
                shutil.rmtree(output)
            seconds, result = run_timed(command, env, work)
            if result.returncode != 0:
                print(result.stdout, result.stderr, sep="\n")
                raise SystemExit(f"run '{name}' failed with exit code {result.returncode}")
            report = result.stdout.strip().splitlines()
            runs.append((name, seconds, calls_in(result.stdout), report[0] if report else ""))
            print(f"  {name:<10} {seconds:8.2f} s  {calls_in(result.stdout):3d} model calls  [{report[0]}]")
            print(f"             {report[-1] if report else ''} (load {load_now()})")
        usage = usage_of(output)
        print(f"briefs' usage: {usage}")
    (_, cold, cold_calls, _), (_, again, again_calls, _), (_, cached, cached_calls, _) = runs
    ok = verdict("second run, model calls", again_calls == 0, f"{again_calls} (goal 0; the cold run made {cold_calls})")
    ok &= verdict("second run, speed-up", cold / again >= GOAL, f"{cold / again:.0f}x faster (goal >= {GOAL:.0f}x)")
    print(f"from the response cache (briefs deleted): {cold / cached:.0f}x faster, {cached_calls} model calls")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
