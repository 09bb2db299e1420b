"""What the one LLM call checks in every answer before anything else sees it.

An answer is untrusted text from a server: it may echo the API key, run far past what
was asked, or be in a form the task cannot use. Each check here runs before the answer
is cached, parsed or written, so a bad answer can neither reach a brief nor poison the
cache (a cached bad answer would be served again after the server is fixed).

The key an answer is cached under (`cache_key`) is made here too, beside the checks that
decide whether it may be cached at all.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from summarise.chunking import count_tokens

REDACTED = "[redacted]"
# Any run of this many characters of the key is treated as the key: servers echo keys
# whole, cut ("sk-abc…xyz") or masked ("sk-ab****yz"), so whole-string matching is not enough.
KEY_FRAGMENT = 8
# cl100k counts differ from other tokenizers (Qwen's among them): allow this much more
# than max_tokens before calling an answer longer than what was asked.
TOKEN_SLACK = 2.0
# No tokenizer gives a token more characters than this; longer answers are refused unread.
MAX_CHARS_PER_TOKEN = 32
# Bump when a change in how we call models should invalidate every cached answer.
CACHE_SCHEMA = 1


# JSON may spell a key's characters as escapes ("sk\u002d..."), which json.loads turns back
# into the key: those escapes (letters, digits, "-", "_") are written plainly before matching.
_JSON_ESCAPE = re.compile(r"\\u00([2-7][0-9a-fA-F])")


def _plain_escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char.isalnum() or char in "-_" else match.group(0)


def redact_secret(text: str, secret: str | None) -> tuple[str, bool]:
    """The text with every run of `KEY_FRAGMENT`+ characters of the key replaced; and whether any was."""
    if not secret or not text:
        return text, False
    if "\\u00" in text:
        text = _JSON_ESCAPE.sub(_plain_escape, text)
    if len(secret) < KEY_FRAGMENT:
        return (text.replace(secret, REDACTED), True) if secret in text else (text, False)
    grams = {secret[i : i + KEY_FRAGMENT] for i in range(len(secret) - KEY_FRAGMENT + 1)}
    covered: list[tuple[int, int]] = []
    for gram in grams:
        start = text.find(gram)
        while start >= 0:
            covered.append((start, start + KEY_FRAGMENT))
            start = text.find(gram, start + 1)
    if not covered:
        return text, False
    spans: list[list[int]] = []
    for start, end in sorted(covered):
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    pieces: list[str] = []
    cursor = 0
    for start, end in spans:
        pieces += [text[cursor:start], REDACTED]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), True


def redact_message(text: str, secret: str | None) -> str:
    """For error messages: the key and its fragments, and anything shaped like a key (and no
    lone surrogate: a message is written to the batch's state and the terminal)."""
    text, _found = redact_secret(as_unicode(text), secret)
    if secret and len(secret) > KEY_FRAGMENT:
        text = text.replace(secret[:KEY_FRAGMENT], REDACTED).replace(secret[-4:], REDACTED)
    return re.sub(r"\b(sk|key)-[A-Za-z0-9_*\-]{6,}", REDACTED, text)


def over_length(text: str, max_tokens: int, reported_tokens: int = 0) -> str | None:
    """Why an answer is longer than a request for `max_tokens` can produce, or None."""
    allowed = int(max_tokens * TOKEN_SLACK) + 16
    if reported_tokens > allowed:
        return f"the server reports {reported_tokens} tokens for a request of at most {max_tokens}"
    if len(text) > max_tokens * MAX_CHARS_PER_TOKEN:
        return f"{len(text):,} characters for a request of at most {max_tokens} tokens"
    tokens = count_tokens(text)
    if tokens > allowed:
        return f"about {tokens} tokens for a request of at most {max_tokens}"
    return None


def not_unicode(text: str) -> bool:
    """A string that cannot be written anywhere: a lone surrogate (JSON's "\\ud800" decodes to one)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def as_unicode(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD: for messages that quote an endpoint."""
    return text.encode("utf-8", "replace").decode("utf-8") if not_unicode(text) else text


def answer_problem(text: str, max_tokens: int, reported: int, validate: Callable[[str], object] | None) -> str | None:
    """Why an answer is unusable, or None: the one test for a fresh answer, a cached one and an imported one."""
    if not text.strip():
        return "empty answer"
    if not_unicode(text):
        return "not valid text: a lone surrogate, which is not Unicode"
    if (longer := over_length(text, max_tokens, reported)) is not None:
        return f"refused an answer longer than asked ({longer})"
    if validate is not None:
        try:
            validate(text)
        except ValueError as exc:
            return str(exc) or type(exc).__name__
    return None


def cache_key(endpoint: str, model: str, messages: list[dict[str, str]], params: dict[str, Any]) -> str:
    """The key an answer is cached under: everything that changes the answer, and nothing
    secret (never the API key). `messages` are llm.Message dicts."""
    canonical = json.dumps(
        {"schema": CACHE_SCHEMA, "endpoint": endpoint, "model": model, "messages": messages, "params": params},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return "chat:" + hashlib.sha256(canonical.encode()).hexdigest()


def status_reason(exc: Any) -> str:
    """What an endpoint's error (an openai.APIStatusError) says went wrong, at most 300 characters."""
    body = exc.body
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message")
        if message:
            return str(message)[:300]
    return str(exc.message)[:300]
