"""`summarise doctor`: what will be used, and the exact fix for anything missing."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from summarise.config import Settings
from summarise.errors import EngineError
from summarise.model.bundled import (
    BUNDLED_SHA256,
    INSTALL_HINT,
    MAIN_MODEL,
    bundled_model_path,
    bundled_part_paths,
    user_model,
    verified_sha256,
)
from summarise.model.endpoint import DEFAULT_BASE_URL
from summarise.tasks.prompts import Prompts


def check_endpoint(settings: Settings, out: Callable[[str], None]) -> int:
    """Ask the endpoint (GET /models) whether it answers, takes the key and serves the model.

    Configuration alone says nothing about a server that is down, a base URL without its
    /v1, or a model name with a typo: doctor only says "ok" for what it has seen answer.
    """
    import openai

    from summarise.model.answers import redact_message as redact

    where = (settings.base_url or "https://api.openai.com/v1").rstrip("/")
    client = openai.OpenAI(
        base_url=where, api_key=settings.api_key or "not-needed", timeout=min(settings.timeout, 15.0), max_retries=0
    )
    try:
        served = [model.id for model in client.models.list()]
    except openai.AuthenticationError:
        out("reachable:       yes, but the API key was REJECTED (401): check OPENAI_API_KEY")
        return 1
    except openai.NotFoundError:
        out(
            f"reachable:       PROBLEM: {where}/models is not found (404): is the base URL right (often ending in /v1)?"
        )
        return 1
    except (openai.APITimeoutError, openai.APIConnectionError):
        out(f"reachable:       NO: cannot reach {where}: is the server running? check OPENAI_BASE_URL")
        return 1
    except openai.APIStatusError as exc:
        reason = redact(str(exc.message), settings.api_key)[:200]
        out(f"reachable:       PROBLEM: {where}/models answered HTTP {exc.status_code}: {reason}")
        return 1
    except Exception as exc:  # a reply that is not JSON, or not a model list: not an OpenAI-compatible API
        out(f"reachable:       PROBLEM: {where} answered, but not as an OpenAI-compatible API ({type(exc).__name__})")
        return 1
    out(f"reachable:       yes ({len(served)} model(s) served)")
    if settings.model in served:
        out(f"model served:    yes, {settings.model}")
        return 0
    listed = ", ".join(served[:10]) + (", ..." if len(served) > 10 else "")
    out(f"model served:    NO: {settings.model} is not served here; --model one of: {listed or '(none listed)'}")
    return 1


def diagnose(settings: Settings, out: Callable[[str], None]) -> int:
    """Print a report; return the number of problems found."""
    problems = 0
    out(f"target language: {settings.target.name} ({settings.target.code})")
    out(f"cache folder:    {settings.cache_dir} ({'on' if settings.use_cache else 'off'})")
    out(f"prompts:         {Prompts(settings.prompts_dir).path('summary').parent}")
    if not settings.uses_engine:
        out(f"endpoint:        {settings.base_url or DEFAULT_BASE_URL}")
        out(f"model:           {settings.model}")
        out(f"api key:         {'set' if settings.api_key else 'not set (fine for local servers)'}")
        return problems + check_endpoint(settings, out)
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
    # Which parts are there, and the hash the whole must have: enough to check a fresh
    # install by hand (or to fetch a missing part) before the first brief assembles it.
    installed = [index for index in range(1, MAIN_MODEL.parts + 1) if _installed(MAIN_MODEL.package, index)]
    missing = [index for index in range(1, MAIN_MODEL.parts + 1) if index not in installed]
    out(
        f"model parts:     {len(installed)} of {MAIN_MODEL.parts} installed"
        + (f" (missing: {_ranges(missing)})" if missing and installed else "")
    )
    out(f"model sha256:    {BUNDLED_SHA256} (what the assembled file must have)")
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


def _installed(package: str, index: int) -> bool:
    return importlib.util.find_spec(package.format(index=index)) is not None


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7": the missing parts, short."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
