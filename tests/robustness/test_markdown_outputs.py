"""Promise: every Markdown file summarise writes (the folder's index.md, a brief's Markdown,
front matter included) escapes every text it did not write itself: file names, URLs and
their queries, a server's reason, a reviewer's name and reason, failure details, document
and model text. Checked as a reader sees it: rendered by a CommonMark renderer
(markdown-it-py, with GFM tables), no <img>, no raw HTML and no link but the index's own.
Briefs are made against the FaultInjectionStub; pages come from a local server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_it import MarkdownIt

from summarise.cli import main

EVIL = "https://evil.example/leak.png"
HOSTILE_NAMES = [
    "![t](https:evil.example).txt",
    "<img src=https:evil.example>.txt",
    "[click](https:evil.example) & <b>bold<b>.txt",
    "a|b<script>x<script>.txt",
    "&lt;img src=x&gt;.txt",
]
TEXT = "The council met in Leeds on 4 May 2024. It approved a new budget for the library.\n"


def html_of(markdown: str) -> tuple[str, list[str], list[str]]:
    """The rendered HTML, the kinds of every token, and the links' targets."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens = parser.parse(markdown)
    flat = [*tokens, *(child for token in tokens for child in (token.children or []))]
    links = [str(token.attrs.get("href", "")) for token in flat if token.type == "link_open"]
    return parser.render(markdown), [token.type for token in flat], links


def assert_inert(markdown: str, own_links: set[str] = frozenset()) -> None:
    html, kinds, links = html_of(markdown)
    assert "image" not in kinds and "html_inline" not in kinds and "html_block" not in kinds, kinds
    assert "<img" not in html and "<script" not in html and "<b>" not in html, html
    assert set(links) <= own_links, links


def own_links(index: str) -> set[str]:
    """The index's own links: the page beside it and each brief's file (relative, no scheme)."""
    return {"index.html"} | {
        link for link in html_of(index)[2] if ":" not in link and Path("outputs", unquote(link)).is_file()
    }


def test_index_and_briefs_escape_file_names_reviewers_and_failures(step_endpoint, runner, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in HOSTILE_NAMES:
        (folder / name).write_text(TEXT, encoding="utf-8")
    (folder / "<img src=https:evil.example> ![e](https:evil.example).txt").write_text("", encoding="utf-8")  # empty

    result = runner.invoke(main, ["batch", "in"])
    assert result.exit_code != 0 or "failed 1" in result.output, result.output
    briefs = sorted(Path("outputs").glob("*.md"))
    briefs.remove(Path("outputs/index.md"))
    assert len(briefs) == len(HOSTILE_NAMES)
    reviewed = runner.invoke(
        main, ["review", str(briefs[0]), "--reject", f"![p]({EVIL}) <img src=x onerror=alert(1)>", "--by", "<b>Eve</b>"]
    )
    assert reviewed.exit_code == 0, reviewed.output
    reviewed = runner.invoke(
        main, ["review", str(briefs[1]), "--approve", "--despite-problems", "--by", f"[Mallory]({EVIL})"]
    )
    assert reviewed.exit_code == 0, reviewed.output

    index = Path("outputs/index.md").read_text(encoding="utf-8")
    assert_inert(index, own_links(index))
    html = html_of(index)[0]
    # Still readable: the names, the reviewers and the failure are there as text.
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html and f"[Mallory]({EVIL})" in html and "![t](https:evil.example).txt" in html
    assert "file is empty" in index
    for brief in briefs:  # the whole file, as a viewer that does not know front matter shows it
        assert_inert(brief.read_text(encoding="utf-8"))


class _Hostile(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/gone"):
            self.send_response(404, f"Gone ![p]({EVIL}) <img src={EVIL}>")
            body = b"gone"
        else:
            self.send_response(200)
            body = TEXT.encode()
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_index_and_briefs_escape_urls_their_queries_and_server_reasons(
    step_endpoint, runner, tmp_path: Path, hostile_server: str
) -> None:
    urls = [
        f"{hostile_server}/page?q=<b>x</b>&r=![p]({EVIL})&s=<{EVIL}>",
        f"{hostile_server}/gone?<script>x</script>",
    ]
    (tmp_path / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")

    result = runner.invoke(main, ["batch", "urls.txt", "--allow-private-urls"])
    assert "failed 1" in result.output, result.output
    index = Path("outputs/index.md").read_text(encoding="utf-8")
    assert "404" in index  # the server's answer is reported, as text
    assert_inert(index, own_links(index))
    briefs = [path for path in Path("outputs").rglob("*.md") if path.name != "index.md"]
    assert briefs
    for brief in briefs:
        assert_inert(brief.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "value",
    [
        f"<img src={EVIL}>",
        f'![t]({EVIL}) and [l][r] and l\'accord "quoted"',
        "line one\n\n<div>\nline two",
        "back\\slash ](x) \\](y) ''",
        "Report [2023], plain",
    ],
)
def test_front_matter_reads_back_as_written(value: str) -> None:
    """The escapes are YAML's own: any YAML reader gets the value back unchanged."""
    from summarise.render import read_front_matter
    from summarise.render.front_matter import dump_yaml

    front = {
        "title": value,
        "brief_key": "k" * 16,
        "review": {"decision": "rejected", "by": value, "reason": value},
        "n": 3,
    }
    text = f"---\n{dump_yaml(front)}---\n"
    assert read_front_matter(text) == front
    assert_inert(text)
