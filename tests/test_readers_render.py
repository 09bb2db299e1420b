"""What the readers add to a brief a reviewer reads: where each fact is, the source's own
metadata, and the source's code and front matter back in place (no model involved)."""

from __future__ import annotations

import json

from markdown_it import MarkdownIt
from test_render import _brief

from summarise.brief import Fact
from summarise.render import read_front_matter, render_json, render_markdown


def test_a_pdf_brief_names_its_format_pages_and_metadata_and_each_fact_its_page() -> None:
    fact = Fact("The budget is 812 million euros.", "number", 3, 2, "Le budget atteint 812 millions d’euros.", page=1)
    brief = _brief(
        facts=[fact],
        source_format="pdf",
        source_pages=2,
        metadata={"title": "Rapport budgétaire 2024", "author": "Ville de Lyon", "language": "fr"},
    )
    markdown = render_markdown(brief)
    front = read_front_matter(markdown)
    assert front is not None
    assert (front["source_format"], front["source_pages"]) == ("pdf", 2)
    assert (front["source_title"], front["source_author"]) == ("Rapport budgétaire 2024", "Ville de Lyon")
    assert "   > — source p. 1, ¶2, line 3" in markdown
    assert json.loads(render_json(brief))["facts"][0]["page"] == 1


def test_plain_text_briefs_keep_their_front_matter_as_before() -> None:
    front = read_front_matter(render_markdown(_brief()))
    assert front is not None and not any(key in front for key in ("source_format", "source_pages", "source_title"))


def test_code_and_front_matter_come_back_fenced_in_their_places_and_cannot_break_out() -> None:
    code = "print('x')\n```\n## Checks"  # a fence and a heading inside the source's code
    brief = _brief(verbatim=((0, "---\ntitle: Notes\n---"), (1, code)))
    translation = render_markdown(brief).split("## Translation\n\n", 1)[1].split("\n\n## Checks", 1)[0]
    parts = translation.split("\n\n")
    assert parts[0] == "```\n---\ntitle: Notes\n---\n```"
    assert parts[1] == "On 11 May 2022, Morocco hosts."
    assert parts[2] == f"````\n{code}\n````"  # a longer fence: the ``` inside cannot close it
    assert parts[3] == "It has 84 members."
    tokens = MarkdownIt("commonmark").parse(render_markdown(brief))
    headings = [tokens[i + 1].content for i, token in enumerate(tokens) if token.type == "heading_open"]
    assert headings.count("Checks") == 1  # the one inside the code stays code
