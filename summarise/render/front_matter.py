"""The YAML header of a brief: what the index, resume and a reviewer's tools read."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import asdict
from typing import Any

import yaml

from summarise.brief import EDIT_KINDS, FACT_VERDICTS, REVIEW_DECISIONS, Brief, Edit, FactVerdict, Review
from summarise.brief.files import read_front_matter
from summarise.brief.header import MAX_HEADER_CHARS, split_header
from summarise.brief.version import __version__
from summarise.reporting.terminal import visible_text

# libyaml's C emitter when PyYAML has it (the usual wheels do): the same safe subset and
# output, ~10x less CPU, which a batch of many briefs spends under the GIL. Its parser
# reads the header back (files.read_front_matter: what is ours to replace is decided there).
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


# A viewer that does not know front matter renders it as a paragraph (GitHub makes it a
# table, plain CommonMark does not). A string that could turn active there (raw HTML, an
# autolink, an inline link or image: "<", "](", "]["), or that would leave the scalar
# ambiguous to scan (quotes, line breaks), is written double-quoted with those characters
# as YAML escapes: the same value to any YAML reader, inert text to a Markdown one.
_QUOTED = re.compile(r"[<\"'\n]|\][(\[]")
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SINGLE_QUOTED = re.compile(r"'(?:[^']|'')*'")
_ACTIVE = {"<": "\\x3c", "](": "]\\x28", "][": "]\\x5b"}


class _InertDumper(_DUMPER):  # type: ignore[valid-type,misc]
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if _QUOTED.search(value) else None)


_InertDumper.add_representer(str, _represent_str)


def _defused(match: re.Match[str]) -> str:
    scalar = match.group(0)
    if scalar.startswith("'"):
        return scalar
    return re.sub(r"<|\]\(|\]\[", lambda active: _ACTIVE[active.group(0)], scalar)


def _visible(value: Any) -> Any:
    """Every text of the front matter without the characters that hide or reorder text."""
    if isinstance(value, str):
        return visible_text(value)
    if isinstance(value, dict):
        return {key: _visible(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_visible(item) for item in value]
    return value


def dump_yaml(data: dict[str, Any]) -> str:
    """YAML for a brief's front matter: block style, in order, inert when read as Markdown."""
    text = yaml.dump(_visible(data), Dumper=_InertDumper, sort_keys=False, allow_unicode=True, width=1000)
    # Only quoted scalars can hold "<", "](" or "][" (every such string is double-quoted above);
    # single-quoted ones are matched too, so that a quote inside one is not taken for a start.
    return re.sub(f"{_DOUBLE_QUOTED.pattern}|{_SINGLE_QUOTED.pattern}", _defused, text, flags=re.DOTALL)


# What readers find in a document's own metadata (a page's <meta>, a PDF's info, front matter).
SOURCE_METADATA = ("title", "author", "date", "site")


# Every free text the front matter takes is bounded, so that what summarise writes it always
# reads back (brief/header.py: MAX_HEADER_CHARS): a model's title, a document's own metadata, a
# URL are cut here; a reviewer's words are refused over their bound (review.py), never cut.
MAX_FIELD_CHARS = 1000
# A decision's words (reason, name, notes) may fill at most this much of the header: the rest
# is the brief's own fields, each bounded above.
MAX_REVIEW_CHARS = MAX_HEADER_CHARS // 2


def _bounded(text: str) -> str:
    return text if len(text) <= MAX_FIELD_CHARS else text[: MAX_FIELD_CHARS - 1] + "…"


