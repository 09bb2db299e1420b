"""The OpenAI SDK's client as summarise uses it. Imported on the first real call only
(summarise/model/llm.py): importing the SDK takes ~0.6 s, which a cached re-run does not need."""

from __future__ import annotations

from typing import TYPE_CHECKING

import openai

if TYPE_CHECKING:
    import httpx2


class QuotaAwareOpenAI(openai.OpenAI):
    """The SDK's client, except that an exhausted quota is not retried.

    OpenAI sends `insufficient_quota` as a 429, which the SDK would retry like a rate
    limit; waiting cannot fix an empty account, so fail at once.
    """

    def _should_retry(self, response: httpx2.Response) -> bool:
        if response.status_code == 429:
            try:
                if "insufficient_quota" in response.read().decode("utf-8", "replace"):
                    return False
            except Exception:  # an unreadable body: let the SDK decide as usual
                pass
        return super()._should_retry(response)
