"""A library caller runs a brief or a batch with an options record and one Reporter, and
gets every line the command line would show, each on its channel: notes (gone with
quiet), warnings (always), details (only verbose)."""

from __future__ import annotations

from pathlib import Path

from summarise.batch import FolderOptions, run_folder
from summarise.cli import settings_from_env
from summarise.cli.one_document import BriefFileOptions, brief_file
from summarise.reporting import Reporter

TEXT = "Le conseil s'est réuni à Lyon le 4 mai 2024. Il a approuvé un nouveau budget pour la bibliothèque.\n"


def test_a_brief_tells_its_closing_line_as_a_note_and_each_call_as_a_detail(step_endpoint, tmp_path: Path) -> None:
    Path("doc.txt").write_text(TEXT, encoding="utf-8")
    settings = settings_from_env()
    lines: list[str] = []

    run = brief_file("doc.txt", settings, BriefFileOptions(output=Path("out/doc.md")), Reporter(lines.append))

    assert run.output == Path("out/doc.md") and Path("out/doc.md").is_file()
    assert [line for line in lines if line.startswith("wrote out/doc.md (")], lines
    assert not [line for line in lines if line.startswith("call")], lines  # details only when verbose

    quiet: list[str] = []
    brief_file("doc.txt", settings, BriefFileOptions(output=Path("out/doc.md")), Reporter(quiet.append, quiet=True))
    assert quiet == []  # all answers cached: no warning, and the closing note is dropped

    verbose: list[str] = []
    brief_file("doc.txt", settings, BriefFileOptions(output=Path("out/doc.md")), Reporter(verbose.append, verbose=True))
    assert [line for line in verbose if line.startswith("cache hit")], verbose


def test_a_quiet_batch_still_tells_its_warnings(step_endpoint, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "doc.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "in" / "out").mkdir()  # the output folder inside the input folder: never read as input
    (tmp_path / "in" / "out" / ".summarise-batch.json").write_text("{not json", encoding="utf-8")
    lines: list[str] = []

    options = FolderOptions(output_dir=Path("in/out"), dry_run=True, include=("*.txt",))
    run = run_folder(Path("in"), settings_from_env(), options, Reporter(lines.append, quiet=True))

    assert "doc.txt" in run.report and run.outcomes == []
    assert any(line.startswith("not reading in/out as input") for line in lines), lines
    assert any(line.startswith("Warning: in/out/.summarise-batch.json is damaged") for line in lines), lines


def test_a_batch_tells_each_finished_document_unless_quiet(step_endpoint, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "doc.txt").write_text(TEXT, encoding="utf-8")
    settings = settings_from_env()
    lines: list[str] = []

    run = run_folder(Path("in"), settings, FolderOptions(output_dir=Path("briefs")), Reporter(lines.append))

    assert run.exit_code == 0 and Path("briefs/doc.md").is_file()
    assert [line for line in lines if line.startswith("[1/1] done       doc.txt -> doc.md")], lines
    quiet: list[str] = []
    again = run_folder(
        Path("in"), settings, FolderOptions(output_dir=Path("briefs")), Reporter(quiet.append, quiet=True)
    )
    assert quiet == [] and again.report == ""  # up to date: nothing to warn of; no table when quiet


def test_one_llm_tells_each_brief_of_its_own_calls(step_endpoint, tmp_path: Path) -> None:
    """The reporter is passed, not kept in the LLM: two briefs built on one LLM (as a batch's
    documents share one) each hear of their own calls, and only of theirs."""
    from summarise import build_brief, open_llm
    from summarise.readers.text import parse_document
    from summarise.tasks.prompts import Prompts

    first, second = [parse_document(text.encode(), name) for text, name in ((TEXT, "a.txt"), (TEXT * 2, "b.txt"))]
    heard: dict[str, list[str]] = {"a.txt": [], "b.txt": []}
    with open_llm(settings_from_env(), reporter=Reporter(verbose=True)) as llm:
        for document in (first, second):
            build_brief(document, llm, Prompts(), reporter=Reporter(heard[document.source].append, verbose=True))

    calls = {name: [line for line in lines if line.startswith("call ")] for name, lines in heard.items()}
    assert calls["a.txt"] and calls["b.txt"], heard
    assert len(step_endpoint.requests) == len(calls["a.txt"]) + len(calls["b.txt"])  # each call told once, to its brief
