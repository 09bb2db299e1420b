"""One rate-limit gate per LLM: after a 429, no thread sends until Retry-After has passed."""

from __future__ import annotations

import email.utils
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx2


class RateLimitGate:
    """One per LLM, shared by every thread: after any 429, nobody sends until Retry-After has passed.

    The SDK still retries the request that got the 429 (it honours Retry-After itself);
    the gate stops the other threads of a batch from spending their own retries against a
    limit we already know about, so the batch slows down instead of failing documents.
    """

    DEFAULT_PAUSE = 1.0  # seconds, for a 429 that names no Retry-After
    MAX_PAUSE = 120.0  # the SDK refuses to wait longer than this, so holding longer gains nothing

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_at = 0.0  # time.monotonic() before which no request is sent
        self.rate_limited = 0  # 429 responses seen
        self.waited = 0.0  # seconds requests were held at the gate, summed over threads

    def hold(self, seconds: float) -> None:
        with self._lock:
            self.rate_limited += 1
            self._open_at = max(self._open_at, time.monotonic() + seconds)

    def wait(self) -> None:
        while True:
            with self._lock:
                delay = self._open_at - time.monotonic()
            if delay <= 0:
                return
            time.sleep(delay)  # loop: another 429 may have pushed the time further while we slept
            with self._lock:
                self.waited += delay

    # httpx2 event hooks: they run for every attempt, the SDK's own retries included.
    def on_request(self, request: httpx2.Request) -> None:
        self.wait()

    def on_response(self, response: httpx2.Response) -> None:
        if response.status_code == 429:
            self.hold(retry_after(response.headers, self.DEFAULT_PAUSE, self.MAX_PAUSE))


def retry_after(headers: httpx2.Headers, default: float, cap: float) -> float:
    """Seconds the server asked us to wait: retry-after-ms, Retry-After seconds, or an HTTP date."""
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return min(max(float(value) / divisor, 0.0), cap)
        except ValueError:
            pass
    when = email.utils.parsedate_tz(headers.get("retry-after") or "")
    if when is not None:
        return min(max(email.utils.mktime_tz(when) - time.time(), 0.0), cap)
    return default
