"""A brief with the seeds' glossary (inputs/glossary.csv), replaying exchanges recorded from
the embedded engine: glossary terms the model left as the source writes them are set by code
and said so; every term comes out as the glossary says, or is flagged."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from conftest import INPUTS, SHORT_SEED, seed

from summarise.cli import main
from summarise.config.glossary import load_glossary


def plain(text: str) -> str:
    """Case, accents and punctuation set aside ("U. S." is "U.S."): an independent, cruder
    reading than the glossary's (no plurals)."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " " + " ".join(re.findall(r"\w+", letters)) + " "


def test_brief_with_the_seeds_glossary_keeps_the_terms_and_flags_the_rest(cassette, runner) -> None:
    glossary = load_glossary(INPUTS / "glossary.csv")
    result = runner.invoke(main, ["brief", str(seed(SHORT_SEED)), "-o", "brief.md", "--json", "--glossary",
                                  str(INPUTS / "glossary.csv")])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(Path("brief.json").read_text(encoding="utf-8"))
    markdown = Path("brief.md").read_text(encoding="utf-8")
    # Requests carried the entries of the lines they were about, and never an entry the
    # document does not use.
    bodies = [json.loads(request.body) for request in cassette.requests]
    carried = "\n".join(plain(m["content"]) for body in bodies for m in body["messages"])
    assert bodies and plain("Coalition mondiale contre Daech → Global Coalition to Defeat Daesh/ISIS") in carried
    assert "pnud" not in carried and "forces democratiques" not in carried
    # 0 unflagged misses: each line whose source has a term either has the target term in
    # its translation or is flagged; so is each fact and summary sentence that kept a
    # source term the glossary renders otherwise.
    checked = kept = 0
    for line in data["lines"]:
        for entry in glossary.entries:
            if plain(entry.source) in plain(line["source"]):
                checked += 1
                written = plain(entry.target) in plain(line["translation"])
                kept += written
                assert written or any(entry.source in p for p in line["problems"]), (line, entry)
            # Never put where the source lacks it (two source forms may share one target).
            elif not any(plain(other.source) in plain(line["source"]) or plain(other.target) in plain(line["source"])
                         for other in glossary.entries if other.target == entry.target):  # fmt: skip
                assert not any(f"→ “{entry.target}”" in note for note in line["notes"]), (line, entry)
    # The model kept 4 of them as the glossary says (issue 36); code set the rest, and said so.
    assert checked >= 8 and kept >= 0.95 * checked, (kept, checked)
    assert sum(len(line["notes"]) for line in data["lines"]) >= 4
    assert "term set by the glossary: “Daech” → “Daesh”" in markdown
    statements = [(f["statement"], f["problems"]) for f in data["facts"]]
    statements += [(s["text"], s["problems"]) for s in data["summary_sentences"]]
    for text, problems in statements:
        for entry in glossary.entries:
            if plain(entry.source) in plain(text) and plain(entry.target) not in plain(text):
                assert any("glossary" in p for p in problems), (text, entry)
    assert "**Glossary terms as the glossary writes them:**" in markdown
