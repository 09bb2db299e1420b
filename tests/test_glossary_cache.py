"""A large glossary file, once read and checked, is kept packed in the cache folder under its
sha256 (summarise/config/glossary_cache.py): the next brief with the same file reads none of its
lines again; an edited file is read again; a damaged entry, or a cache folder that cannot be
written, is never an error the user sees."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from summarise.cli import main
from summarise.config import glossary as glossary_module
from summarise.config.glossary import load_glossary
from summarise.config.glossary_cache import FOLDER
from summarise.config.term_lines import LAZY_LINES
from summarise.errors import ConfigError

FRENCH = (
    "Le PNUD finance la stabilisation en Irak depuis 2015.\n\n"
    "Les représentants de l'ONU se sont réunis à Genève le 3 mars 2024."
)
TEXT = "Les représentants de l’ONU, l'UE, le PNUD et les Force démocratique syrienne contre «Daech» ; C++ et U.S."
TERMS = [
    "PNUD,UNDP",
    "Forces démocratiques syriennes,Syrian Democratic Forces",
    "«Daech»,Daesh",
    "UE,EU",
    "C++,C++",
    "U.S.,US",
    "Représentants de l'ONU,UN staff",
]


def large_glossary(path: Path, terms: list[str] = TERMS, newline: str = "\n") -> Path:
    """`terms` among LAZY_LINES made-up ones, with a header and a comment: a file read lazily."""
    filler = [f"Représentation n{n},Representation {n}" for n in range(LAZY_LINES)]
    lines = ["# house terms", "source,target", *filler[:10], *terms, *filler[10:]]
    path.write_bytes((newline.join(lines) + newline).encode())
    return path


def found(path: Path, cache: Path | None, text: str = TEXT) -> list[tuple[str, str, int, int]]:
    return [(m.entry.source, m.entry.target, m.start, m.end) for m in load_glossary(path, cache).find(text)]


def unread(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make reading a glossary's text fail the test's way: the names of the files it was asked to read."""
    asked: list[str] = []

    def refused(data: bytes, name: str) -> str:
        asked.append(name)
        raise AssertionError(f"{name} read again")

    monkeypatch.setattr(glossary_module, "decode", refused)
    return asked


def test_a_large_glossary_is_read_once_then_served_from_the_cache_as_it_matched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, cache = large_glossary(tmp_path / "terms.csv"), tmp_path / "cache"
    first = found(path, cache)
    assert {source for source, *_ in first} == {term.split(",")[0] for term in TERMS}
    assert first == found(path, None)  # the same as without any cache
    every = [(e.source, e.target, e.line) for e in load_glossary(path, None).entries]
    unread(monkeypatch)
    assert found(path, cache) == first  # read from the cache: not one line of the file decoded again
    assert [(e.source, e.target, e.line) for e in load_glossary(path, cache).entries] == every
    assert len(list((cache / FOLDER).iterdir())) == 1


def test_an_edited_glossary_is_read_again_not_served_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, cache = large_glossary(tmp_path / "terms.csv"), tmp_path / "cache"
    assert ("PNUD", "UNDP") in [(source, target) for source, target, *_ in found(path, cache)]
    large_glossary(path, ["PNUD,UNPD", *TERMS[1:]])  # one letter changed: same size, same lines
    assert ("PNUD", "UNPD") in [(source, target) for source, target, *_ in found(path, cache)]
    # A conflict added to the file is found, where a text reaches it, with its line.
    large_glossary(path, [*TERMS, "Pnud,United Nations Development Programme"])
    glossary = load_glossary(path, cache)
    with pytest.raises(ConfigError, match=r"line 20: 'Pnud' is already on line 13 as 'UNDP'"):
        glossary.select("Le PNUD finance.")
    asked = unread(monkeypatch)  # and once cached, the conflict is still found, with the same line
    with pytest.raises(ConfigError, match=r"line 20: 'Pnud' is already on line 13 as 'UNDP'"):
        load_glossary(path, cache).select("Le PNUD finance.")
    assert not asked


@pytest.mark.parametrize("damage", ["cut short", "a byte changed", "empty", "another program's file"])
def test_a_damaged_cache_entry_is_ignored_and_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    path, cache = large_glossary(tmp_path / "terms.csv"), tmp_path / "cache"
    expected = found(path, cache)
    (entry,) = (cache / FOLDER).iterdir()
    blob = entry.read_bytes()
    damaged = {
        "cut short": blob[: len(blob) // 2],
        "a byte changed": blob[:-100] + bytes([blob[-100] ^ 0x20]) + blob[-99:],
        "empty": b"",
        "another program's file": b"\x00" * len(blob),
    }[damage]
    entry.write_bytes(damaged)
    assert found(path, cache) == expected
    assert entry.read_bytes() == blob  # written again, whole
    unread(monkeypatch)
    assert found(path, cache) == expected


def test_a_cache_folder_that_cannot_be_written_costs_only_time(tmp_path: Path) -> None:
    path = large_glossary(tmp_path / "terms.csv")
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    assert found(path, blocked) == found(path, None)
    assert blocked.read_text(encoding="utf-8") == "a file where the cache folder would be"


def test_a_cached_glossary_saved_in_nfd_or_with_crlf_matches_like_one_in_nfc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nfc = large_glossary(tmp_path / "nfc.csv", [*TERMS, "Département d’État,U.S. Department of State"])
    nfd = tmp_path / "nfd.csv"
    nfd.write_bytes(unicodedata.normalize("NFD", nfc.read_text(encoding="utf-8")).replace("\n", "\r\n").encode())
    text = TEXT + " Le Département d’État."
    expected = found(nfc, None, text)
    assert found(nfd, tmp_path / "cache", text) == expected
    unread(monkeypatch)
    assert found(nfd, tmp_path / "cache", text) == expected


def test_a_second_brief_with_a_large_glossary_reads_it_from_the_cache_and_an_edit_shows(
    runner, step_endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    Path("doc.txt").write_text(FRENCH, encoding="utf-8")
    terms = large_glossary(Path("terms.csv"))

    def brief() -> dict:
        result = runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md", "--json", "--glossary", str(terms)])
        assert result.exit_code == 0, result.output
        return json.loads(Path("doc.json").read_text(encoding="utf-8"))

    first = brief()
    assert "term set by the glossary: “PNUD” → “UNDP”" in first["lines"][0]["notes"]
    with monkeypatch.context() as patched:
        patched.setattr(glossary_module, "decode", lambda *_: pytest.fail("the glossary was read again"))
        assert brief()["lines"] == first["lines"]
    large_glossary(terms, ["PNUD,United Nations Development Programme", *TERMS[1:]])
    notes = brief()["lines"][0]["notes"]
    assert "term set by the glossary: “PNUD” → “United Nations Development Programme”" in notes


def test_no_cache_keeps_no_glossary_and_cache_clear_removes_the_kept_ones(runner, step_endpoint) -> None:
    Path("doc.txt").write_text(FRENCH, encoding="utf-8")
    large_glossary(Path("terms.csv"))
    result = runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md", "--glossary", "terms.csv", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert not (Path("cache") / FOLDER).exists()
    assert runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md", "--glossary", "terms.csv"]).exit_code == 0
    assert len(list((Path("cache") / FOLDER).iterdir())) == 1
    result = runner.invoke(main, ["cache", "clear"])
    assert result.exit_code == 0 and "removed 1 packed glossaries" in result.output, result.output
    assert not list((Path("cache") / FOLDER).iterdir())
