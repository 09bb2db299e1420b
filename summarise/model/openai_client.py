"""The OpenAI SDK's client as summarise uses it. Imported on the first real call only
(summarise/model/llm.py): importing the SDK takes ~0.6 s, which a cached re-run does not need."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import openai

from summarise.errors import EndpointError, FormatNotSupported
from summarise.model.answers import redact_message, status_reason

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


def send(client: openai.OpenAI, body: dict[str, Any], *, where: str, secret: str, model: str, timeout: float) -> Any:
    """One chat completion through the SDK; its errors become our one-line EndpointErrors (the key redacted)."""
    try:
        response = client.chat.completions.create(**body)
    except json.JSONDecodeError as exc:  # a truncated JSON body (a proxy cut it off, say)
        raise EndpointError(f"{where} sent a reply that is not valid JSON: is it an OpenAI-compatible API?") from exc
    except openai.APITimeoutError as exc:
        raise EndpointError(f"{where} did not answer within {timeout:g} s (after retries)") from exc
    except openai.APIConnectionError as exc:
        raise EndpointError(f"cannot reach {where}: check OPENAI_BASE_URL and your network") from exc
    except openai.AuthenticationError as exc:
        raise EndpointError(f"{where} rejected the API key (401): check OPENAI_API_KEY") from exc
    except openai.NotFoundError as exc:
        raise EndpointError(f"{where} has no model {model!r} (404): check --model/SUMMARISE_MODEL") from exc
    except openai.RateLimitError as exc:
        if "insufficient_quota" in str(exc.body):
            raise EndpointError(f"{where}: the account has no quota left (insufficient_quota): check billing") from exc
        raise EndpointError(
            f"{where} kept rate-limiting (429) after retries: {redact_message(status_reason(exc), secret)}"
        ) from exc
    except openai.BadRequestError as exc:
        reason = redact_message(status_reason(exc), secret)
        if body.get("response_format") and re.search(r"response_format|json_schema|schema|grammar", reason, re.I):
            raise FormatNotSupported(f"{where} does not support this response format: {reason}") from exc
        raise EndpointError(f"{where} refused the request (400): {reason}") from exc
    except openai.APIStatusError as exc:
        reason = redact_message(status_reason(exc), secret)
        raise EndpointError(f"{where} answered HTTP {exc.status_code}: {reason}") from exc
    except openai.OpenAIError as exc:
        raise EndpointError(f"{where}: {redact_message(str(exc), secret)}") from exc
    if not hasattr(response, "choices"):
        raise EndpointError(f"{where} sent a reply that is not a chat completion: is it an OpenAI-compatible API?")
    return response
