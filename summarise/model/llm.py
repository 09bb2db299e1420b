"""The one LLM call: cache lookup, the request (SDK retries, timeout), cache store, usage.

Nothing else in summarise talks to a model endpoint. LLM is the direct Model (summarise/model/__init__.py).
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Self

from summarise.chunking import ESTIMATE_HEADROOM, count_tokens
from summarise.config import Settings
from summarise.errors import EndpointError, FormatNotSupported, UnusableAnswer
from summarise.model import Completion, Message, Request
from summarise.model.answers import answer_problem, cache_key, not_unicode, over_length, redact_secret
from summarise.model.cache import ResponseCache, open_cache
from summarise.model.endpoint import Endpoint, resolve_endpoint
from summarise.model.engine import server_timings, shared_engine
from summarise.model.ratelimit import RateLimitGate
from summarise.model.usage import UsageMeter
from summarise.reporting import SILENT, WARNINGS_ON_STDERR, Reporter
from summarise.reporting.progress import TokenSource, slots_token_source

if TYPE_CHECKING:
    import httpx2
    import openai


class LLM:
    """One endpoint, with the response cache and the 429 gate; the client is built on the first real call.

    `http_client` replaces the SDK's default HTTP client (an httpx2 client; a test may
    give one with a MockTransport); the rate-limit gate is hooked into it either way.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        cache: ResponseCache | None = None,
        context_tokens: int,
        timeout: float = 600.0,
        max_retries: int = 3,
        http_client: httpx2.Client | None = None,
        offline: bool = False,
    ) -> None:
        self.endpoint = endpoint
        self.offline = offline  # answers only from the cache: a miss is an error, nothing is sent
        self.cache = cache
        self.context_tokens = context_tokens
        self.timeout = timeout
        self.max_retries = max_retries
        self.gate = RateLimitGate()
        self.model = endpoint.model
        # What the Model seam says of a model (summarise/model: Described): the pipeline reads these.
        self.identity, self.name, self.label = endpoint.identity, endpoint.model, endpoint.label
        self._http_client = http_client
        self._client: openai.OpenAI | None = None
        self._client_lock = threading.Lock()
        self._tokens: TokenSource | None = None  # the embedded engine's running token count

    def cache_only(self) -> LLM:
        """The same client (endpoint, cache, 429 gate) answering from the cache only: a miss is an
        error and nothing is sent. A new object: the one it was made from is left as it was."""
        offline = copy.copy(self)
        offline.offline = True
        return offline

    def close(self) -> None:
        """Close what this client owns: its response cache (the shared embedded engine stops at exit).

        Closed when a run ends, not whenever the garbage collector gets to it: a lingering sqlite
        connection would write into a cache file that something else has since replaced."""
        if self.cache is not None:
            self.cache.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def secret(self) -> str | None:
        """The API key to keep out of answers; None for the placeholders sent when there is none."""
        key = self.endpoint.api_key
        return None if key in ("embedded", "not-needed") else key

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        cache: bool = True,
        reporter: Reporter = WARNINGS_ON_STDERR,
        http_client: httpx2.Client | None = None,
    ) -> Self:
        started = time.monotonic()
        endpoint = resolve_endpoint(settings, reporter)
        if endpoint.engine is not None:
            reporter.detail(f"model      {endpoint.engine.model.path} verified ({time.monotonic() - started:.2f} s)")
        store = open_cache(settings.cache_dir / "responses", reporter) if cache and settings.use_cache else None
        return cls(
            endpoint,
            cache=store,
            context_tokens=settings.effective_context,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
            http_client=http_client,
        )

    def client(self, reporter: Reporter = SILENT) -> openai.OpenAI:
        """The SDK's client, made on the first real call (starting the embedded engine, which
        `reporter` is told of)."""
        # The SDK (0.6 s to import) is loaded on the first real call: a cached re-run needs none.
        import openai

        from summarise.model.openai_client import QuotaAwareOpenAI

        with self._client_lock:
            if self._client is None:
                if self.endpoint.engine is not None:
                    reporter.progress.stage("starting the embedded engine")
                base_url = self.endpoint.base_url()  # starts the embedded engine, if that is the endpoint
                if self.endpoint.engine is not None:
                    engine = shared_engine(self.endpoint.engine)
                    reporter.detail(
                        f"engine     ready at {base_url} ({self.model}, speculative decoding: "
                        f"{engine.config.speculation.label}), started in {engine.start_seconds:.1f} s"
                    )
                    self._tokens = slots_token_source(base_url)
                # The SDK's defaults (timeouts, connection limits), plus the shared 429 gate.
                http_client = self._http_client or openai.DefaultHttpxClient()
                hooks = http_client.event_hooks
                http_client.event_hooks = {
                    "request": [*hooks.get("request", []), self.gate.on_request],
                    "response": [*hooks.get("response", []), self.gate.on_response],
                }
                self._client = QuotaAwareOpenAI(
                    base_url=base_url,
                    api_key=self.endpoint.api_key,
                    timeout=self.timeout,
                    max_retries=self.max_retries,
                    http_client=http_client,
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
        validate: Callable[[str], object] | None = None,
        reporter: Reporter = SILENT,
    ) -> Completion:
        """`answer` for a request written out as arguments (for callers outside the brief's steps)."""
        request = Request(
            "", label, messages, max_tokens, response_format, allow_truncated=allow_truncated, validate=validate
        )
        return self.answer(request, usage, reporter)

    def answer(self, request: Request, usage: UsageMeter, reporter: Reporter = SILENT) -> Completion:
        """One chat completion, checked before anything else sees it (the Model seam, summarise/model/__init__.py).

        The API key is redacted from the answer; an empty answer, one longer than
        `max_tokens` allows, or one `validate` rejects (by raising ValueError) raises
        UnusableAnswer (with the text, for a repair), and only an answer that passed every
        check is cached: a bad answer must not be served again once the server is fixed.
        A cut-off answer (allowed with `allow_truncated`) is returned unvalidated, cached only with `keep_cut`.
        A response format the endpoint refuses is re-sent in the request's next `fallback`.
        `reporter` (the brief's) is told of the call: a -v line, and its progress on the display.
        """
        while True:
            try:
                return self._answer(request, usage, reporter)
            except FormatNotSupported:
                if not request.fallback:
                    raise
                request = replace(request, response_format=request.fallback[0], fallback=request.fallback[1:])

    def prepare(self, request: Request) -> tuple[str, dict[str, Any]]:
        """The request's cache key, and its body exactly as sent (model, messages, sampling)."""
        max_tokens = self.room_for_answer(request.messages, request.max_tokens)
        params: dict[str, Any] = {"temperature": 0.0, "seed": 42, "max_tokens": max_tokens}
        if request.response_format is not None:
            params["response_format"] = request.response_format
        key = cache_key(self.endpoint.identity, self.model, request.messages, params)
        return key, {"model": self.model, "messages": request.messages, **params}

    def stored(self, request: Request) -> tuple[Completion | None, str | None]:
        """The cached answer if it passes today's checks; else None and, if one was stored, why it failed."""
        key, body = self.prepare(request)
        hit = self.cache.get(key) if self.cache is not None else None
        if hit is None:
            return None, None
        text, echoed = redact_secret(str(hit.get("text", "")), self.secret)
        problem = "it held the API key" if echoed else answer_problem(text, body["max_tokens"], 0, request.validate)
        if problem is not None:
            return None, problem
        return Completion(text, str(hit.get("finish_reason", "stop"))), None

    def _answer(self, request: Request, usage: UsageMeter, reporter: Reporter) -> Completion:
        label, (key, body) = request.label, self.prepare(request)
        max_tokens = int(body["max_tokens"])
        hit, refused = self.stored(request)
        if hit is not None:
            usage.record(hit=True)
            reporter.detail(f"cache hit  {label}")
            return hit
        if refused is not None:
            reporter.detail(f"cache skip {label}: the stored answer no longer passes; asking again")
        if self.offline:
            raise EndpointError(f"{label}: no answer in the cache, and this run sends nothing")

        started = time.monotonic()
        self.client(reporter)  # the client (and the engine) start before the call's progress: a stage of its own
        with reporter.progress.call(" ".join(label.split()), max_tokens, self._tokens):
            response = self._send_readable(body, label, reporter)
        choice = response.choices[0] if response.choices else None
        text = (choice.message.content or "") if choice else ""
        finish_reason = (choice.finish_reason or "stop") if choice else "error"
        prompt = response.usage.prompt_tokens if response.usage else 0
        completion = response.usage.completion_tokens if response.usage else 0
        details = response.usage.prompt_tokens_details if response.usage else None
        cached = (details.cached_tokens or 0) if details else 0
        usage.record(hit=False, prompt=prompt, completion=completion, cached=cached)
        reporter.detail(
            f"call       {label}: {prompt} prompt tokens ({cached} reused by the server), "
            f"{completion} completion tokens, {time.monotonic() - started:.1f} s{server_timings(response)}, "
            f"finish={finish_reason}"
        )
        text, echoed = redact_secret(text, self.secret)
        if echoed:
            usage.problem("the endpoint echoed the API key in an answer: it was redacted, and the answer not cached")
        if not text.strip():
            raise EndpointError(f"{label}: the model returned an empty answer (finish_reason={finish_reason})")
        if finish_reason == "length":
            if not request.allow_truncated:
                raise EndpointError(
                    f"{label}: the answer was cut off at {max_tokens} tokens; "
                    "lower --chunk-tokens or use a larger context"
                )
            if (longer := over_length(text, max_tokens, completion)) is not None:
                raise UnusableAnswer(f"{label}: refused an answer longer than asked ({longer})", text="")
            if request.keep_cut and self.cache is not None and not echoed:
                self.cache.set(
                    key, {"text": text, "finish_reason": finish_reason, "usage": [prompt, completion, cached]}
                )
            return Completion(text, finish_reason)
        problem = answer_problem(text, max_tokens, completion, request.validate)
        if problem is not None:
            reporter.detail(f"unusable   {label}: {problem}")
            raise UnusableAnswer(f"{label}: {problem}", text=text)
        if self.cache is not None and not echoed:
            self.cache.set(key, {"text": text, "finish_reason": finish_reason, "usage": [prompt, completion, cached]})
        return Completion(text, finish_reason)

    def room_for_answer(self, messages: list[Message], wanted: int) -> int:
        """`wanted`, or less where the prompt leaves less of the context: never more than fits."""
        prompt = sum(count_tokens(message["content"]) + 4 for message in messages)
        return max(16, min(wanted, self.context_tokens - int(prompt * ESTIMATE_HEADROOM)))

    def _send_readable(self, body: dict[str, Any], label: str, reporter: Reporter) -> Any:
        """`_send`, asked again (up to max_retries, as the SDK does for a server error) while the
        answer is not text that can be written: invalid UTF-8, or a lone surrogate anywhere
        summarise reads (JSON's "\\ud800" decodes to one, and no file or cache can hold it)."""
        for attempt in range(self.max_retries + 1):
            try:
                response = self._send(body)
            except UnicodeDecodeError as exc:  # the SDK reads the body as UTF-8
                why = f"a byte that is not UTF-8 ({exc.object[exc.start : exc.start + 1]!r})"
            else:
                choice = response.choices[0] if response.choices else None
                read = [choice.message.content or "", choice.finish_reason or ""] if choice else []
                if not any(isinstance(part, str) and not_unicode(part) for part in read):
                    return response
                why = "a lone surrogate, which is not Unicode text"
            reporter.detail(f"unusable   {label}: attempt {attempt + 1}: {why}")
        raise UnusableAnswer(f"{label}: {self.endpoint.label} sent an answer that is not valid text: {why}")

    def _send(self, body: dict[str, Any]) -> Any:
        from summarise.model.openai_client import send  # the SDK: imported on the first real call

        endpoint = self.endpoint
        return send(
            self.client(), body, where=endpoint.label, secret=endpoint.api_key, model=self.model, timeout=self.timeout
        )


# The LLM the settings describe, with its response cache unless they (or `cache`) turn it off,
# or it cannot be used (then the reporter is warned, and the run goes on without it).
open_llm = LLM.from_settings
