"""Each summary sentence linked to the lines that say it, and checked there, in code.

The summary cites its lines (`[n]`) when the model follows the task; a citation is a hint,
as a fact's line number is. A sentence keeps its cited lines when they say it
(grounding/support.py); otherwise code links the lines of the document that do, and says
so; a sentence no line says is flagged. Then its numbers must be in those lines with their
qualifier ("nearly" is not "more than") and count what the lines count ("7.7 million
people" is not "7.7 million fighters"). The Markdown and the review page both show these
links: one path (grounding/citations.py reads them back).
"""

from __future__ import annotations

from summarise.brief import NOT_FOUND, SummarySentence
from summarise.documents import Document
from summarise.grounding.claims import qualifier_problems, unit_problems
from summarise.grounding.quantities import missing_quantities
from summarise.grounding.support import SUPPORTED, LineIndex
from summarise.languages import Language
from summarise.tasks.summary import cited_lines, strip_citations, summary_sentences

# A summary sentence is linked to at most this many lines, each adding this much of it.
MAX_LINES, GAIN = 3, 0.1


def best_lines(index: LineIndex, statement: str, numbers: list[int]) -> tuple[tuple[int, ...], float]:
    """The fewest lines (at most MAX_LINES) that together say the most of `statement`, and how much."""
    ranked = [n for score, n in index.ranked(statement, numbers) if score > 0]
    chosen: list[int] = []
    covered = 0.0
    for number in ranked[: 4 * MAX_LINES]:
        if len(chosen) == MAX_LINES:
            break
        score = index.score(statement, [*chosen, number])
        if score >= covered + GAIN:
            chosen.append(number)
            covered = score
    return tuple(sorted(chosen)), covered


def link_sentence(index: LineIndex, text: str, named: list[int], known: list[int]) -> tuple[SummarySentence, str]:
    """The sentence with its lines (the cited ones when they say it), and why it was not
    found where it should be ("" when it was)."""
    cited = tuple(n for n in named if n in known)
    if cited and index.score(text, cited) >= SUPPORTED:
        # Of many cited lines ("[2, 4, 7, 9-13]"), the few that say it: eight lines together
        # say most sentences, and a reviewer cannot check a sentence against eight lines.
        fewest, covered = best_lines(index, text, list(cited))
        return SummarySentence(text, fewest if covered >= SUPPORTED else cited, named=True), ""
    found, covered = best_lines(index, text, known)
    if covered >= SUPPORTED:
        note = f"re-linked: the summary cited line{'s' if len(cited) > 1 else ''} {_list(cited)}" if cited else ""
        return SummarySentence(text, found, note=note), ""
    return SummarySentence(text, cited or found, named=bool(cited)), NOT_FOUND


def _list(numbers: tuple[int, ...]) -> str:
    return ", ".join(str(n) for n in numbers)


def ground_summary(
    summary: str, document: Document, translated: dict[int, str], target: Language
) -> list[SummarySentence]:
    index = LineIndex({s.number: (s.text, translated.get(s.number, "")) for s in document.sentences})
    known = [s.number for s in document.sentences]
    sentences: list[SummarySentence] = []
    for raw in summary_sentences(summary, target.code):
        linked, problem = link_sentence(index, strip_citations(raw), cited_lines(raw), known)
        problems = [problem] if problem else []
        lines = linked.lines
        source = "\n".join(document.sentences[n - 1].text for n in lines) or document.text
        translation = "\n".join(translated.get(n, "") for n in lines)
        for quantity in missing_quantities(linked.text, target.code, source, document.language):
            anywhere = not missing_quantities(quantity.surface, target.code, document.text, document.language)
            elsewhere = lines and anywhere
            where = "the lines it is linked to" if elsewhere else "the source"
            problems.append(f"“{quantity.surface}” is not in {where}")
        problems += qualifier_problems(linked.text, target.code, source, document.language)
        problems += unit_problems(linked.text, translation, target.code)
        sentences.append(SummarySentence(linked.text, lines, tuple(problems), linked.named, linked.note))
    return sentences
