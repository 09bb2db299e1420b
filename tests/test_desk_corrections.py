"""The review desk in Chromium (Playwright, as test_review_desk.py): a reviewer corrects a line
and a fact, approves, and the correction is never asked of the model again; a reload and a stale
tab lose no verdict and overwrite nothing. The files' side of the same: test_corrections.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CHROMIUM
from test_corrections import FRENCH, RIGHT_LINE_2, answers, folder_of, make

from summarise.batch.reports import write_index
from summarise.config.memory import load_memory
from summarise.render import read_front_matter
from summarise.render.front_matter import holding_review
from summarise.render.publish import write_brief
from summarise.review.desk import Desk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (Debian: apt-get install chromium)"),
]
RIGHT_FACT_1 = "UNDP has funded stabilization in Iraq since 2015."


@pytest.fixture
def desk_on(tmp_path: Path) -> Iterator[Any]:
    """A folder holding the wrong brief of FRENCH, and its desk; the memory in the test's cache folder."""
    started: list[Desk] = []

    def start() -> tuple[Desk, Path]:
        out = folder_of(tmp_path)
        write_brief(out / "doc.md", make(answers()), html=True, index="index.html")
        write_index(out)
        desk = Desk(out, "Reviewer", memory=tmp_path / "cache")
        threading.Thread(target=desk.serve, daemon=True).start()
        started.append(desk)
        return desk, out

    yield start
    for desk in started:
        desk.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def _correct(page: Any, kind: str, number: int, text: str) -> None:
    form = page.locator(f"#edit-{kind}-{number}")
    form.locator("xpath=..").locator("summary").click()  # the <details> that holds it
    form.locator("textarea").fill(text)
    with page.expect_navigation():
        form.locator("button[value=save]").click()


def test_a_reviewer_corrects_a_fact_and_a_line_and_the_correction_stays(desk_on, page, tmp_path: Path) -> None:
    server, out = desk_on()
    path = out / "doc.md"
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())  # "approve anyway, having seen the problems?"
    page.goto(server.origin + "/brief?path=doc.md&token=" + server.token)
    assert "“3 mars 2024” is not in the translation" in page.locator("#L2").inner_text()
    assert "flagged" in page.locator("#F1 .badge").first.inner_text()

    _correct(page, "line", 2, RIGHT_LINE_2)
    # Checked at once, by the grounding code, and shown with what it replaced.
    assert RIGHT_LINE_2 in page.locator("#L2 .tr").inner_text()
    assert "is not in the translation" not in page.locator("#L2").inner_text()
    assert page.locator("#corrections del").first.inner_text() == "2023."
    assert page.locator("#corrections ins").first.inner_text() == "2024."
    _correct(page, "fact", 1, RIGHT_FACT_1)
    assert page.locator("#F1 .statement").inner_text() == RIGHT_FACT_1
    assert "supported" in page.locator("#F1 .badge").first.inner_text()

    page.keyboard.press("a")  # fact 1 right
    page.keyboard.press("a")  # fact 2 right
    with page.expect_navigation():
        page.keyboard.press("Shift+A")
    markdown = path.read_text(encoding="utf-8")
    review = holding_review(markdown)
    assert review is not None and review.decision == "approved"  # of the corrected text
    assert [edit["by"] for edit in read_front_matter(markdown)["edits"]] == ["Reviewer", "Reviewer"]
    assert "UN representatives met in Geneva on 3 March 2024." in markdown.split("## Translation")[1]
    page_file = path.with_suffix(".html").read_text(encoding="utf-8")  # the file:// page too
    assert "<del>2023.</del>" in page_file and "approved</span> by Reviewer" in page_file
    assert not errors

    # The same document again: line 2 from the memory (not asked), the fact corrected again, approval kept.
    memory = load_memory(tmp_path / "cache")
    model = answers()
    rerun = write_brief(path, make(model, memory=memory), html=True, index="index.html")
    # Both lines were approved (line 1 as the model wrote it, line 2 as corrected): no translation call at all.
    assert not [request for request in model.asked if request.step.startswith("translate")]
    # Given back to the brief they were approved in, the lines read as they did there (line 2 as corrected).
    assert [line.translation for line in rerun.lines] == [RIGHT_FACT_1, RIGHT_LINE_2]
    assert [line.origin for line in rerun.lines] == ["", ""]
    markdown = path.read_text(encoding="utf-8")
    assert holding_review(markdown) is not None  # the approval holds
    numbers = next(c for c in rerun.checks if c.name == "Numbers and dates kept in the translation")
    assert numbers.passed and rerun.facts[0].supported  # the checks ran on the remembered line

    # Another document with the same line: taken from the memory, and it says whose review.
    other = "Une autre phrase sans rapport.\n\n" + FRENCH.split("\n\n")[1]
    model = answers("[1] Another unrelated sentence.")
    second = make(model, other, "other.txt", memory=memory)
    assert second.lines[1].translation == RIGHT_LINE_2
    assert second.lines[1].origin.startswith("from review of doc.md by Reviewer on ")
    asked = [r.messages[-1]["content"] for r in model.asked if r.step.startswith("translate")]
    task = asked[0].split("\n\n")[-1]  # the task, after the document: only line 1 is asked for
    assert len(asked) == 1 and task.startswith(
        "Task: translate only these lines of the document above into English: [1]."
    )


