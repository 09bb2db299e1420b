"""The Brief record and its Markdown / JSON renderings."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import yaml

from summarise import __version__

# libyaml's C emitter and parser when PyYAML has them (the usual wheels do): the same safe
# subset and output, ~10x less CPU, which a batch of many briefs spends under the GIL.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Fact:
    statement: str  # in the target language
    category: str
    sentence: int  # the numbered source line that supports it
    paragraph: int
    evidence: str  # that source line, verbatim
    match: str = "exact"  # how the evidence was found in the source: exact, normalised, fuzzy, absent
    problems: tuple[str, ...] = ()  # e.g. "2023 is not in the evidence"
    note: str = ""  # e.g. the evidence was re-anchored from the line the model cited

    @property
    def supported(self) -> bool:
        return self.match != "absent" and not self.problems


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class Brief:
    title: str
    source: str
    source_sha256: str
    source_language: str
    target_language: str
    model: str
    endpoint: str
    created: str
    brief_key: str  # source hash + settings: a brief with the same key is up to date
    summary: str
    facts: list[Fact]
    translation: list[str]  # one entry per source paragraph
    usage: dict[str, int]
    chunks: int
    checks: list[Check] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # tasks that failed for part of the document
    metadata: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)

    @property
    def supported_facts(self) -> int:
        return sum(fact.supported for fact in self.facts)

    def front_matter(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "source": self.source,
            "source_sha256": self.source_sha256,
            "source_language": self.source_language,
            "target_language": self.target_language,
            **({"source_date": self.metadata["date"]} if "date" in self.metadata else {}),
            "model": self.model,
            "endpoint": self.endpoint,
            "created": self.created,
            "summarise_version": __version__,
            "brief_key": self.brief_key,
            "chunks": self.chunks,
            "paragraphs": len(self.translation),
            "facts": {
                "total": len(self.facts),
                "supported": self.supported_facts,
                "flagged": len(self.facts) - self.supported_facts,
            },
            "checks": {"passed": sum(c.passed for c in self.checks), "failed": sum(not c.passed for c in self.checks)},
            "usage": self.usage,
            "status": "incomplete" if self.problems else "complete",
        }


# What a model writes must not smuggle active content into a brief (OWASP LLM01): images
# can leak data through their URL the moment a viewer renders them.
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


def _quote(text: str) -> str:
    return "\n".join(f"   > {line}" if line else "   >" for line in clean_model_text(text).splitlines())


def render_markdown(brief: Brief) -> str:
    front = yaml.dump(brief.front_matter(), Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=1000)
    parts = [f"---\n{front}---", f"# {clean_model_text(brief.title)}"]
    if brief.problems:
        parts.append("\n".join(f"> **Warning:** {clean_model_text(problem)}" for problem in brief.problems))
    parts.append("## Summary\n\n" + clean_model_text(brief.summary))
    parts.append("## Key facts\n\n" + _render_facts(brief))
    parts.append("## Translation\n\n" + "\n\n".join(clean_model_text(p) for p in brief.translation))
    parts.append("## Checks\n\n" + _render_checks(brief))
    return "\n\n".join(parts) + "\n"


def _render_facts(brief: Brief) -> str:
    if not brief.facts:
        return "_No facts were extracted._"
    lines: list[str] = []
    for number, fact in enumerate(brief.facts, start=1):
        flag = "" if fact.supported else " ⚠ **unsupported**: " + "; ".join(fact.problems or ("evidence not found",))
        match = "" if fact.match in ("exact", "normalised") else f" ({fact.match} match)"
        match += f" ({fact.note})" if fact.note else ""
        lines.append(f"{number}. **{fact.category.capitalize()}:** {clean_model_text(fact.statement)}{flag}")
        lines.append(f"{_quote(fact.evidence)}\n   > — source ¶{fact.paragraph}, line {fact.sentence}{match}")
    return "\n".join(lines)


def _render_checks(brief: Brief) -> str:
    if not brief.checks:
        return "_No checks were run._"
    return "\n".join(f"- {'✅' if c.passed else '⚠️'} **{c.name}:** {clean_model_text(c.detail)}" for c in brief.checks)


def render_json(brief: Brief) -> str:
    data = {**brief.front_matter(), **{k: v for k, v in asdict(brief).items() if k not in ("usage", "title")}}
    for fact, original in zip(data["facts"], brief.facts, strict=True):
        fact["supported"] = original.supported
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def read_front_matter(markdown: str) -> dict[str, Any] | None:
    """The YAML header of a brief we wrote, or None if there is none readable."""
    if not markdown.startswith("---\n"):
        return None
    end = markdown.find("\n---", 4)
    if end < 0:
        return None
    try:
        data = yaml.load(markdown[4:end], Loader=_LOADER)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None
