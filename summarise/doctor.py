"""`summarise doctor`: what will be used, and the exact fix for anything missing."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from summarise.config import Settings
from summarise.engine import (
    BUNDLED_SHA256,
    INSTALL_HINT,
    bundled_model_path,
    bundled_part_paths,
    user_model,
    verified_sha256,
)
from summarise.errors import EngineError
from summarise.prompts import Prompts


def diagnose(settings: Settings, out: Callable[[str], None]) -> int:
    """Print a report; return the number of problems found."""
    problems = 0
    out(f"target language: {settings.target.name} ({settings.target.code})")
    out(f"cache folder:    {settings.cache_dir} ({'on' if settings.use_cache else 'off'})")
    out(f"prompts:         {Prompts(settings.prompts_dir).path('summary').parent}")
    if not settings.uses_engine:
        out(f"endpoint:        {settings.base_url or 'https://api.openai.com/v1'}")
        out(f"model:           {settings.model}")
        out(f"api key:         {'set' if settings.api_key else 'not set (fine for local servers)'}")
        return problems
    out("endpoint:        embedded llama.cpp engine (no OPENAI_BASE_URL or OPENAI_API_KEY set)")
    if importlib.util.find_spec("xllamacpp") is None:
        out(f"engine:          MISSING: run {INSTALL_HINT}")
        problems += 1
    else:
        out("engine:          xllamacpp installed")
    if settings.model_file:
        try:
            model = user_model(settings.model_file)
            out(f"model file:      {model.path} (sha256 {model.sha256[:16]}…)")
        except EngineError as exc:
            out(f"model file:      PROBLEM: {exc}")
            problems += 1
        return problems
    target = bundled_model_path(settings.cache_dir)
    if target.exists():
        digest = verified_sha256(target, recheck=True)
        verdict = "verified" if digest == BUNDLED_SHA256 else "HASH MISMATCH: delete it and run again"
        problems += digest != BUNDLED_SHA256
        out(f"model file:      {target} (sha256 {verdict})")
        return problems
    try:
        bundled_part_paths()
        out(f"model file:      not assembled yet; the first brief builds {target} from the installed parts")
    except EngineError as exc:
        out(f"model file:      MISSING: {exc}")
        problems += 1
    return problems
