"""Promise: nothing of the user's is ever overwritten, and a brief that cannot be written
costs nothing. An output that is an input (by path, symlink or hard link), a device, a
folder, a file summarise did not write or a read-only folder is refused with one `Error:`
line before any model call (the FaultInjectionStub counts the calls)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from planned import planned_calls

from summarise.cli import main

FRENCH = "Le conseil s'est réuni à Genève le 3 mars 2024.\n\nIl a voté un budget de 12 millions d'euros."


def refused(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output


@pytest.fixture
def victim() -> Path:
    path = Path("victim.txt")
    path.write_text(FRENCH, encoding="utf-8")
    return path


@pytest.mark.parametrize("make_output", ["same", "symlink", "hardlink", "dotted"])
def test_brief_refuses_an_output_that_is_its_input(runner, step_endpoint, victim: Path, make_output: str) -> None:
    output = {"same": "victim.txt", "symlink": "link.md", "hardlink": "hard.md", "dotted": "./sub/../victim.txt"}
    if make_output == "symlink":
        Path("link.md").symlink_to(victim.resolve())
    if make_output == "hardlink":
        os.link(victim, "hard.md")
    Path("sub").mkdir()
    stub = step_endpoint
    result = runner.invoke(main, ["brief", "victim.txt", "-o", output[make_output]])
    refused(result, "one of the inputs")
    assert victim.read_text(encoding="utf-8") == FRENCH and not stub.requests


def test_the_json_beside_the_brief_is_not_written_over_the_input(runner, step_endpoint) -> None:
    Path("data.json").write_text(json_text := '{"note": "' + FRENCH.replace("\n", " ") + '"}', encoding="utf-8")
    stub = step_endpoint
    refused(runner.invoke(main, ["brief", "data.json", "-o", "data.md", "--json"]), "data.json is one of the inputs")
    assert Path("data.json").read_text(encoding="utf-8") == json_text and not Path("data.md").exists()
    refused(runner.invoke(main, ["brief", "data.json", "-o", "brief.json", "--json"]), "one file")
    assert not stub.requests


def test_a_document_in_the_output_folder_is_not_its_own_brief(runner, step_endpoint) -> None:
    Path("outputs").mkdir()
    Path("outputs/notes.md").write_text(FRENCH, encoding="utf-8")
    stub = step_endpoint
    refused(runner.invoke(main, ["brief", "outputs/notes.md"]), "outputs/notes.md is one of the inputs")
    assert Path("outputs/notes.md").read_text(encoding="utf-8") == FRENCH and not stub.requests


def test_standard_input_redirected_from_a_file_is_an_input_too(fault_stub, victim: Path) -> None:
    fault_stub()
    with victim.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "summarise", "brief", "-", "-o", "victim.txt"], stdin=stdin, capture_output=True
        )
    assert done.returncode == 2 and b"one of the inputs" in done.stderr
    assert victim.read_text(encoding="utf-8") == FRENCH


def make_special(kind: str) -> str:
    """A device node, a FIFO or a link to /dev/stdout, made here: a failing test must never
    replace the machine's real /dev/null (the old code did, as root)."""
    if kind == "device":
        if os.geteuid() != 0:
            pytest.skip("only root can make a device node (and only root could replace one)")
        os.mknod("null", stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
        return "null"
    if kind == "fifo":
        os.mkfifo("fifo")
        return "fifo"
    Path("stdout").symlink_to("/proc/self/fd/1")  # what /dev/stdout is
    return "stdout"


@pytest.mark.parametrize("kind", ["device", "fifo", "stdout-link"])
def test_brief_writes_only_to_regular_files_or_new_paths(runner, step_endpoint, victim: Path, kind: str) -> None:
    special = make_special(kind)
    before = os.lstat(special)
    stub = step_endpoint
    refused(runner.invoke(main, ["brief", "victim.txt", "-o", special]))
    after = os.lstat(special)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino) and not stub.requests
    result = runner.invoke(main, ["brief", "victim.txt", "-o", "-"])  # the way to standard output
    assert result.exit_code == 0 and result.stdout.startswith("---\n")


def test_a_special_file_is_refused_even_at_the_last_moment(tmp_path: Path) -> None:
    from summarise.brief.files import atomic_write
    from summarise.errors import OutputError

    os.mkfifo(tmp_path / "index.md")  # appeared after the checks: the rename must still not replace it
    with pytest.raises(OutputError, match="not a regular file"):
        atomic_write(tmp_path / "index.md", "x")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "index.md").st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["index.md"]


