"""Promises: one rule for invisible controls, and names shown as written.

Bidirectional controls (U+202E turns the rest of a line around, "Trojan Source") and the other
invisible format characters that can hide or reorder text (tag characters, interlinear
annotations, invisible operators) reach no output of summarise, whether they come from a
model's answer, a document or a file name: not the Markdown brief (front matter included),
its JSON, its page, the index, the desk, nor standard output with `-o -`. Terminal lines show
them as escapes (`\\u202e`), never raw.

A file name is shown as written: `&lt;script&gt;.txt` is not decoded into `<script>.txt` in
its heading or the index, and the desk names a page `a.html`, not `a.md.html`.
Briefs are made against the FaultInjectionStub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from summarise.cli import main

CONTROLS = {
    "RLO U+202E": "\u202e",
    "LRO U+202D": "\u202d",
    "RLE U+202B": "\u202b",
    "PDF U+202C": "\u202c",
    "RLI U+2067": "\u2067",
    "PDI U+2069": "\u2069",
    "LRM U+200E": "\u200e",
    "RLM U+200F": "\u200f",
    "ALM U+061C": "\u061c",
    "tag U+E0041": "\U000e0041",
    "annotation U+FFF9": "\ufff9",
    "invisible times U+2062": "\u2062",
}


def _written(root: Path) -> dict[str, str]:
    """What a reader is shown: every output file but the batch's own records (the state file
    keeps the names as the file system has them, to match them on the next run)."""
    shown = [path for path in root.rglob("*") if path.is_file() and not path.relative_to(root).parts[0].startswith(".")]
    return {str(path): path.read_text(encoding="utf-8") for path in shown}


@pytest.mark.parametrize("control", CONTROLS.values(), ids=CONTROLS.keys())
def test_invisible_controls_reach_no_output(step_endpoint, runner, tmp_path: Path, control: str) -> None:
    summary = f"The council{control} met in Leeds [1]. It approved{control} a budget [1]. It ends here [1]."
    fact = {"facts": [{"line": 2, "fact_in_English": f"The budget{control} was approved.", "category": "what"}]}
    step_endpoint.enqueue("summary", summary, summary).enqueue("facts", json.dumps(fact), json.dumps(fact))
    (tmp_path / "in").mkdir()
    name = f"leeds{control}cod.exe.txt"
    text = f"Leeds council{control} report\n\nThe council{control} met on 4 May 2024. It approved a budget.\n"
    (tmp_path / "in" / name).write_text(text, encoding="utf-8")

    batch = runner.invoke(main, ["batch", "in", "--json"])
    assert batch.exit_code == 0, batch.output
    printed = runner.invoke(main, ["brief", f"in/{name}", "-o", "-"])  # Markdown on standard output
    assert printed.exit_code == 0, printed.output
    decided = runner.invoke(main, ["review", f"outputs/{name[:-4]}.md", "--reject", f"wrong{control}date"])
    assert decided.exit_code == 0, decided.output

    outputs = _written(tmp_path / "outputs")
    assert {Path(path).suffix for path in outputs} >= {".md", ".json", ".html"}
    for where, content in {**outputs, "-o -": printed.stdout, "terminal": batch.output + decided.output}.items():
        assert control not in content, where
    assert "leeds" in outputs[str(tmp_path / "outputs" / "index.md")]  # the brief is listed, only its control gone


NAMES = ["&lt;script&gt;", "&amp;-notes", "a*b*c", "[x](y)", "&#60;b&#62;"]


@pytest.mark.parametrize("stem", NAMES)
def test_a_file_name_is_shown_as_written(step_endpoint, runner, tmp_path: Path, stem: str) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / f"{stem}.txt").write_text("The council met on 4 May 2024. It approved a budget.\n")
    assert runner.invoke(main, ["batch", "in"]).exit_code == 0

    def rendered_text(markdown: str) -> str:
        """What a CommonMark viewer shows: the text of the rendered HTML, entities decoded once."""
        import html
        import re

        return html.unescape(re.sub(r"<[^>]+>", "", MarkdownIt("commonmark").enable("table").render(markdown)))

    title = stem.replace("-", " ").capitalize()  # a title made of the file's name: its words, as written
    brief = Path(f"outputs/{stem}.md").read_text(encoding="utf-8")
    heading = next(line for line in brief.split("\n---\n", 1)[1].splitlines() if line.startswith("# "))
    assert rendered_text(heading).strip() == title, heading
    index = Path("outputs/index.md").read_text(encoding="utf-8")
    row = next(line for line in index.splitlines() if line.startswith("| ["))
    cells = [cell.strip() for cell in rendered_text(row).split("|")]
    assert cells[1] == title and cells[2] == f"in/{stem}.txt", row
    page = Path(f"outputs/{stem}.html").read_text(encoding="utf-8")
    import html

    assert f"<h1>{html.escape(title, quote=False)}</h1>" in page


def test_the_desk_names_the_page_that_is_out_of_date(step_endpoint, runner, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("The council met on 4 May 2024. It approved a budget.\n")
    assert runner.invoke(main, ["batch", "in"]).exit_code == 0
    brief = Path("outputs/a.md")
    brief.write_text(brief.read_text(encoding="utf-8") + "\nA line added by hand.\n", encoding="utf-8")

    from summarise.review.desk import Desk

    desk = Desk(Path("outputs"), "Alice")
    try:
        answer = desk.brief_page("a.md")
    finally:
        desk.server.server_close()
    assert answer.status == 409
    assert "a.html shows another version" in answer.body and "a.md.html" not in answer.body
