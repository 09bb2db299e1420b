"""What a number claims: its qualifier ("nearly", "more than") and what it counts ("people").

"7.7 million fighters" is not "7.7 million people", and "over 90 million" is not "près de
90 millions": the value alone says both are fine. Qualifiers fall into a few classes that
are compared across languages (the source's against the brief's); what a number counts is
compared in one language only, the brief's against the translation of the same line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from summarise.grounding.quantities import Quantity, extract_quantities, missing_quantities, same_quantity

# Qualifier classes: words in each language that put a number in that class.
_QUALIFIERS: dict[str, dict[str, tuple[str, ...]]] = {
    "about": {
        "en": ("nearly", "almost", "close to", "about", "around", "approximately", "roughly", "some", "an estimated"),
        "fr": (
            *("près de", "près d'", "presque", "quasiment", "environ", "quelque", "quelques", "autour de"),
            "approximativement",
        ),
    },
    "over": {
        "en": ("more than", "over", "above", "at least", "in excess of", "exceeding", "upwards of", "greater than"),
        "fr": ("plus de", "plus d'", "au moins", "au-delà de", "dépassant", "supérieur à", "supérieure à"),
    },
    "under": {
        "en": ("less than", "fewer than", "under", "below", "at most", "no more than"),
        "fr": ("moins de", "moins d'", "au plus", "inférieur à", "inférieure à"),
    },
    "up to": {"en": ("up to", "as many as", "as much as"), "fr": ("jusqu'à", "jusqu’à")},
    # a number a little off: "à peine plus de 200" and "about 200" both say 200, give or take
    "just over": {
        "en": ("just over", "barely more than", "slightly more than", "a little over", "a little more than"),
        "fr": ("à peine plus de", "à peine plus d'", "un peu plus de", "un peu plus d'", "légèrement plus de"),
    },
    "just under": {
        "en": ("just under", "barely less than", "slightly less than", "a little under", "a little less than"),
        "fr": ("à peine moins de", "à peine moins d'", "un peu moins de", "un peu moins d'", "légèrement moins de"),
    },
}
# Qualifiers that say the same of a number: a little over or under it is about it, and over or under it.
_AGREE = {"just over": {"about", "over"}, "just under": {"about", "under"}}
# Qualifiers written after the number and what it counts: "à 30 mètres environ", "30 or more".
_AFTER = {"about": ("environ", "or so", "approximately"), "over": ("or more", "ou plus", "et plus")}
_AFTER_PATTERN = re.compile(
    r"\s*(?:[^\W\d_]+\s+)?(" + "|".join(w for ws in _AFTER.values() for w in ws) + r")(?![^\W\d_])", re.IGNORECASE
)
QUALIFIER_WORDS = {
    "about": "nearly/about",
    "over": "more than",
    "under": "less than",
    "up to": "up to",
    "just over": "just over",
    "just under": "just under",
    "": "exactly",
}
# Words after a number that say nothing about what it counts.
_FUNCTION_WORDS = (
    "to and or of in on at the a an per from by for with than as is are was were has have had that which who "
    "percent cent et ou à au aux en le la les un une des du de d l sur par pour avec"
)
_NOT_UNITS = frozenset(_FUNCTION_WORDS.split())
_WORDS_AFTER = re.compile(r"[^\W\d_][\w'’-]*|[^\w\s'’-]")


@dataclass(frozen=True)
class Claim:
    quantity: Quantity
    qualifier: str  # "" (exact) or a class of _QUALIFIERS
    unit: str  # the first word after it, folded ("people"), "" when none
    after: tuple[str, ...] = ()  # up to three words after it (folded), to the next punctuation
    phrase: str = ""  # the number and the word it counts, as written: for messages


def _fold(word: str) -> str:
    word = "".join(c for c in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(c))
    return re.sub(r"(?<=\w\w\w)s$", "", word)  # a crude singular: "fighters" = "fighter"


def _words_after(text: str, end: int) -> tuple[tuple[str, ...], int]:
    """Up to three content words after `end` (folded), and where the first of them ends."""
    words: list[str] = []
    first_end = end
    for token in _WORDS_AFTER.finditer(text, end, min(len(text), end + 80)):
        word = token.group()
        if not word[0].isalpha():
            break  # punctuation ends what the number counts
        if word.casefold() not in _NOT_UNITS:
            words.append(_fold(word))
            first_end = token.end() if len(words) == 1 else first_end
        if len(words) == 3:
            break
    return tuple(words), first_end


@lru_cache(maxsize=32)
def _qualifier_pattern(language: str) -> re.Pattern[str]:
    words = [w for forms in _QUALIFIERS.values() for lang in {language, "en"} for w in forms.get(lang, ())]
    alternatives = "|".join(
        re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]\\s*") for w in sorted(words, key=len, reverse=True)
    )
    # an article may stand between: "nearly a 20-degree difference", "more than the 20.4 million"
    return re.compile(rf"(?<!\w)({alternatives})(?:\s*(?:an?|the|le|la|les|un|une)\s)?\s*$", re.IGNORECASE)


def _qualifier_class(word: str) -> str:
    folded = " ".join(word.casefold().replace("’", "'").split()).replace("' ", "'")
    for name, forms in _QUALIFIERS.items():
        if any(folded == form for lang_forms in forms.values() for form in lang_forms):
            return name
    return ""


def claims(text: str, language: str) -> list[Claim]:
    """Every quantity in `text` with the qualifier before it and the word it counts."""
    found: list[Claim] = []
    cursor = 0
    for quantity in extract_quantities(text, language):
        start = text.find(quantity.surface, cursor)
        if start < 0:
            continue
        end = start + len(quantity.surface)
        cursor = end
        before = text[max(0, start - 30) : start]
        match = _qualifier_pattern(language).search(before)
        qualifier = _qualifier_class(match.group(1)) if match else ""
        if not qualifier and (later := _AFTER_PATTERN.match(text, end)):
            qualifier = next(name for name, words in _AFTER.items() if later.group(1).casefold() in words)
        after, unit_end = _words_after(text, end) if quantity.kind == "number" else ((), end)
        found.append(Claim(quantity, qualifier, after[0] if after else "", after, text[start:unit_end]))
    return found


def _agree(a: Claim, b: Claim) -> bool:
    """Two claims of one number say it the same way. A band ("the 80s", "la trentaine") is its own
    hedge: any qualifier of the value it holds agrees with it."""
    if a.qualifier == b.qualifier or "band" in (a.quantity.kind, b.quantity.kind):
        return True
    return b.qualifier in _AGREE.get(a.qualifier, ()) or a.qualifier in _AGREE.get(b.qualifier, ())


def qualifier_problems(statement: str, language: str, source_line: str, source_language: str) -> list[str]:
    """Numbers of `statement` whose qualifier differs from the same number in its source line."""
    problems: list[str] = []
    source = claims(source_line, source_language)
    for claim in claims(statement, language):
        match = next((s for s in source if same_quantity(claim.quantity, s.quantity)), None)
        if match is not None and not _agree(claim, match):
            problems.append(
                f"“{claim.quantity.surface}” is said {QUALIFIER_WORDS[claim.qualifier]}; "
                f"the source says {QUALIFIER_WORDS[match.qualifier]}"
            )
    return problems


def unit_problems(statement: str, translated_line: str, language: str) -> list[str]:
    """Numbers of `statement` that count something else than the same number in the
    translation of its line ("7.7 million fighters" for "7.7 million people").

    What the line counts must come within three words of the statement's number, so
    "7.7 million Iraqi people" passes for "7.7 million people" and "7.7 million Daech
    fighters" does not."""
    problems: list[str] = []
    line = claims(translated_line, language)
    for claim in claims(statement, language):
        match = next((t for t in line if same_quantity(claim.quantity, t.quantity)), None)
        if match is not None and claim.unit and match.unit and match.unit not in claim.after:
            problems.append(f"“{claim.phrase}”: its line says “{match.phrase}”")
    return problems


def translation_problems(source_line: str, source_language: str, translation: str, language: str) -> list[str]:
    """What a line's translation changed of its numbers and dates: one dropped, or said with
    another qualifier ("près de 90 millions" as "more than 90 million")."""
    missing = [
        f"“{q.surface}” is missing" for q in missing_quantities(source_line, source_language, translation, language)
    ]
    return missing + qualifier_problems(translation, language, source_line, source_language)
