"""Promise: a reviewer's decision holds only while the brief's text on disk is the text it
was made on. After a hand edit below the front matter, `summarise review`, both indexes and
a re-run of the batch all say the brief needs review again (briefs made against the
FaultInjectionStub)."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarise.cli import main

LEEDS = "The council met in Leeds on 4 May 2024. It approved a new budget for the library.\n"


def _index_row(name: str) -> str:
    return next(line for line in Path("outputs/index.md").read_text(encoding="utf-8").splitlines() if name in line)


@pytest.mark.parametrize(
    ("edit", "decision"),
    [
        (lambda body: body.replace("## Summary\n\n", "## Summary\n\nThe council cut the budget. ", 1), "--approve"),
        (lambda body: body + "\nA line added at the end.\n", "--approve"),
        (lambda body: body.replace("## Checks", "## Checks\n", 1), "--reject"),  # one byte of white space
    ],
    ids=["summary changed", "line appended", "white space"],
)
def test_a_decision_does_not_outlive_an_edit(step_endpoint, runner, tmp_path: Path, edit, decision) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "leeds.txt").write_text(LEEDS, encoding="utf-8")
    assert runner.invoke(main, ["batch", "in"]).exit_code == 0
    brief = Path("outputs/leeds.md")
    given = [decision] + (["dates are off"] if decision == "--reject" else ["--despite-problems"])
    assert runner.invoke(main, ["review", str(brief), *given, "--by", "Alice"]).exit_code == 0
    made = "approved" if decision == "--approve" else "rejected"
    assert f"{made} by Alice" in _index_row("leeds")  # the decision holds on the text it was made on

    header, body = brief.read_text(encoding="utf-8").split("\n---\n", 1)
    brief.write_text(header + "\n---\n" + edit(body), encoding="utf-8")

    shown = runner.invoke(main, ["review", str(brief)])
    assert shown.exit_code == 0 and shown.output.startswith("needs review"), shown.output
    rerun = runner.invoke(main, ["batch", "in"])  # up to date: the edited brief is not rewritten
    assert rerun.exit_code == 0, rerun.output
    assert "needs review" in _index_row("leeds") and f"{made} by" not in _index_row("leeds")
    page = Path("outputs/index.html").read_text(encoding="utf-8")
    assert "Alice" not in page and "needs review" in page
