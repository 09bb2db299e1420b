"""A brief with a 100,000-entry glossary, against the same brief with none: the time code adds.

    python bench/glossary_scale.py [--entries 100000] [--repeat 3] [documents...]

Both seeds by default. The requests go to FaultInjectionStub (tests/stub_server.py), which
answers at once, in a fresh cache each time: what is timed is summarise's own work (reading
the glossary file included, as `--glossary` does), not a model's. With the glossary, two
figures: the first brief with the file (read, checked and packed into an empty cache folder),
and a later one (the packed file read from the cache folder, config/glossary_cache.py). The glossary holds the
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
    glossary = load_glossary(glossary_file, cache) if glossary_file else None
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
    entries = f"{args.entries:,} entries"
    print(f"{'document':38} {'no glossary':>11} {entries + ', first':>25} {entries + ', later':>25}")
    with FaultInjectionStub().running() as stub, tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        glossary_file = write_glossary(folder, args.entries)
        brief_seconds(args.documents[0], None, stub.url, folder)  # imports and word lists, once
        load_glossary(glossary_file, folder)  # packed into `folder`: what later briefs read
        for document in args.documents:
            without = statistics.median(brief_seconds(document, None, stub.url, folder) for _ in range(args.repeat))
            first = statistics.median(
                brief_seconds(document, glossary_file, stub.url, Path(tempfile.mkdtemp(dir=folder)))
                for _ in range(args.repeat)
            )
            later = statistics.median(
                brief_seconds(document, glossary_file, stub.url, folder) for _ in range(args.repeat)
            )
            print(f"{document.name:38} {without:>9.2f} s {shown(first, without):>25} {shown(later, without):>25}")


def shown(seconds: float, without: float) -> str:
    """'0.27 s 1.70x (NOT within)': the figure, its ratio to the brief without a glossary, the goal."""
    verdict = "within" if seconds <= 1.5 * without else "NOT within"
    return f"{seconds:.2f} s {seconds / without:.2f}x ({verdict})"


if __name__ == "__main__":
    main()
