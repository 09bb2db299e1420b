"""What summarise prints: names and messages with their control characters shown, never obeyed.

A file name is chosen by whoever made the file. Printed raw, `\\x1b]0;...\\x07` retitles the
terminal, `\\x1b[2J` clears it, a newline forges a second line of output and U+202E turns
the rest of a line around. Everything that reaches standard output or standard error as a
message goes through `shown`, so the class of bug is closed at the exit, not per message.
"""

from __future__ import annotations

import re

# Characters that hide or reorder text without being seen: the bidirectional marks, embeddings,
# overrides and isolates ("Trojan Source"), invisible operators and deprecated format controls,
# interlinear annotations, and the tag characters (which can smuggle a whole hidden text).
# THE list: documents (Markdown, JSON, pages, the index) drop them with `visible_text`, and the
# terminal shows them as escapes (`shown`).
HIDDEN = "\u061c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufff9-\ufffb\U000e0000-\U000e007f"
_HIDDEN = re.compile(f"[{HIDDEN}]")
# Shown as escapes on a terminal: those, C0 and C1 controls (ESC, BEL, CR, the 8-bit CSI \x9b...),
# DEL, the Unicode line separators, and lone surrogates (an undecodable byte of a file name,
# which would also make printing fail).
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff{HIDDEN}]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # a tag character
        return f"\\U{code:08x}"
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible_text(text: str) -> str:
    """`text` without the characters that hide or reorder it (HIDDEN): for every document summarise writes."""
    return _HIDDEN.sub("", text)


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
