"""The response cache: diskcache behind a tiny interface of string keys and JSON values.

Values are stored as JSON text, never pickled objects: diskcache unpickles what it
stored in pickle mode, so anyone able to write the folder could run code through it
(CVE-2025-69872). The folder is created private (0700).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import diskcache

from summarise.errors import ConfigError


class ResponseCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(directory, 0o700)
            # sqlite in WAL mode copes with several summarise processes at once.
            self._store = diskcache.Cache(str(directory), size_limit=2**32, timeout=60)
        except OSError as exc:
            raise ConfigError(f"cannot use cache folder {directory}: {exc.strerror}; set SUMMARISE_CACHE_DIR") from exc

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self._store.get(key)
        if not isinstance(raw, str):
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None  # a damaged entry is a miss, not a crash
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._store.set(key, json.dumps(value, ensure_ascii=False, sort_keys=True))

    def stats(self) -> dict[str, int]:
        return {"entries": len(self._store), "bytes": int(self._store.volume())}

    def clear(self) -> int:
        return int(self._store.clear())

    def close(self) -> None:
        self._store.close()
