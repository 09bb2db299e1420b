"""What a model writes must not smuggle active content into a brief (OWASP LLM01).

Images can leak data through their URL the moment a viewer renders them; a heading,
rule or fence could rebuild the brief's structure.
"""

from __future__ import annotations

import re

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_HTML = re.compile(r"</?[A-Za-z][^>]*>|<!--.*?-->", re.DOTALL)
_AUTOLINK = re.compile(r"<(https?://[^>]+)>")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|[\x00-\x08\x0b-\x1f\x7f]")


def clean_model_text(text: str) -> str:
    """Keep the words, drop images, links, raw HTML and terminal escapes; neutralise headings."""
    text = _ANSI.sub("", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML.sub("", text)
    # A line that would open a heading, a rule or a fence could rebuild the brief's structure.
    lines = [re.sub(r"^(\s*)(#{1,6}\s|---+\s*$|```|~~~|>)", r"\1\\\2", line) for line in text.splitlines()]
    return "\n".join(lines).strip()
