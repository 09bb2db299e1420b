"""What every task shares: the context of one brief and the document-first message layout."""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, TypeVar, cast

from summarise.brief import shown_untranslated
from summarise.chunking import Chunk
from summarise.config import BriefOptions
from summarise.config.glossary import Entry, prompt_lines
from summarise.documents import Document, Sentence
from summarise.documents.languages import Language, language_name
from summarise.errors import UnusableAnswer
from summarise.model import Completion, Message, Request
from summarise.model.usage import UsageMeter
from summarise.reporting import SILENT, Reporter
from summarise.tasks.prompts import Prompts


@dataclass(frozen=True)
class TaskContext:
    """What the steps of one brief share; the model that answers them is the runner's (tasks/steps.py)."""

    prompts: Prompts
    document: Document
    options: BriefOptions
    context_tokens: int  # the endpoint's context: the reduce step's groups fit it
    usage: UsageMeter = field(default_factory=UsageMeter)
    reporter: Reporter = SILENT  # told of each call, and of what the steps repaired (-v)

    @property
    def target(self) -> Language:
        return self.options.target

    @cached_property
    def remembered(self) -> dict[int, str]:
        """Lines of the document a reviewer already translated (the translation memory): not asked."""
        memory = self.options.memory
        if not memory:
            return {}
        pair = (self.document.language, self.target.code)
        return {s.number: found.translation for s in self.document.sentences if (found := memory.exact(*pair, s.text))}

    def log(self, text: str) -> None:
        """A -v line about the brief's steps."""
        self.reporter.detail(text)

    def template_values(self) -> dict[str, object]:
        return {"target_language": self.target.name, "source_language": language_name(self.document.language)}


def fence_code(text: str) -> str:
    """A fence code the document cannot contain or predict.

    It is derived from the text it fences: to close the fence from inside, a document would
    have to contain a hash of itself. Being deterministic, it keeps requests cacheable and
    lets all tasks on a chunk share one prompt prefix.
    """
    return "DOC-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def numbered_lines(sentences: tuple[Sentence, ...] | list[Sentence]) -> str:
    lines: list[str] = []
    previous_paragraph = sentences[0].paragraph if sentences else 0
    for sentence in sentences:
        if sentence.paragraph != previous_paragraph:
            lines.append("")
            previous_paragraph = sentence.paragraph
        lines.append(f"[{sentence.number}] {sentence.text}")
    return "\n".join(lines)


def assemble_paragraphs(sentences: tuple[Sentence, ...], translated: dict[int, str]) -> list[str]:
    """Put translated lines back into the source's paragraphs: same count, same order. A line
    missing from `translated` is shown in the source language, marked untranslated."""
    paragraphs: list[str] = []
    current = ""
    previous = 0
    for sentence in sentences:
        if sentence.paragraph != previous:
            if previous:
                paragraphs.append(current)
            current, previous = "", sentence.paragraph
        text = translated.get(sentence.number)
        current += (shown_untranslated(sentence.text) if text is None else text) + sentence.joiner
    if previous:
        paragraphs.append(current)
    return [paragraph.strip() for paragraph in paragraphs]


def chunk_prefix(context: TaskContext, chunk: Chunk, language: str | None = None) -> list[Message]:
    """System message, then the fenced document: identical for every task on this chunk.

    `language` names the language the lines are in when it is not the source's (a translation)."""
    body = numbered_lines(chunk.sentences)
    values = context.template_values()
    document_values = {**values, "source_language": language} if language else values
    document = context.prompts.render(
        "document",
        **document_values,
        fence=fence_code(body),
        document=body,
        first=chunk.first,
        last=chunk.last,
        total=len(context.document.sentences),
    )
    return [
        {"role": "system", "content": context.prompts.render("system", **values)},
        {"role": "user", "content": document},
    ]


def glossary_note(context: TaskContext, sentences: tuple[Sentence, ...] | list[Sentence]) -> str:
    """The glossary entries whose source term occurs in these lines, to put before a task
    (after the document, so the tasks on a chunk still share its prefix); "" when none
    does (or there is no glossary), so such a request is byte for byte as without one."""
    glossary = context.options.glossary
    entries = glossary.select("\n".join(s.text for s in sentences)) if glossary else ()
    return glossary_block(context.prompts, context.template_values(), entries)


def glossary_block(prompts: Prompts, values: Mapping[str, object], entries: tuple[Entry, ...]) -> str:
    if not entries:
        return ""
    return prompts.render(GLOSSARY_NOTE, **values, entries=prompt_lines(entries)) + "\n\n"


