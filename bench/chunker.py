"""Chunker throughput: MB/s of planning chunks for a large text, next to plain tiktoken.

    python bench/chunker.py [--megabytes 4]

The text is the two seeds repeated to a few MB (under the 5 MB input limit). Three
figures, each the best of a few runs:
  - tiktoken: one `encode` of the whole text with summarise's own cl100k encoding;
  - chunk plan: what summarise does after loading (fit long sentences, pack paragraphs
    into chunks under the embedded engine's budget), on the parsed document;
  - load: bytes -> Document (encoding detection, cleaning, language, sentence split).
Goal: the chunk plan runs at >= 25% of plain tiktoken speed (it counts every sentence a
few times by design, so it can never reach 100%).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from _common import SEEDS, machine, verdict

from summarise.chunking import chunk_budget, count_tokens, encoding, fit_sentences, plan_chunks
from summarise.config import DEFAULT_ENGINE_CONTEXT
from summarise.documents.languages import Language
from summarise.pipeline import prompt_overhead
from summarise.readers.text import parse_document
from summarise.tasks.prompts import Prompts

GOAL = 0.25


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def large_text(megabytes: float) -> str:
    seeds = "\n\n".join(seed.read_text(encoding="utf-8").strip() for seed in SEEDS)
    copies = int(megabytes * 1e6 / len(seeds.encode()))
    return "\n\n".join(seeds for _ in range(max(1, copies))) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=4.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    text = large_text(args.megabytes)
    data = text.encode()
    megabytes = len(data) / 1e6
    enc = encoding()
    enc.encode("warm up", disallowed_special=())

    load_seconds = best_of(1, lambda: parse_document(data, "large.txt"))
    document = parse_document(data, "large.txt")
    budget = chunk_budget(DEFAULT_ENGINE_CONTEXT, prompt_overhead(Prompts(None), Language("en", "English")), None)

    def chunk_plan() -> object:
        return plan_chunks(fit_sentences(document, budget), budget)

    tokens = len(enc.encode(text, disallowed_special=()))
    tiktoken_seconds = best_of(args.runs, lambda: enc.encode(text, disallowed_special=()))
    plan_seconds = best_of(args.runs, chunk_plan)
    chunks = plan_chunks(fit_sentences(document, budget), budget)
    sentence_tokens = sum(count_tokens(s.text) for s in document.sentences)

    print(f"text: {megabytes:.2f} MB, {tokens:,} cl100k tokens, {len(document.sentences):,} sentences")
    print(f"chunk budget {budget} tokens -> {len(chunks):,} chunks ({sentence_tokens:,} tokens counted per sentence)")
    rows = [
        ("tiktoken encode (whole text)", tiktoken_seconds),
        ("chunk plan (fit + pack)", plan_seconds),
        ("load (bytes -> Document)", load_seconds),
    ]
    for name, seconds in rows:
        print(f"  {name:<30} {seconds:7.2f} s  {megabytes / seconds:7.2f} MB/s")
    ratio = tiktoken_seconds / plan_seconds
    ok = verdict("chunk plan vs tiktoken", ratio >= GOAL, f"{ratio:.2f} of plain tiktoken speed (goal >= {GOAL:.2f})")
    print(f"load + plan: {megabytes / (load_seconds + plan_seconds):.2f} MB/s end to end (not a goal)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
