"""The response cache: diskcache behind a tiny interface of string keys and JSON values.

Values are stored as JSON text, never pickled objects: diskcache unpickles what it
stored in pickle mode, so anyone able to write the folder could run code through it
(CVE-2025-69872). The folder, and the cache folder above it, are created private (0700).

A cache only saves calls, so it must never cost a run: a damaged database (truncated,
garbled) is moved aside with a one-line warning and a new one started; a folder that
cannot be written means a run without the cache, and a warning.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import diskcache

from summarise.brief.files import aside_name, private_folder
from summarise.errors import CacheUnusable, ConfigError
from summarise.reporting import WARNINGS_ON_STDERR, Reporter

# What a broken or unusable sqlite file raises: the damaged ones, then the unopenable ones.
_DAMAGED = (sqlite3.DatabaseError,)
_UNUSABLE = (sqlite3.OperationalError, OSError, diskcache.Timeout)


class ResponseCache:
    def __init__(self, directory: Path, reporter: Reporter = WARNINGS_ON_STDERR) -> None:
        self.directory = directory
        self._warn = reporter.warn
        try:
            private_folder(directory)
            os.chmod(directory, 0o700)
        except OSError as exc:
            raise CacheUnusable(f"cannot use cache folder {directory} ({exc.strerror})") from exc
        if not os.access(directory, os.W_OK | os.X_OK):
            raise CacheUnusable(f"cache folder {directory} is not writable")
        self._store: diskcache.Cache | None = self._open()

    def _open(self) -> diskcache.Cache:
        try:
            # sqlite in WAL mode copes with several summarise processes at once.
            return diskcache.Cache(str(self.directory), size_limit=2**32, timeout=60)
        except sqlite3.OperationalError as exc:  # "unable to open", "readonly database", locked...
            raise CacheUnusable(f"cannot open the response cache in {self.directory} ({exc})") from exc
        except _DAMAGED as exc:  # "file is not a database", "database disk image is malformed"
            aside = self._set_aside(exc)
        try:
            return diskcache.Cache(str(self.directory), size_limit=2**32, timeout=60)
        except _DAMAGED + _UNUSABLE as exc:
            raise CacheUnusable(f"cannot start a new response cache in {self.directory} ({exc})") from exc
        finally:
            self._warn(f"Warning: the response cache was damaged; moved it to {aside} and started a new one")

    def _set_aside(self, exc: BaseException) -> Path:
        aside = aside_name(self.directory, "damaged")
        try:
            self.directory.rename(aside)
            private_folder(self.directory)
        except OSError as error:
            raise CacheUnusable(
                f"the response cache in {self.directory} is damaged ({exc}) and cannot be moved"
            ) from error
        return aside

    def _failed(self, exc: BaseException) -> None:
        """Damage found mid-run: this run goes on without the cache (the next one repairs it)."""
        self._warn(f"Warning: the response cache failed ({exc}); going on without it")
        self.close()

    def get(self, key: str) -> dict[str, Any] | None:
        if self._store is None:
            return None
        try:
            raw = self._store.get(key)
        except _DAMAGED + _UNUSABLE as exc:
            self._failed(exc)
            return None
        if not isinstance(raw, str):
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None  # a damaged entry is a miss, not a crash
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        if self._store is None:
            return
        try:
            self._store.set(key, json.dumps(value, ensure_ascii=False, sort_keys=True))
        except _DAMAGED + _UNUSABLE as exc:
            self._failed(exc)

    def delete(self, key: str) -> None:
        if self._store is None:
            return
        try:
            self._store.delete(key)
        except _DAMAGED + _UNUSABLE as exc:
            self._failed(exc)

    def stats(self) -> dict[str, int]:
        if self._store is None:
            return {"entries": 0, "bytes": 0}
        return {"entries": len(self._store), "bytes": int(self._store.volume())}

    def clear(self) -> int:
        """Every cached response, and the damaged copies set aside earlier."""
        removed = int(self._store.clear()) if self._store is not None else 0
        for aside in self.directory.parent.glob(f"{self.directory.name}.damaged-*"):
            shutil.rmtree(aside, ignore_errors=True)
        return removed

    def close(self) -> None:
        if self._store is not None:
            store, self._store = self._store, None
            store.close()


def open_cache(directory: Path, reporter: Reporter = WARNINGS_ON_STDERR) -> ResponseCache | None:
    """The cache, or None (and a warning) when its folder cannot be used: the run goes on without it."""
    try:
        return ResponseCache(directory, reporter)
    except CacheUnusable as exc:
        reporter.warn(f"Warning: {exc}; running without the response cache")
        return None


def cache_for_command(directory: Path, reporter: Reporter) -> ResponseCache:
    """`summarise cache stats/clear`: there is nothing to go on without, so an unusable cache is an error."""
    try:
        return ResponseCache(directory, reporter)
    except CacheUnusable as exc:
        raise ConfigError(f"{exc}; set SUMMARISE_CACHE_DIR to a folder you can write") from exc
