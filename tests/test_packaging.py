"""The distribution: a name of our own on PyPI, the `summarise` command and package kept."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_distribution_name_is_not_the_taken_one() -> None:
    """`pip install summarise` installs an unrelated 2015 package: ours must be named otherwise,
    while the command and the import package stay `summarise`."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    name = project["project"]["name"]
    assert re.sub(r"[-_.]+", "-", name).lower() != "summarise"
    assert project["project"]["scripts"] == {"summarise": "summarise.cli:main"}
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["summarise"]
    # An extra that pulls in another extra names the distribution, not the old name.
    for requirements in project["project"]["optional-dependencies"].values():
        for requirement in requirements:
            if requirement.startswith("summarise"):
                assert requirement.split("[")[0] == name, requirement
