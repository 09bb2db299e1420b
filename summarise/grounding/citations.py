"""Which source lines each summary sentence rests on: what the review page links it to.

The links are made once, when the brief is built (grounding/summary.py), and kept in the
brief's `summary_sentences`; the Markdown and the page both show those. A brief written
before summary sentences were kept gets the same linking from its lines, so an old page
still shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from summarise.brief import Brief
from summarise.grounding.summary import link_sentence, read_summary
from summarise.grounding.support import LineIndex


@dataclass(frozen=True)
class Cited:
    text: str  # the sentence, without its [n] markers
    lines: tuple[int, ...]  # the source lines it rests on, in order; () when none says it
    named: bool  # the summary named these lines itself


def cite_summary(brief: Brief) -> list[Cited]:
    if brief.summary_sentences:
        return [Cited(s.text, s.lines, s.named) for s in brief.summary_sentences]
    index = LineIndex({line.number: (line.source, line.translation) for line in brief.lines})
    known = [line.number for line in brief.lines]
    cited: list[Cited] = []
    for written in read_summary(brief.summary, brief.target_language):
        linked, _problem = link_sentence(index, written.text, list(written.cited), known)
        cited.append(Cited(linked.text, linked.lines, linked.named))
    return cited
