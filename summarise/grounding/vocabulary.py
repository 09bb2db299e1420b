"""Which language a word belongs to, from word lists: the seam to pyspellchecker (MIT).

Its frequency lists cover English, Spanish, French, Portuguese, German, Italian, Russian,
Arabic, Latvian, Basque, Dutch and Persian. They are loaded once, only when a word is
judged for the first time (~0.4 s each), never at start-up: verdicts (a word's, and whether a
text is mostly words of one language) are kept in the cache folder (remember_in), so a cached
re-run loads none. A language without a list is never flagged.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from typing import Any, Protocol

WORD_LIST_LANGUAGES = frozenset({"en", "es", "fr", "pt", "de", "it", "ru", "ar", "lv", "eu", "nl", "fa"})
_WORD = re.compile(r"[^\W\d_]+")


class _WordList(Protocol):
    def __contains__(self, word: str, /) -> bool: ...


class Memo(Protocol):
    """Where verdicts are kept between runs: the cache folder's (model/cache.ResponseCache)."""

    def get(self, key: str, /) -> dict[str, Any] | None: ...
    def set(self, key: str, value: dict[str, Any], /) -> None: ...


# Verdicts kept on disk, word by word: the lists take ~0.4 s each to load, which a re-run
# whose every answer is cached (and whose every word was judged) need not spend.
_MEMO_KEY = "words-1:"
_memo: Memo | None = None


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


def remember_in(memo: Memo | None) -> None:
    """Keep which words belong to one language only in `memo` (in the cache folder), or nowhere."""
    global _memo
    _memo = memo


def untranslated_words(text: str, source: str, source_language: str, target_language: str) -> list[str]:
    """Lower-case words of `text` (meant to be in the target language) copied from `source`
    that the source language's word list has and the target's lacks: "déraisonnable" or
    "un" left in an English line. Capitalised words are left alone (names, "Maroc" is the
    names check's), as are words both languages share ("coalition", "de")."""
    if not word_lists_for(source_language, target_language):
        return []
    copied = {w.casefold() for w in _WORD.findall(source)}
    candidates = list(dict.fromkeys(w for w in _WORD.findall(text) if w.islower() and w in copied))
    if not candidates:
        return []
    source_code, target_code = _code(source_language), _code(target_language)
    only_source = _remembered(source_code, target_code, candidates)
    return [word for word in candidates if only_source[word]]


def _remembered(source_code: str, target_code: str, candidates: list[str]) -> dict[str, bool]:
    """For each word, whether the source's list has it and the target's lacks it: remembered
    in the cache folder, so the lists are loaded only for a word never judged before."""
    memo = _memo
    key = f"{_MEMO_KEY}{source_code}>{target_code}:" if memo is not None else ""
    known: dict[str, bool] = {}
    for word in candidates:
        verdict = memo.get(key + word) if memo is not None else None
        if verdict is not None and isinstance(verdict.get("only_source"), bool):
            known[word] = verdict["only_source"]
    for word in candidates:
        if word not in known:
            source_list, target_list = _word_list(source_code), _word_list(target_code)
            known[word] = word in source_list and word not in target_list
            if memo is not None:
                memo.set(key + word, {"only_source": known[word]})
    return known


def mostly_words_of(text: str, language: str, other: str) -> bool:
    """Most words of `text` (two thirds) are in `language`'s word list, and more of them than in `other`'s."""
    if not word_lists_for(other, language):
        return False
    words = [w.casefold() for w in _WORD.findall(text) if len(w) > 1]
    if not words:
        return False
    # Remembered like the words' verdicts: a re-run whose translations are all cached (and doubted
    # the same way) loads no list for them.
    memo, digest = _memo, hashlib.sha256(text.encode()).hexdigest()
    key = f"{_MEMO_KEY}mostly:{_code(language)}>{_code(other)}:{digest}"
    if memo is not None and isinstance(verdict := (memo.get(key) or {}).get("mostly"), bool):
        return verdict
    known = sum(w in _word_list(_code(language)) for w in words)
    mostly = known >= 2 * len(words) / 3 and known > sum(w in _word_list(_code(other)) for w in words)
    if memo is not None:
        memo.set(key, {"mostly": mostly})
    return mostly
