"""One name of the source, translated several ways in one brief: found in code, glossary or not.

A name of the source is a run of capitalised words with at most two lower-case words
between them ("Coalition mondiale contre Daech", "Forum Global de Lutte contre le
Terrorisme"); only names on two lines or more are compared. Its form in a line's
translation is the stretch of that line between the words that look like the name's own
(the same word, or one spelled close to it: "Daech" and "Daesh"), with the capitalised
words just before it ("Global Coalition against Daesh"). Lines where none is found say
nothing. Cheap and language-blind: a name translated word for word into other words
("Maroc" -> "Morocco") is not followed; the glossary is the way to hold such names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rapidfuzz import fuzz

from summarise.brief import Check, Finding
from summarise.config.term_index import word_key
from summarise.documents import Document

CHECK_NAME = "Each name of the source translated one way"
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
MAX_INNER = 2  # lower-case words allowed between two capitalised words of a name
COGNATE = 80  # rapidfuzz ratio at which two words are taken for one spelled two ways


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper()


def source_names(text: str, lower: set[str]) -> list[str]:
    """Runs of capitalised words (with up to MAX_INNER lower-case words inside) in one line.

    A capitalised word that the document also writes in lower case ("La", "Le") does not
    start a name: it is one only at the start of a sentence."""
    names: list[str] = []
    start = end = previous = -1
    inner = 0
    for token in _TOKEN.finditer(text):
        word = token.group()
        if start >= 0 and text[previous : token.start()].strip():  # punctuation ends a name
            names.append(text[start:end])
            start = -1
        if _capitalised(word) and (start >= 0 or word.casefold() not in lower):
            start = token.start() if start < 0 else start
            end, inner = token.end(), 0
        elif start >= 0 and word.islower() and inner < MAX_INNER:
            inner += 1
        elif start >= 0:
            names.append(text[start:end])
            start = -1
        previous = token.end()
    if start >= 0:
        names.append(text[start:end])
    return names


def _key(text: str) -> str:
    return " ".join(word_key(word) for word in _TOKEN.findall(text))


def forms_in(translation: str, name: str, count: int, lower: set[str]) -> list[str]:
    """Up to `count` stretches of `translation` that render `name` (see the module's docstring)."""
    own = [word_key(w) for w in _TOKEN.findall(name) if len(w) >= 4 or w.isupper()]
    tokens = list(_TOKEN.finditer(translation))
    marked = [i for i, t in enumerate(tokens) if any(fuzz.ratio(word_key(t.group()), key) >= COGNATE for key in own)]
    window = len(_TOKEN.findall(name)) + 4
    forms: list[str] = []
    while marked and len(forms) < count:
        first = marked[0]
        cluster = [i for i in marked if i - first < window]
        marked = marked[len(cluster) :]
        start = first
        # A name of several words takes the capitalised words before it ("Global Coalition
        # against Daesh"); one of a single word does not: "Daech" inside "Defeat Daech" is "Daech".
        while len(_TOKEN.findall(name)) > 1 and start > 0 and _capitalised(word := tokens[start - 1].group()):
            at_sentence_start = start - 1 == 0 or bool(
                re.search(r"[.!?:]\s*$", translation[: tokens[start - 1].start()])
            )
            if at_sentence_start and word.casefold() in lower:
                break
            start -= 1
        forms.append(translation[tokens[start].start() : tokens[cluster[-1]].end()])
    return forms


def name_forms(document: Document, translated: Mapping[int, str]) -> dict[str, dict[str, list[int]]]:
    """Each source name on two lines or more -> its forms in the translation -> the lines with that form."""
    lower = {w.casefold() for w in _TOKEN.findall(document.text) if w.islower()}
    lower_translated = {w for text in translated.values() for w in _TOKEN.findall(text) if w.islower()}
    by_name: dict[str, tuple[str, dict[int, int]]] = {}
    for sentence in document.sentences:
        for name in source_names(sentence.text, lower):
            shown, lines = by_name.setdefault(_key(name), (name, {}))
            lines[sentence.number] = lines.get(sentence.number, 0) + 1
    found: dict[str, dict[str, list[int]]] = {}
    for shown, lines in by_name.values():
        if len(lines) < 2:
            continue
        forms: dict[str, tuple[str, list[int]]] = {}
        for number, count in lines.items():
            for form in forms_in(translated.get(number, ""), shown, count, lower_translated):
                forms.setdefault(_key(form), (form, []))[1].append(number)
        if forms:
            found[shown] = {form: numbers for form, numbers in forms.values()}
    return found


def _lines(numbers: list[int]) -> str:
    unique = sorted(set(numbers))
    return f"line{'s' if len(unique) > 1 else ''} " + ", ".join(str(n) for n in unique)


_POSSESSIVE = re.compile(r"['’]s?$")


def _word(word: str) -> str:
    return word_key(_POSSESSIVE.sub("", word))


def _one_word(a: str, b: str) -> bool:
    """One word in two grammatical forms: "Mickelson" and "Mickelson's", "Macedonia" and
    "Macedonians", "China" and "Chinese", "Catalonia" and "Catalan" (one stem, a few letters
    of ending), not "Daech" and "Daesh"."""
    if a == b:
        return True
    stem = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return stem >= 4 and stem >= min(len(a), len(b)) - 2


def one_form(a: str, b: str) -> bool:
    """Two forms of a name that are one: the same words in other grammatical forms, or a
    person's name and its surname ("Peter Jones" and "Jones", "Brett Kavanaugh" and
    "Kavanaugh"). An organisation cut short ("Global Coalition" for "Global Coalition against
    Daech") is another form: the translation dropped part of the name."""
    short, long = sorted((_TOKEN.findall(a), _TOKEN.findall(b)), key=len)
    if len(short) == len(long):
        return all(_one_word(_word(x), _word(y)) for x, y in zip(short, long, strict=True))
    person = 2 <= len(long) <= 3 and all(_capitalised(word) for word in long)
    return person and len(short) == 1 and _one_word(_word(short[0]), _word(long[-1]))


def _classes(forms: dict[str, list[int]]) -> list[dict[str, list[int]]]:
    """The forms grouped into those that are one form with the group's longest (one_form),
    most lines first. A form joins one group only: a surname does not join two full names."""
    classes: list[dict[str, list[int]]] = []
    for form, lines in sorted(forms.items(), key=lambda item: -len(_TOKEN.findall(item[0]))):
        home = next((c for c in classes if one_form(form, next(iter(c)))), None)
        if home is None:
            classes.append({form: lines})
        else:
            home[form] = lines
    return sorted(classes, key=lambda c: -sum(len(lines) for lines in c.values()))


def name_forms_check(document: Document, translated: Mapping[int, str]) -> Check:
    found = name_forms(document, translated)
    several = {name: classes for name, forms in found.items() if len(classes := _classes(forms)) > 1}
    details: list[str] = []
    findings: list[Finding] = []
    for name, classes in several.items():
        shown = {form: lines for forms in classes for form, lines in forms.items()}
        details.append(
            f"{name}: {len(classes)} forms (" + "; ".join(f"“{f}” {_lines(lines)}" for f, lines in shown.items()) + ")"
        )
        main = next(iter(classes[0]))
        for forms in classes[1:]:  # the lines that write it otherwise than most lines do
            for form, lines in forms.items():
                reason = f"“{name}” written “{form}” here, “{main}” on {_lines(classes[0][main])}"
                findings += [Finding(number, reason) for number in sorted(set(lines))]
    if details:
        return Check(CHECK_NAME, False, " · ".join(details), lines=tuple(findings))
    return Check(CHECK_NAME, True, f"{len(found)} name(s) on several lines, each written one way")
