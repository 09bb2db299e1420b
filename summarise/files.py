"""Where briefs go, and how they are written: atomically, so no reader ever sees half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from summarise.errors import InputError

# Temp files are created private (0600); a brief should get the usual permissions instead.
_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write(path: Path, text: str) -> None:
    """Write to a temp file beside the target, flush it to disk, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o666 & ~_UMASK)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def safe_output_path(output_dir: Path, relative: Path) -> Path:
    """outputs/<relative>.md, refusing any name that would escape the output folder."""
    base = output_dir.resolve()
    target = (base / relative).with_suffix(".md").resolve()
    if not target.is_relative_to(base) or target == base:
        raise InputError(f"{relative}: its brief would land outside {output_dir}; rename the file")
    return target
