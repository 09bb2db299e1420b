"""Facts with evidence, by one of two swappable methods.

- "line" (default): the model names the numbered line that states each fact. Asked to
  copy verbatim quotes, the bundled 1.5B model copied 0 of 9 correctly; asked for a line
  number, the evidence is exact by construction and code checks the rest.
- "quote": the model copies a verbatim quote; code finds it in the source (exact,
  normalised or fuzzy) and flags it when absent. For strong endpoints.

Structured output is requested as a JSON schema (llama.cpp turns it into a grammar),
falling back to JSON mode, then to plain text parsed tolerantly; an unreadable answer
gets one repair attempt, then the chunk's facts are reported missing, never dropped silently.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from summarise.chunking import Chunk
from summarise.errors import FactsUnreadable, FormatNotSupported, UnusableAnswer
from summarise.llm import Message
from summarise.tasks.common import TaskContext, with_task

CATEGORIES = ("who", "what", "when", "where", "number", "other")
MAX_FACTS_PER_CHUNK = 8
FACTS_MAX_TOKENS = 1200


@dataclass(frozen=True)
class RawFact:
    sentence: int  # the numbered source line ("line" method), 0 when the model quoted instead
    category: str
    statement: str
    quote: str = ""  # the model's verbatim quote ("quote" method)


def fact_key(target_language: str) -> str:
    # Naming the language in the key makes small models answer in it instead of copying the source.
    return "fact_in_" + re.sub(r"\W+", "_", target_language).strip("_")


def facts_schema(first: int, last: int, key: str, method: str = "line") -> dict[str, Any]:
    evidence: dict[str, Any] = (
        {"line": {"type": "integer", "minimum": first, "maximum": last}}
        if method == "line"
        else {"quote": {"type": "string", "minLength": 1}}
    )
    return {
        "type": "object",
        "properties": {
            "facts": {
                "type": "array",
                "maxItems": MAX_FACTS_PER_CHUNK,
                "items": {
                    "type": "object",
                    "properties": {
                        **evidence,
                        key: {"type": "string", "minLength": 1},
                        "category": {"type": "string", "enum": list(CATEGORIES)},
                    },
                    "required": [*evidence, key, "category"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["facts"],
        "additionalProperties": False,
    }


def parse_facts(text: str, first: int, last: int, partial: bool = False) -> list[RawFact]:
    """Tolerant: code fences, prose around the JSON, a bare list, numbers as strings.

    `partial`: the answer was cut off, so keep the facts that were complete before the cut."""
    cleaned = re.sub(r"^```(?:json)?|```$", "", text.strip(), flags=re.MULTILINE).strip()
    start = min((i for i in (cleaned.find("{"), cleaned.find("[")) if i >= 0), default=-1)
    if start < 0:
        raise FactsUnreadable("no JSON found")
    try:
        data, _end = json.JSONDecoder().raw_decode(cleaned[start:])
    except json.JSONDecodeError as exc:
        if not partial:
            raise FactsUnreadable(f"invalid JSON ({exc.msg} at {exc.pos})") from exc
        data = _complete_items(cleaned[start:])
    except ValueError as exc:  # not a syntax error: e.g. an integer longer than Python reads (4300 digits)
        raise FactsUnreadable(f"invalid JSON ({exc})") from exc
    items = data.get("facts") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise FactsUnreadable('no "facts" list')
    facts: list[RawFact] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        statement = next((str(v).strip() for k, v in item.items() if k.startswith("fact") and v), "")
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
        if statement and first <= number <= last:
            facts.append(RawFact(number, category, statement))
    return facts


def _complete_items(cut: str) -> list[Any]:
    """The objects of the first JSON list in a cut-off answer, up to the first incomplete one."""
    opening = cut.find("[")
    if opening < 0:
        raise FactsUnreadable("cut off before any fact")
    decoder = json.JSONDecoder()
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


def _formats(chunk: Chunk, key: str, method: str) -> list[dict[str, Any] | None]:
    schema = {
        "type": "json_schema",
        "json_schema": {"name": "facts", "schema": facts_schema(chunk.first, chunk.last, key, method)},
    }
    return [schema, {"type": "json_object"}, None]


def extract_facts(context: TaskContext, prefix: list[Message], chunk: Chunk) -> list[RawFact]:
    """Raises EndpointError (with a message for the brief) when no readable answer came back."""
    key = fact_key(context.target.name)
    method = context.options.facts_method
    task = context.prompts.render(
        "facts" if method == "line" else "facts_quote",
        **context.template_values(),
        first=chunk.first,
        last=chunk.last,
        max_facts=MAX_FACTS_PER_CHUNK,
        fact_key=key,
    )
    messages = with_task(prefix, task)
    label = f"facts     chunk {chunk.index}"

    def readable(text: str) -> None:  # only an answer that parses is usable (and cached)
        parse_facts(text, chunk.first, chunk.last)

    problem: FactsUnreadable | UnusableAnswer
    for response_format in _formats(chunk, key, method):
        try:
            completion = context.llm.complete(
                messages,
                usage=context.usage,
                label=label,
                max_tokens=FACTS_MAX_TOKENS,
                response_format=response_format,
                allow_truncated=True,  # keep the facts that were complete before the cut
                validate=readable,
            )
        except FormatNotSupported:
            continue
        except UnusableAnswer as unusable:
            answer, problem = unusable.text, unusable
            break
        if completion.finish_reason == "length":
            return cut_off_facts(context, completion.text, chunk)
        return parse_facts(completion.text, chunk.first, chunk.last)
    else:  # the last format (plain text) is never refused as a format
        raise UnusableAnswer(f"facts for lines {chunk.first}-{chunk.last}: the endpoint refused every format")
    repair = [
        *messages,
        {"role": "assistant", "content": answer[:REPAIR_ECHO_CHARS]},
        {
            "role": "user",
            "content": f"That answer was not usable: {_reason(problem)}. Answer again with only the JSON object.",
        },
    ]
    try:
        retry = context.llm.complete(
            repair,
            usage=context.usage,
            label=f"{label} (repair)",
            max_tokens=FACTS_MAX_TOKENS,
            allow_truncated=True,
            validate=readable,
        )
    except UnusableAnswer as again:
        raise UnusableAnswer(
            f"facts for lines {chunk.first}-{chunk.last} could not be read: {_reason(again)}"
        ) from again
    if retry.finish_reason == "length":
        return cut_off_facts(context, retry.text, chunk)
    return parse_facts(retry.text, chunk.first, chunk.last)


# A bad answer goes back to the model with the repair request; an endless one is cut short.
REPAIR_ECHO_CHARS = 4000


def _reason(problem: Exception) -> str:
    """The validator's words without the call's label (the repair request is read by the model)."""
    return str(problem).split(": ", 1)[-1] if isinstance(problem, UnusableAnswer) else str(problem)


def cut_off_facts(context: TaskContext, text: str, chunk: Chunk) -> list[RawFact]:
    """A cut-off answer: keep the facts that were complete, and say the brief is incomplete."""
    try:
        facts = parse_facts(text, chunk.first, chunk.last, partial=True)
    except FactsUnreadable:
        facts = []
    context.usage.problem(
        f"facts for lines {chunk.first}-{chunk.last} were cut off at {FACTS_MAX_TOKENS} tokens; "
        f"kept the {len(facts)} complete before the cut"
    )
    return facts
