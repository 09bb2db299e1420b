"""The OpenAI batch file format, both ways: request lines out, result lines into the cache.

One request line: {"custom_id", "method": "POST", "url": "/v1/chat/completions", "body"}.
One result line (Batch API output and error files, `vllm run_batch` output):
{"custom_id", "response": {"status_code", "body"}, "error"}. The body is the exact
request the direct run would send, so an imported answer lands under the same cache
key and the ordinary pipeline finds it. No key or header is ever written to the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from summarise.batch.collect import CHAT_URL, Request
from summarise.model.answers import answer_problem, as_unicode, redact_message, redact_secret
from summarise.model.cache import ResponseCache


def request_lines(requests: Iterable[Request]) -> str:
    lines = [
        json.dumps(
            {"custom_id": request.custom_id, "method": "POST", "url": CHAT_URL, "body": request.body},
            ensure_ascii=False,
            sort_keys=True,
        )
        for request in requests
    ]
    return "".join(line + "\n" for line in lines)


@dataclass
class Imported:
    """What a results file gave: answers now in the cache, lines that failed, lines refused."""

    answered: list[str] = field(default_factory=list)  # custom_ids now in the cache
    failed: dict[str, str] = field(default_factory=dict)  # custom_id -> why: retried next round
    refused: list[str] = field(default_factory=list)  # not a request we made, or not a result line
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, other: Imported) -> None:
        self.answered += other.answered
        self.failed |= other.failed
        self.refused += other.refused
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens


def _error_text(line: Mapping[str, Any], response: Mapping[str, Any]) -> str:
    error = line.get("error") or {}
    body = response.get("body") if isinstance(response.get("body"), dict) else {}
    error = error or (body or {}).get("error") or {}
    message = error.get("message") if isinstance(error, dict) else str(error)
    return str(message or f"HTTP {response.get('status_code')}")[:300]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def usable_answer(line: Mapping[str, Any], request: Request, secret: str | None) -> tuple[dict[str, Any] | None, str]:
    """The cache entry a result line holds, or None and why it is not usable.

    The same checks as a direct answer (LLM.complete): an answer that holds the API key
    is never stored, nor an empty one, one cut off where the task needs the whole text, or
    one longer than the request allowed. The task's own check (numbered lines, JSON) runs
    when the round reads the answer back (CollectingLLM), where the task is known.
    """
    response = line.get("response")
    response = response if isinstance(response, dict) else {}
    body = response.get("body")
    if line.get("error") or response.get("status_code") != 200 or not isinstance(body, dict):
        return None, redact_message(_error_text(line, response), secret)
    choices = body.get("choices")
    choice = _dict(choices[0] if isinstance(choices, list) and choices else None)
    content = _dict(choice.get("message")).get("content")
    text = content if isinstance(content, str) else ""
    finish_reason = as_unicode(str(choice.get("finish_reason") or "stop"))
    if not text.strip():
        return None, f"the model returned an empty answer (finish_reason={finish_reason})"
    if redact_secret(text, secret)[1]:
        return None, "the answer held the API key: not stored"
    if finish_reason == "length" and not request.allow_truncated:
        return None, "the answer was cut off (finish_reason=length)"
    usage = _dict(body.get("usage"))
    cached = _dict(usage.get("prompt_tokens_details")).get("cached_tokens")
    counts = [_count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens")), _count(cached)]
    max_tokens = _count(request.body.get("max_tokens"))
    if max_tokens and (problem := answer_problem(text, max_tokens, counts[1], None)) is not None:
        return None, problem
    return {"text": text, "finish_reason": finish_reason, "usage": counts}, ""


def _count(value: Any) -> int:
    """A token count from a file anyone may have written: a number, or 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _lines(text: str) -> Iterator[tuple[str, dict[str, Any] | None]]:
    """(custom_id, line) per result line; a line that is not a result gives (a label, None)."""
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except ValueError:
            yield f"line {number} (not JSON)", None
            continue
        custom_id = line.get("custom_id") if isinstance(line, dict) else None
        if isinstance(custom_id, str) and custom_id:
            yield custom_id, line
        else:
            yield f"line {number} (no custom_id)", None


def unknown_ids(text: str, expected: Mapping[str, Request], secret: str | None = None) -> list[str]:
    """Result lines that answer no request in `expected`, or are not result lines at all."""
    return [
        redact_message(custom_id, secret)[:80]
        for custom_id, line in _lines(text)
        if line is None or custom_id not in expected
    ]


def import_results(
    text: str, expected: Mapping[str, Request], cache: ResponseCache, secret: str | None = None
) -> Imported:
    """Store every usable answer to a request in `expected` (by custom_id); nothing else is stored.

    `secret`: the API key, which no stored answer or reason may hold."""
    report = Imported()
    for custom_id, line in _lines(text):
        request = expected.get(custom_id) if line is not None else None
        if line is None or request is None:
            report.refused.append(redact_message(custom_id, secret)[:80])
            continue
        entry, problem = usable_answer(line, request, secret)
        if entry is None:
            if custom_id not in report.answered:
                report.failed[custom_id] = problem
            continue
        cache.set(request.key, entry)
        report.failed.pop(custom_id, None)  # an answer after an error line for it: the answer wins
        report.answered.append(custom_id)
        report.prompt_tokens += entry["usage"][0]
        report.completion_tokens += entry["usage"][1]
    return report
