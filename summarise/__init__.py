"""summarise: turn documents in any language into reviewable Markdown briefs.

The library face::

    from summarise import BriefOptions, Settings, build_brief, load_document, open_llm, Prompts

    settings = Settings(base_url="http://localhost:11434/v1", model="llama3.1")
    brief = build_brief(load_document(path, settings.max_input_bytes), open_llm(settings),
                        Prompts(), settings.brief_options())

Names are imported on first use, so `import summarise` (and `summarise --help`) stays quick.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from summarise.brief.version import __version__

if TYPE_CHECKING:
    from summarise.batch import BatchRun, FolderOptions, run_folder
    from summarise.brief import Brief, Check, Fact, Usage
    from summarise.brief.files import BriefFiles
    from summarise.cli.one_document import BriefFileOptions, brief_file
    from summarise.config import BriefOptions, FactsMethod, Settings
    from summarise.documents import Document
    from summarise.documents.languages import Language, parse_language
    from summarise.errors import (
        ConfigError,
        EndpointError,
        EngineError,
        FormatNotSupported,
        InputError,
        SummariseError,
        UnusableAnswer,
    )
    from summarise.model import Completion, Described, Model, ModelInfo, Request
    from summarise.model.endpoint import Endpoint, describe, resolve_endpoint
    from summarise.model.llm import LLM, open_llm
    from summarise.pipeline import brief_key, build_brief, planned_calls
    from summarise.readers import load_document
    from summarise.readers.text import parse_document
    from summarise.render import read_front_matter, render_json, render_markdown
    from summarise.reporting import Reporter
    from summarise.tasks.prompts import Prompts

_EXPORTS = {
    "summarise.batch": ["BatchRun", "FolderOptions", "run_folder"],
    "summarise.brief": ["Brief", "Check", "Fact", "Usage"],
    "summarise.config": ["BriefOptions", "FactsMethod", "Settings"],
    "summarise.documents": ["Document"],
    "summarise.brief.files": ["BriefFiles"],
    "summarise.model": ["Completion", "Described", "Model", "ModelInfo", "Request"],
    "summarise.model.endpoint": ["Endpoint", "describe", "resolve_endpoint"],
    "summarise.errors": [
        "ConfigError",
        "EndpointError",
        "EngineError",
        "FormatNotSupported",
        "InputError",
        "SummariseError",
        "UnusableAnswer",
    ],
    "summarise.documents.languages": ["Language", "parse_language"],
    "summarise.model.llm": ["LLM", "open_llm"],
    "summarise.pipeline": ["brief_key", "build_brief", "planned_calls"],
    "summarise.tasks.prompts": ["Prompts"],
    "summarise.readers": ["load_document"],
    "summarise.readers.text": ["parse_document"],
    "summarise.render": ["read_front_matter", "render_json", "render_markdown"],
    "summarise.reporting": ["Reporter"],
    "summarise.cli.one_document": ["BriefFileOptions", "brief_file"],
}
_HOME = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = [
    "LLM",
    "BatchRun",
    "Brief",
    "BriefFileOptions",
    "BriefFiles",
    "BriefOptions",
    "Check",
    "Completion",
    "ConfigError",
    "Described",
    "Document",
    "Endpoint",
    "EndpointError",
    "EngineError",
    "Fact",
    "FactsMethod",
    "FolderOptions",
    "FormatNotSupported",
    "InputError",
    "Language",
    "Model",
    "ModelInfo",
    "Prompts",
    "Reporter",
    "Request",
    "Settings",
    "SummariseError",
    "UnusableAnswer",
    "Usage",
    "__version__",
    "brief_file",
    "brief_key",
    "build_brief",
    "describe",
    "load_document",
    "open_llm",
    "parse_document",
    "parse_language",
    "planned_calls",
    "read_front_matter",
    "render_json",
    "render_markdown",
    "resolve_endpoint",
    "run_folder",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'summarise' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value  # once imported, an ordinary attribute
    return value
