"""Country and region names as CLDR writes them in two languages: a built-in glossary.

A small model leaves a country's name in the source's language ("the ministerial meeting in
Koweït"); CLDR, through babel, knows it in both ("Koweït" in French, "Kuwait" in English).
These names are a glossary below the user's: code writes the target language's name where
a line, fact or summary sentence kept the source's (grounding/glossary_terms.py), and says
so as it does for the user's terms. The user's entries win: a name the user's glossary has
is theirs. Unlike the user's terms, a built-in name is never *flagged* when the model wrote
it otherwise ("Moroccan authorities" for "les autorités du Maroc" is right), and never put
in a prompt: it only replaces a name left as the source writes it.

Territories only (countries, and regions such as "Afrique" -> "Africa"): CLDR's city names
are time-zone exemplars ("Canton" for Kanton Island), too ambiguous to write over a text.
"""

from __future__ import annotations

from functools import lru_cache

from summarise.config.glossary import Entry, Glossary

BUILT_IN = "built-in place names (CLDR)"
_NOT_PLACES = frozenset({"ZZ", "QO", "EZ", "UN"})  # unknown region, outlying Oceania, the euro zone, an organisation


def _territories(language: str) -> dict[str, str]:
    from babel import Locale, UnknownLocaleError  # locale data: read only when a brief is checked

    try:
        return dict(Locale.parse(language.replace("-", "_")).territories)
    except (UnknownLocaleError, ValueError):
        return {}


@lru_cache(maxsize=16)
def place_names(source_language: str, target_language: str) -> Glossary | None:
    """The names CLDR writes differently in the two languages, as glossary entries; None when it has none."""
    source, target = _territories(source_language), _territories(target_language)
    entries = []
    for code, name in sorted(source.items()):
        written = target.get(code, "")
        if code in _NOT_PLACES or not written or not name[:1].isupper() or not written[:1].isupper():
            continue  # "Monde" / "world": a word, not a name to hold
        entry = Entry(name, written, source_language, target_language)
        if entry.source_keys and entry.source_keys != entry.target_keys:
            entries.append(entry)
    return Glossary(BUILT_IN, tuple(entries)) if entries else None


@lru_cache(maxsize=4)
def names_of_places(language: str) -> frozenset[str]:
    """Every country and region name CLDR writes in `language`."""
    return frozenset(_territories(language).values())


def below(user: Glossary | None, built_in: Glossary | None) -> Glossary | None:
    """The built-in names the user's glossary does not already hold: theirs win."""
    if built_in is None or user is None:
        return built_in
    kept = tuple(e for e in built_in.entries if not _holds(user, e.source))
    return Glossary(BUILT_IN, kept) if kept else None


def _holds(glossary: Glossary, term: str) -> bool:
    """Whether one of the glossary's source terms is `term` itself."""
    return any(match.start == 0 and match.end >= len(term) for match in glossary.find(term))
