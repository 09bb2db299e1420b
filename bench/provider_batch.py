"""Direct calls versus rounds of Batch API jobs, for a folder of 20 documents: rounds, calls, cost.

    python bench/provider_batch.py [--documents 20] [--price-prompt 0.15] [--price-completion 0.60]
                                   [--chunk-tokens N]

Computed, not paid for: every document is read and chunked as `summarise batch` would
for a remote endpoint (context 16,384), and pipeline.planned_calls lists the calls
build_brief makes. A call that waits on another answer (the reduce step of a
multi-chunk document, a repair) goes out in round 2; everything else in round 1.
Prices are USD per million tokens (defaults: gpt-4o-mini's list price when written;
SUMMARISE_PRICE_PROMPT / _COMPLETION win over them); the Batch API charges 50% of them.
Prompt tokens are cl100k estimates; completion tokens are the calls' max_tokens, so the
costs are ceilings. "Expected" leaves the repairs out (they are asked only when an
answer falls short; 0 to 1 per document on the bundled 1.5B model, fewer on stronger ones).

Then the same folder is really run both ways, with no model: directly against
FaultInjectionStub, and `--via openai-batch` against BatchAPIStandIn (the tests' stand-in
for the Batch API) giving the stub's mechanical answers, to count the jobs and the
requests each way and compare the briefs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from _common import ROOT, SEEDS, machine, workdir

from summarise.batch.discover import discover
from summarise.batch.provider_rounds import BATCH_DISCOUNT
from summarise.batch.runner import load
from summarise.config import Settings
from summarise.model.llm import open_llm
from summarise.pipeline import plan, planned_calls
from summarise.tasks.prompts import Prompts


def folder_of(folder: Path, count: int) -> None:
    """`count` distinct documents from the seeds' paragraphs: short notes, every fifth a long report.

    Each paragraph is numbered after its document, so no two documents (or chunks) share a
    request: the cache would otherwise answer repeats, on both sides alike.
    """
    paragraphs = [p.strip() for seed in SEEDS for p in seed.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    folder.mkdir(parents=True)
    for index in range(count):
        size = 4 * len(paragraphs) if index % 5 == 4 else 3 + index % 4  # a report: several chunks
        picked = [paragraphs[(index + k) % len(paragraphs)] for k in range(size)]
        text = "\n\n".join(f"({index + 1}.{k + 1}) {paragraph}" for k, paragraph in enumerate(picked))
        (folder / f"doc-{index + 1:02d}.txt").write_text(f"Note {index + 1}.\n\n{text}\n", encoding="utf-8")


def price(name: str, default: float) -> float:
    raw = os.environ.get(f"SUMMARISE_PRICE_{name.upper()}", "").strip()
    return float(raw) if raw else default


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--price-prompt", type=float, default=price("prompt", 0.15))
    parser.add_argument("--price-completion", type=float, default=price("completion", 0.60))
    parser.add_argument("--chunk-tokens", type=int, default=None)
    args = parser.parse_args()
    settings = Settings(model="gpt-4o-mini", api_key="not-used-nothing-is-sent", chunk_tokens=args.chunk_tokens)
    llm = open_llm(settings, cache=False)
    prompts, options = Prompts(None), settings.brief_options()
    rows = {"round 1": [0, 0, 0], "round 2 (reduce)": [0, 0, 0], "round 2 (repairs, max)": [0, 0, 0]}
    chunks = 0
    with workdir("provider-batch") as work:
        folder_of(work / "in", args.documents)
        for item in discover(work / "in", work / "out", ("*.txt",), (), True):
            fitted, planned = plan(load(item, settings.max_input_bytes), llm, prompts, options)
            chunks += len(planned)
            for call in planned_calls(fitted, planned, prompts, options):
                row = "round 2 (repairs, max)" if call.repair else "round 2 (reduce)" if call.chunk == 0 else "round 1"
                rows[row] = [rows[row][0] + 1, rows[row][1] + call.prompt_tokens, rows[row][2] + call.max_tokens]

    def cost(prompt: int, completion: int) -> float:
        return (prompt * args.price_prompt + completion * args.price_completion) / 1e6

    print(machine())
    prices = f"{args.price_prompt} / {args.price_completion} USD per million tokens"
    print(f"{args.documents} documents, {chunks} chunks; prices (prompt / completion) {prices}")
    print(f"{'':<24}{'calls':>7}{'prompt tok':>12}{'max compl':>11}{'direct USD':>12}{'batch USD':>11}")
    for name, (calls, prompt, completion) in rows.items():
        direct = cost(prompt, completion)
        print(f"{name:<24}{calls:>7}{prompt:>12,}{completion:>11,}{direct:>12.4f}{direct * BATCH_DISCOUNT:>11.4f}")
    expected = [sum(values) for values in zip(rows["round 1"], rows["round 2 (reduce)"], strict=True)]
    ceiling = [a + b for a, b in zip(expected, rows["round 2 (repairs, max)"], strict=True)]
    for name, (calls, prompt, completion) in (("expected (no repairs)", expected), ("ceiling (every repair)", ceiling)):
        direct = cost(prompt, completion)
        ratio = (direct * BATCH_DISCOUNT) / direct if direct else 0
        print(f"{name:<24}{calls:>7}{prompt:>12,}{completion:>11,}{direct:>12.4f}{direct * BATCH_DISCOUNT:>11.4f}"
              f"   batch/direct {ratio:.2f}")  # fmt: skip
    rounds = 1 + bool(rows["round 2 (reduce)"][0] or rows["round 2 (repairs, max)"][0])
    print(f"planned: direct {expected[0]} calls as the pipeline goes; batch {rounds} round(s), the same calls")
    return measured(args.documents, args.chunk_tokens)


def strip_run_details(markdown: str) -> str:
    """Minus when it was made, what it cost, and the endpoint's address (two stubs, two ports)."""
    markdown = re.sub(r"^(created|endpoint|brief_key): .*$", "", markdown, flags=re.MULTILINE)
    return re.sub(r"^usage:\n(  .*\n)+", "", markdown, flags=re.MULTILINE)


