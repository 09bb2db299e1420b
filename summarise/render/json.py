"""The brief as JSON, for tools: the front matter plus every part, facts with `supported`."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from summarise.brief import Brief
from summarise.render.front_matter import front_matter


def render_json(brief: Brief) -> str:
    parts = {k: v for k, v in asdict(brief).items() if k not in ("usage", "title")}
    data: dict[str, Any] = {**front_matter(brief), **parts, "metadata": dict(brief.metadata)}
    data["facts"] = [{**asdict(fact), "supported": fact.supported} for fact in brief.facts]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
