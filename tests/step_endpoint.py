"""StepEndpoint: the endpoint of pipeline and CLI tests, answering each request by its step.

The command runs as it does for a user (its LLM, the response cache, usage, the -v lines);
only the transport is replaced: what `LLM._send` would get from the endpoint is answered here
by the step that asks (`Request.step`, tasks/steps.py), never guessed from prompt wording, so
rewording a prompt or adding a step changes no test's answers. A test may enqueue what a step
answers; a step with nothing enqueued gets a mechanical answer: the numbered lines it asks
for, "translated" (tests/stub_server.py), one fact, a three-sentence summary.

Transport faults (429, 500, timeouts, bodies that are not JSON) are the FaultInjectionStub's
(tests/stub_server.py), a real HTTP server.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

from openai.types.chat import ChatCompletion
from stub_server import MECHANICAL_SUMMARY, mechanical_facts, mechanical_lines

from summarise.model import Request
from summarise.model.llm import LLM
from summarise.tasks.steps import all_steps

URL = "http://step-endpoint.invalid/v1"  # never connected to: the transport is replaced


def mechanical(request: Request) -> str:
    task = request.messages[-1]["content"]
    if request.step.startswith("translate"):
        return mechanical_lines(task)
    if request.step.startswith("facts"):
        return mechanical_facts(task)
    return MECHANICAL_SUMMARY


class StepEndpoint:
    def __init__(self) -> None:
        self.queued: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.requests: list[Request] = []  # every request sent (a cache hit sends none), in order
        self.bodies: list[dict[str, Any]] = []  # what was sent for each, as the endpoint would see it
        self._asking = threading.local()  # the request a thread's LLM is sending (a batch runs in threads)
        self._lock = threading.Lock()

    def enqueue(self, step: str, *texts: str, finish_reason: str = "stop") -> StepEndpoint:
        """What `step` answers next, in the order it asks."""
        self.queued[step] += [(text, finish_reason) for text in texts]
        return self

    def steps(self) -> list[str]:
        return [request.step for request in self.requests]

    def tasks(self) -> list[str]:
        """The task of each request sent, as the step list says (a repair is its task's)."""
        task = {step.name: step.task for step in all_steps()}
        return [task[request.step] for request in self.requests]

    def install(self, llm: type[LLM], monkeypatch: Any) -> None:
        """Answer every LLM's calls here instead of over HTTP."""
        endpoint, answer = self, llm._answer

        def _answer(self: LLM, request: Request, *args: Any) -> Any:
            endpoint._asking.request = request
            return answer(self, request, *args)

        def _send(self: LLM, body: dict[str, Any]) -> ChatCompletion:
            return endpoint._reply(endpoint._asking.request, body)

        monkeypatch.setattr(llm, "_answer", _answer)
        monkeypatch.setattr(llm, "_send", _send)

    def _reply(self, request: Request, body: dict[str, Any]) -> ChatCompletion:
        with self._lock:
            self.requests.append(request)
            self.bodies.append(body)
            queued = self.queued[request.step]
            text, finish_reason = queued.pop(0) if queued else (mechanical(request), "stop")
        return ChatCompletion.model_validate(
            {
                "id": "chatcmpl-step",
                "object": "chat.completion",
                "created": 0,
                "model": body.get("model", "stub-model"),
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish_reason}
                ],
                "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
            }
        )
