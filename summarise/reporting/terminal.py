"""What summarise prints: names and messages with their control characters shown, never obeyed.

A file name is chosen by whoever made the file. Printed raw, `\\x1b]0;...\\x07` retitles the
terminal, `\\x1b[2J` clears it, a newline forges a second line of output and U+202E turns
the rest of a line around. Everything that reaches standard output or standard error as a
message goes through `shown`, so the class of bug is closed at the exit, not per message.
"""

from __future__ import annotations

import re

# C0 and C1 controls (ESC, BEL, CR, the 8-bit CSI \x9b...), DEL, the bidirectional
# overrides and isolates, the Unicode line separators, and lone surrogates (an undecodable
# byte of a file name, which would also make printing fail).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(char: str) -> str:
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def shown(text: object, *, keep_newlines: bool = False) -> str:
    """`text` safe to print: every control character written out as an escape (`\\x1b`).

    A message is one line, so by default a newline is escaped too; `keep_newlines` is for
    multi-line output (a table) whose cells were escaped on their own.
    """
    if keep_newlines:
        return _UNSAFE.sub(lambda match: "\n" if match.group() == "\n" else _escape(match.group()), str(text))
    return _UNSAFE.sub(lambda match: _escape(match.group()), str(text))


def warn_on_stderr(message: str) -> None:
    """Where a library-level warning goes when the caller gave no other place: one safe line."""
    import sys

    print(shown(message), file=sys.stderr, flush=True)


def shown_markup(text: object) -> str:
    """For rich, which reads `[bold]` in a string as markup: escaped both ways."""
    from rich.markup import escape

    return escape(shown(text))
