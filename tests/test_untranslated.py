"""A line the model could not translate: a state of the line (Line.translated), not its text.

The brief shows it as it always has, the source line after an "[untranslated]" mark, in the
Markdown, the JSON and the page; the checks count it. A translation that itself says
"[untranslated]" (a document about such marks) is a translated line like any other.
"""

from __future__ import annotations

import json
from pathlib import Path

from summarise.cli import main
from summarise.render.html import read_page_record


def _brief(runner, endpoint, source: str, translations: dict[str, str]) -> tuple[str, dict, str]:
    for step, text in translations.items():  # what each translation step answers
        endpoint.enqueue(step, text)
    Path("doc.txt").write_text(source, encoding="utf-8")
    result = runner.invoke(main, ["brief", "doc.txt", "-o", "doc.md", "--json", "--html"])
    assert result.exit_code == 0, result.output
    markdown = Path("doc.md").read_text(encoding="utf-8")
    record = json.loads(Path("doc.json").read_text(encoding="utf-8"))
    return markdown, record, Path("doc.html").read_text(encoding="utf-8")


def _check(record: dict, name: str) -> dict:
    return next(check for check in record["checks"] if check["name"] == name)


def test_a_line_left_untranslated_shows_marked_in_its_source_language(runner, step_endpoint) -> None:
    source = "Le 11 mai 2022, le Maroc accueille la réunion.\n\nLa Coalition compte 84 membres."
    first = "[1] On 11 May 2022, Morocco hosts the meeting."  # line 2 missing, and again when re-asked
    markdown, record, page = _brief(runner, step_endpoint, source, {"translate": first, "translate again": first})
    translation = markdown.split("## Translation", 1)[1].split("\n## ", 1)[0]
    assert "\\[untranslated\\] La Coalition compte 84 membres." in translation  # escaped as Markdown
    line = record["lines"][1]
    assert line == {**line, "translation": "[untranslated] La Coalition compte 84 membres."}
    assert "translated" not in line  # the JSON reads as before
    check = _check(record, "Translation complete")
    assert not check["passed"] and "1 line(s) left untranslated" in check["detail"]
    assert check["lines"] == [{"number": 2, "reason": "left untranslated"}]
    assert page.count('class="untranslated-label"') == 1
    # `summarise review` redraws the page from the record it carries: the state comes back.
    redrawn = read_page_record(page)
    assert redrawn is not None
    assert [line.translated for line in redrawn.lines] == [True, False]
    assert redrawn.lines[1].translation == "La Coalition compte 84 membres."


def test_a_translation_that_says_untranslated_is_a_translated_line(runner, step_endpoint) -> None:
    source = "[untranslated] marque une ligne laissée telle quelle.\n\nLa Coalition compte 84 membres."
    answer = "[1] [untranslated] marks a line left as it was.\n[2] The Coalition has 84 members."
    _, record, page = _brief(runner, step_endpoint, source, {"translate": answer})
    check = _check(record, "Translation complete")
    assert check["passed"] and "every line translated" in check["detail"], check
    assert record["lines"][0]["translation"] == "[untranslated] marks a line left as it was."
    assert 'class="untranslated-label"' not in page
    assert "[untranslated] marks a line left as it was." in page  # the translation, whole
