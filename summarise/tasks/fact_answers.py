"""What a facts answer looks like: the JSON schema asked for, and a tolerant reader of
what comes back (code fences, prose around the JSON, a bare list, numbers as strings, an
answer cut off mid-list)."""

from __future__ import annotations

import json
import re
from typing import Any

from summarise.brief import RawFact
from summarise.errors import FactsUnreadable
from summarise.tasks.chosen_facts import clause_cut

CATEGORIES = ("who", "what", "when", "where", "number", "other")
MAX_FACTS_PER_CHUNK = 8
# A fact is asked for in at most 25 words; the schema holds it to this many characters.
# Without a bound the bundled model copies a long line whole (a 90-word "fact" of a press
# release), every word generated at ~10 tokens/s. Characters, not words: bounded in
# words, the model glued the words after the last one together.
MAX_FACT_CHARS = 220


def fact_key(target_language: str) -> str:
    # Naming the language in the key makes small models answer in it instead of copying the source.
    return "fact_in_" + re.sub(r"\W+", "_", target_language).strip("_")


def facts_schema(
    first: int, last: int, key: str, method: str = "line", max_facts: int = MAX_FACTS_PER_CHUNK
) -> dict[str, Any]:
    """With "line", each fact is one string, "[n] The fact.": a third of the tokens of an
    object per fact (the model pretty-prints JSON, and every key and indent is paid for at
    ~10 tokens/s). The pattern keeps each to the group's lines; parse_facts checks again,
    for endpoints that ignore schemas."""
    if method == "line":
        item: dict[str, Any] = {"type": "string", "pattern": line_fact_pattern(first, last)}
    else:
        item = {
            "type": "object",
            "properties": {
                "quote": {"type": "string", "minLength": 1},
                key: {"type": "string", "minLength": 1},
                "category": {"type": "string", "enum": list(CATEGORIES)},
            },
            "required": ["quote", key, "category"],
            "additionalProperties": False,
        }
    return {
        "type": "object",
        "properties": {"facts": {"type": "array", "maxItems": max_facts, "items": item}},
        "required": ["facts"],
        "additionalProperties": False,
    }


def line_fact_pattern(first: int, last: int) -> str:
    """ "[3] The fact." as a JSON string: a line of the group, then up to MAX_FACT_CHARS
    characters without a quote mark or a backslash (llama.cpp turns the pattern into a
    grammar; a '"' would end the string). Naming the group's lines keeps the model to them,
    as the object form's integer bounds did. The line is a hint: grounding/facts.py places
    each fact on the line that says it (the line written after the fact was measured and
    did not cite better: docs/history/quality.md)."""
    lines = "|".join(str(n) for n in range(first, last + 1))
    return rf'^\[({lines})\] [^"\\]{{1,{MAX_FACT_CHARS}}}$'


_SENTENCE_END = re.compile(r"[.!?…\"'»”)\]]$")
# A fact this close to the bound that does not end a sentence was stopped by it: the model
# closes the string a few characters early as often as at the bound ("…in the multil").
NEAR_BOUND = 24


def ended(statement: str) -> str:
    """A fact the bound stopped mid-sentence loses its last word (maybe cut) and ends at its
    last clause boundary with " …", so the reader sees where it stops (its evidence line, shown
    under it, has the rest); never inside a word, a number or a name where a boundary exists."""
    text = statement.strip()
    if len(text) < MAX_FACT_CHARS - NEAR_BOUND or _SENTENCE_END.search(text):
        return text
    return clause_cut(text.split())


_LINE_FACT = re.compile(r"^\s*[\[(]?(\d+)[\])]?[.:]?\s+(\S.*)$", re.DOTALL)  # "[3] The fact."
_FACT_LINE = re.compile(r"^\s*(\S.*?)\s*\[(-?\d+)\]\s*[.]?\s*$", re.DOTALL)  # "The fact. [3]"
_NEGATIVE_LINE_FACT = re.compile(r"^\s*\[(-\d+)\]\s*(\S.*)$", re.DOTALL)  # "[-1] The fact.": shown, flagged


def _line_fact(item: object) -> tuple[int, str] | None:
    """(line, fact) of a "The fact. [3]" string, or of the older "[3] The fact." form."""
    if not isinstance(item, str):
        return None
    if cited := _FACT_LINE.match(item):
        return int(cited.group(2)), cited.group(1)
    if cited := _LINE_FACT.match(item) or _NEGATIVE_LINE_FACT.match(item):
        return int(cited.group(1)), cited.group(2)
    return None


def parse_facts(text: str, first: int, last: int, partial: bool = False) -> list[RawFact]:
    """Tolerant: code fences, prose around the JSON, a bare list, numbers as strings.

    `partial`: the answer was cut off, so keep the facts that were complete before the cut."""
    cleaned = re.sub(r"^```(?:json)?|```$", "", text.strip(), flags=re.MULTILINE).strip()
    start = min((i for i in (cleaned.find("{"), cleaned.find("[")) if i >= 0), default=-1)
    if start < 0:
        raise FactsUnreadable("no JSON found")
    try:
        data, _end = json.JSONDecoder(strict=False).raw_decode(cleaned[start:])
    except json.JSONDecodeError as exc:
        if not partial:
            raise FactsUnreadable(f"invalid JSON ({exc.msg} at {exc.pos})") from exc
        data = _complete_items(cleaned[start:])
    except ValueError as exc:  # not a syntax error: e.g. an integer longer than Python reads (4300 digits)
        raise FactsUnreadable(f"invalid JSON ({exc})") from exc
    items = data.get("facts") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise FactsUnreadable('no "facts" list')
    if items and not any(isinstance(item, dict) or _line_fact(item) for item in items):
        raise FactsUnreadable("no facts in the list")  # prose with a "[1]" in it
    facts: list[RawFact] = []
    for item in items:
        if cited := _line_fact(item):
            # A line outside the group is kept: code places the fact, or shows it flagged when
            # the document has no such line ([0], [99999]); dropped, it would vanish unseen.
            facts.append(RawFact(cited[0], "", ended(_one_line(cited[1]))))
            continue
        if not isinstance(item, dict):
            continue
        statement = next((_one_line(str(v)) for k, v in item.items() if k.startswith("fact") and v), "")
        category = str(item.get("category") or "other").lower()
        category = category if category in CATEGORIES else "other"
        quote = str(item.get("quote") or "").strip()
        if statement and quote:
            facts.append(RawFact(0, category, statement, quote))
            continue
        try:
            number = int(str(item.get("line", item.get("sentence"))).strip("[] "))
        except ValueError:
            continue
        if statement:  # any line: see above
            facts.append(RawFact(number, category, statement))
    return facts


def _one_line(text: str) -> str:
    """A fact as one line: the model may write a newline or a tab inside a JSON string as the
    character itself (read with strict=False), which would break the brief's list."""
    return " ".join(text.split())


def _complete_items(cut: str) -> list[Any]:
    """The objects of the first JSON list in a cut-off answer, up to the first incomplete one."""
    opening = cut.find("[")
    if opening < 0:
        raise FactsUnreadable("cut off before any fact")
    decoder = json.JSONDecoder(strict=False)
    items: list[Any] = []
    position = opening + 1
    while True:
        while position < len(cut) and cut[position] in " \t\r\n,":
            position += 1
        try:
            item, position = decoder.raw_decode(cut, position)
        except ValueError:
            return items
        items.append(item)