def measured(documents: int, chunk_tokens: int | None) -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    from click.testing import CliRunner
    from provider_stub import BatchAPIStandIn
    from stub_server import FaultInjectionStub, Reply

    from summarise.cli import main as cli

    def mechanical(body: dict[str, Any]) -> dict[str, Any]:
        return dict(json.loads(FaultInjectionStub._payload(Reply(), body)))

    saved = dict(os.environ)
    extra = ["--chunk-tokens", str(chunk_tokens)] if chunk_tokens else []
    try:
        with workdir("provider-batch-run") as work:
            folder_of(work / "in", documents)
            for name in [n for n in os.environ if n.startswith(("OPENAI_", "SUMMARISE_"))]:
                del os.environ[name]
            os.environ |= {"SUMMARISE_MODEL": "gpt-4o-mini", "SUMMARISE_BATCH_POLL": "0.01"}
            stub, stand_in = FaultInjectionStub(), BatchAPIStandIn(mechanical)
            with stub.running(), stand_in.running():
                os.environ |= {"OPENAI_BASE_URL": stub.url, "SUMMARISE_CACHE_DIR": str(work / "cache-direct")}
                direct = CliRunner().invoke(cli, ["batch", str(work / "in"), "-o", str(work / "direct"), "-q", *extra])
                os.environ |= {"OPENAI_BASE_URL": stand_in.url, "OPENAI_API_KEY": "sk-bench-not-sent-anywhere"}
                os.environ["SUMMARISE_CACHE_DIR"] = str(work / "cache-batch")
                command = ["batch", str(work / "in"), "-o", str(work / "batch"), "--via", "openai-batch", *extra]
                batch = CliRunner().invoke(cli, command)
            same = sum(
                strip_run_details(path.read_text(encoding="utf-8"))
                == strip_run_details((work / "batch" / path.relative_to(work / "direct")).read_text(encoding="utf-8"))
                for path in (work / "direct").glob("doc-*.md")
            )
    finally:
        os.environ.clear()
        os.environ.update(saved)
    sizes = [len(stand_in.files[b["input_file_id"]].splitlines()) for b in stand_in.batches.values()]
    print(f"run, mechanical answers: direct {len(stub.requests)} requests (exit {direct.exit_code}); "
          f"batch {len(stand_in.created)} job(s) of {' + '.join(map(str, sizes))} = {len(stand_in.lines_run)} requests "
          f"(exit {batch.exit_code}); briefs identical {same}/{documents}")  # fmt: skip
    return 0 if direct.exit_code == batch.exit_code == 0 and same == documents else 1


if __name__ == "__main__":
    sys.exit(main())
