"""--glossary: house terms read and checked before any call, carried only where a chunk uses
them, and every miss flagged on its line, fact or summary sentence.

Requests go to FaultInjectionStub (tests/stub_server.py), whose answers are mechanical: it
keeps capitalised words and numbers and replaces the rest, so it ignores any glossary,
which is exactly the model these tests need."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_model import FakeModel
from stub_server import Reply, step_of

from summarise.cli import main
from summarise.config import BriefOptions
from summarise.config.glossary import Entry, Glossary, load_glossary
from summarise.grounding.glossary_checks import line_misses, text_misses
from summarise.grounding.name_forms import name_forms_check
from summarise.model.endpoint import Endpoint
from summarise.model.llm import LLM
from summarise.pipeline import build_brief
from summarise.readers.text import parse_document
from summarise.tasks.prompts import Prompts

FRENCH = (
    "Le PNUD finance la stabilisation en Irak depuis 2015.\n\n"
    "Les représentants de l'ONU se sont réunis à Genève le 3 mars 2024."
)
GLOSSARY = "source,target\nPNUD,UNDP\nONU,UN\nBanque mondiale,World Bank\n"


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.write_text(text, encoding="utf-8")
    return path


def brief(runner, *args: str) -> tuple[str, dict]:
    result = runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md", "--json", *args])
    assert result.exit_code == 0, result.output
    return Path("doc.md").read_text(encoding="utf-8"), json.loads(Path("doc.json").read_text(encoding="utf-8"))


def test_a_glossary_the_model_ignores_is_flagged_where_it_is_missed(runner, fault_stub) -> None:
    summary = "The PNUD funds stabilisation in Iraq [1]. The UN met in Geneva [2]. They met on 3 March 2024 [2]."
    facts = json.dumps({"facts": ["[1] The PNUD has funded stabilisation in Iraq since 2015."]})
    stub = fault_stub([Reply(content=summary, task="summary"), Reply(content=facts, task="facts")])
    write("doc.txt", FRENCH)
    write("terms.csv", GLOSSARY)
    markdown, data = brief(runner, "--glossary", "terms.csv")
    # The translation kept "PNUD" and "ONU": each line says so, and so do the Checks.
    assert data["lines"][0]["problems"] == ["glossary: “PNUD” not written “UNDP”"]
    assert data["lines"][1]["problems"] == ["glossary: “ONU” not written “UN”"]
    assert "**Glossary terms as the glossary writes them:** 4 flagged: line 1: “PNUD” not written “UNDP” ·" in markdown
    # The fact and the summary sentence that kept "PNUD" are flagged; the one that wrote "UN" is not.
    assert "glossary: “PNUD” is not “UNDP”" in data["facts"][0]["problems"] and not data["facts"][0]["supported"]
    sentences = data["summary_sentences"]
    assert sentences[0]["problems"] == ["glossary: “PNUD” is not “UNDP”"] and sentences[1]["problems"] == []
    # Every request about line 1 carried its entry, none carried the unused one, and the
    # repair call asked again for both lines, naming the terms.
    first = stub.requests[0].task
    assert "- PNUD → UNDP" in first and "- ONU → UN" in first
    assert all("Banque mondiale" not in request.task for request in stub.requests)
    repair = next(r.task for r in stub.requests if step_of(r.body) == "translation repair")
    assert "[1] to [2]" in repair and "“PNUD” as “UNDP”, “ONU” as “UN”" in repair


def test_the_repair_call_fixes_a_missed_term_where_it_can(tmp_path: Path) -> None:
    kept = (
        "[1] PNUD has funded stabilization in Iraq since 2015.\n"
        "[2] Representatives of the ONU met in Geneva on 3 March 2024."
    )
    fixed = (
        "[1] UNDP has funded stabilization in Iraq since 2015.\n"
        "[2] Representatives of the UN met in Geneva on 3 March 2024."
    )
    model = FakeModel().enqueue("translate", kept).enqueue("translate again", fixed)
    model.enqueue("summary", "UNDP funds Iraq [1]. The UN met [2]. It met in Geneva [2].")
    model.enqueue("facts", json.dumps({"facts": ["[1] UNDP has funded stabilization in Iraq since 2015."]}))
    glossary = load_glossary(write(str(tmp_path / "terms.csv"), GLOSSARY))
    endpoint = Endpoint("fake", "fake", "fake", "not-needed")
    brief = build_brief(
        parse_document(FRENCH.encode(), "doc.txt"),
        LLM(endpoint, context_tokens=8192),
        Prompts(),
        BriefOptions(glossary=glossary),
        model=model,
    )
    assert model.steps() == ["translate", "translate again", "summary", "facts"]  # the first answer, then the repair
    assert "“PNUD” as “UNDP”, “ONU” as “UN”" in model.asked[1].messages[-1]["content"]
    assert [line.translation for line in brief.lines] == fixed.replace("[1] ", "").split("\n[2] ")
    assert all(not line.problems for line in brief.lines), [line.problems for line in brief.lines]


def test_a_translation_that_follows_the_glossary_passes(runner, fault_stub) -> None:
    fault_stub()
    # The stub keeps capitalised words: a source already written with the glossary's terms
    # comes back with them, so nothing is flagged and nothing is asked again.
    write("doc.txt", FRENCH.replace("PNUD", "UNDP").replace("l'ONU", "l'UN"))
    write("terms.csv", "UNDP,UNDP\nUN,UN\n")
    markdown, data = brief(runner, "--glossary", "terms.csv")
    assert "✅ **Glossary terms as the glossary writes them:** 2 occurrences of glossary terms checked" in markdown
    assert all(not line["problems"] for line in data["lines"]), [line["problems"] for line in data["lines"]]


def test_a_glossary_whose_terms_a_chunk_lacks_changes_no_request(runner, fault_stub) -> None:
    stub = fault_stub()
    write("doc.txt", FRENCH)
    write("terms.csv", "Banque mondiale,World Bank\nOTAN,NATO\n")
    brief(runner, "--no-cache")
    without = [request.body for request in stub.requests]
    stub.requests.clear()
    brief(runner, "--no-cache", "--glossary", "terms.csv")
    assert [request.body for request in stub.requests] == without


def test_editing_an_entry_the_document_does_not_use_asks_nothing_again(runner, fault_stub) -> None:
    fault_stub()
    write("doc.txt", FRENCH)
    write("terms.csv", GLOSSARY)
    _, first = brief(runner, "--glossary", "terms.csv")
    write("terms.csv", GLOSSARY.replace("World Bank", "The World Bank Group") + "OTAN,NATO\n")
    _, second = brief(runner, "--glossary", "terms.csv")
    assert second["usage"]["llm_calls"] == 0 and second["brief_key"] == first["brief_key"]
    write("terms.csv", GLOSSARY.replace("UNDP", "United Nations Development Programme"))
    _, third = brief(runner, "--glossary", "terms.csv")
    assert third["usage"]["llm_calls"] > 0 and third["brief_key"] != first["brief_key"]


def test_5000_entries_send_the_requests_of_the_entries_used(runner, fault_stub) -> None:
    stub = fault_stub()
    write("doc.txt", FRENCH)
    unused = "".join(f"Terme inutilisé numéro {n},Unused term number {n}\n" for n in range(4998))
    write("big.csv", "PNUD,UNDP\n" + unused + "ONU,UN\n")
    write("used.csv", "PNUD,UNDP\nONU,UN\n")
    brief(runner, "--no-cache", "--glossary", "big.csv")
    big = [request.body for request in stub.requests]
    stub.requests.clear()
    brief(runner, "--no-cache", "--glossary", "used.csv")
    assert [request.body for request in stub.requests] == big  # the same prompt tokens, not within 5%: equal


def test_batch_applies_one_glossary_to_a_folder(runner, fault_stub) -> None:
    fault_stub()
    Path("docs").mkdir()
    write("docs/a.txt", FRENCH)
    write("docs/b.txt", "Le PNUD a publié son rapport annuel le 3 mars 2024 à New York.")
    write("terms.csv", GLOSSARY)
    result = runner.invoke(main, ["batch", "docs", "-o", "out", "--glossary", "terms.csv"])
    assert result.exit_code == 0, result.output
    for name in ("a", "b"):
        assert "“PNUD” not written “UNDP”" in Path(f"out/{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("PNUD\n", ["line 1", "1 column(s)"]),
        ("# house terms\nPNUD,UNDP\nONU,\n", ["line 3", "target term is empty"]),
        ("PNUD,UNDP\n\nPNUD,United Nations Development Programme\n", ["line 3", "already on line 1"]),
        ("source,target,source_language\nPNUD,UNDP,Elvish-ish\n", ["line 2", "unknown language"]),
        ("source,target,domain\nPNUD,UNDP,aid\n", ["line 1", "unknown column 'domain'"]),
        ('PNUD,"UNDP\n', ["line 1", "double quotes"]),
        ("PNUD,UNDP,fr,en,extra\n", ["line 1", "5 column(s)"]),
        ("--,UNDP\n", ["line 1", "no letter or digit"]),
        ("# nothing but a comment\n", ["no entries"]),
    ],
)
def test_a_bad_glossary_is_one_error_line_before_any_call(runner, fault_stub, content: str, words: list[str]) -> None:
    stub = fault_stub()
    write("doc.txt", FRENCH)
    write("terms.csv", content)
    for args in (["brief", "doc.txt", "--glossary", "terms.csv"], ["batch", ".", "-o", "out"]):
        env = {"SUMMARISE_GLOSSARY": "terms.csv"} if args[0] == "batch" else {}
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == 2, result.output
        assert result.output.startswith("Error: glossary terms.csv") and result.output.count("\n") == 1, result.output
        assert all(word in result.output for word in words), result.output
    assert not stub.requests and not Path("out").exists() and not Path("outputs").exists()


@pytest.mark.parametrize(("name", "words"), [("missing.csv", ["not found"]), ("png.csv", ["PNG"]), (".", ["folder"])])
def test_a_glossary_that_is_no_file_of_terms_is_one_error_line(runner, fault_stub, name: str, words: list[str]) -> None:
    stub = fault_stub()
    write("doc.txt", FRENCH)
    Path("png.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    result = runner.invoke(main, ["brief", "doc.txt", "--glossary", name])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert result.output.startswith("Error: ") and all(word in result.output for word in words), result.output
    assert not stub.requests


def test_terms_match_across_case_accents_elision_and_plural() -> None:
    glossary = Glossary(
        "t",
        (
            Entry("ONU", "UN"),
            Entry("UNESCO", "UNESCO"),
            Entry("Force démocratique syrienne", "Syrian Democratic Forces"),
            Entry("Département d'État", "State Department"),
            Entry("Banque mondiale", "World Bank"),
        ),
    )
    line = "Le rapport de l’ONU, publié avec l'UNESCO, cite les Forces démocratiques syriennes et le departement d’etat"
    assert [e.source for e in glossary.select(line)] == [e.source for e in glossary.entries[:4]]
    assert not glossary.select("La MONUSCO et le DONUT ne sont pas l'ONUSIDA.")  # whole words only
    good = "The UN report, published with UNESCO, cites the Syrian Democratic Force and the State Department."
    assert line_misses(glossary, line, good) == []
    bad = good.replace("The UN", "The United Nations").replace("State Department", "Department of State")
    assert [e.source for e in line_misses(glossary, line, bad)] == ["ONU", "Département d'État"]
    # Twice in the source needs twice in the translation.
    assert line_misses(glossary, "L'ONU et l'ONU.", "The UN and the United Nations.") == [glossary.entries[0]]


def test_the_longer_term_wins_and_other_forms_of_it_are_flagged() -> None:
    coalition = Entry("Coalition mondiale contre Daech", "Global Coalition to Defeat Daesh/ISIS")
    glossary = Glossary("t", (Entry("Daech", "Daesh"), coalition))
    line = "La Coalition mondiale contre Daech lutte contre Daech."
    assert [m.entry for m in glossary.find(line)] == [coalition, glossary.entries[0]]
    assert line_misses(glossary, line, "The Global Coalition to Defeat Daesh/ISIS fights Daesh.") == []
    for fact in ("The Coalition for the Global War on Daech met.", "The Global Coalition against Daesh met."):
        assert any("is not “Global Coalition to Defeat Daesh/ISIS”" in p for p in text_misses(glossary, fact, line))
    assert text_misses(glossary, "The Global Coalition to Defeat Daesh/ISIS met.", line) == []
    assert text_misses(glossary, "The Coalition met in May.", line) == []  # a short mention, not another form


def test_one_name_of_the_source_translated_three_ways_is_reported_without_a_glossary() -> None:
    document = parse_document(
        (
            "La Coalition mondiale contre Daech se réunit à Marrakech.\n\n"
            "Les ministres de la Coalition mondiale contre Daech parlent de l'Afrique.\n\n"
            "La Coalition mondiale contre Daech compte 84 membres."
        ).encode(),
        "doc.txt",
    )
    same = {
        1: "The Global Coalition against Daesh meets in Marrakech.",
        2: "The ministers of the Global Coalition against Daesh discuss Africa.",
        3: "The Global Coalition against Daesh has 84 members.",
    }
    assert name_forms_check(document, same).passed
    three = {
        1: "The Coalition for the Global War on Daech meets in Marrakech.",
        2: "The ministers of the Coalition for the Fight against Daech discuss Africa.",
        3: "The Coalition for Daech has 84 members.",
    }
    check = name_forms_check(document, three)
    assert not check.passed and check.detail.startswith("Coalition mondiale contre Daech: 3 forms")
    assert "“Coalition for Daech” line 3" in check.detail
