"""Which language a word belongs to, from word lists: the seam to pyspellchecker (MIT).

Its frequency lists cover English, Spanish, French, Portuguese, German, Italian, Russian,
Arabic, Latvian, Basque, Dutch and Persian. They are loaded once, only when a brief is
checked (~0.3 s each), never at start-up. A language without a list is never flagged.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Protocol

WORD_LIST_LANGUAGES = frozenset({"en", "es", "fr", "pt", "de", "it", "ru", "ar", "lv", "eu", "nl", "fa"})
_WORD = re.compile(r"[^\W\d_]+")


class _WordList(Protocol):
    def __contains__(self, word: str, /) -> bool: ...


def _code(language: str) -> str:
    return language.split("-")[0].casefold()  # "en-GB" uses the English list


@cache
def _word_list(code: str) -> _WordList:
    from spellchecker import SpellChecker  # ~0.3 s per language: only when a brief is checked

    checker: _WordList = SpellChecker(language=code, distance=1)
    return checker


def word_lists_for(source_language: str, target_language: str) -> bool:
    """Both languages have a word list, and they differ: untranslated_words can tell."""
    source_code, target_code = _code(source_language), _code(target_language)
    return source_code != target_code and {source_code, target_code} <= WORD_LIST_LANGUAGES


def untranslated_words(text: str, source: str, source_language: str, target_language: str) -> list[str]:
    """Lower-case words of `text` (meant to be in the target language) copied from `source`
    that the source language's word list has and the target's lacks: "déraisonnable" or
    "un" left in an English line. Capitalised words are left alone (names, "Maroc" is the
    names check's), as are words both languages share ("coalition", "de")."""
    if not word_lists_for(source_language, target_language):
        return []
    source_list, target_list = _word_list(_code(source_language)), _word_list(_code(target_language))
    copied = {w.casefold() for w in _WORD.findall(source)}
    found = [
        word
        for word in _WORD.findall(text)
        if word.islower() and word in copied and word in source_list and word not in target_list
    ]
    return list(dict.fromkeys(found))


def mostly_words_of(text: str, language: str, other: str) -> bool:
    """Most words of `text` (two thirds) are in `language`'s word list, and more of them than in `other`'s."""
    if not word_lists_for(other, language):
        return False
    words = [w.casefold() for w in _WORD.findall(text) if len(w) > 1]
    if not words:
        return False
    known = sum(w in _word_list(_code(language)) for w in words)
    return known >= 2 * len(words) / 3 and known > sum(w in _word_list(_code(other)) for w in words)
