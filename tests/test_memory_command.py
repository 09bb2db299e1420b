"""`summarise memory list|forget`: a user sees what the translation memory holds and forgets an
entry, or every entry from one brief, from the command line; a forgotten line is asked of the model again."""

from __future__ import annotations

import re
from pathlib import Path

from test_corrections import FRENCH, answers, folder_of, make

from summarise.cli import main
from summarise.config.memory import Remembered, load_memory
from summarise.render.publish import write_brief
from summarise.review.memory import remember

LINE_1 = FRENCH.split("\n\n")[0]  # "Le PNUD finance la stabilisation en Irak depuis 2015."


def approved(tmp_path: Path, runner) -> Path:  # type: ignore[no-untyped-def]
    """doc.md approved through the CLI: its clean line 1 goes into the memory in the test's cache folder."""
    path = folder_of(tmp_path) / "doc.md"
    write_brief(path, make(answers()), html=True)
    result = runner.invoke(main, ["review", str(path), "--approve", "--despite-problems", "--by", "carol"])
    assert result.exit_code == 0, result.output
    return tmp_path / "cache"


def ids_in(output: str) -> list[str]:
    return re.findall(r"^([0-9a-f]{10})  ", output, flags=re.MULTILINE)


def test_list_shows_each_entry_with_an_id_whose_review_and_both_texts(tmp_path: Path, runner) -> None:
    cache = approved(tmp_path, runner)
    remember(cache, [Remembered("de", "en", "Guten Tag.", "Good day.", "other.md", "dan", "2026-12-01T09:00:00+00:00")])
    listing = runner.invoke(main, ["memory", "list"])
    assert listing.exit_code == 0, listing.output
    assert len(ids_in(listing.stdout)) == 2
    assert "fr→en  from review of doc.md by carol on " in listing.stdout
    assert LINE_1 in listing.stdout and "→ UNDP has funded stabilization in Iraq since 2015." in listing.stdout
    assert "2 entries in " in listing.stderr
    only = runner.invoke(main, ["memory", "list", "--source", "guten  TAG"])  # any case, spaces normalised
    assert "Guten Tag." in only.stdout and LINE_1 not in only.stdout and "1 matching entry" in only.stderr
    by_brief = runner.invoke(main, ["memory", "list", "--brief", "doc.md"])
    assert LINE_1 in by_brief.stdout and "Guten Tag." not in by_brief.stdout


def test_a_forgotten_entry_is_gone_and_its_line_is_asked_of_the_model_again(tmp_path: Path, runner) -> None:
    cache = approved(tmp_path, runner)
    remember(cache, [Remembered("de", "en", "Guten Tag.", "Good day.", "other.md", "dan", "2026-12-01")])
    kept = make(answers(), memory=load_memory(cache))
    assert kept.lines[0].origin.startswith("from review of doc.md")  # from the memory, before
    listing = runner.invoke(main, ["memory", "list", "--source", "PNUD"]).stdout
    forgotten = runner.invoke(main, ["memory", "forget", ids_in(listing)[0][:6]])  # its first characters do
    assert forgotten.exit_code == 0, forgotten.output
    assert f"forgot {ids_in(listing)[0]}: {LINE_1}" in forgotten.stderr
    assert load_memory(cache).exact("fr", "en", LINE_1) is None
    assert load_memory(cache).exact("de", "en", "Guten Tag.") is not None  # the others kept
    model = answers()
    again = make(model, memory=load_memory(cache))
    assert not again.lines[0].origin and "[1]" in model.asked[0].messages[-1]["content"]


def test_forget_every_entry_from_one_brief(tmp_path: Path, runner) -> None:
    cache = tmp_path / "cache"
    remember(cache, [Remembered("fr", "en", f"Ligne {n}.", f"Line {n}.", "a.md", "alice", "2026") for n in (1, 2)])
    remember(cache, [Remembered("fr", "en", "Autre.", "Other.", "b.md", "bob", "2026")])
    result = runner.invoke(main, ["memory", "forget", "--brief", "a.md"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("forgot ") == 2
    assert list(load_memory(cache).entries[("fr", "en")]) == ["Autre."]


def test_an_entry_a_later_one_replaces_says_so_and_forgetting_the_later_brings_it_back(tmp_path: Path, runner) -> None:
    cache = tmp_path / "cache"
    remember(cache, [Remembered("fr", "en", "Bonjour.", "Hello.", "a.md", "alice", "2026-01-01")])
    remember(cache, [Remembered("fr", "en", "Bonjour.", "Good morning.", "b.md", "bob", "2026-02-01")])
    listing = runner.invoke(main, ["memory", "list"]).stdout
    older, newer = ids_in(listing)
    assert older in listing.split(newer)[0]  # oldest first
    assert f"(not used: {newer} replaces it)" in listing
    assert runner.invoke(main, ["memory", "forget", newer]).exit_code == 0
    entry = load_memory(cache).exact("fr", "en", "Bonjour.")
    assert entry is not None and entry.translation == "Hello."


def test_bad_ids_say_so_in_one_line_and_change_nothing(tmp_path: Path, runner) -> None:
    cache = tmp_path / "cache"
    assert "nothing to forget" in runner.invoke(main, ["memory", "forget", "abcdef"]).stderr
    remember(cache, [Remembered("fr", "en", f"Ligne {n}.", f"Line {n}.", "a.md", "alice", "2026") for n in range(3)])
    before = (cache / "memory.jsonl").read_bytes()
    ids = ids_in(runner.invoke(main, ["memory", "list"]).stdout)
    for args in (["ffffffffff"], [ids[0], "0123456789"], ["ab"], ["--brief", "nope.md"], []):
        result = runner.invoke(main, ["memory", "forget", *args])
        assert result.exit_code != 0, args
        assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert (cache / "memory.jsonl").read_bytes() == before
    assert "0 entries" in runner.invoke(main, ["memory", "list", "--cache-dir", str(tmp_path / "empty")]).stderr
