"""Every check of a brief, run in one order on its parts: the pipeline runs it on the model's
answers, the review desk on a brief a reviewer corrected (grounding/recheck.py), so a correction is
checked by exactly the code that checked the model's text."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from summarise.brief import Check, CitedSentence, Fact, RawFact, SummarySentence
from summarise.config.glossary import Glossary
from summarise.documents import Document
from summarise.documents.languages import Language
from summarise.grounding.facts import verify_facts
from summarise.grounding.glossary_checks import review_glossary
from summarise.grounding.report import cross_checks, problems_by_line
from summarise.grounding.summary import ground_summary


@dataclass(frozen=True)
class Checked:
    facts: tuple[Fact, ...]
    sentences: tuple[SummarySentence, ...]
    checks: tuple[Check, ...]
    on_line: dict[int, tuple[str, ...]]  # what the checks found in each line


def check_parts(
    document: Document,
    target: Language,
    glossary: Glossary | None,
    *,
    summary: Sequence[CitedSentence],
    summary_notes: Sequence[str],
    raw_facts: list[RawFact],
    translation: Sequence[str],
    translated: Mapping[int, str],
    untranslated: Collection[int],
) -> Checked:
    """Facts anchored and verified, the summary grounded, glossary misses flagged, the checks
    run. `translated` holds every line (an untranslated one with its source text)."""
    facts = verify_facts(document, raw_facts, target, translated)
    sentences = ground_summary(summary, document, dict(translated), target)
    reviewed = review_glossary(glossary, document, translated, facts, sentences)
    checks = tuple(
        cross_checks(
            document,
            target,
            summary=reviewed.sentences,
            summary_notes=summary_notes,
            facts=reviewed.facts,
            translation=translation,
            translated=translated,
            untranslated=untranslated,
            glossary=reviewed,
        )
    )
    on_line = problems_by_line(checks)
    for number, misses in reviewed.lines.items():
        on_line[number] = tuple(dict.fromkeys((*on_line.get(number, ()), *misses)))
    return Checked(tuple(reviewed.facts), tuple(reviewed.sentences), checks, on_line)
