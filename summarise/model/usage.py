"""What a brief's model calls cost, counted while its tasks run (several threads at once)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from summarise.brief import Usage


@dataclass
class UsageMeter:
    """Counts what a brief costs while its tasks run, from several threads; `snapshot()` is the record."""

    calls: int = 0  # requests actually sent
    cache_hits: int = 0  # answers served from our disk cache
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_prompt_tokens: int = 0  # prompt tokens the server reused from its own prompt cache
    problems: list[str] = field(default_factory=list)  # about answers, for the brief (an echoed key)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, *, hit: bool, prompt: int = 0, completion: int = 0, cached: int = 0) -> None:
        with self._lock:
            if hit:
                self.cache_hits += 1
                return
            self.calls += 1
            self.prompt_tokens += prompt
            self.completion_tokens += completion
            self.cached_prompt_tokens += cached

    def problem(self, text: str) -> None:
        with self._lock:
            if text not in self.problems:
                self.problems.append(text)

    def snapshot(self) -> Usage:
        with self._lock:
            return Usage(
                llm_calls=self.calls,
                cache_hits=self.cache_hits,
                prompt_tokens=self.prompt_tokens,
                prompt_tokens_cached_by_server=self.cached_prompt_tokens,
                completion_tokens=self.completion_tokens,
            )
