"""The option records of the two commands (`summarise brief`, `summarise batch`), apart from the
endpoint (Settings), and the one place their rules are checked: before anything opens (the bundled
model assembled, an engine started, the cache, the output folder), so a bad combination costs nothing.

Each single option (its flag, type and default) is declared once, as a click option in cli/; a
rule that ties an option to another option or to the endpoint is here, whoever calls the library.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from summarise.config import Settings
from summarise.errors import ConfigError


@dataclass(frozen=True)
class Prices:
    prompt: float  # USD per million tokens
    completion: float

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.prompt + completion_tokens * self.completion) / 1e6


@dataclass(frozen=True)
class BriefFileOptions:
    """What `summarise brief` asks of one document, apart from the endpoint (Settings)."""

    output: Path | None = None  # default: outputs/<stem>.md (the URL's last part; STDIO for stdin)
    jobs: int = 1  # chunks at once
    write_json: bool = False
    write_html: bool = False


@dataclass(frozen=True)
class FolderOptions:
    """What `summarise batch` asks of a folder, apart from the endpoint (Settings); each field
    but `prices` is the command's option of the same name."""

    output_dir: Path = Path("outputs")
    include: tuple[str, ...] = ()  # file-name globs; none: batch.DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    recursive: bool = True
    jobs: int | None = None  # documents at once; None: 1 with the embedded engine (no gain on few cores), else 4
    retry_failed: bool = False  # only the documents that failed last time
    dry_run: bool = False  # the plan (documents, chunks, tokens, calls, cost); no model called
    write_json: bool = False
    prices: Prices | None = None  # for the dry run's cost
    # Send the calls out in rounds of batch jobs instead (see batch/provider_rounds.py); the answers
    # come back through the response cache.
    via: str | None = None
    export_requests: Path | None = None
    import_results: Path | None = None

    @property
    def rounds(self) -> bool:
        return bool(self.via or self.export_requests or self.import_results)


def check_options(settings: Settings, options: BriefFileOptions | FolderOptions) -> None:
    """Every rule that ties a command's option to another option or to the endpoint, in one place,
    checked before anything expensive opens. The CLI's own types already keep --jobs in range; a
    library caller builds the records directly, so the range is a rule here too."""
    if options.jobs is not None and options.jobs < 1:
        raise ConfigError(f"jobs must be 1 or more, not {options.jobs}")
    if isinstance(options, BriefFileOptions):
        return  # its other options stand alone (and Settings' own rules ran when it was made: config.checked)
    if options.via is not None and (options.export_requests or options.import_results):
        raise ConfigError("--via sends the rounds itself: use it, or --export-requests/--import-results, not both")
    if options.rounds and not settings.use_cache:
        raise ConfigError("batch jobs bring their answers back through the response cache: drop --no-cache")
    if options.via is not None and settings.uses_engine:
        raise ConfigError(
            f"--via {options.via} needs the Batch API of an endpoint, not the embedded engine: "
            "set OPENAI_API_KEY (and OPENAI_BASE_URL)"
        )
