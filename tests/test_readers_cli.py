"""The readers through the CLI, with no model: bad files, dry runs, lists of URLs, locations."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from summarise import batch
from summarise.brief import Fact
from summarise.cli import main
from summarise.errors import InputError
from summarise.render.markdown import location

FIXTURES = Path(__file__).parent / "fixtures"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(FIXTURES)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def no_model(step_endpoint) -> Iterator[None]:
    """The endpoint, which these commands must send nothing."""
    server = step_endpoint
    yield
    assert not server.requests, "this must not reach a model"


@pytest.mark.parametrize(
    ("name", "message"),
    [("scanned.pdf", "no text layer: needs OCR"), ("encrypted.pdf", "encrypted"), ("corrupt.pdf", "not a readable")],
)
def test_a_bad_pdf_is_one_error_line_and_exit_2(runner, no_model, tmp_path: Path, name: str, message: str) -> None:
    shutil.copy(FIXTURES / name, tmp_path / name)
    result = runner.invoke(main, ["brief", name])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"Error: {name}: ") and message in result.stderr
    assert "Traceback" not in result.output and not Path("outputs").exists()


def test_a_refused_output_costs_no_download(runner, no_model, tmp_path: Path) -> None:
    """The outputs are checked before the document is read: a URL is not fetched for a brief
    that could not be written (as batch's prelude: the outputs, then the read, then the key)."""
    fetched: list[str] = []

    class Counting(Quiet):
        def do_GET(self) -> None:
            fetched.append(self.path)
            super().do_GET()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Counting, directory=str(FIXTURES)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/news.html"
    Path("mine.md").write_text("my own notes\n", encoding="utf-8")
    try:
        refused = runner.invoke(main, ["brief", url, "--allow-private-urls", "-o", "mine.md"])
    finally:
        httpd.shutdown()

    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert "mine.md exists and summarise did not write it" in refused.stderr
    assert fetched == []  # not downloaded
    assert Path("mine.md").read_text(encoding="utf-8") == "my own notes\n"


def test_file_urls_are_refused(runner, no_model) -> None:
    result = runner.invoke(main, ["brief", "file:///etc/passwd"])
    assert result.exit_code == 2 and "only http:// and https://" in result.stderr


def test_dry_run_shows_pages_and_characters_per_file(runner, no_model, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    for name in ("report.pdf", "memo.docx", "news.html", "scanned.pdf", "notes.md"):
        shutil.copy(FIXTURES / name, tmp_path / "in" / name)
    (tmp_path / "in" / "table.csv").write_text("a,b\n")  # not a default pattern

    result = runner.invoke(main, ["batch", "in", "--dry-run"])

    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.split()}
    assert set(rows) >= {"report.pdf", "memo.docx", "news.html", "scanned.pdf", "notes.md", "total"}
    assert "table.csv" not in rows
    assert rows["report.pdf"][1:3] == ["fr", "2"]  # language, pages
    assert int(rows["report.pdf"][3].replace(",", "")) > 600  # characters of text found
    assert rows["memo.docx"][2] == "-" and int(rows["memo.docx"][3].replace(",", "")) > 200
    assert "no text layer: needs OCR" in " ".join(rows["scanned.pdf"])


def test_a_file_of_urls_is_a_batch_of_fetched_documents(runner, no_model, site: str, tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# this week's reading\n{site}/report.pdf\n\n{site}/news.html\n{site}/missing.html\n")

    refused = runner.invoke(main, ["batch", "urls.txt", "--dry-run"])
    assert "private network" in refused.stdout  # every URL refused, each on its row

    result = runner.invoke(main, ["batch", "urls.txt", "--dry-run", "--allow-private-urls"])

    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.split()}
    assert rows[f"{site}/report.pdf"].split()[1:3] == ["fr", "2"]
    assert rows[f"{site}/news.html"].split()[1] == "fr"
    assert "the server answered 404" in rows[f"{site}/missing.html"]
    items = batch.discover(urls, Path("outputs"))
    assert [item.brief for item in items] == ["127.0.0.1/report.md", "127.0.0.1/news.md", "127.0.0.1/missing.md"]


def test_credentials_in_a_url_are_in_no_error_line_nor_any_file(runner, no_model, site: str, tmp_path: Path) -> None:
    port = site.rsplit(":", 1)[1]
    urls = [
        f"http://alice:S3cretPW@127.0.0.1:{port}/missing.html",  # the server answers 404
        f"http://alice:S3cretPW@127.0.0.1:{port}/report.pdf",  # read: its row names the URL
        "http://alice:S3cretPW@127.0.0.1:9/closed.html",  # nothing listens
        "http://alice:S3cretPW@[::ffff:10.0.0.8]:9/intranet.html",  # refused without the flag
    ]
    (tmp_path / "urls.txt").write_text("\n".join(urls) + "\n")

    dry = runner.invoke(main, ["batch", "urls.txt", "--dry-run", "--allow-private-urls"])
    plain = runner.invoke(main, ["batch", "urls.txt", "--dry-run"])
    brief = runner.invoke(main, ["brief", urls[0], "--allow-private-urls"])
    # A password with a "/" in it makes the rest of the URL a path: refused without repeating it.
    slashed = runner.invoke(main, ["brief", f"http://alice:S3cret/PW@127.0.0.1:{port}/news.html"])

    assert f"127.0.0.1:{port}/report.pdf" in dry.stdout and "the server answered 404" in dry.stdout
    assert brief.exit_code == 2 and brief.stderr.startswith(f"Error: http://127.0.0.1:{port}/missing.html: ")
    assert slashed.exit_code == 2 and "port of this URL cannot be read" in slashed.stderr
    unclosed = runner.invoke(main, ["brief", "http://alice:S3cretPW@[::1/x"])  # nor a traceback
    assert unclosed.exit_code == 2 and unclosed.stderr.count("\n") == 1 and "Traceback" not in unclosed.output
    for result in (dry, plain, brief, slashed, unclosed):
        assert "S3cret" not in result.output and "alice" not in result.output, result.output
    assert not any("S3cret" in path.read_text(errors="replace") for path in tmp_path.rglob("*") if path.is_file()
                   and path.name != "urls.txt")  # fmt: skip


def test_a_list_with_a_line_that_is_not_a_url_names_the_line(tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("https://example.org/a\nnotes/b.txt\n")
    with pytest.raises(InputError, match=r"line 2: not a URL"):
        batch.discover(urls, tmp_path / "out")


@pytest.mark.parametrize(
    ("page", "heading", "expected"),
    [(3, "", "p. 3, ¶2, line 14"), (0, "Décisions", "§ Décisions, ¶2, line 14"), (0, "", "¶2, line 14")],
)
def test_the_evidence_line_says_where_in_the_original(page: int, heading: str, expected: str) -> None:
    fact = Fact("x", "event", 14, 2, "evidence", page=page, heading=heading)
    assert location(fact) == expected