def front_matter(brief: Brief) -> dict[str, Any]:
    return {
        "title": _bounded(brief.title),
        "source": _bounded(brief.source),
        "source_sha256": brief.source_sha256,
        "source_language": brief.source_language,
        # A mixed document says so: the share of its text in each language.
        **({"source_languages": dict(brief.source_languages)} if len(brief.source_languages) > 1 else {}),
        "target_language": brief.target_language,
        **({"source_format": brief.source_format} if brief.source_format != "text" else {}),
        **({"source_pages": brief.source_pages} if brief.source_pages else {}),
        **{f"source_{key}": _bounded(brief.metadata[key]) for key in SOURCE_METADATA if brief.metadata.get(key)},
        "model": _bounded(brief.model),
        "endpoint": _bounded(brief.endpoint),
        "created": brief.created,
        "summarise_version": __version__,
        "brief_key": brief.brief_key,
        "chunks": brief.chunks,
        "paragraphs": len(brief.translation),
        "facts": {
            "total": len(brief.facts),
            "supported": brief.supported_facts,
            "flagged": len(brief.facts) - brief.supported_facts,
        },
        "checks": {"passed": sum(c.passed for c in brief.checks), "failed": sum(not c.passed for c in brief.checks)},
        "usage": brief.usage.as_dict(),
        "status": "complete" if brief.complete else "incomplete",
        "review": review_front_matter(brief.review),
        # The reviewer's corrections: a re-run that writes the same text again gets them back (publish.py).
        **({"edits": [asdict(edit) for edit in brief.edits]} if brief.edits else {}),
    }


def edits_from(value: object) -> tuple[Edit, ...]:
    """A brief's corrections as its front matter (or JSON record) holds them; anything malformed is left out."""
    found: list[Edit] = []
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, dict) or entry.get("kind") not in EDIT_KINDS:
            continue
        number = entry.get("number")
        texts = [entry.get(key) for key in ("before", "after", "by", "at")]
        if (
            isinstance(number, int)
            and not isinstance(number, bool)
            and number > 0
            and all(isinstance(t, str) for t in texts)
        ):
            found.append(Edit(str(entry["kind"]), number, *(str(t) for t in texts)))
    return tuple(found)


def review_front_matter(review: Review | None) -> dict[str, Any]:
    if review is None:
        return {"decision": "needs review"}
    found: dict[str, Any] = {key: value for key, value in asdict(review).items() if value}
    if review.facts:  # a note only where the reviewer wrote one
        found["facts"] = [{key: value for key, value in asdict(verdict).items() if value} for verdict in review.facts]
    return found


def fact_verdicts(value: object) -> tuple[FactVerdict, ...]:
    """Per-fact verdicts as the front matter (or a JSON record) holds them; anything malformed is left out."""
    found: list[FactVerdict] = []
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, dict) or entry.get("verdict") not in FACT_VERDICTS:
            continue
        number = entry.get("fact")
        if isinstance(number, int) and not isinstance(number, bool) and number > 0:
            found.append(FactVerdict(number, str(entry["verdict"]), str(entry.get("note") or "")))
    return tuple(found)


def dump_front_matter(brief: Brief) -> str:
    return f"---\n{dump_yaml(front_matter(brief))}---"


def split_markdown(markdown: str) -> tuple[str, str]:
    """(front matter YAML, body). The body is everything after the closing `---` line, byte for
    byte (CRLF line endings included: an edit of them is an edit)."""
    header, body = split_header(markdown)
    return header or "", body


def body_sha256(markdown: str) -> str:
    return hashlib.sha256(split_markdown(markdown)[1].encode()).hexdigest()


def review_from(front: dict[str, Any] | None) -> Review | None:
    entry = (front or {}).get("review")
    if not isinstance(entry, dict) or entry.get("decision") not in REVIEW_DECISIONS:
        return None
    fields = {f.name for f in dataclasses.fields(Review)} - {"facts"}
    known = {key: str(value) for key, value in entry.items() if key in fields}
    return Review(**known, facts=fact_verdicts(entry.get("facts")))


def holding_review(markdown: str) -> Review | None:
    """The decision recorded in a brief, only if it was made on the text now on disk.

    An approval is of a text: after a hand edit (or anything else that changes a byte
    below the front matter) the brief needs review again, wherever the decision is read.
    """
    review = review_from(read_front_matter(markdown))
    if review is None or review.reviewed_sha256 != body_sha256(markdown):
        return None
    return review
