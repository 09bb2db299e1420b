"""Languages by ISO 639 code, with the English names prompts use (from babel's CLDR data)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from summarise.errors import ConfigError


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, e.g. "en"
    name: str  # English name, e.g. "English": what prompts say


ENGLISH = Language("en", "English")


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """ISO code -> English name, for the languages babel knows."""
    return {code: name for code, name in Locale("en").languages.items() if len(code) in (2, 3)}


def language_name(code: str) -> str:
    if code == "unknown":  # a text too short to tell (language_detection.detect_language)
        return "an undetermined language"
    return _language_names().get(code, code)


def parse_language(value: str) -> Language:
    """Accept "en", "EN", "English", "english", "pt_BR"; refuse anything else with the fix."""
    cleaned = value.strip()
    names = _language_names()
    by_name = {name.casefold(): code for code, name in names.items()}
    # A code babel names ("tlh") is as good as its name ("Klingon"), even without locale data.
    code = by_name.get(cleaned.casefold()) or (cleaned.lower() if cleaned.lower() in names else None)
    if code is None:
        try:
            code = Locale.parse(cleaned.replace("-", "_")).language
        except (UnknownLocaleError, ValueError, TypeError):
            code = None
    if code is None or code not in names:
        raise ConfigError(f"unknown language {value!r}: use a name or ISO code such as English, en, French, fr")
    return Language(code, names[code])
