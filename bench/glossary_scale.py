"""A brief with a 100,000-entry glossary, against the same brief with none: the time code adds.

    python bench/glossary_scale.py [--entries 100000] [--repeat 3] [documents...]

Both seeds by default. The requests go to FaultInjectionStub (tests/stub_server.py), which
answers at once, in a fresh cache each time: what is timed is summarise's own work (reading
the glossary file included, as `--glossary` does), not a model's. The glossary holds the
entries of inputs/glossary.csv and filler entries of one to four words, in the source language,
none of which the documents use. Goal (issue 36): with the glossary <= 1.5x without.
Medians of --repeat runs of CPU time (wall time on a busy machine says more about the
neighbours), figures and ratio side by side; machine load is printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, SEEDS, machine

sys.path.insert(0, str(ROOT / "tests"))
from stub_server import FaultInjectionStub

from summarise.config import Settings
from summarise.config.glossary import load_glossary
from summarise.model.llm import open_llm
from summarise.pipeline import build_brief
from summarise.readers import load_document
from summarise.tasks.prompts import Prompts

WORDS = ("conseil", "régional", "programme", "fonds", "agence", "nationale", "comité", "mission", "bureau")


def write_glossary(folder: Path, entries: int) -> Path:
    """inputs/glossary.csv, then `entries` made-up terms none of the seeds holds."""
    lines = (ROOT / "inputs" / "glossary.csv").read_text(encoding="utf-8").splitlines()
    for n in range(entries):
        words = [WORDS[(n >> (3 * k)) % len(WORDS)] for k in range(1 + n % 4)]
        lines.append(f"Xq{n} {' '.join(words)},Term number {n}")
    path = folder / "glossary.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def brief_seconds(document: Path, glossary_file: Path | None, url: str, cache: Path) -> float:
    """CPU seconds of this process (the stub's thread included, the same with and without a
    glossary): on a busy machine wall time measures the neighbours more than summarise."""
    started = time.process_time()
    settings = Settings(base_url=url, model="stub-model", use_cache=False, cache_dir=cache)
    glossary = load_glossary(glossary_file) if glossary_file else None
    options = settings.with_changes(glossary=glossary).brief_options()
    build_brief(load_document(document, 10**7), open_llm(settings, cache=False), Prompts(), options)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("documents", nargs="*", type=Path, default=list(SEEDS))
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    print(f"{'document':42} {'no glossary':>12} {f'{args.entries:,} entries':>16} {'ratio':>6}")
    with FaultInjectionStub().running() as stub, tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        glossary_file = write_glossary(folder, args.entries)
        brief_seconds(args.documents[0], None, stub.url, folder)  # imports and word lists, once
        for document in args.documents:
            without = statistics.median(brief_seconds(document, None, stub.url, folder) for _ in range(args.repeat))
            with_it = statistics.median(
                brief_seconds(document, glossary_file, stub.url, folder) for _ in range(args.repeat)
            )
            verdict = "within" if with_it <= 1.5 * without else "NOT within"
            print(
                f"{document.name:42} {without:>10.2f} s {with_it:>14.2f} s {with_it / without:>5.2f}x ({verdict} 1.5x)"
            )


if __name__ == "__main__":
    main()
