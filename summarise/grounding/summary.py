"""Each summary sentence linked to the lines that say it, and checked there, in code.

The summary cites its lines (`[n]`) when the model follows the task; a citation is a hint,
as a fact's line number is. A sentence keeps its cited lines when they say it
(grounding/support.py); otherwise code links the lines of the document that do, and says
so; a sentence no line says is flagged. Then its numbers must be in those lines with their
qualifier ("nearly" is not "more than") and count what the lines count ("7.7 million
people" is not "7.7 million fighters"). The Markdown and the review page both show these
links: one path (grounding/citations.py reads them back).

The `[n]` reader is here too (read_summary): tasks/summary.py reads the answer with it,
once, and hands over typed sentences; grounding imports nothing of tasks/.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarise.brief import NOT_FOUND, CitedSentence, SummarySentence
from summarise.documents import Document, split_sentences
from summarise.documents.languages import Language
from summarise.grounding.claims import qualifier_problems, unit_problems
from summarise.grounding.quantities import missing_quantities
from summarise.grounding.support import SUPPORTED, LineIndex

# "[3]", "[3, 5]", "[3-5]", "[3 and 5]"; a negative line ("[-1]") is a citation too, of a line
# the document does not have: read as one, never as the number 1.
CITATION = re.compile(r"\s*\[(-?\d+(?:\s*(?:[-–,]|and)\s*-?\d+)*)\]")


def strip_citations(text: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", CITATION.sub("", text)).strip()


def cited_lines(sentence: str) -> list[int]:
    """[3], [3, 5], [3-5], [3 and 5] -> the line numbers a summary sentence names, each once.

    A range ([3-5]) spans fewer than 50 lines; a wider or backward one ([12-120], [7-3]) is read
    as its two ends."""
    lines: list[int] = []
    for group in CITATION.findall(sentence):
        for part in re.split(r"\s*(?:,|and)\s*", group):
            if re.fullmatch(r"\s*-\d+\s*", part):
                lines.append(int(part))
                continue
            bounds = [int(n) for n in re.split(r"\s*[-–]\s*", part) if n.strip()]
            if len(bounds) == 2 and 0 < bounds[1] - bounds[0] < 50:
                lines.extend(range(bounds[0], bounds[1] + 1))
            else:
                lines.extend(bounds)
    return list(dict.fromkeys(lines))


def read_summary(text: str, language: str) -> tuple[CitedSentence, ...]:
    """The summary as the model wrote it -> its sentences, each without its `[n]` and with the
    lines those named: read once, where the answer is read (tasks/summary.py)."""
    return tuple(
        CitedSentence(strip_citations(raw), tuple(cited_lines(raw))) for raw in summary_sentences(text, language)
    )


def summary_sentences(text: str, language: str) -> list[str]:
    """The sentences of a summary, each with the citations that follow it."""
    sentences = [s.text for s in split_sentences(text.strip(), language)]
    merged: list[str] = []
    for sentence in sentences:  # a citation after the full stop belongs to the sentence before
        lead = re.match(r"(?:\s*\[[^\]]*\d\])+", sentence)
        if merged and lead and cited_lines(lead.group()):
            merged[-1] += " " + lead.group().strip()
            sentence = sentence[lead.end() :].strip()
        if re.search(r"\w", sentence):  # not the full stop left after "It happened. [3]."
            merged.append(sentence)
    return merged


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
    if len(cited) < len(named):  # "[0]", "[-1]", "[99999]": said, never dropped unseen
        unknown = [n for n in named if n not in known]
        linked, problem = link_sentence(index, text, list(cited), known)
        missing = f"cites line {', '.join(map(str, unknown))}, which the document does not have"
        return linked, "; ".join(p for p in (missing, problem) if p)
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
    summary: Sequence[CitedSentence], document: Document, translated: dict[int, str], target: Language
) -> list[SummarySentence]:
    index = LineIndex({s.number: (s.text, translated.get(s.number, "")) for s in document.sentences})
    known = [s.number for s in document.sentences]
    sentences: list[SummarySentence] = []
    for written in summary:
        linked, problem = link_sentence(index, written.text, list(written.cited), known)
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
