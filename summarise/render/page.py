"""What every HTML page a reviewer opens from disk shares: the templates, the escaping, the policy.

Pages are built with Jinja2 with autoescape on: every text that came from a document or a
model is escaped. Each page is one file that needs no server and loads nothing (no fonts,
no scripts, no images). A Content-Security-Policy <meta> allows only the page's own inline
style and script, each by its sha256 hash, so even markup that slipped past escaping could
neither run nor fetch anything. The pages: one per brief (html.py), one for the folder
(index_page.py).
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from summarise.brief.version import __version__
from summarise.render.sanitise import plain_model_text
from summarise.reporting.terminal import visible_text

TEMPLATES = Path(__file__).parent / "templates"


# Control characters have no business in a page; the characters that hide or reorder text
# ("Trojan Source") go by the one rule every output follows (visible_text).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _printable(value: object) -> object:
    """Applied to every {{ value }} of every template, before escaping."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _CONTROLS.sub("", visible_text(value))
    return value


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template here is HTML
        finalize=_printable,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=4)
def asset(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def content_security_policy(style: str, script: str | None, forms: bool = False) -> str:
    """Nothing may load; only this exact style (and script) may apply; forms post nowhere, or
    (the review desk's pages, `forms`) only to the server that sent the page. frame-ancestors
    and report-uri are ignored in a <meta>, so they are not pretended here."""
    directives = [
        "default-src 'none'",
        f"style-src {_sha256(style)}",
        f"script-src {_sha256(script)}" if script else "script-src 'none'",
        "base-uri 'none'",
        "form-action 'self'" if forms else "form-action 'none'",
    ]
    if forms:  # the desk's script keeps the reviewer's draft on the server that sent the page, and only there
        directives.append("connect-src 'self'")
    return "; ".join(directives)


def render_page(template: str, script: str | None, forms: bool = False, **values: Any) -> str:
    """`template` filled in with `values`, under a policy that lets only its style (and `script`) apply."""
    style = asset("page.css")
    return (
        _environment()
        .get_template(template)
        .render(
            csp=content_security_policy(style, script, forms),
            style=Markup(style),  # our own file, hashed above
            script=Markup(script) if script else "",
            version=__version__,
            **values,
        )
    )


def render_fragment(template: str, **values: Any) -> str:
    """A part of a page (an index row), escaped like the page it goes into."""
    return _environment().get_template(template).render(**values)


def model_words(text: str) -> str:
    """The words the Markdown shows for model-written text (its markup, images, links, HTML and
    terminal escapes dropped), unescaped: the template escapes them as HTML."""
    return plain_model_text(text)
