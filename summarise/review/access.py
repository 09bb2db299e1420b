"""How a reviewer reaches the desk: its address and token, kept across restarts, and a way to
open it that puts no secret on a command line.

The token and the port live in `.summarise-desk/desk.json` inside the folder (the folder
0700, the file 0600): a desk restarted on the same folder comes back on the same address
with the same token, so a tab left open carries on (reload, or post its form again).
The browser is opened on `.summarise-desk/open.html`, a 0600 file that sends it on to the
desk with the token: a browser's command line is readable by every local user (/proc),
so it gets a file name, never the token.
"""

from __future__ import annotations

import html
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ACCESS_FOLDER = ".summarise-desk"
ACCESS_FILE = "desk.json"
LAUNCHER = "open.html"


@dataclass(frozen=True)
class Access:
    token: str
    port: int  # the port last used, 0 when none


def private_folder(folder: Path) -> Path:
    private = folder / ACCESS_FOLDER
    private.mkdir(mode=0o700, exist_ok=True)
    os.chmod(private, 0o700)
    return private


def write_private(path: Path, text: str) -> None:
    """Written as the user's alone from the first byte (never readable by others, even briefly)."""
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def load_access(folder: Path) -> Access:
    """The folder's token and last port, or a new token if there is none (or it cannot be read)."""
    try:
        data = json.loads((folder / ACCESS_FOLDER / ACCESS_FILE).read_text(encoding="utf-8"))
        token, port = data["token"], data["port"]
        if isinstance(token, str) and len(token) >= 32 and isinstance(port, int) and 0 <= port < 65536:
            return Access(token, port)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return Access(secrets.token_urlsafe(24), 0)


def save_access(folder: Path, access: Access) -> bool:
    """Keep the token and port for the next start; False when the folder cannot hold them."""
    try:
        write_private(private_folder(folder) / ACCESS_FILE, json.dumps({"token": access.token, "port": access.port}))
    except OSError:
        return False
    return True


def write_launcher(folder: Path, url: str) -> Path | None:
    """A page, readable by the user alone, that sends the browser on to `url` (which carries the token)."""
    quoted = html.escape(url, quote=True)
    page = (
        '<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">'
        f'<meta http-equiv="refresh" content="0; url={quoted}"><title>Review desk</title>'
        f'<p><a href="{quoted}">Open the review desk</a></p>\n'
    )
    try:
        path = private_folder(folder) / LAUNCHER
        write_private(path, page)
    except OSError:
        return None
    return path
