"""HTML and saved web pages -> the article's main text, with its metadata (trafilatura, Apache-2.0).

trafilatura finds the main content (no menus, cookie banners, share buttons, related
links or footers) and reads title, author, date and site name from the page's metadata.
We ask for its XML output, which keeps headings, lists and tables as elements.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from summarise.documents import Document, TextBudget
from summarise.errors import InputError
from summarise.readers.base import Block, Extracted, build_document

if TYPE_CHECKING:  # lxml is imported to read a page (with trafilatura), not for `sniff`'s is_html
    import lxml.etree

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)[\s>/]", re.I | re.S)


def is_html(data: bytes) -> bool:
    """Markup at the start, or an <html> or <body> element near it: a .txt saved from a browser too."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    return bool(_HTML_START.match(head) or re.search(rb"<(html|body)[\s>]", head, re.I))


def _text(element: lxml.etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _blocks(xml: str) -> list[Block]:
    import lxml.etree

    root = lxml.etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    blocks: list[Block] = []
    heading = ""
    for element in main if main is not None else []:
        if element.tag == "head":
            heading = _text(element)
            blocks.append(Block(heading, "heading", 0, heading))
        elif element.tag == "list":
            blocks += [Block(_text(item), "item", 0, heading) for item in element.iter("item")]
        elif element.tag == "table":
            for row in element.iter("row"):
                cells = [_text(cell) for cell in row.iter("cell")]
                blocks.append(Block(" | ".join(cell for cell in cells if cell), "row", 0, heading))
        elif element.tag == "code":
            blocks.append(Block("".join(element.itertext()), "verbatim", 0, heading))
        else:  # p, quote and whatever trafilatura adds later: their text, as one paragraph
            blocks.append(Block(_text(element), "paragraph", 0, heading))
    return blocks


def _language(data: bytes) -> str:
    """The page's declared language (<html lang="fr">), when it says one."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fromstring(data)
    except (lxml.etree.ParserError, ValueError):
        return ""
    return str(root.get("lang") or "").split("-")[0].lower()


def read(data: bytes, source: str, budget: TextBudget) -> Document:
    import lxml.etree
    import trafilatura  # 0.2 s to import: only for a page, not for `sniff` asking whether bytes are one

    try:
        xml = trafilatura.extract(
            data, output_format="xml", with_metadata=True, include_tables=True, include_comments=False
        )
        # A short page without article markup: ask again, taking more rather than less.
        xml = xml or trafilatura.extract(data, output_format="xml", with_metadata=True, favor_recall=True)
    except Exception as exc:  # lxml and trafilatura raise several kinds for one cause: markup we cannot read
        raise InputError(f"{source}: not a readable web page") from exc
    if not xml:
        raise InputError(f"{source}: no main text found in this web page; nothing to summarise")
    root = lxml.etree.fromstring(xml.encode("utf-8"))
    metadata = {key: str(root.get(source_key) or "") for key, source_key in _METADATA.items()}
    metadata["language"] = _language(data)
    return build_document(Extracted(_blocks(xml), "html", metadata), data, source, budget)


# Our front matter's names for trafilatura's.
_METADATA = {"title": "title", "author": "author", "date": "date", "site": "sitename", "url": "source"}
