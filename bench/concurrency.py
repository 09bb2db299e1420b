"""Concurrency: briefs per minute at --jobs 1, 4 and 16 against a stub with a fixed latency.

    python bench/concurrency.py [--documents 32] [--latency 0.2] [--jobs 1 4 16]

FaultInjectionStub (tests/stub_server.py) runs in a process of its own on 127.0.0.1 and
answers every request after `latency` seconds with a mechanical answer, so the figures
measure summarise's batch machinery (threads, client, cache, writing briefs), not a model.
Each `summarise batch` runs in this process (through click, as the command line does),
on a fresh cache and output folder; interpreter start-up is left out, it is the same
constant for every --jobs. Ideal at N jobs = N x the jobs=1 rate, bounded by the number
of documents. Goal: >= 85% of ideal at 16 jobs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, SEEDS, load_now, machine, verdict, workdir

GOAL = 0.85
STUB_MODEL = "stub-model"


def serve(latency: float) -> None:
    """The child process: one stub, its URL on stdout, until stdin closes."""
    sys.path.insert(0, str(ROOT / "tests"))
    from http.server import ThreadingHTTPServer
    from socketserver import StreamRequestHandler

    from stub_server import FaultInjectionStub

    # The default listen backlog (5) drops connections when 16 threads connect at once,
    # and a dropped SYN costs a 1 s retransmit: measure summarise, not the stub's backlog.
    ThreadingHTTPServer.request_queue_size = 128
    # The stub writes headers and body in two sends; with Nagle on, the body waits for the
    # client's delayed ACK (40 ms a request). Off, each request takes the latency asked for.
    StreamRequestHandler.disable_nagle_algorithm = True
    stub = FaultInjectionStub(latency=latency)
    with stub.running():
        print(stub.url, flush=True)
        sys.stdin.read()
    print(f"stub: {len(stub.requests)} requests", file=sys.stderr)


def small_documents(folder: Path, count: int) -> None:
    """`count` distinct short French documents, two or three paragraphs of the seeds each."""
    paragraphs = [
        p.strip() for seed in SEEDS for p in seed.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 80
    ]
    folder.mkdir(parents=True)
    for index in range(count):
        picked = [paragraphs[(index + k) % len(paragraphs)] for k in range(2 + index % 2)]
        text = f"Note numéro {index + 1}.\n\n" + "\n\n".join(picked) + "\n"
        (folder / f"note-{index + 1:02d}.txt").write_text(text, encoding="utf-8")


def run_batch(documents: Path, output: Path, cache: Path, url: str, jobs: int) -> tuple[float, int]:
    from click.testing import CliRunner

    from summarise.cli import main

    env = {"OPENAI_BASE_URL": url, "SUMMARISE_MODEL": STUB_MODEL, "SUMMARISE_CACHE_DIR": str(cache)}
    runner = CliRunner()
    args = ["batch", str(documents), "-o", str(output), "--jobs", str(jobs), "-q"]
    started = time.perf_counter()
    result = runner.invoke(main, args, env=env, catch_exceptions=False)
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"summarise batch --jobs {jobs} failed ({result.exit_code}): {result.output}")
    briefs = sum(1 for path in output.rglob("*.md") if path.name != "index.md")
    return seconds, briefs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=32)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per request at the stub")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--repeat", type=int, default=3, help="rounds over all --jobs values; medians are kept")
    parser.add_argument("--serve", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
        return 0
    for name in list(os.environ):  # the user's endpoint settings must not leak into the runs
        if name.startswith(("OPENAI_", "SUMMARISE_")):
            del os.environ[name]
    print(f"machine: {machine()}")
    jobs_list = sorted(set(args.jobs) | {1})
    stub = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(args.latency)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert stub.stdout is not None and stub.stdin is not None
    url = stub.stdout.readline().strip()
    print(f"stub at {url}, {args.latency:.2f} s per request, {args.documents} documents, 3 requests each")
    seconds_by_jobs: dict[int, list[float]] = {jobs: [] for jobs in jobs_list}
    try:
        with workdir("concurrency") as work:
            documents = work / "documents"
            small_documents(documents, args.documents)
            # One-time costs (tokenizer, language and sentence models) are paid before timing.
            warm_up = work / "warm-up"
            small_documents(warm_up, 1)
            run_batch(warm_up, work / "out-warm-up", work / "cache-warm-up", url, 1)
            # Rounds interleave the --jobs values, so a burst of load elsewhere hits all of them alike.
            for round_ in range(1, args.repeat + 1):
                for jobs in jobs_list:
                    run = work / f"round-{round_}-jobs-{jobs}"
                    seconds, briefs = run_batch(documents, run / "out", run / "cache", url, jobs)
                    if briefs != args.documents:
                        raise SystemExit(f"--jobs {jobs}: {briefs} briefs for {args.documents} documents")
                    seconds_by_jobs[jobs].append(seconds)
                    rate = briefs / seconds * 60
                    print(
                        f"  round {round_} --jobs {jobs:>2}: {seconds:6.2f} s, {rate:7.1f} briefs/min "
                        f"(load {load_now()})"
                    )
    finally:
        stub.stdin.close()
        stub.wait(timeout=10)
    rates = {jobs: args.documents / statistics.median(times) * 60 for jobs, times in seconds_by_jobs.items()}
    if args.latency > 0:  # one document's three requests in turn: no job can beat this
        print(f"latency floor: {3 * args.latency:.2f} s per document -> {20 / args.latency:.0f} briefs/min per job")
    ok = True
    for jobs in jobs_list:
        ideal = rates[1] * min(jobs, args.documents)
        share = rates[jobs] / ideal
        line = f"{rates[jobs]:.1f} briefs/min = {share:.0%} of ideal ({ideal:.1f})"
        if jobs == max(jobs_list):
            ok = verdict(f"--jobs {jobs}", share >= GOAL, f"{line} (goal >= {GOAL:.0%})")
        else:
            print(f"      --jobs {jobs}: {line}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
