"""A translation that slid (the model skipped a line and kept counting) is found, asked again
with each line's own text, and flagged on its line when it stays wrong; a lone closing quote
is not a line of its own (the usual cause).

Requests go to FaultInjectionStub (tests/stub_server.py), given the slid answers a small
model writes."""

from __future__ import annotations

import json
from pathlib import Path

from summarise.cli import main
from summarise.documents import segment, split_sentences
from summarise.grounding.alignment import slid_lines

SOURCE = [
    "Le gouvernement norvégien a annoncé mardi un plan de 400 millions de couronnes pour les ports du nord.",
    "Les pêcheurs de Tromsø demandaient depuis 2019 une nouvelle digue.",
    "La ministre Kari Nordahl visitera Hammerfest le 12 mars avec les maires de la région.",
    "Les travaux, confiés à l’entreprise Veidekke, devraient commencer en septembre 2025.",
]
ENGLISH = [
    "The Norwegian government announced on Tuesday a plan of 400 million crowns for the northern ports.",
    "The fishermen of Tromsø had been asking for a new dike since 2019.",
    "Minister Kari Nordahl will visit Hammerfest on 12 March with the mayors of the region.",
    "The work, entrusted to the company Veidekke, should begin in September 2025.",
]


def numbered(lines: list[str], first: int = 1) -> str:
    return "\n".join(f"[{n}] {text}" for n, text in enumerate(lines, start=first))


def test_a_translation_that_slid_a_line_is_found_and_one_on_its_line_is_not() -> None:
    sources = dict(enumerate(SOURCE, start=1))
    assert slid_lines(sources, dict(enumerate(ENGLISH, start=1))) == {}
    # Line 2 skipped: [2] holds line 3's translation, [3] line 4's, [4] line 4's again.
    slid = dict(enumerate([ENGLISH[0], ENGLISH[2], ENGLISH[3], ENGLISH[3]], start=1))
    assert slid_lines(sources, slid) == {2: 3, 3: 4}


MORE = [
    "Selon l’office statistique, le trafic du port de Bodø a baissé de 7 % en un an.",
    "Les syndicats saluent une décision « attendue depuis trop longtemps ».",
    "Un débat aura lieu au Storting avant l’été.",
    "L’opposition réclame un audit indépendant des coûts.",
]
MORE_ENGLISH = [
    "According to the statistics office, traffic at the port of Bodø fell by 7% in a year.",
    "The unions welcome a decision “awaited for too long”.",
    "A debate will take place in the Storting before the summer.",
    "The opposition is calling for an independent audit of the costs.",
]


def test_short_lines_are_not_judged_as_slid() -> None:
    # As characters, "No." and "Thank you very much." resemble any short line as much as their own.
    dialogue = ["« Oui.", "Non.", "Merci beaucoup.", "Peut-être demain.", "Bonjour à tous.", "Au revoir. »"]
    english = ['"Yes.', "No.", "Thank you very much.", "Maybe tomorrow.", "Hello everyone.", 'Goodbye."']
    assert slid_lines(dict(enumerate(dialogue, start=1)), dict(enumerate(english, start=1))) == {}


def test_a_line_that_repeats_a_far_line_s_translation_is_found() -> None:
    sources = dict(enumerate(SOURCE + MORE, start=1))
    english = ENGLISH + MORE_ENGLISH
    assert slid_lines(sources, dict(enumerate(english, start=1))) == {}
    # Line 8 holds line 1's translation again: too far for a neighbour, found as a repeat.
    repeated = dict(enumerate([*english[:7], english[0]], start=1))
    assert slid_lines(sources, repeated) == {8: 1}


def test_a_closing_quote_after_a_no_break_space_stays_on_its_sentence() -> None:
    # pysbd splits "relation. »" (French typography: a no-break space before ») after the
    # full stop; on a line of its own, "»" got the next line's translation.
    assert segment("« Nous avons maintenant une excellente relation.\u00a0»", "fr") == [
        "« Nous avons maintenant une excellente relation.\u00a0»"
    ]
    text = "Il a dit\u00a0: «\u00a0Non.\u00a0»\n\nLa séance est levée."
    assert [s.text for s in split_sentences(text, "fr")] == [
        "Il a dit\u00a0: «\u00a0Non.\u00a0»",
        "La séance est levée.",
    ]


REPAIRS = {"translate again", "translate slid", "translate numbers"}  # the translation's repairs


def brief(runner) -> tuple[str, dict]:
    Path("doc.txt").write_text("\n\n".join(SOURCE), encoding="utf-8")
    result = runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md", "--json"])
    assert result.exit_code == 0, result.output
    return Path("doc.md").read_text(encoding="utf-8"), json.loads(Path("doc.json").read_text(encoding="utf-8"))


def test_slid_lines_are_asked_again_with_their_own_text(runner, step_endpoint) -> None:
    slid = numbered([ENGLISH[0], ENGLISH[2], ENGLISH[3], ENGLISH[3]])
    stub = step_endpoint.enqueue("translate", slid).enqueue("translate slid", numbered(ENGLISH[1:3], 2))
    markdown, data = brief(runner)
    repair = [r.messages[-1]["content"] for r in stub.requests if r.step in REPAIRS]
    assert len(repair) == 1 and "[2] to [3]" in repair[0]
    assert "[2] said what [3] says" in repair[0] and f"[2] {SOURCE[1]}" in repair[0] and f"[3] {SOURCE[2]}" in repair[0]
    assert [line["translation"] for line in data["lines"]] == ENGLISH
    assert "✅ **Every line translated in its place:**" in markdown


def test_a_line_still_slid_after_the_repair_is_flagged_on_its_line(runner, step_endpoint) -> None:
    slid = numbered([ENGLISH[0], ENGLISH[2], ENGLISH[3], ENGLISH[3]])
    # The model slides again when asked, and once more when asked about the numbers.
    step_endpoint.enqueue("translate", slid).enqueue("translate slid", slid).enqueue("translate numbers", slid)
    markdown, data = brief(runner)
    assert "⚠️ **Every line translated in its place:** line 2: its translation reads like line 3's" in markdown
    assert "its translation reads like line 3's" in data["lines"][1]["problems"]
    # Facts are not placed by a translation that says another line: line 2 is not evidence
    # for what line 3 says.
    assert all(fact["sentence"] != 2 or "Nordahl" not in fact["statement"] for fact in data["facts"])