def with_task(prefix: list[Message], task: str) -> list[Message]:
    """The task goes last, after the document, so the prefix is shared (and cached) across tasks."""
    *head, last = prefix
    return [*head, {"role": last["role"], "content": f"{last['content']}\n\n{task}"}]


# --- a step of a brief: the class tasks/steps.py lists, and the work it reads and fills ---

Answer = Completion | UnusableAnswer | None  # None: the step needed no call (ask gave None)
Lines = dict[int, str]  # a chunk's translated lines, by their source line's number
Item = TypeVar("Item")  # what one call of a step is about: None, or a group of lines (facts)
Result = TypeVar("Result")


@dataclass
class Work:
    """The steps' results on one chunk (or, for the reduce step, on the summaries it combines).

    A result is kept and read back through its step (`keep`, `result`), so it has the type that
    step's `read` gives: a translation's lines, a summary, a group's facts."""

    context: TaskContext
    chunk: Chunk | None = None
    parts: tuple[str, ...] = ()  # the reduce step's summaries, as their text
    _results: dict[tuple[str, Hashable], object] = field(default_factory=dict)

    @property
    def the_chunk(self) -> Chunk:
        assert self.chunk is not None, "a chunk step run without a chunk"
        return self.chunk

    @cached_property
    def prefix(self) -> list[Message]:
        """The chunk's source prefix: system message, then the fenced document."""
        return chunk_prefix(self.context, self.the_chunk)

    def has(self, step: Step[Item, Result], item: Item) -> bool:
        return (step.name, item) in self._results

    def keep(self, step: Step[Item, Result], item: Item, result: Result) -> None:
        self._results[(step.name, item)] = result

    def result_for(self, step: Step[Item, Result], item: Item) -> Result:
        # Only `keep` stores here, with the type of this step's result.
        return cast(Result, self._results[(step.name, item)])

    def result(self, step: Step[None, Result]) -> Result:
        return self.result_for(step, None)

    def get(self, step: Step[None, Result]) -> Result | None:
        """The step's result, or None when it was not reached (an answer missing)."""
        return self.result(step) if self.has(step, None) else None


class Step(Generic[Item, Result]):
    """One call of a brief: what it needs, how it asks, how it reads the answer, what it may cost.

    A step is a subclass with these named methods; tasks/steps.py lists one instance of each.
    `items` gives what its calls are about: one call per item (the facts of each group of lines),
    its results kept by the item, and so are its needs on a step with the same `items`. `ask`
    gives None when no call is needed (a repair with nothing to repair); `read` is then given
    None. `read` is given the UnusableAnswer when the answer cannot be used, and raises it again
    where the brief cannot do without one."""

    name: str
    task: str  # what the dry run calls it: "translation", "summary" or "facts"
    repair: bool = False  # asked only when an earlier answer falls short: a ceiling in the dry run
    # The prompts/ templates its requests are written from (the first: its task's own), beside the
    # frame every request has (FRAME_TEMPLATES): a brief is out of date when one of them changes.
    templates: tuple[str, ...] = ()
    # Those it is written from only with a --glossary: part of a brief's key only then, so that
    # briefs made without a glossary stay up to date when one of them changes.
    glossary_templates: tuple[str, ...] = ()

    def needs(self, context: TaskContext) -> tuple[AnyStep, ...]:
        """The earlier steps whose results it reads."""
        return ()

    def items(self, work: Work) -> Sequence[Item]:
        raise NotImplementedError

    def ask(self, work: Work, item: Item) -> Request | None:
        raise NotImplementedError

    def read(self, work: Work, item: Item, answer: Answer) -> Result:
        raise NotImplementedError

    def estimate(self, context: TaskContext, prompt: int, source: int) -> tuple[int, int] | None:
        """(prompt tokens, most it may write) from the unit's planned prompt and source tokens; None: no call."""
        raise NotImplementedError

    def per_item(self) -> bool:
        """Whether its results are kept by item (it does not make one call per chunk)."""
        return type(self).items is not SingleStep.items


class SingleStep(Step[None, Result]):
    """A step of one call per chunk (or per group of summaries reduced)."""

    def items(self, work: Work) -> Sequence[None]:
        return (None,)


AnyStep = Step[Any, Any]  # a step of any item and result, as lists and needs hold them


FRAME_TEMPLATES = ("system", "document")  # every request: the system message, then the fenced document
GLOSSARY_NOTE = "glossary"  # the entries a task's lines use, before the task (glossary_note)
