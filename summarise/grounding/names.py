"""Names: a cheap proper-noun guesser, and whether names occur in a text (any language)."""

from __future__ import annotations

import re
from functools import lru_cache

from babel.dates import get_day_names, get_month_names

from summarise.documents import strip_accents
from summarise.grounding.quotes import normalise_text


@lru_cache(maxsize=4096)
def _name_key(text: str) -> str:
    return strip_accents(normalise_text(text))


def missing_names(names: list[str], text: str) -> list[str]:
    """Names that do not occur in `text` as whole words (case/accent-insensitive)."""
    haystack = _name_key(text)
    missing: list[str] = []
    for name in dict.fromkeys(names):
        key = _name_key(name)
        if key and not re.search(rf"(?<!\w){re.escape(key)}(?!\w)", haystack):
            missing.append(name)
    return missing


# Lower-case name particles allowed inside a run of capitalised words.
_PARTICLES = frozenset(
    {"al", "el", "bin", "ben", "ibn", "bint", "abu", "de", "du", "des", "del", "della", "di", "da", "do", "dos"}
    | {"das", "la", "le", "von", "van", "der", "den"}
)
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")


_GLUED = _PARTICLES | {"d", "l"}  # "d'Estaing", "l'Arabie"
# English and German capitalise month and day names; they are not proper nouns.
_CALENDAR = frozenset(
    n.casefold() for lc in ("en", "de") for get in (get_month_names, get_day_names) for n in get(locale=lc).values()
)


def extract_names(text: str) -> list[str]:
    """Cheap proper-noun guesser: runs of capitalised words, de-duplicated.

    Capitalisation at the start of a sentence says nothing, so a sentence-initial
    word only counts if it also appears capitalised mid-sentence, or if it starts
    a run ("Nasser Bourita a...") and never appears in lower case ("Le Maroc" is
    rejected because "le" does). Limits, by design (no model, any language):
    abbreviations ("M. Bourita") look like sentence ends; titles join runs
    ("President Macron"); German nouns are all capitalised and come out as names;
    scripts without case (Arabic, CJK) yield nothing.
    """
    tokens = list(_WORD.finditer(text))
    words = [t.group() for t in tokens]
    # Only whitespace between two tokens lets them form one name.
    gaps = [text[tokens[k - 1].end() if k else 0 : t.start()] for k, t in enumerate(tokens)]
    opens = [k == 0 or bool(re.search(r"[.!?…:\n«“]", gap)) for k, gap in enumerate(gaps)]
    cap = [_capitalised(w) for w in words]
    known = {w for w, c, first in zip(words, cap, opens, strict=True) if c and not first}
    lower = {w for w in words if w.islower()}

    def starts_run(k: int) -> bool:
        return k + 1 < len(words) and cap[k + 1] and gaps[k + 1].isspace() and words[k].casefold() not in lower

    names: dict[str, str] = {}
    run: list[str] = []

    def flush() -> None:
        while run and run[-1] in _PARTICLES:  # "Bourita de" -> "Bourita"
            run.pop()
        if run:
            # An English possessive is not part of the name: "Morocco's" names "Morocco".
            name = re.sub(r"['’]s$", "", " ".join(run))
            names.setdefault(_name_key(name), name)
        run.clear()

    for k, word in enumerate(words):
        joined = bool(run) and not opens[k] and gaps[k].isspace()
        if cap[k] and (not opens[k] or word in known or starts_run(k)):
            if not joined:
                flush()
            run.append(word)
        elif joined and word in _PARTICLES:  # "Jean de La Fontaine", "Mohammed bin Salman"
            run.append(word)
        else:
            flush()
    flush()
    return list(names.values())


def _capitalised(word: str) -> bool:
    if word[0].isupper():
        # Single letters are mostly "I" or initials; calendar words are not names.
        return len(word) > 1 and word.casefold() not in _CALENDAR
    # "al-Assad", "d'Estaing": a lower-case particle glued to a capitalised name.
    parts = re.split(r"['’-]", word, maxsplit=1)
    return len(parts) == 2 and parts[0] in _GLUED and parts[1][:1].isupper()


def _word_key(word: str) -> str:
    return strip_accents(word.casefold())


_PLAIN_WORD = re.compile(r"[^\W\d_]+")
_SHORT_SOURCE_WORDS = frozenset({"de", "du", "la", "le", "et", "el", "y", "der", "die", "und"})


def leftover_words(text: str, source: str, translation: str) -> list[str]:
    """Words of `text` (target language) taken from `source` that its translation renders
    otherwise: "Maroc" in a fact whose source line says "Maroc" and whose translation says
    "Morocco". A word in both the source and the translation (a name, "Livingston") is fine."""
    source_words = {_word_key(w) for w in _PLAIN_WORD.findall(source)}
    translated = {_word_key(w) for w in _PLAIN_WORD.findall(translation)}
    found: list[str] = []
    for word in _PLAIN_WORD.findall(text):
        key = _word_key(word)
        if (len(key) >= 3 or key in _SHORT_SOURCE_WORDS) and key in source_words and key not in translated:
            found.append(word)
    return list(dict.fromkeys(found))
