"""The Checks section: plain-words checks a reviewer can act on; code, not the model, decides them."""

from __future__ import annotations

import re

from summarise.brief import Check, Fact
from summarise.documents import MIX_CONFIDENCE, MIX_LETTERS, Document, identify
from summarise.grounding.names import extract_names, missing_names
from summarise.grounding.quantities import missing_quantities
from summarise.languages import Language, language_name
from summarise.tasks.translation import UNTRANSLATED_MARK


def in_language(text: str, code: str) -> bool:
    """False only when the text is surely in another language (short or unclear text passes)."""
    found, confidence = identify(text)
    return found == code or confidence < MIX_CONFIDENCE or len(re.findall(r"[^\W\d_]", text)) < MIX_LETTERS


def cross_checks(
    document: Document, target: Language, *, summary: str, facts: list[Fact], translation: list[str]
) -> list[Check]:
    """The checks of a brief, from its parts: the brief itself is built once, with them."""
    results: list[Check] = []
    languages = dict(document.languages) or {document.language: 1.0}
    if set(languages) == {target.code}:  # wholly in the target language, not just mostly
        results.append(Check("Translation", True, f"the source is already in {language_name(target.code)}"))
    joined = "\n\n".join(translation)
    same_count = len(translation) == document.paragraph_count
    untranslated = joined.count(UNTRANSLATED_MARK)
    # A line the model "translated" by copying it, still in another language, is not translated.
    foreign = [p for p in translation if UNTRANSLATED_MARK not in p and not in_language(p, target.code)]
    results.append(
        Check(
            "Translation complete",
            same_count and not untranslated and not foreign,
            f"{len(translation)} of {document.paragraph_count} paragraphs"
            + (f"; {untranslated} line(s) left untranslated" if untranslated else "")
            + (f"; {len(foreign)} paragraph(s) not in {target.name}" if foreign else "")
            + ("" if untranslated or foreign else "; every line translated"),
        )
    )
    dropped = missing_quantities(document.text, document.language, joined, target.code)
    results.append(
        Check(
            "Numbers and dates kept in the translation",
            not dropped,
            "all present" if not dropped else "missing: " + ", ".join(f"“{q.surface}”" for q in dropped),
        )
    )
    invented = missing_quantities(summary, target.code, document.text, document.language)
    results.append(
        Check(
            "Numbers in the summary found in the source",
            not invented,
            "all found" if not invented else "not in the source: " + ", ".join(f"“{q.surface}”" for q in invented),
        )
    )
    names = extract_names(" ".join(fact.statement for fact in facts))
    lost = missing_names(names, joined)
    results.append(
        Check(
            "Names from the facts found in the translation",
            not lost,
            f"{len(names)} names checked" if not lost else "not in the translation: " + ", ".join(lost),
        )
    )
    supported = sum(fact.supported for fact in facts)
    flagged = len(facts) - supported
    results.append(
        Check(
            "Facts supported by their quoted sentence",
            flagged == 0,
            f"{supported} of {len(facts)} supported" + (f"; {flagged} flagged above" if flagged else ""),
        )
    )
    return results
