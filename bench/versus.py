"""Time per brief against an earlier commit, side by side in one run (issue 13's 1.2x goal).

    flock /tmp/summarise-engine.lock python bench/versus.py [--before 6316476] [--document FILE]

A cold brief of the document (default: the 2022 seed) on the embedded engine, first by the
code of `--before` (checked out into a temporary git worktree, run with this checkout's
virtualenv), then by this checkout: each in a fresh process with a fresh response cache
(the assembled model is linked in), engine start included, the same machine minutes
apart. Prints wall time, model calls and completion tokens of each and the ratio; exits 1
when this checkout takes more than 1.2x the earlier one. The default `--before` is the
last commit before issue 13's pipeline (three tasks on the source, facts once per chunk).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from _common import (
    ROOT,
    SEEDS,
    fresh_cache_dir,
    front_matter,
    load_now,
    machine,
    quiet_enough,
    run_timed,
    summarise_env,
    verdict,
    workdir,
)

GOAL = 1.2


def cold_brief(code: Path, document: Path, scratch: Path) -> tuple[float, dict[str, int]]:
    """One cold brief by the code in `code`: seconds, and the brief's usage."""
    scratch.mkdir()
    env = summarise_env(fresh_cache_dir(scratch), PYTHONPATH=str(code))
    out = scratch / "brief.md"
    command = [sys.executable, "-m", "summarise", "brief", str(document), "-o", str(out), "--no-cache", "-q"]
    seconds, result = run_timed(command, env, scratch)
    if result.returncode != 0:
        raise SystemExit(f"{code}: brief failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    return seconds, {k: int(v) for k, v in (front_matter(out).get("usage") or {}).items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", default="6316476", help="the earlier commit (default: before issue 13)")
    parser.add_argument("--document", type=Path, default=SEEDS[1], help="the document (default: the 2022 seed)")
    args = parser.parse_args()
    print(machine())
    if not quiet_enough():
        print("warning: the machine is busy; the times below are not comparable", file=sys.stderr)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    with workdir("versus") as tmp:
        earlier = tmp / "before"
        git = ["git", "-C", str(ROOT), "worktree"]
        subprocess.run([*git, "add", "-q", "--detach", str(earlier), args.before], check=True)
        try:
            rows = [
                (f"{args.before} (before)", *cold_brief(earlier, args.document.resolve(), tmp / "a")),
                (f"{head.stdout.strip()} (this checkout)", *cold_brief(ROOT, args.document.resolve(), tmp / "b")),
            ]
        finally:
            subprocess.run([*git, "remove", "--force", str(earlier)], check=False)
    print(f"cold brief of {args.document.name}, {load_now()}")
    for name, seconds, usage in rows:
        calls, tokens = usage.get("llm_calls", 0), usage.get("completion_tokens", 0)
        print(f"  {name:<28} {seconds:6.1f} s  {calls} calls  {tokens:,} completion tokens")
    ratio = rows[1][1] / rows[0][1]
    return 0 if verdict(f"time per brief <= {GOAL}x the earlier one", ratio <= GOAL, f"{ratio:.2f}x") else 1


if __name__ == "__main__":
    raise SystemExit(main())
