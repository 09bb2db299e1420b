"""Prompt tokens of a brief with a 5,000-entry glossary, against the same brief with only
the entries it uses.

    python bench/glossary_tokens.py [documents...]

Each request carries only the entries whose source term occurs in its lines, so the two
should be equal. The requests go to FaultInjectionStub (tests/stub_server.py), whose
mechanical answers cost nothing: this measures what summarise sends, not what a model
does. Tokens are counted with cl100k over every message of every request. Both seeds and
inputs/glossary.csv by default. Goal: within 5%.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import ROOT, SEEDS

sys.path.insert(0, str(ROOT / "tests"))
from stub_server import FaultInjectionStub

from summarise.chunking import count_tokens
from summarise.config import Settings
from summarise.config.glossary import Glossary, load_glossary
from summarise.model.llm import open_llm
from summarise.pipeline import build_brief
from summarise.readers import load_document
from summarise.tasks.prompts import Prompts

UNUSED = 5000


def prompt_tokens(document: Path, glossary: Glossary) -> tuple[int, int]:
    """(requests, prompt tokens) of one brief, sent to a fresh stub with no cache."""
    with FaultInjectionStub().running() as stub, tempfile.TemporaryDirectory() as cache:
        settings = Settings(base_url=stub.url, model="stub-model", use_cache=False, cache_dir=Path(cache))
        llm = open_llm(settings, cache=False)
        options = settings.with_changes(glossary=glossary).brief_options()
        build_brief(load_document(document, 10**7), llm, Prompts(), options)
        tokens = sum(count_tokens(str(m["content"])) for r in stub.requests for m in r.body["messages"])
        return len(stub.requests), tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("documents", nargs="*", type=Path, default=list(SEEDS))
    parser.add_argument("--glossary", type=Path, default=ROOT / "inputs" / "glossary.csv")
    args = parser.parse_args()
    base = load_glossary(args.glossary)
    filler = tuple(
        type(base.entries[0])(f"Terme inutilisé numéro {n}", f"Unused term number {n}") for n in range(UNUSED)
    )
    big = Glossary("5000", base.entries + filler)
    print(f"{'document':45} {'entries':>8} {'requests':>8} {'prompt tokens':>13}")
    for document in args.documents:
        text = document.read_text(encoding="utf-8")
        used = Glossary("used", base.select(text))
        results = {}
        for name, glossary in ((f"{len(big.entries):,}", big), (f"{len(used.entries)} used", used)):
            results[name] = prompt_tokens(document, glossary)
            print(f"{document.name:45} {name:>8} {results[name][0]:>8} {results[name][1]:>13,}")
        (_, large), (_, small) = results.values()
        print(f"{'':45} ratio {large / small:.3f} ({'within' if large <= small * 1.05 else 'NOT within'} 5%)")


if __name__ == "__main__":
    main()
