"""Prompt templates: plain files in prompts/ (shipped in the wheel), overridable per file."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from summarise.errors import ConfigError

# The templates a brief's steps are written from are listed by the steps (tasks/steps.template_names,
# and glossary_template_names for those used only with --glossary).


def default_prompts_dir() -> Path:
    # In a wheel the templates sit inside the package; in a source checkout they sit at the top.
    package = Path(__file__).parents[1]  # summarise/ (this module is summarise/tasks/prompts.py)
    packaged = package / "prompts"
    return packaged if packaged.is_dir() else package.parent / "prompts"


@lru_cache(maxsize=64)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()


class Prompts:
    """Templates use $name placeholders (string.Template), so JSON braces need no escaping."""

    def __init__(self, user_dir: Path | None = None) -> None:
        if user_dir is not None and not user_dir.is_dir():
            raise ConfigError(f"prompt folder not found: {user_dir}: pass a folder holding e.g. summary.md")
        self.user_dir = user_dir

    def path(self, name: str) -> Path:
        if self.user_dir is not None and (self.user_dir / f"{name}.md").is_file():
            return self.user_dir / f"{name}.md"
        return default_prompts_dir() / f"{name}.md"

    def text(self, name: str) -> str:
        path = self.path(name)
        try:
            return _read(path)
        except FileNotFoundError as exc:
            raise ConfigError(f"prompt template missing: {path}") from exc

    def render(self, name: str, **values: object) -> str:
        template = self.text(name)
        try:
            return string.Template(template).substitute({k: str(v) for k, v in values.items()})
        except KeyError as exc:
            known = ", ".join(f"${key}" for key in sorted(values))
            raise ConfigError(
                f"prompt {self.path(name)} uses unknown placeholder ${exc.args[0]}; known here: {known}"
            ) from exc
        except ValueError as exc:
            raise ConfigError(
                f"prompt {self.path(name)} is not a valid template ({exc}); write a literal $ as $$"
            ) from exc