def test_a_reload_keeps_the_verdicts_and_notes_given_so_far(desk_on, page) -> None:
    server, out = desk_on()
    page.goto(server.origin + "/brief?path=doc.md&token=" + server.token)
    with page.expect_response(lambda response: response.url.endswith("/draft")):
        page.keyboard.press("x")  # fact 1 wrong
    page.locator("input[name=note-1]").fill("the year is 2015")
    # The draft that holds the reason (the note's own may be posted first, on a slow machine).
    with page.expect_response(
        lambda answer: answer.url.endswith("/draft") and "reason=fact" in answer.request.post_data
    ):
        page.locator("#reason").fill("fact 1 misreads the year")
    page.reload()
    assert page.locator("input[name=verdict-1][value=wrong]").is_checked()
    assert page.locator("input[name=note-1]").input_value() == "the year is 2015"
    assert page.locator("#reason").input_value() == "fact 1 misreads the year"
    assert read_front_matter((out / "doc.md").read_text(encoding="utf-8"))["review"] == {"decision": "needs review"}


def test_a_stale_tab_cannot_decide_on_a_text_it_did_not_show(desk_on, browser) -> None:
    server, out = desk_on()
    path = out / "doc.md"
    url = server.origin + "/brief?path=doc.md&token=" + server.token
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        first, stale = context.new_page(), context.new_page()
        stale.on("dialog", lambda dialog: dialog.accept())
        stale.goto(url)
        first.goto(url)
        _correct(first, "line", 2, RIGHT_LINE_2)  # the text changes under the stale tab
        corrected = path.read_text(encoding="utf-8")

        with stale.expect_response(lambda response: response.url.endswith("/draft")):
            stale.keyboard.press("x")  # fact 1 wrong, in the stale tab
        with stale.expect_response(lambda response: response.url.endswith("/decide")) as answer:
            stale.keyboard.press("Shift+A")
        assert answer.value.status == 409
        assert "changed after your page was drawn" in stale.locator("#desk-error").inner_text()
        assert path.read_text(encoding="utf-8") == corrected  # nothing overwritten, no approval recorded
        # The tab now shows the text on disk, with the reviewer's verdict kept.
        assert RIGHT_LINE_2 in stale.locator("#L2 .tr").inner_text()
        assert stale.locator("input[name=verdict-1][value=wrong]").is_checked()
        with stale.expect_navigation():
            stale.keyboard.press("Shift+A")  # decided again, on the text it now shows
        review = holding_review(path.read_text(encoding="utf-8"))
        assert review is not None and review.facts[0].verdict == "wrong"
    finally:
        context.close()
