"""Page furniture of saved and pasted text: language menus and feed links at the top,
newsletter footers at the bottom, a leading date kept as metadata. Dropped before a document
is split, so no task reads it (the 2018 seed opens with "rss" and a language menu)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_METADATA_PREFIX = re.compile(r"^\s*(date|published|updated)\s*:?\s*(\d{4}-\d{2}(?:-\d{2})?)\s+", re.IGNORECASE)
# Feed links, share buttons, newsletter footers.
_NAVIGATION_WORDS = {"rss", "menu", "share", "print", "home", "search", "skip to content", "partager", "imprimer"}
_FOOTER = re.compile(
    r"(subscribe|newsletter|e-?mail updates|abonner|abonné|mises à jour par courrier|abonnieren|suscrib|"
    r"all rights reserved|tous droits réservés|cookie)",
    re.IGNORECASE,
)

# The names languages give themselves, casefolded, one a line: built from babel's CLDR data
# by build_endonyms() (a test checks the file still matches it). Read from a file because
# building them loads the data of every one of babel's ~340 locales, 1.5 s at each start.
ENDONYMS_FILE = Path(__file__).parents[1] / "data" / "endonyms.txt"  # summarise/data/


def build_endonyms() -> list[str]:
    """Names languages give themselves ("English", "العربية", "Русский"): what a language menu lists."""
    from babel import Locale

    names: set[str] = set()
    for code in Locale("en").languages:
        try:
            name = Locale(str(code)).get_display_name(str(code))
        except Exception:  # babel has names for most codes, not all
            continue
        if name:
            names.add(name.casefold())
    return sorted(names)


@lru_cache(maxsize=1)
def _language_endonyms() -> frozenset[str]:
    return frozenset(ENDONYMS_FILE.read_text(encoding="utf-8").splitlines())


def _is_navigation(line: str) -> bool:
    lowered = line.casefold()
    if lowered in _NAVIGATION_WORDS:
        return True
    words = re.findall(r"\w+", lowered)
    endonyms = _language_endonyms()
    return len(words) >= 2 and sum(word in endonyms for word in words) >= max(2, len(words) * 2 // 3)


def strip_furniture(text: str) -> tuple[str, list[str], dict[str, str]]:
    """Drop navigation at the top and newsletter footers at the bottom; keep a leading date as metadata."""
    metadata: dict[str, str] = {}
    match = _METADATA_PREFIX.match(text)
    if match:
        metadata[match.group(1).lower()] = match.group(2)
        text = text[match.end() :]
    lines = text.split("\n")
    dropped: list[str] = []
    kept: list[str] = []
    for line in lines:
        (dropped if line and _is_navigation(line) else kept).append(line)
    while kept and (not kept[-1] or _FOOTER.search(kept[-1])):
        if kept[-1]:
            dropped.append(kept[-1])
        kept.pop()
    return "\n".join(kept).strip(), dropped, metadata
