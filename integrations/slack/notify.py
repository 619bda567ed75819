"""Posting a plain notification (reminders, send failures) to a Slack channel, outside a conversation."""

from __future__ import annotations

from agent.settings import Settings


def post_text(settings: Settings, *, channel: str, text: str) -> None:
    """Post ``text`` to ``channel`` with the bot token (the same client as the app: Slack API
    URL from settings, retries on 429 and connection errors)."""
    from integrations.slack.app import build_web_client
    from integrations.slack.mrkdwn import defang

    build_web_client(settings).chat_postMessage(channel=channel, text=defang(text), unfurl_links=False)


def post_blocks(settings: Settings, *, channel: str, text: str, blocks: list[dict]) -> None:
    """Post Block Kit ``blocks`` (``text`` is the notification fallback) to ``channel``."""
    from integrations.slack.app import build_web_client
    from integrations.slack.mrkdwn import defang

    build_web_client(settings).chat_postMessage(channel=channel, text=defang(text), blocks=blocks or None, unfurl_links=False)
