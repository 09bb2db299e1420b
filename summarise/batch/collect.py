"""Which calls a folder still needs, found by running the ordinary pipeline without sending.

`CollectingLLM` is the ordinary LLM (same cache, same cache keys) except that a cache miss
records the request and raises `Pending` instead of calling the endpoint. A document
whose brief builds with no miss is finished; one that hits a miss waits for the next
round, once its requests have been answered (by a batch job, or a results file) and
imported into the cache.

Raising on the first miss would find one call per document per round. `collect_ready`
instead tries each task whose inputs are known on its own, so a round asks for every
call that does not depend on another answer: the three tasks of every chunk in round
one, the reduce step and any repairs in round two.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from summarise.answers import answer_problem, cache_key, redact_secret
from summarise.config import BriefOptions
from summarise.documents import Document
from summarise.errors import UnusableAnswer
from summarise.llm import LLM, Completion, Message
from summarise.pipeline import plan
from summarise.prompts import Prompts
from summarise.tasks.common import TaskContext, chunk_prefix
from summarise.tasks.facts import extract_group, line_groups
from summarise.tasks.layout import tasks_prefix, translates, translates_first
from summarise.tasks.summary import Summary, combine_summaries, summarise_chunk
from summarise.tasks.translation import translate_chunk
from summarise.usage import UsageMeter

CHAT_URL = "/v1/chat/completions"


class Pending(BaseException):  # a signal, not an error
    """The answer is not in the cache yet; the request was recorded for the next round.

    A BaseException, like KeyboardInterrupt, so that no handler on the way (unusable
    answers, formats the endpoint refuses, the batch runner's catch-all for bugs) takes
    it for a failure: it reaches the collector, which waits for the answer.
    """

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Request:
    """One chat completion a round needs: the body the direct run would send, and its cache key."""

    key: str
    body: dict[str, Any]  # model, messages and the sampling parameters, exactly as sent
    allow_truncated: bool  # a cut-off answer is usable for this task (translation)
    label: str

    @property
    def custom_id(self) -> str:
        return custom_id(self.key)


def custom_id(key: str) -> str:
    """The batch line's id: the cache key itself ("chat:<sha256>" -> "chat-<sha256>")."""
    return key.replace(":", "-", 1)


class CollectingLLM(LLM):
    """An LLM that answers from the cache only; a miss is recorded in `requests` and raises Pending.

    An answer in the cache that fails the checks a direct answer gets (an imported one:
    the task's own check runs only here, where the task is known) is recorded in
    `rejected` with the reason, so the round can count it as a failed attempt.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requests: dict[str, Request] = {}
        self.rejected: dict[str, str] = {}  # cache key -> why the stored answer was refused
        self._local = threading.local()
        self._requests_lock = threading.Lock()

    def complete(
        self, messages: list[Message], *, allow_truncated: bool = False, label: str = "", **kwargs: Any
    ) -> Completion:
        # _send only sees the messages and parameters; keep the rest of the call for the record.
        self._local.call = (allow_truncated, label, kwargs.get("validate"))
        return super().complete(messages, allow_truncated=allow_truncated, label=label, **kwargs)

    def _connect(self) -> None:
        pass  # nothing is sent from here (the requests leave in a batch file), so no engine starts

    def _send(self, messages: list[Message], params: dict[str, Any]) -> Any:
        allow_truncated, label, validate = getattr(self._local, "call", (False, "", None))
        key = cache_key(self.endpoint.identity, self.model, messages, params)
        request = Request(key, {"model": self.model, "messages": messages, **params}, allow_truncated, label)
        stored = self.cache.get(key) if self.cache is not None else None
        with self._requests_lock:
            self.requests[key] = request
            if stored is not None:  # in the cache, yet asked again: the stored answer failed its check
                text, echoed = redact_secret(str(stored.get("text", "")), self.secret)
                problem = answer_problem(text, int(params["max_tokens"]), 0, validate)
                self.rejected[key] = "it held the API key" if echoed else problem or "it failed its check"
        raise Pending(key)

    def take_requests(self) -> dict[str, Request]:
        with self._requests_lock:
            taken, self.requests = self.requests, {}
        return taken

    def take_rejected(self) -> dict[str, str]:
        with self._requests_lock:
            taken, self.rejected = self.rejected, {}
        return taken


def _attempt(task: Callable[[], Any], misses: list[str]) -> Any:
    try:
        return task()
    except Pending as pending:
        misses.append(pending.key)
    except UnusableAnswer:
        pass  # build_brief reports it in the brief; there is nothing more to ask for
    return None


def collect_ready(document: Document, llm: CollectingLLM, prompts: Prompts, options: BriefOptions) -> int:
    """Record every call of this document whose inputs are ready; returns how many are missing.

    Mirrors build_brief's dependencies: the tasks of a chunk depend only on the chunk, the
    reduce step on every chunk summary; a repair depends on its task's first answer (it
    is asked from inside the task, so it shows up once that answer is in the cache).
    """
    fitted, chunks = plan(document, llm, prompts, options)
    context = TaskContext(llm, prompts, fitted, options, UsageMeter())
    misses: list[str] = []
    summaries: list[Summary | None] = []
    for chunk in chunks:
        prefix = chunk_prefix(context, chunk)
        translated: dict[int, str] | None = {}
        if translates_first(context):  # summary and facts are asked on the translation: it comes first
            translated = _attempt(partial(translate_chunk, context, prefix, chunk), misses)
            if translated is None:
                summaries.append(None)
                continue
        shared = tasks_prefix(context, prefix, chunk, translated or {})
        summaries.append(_attempt(partial(summarise_chunk, context, shared, chunk), misses))
        for lines in line_groups(chunk, options.facts_method):  # each group's call is ready on its own
            _attempt(partial(extract_group, context, shared, chunk, lines), misses)
        if translates(fitted, options.target) and not translates_first(context):
            _attempt(partial(translate_chunk, context, prefix, chunk), misses)
    if len(chunks) > 1 and all(summary is not None for summary in summaries):
        _attempt(lambda: combine_summaries(context, [s for s in summaries if s is not None]), misses)
    return len(misses)
