"""The Markdown brief a reviewer reads: front matter, summary, key facts, translation, checks."""

from __future__ import annotations

import re

from summarise.brief import NOT_FOUND, Brief, Fact
from summarise.render.front_matter import dump_front_matter
from summarise.render.problems import fact_problems, line_problems
from summarise.render.sanitise import clean_inline, clean_model_text, plain_inline
from summarise.reporting.terminal import visible_text


def _quote(text: str) -> str:
    return "\n".join(f"   > {line}" if line else "   >" for line in clean_model_text(text).splitlines())


def render_markdown(brief: Brief, body: str | None = None) -> str:
    """The brief's Markdown: its front matter, then `body` (render_body(brief), when given already:
    the body does not change with the reviewer's decision, so a brief's body is rendered once)."""
    return dump_front_matter(brief) + "\n\n" + (render_body(brief) if body is None else body)


def render_body(brief: Brief) -> str:
    """Everything below the front matter: the part a reviewer reads, and whose sha256 a decision holds."""
    # The title is plain text (a file name as written, or the words of a model's heading): escaped, never parsed.
    parts = [f"# {plain_inline(brief.title)}"]
    if brief.problems:
        parts.append("\n".join(f"> **Warning:** {clean_inline(problem)}" for problem in brief.problems))
    parts.append("## Summary\n\n" + clean_model_text(brief.summary) + _render_summary_sources(brief))
    parts.append("## Key facts\n\n" + _render_facts(brief))
    parts.append("## Translation\n\n" + _render_translation(brief) + _render_origins(brief))
    if brief.edits:
        parts.append("## Corrections\n\n" + _render_edits(brief))
    parts.append("## Checks\n\n" + _render_checks(brief))
    return visible_text("\n\n".join(parts) + "\n")  # one rule for hidden controls (reporting/terminal.py)


def _fenced(text: str) -> str:
    """The source's own code or front matter, shown as it is: a fence no run inside can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


def _render_translation(brief: Brief) -> str:
    """Translated paragraphs, with the source's code blocks and front matter back in their places."""
    kept: dict[int, list[str]] = {}
    for after, text in brief.verbatim:
        kept.setdefault(min(after, len(brief.translation)), []).append(_fenced(text))
    parts = list(kept.get(0, []))
    for number, paragraph in enumerate(brief.translation, start=1):
        parts.append(clean_model_text(paragraph))
        parts += kept.get(number, [])
    return "\n\n".join(parts)


def _render_origins(brief: Brief) -> str:
    """Lines no model translated this time: taken from the translation memory, and from whose review."""
    taken = [f"- line {line.number}: {clean_inline(line.origin)}" for line in brief.lines if line.origin]
    return "\n\n_Lines from the translation memory:_\n\n" + "\n".join(taken) if taken else ""


EDITED = {"line": "translation of line", "fact": "fact", "summary": "summary sentence"}


def _render_edits(brief: Brief) -> str:
    """Each correction a reviewer made, with what it replaced: the text above shows the corrected one."""
    entries: list[str] = []
    for edit in brief.edits:
        what = f"{EDITED.get(edit.kind, edit.kind)} {edit.number}, by {clean_inline(edit.by)} on {edit.at}"
        if edit.after == edit.before:
            entries.append(f"- {what}: confirmed as it is")
        else:
            before = clean_inline(edit.before) if edit.before else "(untranslated)"
            entries.append(f"- {what}: “{before}” → “{clean_inline(edit.after)}”")
    return "\n".join(entries)


def location(fact: Fact) -> str:
    """Where the evidence is: "p. 3, ¶2, line 14" (a PDF), "§ Budget, ¶5, line 7" (headings)."""
    where = f"p. {fact.page}, " if fact.page else f"§ {clean_model_text(fact.heading)}, " if fact.heading else ""
    return f"{where}¶{fact.paragraph}, line {fact.sentence}"


def _render_summary_sources(brief: Brief) -> str:
    """The lines each summary sentence rests on (kept out of the prose), and what code found wrong."""
    if not brief.summary_sentences:
        return ""
    cited: list[str] = []
    for number, sentence in enumerate(brief.summary_sentences, start=1):
        lines = ", ".join(str(n) for n in sentence.lines)
        where = f"line{'s' if len(sentence.lines) > 1 else ''} {lines}" if lines else "no line"
        if sentence.lines and not sentence.named:
            where += f" ({sentence.note})" if sentence.note else " (found by code)"
        flag = " ⚠ " + "; ".join(sentence.problems) if sentence.problems else ""
        cited.append(f"({number}) {where}{flag}")
    return "\n\n_Sources:_ " + clean_model_text(" · ".join(cited))


def _render_facts(brief: Brief) -> str:
    if not brief.facts:
        return "_No facts were extracted._"
    lines: list[str] = []
    found = fact_problems(brief)
    for number, fact in enumerate(brief.facts, start=1):
        problems = fact.problems or ("evidence not found",)
        # The status on the fact itself, in words as well as a mark: a ✅ only where code saw it.
        if fact.supported:
            flag = " ✅ seen on its line"
        elif fact.status == "not found":
            rest = [clean_inline(p) for p in problems if p != NOT_FOUND]
            flag = " ⚠ **not found in the source**" + (": " + "; ".join(rest) if rest else "")
        else:
            flag = " ⚠ **flagged**: " + "; ".join(clean_inline(p) for p in problems)
        # What the other checks found in a fact: on the fact, as the page shows it.
        others = [p for p in found.get(number, []) if fact.supported or p not in problems]
        flag += " ⚠ **to check**: " + "; ".join(clean_inline(p) for p in others) if others else ""
        match = "" if fact.match in ("exact", "normalised") else f" ({fact.match} match)"
        match += f" ({clean_inline(fact.note)})" if fact.note else ""
        label = f"**{fact.category.capitalize()}:** " if fact.category else ""  # "line" facts have none
        lines.append(f"{number}. {label}{clean_inline(fact.statement)}{flag}")
        lines.append(f"{_quote(fact.evidence)}\n   > — source {location(fact)}{match}")
    return "\n".join(lines)


def _render_checks(brief: Brief) -> str:
    if not brief.checks:
        return "_No checks were run._"
    checks = "\n".join(f"- {'✅' if c.passed else '⚠️'} **{c.name}:** {clean_inline(c.detail)}" for c in brief.checks)
    paragraph = {line.number: line.paragraph for line in brief.lines}
    on_line = [
        f"- line {number}" + (f" (¶{paragraph[number]})" if number in paragraph else "") + ": " + clean_inline(reason)
        for number, reasons in sorted(line_problems(brief).items())
        for reason in reasons
    ]
    changed = [
        f"- line {line.number}" + f" (¶{line.paragraph}): " + clean_inline(note)
        for line in brief.lines
        for note in line.notes
    ]
    checks += "\n\n_Lines to check:_\n\n" + "\n".join(on_line) if on_line else ""
    return checks + ("\n\n_Lines changed by code:_\n\n" + "\n".join(changed) if changed else "")
