"""--glossary: house terms read and checked before any call, carried only where a chunk uses
them, and every miss flagged on its line, fact or summary sentence.

Requests go to FaultInjectionStub (tests/stub_server.py), whose answers are mechanical: it
keeps capitalised words and numbers and replaces the rest, so it ignores any glossary,
which is exactly the model these tests need."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from conftest import INPUTS
from fake_model import FakeModel, brief_of

from summarise.brief import Brief
from summarise.cli import main
from summarise.config import FactsMethod
from summarise.config.glossary import Entry, Glossary, load_glossary
from summarise.config.place_names import place_names
from summarise.errors import ConfigError
from summarise.grounding.glossary_checks import line_misses, text_misses
from summarise.grounding.glossary_terms import set_terms
from summarise.grounding.name_forms import name_forms_check
from summarise.readers.text import parse_document
from summarise.render.markdown import render_markdown

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
    # The facts as the model gives them (each test enqueues its answer), not chosen by code.
    result = runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md", "--json", "--facts-method", "line", *args])
    assert result.exit_code == 0, result.output
    return Path("doc.md").read_text(encoding="utf-8"), json.loads(Path("doc.json").read_text(encoding="utf-8"))


def test_terms_the_model_left_as_the_source_writes_them_are_set_by_code_and_said(runner, step_endpoint) -> None:
    summary = "PNUD funds stabilisation in Iraq [1]. The UN met in Geneva [2]. They met on 3 March 2024 [2]."
    facts = json.dumps({"facts": ["[1] The PNUD has funded stabilisation in Iraq since 2015."]})
    stub = step_endpoint.enqueue("summary", summary).enqueue("facts", facts)
    write("doc.txt", FRENCH)
    write("terms.csv", GLOSSARY)
    markdown, data = brief(runner, "--glossary", "terms.csv", "--html")
    # The stub's translation kept "PNUD" and "ONU": code wrote "UNDP" and "UN" there, and the
    # line says so; nothing is left to flag.
    first, second = data["lines"]
    assert "UNDP" in first["translation"] and "PNUD" not in first["translation"], first
    assert "w'UN" in second["translation"] and "ONU" not in second["translation"], second
    # ("Irak", which the stub kept too, is a country CLDR names in both languages: set as well.)
    kept_notes = ["term set by the glossary: “PNUD” → “UNDP”", "term set by the glossary: “Irak” → “Iraq”"]
    assert first["notes"] == kept_notes and not first["problems"]
    assert second["notes"] == ["term set by the glossary: “ONU” → “UN”"] and not second["problems"]
    assert "- line 1 (¶1): term set by the glossary: “PNUD” → “UNDP”" in markdown
    assert "Changed by code, line 1:</strong> term set by the glossary: “PNUD” → “UNDP”" in Path("doc.html").read_text(
        encoding="utf-8"
    )
    # The fact and the summary sentence about line 1 say "UNDP" too, at a sentence's start as
    # inside one, and so does the summary a reader sees; the Checks count what code set.
    fact = data["facts"][0]
    assert fact["statement"] == "The UNDP has funded stabilisation in Iraq since 2015.", fact
    assert "term set by the glossary: “PNUD” → “UNDP”" in fact["note"]
    assert data["summary_sentences"][0]["text"] == "UNDP funds stabilisation in Iraq." and "PNUD" not in data["summary"]
    check = "✅ **Glossary terms as the glossary writes them:** 2 occurrences of glossary terms checked; 5 set by"
    assert check in markdown and "fact 1: “PNUD” → “UNDP”" in markdown
    # Every request about line 1 carried its entry, none carried the unused one.
    first_request = stub.requests[0].messages[-1]["content"]
    assert "- PNUD → UNDP" in first_request and "- ONU → UN" in first_request
    assert all("Banque mondiale" not in request.messages[-1]["content"] for request in stub.requests)


def test_what_code_cannot_place_stays_flagged_and_no_term_is_put_where_the_source_lacks_it(tmp_path: Path) -> None:
    # Line 1's translation names the PNUD in other words: code has nothing to write over. Line
    # 2 has no "PNUD" in its source: the fact about it that says "PNUD" is flagged, never set.
    translation = (
        "[1] The development programme has funded stabilization in Iraq since 2015.\n"
        "[2] Representatives of the UN met in Geneva on 3 March 2024, with PNUD."
    )
    model = FakeModel().enqueue("translate", translation).enqueue("translate again", translation)
    model.enqueue("summary", "The programme funds Iraq [1]. The UN met [2]. It met in Geneva [2].")
    model.enqueue("facts", json.dumps({"facts": ["[2] The UN and PNUD met in Geneva on 3 March 2024."]}))
    glossary = load_glossary(write(str(tmp_path / "terms.csv"), GLOSSARY))
    brief = brief_of(FRENCH, model, "doc.txt", glossary=glossary, facts_method=FactsMethod.LINE)
    first, second = brief.lines
    assert first.problems == ("glossary: “PNUD” not written “UNDP”",) and not first.notes
    assert second.translation.endswith("with PNUD.") and not second.notes  # the source line has no "PNUD"
    assert brief.facts[0].statement == "The UN and PNUD met in Geneva on 3 March 2024."
    assert "glossary: “PNUD” is not “UNDP”" in brief.facts[0].problems
    check = next(c for c in brief.checks if c.name == "Glossary terms as the glossary writes them")
    assert not check.passed and "line 1: “PNUD” not written “UNDP”" in check.detail and "set by" not in check.detail


def test_near_forms_of_a_term_are_set_with_the_grammar_around_them() -> None:
    glossary = load_glossary(INPUTS / "glossary.csv")
    coalition = "La Coalition mondiale contre Daech se réunit avec le PNUD."
    cases = {
        "The Global Coalition to Defeat Daech/ISIS meets UNDP.": (
            "The Global Coalition to Defeat Daesh/ISIS meets UNDP."
        ),
        "Members of the Global Coalition against Daech meet UNDP.": (
            "Members of the Global Coalition to Defeat Daesh/ISIS meet UNDP."
        ),
        "The Coalition for the Global War on Daech meets the PNUD's head.": (
            "The Global Coalition to Defeat Daesh/ISIS meets the UNDP's head."
        ),
        "The Coalition meets a PNUD envoy.": "The Coalition meets a UNDP envoy.",  # a short mention is left alone
    }
    for written, expected in cases.items():
        assert set_terms(glossary, coalition, written).text == expected
    assert set_terms(glossary, "Daech a perdu ses bastions.", "daech lost its strongholds.").text == (
        "Daesh lost its strongholds."
    )  # a capital at a sentence's start
    assert set_terms(glossary, "L'ONU aide.", "An ONU agency helps.").text == "A UN agency helps."
    # Nothing is set where the source line lacks the term, nor beyond what the line misses.
    assert set_terms(glossary, "Le Maroc accueille.", "Morocco hosts Daech.").text == "Morocco hosts Daech."
    assert set_terms(glossary, "Le PNUD aide.", "UNDP helps, says PNUD.").text == "UNDP helps, says PNUD."


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
    brief = brief_of(FRENCH, model, "doc.txt", glossary=glossary, facts_method=FactsMethod.LINE)
    assert model.steps() == ["translate", "translate again", "summary", "facts"]  # the first answer, then the repair
    assert "“PNUD” as “UNDP”, “ONU” as “UN”" in model.asked[1].messages[-1]["content"]
    assert [line.translation for line in brief.lines] == fixed.replace("[1] ", "").split("\n[2] ")
    assert all(not line.problems for line in brief.lines), [line.problems for line in brief.lines]


def test_a_translation_that_follows_the_glossary_passes(runner, step_endpoint) -> None:
    # comes back with them, so nothing is flagged and nothing is asked again.
    write("doc.txt", FRENCH.replace("PNUD", "UNDP").replace("l'ONU", "l'UN"))
    write("terms.csv", "UNDP,UNDP\nUN,UN\n")
    markdown, data = brief(runner, "--glossary", "terms.csv")
    assert "✅ **Glossary terms as the glossary writes them:** 2 occurrences of glossary terms checked" in markdown
    assert all(not line["problems"] for line in data["lines"]), [line["problems"] for line in data["lines"]]


def test_a_glossary_whose_terms_a_chunk_lacks_changes_no_request(runner, step_endpoint) -> None:
    write("doc.txt", FRENCH)
    write("terms.csv", "Banque mondiale,World Bank\nOTAN,NATO\n")
    brief(runner, "--no-cache")
    without = list(step_endpoint.bodies)
    step_endpoint.bodies.clear()
    brief(runner, "--no-cache", "--glossary", "terms.csv")
    assert step_endpoint.bodies == without


def test_editing_an_entry_the_document_does_not_use_asks_nothing_again(runner, step_endpoint) -> None:
    write("doc.txt", FRENCH)
    write("terms.csv", GLOSSARY)
    _, first = brief(runner, "--glossary", "terms.csv")
    write("terms.csv", GLOSSARY.replace("World Bank", "The World Bank Group") + "OTAN,NATO\n")
    _, second = brief(runner, "--glossary", "terms.csv")
    assert second["usage"]["llm_calls"] == 0 and second["brief_key"] == first["brief_key"]
    write("terms.csv", GLOSSARY.replace("UNDP", "United Nations Development Programme"))
    _, third = brief(runner, "--glossary", "terms.csv")
    assert third["usage"]["llm_calls"] > 0 and third["brief_key"] != first["brief_key"]


def test_5000_entries_send_the_requests_of_the_entries_used(runner, step_endpoint) -> None:
    write("doc.txt", FRENCH)
    unused = "".join(f"Terme inutilisé numéro {n},Unused term number {n}\n" for n in range(4998))
    write("big.csv", "PNUD,UNDP\n" + unused + "ONU,UN\n")
    write("used.csv", "PNUD,UNDP\nONU,UN\n")
    brief(runner, "--no-cache", "--glossary", "big.csv")
    big = list(step_endpoint.bodies)
    step_endpoint.bodies.clear()
    brief(runner, "--no-cache", "--glossary", "used.csv")
    assert step_endpoint.bodies == big  # the same prompt tokens, not within 5%: equal


def _brief_of(text: str, translation: str, fact: str, glossary: Glossary | None = None) -> Brief:
    model = FakeModel().enqueue("translate", translation)
    if glossary is not None:  # a term missed is asked for again; the model repeats itself
        model.enqueue("translate again", translation)
    model.enqueue("summary", "The partners met [1]. They will meet again [2]. They met in Iraq [1].")
    model.enqueue("facts", json.dumps({"facts": [fact]}))
    return brief_of(text, model, "doc.txt", glossary=glossary, facts_method=FactsMethod.LINE)


def test_country_names_left_in_the_source_language_are_written_as_cldr_does_without_a_glossary() -> None:
    french = "Les partenaires se sont réunis en Irak.\n\nIls se retrouveront au Koweït en décembre, avec le Maroc."
    brief = _brief_of(
        french,
        "[1] The partners met in Irak.\n[2] They will meet again in Koweït in December, with the Moroccan authorities.",
        "[2] The partners will meet in Koweït in December.",
    )
    first, second = brief.lines
    assert first.translation == "The partners met in Iraq." and first.notes == (
        "term set by the glossary: “Irak” → “Iraq”",
    )
    assert second.translation == "They will meet again in Kuwait in December, with the Moroccan authorities."
    assert not second.problems  # "Moroccan" for "du Maroc" is a translation, not a miss: never flagged
    assert brief.facts[0].statement == "The partners will meet in Kuwait in December."
    assert "- line 2 (¶2): term set by the glossary: “Koweït” → “Kuwait”" in render_markdown(brief)


def test_the_users_glossary_wins_over_the_built_in_names(tmp_path: Path) -> None:
    glossary = load_glossary(write(str(tmp_path / "terms.csv"), "Koweït,State of Kuwait\n"))
    brief = _brief_of(
        "Les partenaires se sont réunis en Irak.\n\nIls se retrouveront au Koweït en décembre.",
        "[1] The partners met in Irak.\n[2] They will meet again in Koweït in December.",
        "[2] The partners will meet in Koweït in December.",
        glossary,
    )
    assert [line.translation for line in brief.lines] == [
        "The partners met in Iraq.",
        "They will meet again in State of Kuwait in December.",
    ]
    assert brief.facts[0].statement == "The partners will meet in State of Kuwait in December."


def test_a_large_glossary_makes_entries_only_of_the_terms_a_documents_words_start(
    runner, step_endpoint, monkeypatch
) -> None:
    """Issue 36: every entry of a 100,000-line file was read, keyed and indexed for every brief (3.5 s
    of CPU, 29 times a brief against a quick endpoint; bench/glossary_scale.py times it). An entry is
    now made only of a line whose first word is a word of a text the brief matches, however large the
    file: here 20,000 terms that start with a document's first letters ("Représentation", beside
    "représentants"), none of whose first words it has, and a conflict among them no text reaches."""
    stub = step_endpoint
    made: list[str] = []
    post_init = Entry.__post_init__

    def counted(self: Entry) -> None:
        post_init(self)
        made.append(self.source)

    monkeypatch.setattr(Entry, "__post_init__", counted)
    unused = "".join(f"Représentation numéro {n},Representation number {n}\n" for n in range(20_000))
    write("big.csv", "# house terms\nsource,target\nPNUD,UNDP\n" + unused + "ONU,UN\n")
    write("used.csv", "PNUD,UNDP\nONU,UN\n")
    write("doc.txt", FRENCH)
    markdown, _ = brief(runner, "--no-cache", "--glossary", "big.csv")
    big = [request.messages for request in stub.requests]
    assert "PNUD" in made and "ONU" in made
    assert not [source for source in made if source.startswith("Représentation")]  # not one of the 20,000
    assert "term set by the glossary: “PNUD” → “UNDP”" in markdown
    stub.requests.clear()
    body = markdown.split("\n---\n", 1)[1]  # the front matter says when: the brief itself is the same
    assert brief(runner, "--no-cache", "--glossary", "used.csv")[0].split("\n---\n", 1)[1] == body
    assert [request.messages for request in stub.requests] == big  # the same requests as with the two entries used


def test_a_large_glossary_matches_as_a_small_one_and_refuses_a_term_written_twice_where_it_is_used(
    tmp_path: Path,
) -> None:
    terms = ["PNUD,UNDP", "Forces démocratiques syriennes,Syrian Democratic Forces", "«Daech»,Daesh", "UE,EU"]
    terms += [f"Représentation n{n},Representation {n}" for n in range(3_000)] + ["Représentants de l'ONU,UN staff"]
    large, small = tmp_path / "large.csv", tmp_path / "small.csv"
    large.write_bytes(("\r\n".join(terms) + "\r\n").encode())  # as a spreadsheet on Windows saves it
    small.write_text("\n".join(terms[:4] + terms[-1:]) + "\n", encoding="utf-8")
    text = "Les représentants de l’ONU, l'UE, le PNUD et les Force démocratique syrienne contre «Daech» ; UE."
    found = [(m.entry.source, m.start, m.end) for m in load_glossary(large).find(text)]
    assert found == [(m.entry.source, m.start, m.end) for m in load_glossary(small).find(text)]
    assert {source for source, _, _ in found} == {
        "Représentants de l'ONU",
        "UE",
        "PNUD",
        "«Daech»",
        terms[1].split(",")[0],
    }
    conflict = tmp_path / "conflict.csv"
    conflict.write_text("\n".join([*terms, "Pnud,United Nations Development Programme"]) + "\n", encoding="utf-8")
    glossary = load_glossary(conflict)  # read: the conflict is between terms no text has used yet
    assert glossary.find("La représentation nationale.") == []
    with pytest.raises(ConfigError, match=r"line 3006: 'Pnud' is already on line 1 as 'UNDP'"):
        glossary.select("Le PNUD finance.")


def test_terms_with_punctuation_match_only_as_written() -> None:
    glossary = Glossary("t", (Entry("C++", "C++"), Entry("C#", "C sharp"), Entry("AT&T", "AT&T"), Entry("U.S.", "US")))
    line = "C'est en C++ et en C# qu'AT&T écrit aux U.S. depuis 1990."
    assert [line[m.start : m.end] for m in glossary.find(line)] == ["C++", "C#", "AT&T", "U.S."]
    # "C'est" is no "C#" or "C++": no line of a French text is flagged for it; nor "AT T" or "US".
    assert not glossary.find("C'est C, AT T ou US, c'était le C-SPAN.")
    assert line_misses(glossary, "C'est un langage.", "It is a language.") == []
    assert line_misses(glossary, "Le C# est un langage.", "C sharp is a language.") == []


def test_a_glossary_saved_in_nfd_matches_like_one_in_nfc(tmp_path: Path) -> None:
    text = "source,target\nDépartement d’État des États-Unis,U.S. Department of State\nSécurité,Security\n"
    path = tmp_path / "terms.csv"
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")  # as macOS may save it
    glossary = load_glossary(path)
    line = "Le Département d’État des États-Unis parle de sécurité."  # documents are read as NFC
    assert [entry.target for entry in glossary.select(line)] == ["U.S. Department of State", "Security"]
    assert glossary.entries[0].source == unicodedata.normalize("NFC", "Département d’État des États-Unis")


def test_batch_applies_one_glossary_to_a_folder(runner, step_endpoint) -> None:
    Path("docs").mkdir()
    write("docs/a.txt", FRENCH)
    write("docs/b.txt", "Le PNUD a publié son rapport annuel le 3 mars 2024 à New York.")
    write("terms.csv", GLOSSARY)
    result = runner.invoke(main, ["batch", "docs", "-o", "out", "--glossary", "terms.csv"])
    assert result.exit_code == 0, result.output
    for name in ("a", "b"):
        assert "term set by the glossary: “PNUD” → “UNDP”" in Path(f"out/{name}.md").read_text(encoding="utf-8")


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
def test_a_bad_glossary_is_one_error_line_before_any_call(
    runner, step_endpoint, content: str, words: list[str]
) -> None:
    stub = step_endpoint
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
def test_a_glossary_that_is_no_file_of_terms_is_one_error_line(
    runner, step_endpoint, name: str, words: list[str]
) -> None:
    stub = step_endpoint
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


def test_a_country_name_set_by_code_drops_the_article_english_does_not_give_it() -> None:
    # "le Maroc", translated "the Maroc", is "Morocco"; "les États-Unis" stay "the United States".
    names = place_names("fr", "en")
    assert names is not None
    source = "Le Maroc accueille la réunion, qui confirme le rôle du Maroc et des États-Unis."
    written = "The Maroc hosts the meeting, which confirms the role of the Maroc and the États-Unis."
    assert set_terms(names, source, written).text == (
        "Morocco hosts the meeting, which confirms the role of Morocco and the United States."
    )


def test_a_users_term_that_names_a_country_drops_the_article_too() -> None:
    glossary = Glossary("terms.csv", (Entry("Maroc", "Morocco"), Entry("PNUD", "UNDP")))
    written = "The Maroc thanked the PNUD."
    assert set_terms(glossary, "Le Maroc a remercié le PNUD.", written).text == "Morocco thanked the UNDP."


def test_a_term_the_source_holds_only_inside_a_longer_one_is_set_where_the_text_writes_it_alone(
    tmp_path: Path,
) -> None:
    terms = "source,target\nCoalition mondiale contre Daech,Global Coalition to Defeat Daesh/ISIS\nDaech,Daesh\n"
    glossary = load_glossary(write(str(tmp_path / "terms.csv"), terms))
    source = "Les représentants de la Coalition mondiale contre Daech se sont rencontrés."
    written = "The Global Coalition to Defeat Daesh/ISIS met to review the campaign against Daech."
    assert set_terms(glossary, source, written).text == (
        "The Global Coalition to Defeat Daesh/ISIS met to review the campaign against Daesh."
    )
    # Where the source does not hold the term at all, nothing is set (the check flags it).
    assert set_terms(glossary, "Les représentants se sont rencontrés.", written).text == written