def test_a_file_summarise_did_not_write_is_never_replaced(runner, step_endpoint, victim: Path) -> None:
    Path("mine.md").write_text("# My own notes\n\nDo not lose these.\n", encoding="utf-8")
    Path("other.md").write_text("---\ntitle: front matter, but not a brief\n---\nmine\n", encoding="utf-8")
    stub = step_endpoint
    for name in ("mine.md", "other.md"):
        refused(runner.invoke(main, ["brief", "victim.txt", "-o", name]), "summarise did not write it")
    assert "Do not lose these." in Path("mine.md").read_text(encoding="utf-8") and not stub.requests
    # Its own brief, on the other hand, is replaced by the next run.
    assert runner.invoke(main, ["brief", "victim.txt", "-o", "new.md"]).exit_code == 0
    assert runner.invoke(main, ["brief", "victim.txt", "-o", "new.md", "--to", "German"]).exit_code == 0
    assert "target_language: de" in Path("new.md").read_text(encoding="utf-8")


def test_batch_in_a_folder_holding_its_outputs_reads_none_of_them_and_keeps_the_users(runner, step_endpoint) -> None:
    folder = Path("project")
    (folder / "outputs").mkdir(parents=True)
    (folder / "report.txt").write_text(FRENCH, encoding="utf-8")
    (folder / "other.txt").write_text(FRENCH.replace("Genève", "Lyon"), encoding="utf-8")
    (folder / "outputs/report.md").write_text("My report, by hand.\n", encoding="utf-8")
    (folder / "outputs/inner.txt").write_text(FRENCH, encoding="utf-8")
    stub = step_endpoint
    calls = planned_calls(folder / "other.txt")
    os.chdir(folder)
    result = runner.invoke(main, ["batch", "."])
    assert result.exit_code == 1, result.output
    assert Path("outputs/report.md").read_text(encoding="utf-8") == "My report, by hand.\n"
    assert "report.txt" in result.stdout and "summarise did not write it" in result.stdout
    assert "not reading outputs as input: it is the output folder" in result.stderr
    assert Path("outputs/other.md").is_file() and not Path("outputs/outputs").exists()
    assert not any("inner" in request.messages[-1]["content"] for request in stub.requests)
    assert len(stub.requests) == calls  # other.txt's calls, none for the refused report


def test_batch_refuses_a_hard_link_to_an_input_and_a_users_index(runner, step_endpoint) -> None:
    Path("in").mkdir()
    Path("in/a.txt").write_text(FRENCH, encoding="utf-8")
    Path("out").mkdir()
    os.link("in/a.txt", "out/a.md")
    stub = step_endpoint
    result = runner.invoke(main, ["batch", "in", "-o", "out"])
    assert result.exit_code == 1 and "is one of the inputs" in result.stdout
    assert Path("in/a.txt").read_text(encoding="utf-8") == FRENCH and not stub.requests
    os.unlink("out/a.md")
    Path("out/index.md").write_text("# My index\n", encoding="utf-8")
    refused(runner.invoke(main, ["batch", "in", "-o", "out"]), "index.md exists and summarise did not write it")
    assert Path("out/index.md").read_text(encoding="utf-8") == "# My index\n" and not stub.requests


def test_an_input_folder_inside_the_output_folder_is_refused(runner, step_endpoint) -> None:
    Path("out/in").mkdir(parents=True)
    Path("out/in/a.txt").write_text(FRENCH, encoding="utf-8")
    stub = step_endpoint
    refused(runner.invoke(main, ["batch", "out/in", "-o", "out"]), "inside the output folder")
    assert not stub.requests


@pytest.mark.parametrize("command", ["brief", "batch"])
def test_the_output_location_is_checked_before_any_model_call(
    runner, step_endpoint, victim: Path, read_only_folder: Path, command: str
) -> None:
    Path("in").mkdir()
    Path("in/a.txt").write_text(FRENCH, encoding="utf-8")
    Path("a-folder").mkdir()
    stub = step_endpoint
    source = "victim.txt" if command == "brief" else "in"
    if command == "brief":
        refused(runner.invoke(main, ["brief", source, "-o", "a-folder"]), "a-folder is a folder")
        refused(runner.invoke(main, ["brief", source, "-o", "victim.txt/x.md"]), "not a folder")
    target = read_only_folder / ("x.md" if command == "brief" else "briefs")
    refused(runner.invoke(main, [command, source, "-o", str(target)]), str(read_only_folder))
    if command == "batch":
        refused(runner.invoke(main, [command, source, "-o", str(read_only_folder)]), "cannot write")
    assert not stub.requests
