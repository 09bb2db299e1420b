"""The desk counts a reviewer's draft as judged work, and its undo outlives a restart of the desk.
(The browser side, a tab that reconnects: test_desk_reconnect.py.)"""

from __future__ import annotations

import re
import stat
import time
from http import HTTPStatus
from pathlib import Path

from test_review_folder import _folder

from summarise.render import read_front_matter
from summarise.review import JOURNAL, record_review
from summarise.review.access import ACCESS_FOLDER
from summarise.review.desk import Desk


def _version(desk: Desk, name: str) -> str:
    found = re.search(r'name="version" value="([0-9a-f]+)"', desk.brief_page(name).body)
    assert found, "the page carries the version of its text"
    return found[1]


def _decision(folder: Path, name: str) -> str:
    return str((read_front_matter((folder / name).read_text(encoding="utf-8")) or {})["review"]["decision"])


def _judged_cell(queue_page: str, name: str) -> str:
    row = queue_page.split(f'<span class="small">{name}')[1].split("</tr>")[0]
    return re.sub(r"<[^>]+>", " ", row.split('data-label="Facts judged">')[1].split("</td>")[0]).strip()


def test_verdicts_kept_as_a_draft_count_as_facts_judged_in_the_queue_and_the_page(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)  # brief-03 has three facts
    desk = Desk(folder, "Reviewer")
    try:
        assert _judged_cell(desk.queue().body, "brief-03.md") == "0 of 3"
        form = {"brief": ["brief-03.md"], "verdict-1": ["right"], "verdict-3": ["wrong"], "note-2": ["ask Bob"]}
        assert desk.keep_draft(form).status == HTTPStatus.NO_CONTENT  # as the page's script posts it
        assert _judged_cell(desk.queue().body, "brief-03.md") == "2 of 3 draft"
        assert "2 of 3 facts judged" in desk.brief_page("brief-03.md").body
        sorted_page = desk.queue({"sort": ["judged"]}).body
        assert sorted_page.index("brief-03.md") > sorted_page.index("brief-02.md")  # fewest judged first
        # Decided: the verdicts are the decision's now, and the draft is gone.
        form = {**form, "decision": ["approved"], "version": [_version(desk, "brief-03.md")], "acknowledged": ["1"]}
        assert desk.decide(form).status == HTTPStatus.SEE_OTHER
        assert _judged_cell(desk.queue().body, "brief-03.md") == "2 of 3"
    finally:
        desk.close()


def test_the_last_decision_can_be_undone_after_the_desk_restarts(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)
    record_review(folder / "brief-01.md", "rejected", "Bob", "the date is wrong")
    before = (folder / "brief-01.md").read_text(encoding="utf-8")
    first = Desk(folder, "Alice")
    form = {"brief": ["brief-01.md"], "decision": ["approved"], "version": [_version(first, "brief-01.md")]}
    assert first.decide(form).status == HTTPStatus.SEE_OTHER
    first.close()  # Ctrl-C

    again = Desk(folder, "Alice")
    try:
        assert "Last decision: approved brief-01.md." in again.queue().body
        assert "Last decision: approved brief-01.md." in again.brief_page("brief-02.md").body
        assert again.undo().status == HTTPStatus.SEE_OTHER
        assert (folder / "brief-01.md").read_text(encoding="utf-8") == before  # Bob's rejection, byte for byte
        assert "Last decision:" not in again.queue().body  # undone once, then nothing left to undo
    finally:
        again.close()
    kept = folder / ACCESS_FOLDER / "undo.json"
    assert not kept.exists() or stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_after_a_restart_undo_changes_nothing_when_the_brief_was_decided_again(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)
    first = Desk(folder, "Alice")
    form = {"brief": ["brief-02.md"], "decision": ["approved"], "version": [_version(first, "brief-02.md")]}
    assert first.decide(form).status == HTTPStatus.SEE_OTHER
    first.close()
    record_review(folder / "brief-02.md", "rejected", "Bob", "fact 1 is wrong")  # meanwhile, at the command line
    after = (folder / "brief-02.md").read_text(encoding="utf-8")
    again = Desk(folder, "Alice")
    try:
        answer = again.undo()
        assert answer.status == HTTPStatus.CONFLICT and "nothing was undone" in answer.body
        assert (folder / "brief-02.md").read_text(encoding="utf-8") == after
        assert _decision(folder, "brief-02.md") == "rejected"
    finally:
        again.close()
    kept = folder / ACCESS_FOLDER / "undo.json"
    assert not kept.exists()
    third = Desk(folder, "Alice")
    try:
        assert third.undo().status == HTTPStatus.CONFLICT  # and not offered again
    finally:
        third.close()


def _index_says(folder: Path, name: str) -> str:
    return next(line for line in (folder / "index.md").read_text(encoding="utf-8").splitlines() if f"({name})" in line)


def test_a_decision_does_not_wait_for_the_index_which_follows_when_decisions_pause(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)
    desk = Desk(folder, "Alice")
    try:
        form = {"brief": ["brief-01.md"], "decision": ["approved"], "version": [_version(desk, "brief-01.md")]}
        assert desk.decide(form).status == HTTPStatus.SEE_OTHER
        assert _decision(folder, "brief-01.md") == "approved"  # the record, and its page, at once
        assert "approved</span> by Alice" in (folder / "brief-01.html").read_text(encoding="utf-8")
        assert "needs review" in _index_says(folder, "brief-01.md")  # not redrawn within the decision
        assert (folder / JOURNAL).is_file()  # which the journal says, should the desk be killed now
        assert "1 of 3 reviewed" in desk.brief_page("brief-02.md").body  # the desk itself knows
    finally:
        desk.close()  # Ctrl-C: the index is brought up to date before the desk exits
    assert "approved by Alice" in _index_says(folder, "brief-01.md") and not (folder / JOURNAL).exists()


def test_a_desk_killed_before_its_index_was_redrawn_is_finished_by_the_next(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)
    killed = Desk(folder, "Alice")
    try:
        form = {"brief": ["brief-02.md"], "decision": ["approved"], "version": [_version(killed, "brief-02.md")]}
        assert killed.decide(form).status == HTTPStatus.SEE_OTHER
        assert "needs review" in _index_says(folder, "brief-02.md")
        again = Desk(folder, "Alice")  # as if the first were killed (kill -9): the journal is still there
        again.close()
        assert "approved by Alice" in _index_says(folder, "brief-02.md") and not (folder / JOURNAL).exists()
    finally:
        killed.close()


def test_the_index_is_redrawn_once_decisions_pause(tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)
    desk = Desk(folder, "Alice")
    try:
        assert desk.index is not None
        desk.index.delay = 0.0  # the pause: here, none
        form = {
            "brief": ["brief-03.md"],
            "decision": ["rejected"],
            "reason": ["no"],
            "version": [_version(desk, "brief-03.md")],
        }
        assert desk.decide(form).status == HTTPStatus.SEE_OTHER
        for _ in range(200):  # the writer's thread, without the desk stopping
            if not (folder / JOURNAL).exists():
                break
            time.sleep(0.05)
        assert "rejected by Alice: no" in _index_says(folder, "brief-03.md")
    finally:
        desk.close()
