"""The review desk in headless Chromium (as test_review_desk.py): the keys that reach each
problem, leave a field and open the first brief; the queue's search and filters; undo; a tab
that outlives a restart; the launcher that opens the desk without its key on a command line;
and the folder's index printed on A4."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from briefs import make_brief
from conftest import CHROMIUM
from test_review_desk import _folder, context, desk  # noqa: F401 (fixtures)

from summarise.batch.reports import write_index
from summarise.render import read_front_matter
from summarise.render.publish import write_brief
from summarise.review.desk import Desk, announce

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (Debian: apt-get install chromium)"),
]


def _review(path: Path) -> dict[str, Any]:
    return dict(read_front_matter(path.read_text(encoding="utf-8"))["review"])


def test_one_key_reaches_each_problem_of_twenty_briefs(desk, context, tmp_path: Path) -> None:  # noqa: F811
    folder = _folder(tmp_path, 20)
    server = desk(folder)
    page = context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(server.url)
    page.keyboard.press("Enter")  # the first brief, with no row chosen first
    navigation_keys = problems_reached = 0
    for number in range(1, 21):
        page.wait_for_url(f"**/brief?path=brief-{number:02}.md*")
        marked = page.locator("ul.checks li.fail, li.fact.has-problems, .line:has(.line-problems)")
        reached: list[str] = []
        for _ in range(marked.count()):
            page.keyboard.press("p")
            navigation_keys += 1
            reached.append(
                page.evaluate("document.activeElement.id || document.activeElement.textContent.slice(0, 40)")
            )
            assert page.evaluate("document.activeElement.classList.contains('current-problem')")
        assert len(set(reached)) == marked.count()  # each key a new problem: a failed check, a fact, a line
        problems_reached += len(reached)
        if reached:
            page.keyboard.press("Shift+P")  # and back to the one before
            assert page.evaluate("document.activeElement.classList.contains('current-problem')")
            navigation_keys += 1
        page.keyboard.press("Shift+A")
    page.wait_for_url("**/?token=*")
    assert page.locator("#progress").inner_text() == "20 of 20 reviewed" and not errors
    assert problems_reached >= 6 * 2 and navigation_keys <= 2 * problems_reached  # six briefs, two problems each


def test_escape_leaves_the_note_so_the_next_key_is_a_shortcut_again(desk, context, tmp_path: Path) -> None:  # noqa: F811
    folder = _folder(tmp_path, 3)
    server = desk(folder)
    page = context().new_page()
    page.goto(server.origin + "/brief?path=brief-03.md&token=" + server.token)
    page.keyboard.press("j")
    page.keyboard.press("n")
    page.keyboard.type("the date is 1998")
    page.keyboard.press("Escape")
    page.keyboard.press("x")  # wrong: a verdict, not a letter of the note
    assert page.locator("#F1 input[type=text]").input_value() == "the date is 1998"
    assert page.locator("#F1 input[value=wrong]").is_checked()
    assert page.locator("#judged").inner_text() == "1 of 3 facts judged"
    page.keyboard.press("Shift+X")
    page.keyboard.type("fact 1 is wrong")
    page.keyboard.press("Escape")
    page.keyboard.press("j")  # a shortcut again
    assert page.locator("#reason").input_value() == "fact 1 is wrong"


def test_the_queue_searches_filters_and_undoes_the_last_decision(desk, context, tmp_path: Path) -> None:  # noqa: F811
    folder = _folder(tmp_path, 6)
    before = (folder / "brief-02.md").read_text(encoding="utf-8")
    server = desk(folder)
    page = context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url)

    def titles() -> list[str]:
        return page.locator("#queue tbody tr td:first-child a").all_inner_texts()

    page.keyboard.press("/")
    page.keyboard.type("paragraph 12 says it in 1999")  # a fact's words, found in the briefs that state it
    page.keyboard.press("Enter")
    page.wait_for_url("**q=paragraph*")
    assert titles() == ["Brief 03", "Brief 06"]
    page.get_by_label("search").fill("")
    page.get_by_label("has problems").uncheck()
    page.get_by_label("sort").select_option("title")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**sort=title*")
    assert titles() == [f"Brief {number:02}" for number in range(1, 7)]
    assert page.locator("#queue td.judged").first.inner_text() == "0 of 1"

    page.goto(server.origin + "/brief?path=brief-02.md&token=" + server.token)
    page.keyboard.press("a")
    page.keyboard.press("Shift+A")
    page.wait_for_url("**/brief?path=brief-03.md*")
    assert _review(folder / "brief-02.md")["decision"] == "approved"
    assert "Last decision: approved brief-02.md" in page.locator("#undo").inner_text()
    page.keyboard.press("u")
    page.wait_for_url("**/brief?path=brief-02.md*")
    assert (folder / "brief-02.md").read_text(encoding="utf-8") == before  # as it was, byte for byte
    assert page.locator("#undo").count() == 0 and not errors
    server.close()  # the index is redrawn once decisions pause, and when the desk stops
    assert "needs review" in (folder / "index.md").read_text(encoding="utf-8").split("brief-02.md", 1)[1].split("\n")[0]


def test_an_open_tab_carries_on_after_the_desk_restarts(context, tmp_path: Path) -> None:  # noqa: F811
    import threading

    folder = _folder(tmp_path, 3)
    first = Desk(folder, "Reviewer")
    threading.Thread(target=first.serve, daemon=True).start()
    page = context().new_page()
    page.goto(first.origin + "/brief?path=brief-01.md&token=" + first.token)
    page.keyboard.press("a")
    first.close()  # stopped, say by Ctrl-C, with the tab left open

    again = Desk(folder, "Reviewer")
    threading.Thread(target=again.serve, daemon=True).start()
    try:
        page.keyboard.press("Shift+A")  # the form the tab still shows posts to the same address, same key
        page.wait_for_url("**/brief?path=brief-02.md*")
        review = _review(folder / "brief-01.md")
        assert review["decision"] == "approved" and review["facts"] == [{"fact": 1, "verdict": "right"}]
    finally:
        again.close()


def test_the_browser_opens_the_desk_from_a_file_not_a_command_line_with_its_key(
    desk,  # noqa: F811
    context,  # noqa: F811
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path, 2)
    server = desk(folder)
    opened: list[str] = []
    announce(server, True, lambda line: None, opened.append)
    (launcher,) = opened
    assert launcher.startswith("file://") and server.token not in launcher
    page = context().new_page()
    page.goto(launcher)
    page.wait_for_url(f"{server.origin}/?token=*")
    assert page.locator("#progress").inner_text() == "0 of 2 reviewed"
    page.keyboard.press("Enter")  # and the desk works from there: its own pages, same-origin
    page.wait_for_url("**/brief?path=brief-01.md*")


def test_the_index_prints_on_a4_with_whole_titles_and_twenty_rows_on_a_page(context, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "outputs"
    for number in range(1, 21):  # long source paths, as a real folder has: they must not squeeze the titles
        source = "inputs/" + "a-long-folder-name/" * 3 + f"report-{number}.txt"
        write_brief(folder / f"brief-{number:02}.md", make_brief(title=f"Brief {number:02}", source=source), html=True)
    write_index(folder)
    page = context().new_page()
    page.goto((folder / "index.html").as_uri())
    pdf = pypdfium2.PdfDocument(page.pdf(format="A4"))
    text = "".join(pdf[number].get_textpage().get_text_range() for number in range(len(pdf)))
    assert len(pdf) <= 2
    assert all(f"Brief {number:02}" in text for number in range(1, 21))  # no title broken into letters
