"""The model package: everything that answers a request.

Exports the seam (here: Model, Described, ModelInfo, Request, Completion); the direct client is
model/llm.py (LLM, open_llm) with its cache, answer checks, rate limit and usage meter; the
endpoint (and `describe`, a model known from the settings alone), the embedded engine and the
bundled model are model/endpoint.py, engine.py and bundled.py.

The seam between a brief's steps and whatever answers them: a step (tasks/steps.py) builds a
`Request`; a `Model` answers it. Three models exist: the direct client (llm.LLM: the response
cache, then the endpoint), the collector of provider rounds (batch/collect.Collector: the cache,
else "not answered yet"), and the tests' fake that is given its answers (tests/fake_model.py).
A model also says what it is (`Described`: identity, name, label, context size), so the pipeline
and the dry run need no concrete client: the dry run plans with a `ModelInfo`, which needs
neither the bundled model nor an engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from summarise.model.usage import UsageMeter
from summarise.reporting import Reporter

Message = dict[str, str]


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str  # "length" when the answer was cut off (allowed only where asked for)


@dataclass(frozen=True, eq=False)
class Request:
    """One chat completion a step asks for. Only the messages, `max_tokens` and the response
    format reach the endpoint; the rest says which step asks and how its answer is checked."""

    step: str  # the step's name (tasks/steps.py): for fakes, logs and tests, never sent
    label: str  # for the log and for error messages: "translate chunk 1 (repair)"
    messages: list[Message]
    max_tokens: int
    response_format: dict[str, Any] | None = None
    # Formats to try in turn when the endpoint refuses `response_format` (the last, None, never is).
    fallback: tuple[dict[str, Any] | None, ...] = ()
    allow_truncated: bool = False  # a cut-off answer is usable (returned unvalidated, not cached unless...)
    # ... the cap ends it by design (the summary: code keeps its complete sentences): the same
    # request gets the same cut, so it is cached like a complete answer and a re-run asks nothing.
    keep_cut: bool = False
    validate: Callable[[str], object] | None = None  # raises ValueError for an unusable answer


class Described(Protocol):
    """What a brief's key, its plan and its record need of a model: known before anything is opened
    or sent (the dry run plans with a `ModelInfo`, made from the settings alone)."""

    @property
    def identity(self) -> str:
        """What cache keys and brief keys hold: the endpoint's base URL, or the model file's sha256."""
        ...

    @property
    def name(self) -> str:
        """The model's name, as the endpoint knows it."""
        ...

    @property
    def label(self) -> str:
        """What a brief names as its endpoint: the base URL, or "embedded"."""
        ...

    @property
    def context_tokens(self) -> int:
        """The context window: chunks and the reduce step's groups fit it."""
        ...


@dataclass(frozen=True)
class ModelInfo:
    """A model described, not opened: what `Described` asks, and nothing that answers."""

    identity: str
    name: str
    label: str
    context_tokens: int


class Model(Described, Protocol):
    def answer(self, request: Request, usage: UsageMeter, reporter: Reporter) -> Completion | None:
        """The checked answer, or None when it is not there yet (a provider round collects it).

        `usage` counts what the brief's calls cost; `reporter` is the brief's: told of the call
        (its -v line, its progress). Raises UnusableAnswer (with the text, for a repair) when the
        answer cannot be used."""
        ...
