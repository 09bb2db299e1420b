"""Promise: in a batch, every entry of the folder that cannot be read is reported, never skipped
without a word: a sub-folder that cannot be listed (no permission, a path past PATH_MAX), a
file whose name is not UTF-8. Each is a failed row of the closing table, a line of the index's
"Not summarised" and an entry of the state file, and the exit status is 1; the others are
briefed as usual (against the FaultInjectionStub)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from summarise.cli import main

LEEDS = "The council met in Leeds on 4 May 2024. It approved a new budget for the library.\n"


def _reported(result, name: str, why: str) -> None:
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    failed = [line for line in result.stdout.splitlines() if line.startswith("failed ")]
    assert any(name in line and why in line for line in failed), result.output
    state = json.loads(Path("outputs/.summarise-batch.json").read_text(encoding="utf-8"))["documents"]
    assert [entry["status"] for key, entry in state.items() if key.startswith(name)] == ["failed"], state
    assert state["ok.txt"]["status"] == "done"
    not_summarised = Path("outputs/index.md").read_text(encoding="utf-8").split("## Not summarised", 1)[1]
    assert why in not_summarised


def _deep_folder(parent: Path, depth: int) -> str:
    """Folders nested past PATH_MAX (4096) with a document at the bottom, made relative to their
    parent (the kernel refuses any one path that long); returns the first folder's name."""
    name = "d" * 200
    descriptor = os.open(parent, os.O_RDONLY)
    try:
        for _level in range(depth):
            os.mkdir(name, dir_fd=descriptor)
            inner = os.open(name, os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        document = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=descriptor)
        os.write(document, LEEDS.encode())
        os.close(document)
    finally:
        os.close(descriptor)
    return name


def test_a_folder_past_path_max_is_reported(step_endpoint, runner, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.txt").write_text(LEEDS, encoding="utf-8")
    first = _deep_folder(tmp_path / "in", 25)  # 25 x 201 characters
    _reported(runner.invoke(main, ["batch", "in"]), first, "a folder summarise cannot list (File name too long)")


def test_a_folder_without_read_permission_is_reported(step_endpoint, runner, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "in" / "private").mkdir(parents=True)
    (tmp_path / "in" / "private" / "secret.txt").write_text(LEEDS, encoding="utf-8")
    (tmp_path / "in" / "ok.txt").write_text(LEEDS, encoding="utf-8")
    private = tmp_path / "in" / "private"
    if os.geteuid() != 0:
        private.chmod(0)
    else:  # root reads any folder, whatever its mode: the kernel's refusal is simulated for this one folder
        real_scandir = os.scandir

        def refusing(path=".") -> object:
            if Path(os.fsdecode(path)).resolve() == private.resolve():
                raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", refusing)
    try:
        result = runner.invoke(main, ["batch", "in"])
    finally:
        private.chmod(0o755)
    _reported(result, "private", "a folder summarise cannot list (Permission denied)")


def test_a_file_whose_name_is_not_utf8_is_reported(step_endpoint, runner, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.txt").write_text(LEEDS, encoding="utf-8")
    try:
        with open(os.fsencode(tmp_path / "in") + b"/caf\xe9.txt", "wb") as latin1:  # Latin-1 "café"
            latin1.write(LEEDS.encode())
    except OSError as exc:  # a file system that only takes UTF-8 names
        pytest.skip(f"this file system refuses a name that is not UTF-8: {exc}")
    _reported(runner.invoke(main, ["batch", "in"]), "caf\\xe9.txt", "its name is not UTF-8 text")


def test_an_input_folder_that_cannot_be_listed_is_one_error_line(step_endpoint, runner, tmp_path: Path, monkeypatch):
    (tmp_path / "in").mkdir()
    real_scandir = os.scandir

    def refusing(path=".") -> object:
        if Path(os.fsdecode(path)).resolve() == (tmp_path / "in").resolve():
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    result = runner.invoke(main, ["batch", "in"])
    assert result.exit_code != 0 and result.stderr.startswith("Error: in: cannot list the folder"), result.output
    assert len(result.stderr.strip().splitlines()) == 1
