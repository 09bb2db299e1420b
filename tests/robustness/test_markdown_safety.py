"""Promise: nothing a model writes, and nothing a source says, adds an image, a link, raw
HTML or a heading to a brief.

Checked the way a reader sees it: the brief is rendered with a CommonMark renderer
(markdown-it-py), and its HTML holds no <img>, no <a>, no raw HTML and no heading but the
brief's own (its title and its four sections). The end-to-end case needs no model at all:
an English source is its own translation, copied in verbatim.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from summarise.brief import Brief, Check, Fact, Usage
from summarise.cli import main
from summarise.render import clean_model_text, render_markdown

EVIL = "http://evil.example/p.png"
PAYLOADS = {
    "reference image": f"Read ![g] now.\n\n[g]: {EVIL}",
    "collapsed reference image": f"Read ![g][] now.\n\n[g]: {EVIL}",
    "full reference image": f'Read ![g][ref] and [text][ref].\n\n[ref]: <{EVIL}> "title"',
    "inline image and link": f"See ![x]({EVIL}?d=secret) and [click]({EVIL}).",
    "nested image in link": f"[![x]({EVIL})]({EVIL})",
    "autolink": f"Go to <{EVIL}> or <mail@evil.example>.",
    "raw html": f'Look <img src="{EVIL}"> <a href="{EVIL}">here</a> <script>alert(1)</script>',
    "html block": f'<div>\n<img src="{EVIL}">\n</div>\n\nAfter the block.',
    "setext heading": "Title\n=====\n\nSubtitle\n--------",
    "atx heading": "# Injected\n## Checks\n###### Deep",
    "rule and fence": "---\n```\ncode\n```\n~~~\nmore\n~~~",
    "indented code and quote": "    indented\n> quoted\n>> deeper",
    "entities": "&lt;img src=x&gt; &#60;img src=x&#62; &amp;lt;",
    "escapes": f"\\![x]({EVIL}) \\# not \\\\[y]({EVIL})",
    "table": f"| a | b |\n|---|---|\n| ![i]({EVIL}) | 2 |",
    "footnote": f"Claim[^1].\n\n[^1]: {EVIL}",
    "terminal escapes": f"\x1b]8;;{EVIL}\x07click\x1b]8;;\x07 and \x1b[31mred\x1b[0m",
    "list that renumbers": "2023. The year.\n1) First\n- item\n+ item\n* item",
}
# What the brief itself puts there: its title and its four sections.
OWN_HEADINGS = 5


def rendered(markdown: str) -> list:
    """The brief as a CommonMark renderer reads it (tables and strikethrough on, as GFM)."""
    body = markdown.split("\n---\n", 1)[1]  # the YAML front matter is not Markdown
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(body)


def assert_inert(markdown: str) -> None:
    tokens = rendered(markdown)
    flat = [*tokens, *(child for token in tokens for child in (token.children or []))]
    kinds = [token.type for token in flat]
    assert "image" not in kinds and "link_open" not in kinds, kinds
    assert "html_block" not in kinds and "html_inline" not in kinds, kinds
    assert kinds.count("heading_open") == OWN_HEADINGS, kinds
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown.split("\n---\n", 1)[1])
    assert "<img" not in html and "<a " not in html and "<script" not in html and "\x1b" not in html


def brief_with(text: str) -> Brief:
    return Brief(
        title=text,
        source="x.txt",
        source_sha256="ab" * 32,
        source_language="fr",
        target_language="en",
        model="m",
        endpoint="embedded",
        created="2026-11-23T00:00:00+00:00",
        brief_key="k",
        summary=text,
        facts=(Fact(text, "other", 1, 1, text, problems=(f"“{text}” is not in it",)),),
        translation=(text, text),
        usage=Usage(llm_calls=3),
        chunks=1,
        checks=(Check("Translation complete", False, text),),
        problems=(text,),
    )


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_model_text_cannot_add_images_links_html_or_headings(payload: str) -> None:
    assert_inert(render_markdown(brief_with(payload)))


def test_everything_at_once_and_plain_text_is_kept_as_written() -> None:
    assert_inert(render_markdown(brief_with("\n\n".join(PAYLOADS.values()))))
    # What is not markup survives as the reader wrote it: the words, and literal characters.
    plain = "Le budget 2023 : 7,5 M€ (+3 %), soit 5 * 3 = 15 ; snake_case et a*b*c."
    html = MarkdownIt("commonmark").render(clean_model_text(plain))
    assert html == f"<p>{plain}</p>\n"
    assert "Read g now." in clean_model_text(PAYLOADS["reference image"])
    assert "evil.example" not in clean_model_text(PAYLOADS["inline image and link"])


@pytest.mark.parametrize("name", ["hostile.txt", "hostile.md"])  # read as text, and as Markdown
def test_an_english_source_copied_into_the_translation_brings_no_markup(runner, step_endpoint, name: str) -> None:
    source = "\n\n".join(PAYLOADS.values()) + "\n\nThe council met on 3 March 2024 and voted a budget."
    Path(name).write_text(source, encoding="utf-8")
    facts = {"facts": [{"line": 1, "fact_in_English": PAYLOADS["reference image"], "category": "other"}]}
    stub = step_endpoint.enqueue("summary", PAYLOADS["setext heading"]).enqueue("facts", json.dumps(facts))
    result = runner.invoke(main, ["brief", name, "-o", "brief.md"])
    assert result.exit_code == 0, result.output
    assert "summary" in stub.tasks() and "translation" not in stub.tasks()  # English to English: no translation
    markdown = Path("brief.md").read_text(encoding="utf-8")
    assert_inert(markdown)
    assert re.findall(r"^#{1,6} .*$", markdown, re.MULTILINE)[1:] == [
        "## Summary",
        "## Key facts",
        "## Translation",
        "## Checks",
    ]
    assert "The council met on 3 March 2024" in markdown
