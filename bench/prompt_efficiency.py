"""Prompt efficiency on the embedded engine: prompt tokens the server processed per brief,
versus a naive layout of the same requests.

    python bench/prompt_efficiency.py [--chunk-tokens N] [documents...]

summarise puts the document first and the task last, so the tasks on a chunk share one
prefix and the server prefills the chunk once. The naive layout sends every request that
summarise sent (each task, and a repair when one was needed) with the task first and the
document after: the same system message, the same task text and the same fenced, numbered
document, only the order differs. Processed prompt tokens = usage.prompt_tokens -
usage.prompt_tokens_details.cached_tokens, as the server reports them (summarise writes
their sum to the brief's front matter as usage.prompt_tokens_processed). The naive
requests are sent with the openai client to the same engine with max_tokens=1: only their
prompt is measured. Both seeds by default.
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

from summarise.cli import settings_from_env
from summarise.model import Completion, Message, Request
from summarise.model.endpoint import resolve_endpoint
from summarise.model.engine import shared_engine, stop_shared_engine
from summarise.model.llm import LLM
from summarise.model.usage import UsageMeter
from summarise.pipeline import build_brief
from summarise.readers import load_document
from summarise.reporting import Reporter
from summarise.tasks.prompts import Prompts

GOAL = 0.4


class Recording:
    """summarise's own Model seam (the LLM), remembering the messages of every request it sends."""

    def __init__(self, llm: LLM) -> None:
        self.llm = llm
        self.sent: list[tuple[str, list[Message]]] = []  # (label, messages)

    def answer(self, request: Request, usage: UsageMeter, reporter: Reporter) -> Completion:
        self.sent.append((request.label, request.messages))
        return self.llm.answer(request, usage, reporter)


def naive_layout(messages: list[Message]) -> list[Message]:
    """The same request with the task before the fenced document instead of after it."""
    system, first, *rest = messages
    document, task = str(first["content"]).rsplit(">>>\n\n", 1)
    return [system, {"role": "user", "content": f"{task}\n\n{document}>>>"}, *rest]


def start_engine(llm: LLM) -> str:
    """A fresh engine (empty prompt cache): each layout starts from the same state."""
    stop_shared_engine()
    assert llm.endpoint.engine is not None
    return shared_engine(llm.endpoint.engine).base_url


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
    sent_by_document: dict[str, list[tuple[str, list[Message]]]] = {}
    naive_repairs: list[int] = []
    with workdir("prompt-efficiency") as work:
        os.environ["SUMMARISE_CACHE_DIR"] = str(fresh_cache_dir(work))
        chunking = ["--chunk-tokens", str(args.chunk_tokens)] if args.chunk_tokens else []
        settings = settings_from_env("--no-cache", *chunking)
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

        llm = LLM(resolve_endpoint(settings), context_tokens=settings.effective_context)
        recording = Recording(llm)
        print(f"summarise's layout, fresh engine at {start_engine(llm)} ({llm.model}, context {llm.context_tokens})")
        for document in documents:
            started = time.perf_counter()
            recording.sent.clear()
            options = settings.brief_options()
            calls = Reporter(log, quiet=True, verbose=True)  # the -v lines: each call's tokens
            usage = build_brief(document, llm, prompts, options, model=recording, reporter=calls).usage
            ours[document.source] = usage.prompt_tokens_processed
            sent_by_document[document.source] = list(recording.sent)
            print(
                f"  {Path(document.source).name}: {usage.llm_calls} calls, {usage.prompt_tokens:,} prompt tokens "
                f"sent, {usage.prompt_tokens_cached_by_server:,} reused by the server, "
                f"{usage.prompt_tokens_processed:,} processed ({time.perf_counter() - started:.0f} s, "
                f"load {load_now()})"
            )

        # The naive layout: the same requests, task first; only their prompts are measured.
        base_url = start_engine(llm)
        client = openai.OpenAI(base_url=base_url, api_key="embedded", timeout=settings.timeout)
        print(f"naive layout, fresh engine at {base_url}")
        for document in documents:
            requests = sent_by_document[document.source]
            started = time.perf_counter()
            sent = processed = 0
            for label, messages in requests:
                response = client.chat.completions.create(
                    model=llm.model,
                    messages=naive_layout(messages),  # type: ignore[arg-type]
                    max_tokens=1,
                    temperature=0.0,
                    seed=42,
                )
                assert response.usage is not None
                details = response.usage.prompt_tokens_details
                cached = (details.cached_tokens or 0) if details else 0
                tokens = response.usage.prompt_tokens
                print(f"    call {label}: {tokens:,} prompt tokens ({cached:,} reused by the server)")
                if "(repair)" in label:
                    naive_repairs.append(tokens - cached)
                sent += tokens
                processed += tokens - cached
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
        without = (total_ours - sum(repairs)) / (total_naive - sum(naive_repairs))
        print(
            f"of which {len(repairs)} repair call(s): {sum(repairs):,} tokens here, {sum(naive_repairs):,} in the "
            f"naive layout; without repairs on either side the ratio would be {without:.2f}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
