"""Glossary terms as the glossary writes them, in briefs already made: as the model wrote
them, and once code has set the terms (summarise/grounding/glossary_terms.py).

    python bench/glossary_kept.py [briefs.json ...] [--glossary inputs/glossary.csv]

Reads brief JSON files (by default outputs/*.json, the seeds' briefs made by the bundled
model with inputs/glossary.csv) and counts, in the translation, the summary and the facts:
- occurrences: each occurrence of a source term in a line (the translation must say it as
  many times); each glossary term a fact or summary sentence names, in any form (the target
  term, the source term kept, another form of it, as glossary_checks reads them);
- kept: those written as the glossary says; flagged: those the checks still flag;
- inserted: target terms code wrote on a line, fact or sentence whose source (its line, its
  evidence, the lines it cites) does not hold the source term. Goal (issue 36): >= 95% kept,
  the rest flagged, 0 inserted. No model is asked anything: the answers are the briefs'.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from _common import ROOT

from summarise.config.glossary import Glossary, load_glossary
from summarise.config.term_index import Entry, find_terms
from summarise.grounding.glossary_checks import line_misses, target_matches, text_misses
from summarise.grounding.glossary_terms import set_terms
from summarise.render.json import brief_from_record


@dataclass
class Tally:
    occurrences: int = 0
    kept: int = 0
    flagged: int = 0
    inserted: int = 0

    def add(self, occurrences: int, kept: int, flagged: int, inserted: int = 0) -> None:
        self.occurrences += occurrences
        self.kept += kept
        self.flagged += flagged
        self.inserted += inserted

    def __str__(self) -> str:
        share = self.kept / self.occurrences if self.occurrences else 1.0
        kept = f"{self.kept:>3}/{self.occurrences:<3} kept ({share:6.1%})"
        return f"{kept}, {self.flagged:>2} flagged, {self.inserted} inserted"


def line_tally(glossary: Glossary, source: str, translation: str, tally: Tally) -> None:
    found = glossary.find(source)
    wanted = len(found)
    written = target_matches(translation, {m.entry for m in found})
    kept = min(wanted, len(written))
    tally.add(wanted, kept, len(line_misses(glossary, source, translation)))


def nested(glossary: Glossary, source: str, text: str) -> set[Entry]:
    """Terms `text` names (as the source or the glossary writes them) that `source` holds inside
    a longer term ("Daech" in "Coalition mondiale contre Daech"): the source has them too."""
    named = {m.entry for m in glossary.find(text)} | {m.entry for m in glossary.find_targets(text)}
    return {entry for entry in named if find_terms(source, [entry], "source")}


def statement_tally(glossary: Glossary, about: str, text: str, tally: Tally) -> None:
    relevant = {m.entry for m in glossary.find(about)} | nested(glossary, about, text)
    kept = len(target_matches(text, relevant))
    misses = len(text_misses(glossary, text, about))
    tally.add(kept + misses, kept, misses)


def inserted(glossary: Glossary, source: str, before: str, after: str) -> int:
    """Target terms that are in `after` and not in `before` although `source` lacks their source term."""
    held = {m.entry.target_keys for m in glossary.find(source)}
    held |= {entry.target_keys for entry in nested(glossary, source, after)}

    def unheld(text: str) -> int:  # all targets at once: "Daesh" inside "…Daesh/ISIS" is the longer term's
        return sum(m.entry.target_keys not in held for m in glossary.find_targets(text))

    return max(0, unheld(after) - unheld(before))


def measure(path: Path, glossary: Glossary) -> tuple[Tally, Tally]:
    brief = brief_from_record(json.loads(path.read_text(encoding="utf-8")))
    glossary = glossary.for_languages(brief.source_language, brief.target_language)
    sources = {line.number: line.source for line in brief.lines}
    whole = "\n".join(sources.values())
    before, after = Tally(), Tally()
    for line in brief.lines:
        line_tally(glossary, line.source, line.translation, before)
        fixed = set_terms(glossary, line.source, line.translation).text if line.translated else line.translation
        line_tally(glossary, line.source, fixed, after)
        after.inserted += inserted(glossary, line.source, line.translation, fixed)
    statements = [(fact.evidence, fact.statement) for fact in brief.facts]
    statements += [("\n".join(sources.get(n, "") for n in s.lines) or whole, s.text) for s in brief.summary_sentences]
    for about, text in statements:
        statement_tally(glossary, about, text, before)
        fixed = set_terms(glossary, about, text).text
        statement_tally(glossary, about, fixed, after)
        after.inserted += inserted(glossary, about, text, fixed)
    return before, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("briefs", nargs="*", type=Path, default=sorted((ROOT / "outputs").glob("[!.]*.json")))
    parser.add_argument("--glossary", type=Path, default=ROOT / "inputs" / "glossary.csv")
    args = parser.parse_args()
    glossary = load_glossary(args.glossary)
    total_before, total_after = Tally(), Tally()
    for path in args.briefs:
        before, after = measure(path, glossary)
        print(f"{path.name}\n  as the model wrote it: {before}\n  terms set by code:     {after}")
        total_before.add(before.occurrences, before.kept, before.flagged, before.inserted)
        total_after.add(after.occurrences, after.kept, after.flagged, after.inserted)
    print(f"all\n  as the model wrote it: {total_before}\n  terms set by code:     {total_after}")


if __name__ == "__main__":
    main()
