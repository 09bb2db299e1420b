"""Adding a step touches its own module, the step list and its prompt: nothing else.

A "named entities" step is declared here, as a task module declares its steps (tasks/facts.py,
tasks/summary.py); it joins the list (tasks/steps.TASKS); its template is one file. Everything
else follows from the list, with no other edit: the run asks it on every chunk, the dry run
plans it (the same calls the run makes), the provider rounds put it after the translation it
waits for, the brief waits for its answer, and the brief's key changes with its template.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from fake_model import FakeModel

from summarise.config import BriefOptions
from summarise.config.glossary import Entry, Glossary
from summarise.errors import EndpointError, UnusableAnswer
from summarise.model import Request
from summarise.pipeline import brief_key, build_brief, plan, planned_calls
from summarise.readers.text import parse_document
from summarise.tasks import steps
from summarise.tasks.common import Answer, AnyStep, SingleStep, TaskContext, Work, with_task
from summarise.tasks.prompts import Prompts, default_prompts_dir
from summarise.tasks.translation_numbers import tasks_need, tasks_prefix

FRENCH = (
    "Le PNUD finance la stabilisation en Irak depuis 2015.\n\n"
    "Les représentants de l'ONU se sont réunis à Genève le 3 mars 2024."
)
TRANSLATION = (
    "[1] UNDP has funded stabilization in Iraq since 2015.\n"
    "[2] Representatives of the UN met in Geneva on 3 March 2024."
)
ENTITIES_PROMPT = "List the people, places and organisations the document names, one a line, in $target_language."


# --- the new step's own module ---------------------------------------------------------------


class Entities(SingleStep[list[str]]):
    """The people, places and organisations a chunk names: asked on what summary and facts read."""

    name = task = "entities"
    templates = ("entities",)

    def needs(self, context: TaskContext) -> tuple[AnyStep, ...]:
        return tasks_need(context)

    def ask(self, work: Work, _item: None) -> Request:
        task = work.context.prompts.render("entities", **work.context.template_values())
        return Request(self.name, "entities", with_task(tasks_prefix(work), task), 200)

    def read(self, work: Work, _item: None, answer: Answer) -> list[str]:
        if isinstance(answer, UnusableAnswer):
            raise answer
        assert answer is not None
        return [line.strip() for line in answer.text.splitlines() if line.strip()]

    def estimate(self, context: TaskContext, prompt: int, source: int) -> tuple[int, int]:
        return prompt, 200


ENTITIES = Entities()


# --- the step list and the prompt --------------------------------------------------------------


def prompts_with(folder: Path, text: str) -> Prompts:
    folder.mkdir()
    (folder / "entities.md").write_text(text, encoding="utf-8")
    return Prompts(folder)


@pytest.fixture
def prompts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Prompts:
    monkeypatch.setattr(steps, "TASKS", (*steps.TASKS, ENTITIES))
    return prompts_with(tmp_path / "prompts", ENTITIES_PROMPT)


def answers(*, entities: bool = True) -> FakeModel:
    model = FakeModel().enqueue("translate", TRANSLATION)
    model.enqueue("summary", "UNDP funds Iraq [1]. The UN met [2]. It met in Geneva [2].")
    model.enqueue("facts", json.dumps({"facts": ["[1] UNDP has funded stabilization in Iraq since 2015."]}))
    if entities:
        model.enqueue("entities", "UNDP\nIraq\nUN\nGeneva")
    return model


def test_a_new_step_is_run_on_every_chunk_and_planned_as_it_runs(prompts: Prompts) -> None:
    document, options, model = parse_document(FRENCH.encode(), "doc.txt"), BriefOptions(), answers()

    brief = build_brief(document, model, prompts, options)

    asked = Counter(model.steps())
    assert asked["entities"] == brief.chunks
    entities = next(request for request in model.asked if request.step == "entities")
    assert entities.messages[-1]["content"].endswith(ENTITIES_PROMPT.replace("$target_language", "English"))
    # The dry run plans the calls the run made, the new one included (repairs are ceilings: none was needed).
    fitted, chunks = plan(document, model, prompts, options)
    planned = planned_calls(fitted, chunks, prompts, options, model.context_tokens)
    assert Counter(call.step for call in planned if not call.repair) == asked
    # It waits for the translation, so a provider round after the translation's last one sends it.
    translation = max(call.round for call in planned if call.task == "translation")
    assert [call.round for call in planned if call.step == "entities"] == [translation + 1]


def test_the_brief_waits_for_the_new_steps_answer(prompts: Prompts) -> None:
    document = parse_document(FRENCH.encode(), "doc.txt")
    with pytest.raises(EndpointError, match="entities: no answer yet"):
        build_brief(document, answers(entities=False), prompts, BriefOptions())


def test_the_brief_is_out_of_date_when_the_new_steps_prompt_changes(prompts: Prompts, tmp_path: Path) -> None:
    document, options, model = parse_document(FRENCH.encode(), "doc.txt"), BriefOptions(), FakeModel()
    reworded = prompts_with(tmp_path / "reworded", ENTITIES_PROMPT.replace("names", "mentions"))

    assert "entities" in steps.template_names()
    assert brief_key(document, model, prompts, options) != brief_key(document, model, reworded, options)


def test_a_steps_glossary_prompt_is_in_the_key_of_briefs_made_with_a_glossary_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    class NamedEntities(Entities):
        glossary_templates = ("entities_glossary",)

    monkeypatch.setattr(steps, "TASKS", (*steps.TASKS, NamedEntities()))
    prompts = prompts_with(tmp_path / "prompts", ENTITIES_PROMPT)
    (tmp_path / "prompts/entities_glossary.md").write_text("Write $terms as the glossary does.", encoding="utf-8")
    reworded = prompts_with(tmp_path / "reworded", ENTITIES_PROMPT)
    (tmp_path / "reworded/entities_glossary.md").write_text("Write $terms as listed.", encoding="utf-8")
    document, model = parse_document(FRENCH.encode(), "doc.txt"), FakeModel()
    glossary = BriefOptions(glossary=Glossary("terms.csv", (Entry("PNUD", "UNDP"),)))

    assert "entities_glossary" in steps.glossary_template_names()
    assert brief_key(document, model, prompts, glossary) != brief_key(document, model, reworded, glossary)
    plain = BriefOptions()  # a brief made without a glossary stays up to date
    assert brief_key(document, model, prompts, plain) == brief_key(document, model, reworded, plain)


def test_every_shipped_prompt_is_in_a_briefs_key() -> None:
    """A template no step names would change a brief and not its key: none is left out."""
    named = {*steps.template_names(), *steps.glossary_template_names()}
    assert {path.stem for path in default_prompts_dir().glob("*.md")} <= named
