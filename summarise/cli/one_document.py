"""One document: read it, build its brief, write the brief (and its JSON and page) or print it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from summarise import readers
from summarise.brief import Brief
from summarise.brief.files import BriefFiles, identities, stdin_identity
from summarise.config import Settings
from summarise.config.options import BriefFileOptions, check_options
from summarise.errors import ConfigError
from summarise.readers.fetch import looks_like_url, url_name
from summarise.readers.language_detection import remember_in as remember_languages_in
from summarise.render import render_markdown
from summarise.render.publish import publish
from summarise.reporting import SILENT, Reporter
from summarise.reporting.terminal import shown
from summarise.tasks.prompts import Prompts

__all__ = ["STDIO", "BriefFileOptions", "BriefRun", "brief_file"]  # BriefFileOptions: from config.options

STDIO = Path("-")


@dataclass(frozen=True)
class BriefRun:
    brief: Brief
    markdown: str
    output: Path  # STDIO: the caller prints `markdown`


def brief_file(
    source: Path | str, settings: Settings, options: BriefFileOptions = BriefFileOptions(), reporter: Reporter = SILENT
) -> BriefRun:
    """`source`: a path, an http(s) URL, or STDIO for standard input."""
    check_options(settings, options)  # before anything opens: the input, a model, an engine, the cache
    output, jobs = options.output, options.jobs
    if jobs > 1:  # one engine slot per concurrent chunk keeps each chunk's prefix cached
        settings = settings.with_changes(engine_parallel=min(jobs, 4))
    progress = reporter.progress
    prompts = Prompts(settings.prompts_dir)
    name = str(source)
    if name == str(STDIO):
        inputs = stdin_identity()
        output = output or STDIO
    elif looks_like_url(name):
        inputs = frozenset()
        output = output or Path("outputs") / f"{url_name(name)}.md"
    else:
        inputs = identities([Path(name)])
        output = output or Path("outputs") / f"{Path(name).stem}.md"
    if output == STDIO and (options.write_json or options.write_html):
        # The JSON and the page are written beside the Markdown file: on standard output there is
        # none to be beside, so they would be lost without a word. Said before anything is read.
        flags = " and ".join(
            flag for flag, wanted in (("--json", options.write_json), ("--html", options.write_html)) if wanted
        )
        raise ConfigError(
            f"{flags} write files beside the brief's Markdown file, and it goes to standard output: pass -o FILE.md"
        )
    files = BriefFiles(output, options.write_json, options.write_html)
    if output != STDIO:  # before the read (batch's prelude, pipeline.prelude): a refused output costs nothing
        files.check(inputs)
    remember_languages_in(settings.cache_dir / "languages" if settings.use_cache else None)
    document = readers.load(name, settings.max_input_bytes, allow_private_urls=settings.allow_private_urls)
    from summarise.model.llm import open_llm  # the SDK: imported once the input is known good
    from summarise.pipeline import build_brief, remember_in

    started = time.monotonic()
    with open_llm(settings, reporter=reporter) as llm:  # its cache is closed once the brief is built
        # The first line off a terminal, once input, output and model are known good (an error
        # before it stays the only line), not at the first model call: reading is no silence.
        progress.stage(
            f"read {shown(document.source)}: {len(document.text):,} characters, language {document.language}"
        )
        remember_in(settings.cache_dir / "counts" if settings.use_cache else None)  # token counts, word verdicts
        brief = build_brief(document, llm, prompts, settings.brief_options(workers=jobs), reporter=reporter)
    progress.close()  # before the closing lines: a redrawn status line must not tear them
    if output == STDIO:
        markdown = render_markdown(brief)
    else:
        index = "index.html" if (output.parent / "index.html").is_file() else None
        published = publish(files, brief, index=index, inputs=inputs)
        brief, markdown = published.brief, published.markdown
        reporter.note(
            f"wrote {output} ({len(brief.facts)} facts, {brief.supported_facts} supported; "
            f"{brief.usage.llm_calls} calls, {brief.usage.cache_hits} cache hits, {time.monotonic() - started:.0f} s)"
        )
    if brief.problems:
        reporter.warn("Warning: " + "; ".join(brief.problems))
    return BriefRun(brief, markdown, output)
