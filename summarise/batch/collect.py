"""Which calls a folder still needs, found by walking the brief's steps without sending.

`Collector` is the Model (summarise/model) of provider rounds: it answers from the LLM's cache
(same cache, same keys, same checks) and records any other request, answering "not yet"
(None). The steps that need a missing answer are left out this round (tasks/steps.run),
so a round asks for every call that does not depend on another answer: the tasks of
every chunk in round one, the reduce step and any repairs in later rounds. A document
with nothing missing is finished from the cache; the others wait for the next round,
once their requests have been answered (by a batch job, or a results file) and imported.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from summarise.config import BriefOptions
from summarise.documents import Document
from summarise.model import Completion
from summarise.model import Request as Asked
from summarise.model.cache import ResponseCache
from summarise.model.endpoint import Endpoint
from summarise.model.llm import LLM
from summarise.model.usage import UsageMeter
from summarise.pipeline import plan
from summarise.reporting import Reporter
from summarise.tasks.common import TaskContext
from summarise.tasks.prompts import Prompts
from summarise.tasks.steps import brief_chunk, combine
from summarise.tasks.summary import Summary

if TYPE_CHECKING:
    import openai

CHAT_URL = "/v1/chat/completions"


@dataclass(frozen=True)
class Request:
    """One chat completion a round needs: the body the direct run would send, and its cache key."""

    key: str
    body: dict[str, Any]  # model, messages and the sampling parameters, exactly as sent
    allow_truncated: bool  # a cut-off answer is usable for this task (translation)
    label: str
    step: str = ""  # which step of the brief asks (tasks/steps.py)

    @property
    def custom_id(self) -> str:
        return custom_id(self.key)


def custom_id(key: str) -> str:
    """The batch line's id: the cache key itself ("chat:<sha256>" -> "chat-<sha256>")."""
    return key.replace(":", "-", 1)


class Collector:
    """Answers from `llm`'s cache only; a miss is recorded in `requests` and answered None.

    An answer in the cache that fails the checks a direct answer gets (an imported one:
    the task's own check runs only here, where the task is known) is recorded in
    `rejected` with the reason, so the round can count it as a failed attempt. It keeps a
    cache-only copy of `llm` (`llm` itself is left as it was): the briefs a round finishes are
    built from the cache, never sent.
    """

    def __init__(self, llm: LLM) -> None:
        self.llm = llm.cache_only()
        self.requests: dict[str, Request] = {}
        self.rejected: dict[str, str] = {}  # cache key -> why the stored answer was refused
        self._lock = threading.Lock()

    def answer(self, request: Asked, usage: UsageMeter, reporter: Reporter) -> Completion | None:
        hit, refused = self.llm.stored(request)
        if hit is not None:
            usage.record(hit=True)
            return hit
        key, body = self.llm.prepare(request)
        with self._lock:
            self.requests[key] = Request(key, body, request.allow_truncated, request.label, request.step)
            if refused is not None:  # in the cache, yet asked again: the stored answer failed its check
                self.rejected[key] = refused
        return None

    # What the provider rounds use of the LLM: its cache (answers are imported into it),
    # the key to keep out of answers, the endpoint and its client (for the Batch API).
    @property
    def cache(self) -> ResponseCache | None:
        return self.llm.cache

    @property
    def secret(self) -> str | None:
        return self.llm.secret

    # What the Model seam says of the model (summarise/model: Described): the LLM's own.
    @property
    def identity(self) -> str:
        return self.llm.identity

    @property
    def name(self) -> str:
        return self.llm.name

    @property
    def label(self) -> str:
        return self.llm.label

    @property
    def context_tokens(self) -> int:
        return self.llm.context_tokens

    @property
    def endpoint(self) -> Endpoint:
        return self.llm.endpoint

    def client(self) -> openai.OpenAI:
        return self.llm.client()

    def take_requests(self) -> dict[str, Request]:
        with self._lock:
            taken, self.requests = self.requests, {}
        return taken

    def take_rejected(self) -> dict[str, str]:
        with self._lock:
            taken, self.rejected = self.rejected, {}
        return taken


def collect_ready(document: Document, collector: Collector, prompts: Prompts, options: BriefOptions) -> int:
    """Record every call of this document whose inputs are ready; returns how many are missing.

    The steps are build_brief's (tasks/steps.py); an answer that cannot be used leaves out
    the steps that need it, as there is nothing more to ask for (build_brief reports it)."""
    fitted, chunks = plan(document, collector.llm, prompts, options)
    context = TaskContext(prompts, fitted, options, collector.llm.context_tokens)
    missing = 0
    summaries: list[Summary] = []
    for chunk in chunks:
        result, unanswered = brief_chunk(context, collector, chunk, collect=True)
        missing += len(unanswered)
        if result is not None:
            summaries.append(result.summary)
    if len(summaries) == len(chunks) > 1:
        missing += len(combine(context, collector, summaries, collect=True)[1])
    return missing
