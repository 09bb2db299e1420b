"""The model seam, in process: an httpx2 MockTransport stands in for the endpoint.

(The subprocess tests that kill a batch still use the stub server in stub_server.py.)
"""

from __future__ import annotations

import inspect
import json

import httpx2
import openai
import pytest

from summarise.errors import EndpointError
from summarise.model.endpoint import Endpoint
from summarise.model.llm import LLM
from summarise.model.openai_client import QuotaAwareOpenAI
from summarise.model.usage import UsageMeter

MESSAGES = [{"role": "user", "content": "Bonjour."}]
JSON = {"content-type": "application/json"}


def chat_reply(content: str) -> dict[str, object]:
    return {
        "id": "1",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
    }


def llm_answering(handler, *, retries: int = 0) -> LLM:
    endpoint = Endpoint("m", "http://mock/v1", "http://mock/v1", "sk-mock-0123456789", url="http://mock/v1")
    client = httpx2.Client(transport=httpx2.MockTransport(handler))
    return LLM(endpoint, context_tokens=4096, max_retries=retries, http_client=client)


def test_an_injected_http_client_serves_the_call_and_the_usage_is_counted() -> None:
    usage = UsageMeter()
    llm = llm_answering(lambda request: httpx2.Response(200, json=chat_reply("Hello.")))
    assert llm.complete(MESSAGES, usage=usage, label="t", max_tokens=5).text == "Hello."
    assert usage.snapshot().llm_calls == 1 and usage.snapshot().prompt_tokens == 5


def test_a_cut_off_json_body_is_called_not_json() -> None:
    llm = llm_answering(lambda request: httpx2.Response(200, content=b'{"id": "1", "choi', headers=JSON))
    with pytest.raises(EndpointError, match="not valid JSON"):
        llm.complete(MESSAGES, usage=UsageMeter(), label="t", max_tokens=5)


def test_a_value_error_of_ours_is_not_relabelled_as_bad_json() -> None:
    def broken(request: httpx2.Request) -> httpx2.Response:
        raise ValueError("a bug, not the endpoint's reply")

    with pytest.raises(ValueError, match="a bug"):
        llm_answering(broken).complete(MESSAGES, usage=UsageMeter(), label="t", max_tokens=5)


def test_an_exhausted_quota_is_not_retried() -> None:
    sent: list[httpx2.Request] = []

    def no_quota(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        error = {"error": {"message": "You exceeded your quota", "code": "insufficient_quota"}}
        return httpx2.Response(429, content=json.dumps(error).encode(), headers={"retry-after": "0"})

    with pytest.raises(EndpointError, match="no quota left"):
        llm_answering(no_quota, retries=2).complete(MESSAGES, usage=UsageMeter(), label="t", max_tokens=5)
    assert len(sent) == 1


def test_the_sdk_still_has_the_retry_hook_we_override() -> None:
    # QuotaAwareOpenAI overrides a private method of the openai SDK (pinned to one major
    # version in pyproject.toml): if a release renames it, our override silently stops working.
    hook = getattr(openai.OpenAI, "_should_retry", None)
    assert callable(hook), "openai.OpenAI._should_retry is gone: see QuotaAwareOpenAI"
    assert list(inspect.signature(hook).parameters) == ["self", "response"]
    assert QuotaAwareOpenAI._should_retry is not hook


def test_an_llm_closes_the_cache_it_owns_and_a_collector_leaves_it_as_it_was(tmp_path) -> None:
    from summarise.batch.collect import Collector
    from summarise.model.cache import open_cache

    endpoint = Endpoint("m", "http://127.0.0.1:9/v1", "http://127.0.0.1:9/v1", "not-needed")
    with LLM(endpoint, cache=open_cache(tmp_path / "cache"), context_tokens=8192) as llm:
        collector = Collector(llm)
        # The provider rounds answer from the cache only, through their own view of the client:
        # the LLM they were given still sends (it used to be switched to cache-only in place).
        assert collector.llm.offline and not llm.offline
        assert collector.llm.cache is llm.cache and collector.llm.gate is llm.gate
        assert (collector.identity, collector.name, collector.context_tokens) == (llm.identity, "m", 8192)
        assert llm.cache is not None and llm.cache._store is not None
    assert llm.cache._store is None  # closed on leaving the block, not whenever the collector runs
