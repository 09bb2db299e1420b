"""The review desk (`summarise review FOLDER --serve`) and the pages on a phone, in dark mode and
printed: in headless Chromium, driven by Playwright, as tests/test_browser.py does.

The desk is the real server, on 127.0.0.1; the only other server here is the "other site"
of the cross-origin test, a page on another local port that tries to post a decision.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from briefs import make_brief
from conftest import CHROMIUM

from summarise.batch.reports import write_index
from summarise.batch.state import STATE_FILE
from summarise.brief import Check
from summarise.render import read_front_matter
from summarise.render.publish import write_brief
from summarise.review.desk import Desk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (Debian: apt-get install chromium)"),
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _clean(title: str) -> Any:
    return make_brief(title=title, facts=make_brief().facts[:1], checks=(Check("Translation complete", True, "ok"),))


def _folder(tmp_path: Path, count: int) -> Path:
    """`count` briefs as a batch writes them: every third one with a flagged fact and a failed check."""
    out = tmp_path / "outputs"
    out.mkdir()
    (out / STATE_FILE).write_text("{}", encoding="utf-8")
    for number in range(1, count + 1):
        brief = make_brief(title=f"Brief {number:02}") if number % 3 == 0 else _clean(f"Brief {number:02}")
        write_brief(out / f"brief-{number:02}.md", brief, html=True, index="index.html")
    write_index(out)
    return out


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Any]:
    started: list[Desk] = []

    def start(folder: Path) -> Desk:
        desk = Desk(folder, "Reviewer")
        threading.Thread(target=desk.serve, daemon=True).start()
        started.append(desk)
        return desk

    yield start
    for desk in started:
        desk.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def new(**options: Any) -> Any:
        made = browser.new_context(**{"viewport": DESKTOP, **options})
        contexts.append(made)
        return made

    yield new
    for made in contexts:
        made.close()


def _body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]


def test_a_reviewer_goes_through_twenty_briefs_with_the_keyboard_alone(desk, context, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 20)
    bodies = {path.name: _body(path) for path in folder.glob("*.md") if path.name != "index.md"}
    server = desk(folder)
    page = context().new_page()
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.goto(server.url)
    assert page.locator("#progress").inner_text() == "0 of 20 reviewed"

    page.keyboard.press("]")  # the first brief that needs review
    for number in range(1, 21):
        page.wait_for_url(f"**/brief?path=brief-{number:02}.md*")
        assert page.locator("#progress").inner_text() == f"{number - 1} of 20 reviewed"
        facts = page.locator("li.fact").count()
        for index in range(facts):  # right, wrong, unsure in turn: each key moves on to the next fact
            page.keyboard.press(["a", "x", " "][index % 3])
        if number % 5 == 0:
            page.keyboard.press("Shift+X")  # reject: the reason field takes the keys
            page.keyboard.type(f"fact 1 of brief {number} is wrong")
            page.keyboard.press("Enter")
        else:
            page.keyboard.press("Shift+A")
    page.wait_for_url("**/?token=*")
    assert page.locator("#progress").inner_text() == "20 of 20 reviewed"
    assert not errors
    assert len(dialogs) == 5  # the briefs with problems, approved: each asked first (3, 6, 9, 12, 18; 15 was rejected)
    assert dialogs[0].startswith("This brief has 2 failed check(s) or fact(s) with a problem")

    for number in range(1, 21):
        path = folder / f"brief-{number:02}.md"
        review = read_front_matter(path.read_text(encoding="utf-8"))["review"]
        assert review["decision"] == ("rejected" if number % 5 == 0 else "approved") and review["by"] == "Reviewer"
        facts = 3 if number % 3 == 0 else 1
        assert [v["verdict"] for v in review["facts"]] == ["right", "wrong", "unsure"][:facts]
        assert _body(path) == bodies[path.name]  # the brief's text untouched
        assert f"{review['decision']}</span> by Reviewer" in path.with_suffix(".html").read_text(encoding="utf-8")
    server.close()  # the index is redrawn once decisions pause, and when the desk stops
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "20 of 20 reviewed</strong>: 16 approved, 4 rejected, 0 need review" in index
    assert "| rejected by Reviewer: fact 1 of brief 5 is wrong |" in (folder / "index.md").read_text(encoding="utf-8")


def test_approving_a_brief_with_problems_asks_to_confirm_first(desk, context, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)
    path = folder / "brief-03.md"  # a flagged fact and a failed check
    before = path.read_text(encoding="utf-8")
    server = desk(folder)
    page = context().new_page()
    answers = iter([False, True])
    page.on("dialog", lambda dialog: dialog.accept() if next(answers) else dialog.dismiss())
    page.goto(server.origin + "/brief?path=brief-03.md&token=" + server.token)
    assert page.locator("#attention").inner_text().startswith("To check: 1 failed check, 1 fact with a problem")

    page.keyboard.press("Shift+A")  # dismissed: nothing is written
    page.wait_for_timeout(300)
    assert path.read_text(encoding="utf-8") == before and "brief-03.md" in page.url
    page.locator("#approve").click()  # confirmed this time
    page.wait_for_url("**/brief?path=brief-01.md*")  # on to the next brief that needs review
    assert read_front_matter(path.read_text(encoding="utf-8"))["review"]["decision"] == "approved"


def test_the_server_itself_refuses_an_unacknowledged_approval(desk, context, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)
    before = (folder / "brief-03.md").read_text(encoding="utf-8")
    server = desk(folder)
    request = context().request
    answer = request.post(
        server.origin + "/decide",
        form={"token": server.token, "brief": "brief-03.md", "decision": "approved"},
        headers={"Origin": server.origin},
        max_redirects=0,
    )
    assert answer.status == 409 and "confirm you have seen them" in answer.text()
    rejected = request.post(
        server.origin + "/decide",
        form={"token": server.token, "brief": "brief-03.md", "decision": "rejected", "reason": " "},
        headers={"Origin": server.origin},
        max_redirects=0,
    )
    assert rejected.status == 400 and "needs a reason" in rejected.text()
    assert (folder / "brief-03.md").read_text(encoding="utf-8") == before


def test_the_desk_refuses_requests_without_its_token_or_from_another_origin(desk, context, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 2)
    before = (folder / "brief-01.md").read_text(encoding="utf-8")
    server = desk(folder)
    assert server.server.server_address[0] == "127.0.0.1"  # nothing listens on another address
    page = context().new_page()
    port = server.server.server_address[1]
    for url in (
        server.origin + "/",
        server.origin + "/?token=wrong",
        server.origin + "/brief?path=brief-01.md",
        f"http://localhost:{port}/?token={server.token}",  # another host name for the same port: refused
    ):
        response = page.goto(url)
        assert response.status == 403, url
        assert "Refused" in page.locator("body").inner_text() and server.token not in page.content()

    class OtherSite(BaseHTTPRequestHandler):
        """A page on another origin that knows the token and posts a decision to the desk."""

        def do_GET(self) -> None:
            form = (
                f'<form method="post" action="{server.origin}/decide">'
                f'<input name="token" value="{server.token}"><input name="brief" value="brief-01.md">'
                '<input name="decision" value="approved"></form><script>document.forms[0].submit()</script>'
            )
            body = form.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    other = ThreadingHTTPServer(("127.0.0.1", 0), OtherSite)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        with page.expect_response(lambda r: r.url.endswith("/decide")) as posted:
            page.goto(f"http://127.0.0.1:{other.server_address[1]}/")
        assert posted.value.status == 403
    finally:
        other.shutdown()
        other.server_close()
    assert (folder / "brief-01.md").read_text(encoding="utf-8") == before


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_pages_fit_the_screen_on_a_phone_and_a_desktop(desk, context, tmp_path: Path, name: str, viewport) -> None:
    folder = _folder(tmp_path, 3)
    long = make_brief(title="A long source path", source="inputs/" + "a-very-long-folder-name/" * 8 + "x.txt")
    write_brief(folder / "long.md", long, html=True, index="index.html")
    write_index(folder)
    server = desk(folder)
    page = context(viewport=viewport).new_page()
    for label, url in (
        ("index", (folder / "index.html").as_uri()),
        ("brief", (folder / "brief-03.html").as_uri()),
        ("long", (folder / "long.html").as_uri()),
        ("desk", server.url),
        ("desk-brief", server.origin + "/brief?path=brief-03.md&token=" + server.token),
    ):
        page.goto(url)
        page.screenshot(path=str(tmp_path / f"{label}-{name}.png"), full_page=True)
        assert _no_horizontal_scroll(page), f"{label} scrolls sideways at {viewport['width']} px"
    if name == "phone":  # the side-by-side view stacks: a line's translation under its source
        page.goto((folder / "brief-03.html").as_uri())
        line = page.locator("#L1")
        source, translation = (line.locator(cell).bounding_box() for cell in (".src", ".tr"))
        assert translation["y"] >= source["y"] + source["height"] - 1


def test_dark_mode_and_print_keep_what_the_page_marks(context, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 3)
    light = context().new_page()
    light.goto((folder / "brief-03.html").as_uri())
    dark = context(color_scheme="dark").new_page()
    dark.goto((folder / "brief-03.html").as_uri())
    dark.screenshot(path=str(tmp_path / "brief-dark.png"), full_page=True)

    def background(page: Any, selector: str) -> str:
        return str(page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor"))

    page_colour = "getComputedStyle(document.documentElement).backgroundColor"
    assert light.evaluate(page_colour) == "rgb(255, 255, 255)" and dark.evaluate(page_colour) == "rgb(22, 26, 33)"
    flagged = "li.fact.has-problems"
    assert background(dark, ".line.flagged") != background(dark, ".line:not(.flagged):not(.problem)")

    light.emulate_media(media="print")
    assert light.evaluate("getComputedStyle(document.documentElement).printColorAdjust") == "exact"
    assert light.locator(".line").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    assert light.locator(flagged).first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"


def test_the_index_filters_by_review_searches_and_keeps_its_view_in_the_fragment(context, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 4)
    from summarise.review import record_review

    record_review(folder / "brief-02.md", "approved", "Alice")
    page = context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((folder / "index.html").as_uri())
    assert page.locator("#counts").inner_text().startswith("1 of 4 reviewed: 1 approved, 0 rejected, 3 need review")

    def titles() -> list[str]:
        return page.locator("#briefs tbody tr:not([hidden]) td:first-child a").all_inner_texts()

    page.get_by_label("needs review only").check()
    assert titles() == ["Brief 01", "Brief 03", "Brief 04"]
    page.get_by_label("search").fill("brief 0")
    page.get_by_label("search").press("End")
    page.get_by_label("search").type("4")
    assert titles() == ["Brief 04"]
    page.locator("#briefs thead th", has_text="Flagged").locator("button").click()
    assert "review=1" in page.url and "q=brief+04" in page.url and "sort=flagged-asc" in page.url

    page.get_by_label("search").fill("")
    page.reload()  # the fragment brings the same view back
    assert page.get_by_label("needs review only").is_checked()
    assert titles() == ["Brief 01", "Brief 04", "Brief 03"]  # needs review, sorted by flagged
    page.goto((folder / "index.html").as_uri() + "#q=03")
    assert titles() == ["Brief 03"] and not errors
