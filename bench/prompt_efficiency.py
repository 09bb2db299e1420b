"""Prompt efficiency on the embedded engine: prompt tokens the server processed per brief,
versus a naive layout of the same requests.

    python bench/prompt_efficiency.py [--chunk-tokens N] [documents...]

summarise puts the document first and the task last, so the three tasks on a chunk share
one prefix and the server prefills the chunk once. The naive layout sends, for each task,
a request of its own with the task first and the whole document after: the same system
message, the same task text and the same fenced, numbered document, only the order differs.
Processed prompt tokens = usage.prompt_tokens - usage.prompt_tokens_details.cached_tokens,
as the server reports them (summarise writes their sum to the brief's front matter as
usage.prompt_tokens_processed). The naive requests are sent with the openai client to the
same engine with max_tokens=1: only their prompt is measured. Both seeds by default.
Goal: summarise processes <= 0.4 of the naive layout's prompt tokens.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import openai
from _common import SEEDS, fresh_cache_dir, load_now, machine, quiet_enough, verdict, workdir

from summarise.config import resolve_settings
from summarise.documents import load_document
from summarise.engine import EngineConfig, shared_engine, stop_shared_engine
from summarise.llm import LLM, Message, Usage
from summarise.pipeline import build_brief, plan
from summarise.prompts import Prompts
from summarise.tasks.common import TaskContext, chunk_prefix
from summarise.tasks.facts import MAX_FACTS_PER_CHUNK, fact_key

GOAL = 0.4


def naive_requests(context: TaskContext, cap: int | None) -> list[list[Message]]:
    """Per chunk (one for a seed), one request per task: task first, then the document."""
    requests: list[list[Message]] = []
    values = context.template_values()
    _fitted, chunks = plan(context.document, context.llm, context.prompts, context.target, cap)
    translate = context.document.language != context.target.code
    for chunk in chunks:
        system, document = chunk_prefix(context, chunk)
        span = {"first": chunk.first, "last": chunk.last}
        tasks = [
            context.prompts.render("summary", **values),
            context.prompts.render(
                "facts", **values, **span, max_facts=MAX_FACTS_PER_CHUNK, fact_key=fact_key(context.target.name)
            ),
        ]
        if translate:
            tasks.append(context.prompts.render("translation", **values, **span))
        for task in tasks:
            requests.append([system, {"role": "user", "content": f"{task}\n\n{document['content']}"}])
    return requests


def start_engine(llm: LLM) -> str:
    """A fresh engine (empty prompt cache): each layout starts from the same state."""
    stop_shared_engine()
    assert llm.model_file is not None
    settings = llm.settings
    config = EngineConfig(llm.model_file, llm.context_tokens, settings.engine_parallel, settings.engine_threads)
    return shared_engine(config).base_url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", nargs="*", type=Path, default=list(SEEDS))
    parser.add_argument("--chunk-tokens", type=int, default=None)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    quiet_enough()
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "SUMMARISE_")):
            del os.environ[name]
    ours: dict[str, int] = {}
    naive: dict[str, int] = {}
    with workdir("prompt-efficiency") as work:
        os.environ["SUMMARISE_CACHE_DIR"] = str(fresh_cache_dir(work))
        settings = resolve_settings(no_cache=True, chunk_tokens=args.chunk_tokens)
        prompts = Prompts(None)
        documents = [load_document(path, settings.max_input_bytes) for path in args.documents]

        # summarise's layout, through its own pipeline; every call is logged with its tokens.
        repairs: list[int] = []  # processed prompt tokens of repair calls, for the reading

        def log(line: str) -> None:
            if line.startswith("call"):
                print("    " + line)
                call = re.search(r"\(repair\): (\d+) prompt tokens \((\d+) reused", line)
                if call:
                    repairs.append(int(call.group(1)) - int(call.group(2)))

        llm = LLM(settings, cache=None, log=log)
        print(f"summarise's layout, fresh engine at {start_engine(llm)} ({llm.model}, context {llm.context_tokens})")
        for document in documents:
            started = time.perf_counter()
            usage = build_brief(document, llm, prompts, settings.target, settings.chunk_tokens).usage
            ours[document.source] = usage["prompt_tokens_processed"]
            print(
                f"  {Path(document.source).name}: {usage['llm_calls']} calls, {usage['prompt_tokens']:,} prompt tokens "
                f"sent, {usage['prompt_tokens_cached_by_server']:,} reused by the server, "
                f"{usage['prompt_tokens_processed']:,} processed ({time.perf_counter() - started:.0f} s, "
                f"load {load_now()})"
            )

        # The naive layout: the same requests, task first; only their prompts are measured.
        base_url = start_engine(llm)
        client = openai.OpenAI(base_url=base_url, api_key="embedded", timeout=settings.timeout)
        print(f"naive layout, fresh engine at {base_url}")
        for document in documents:
            context = TaskContext(llm, prompts, document, settings.target, Usage())
            requests = naive_requests(context, settings.chunk_tokens)
            started = time.perf_counter()
            sent = processed = 0
            for messages in requests:
                response = client.chat.completions.create(
                    model=llm.model,
                    messages=messages,  # type: ignore[arg-type]
                    max_tokens=1,
                    temperature=0.0,
                    seed=42,
                )
                assert response.usage is not None
                details = response.usage.prompt_tokens_details
                cached = (details.cached_tokens or 0) if details else 0
                print(f"    call {response.usage.prompt_tokens:,} prompt tokens ({cached:,} reused by the server)")
                sent += response.usage.prompt_tokens
                processed += response.usage.prompt_tokens - cached
            naive[document.source] = processed
            print(
                f"  {Path(document.source).name}: {len(requests)} calls, {sent:,} prompt tokens sent, "
                f"{processed:,} processed ({time.perf_counter() - started:.0f} s of prefill, load {load_now()})"
            )
        stop_shared_engine()
    for source in ours:
        print(f"{Path(source).name}: {ours[source]:,} / {naive[source]:,} = {ours[source] / naive[source]:.2f}")
    total_ours, total_naive = sum(ours.values()), sum(naive.values())
    ratio = total_ours / total_naive
    ok = verdict(
        "processed prompt tokens vs naive",
        ratio <= GOAL,
        f"{total_ours:,} / {total_naive:,} = {ratio:.2f} (goal <= {GOAL})",
    )
    if repairs:
        print(
            f"of which {len(repairs)} repair call(s): {sum(repairs):,} tokens; without them the ratio "
            f"would be {(total_ours - sum(repairs)) / total_naive:.2f}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
