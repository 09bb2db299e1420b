"""Renderings of a Brief: Markdown (what a reviewer reads) and JSON (for tools).

Everything a model wrote (or a source said) passes through `clean_model_text` (or
`clean_inline` for one line) first: parsed as CommonMark, only plain text kept, escaped. The HTML review
pages are html.py (a brief's) and index_page.py (the folder's), on page.py (imported where a page
is written: it needs Jinja2 and its templates/). Writing a brief's files is publish.py.
"""

from summarise.brief.files import read_front_matter
from summarise.render.json import render_json
from summarise.render.markdown import render_markdown
from summarise.render.sanitise import clean_model_text

__all__ = ["clean_model_text", "read_front_matter", "render_json", "render_markdown"]
