"""What a model writes (and what a source says) must not bring active content into a brief.

OWASP LLM01: an image leaks data through its URL the moment a viewer renders it, and a
heading, rule or fence could rebuild the brief's structure. Regular expressions cannot
know Markdown (reference-style images and setext headings went through them), so the
text is parsed with markdown-it-py, a CommonMark parser, and only its plain text is
kept: an image becomes its alt text, a link its text, raw HTML its text, a heading a
plain line; reference definitions vanish. Then every character that is still active in
CommonMark (or GFM) is escaped, so the text renders as exactly what it says, nothing more.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

if TYPE_CHECKING:
    from markdown_it.token import Token

# Terminal escape sequences (OSC 8 hyperlinks included) and other control characters.
_TERMINAL = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])|[\x00-\x09\x0b-\x1f\x7f-\x9f]"
)
# Text without any of these, and no line opening with a block marker, parses as plain paragraphs.
_MAYBE_MARKDOWN = re.compile(r"[\\`*_\[\]<>!&|~]|^[ \t]*(?:[#=+\->]|\d{1,9}[.)])", re.MULTILINE)
_ESCAPE = re.compile(r"[\\`*_\[\]|~]")  # active anywhere: escapes, code, emphasis, links, tables, strikethrough
_ENTITY = re.compile(r"&(?=#\d{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_LINE_START = re.compile(r"^(?:[#=+\->]|(\d{1,9})([.)]))")  # headings, setext lines, lists, quotes
_SKIPPED_HTML = {"script", "style", "template", "textarea", "title"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # CommonMark plus the GFM block rules a viewer may know, so nothing is read as plain text here
    # that some renderer would read as structure.
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skipping += tag in _SKIPPED_HTML

    def handle_endtag(self, tag: str) -> None:
        self._skipping -= tag in _SKIPPED_HTML and self._skipping > 0

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _html_text(html: str) -> str:
    reader = _HtmlText()
    reader.feed(html)
    reader.close()
    return "".join(reader.parts).strip()


def _inline_text(tokens: list[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        if token.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif token.type == "code_inline":
            parts.append(f"{token.markup}{token.content}{token.markup}")
        elif token.type == "image":
            parts.append(_inline_text(token.children or []))  # the alt text, never the URL
        elif token.type == "html_inline":
            continue  # a tag: its text, if any, is in the tokens around it
        elif token.type.endswith(("_open", "_close")):
            if not token.type.startswith("link_"):  # emphasis, strikethrough: keep the characters
                parts.append(token.markup)
        else:
            parts.append(token.content)
    return "".join(parts)


def plain_text(markdown: str) -> str:
    """The words of a Markdown text, as a CommonMark renderer would show them, without any markup."""
    blocks: list[str] = []
    group: list[str] = []  # the lines of a list or a table, kept together
    cells: list[str] | None = None  # of the table row being read
    depth = 0
    marker = ""
    for token in _parser().parse(markdown):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open", "table_open"):
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close", "table_close"):
            depth -= 1
            if depth == 0 and group:
                blocks.append("\n".join(group))
                group = []
        elif kind == "list_item_open":
            marker = f"{token.info}{token.markup} "  # "1." or "-": shown as text, not as a list
        elif kind == "tr_open":
            cells = []
        elif kind == "tr_close" and cells is not None:
            group.append(" | ".join(cells))
            cells = None
        if kind == "inline":
            text = _inline_text(token.children or [])
        elif kind in ("fence", "code_block"):
            text = token.content.rstrip("\n")
        elif kind == "html_block":
            text = _html_text(token.content)
        else:
            continue
        if cells is not None:
            cells.append(text)
        elif depth:
            group.append(marker + text)
            marker = ""
        elif text:
            blocks.append(text)
    return "\n\n".join(blocks)


def escape_markdown(text: str) -> str:
    """Plain text -> Markdown that renders as exactly that text: no character left active."""
    text = _ESCAPE.sub(r"\\\g<0>", text)
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;")
    lines = [_LINE_START.sub(_escape_line_start, line.lstrip()) for line in text.split("\n")]
    return "\n".join(lines)


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(1):  # "2023. The budget" would open an ordered list
        return f"{match.group(1)}\\{match.group(2)}"
    return "\\" + match.group(0)


def clean_model_text(text: str) -> str:
    """Model (or source) text, safe to put in a Markdown block: plain words, nothing active."""
    text = _TERMINAL.sub("", text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n"))
    if _MAYBE_MARKDOWN.search(text):
        text = escape_markdown(plain_text(text))
    else:
        text = "\n".join(line.lstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def plain_model_text(text: str) -> str:
    """The words clean_model_text keeps, unescaped: for an HTML page, whose template escapes them."""
    text = _TERMINAL.sub("", text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n"))
    if _MAYBE_MARKDOWN.search(text):
        text = plain_text(text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def plain_inline(text: str) -> str:
    """Plain text (a title, a name) on one line, as written: nothing parsed, so "&lt;" stays
    "&lt;"; terminal escapes dropped and every character Markdown would read escaped."""
    return escape_markdown(" ".join(_TERMINAL.sub("", text).split()))


def clean_inline(text: str) -> str:
    """The same, for one line (a title, a table cell): line breaks become spaces."""
    return " ".join(clean_model_text(text).split())
