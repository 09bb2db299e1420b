"""Briefs of real PDF, Word, HTML and Markdown files and of a URL, end to end through the CLI.

The model's answers are replayed from cassettes recorded from the embedded engine
(re-record: `SUMMARISE_RECORD=1 flock /tmp/summarise-engine.lock pytest tests/test_readers_recorded.py`).
The URL is served from tests/fixtures/ by a local HTTP server on 127.0.0.1, which only
--allow-private-urls lets summarise fetch.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import RECORDING
from fixtures import make_fixtures as made

from summarise.cli import main
from summarise.render.front_matter import read_front_matter

FIXTURES = Path(__file__).parent / "fixtures"


def section(markdown: str, name: str) -> str:
    match = re.search(rf"^## {name}\n\n(.*?)(?=^## |\Z)", markdown, re.MULTILINE | re.DOTALL)
    assert match, f"no {name} section"
    return match.group(1).strip()


def requests_sent(cassette) -> int:
    return len(cassette.requests) if RECORDING else cassette.play_count


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    """tests/fixtures/ over HTTP on 127.0.0.1 (.html is served as text/html)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(FIXTURES)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_brief_of_a_pdf_keeps_every_paragraph_and_its_facts_cite_pages(cassette, runner, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "report.pdf", tmp_path / "report.pdf")

    result = runner.invoke(main, ["brief", "report.pdf", "--json"])

    assert result.exit_code == 0, result.output
    markdown = Path("outputs/report.md").read_text(encoding="utf-8")
    front = read_front_matter(markdown)
    assert front is not None
    assert (front["source_format"], front["source_pages"], front["source_language"]) == ("pdf", 2, "fr")
    assert front["source_title"] == "Rapport budgétaire 2024" and front["source_author"] == "Ville de Lyon"
    translation = section(markdown, "Translation").split("\n\n")
    assert len(translation) == 4  # the report's four paragraphs; no header, footer or page number
    assert not any("Page 1" in paragraph or "Rapport budgétaire" in paragraph for paragraph in translation)
    facts = json.loads(Path("outputs/report.json").read_text(encoding="utf-8"))["facts"]
    assert facts and all(fact["page"] in (1, 2) for fact in facts)
    for fact in facts:  # the evidence line says where: "p. 2, ¶3, line 5"
        assert f"— source p. {fact['page']}, ¶{fact['paragraph']}, line {fact['sentence']}" in markdown
    on_page = {fact["page"]: fact["evidence"] for fact in facts}
    assert all(evidence in " ".join(made.REPORT_PAGES[page - 1]) for page, evidence in on_page.items())


def test_brief_of_a_url_reads_the_article_not_the_chrome_and_names_the_url(
    cassette, runner, site: str, tmp_path: Path
) -> None:
    url = f"{site}/news.html"
    refused = runner.invoke(main, ["brief", url])
    assert refused.exit_code == 2 and "Error:" in refused.stderr and "--allow-private-urls" in refused.stderr

    result = runner.invoke(main, ["brief", url, "--allow-private-urls"])

    assert result.exit_code == 0, result.output
    markdown = Path("outputs/news.md").read_text(encoding="utf-8")
    front = read_front_matter(markdown)
    assert front is not None
    assert front["source"] == url and front["source_format"] == "html"
    assert front["source_sha256"] == __import__("hashlib").sha256((FIXTURES / "news.html").read_bytes()).hexdigest()
    assert (front["source_author"], front["source_date"], front["source_site"]) == (
        "Claire Morel",
        "2024-09-16",
        "Ouest Info",
    )
    translation = section(markdown, "Translation")
    assert len(translation.split("\n\n")) == 5  # title, two paragraphs, sub-heading, paragraph
    assert "45,000" in translation or "45 000" in translation
    for chrome in ("cookie", "Newsletter", "Facebook", "Русский", "Mentions"):
        assert chrome.casefold() not in markdown.casefold()


SHARED_URL_CASSETTE = "test_readers_recorded/test_brief_of_a_url_reads_the_article_not_the_chrome_and_names_the_url"
PASSWORD = "S3cret:P@ss"  # a colon and an at sign of its own: the host is after the last "@"


def leaks(root: Path, *printed: str) -> list[str]:
    """Every file under `root` but the list of URLs, and what was printed, that holds the password or user."""
    found = [text[:80] for text in printed if PASSWORD in text or "alice" in text]
    for path in root.rglob("*"):
        if path.is_file() and path.name != "urls.txt":
            data = path.read_bytes()
            if PASSWORD.encode() in data or b"alice" in data or path.name.count("alice"):
                found.append(str(path.relative_to(root)))
    return found


@pytest.mark.cassette(SHARED_URL_CASSETTE)
def test_credentials_in_a_url_are_written_nowhere(cassette, runner, site: str, tmp_path: Path) -> None:
    url = site.replace("http://", f"http://alice:{PASSWORD}@") + "/news.html"

    result = runner.invoke(main, ["brief", url, "--allow-private-urls", "--json", "--html"])

    assert result.exit_code == 0, result.output
    front = read_front_matter(Path("outputs/news.md").read_text(encoding="utf-8"))
    assert front is not None and front["source"] == f"{site}/news.html"
    assert leaks(tmp_path, result.stdout, result.stderr) == []


@pytest.mark.cassette(SHARED_URL_CASSETTE)
def test_credentials_in_a_list_of_urls_are_written_nowhere(cassette, runner, site: str, tmp_path: Path) -> None:
    (tmp_path / "urls.txt").write_text(site.replace("http://", f"http://alice:{PASSWORD}@") + "/news.html\n")

    result = runner.invoke(main, ["batch", "urls.txt", "--allow-private-urls", "--json"])

    assert result.exit_code == 0, result.output
    front = read_front_matter(Path("outputs/127.0.0.1/news.md").read_text(encoding="utf-8"))
    assert front is not None and front["source"] == f"{site}/news.html"
    assert leaks(tmp_path, result.stdout, result.stderr) == []  # brief, page, JSON, both indexes, batch state
