"""How the command line reports: one `Error:` line per problem, never a traceback or click's usage block."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from summarise.errors import EXIT_ABORTED, EXIT_BUG, SummariseError
from summarise.reporting.terminal import shown

F = TypeVar("F", bound=Callable[..., Any])


def say(message: str) -> None:
    """One line on standard error; control characters in it (from a file name) are shown, not obeyed."""
    click.echo(shown(message), err=True)


def reports_errors(command: F) -> F:
    """Our errors become one line and an exit code; anything else too, unless -v asks for the traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SummariseError as exc:
            say(f"Error: {exc}")
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug of ours: still one line, never a traceback by default
            if kwargs.get("verbose"):
                raise
            first_line = (str(exc).strip().splitlines() or [""])[0]
            say(f"Error: unexpected {type(exc).__name__}: {first_line} (run with -v for details)")
            sys.exit(EXIT_BUG)

    return wrapper  # type: ignore[return-value]


class OneLineErrors(click.Group):
    """A bad option or argument is one `Error:` line too, like our own errors (no usage block)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            return super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # `summarise` alone: the help, as click shows it
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:  # the line says where to look next, since the usage block is gone
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            say(f"Error: {exc.format_message()}{hint}")
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            say(f"Error: {exc.format_message()}")
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            say("Aborted!")
            sys.exit(EXIT_ABORTED)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
