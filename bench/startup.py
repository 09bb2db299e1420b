"""Start-up: how long a newcomer waits, with no model in the way.

    python bench/startup.py [--repeat 5]

`summarise brief` of the 2022 seed against a FaultInjectionStub (tests/stub_server.py: a
local stub that answers at once, so only summarise's own time is measured), off a
terminal, in a fresh cache folder: the time to the first line on stderr, then the whole
time of the same command again, every answer cached. Goals (issue 29, item 10): first
line <= 1 s; cached re-run <= 1 s. Medians of --repeat runs; machine load is printed, and the
re-run's CPU time (user + system), which a busy machine does not inflate as it does wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, SEEDS, machine

sys.path.insert(0, str(ROOT / "tests"))
from stub_server import FaultInjectionStub


def first_line_and_total(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, float]:
    """(first line, whole run, CPU seconds of the run: what a busy machine does not inflate)."""
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, cwd=cwd, text=True)
    assert process.stderr is not None
    process.stderr.readline()
    first = time.monotonic() - started
    process.communicate()
    total = time.monotonic() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
    return first, total, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    firsts, reruns, rerun_cpu = [], [], []
    with FaultInjectionStub().running() as stub, tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        env = {**os.environ, "OPENAI_BASE_URL": stub.url, "SUMMARISE_MODEL": "stub-model", "PYTHONPATH": str(ROOT)}
        # A user's Python keeps the compiled modules (__pycache__); with PYTHONDONTWRITEBYTECODE
        # set, as on these machines, every run compiles ~90 modules again (~0.3 s of CPU).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        command = [sys.executable, "-m", "summarise", "brief", str(SEEDS[1]), "-o", "brief.md"]
        for run in range(args.repeat):
            env["SUMMARISE_CACHE_DIR"] = str(folder / f"cache{run}")
            firsts.append(first_line_and_total(command, env, folder)[0])  # cold: nothing cached
            _, total, cpu = first_line_and_total(command, env, folder)  # every answer cached
            reruns.append(total)
            rerun_cpu.append(cpu)
    print(machine())
    print(f"first line off a terminal: {statistics.median(firsts):.2f} s (goal <= 1 s)")
    print(f"cached re-run, in all:     {statistics.median(reruns):.2f} s (goal <= 1 s)")
    print(f"cached re-run, CPU time:   {statistics.median(rerun_cpu):.2f} s (what a quiet machine would take)")


if __name__ == "__main__":
    main()
