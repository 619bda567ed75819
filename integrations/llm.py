"""The chat model: ``ChatOpenAI`` over the ``openai`` client, for OpenAI and any
OpenAI-compatible server (vLLM, Ollama, llama.cpp, LM Studio, Azure's v1 endpoint).

Robustness comes from the ``openai`` client itself, configured from Settings:

- ``timeout = settings.llm_timeout_s`` (60 s by default, instead of the client's 10 min)
  for connect, read, write and pool waits of each HTTP attempt.
- ``max_retries = settings.llm_max_retries``. The client retries connection errors,
  timeouts, 408, 409, 429 and every 5xx, with exponential backoff (0.5 s doubling, capped
  at 8 s, minus up to 25 % jitter). On 429/503 it honours ``Retry-After`` /
  ``retry-after-ms`` (seconds, or an HTTP date) up to 120 s — verified in
  ``openai._base_client.SyncAPIClient._calculate_retry_timeout`` / ``_should_retry``.

What this module adds (``_RetryPolicy``): a turn is interactive, so a ``Retry-After``
longer than one request timeout is not waited for — the call fails at once and the user
is told how long the provider asked to wait; and tests can shrink the backoff
(``backoff_scale``) without touching the server-directed waits.

``describe_model_error`` turns the client's exceptions into one line for the user.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

import openai

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI

    from agent.settings import Settings

log = logging.getLogger(__name__)

OPENAI_BASE_URL = "https://api.openai.com/v1"
# Local servers (Ollama, llama.cpp, vLLM without --api-key) need no key, but the openai
# client insists on one; this placeholder is sent only when no key is configured.
NO_KEY_PLACEHOLDER = "not-needed"


class _RetryPolicy:
    """Mixin over the openai clients' retry hooks (see the module docstring)."""

    retry_after_cap_s: float = 120.0
    backoff_scale: float = 1.0

    def _should_retry(self, response: Any) -> bool:  # openai hook
        retry_after = self._parse_retry_after_header(response.headers)  # type: ignore[attr-defined]
        if retry_after is not None and math.isfinite(retry_after) and retry_after > self.retry_after_cap_s:
            log.warning("model provider asks to retry after %.0f s; not waiting that long in a turn", retry_after)
            return False
        return super()._should_retry(response)  # type: ignore[misc]

    def _calculate_retry_timeout(self, remaining_retries: int, options: Any, response_headers: Any = None) -> float:
        wait = super()._calculate_retry_timeout(remaining_retries, options, response_headers)  # type: ignore[misc]
        retry_after = self._parse_retry_after_header(response_headers)  # type: ignore[attr-defined]
        server_directed = retry_after is not None and math.isfinite(retry_after) and 0 < retry_after <= self.retry_after_cap_s
        return wait if server_directed else wait * self.backoff_scale


class _OpenAI(_RetryPolicy, openai.OpenAI):
    pass


class _AsyncOpenAI(_RetryPolicy, openai.AsyncOpenAI):
    pass


def client_kwargs(settings: Settings) -> dict[str, Any]:
    """The openai client arguments kolpilot uses (base URL, key, timeout, retries)."""
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key is not None else NO_KEY_PLACEHOLDER
    return {
        # Explicit, so OPENAI_BASE_URL / OPENAI_API_KEY in the environment never override Settings.
        "base_url": settings.llm_base_url or OPENAI_BASE_URL,
        "api_key": key,
        "timeout": settings.llm_timeout_s,
        "max_retries": settings.llm_max_retries,
    }


def build_chat_model(settings: Settings, *, backoff_scale: float = 1.0) -> ChatOpenAI:
    """A ``ChatOpenAI`` for ``settings.llm_model`` with kolpilot's timeout and retry policy.

    ``backoff_scale`` multiplies the client's own exponential backoff (tests use a tiny
    value); waits requested by the server with ``Retry-After`` are never scaled.
    Chat Completions is used (not the Responses API) because that is what every
    OpenAI-compatible server speaks.
    """
    from langchain_openai import ChatOpenAI

    kwargs = client_kwargs(settings)
    cap = min(settings.llm_timeout_s, 120.0)
    sync_client = _OpenAI(**kwargs)
    async_client = _AsyncOpenAI(**kwargs)
    for c in (sync_client, async_client):
        c.retry_after_cap_s = cap
        c.backoff_scale = backoff_scale
    return ChatOpenAI(
        model=settings.llm_model,
        base_url=kwargs["base_url"],
        api_key=kwargs["api_key"],
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        root_client=sync_client,
        client=sync_client.chat.completions,
        root_async_client=async_client,
        async_client=async_client.chat.completions,
        use_responses_api=False,
    )


def describe_model_error(exc: BaseException, settings: Settings) -> tuple[str, bool] | None:
    """``(reason, unavailable)`` for an error raised by the model client, else None.

    ``unavailable`` is True for transient trouble (timeouts, connection errors, rate limits,
    5xx after the retries ran out) and False for a request or configuration problem the
    user has to fix (bad key, unknown model, request rejected).
    """
    where = settings.llm_base_url or "OpenAI"
    if isinstance(exc, openai.APITimeoutError):
        tries = settings.llm_max_retries + 1
        return f"no answer within {settings.llm_timeout_s:g} s" + (f", {tries} attempts" if tries > 1 else ""), True
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot connect to {where}", True
    if isinstance(exc, openai.RateLimitError):
        retry_after = _retry_after(exc)
        wait = f"; it asks to wait {retry_after:.0f} s" if retry_after else ""
        return f"rate limited by the provider, HTTP 429{wait}", True
    if isinstance(exc, openai.APIStatusError):
        code = exc.status_code
        if code >= 500 or code in (408, 409):
            return f"server error HTTP {code} from {where}", True
        if code == 401:
            return "the API key was rejected (HTTP 401); check KOLPILOT_LLM_API_KEY", False
        if code == 403:
            return "access denied (HTTP 403); check the key's permissions", False
        if code == 404:
            return f"model {settings.llm_model!r} not found at {where} (HTTP 404); check KOLPILOT_LLM_MODEL", False
        return f"the model rejected the request (HTTP {code}: {_short(exc)})", False
    if isinstance(exc, openai.OpenAIError):
        return f"model client error: {_short(exc)}", False
    return None


def _retry_after(exc: openai.APIStatusError) -> float | None:
    value = exc.response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
