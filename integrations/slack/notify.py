"""Posting a plain notification (reminders) to a Slack channel, outside a conversation."""

from __future__ import annotations

from agent.settings import Settings


def post_text(settings: Settings, *, channel: str, text: str) -> None:
    """Post ``text`` to ``channel`` with the bot token; retries 429 and connection errors."""
    from slack_sdk import WebClient
    from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

    assert settings.slack_bot_token is not None
    client = WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), RateLimitErrorRetryHandler(max_retry_count=3)],
    )
    client.chat_postMessage(channel=channel, text=text, unfurl_links=False)
