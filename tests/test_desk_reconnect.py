"""An open tab outlives a restart of the desk on the same --port: it says the desk is gone, keeps
what was typed in it (a note, a correction not yet saved), sends nothing meanwhile, and carries
on when the desk is back. In headless Chromium, the desk restarted within the test."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import CHROMIUM
from test_review_desk import _folder, context  # noqa: F401 (fixture)

from summarise.render import read_front_matter
from summarise.review.desk import Desk
from summarise.review.drafts import load_draft

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (Debian: apt-get install chromium)"),
]


def _started(folder: Path, port: int = 0) -> Desk:
    desk = Desk(folder, "Reviewer", port)
    threading.Thread(target=desk.serve, daemon=True).start()
    return desk


def test_an_open_tab_says_the_desk_is_gone_keeps_its_work_and_carries_on_when_it_is_back(
    context,  # noqa: F811
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path, 3)  # brief-03 has three facts and problems
    first = _started(folder)
    port = first.server.server_address[1]
    page = context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(first.origin + "/brief?path=brief-03.md&token=" + first.token)
    page.keyboard.press("a")  # fact 1 right, kept as a draft
    status = page.locator("#desk-status")
    again = None
    try:
        first.close()
        first = None  # Ctrl-C, the tab left open
        status.wait_for(state="visible")
        assert "not answering" in status.inner_text()

        # The reviewer works on: a note, a correction not saved yet, a decision tried.
        page.locator("input[name=note-2]").fill("the year looks wrong")
        edit = page.locator("#edit-fact-2")
        edit.locator("xpath=..").locator("summary").click()
        edit.locator("textarea").fill("A corrected fact, not saved yet.")
        page.locator("#acknowledged").check()
        page.locator("#approve").click()
        page.wait_for_function("document.getElementById('desk-status').textContent.startsWith('Not sent')")
        assert "/brief?path=brief-03.md" in page.url  # still the page, with everything typed in it

        # `summarise review FOLDER --serve --port PORT` again, with the same key; the note given
        # while the desk was away reaches it as a draft without a keystroke more.
        with page.expect_response(lambda answer: "/draft" in answer.url and answer.status == 204):
            again = _started(folder, port)
            page.wait_for_function("document.getElementById('desk-status').textContent.includes('back')")
        assert load_draft(folder, "brief-03.md").get("note-2") == "the year looks wrong"
        assert page.locator("input[name=note-2]").input_value() == "the year looks wrong"
        assert edit.locator("textarea").input_value() == "A corrected fact, not saved yet."

        with page.expect_navigation():
            page.locator("#approve").click()  # and the decision goes through now
        front = read_front_matter((folder / "brief-03.md").read_text(encoding="utf-8")) or {}
        review = front["review"]
        assert review["decision"] == "approved"
        assert review["facts"] == [{"fact": 1, "verdict": "right"}]
        assert not errors
    finally:
        for desk in (first, again):  # whichever is still running
            if desk is not None:
                desk.close()
