"""The one LLM call: cache lookup, the request (SDK retries, timeout), cache store, usage.

Nothing else in summarise talks to a model endpoint.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import openai

from summarise.brief import Usage
from summarise.cache import ResponseCache, open_cache
from summarise.config import Settings
from summarise.engine import EngineConfig, ModelFile, ensure_bundled_model, shared_engine, user_model
from summarise.errors import EndpointError
from summarise.terminal import warn_on_stderr

if TYPE_CHECKING:
    import httpx2

# Bump when a change in how we call models should invalidate every cached answer.
CACHE_SCHEMA = 1
Message = dict[str, str]


class FormatNotSupported(EndpointError):
    """The endpoint refused the requested response_format: the caller may fall back."""


@dataclass
class UsageMeter:
    """Counts what a brief costs while its tasks run, from several threads; `snapshot()` is the record."""

    calls: int = 0  # requests actually sent
    cache_hits: int = 0  # answers served from our disk cache
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0  # prompt tokens the server reused from its own prompt cache
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, *, hit: bool, prompt: int = 0, completion: int = 0, cached: int = 0) -> None:
        with self._lock:
            if hit:
                self.cache_hits += 1
                return
            self.calls += 1
            self.prompt_tokens += prompt
            self.completion_tokens += completion
            self.cached_prompt_tokens += cached

    def snapshot(self) -> Usage:
        with self._lock:
            return Usage(
                llm_calls=self.calls,
                cache_hits=self.cache_hits,
                prompt_tokens=self.prompt_tokens,
                prompt_tokens_cached_by_server=self.cached_prompt_tokens,
                completion_tokens=self.completion_tokens,
            )


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str  # "length" when the answer was cut off (allowed only where asked for)


class RateLimitGate:
    """One per LLM, shared by every thread: after any 429, nobody sends until Retry-After has passed.

    The SDK still retries the request that got the 429 (it honours Retry-After itself);
    the gate stops the other threads of a batch from spending their own retries against a
    limit we already know about, so the batch slows down instead of failing documents.
    """

    DEFAULT_PAUSE = 1.0  # seconds, for a 429 that names no Retry-After
    MAX_PAUSE = 120.0  # the SDK refuses to wait longer than this, so holding longer gains nothing

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_at = 0.0  # time.monotonic() before which no request is sent
        self.rate_limited = 0  # 429 responses seen
        self.waited = 0.0  # seconds requests were held at the gate, summed over threads

    def hold(self, seconds: float) -> None:
        with self._lock:
            self.rate_limited += 1
            self._open_at = max(self._open_at, time.monotonic() + seconds)

    def wait(self) -> None:
        while True:
            with self._lock:
                delay = self._open_at - time.monotonic()
            if delay <= 0:
                return
            time.sleep(delay)  # loop: another 429 may have pushed the time further while we slept
            with self._lock:
                self.waited += delay

    # httpx2 event hooks: they run for every attempt, the SDK's own retries included.
    def on_request(self, request: httpx2.Request) -> None:
        self.wait()

    def on_response(self, response: httpx2.Response) -> None:
        if response.status_code == 429:
            self.hold(retry_after(response.headers, self.DEFAULT_PAUSE, self.MAX_PAUSE))


def retry_after(headers: httpx2.Headers, default: float, cap: float) -> float:
    """Seconds the server asked us to wait: retry-after-ms, Retry-After seconds, or an HTTP date."""
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return min(max(float(value) / divisor, 0.0), cap)
        except ValueError:
            pass
    when = email.utils.parsedate_tz(headers.get("retry-after") or "")
    if when is not None:
        return min(max(email.utils.mktime_tz(when) - time.time(), 0.0), cap)
    return default


class QuotaAwareOpenAI(openai.OpenAI):
    """The SDK's client, except that an exhausted quota is not retried.

    OpenAI sends `insufficient_quota` as a 429, which the SDK would retry like a rate
    limit; waiting cannot fix an empty account, so fail at once.
    """

    def _should_retry(self, response: httpx2.Response) -> bool:
        if response.status_code == 429:
            try:
                if "insufficient_quota" in response.read().decode("utf-8", "replace"):
                    return False
            except Exception:  # an unreadable body: let the SDK decide as usual
                pass
        return super()._should_retry(response)


def redact(text: str, secret: str | None) -> str:
    """Remove an API key (whole or the partial echo some servers send back) from a message."""
    if secret:
        text = text.replace(secret, "[redacted]")
        if len(secret) > 8:
            text = text.replace(secret[:8], "[redacted]").replace(secret[-4:], "[redacted]")
    return re.sub(r"\b(sk|key)-[A-Za-z0-9_*\-]{6,}", "[redacted]", text)


def cache_key(endpoint: str, model: str, messages: list[Message], params: dict[str, Any]) -> str:
    """Everything that changes the answer, and nothing secret (never the API key)."""
    canonical = json.dumps(
        {"schema": CACHE_SCHEMA, "endpoint": endpoint, "model": model, "messages": messages, "params": params},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return "chat:" + hashlib.sha256(canonical.encode()).hexdigest()


class LLM:
    """A configured endpoint. The client (and the embedded engine) start on the first real call."""

    def __init__(self, settings: Settings, cache: ResponseCache | None, log: Callable[[str], None] | None = None):
        self.settings = settings
        self.cache = cache if settings.use_cache else None
        self.log = log or (lambda _message: None)
        self._client: openai.OpenAI | None = None
        self._client_lock = threading.Lock()
        self.gate = RateLimitGate()
        self.model_file: ModelFile | None = None
        if settings.uses_engine:
            # Assembling/verifying the model is needed for the cache key, but the server
            # itself only starts when a request misses the cache.
            self.model_file = (
                user_model(settings.model_file) if settings.model_file else ensure_bundled_model(settings.cache_dir)
            )
            self.model = self.model_file.name
            self.endpoint = f"embedded:{self.model_file.sha256}"
            self.endpoint_label = "embedded"
        else:
            self.model = settings.model or ""
            self.endpoint = (settings.base_url or "https://api.openai.com/v1").rstrip("/")
            self.endpoint_label = self.endpoint
        self.context_tokens = settings.effective_context

    def _get_client(self) -> openai.OpenAI:
        with self._client_lock:
            if self._client is None:
                if self.model_file is not None:
                    engine = shared_engine(
                        EngineConfig(
                            model=self.model_file,
                            context_per_slot=self.context_tokens,
                            parallel=self.settings.engine_parallel,
                            threads=self.settings.engine_threads,
                            verbose=self.settings.verbose,
                        )
                    )
                    base_url, api_key = engine.base_url, "embedded"
                    self.log(f"embedded engine ready at {base_url} ({self.model})")
                else:
                    base_url, api_key = self.endpoint, self.settings.api_key or "not-needed"
                self._client = QuotaAwareOpenAI(
                    base_url=base_url,
                    api_key=api_key,
                    timeout=self.settings.timeout,
                    max_retries=self.settings.max_retries,
                    # The SDK's defaults (timeouts, connection limits), plus the shared 429 gate.
                    http_client=openai.DefaultHttpxClient(
                        event_hooks={"request": [self.gate.on_request], "response": [self.gate.on_response]}
                    ),
                )
            return self._client

    def complete(
        self,
        messages: list[Message],
        *,
        usage: UsageMeter,
        label: str,
        max_tokens: int,
        response_format: dict[str, Any] | None = None,
        allow_truncated: bool = False,
    ) -> Completion:
        """One chat completion. A cut-off or empty answer is never cached."""
        params: dict[str, Any] = {"temperature": 0.0, "seed": 42, "max_tokens": max_tokens}
        if response_format is not None:
            params["response_format"] = response_format
        key = cache_key(self.endpoint, self.model, messages, params)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            usage.record(hit=True)
            self.log(f"cache hit  {label}")
            return Completion(str(hit["text"]), str(hit["finish_reason"]))

        started = time.monotonic()
        response = self._send(messages, params)
        choice = response.choices[0] if response.choices else None
        text = (choice.message.content or "") if choice else ""
        finish_reason = (choice.finish_reason or "stop") if choice else "error"
        prompt = response.usage.prompt_tokens if response.usage else 0
        completion = response.usage.completion_tokens if response.usage else 0
        details = response.usage.prompt_tokens_details if response.usage else None
        cached = (details.cached_tokens or 0) if details else 0
        usage.record(hit=False, prompt=prompt, completion=completion, cached=cached)
        self.log(
            f"call       {label}: {prompt} prompt tokens ({cached} reused by the server), "
            f"{completion} completion tokens, {time.monotonic() - started:.1f} s, finish={finish_reason}"
        )
        if not text.strip():
            raise EndpointError(f"{label}: the model returned an empty answer (finish_reason={finish_reason})")
        if finish_reason == "length" and not allow_truncated:
            raise EndpointError(
                f"{label}: the answer was cut off at {max_tokens} tokens; lower --chunk-tokens or use a larger context"
            )
        if self.cache is not None and finish_reason != "length":
            self.cache.set(key, {"text": text, "finish_reason": finish_reason, "usage": [prompt, completion, cached]})
        return Completion(text, finish_reason)

    def _send(self, messages: list[Message], params: dict[str, Any]) -> Any:
        client = self._get_client()
        secret = self.settings.api_key
        where = self.endpoint_label
        try:
            response = client.chat.completions.create(model=self.model, messages=messages, **params)  # type: ignore[arg-type]
        except ValueError as exc:  # a truncated or non-JSON body (a proxy's error page, say)
            raise EndpointError(
                f"{where} sent a reply that is not valid JSON: is it an OpenAI-compatible API?"
            ) from exc
        except openai.APITimeoutError as exc:
            raise EndpointError(f"{where} did not answer within {self.settings.timeout:.0f} s (after retries)") from exc
        except openai.APIConnectionError as exc:
            raise EndpointError(f"cannot reach {where}: check OPENAI_BASE_URL and your network") from exc
        except openai.AuthenticationError as exc:
            raise EndpointError(f"{where} rejected the API key (401): check OPENAI_API_KEY") from exc
        except openai.NotFoundError as exc:
            raise EndpointError(f"{where} has no model {self.model!r} (404): check --model/SUMMARISE_MODEL") from exc
        except openai.RateLimitError as exc:
            if "insufficient_quota" in str(exc.body):
                raise EndpointError(
                    f"{where}: the account has no quota left (insufficient_quota): check billing"
                ) from exc
            raise EndpointError(
                f"{where} kept rate-limiting (429) after retries: {redact(_reason(exc), secret)}"
            ) from exc
        except openai.BadRequestError as exc:
            reason = redact(_reason(exc), secret)
            if params.get("response_format") and re.search(r"response_format|json_schema|schema|grammar", reason, re.I):
                raise FormatNotSupported(f"{where} does not support this response format: {reason}") from exc
            raise EndpointError(f"{where} refused the request (400): {reason}") from exc
        except openai.APIStatusError as exc:
            reason = redact(_reason(exc), secret)
            raise EndpointError(f"{where} answered HTTP {exc.status_code}: {reason}") from exc
        except openai.OpenAIError as exc:
            raise EndpointError(f"{where}: {redact(str(exc), secret)}") from exc
        if not hasattr(response, "choices"):
            raise EndpointError(f"{where} sent a reply that is not a chat completion: is it an OpenAI-compatible API?")
        return response


def _reason(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message") if isinstance(body, dict) else None
        if message:
            return str(message)[:300]
    return str(exc.message)[:300]


def open_llm(
    settings: Settings, log: Callable[[str], None] | None = None, warn: Callable[[str], None] = warn_on_stderr
) -> LLM:
    """The LLM with its response cache (unless the settings turn it off, or it cannot be used: see `warn`)."""
    cache = open_cache(settings.cache_dir / "responses", warn) if settings.use_cache else None
    return LLM(settings, cache, log=log)
