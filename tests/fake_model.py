"""FakeModel: a Model (summarise/model/__init__.py) for tests, given its answers step by step.

It reads nothing of the prompts: a test enqueues what each step answers, in the order the
step is asked (as `llm`'s MockModel or httpx's MockTransport), and the fake returns them,
checked as the direct client checks them. A step with nothing left enqueued is "not
answered yet" (None), as a provider round's collector answers.
"""

from __future__ import annotations

from collections import defaultdict

from summarise.config import DEFAULT_ENGINE_CONTEXT
from summarise.errors import UnusableAnswer
from summarise.model import Completion, Request
from summarise.model.usage import UsageMeter
from summarise.reporting import SILENT, Reporter


class FakeModel:
    # What the seam says of a model (summarise.model.Described): enough for build_brief, with no LLM.
    identity = "fake:model"
    name = "fake-model"
    label = "fake"
    context_tokens = DEFAULT_ENGINE_CONTEXT

    def __init__(self) -> None:
        self.queued: dict[str, list[Completion]] = defaultdict(list)
        self.asked: list[Request] = []  # every request, in order

    def enqueue(self, step: str, *texts: str, finish_reason: str = "stop") -> FakeModel:
        self.queued[step] += [Completion(text, finish_reason) for text in texts]
        return self

    def answer(self, request: Request, usage: UsageMeter, reporter: Reporter = SILENT) -> Completion | None:
        self.asked.append(request)
        if not self.queued[request.step]:
            return None
        completion = self.queued[request.step].pop(0)
        usage.record(hit=False)
        if request.validate is not None and completion.finish_reason != "length":
            try:
                request.validate(completion.text)
            except ValueError as exc:
                raise UnusableAnswer(f"{request.label}: {exc}", text=completion.text) from exc
        return completion

    def steps(self) -> list[str]:
        return [request.step for request in self.asked]
