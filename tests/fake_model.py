"""FakeModel: a Model (summarise/model/__init__.py) for tests, given its answers step by step.

It reads nothing of the prompts: a test enqueues what each step answers, in the order the
step is asked (as `llm`'s MockModel or httpx's MockTransport), and the fake returns them,
checked as the direct client checks them. A step with nothing left enqueued is "not
answered yet" (None), as a provider round's collector answers.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from summarise.brief import Brief
from summarise.config import DEFAULT_ENGINE_CONTEXT, BriefOptions
from summarise.errors import UnusableAnswer
from summarise.model import Completion, Request
from summarise.model.endpoint import Endpoint
from summarise.model.llm import LLM
from summarise.model.usage import UsageMeter
from summarise.pipeline import build_brief
from summarise.readers.text import parse_document
from summarise.reporting import SILENT, Reporter
from summarise.tasks.prompts import Prompts


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


def brief_of(text: str, model: FakeModel, name: str = "storm.txt", **options: Any) -> Brief:
    """The brief of `text` read as the file `name`, every answer from `model` (no endpoint is
    reached); `options` are BriefOptions' fields (glossary=..., facts_method=...), else defaults."""
    return build_brief(
        parse_document(text.encode(), name),
        LLM(Endpoint("fake", "fake", "fake", "not-needed"), context_tokens=8192),
        Prompts(),
        BriefOptions(**options),
        model=model,
    )
