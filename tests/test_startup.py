"""Start-up: what a newcomer waits for. Times are measured in bench/startup.py, not here;
these tests check the work that made the wait: a cached re-run does not load the language
identifier's model, the spell-checker's word lists or the token encoding, the language names
a menu line is checked against are not rebuilt from every babel locale at each start, and off
a terminal the first line comes once the input is read, not at the first model call (briefs
against the FaultInjectionStub)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from summarise.cli import main

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Le conseil s'est réuni à Lyon le 4 mai 2024. Il a approuvé un nouveau budget pour la bibliothèque.\n"
# Runs the command, then says which of these modules it imported.
PROBE = (
    "import sys\nfrom summarise.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
    "watched = ('openai', 'py3langid', 'trafilatura', 'spellchecker', 'tiktoken', 'docx', 'lxml')\n"
    "print('loaded:', *sorted(m for m in watched if m in sys.modules), file=sys.stderr)\n"
)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=120)


def test_a_cached_rerun_loads_neither_the_sdk_nor_the_language_identifier_nor_the_word_lists(
    fault_stub, tmp_path: Path
) -> None:
    fault_stub()
    Path("doc.txt").write_text(TEXT, encoding="utf-8")
    first = _run("brief", "doc.txt")
    assert "wrote outputs/doc.md" in first.stderr and "openai py3langid" in first.stderr, first.stderr
    again = _run("brief", "doc.txt")
    assert "0 calls" in again.stderr, again.stderr
    loaded = next(line for line in again.stderr.splitlines() if line.startswith("loaded:"))
    # Neither the SDK, nor the identifier, nor the web-page reader, nor the word lists (0.8 s), nor
    # the token encoding (0.5 s): their answers are remembered in the cache folder too. Nor the Word
    # reader's python-docx and lxml, for a text file (issue 36).
    assert loaded == "loaded:", loaded
    assert again.stderr.count("language fr") == 1  # the same answer as the first run's


def test_a_cached_rerun_of_a_brief_whose_translation_is_doubted_loads_no_word_list(fault_stub, tmp_path: Path) -> None:
    """Issue 36: the stub's translation of the 2022 seed reads as French to the language identifier,
    so each re-run asked the word lists (~0.5 s to load) whether it is mostly English, although every
    answer came from the cache. That verdict is remembered in the cache folder like a word's."""
    fault_stub()
    Path("doc.txt").write_text((ROOT / "inputs" / "marrakech-coalition-meeting-2022.txt").read_text(encoding="utf-8"))
    first = _run("brief", "doc.txt")
    assert "spellchecker" in first.stderr, first.stderr  # the doubt was judged, with the lists
    checks = Path("outputs/doc.md").read_text(encoding="utf-8").split("## Checks", 1)[1]
    again = _run("brief", "doc.txt")
    assert "0 calls" in again.stderr, again.stderr
    loaded = next(line for line in again.stderr.splitlines() if line.startswith("loaded:"))
    assert loaded == "loaded:", loaded
    assert Path("outputs/doc.md").read_text(encoding="utf-8").split("## Checks", 1)[1] == checks  # judged alike


def test_without_the_cache_the_language_is_identified_each_time(fault_stub, tmp_path: Path) -> None:
    fault_stub()
    Path("doc.txt").write_text(TEXT, encoding="utf-8")
    for _ in range(2):
        run = _run("brief", "doc.txt", "--no-cache")
        assert "py3langid" in run.stderr and "language fr" in run.stderr, run.stderr


def test_off_a_terminal_the_first_line_comes_before_any_model_call(fault_stub, runner, tmp_path: Path) -> None:
    fault_stub()
    Path("doc.txt").write_text(TEXT, encoding="utf-8")
    result = runner.invoke(main, ["brief", "doc.txt"])
    assert result.exit_code == 0, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("summarise: [") and "read doc.txt: " in first and "language fr" in first, first


def test_the_shipped_language_names_are_babels() -> None:
    """summarise/data/endonyms.txt is build_endonyms()'s output: regenerate it when babel changes."""
    from summarise.readers.furniture import ENDONYMS_FILE, build_endonyms

    assert ENDONYMS_FILE.read_text(encoding="utf-8").splitlines() == build_endonyms()
