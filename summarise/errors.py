"""Our exceptions. Each message is one line that says what went wrong and what to do."""

from __future__ import annotations

# Exit codes besides each exception's own `exit_code`.
EXIT_PROBLEMS = 1  # some documents failed (batch), or doctor found problems
EXIT_BUG = 70  # an unexpected error: a bug of ours (sysexits EX_SOFTWARE)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), the shells' convention
EXIT_ABORTED = 1  # click's Abort (Ctrl-C or end of input outside a batch), as click itself exits


class SummariseError(Exception):
    """Base class: the CLI prints the message (no traceback) and exits with `exit_code`."""

    exit_code = 1


class InputError(SummariseError):
    """The document cannot be read or is not text."""

    exit_code = 2


class OutputError(SummariseError):
    """The brief cannot go where asked: an input, a file of the user's, a device, a read-only folder."""

    exit_code = 2


def too_large(source: str, size: int | None, limit: int) -> InputError:
    """The size-limit refusal, in exact bytes: "5.0 MB is over the 5.0 MB limit" reads as a bug."""
    amount = f"{size:,} bytes is" if size is not None else f"more than {limit:,} bytes is"
    return InputError(
        f"{source}: {amount} over the {limit:,}-byte limit; raise it with SUMMARISE_MAX_BYTES if you mean it"
    )


class ConfigError(SummariseError):
    """A setting, option or prompt template is wrong."""

    exit_code = 2


class EngineError(SummariseError):
    """The embedded llama.cpp engine or its bundled model is missing or broken."""

    exit_code = 3


class EndpointError(SummariseError):
    """The model endpoint failed after retries, or answered something unusable."""

    exit_code = 4


class FormatNotSupported(EndpointError):
    """The endpoint refused the requested response_format: the caller may fall back."""


class UnusableAnswer(EndpointError):
    """The model answered, but not in a form we can use (`text`: what it said, for a repair)."""

    def __init__(self, message: str, text: str = "") -> None:
        super().__init__(message)
        self.text = text


# Handled inside summarise, never shown as they are:


class CacheUnusable(Exception):
    """The cache folder cannot be used at all (read-only, not a folder): the run goes on without it."""


class FactsUnreadable(ValueError):
    """A facts answer that is not the JSON asked for: the model is asked once more, then UnusableAnswer."""
