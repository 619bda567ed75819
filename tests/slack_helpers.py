"""Helpers for the Slack tests: signed requests, Slack payloads, a controllable fake agent,
and a harness that runs the real HTTP server (uvicorn + Starlette + bolt) against the
mock Slack Web API.

Tests talk to the server exactly as Slack does: signed HTTP POSTs to /slack/events
(JSON for events, form-encoded for slash commands and interactivity).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from agent.turn import Turn
from tests.fakes.mock_slack import BOT_USER_ID, TEAM_ID, MockSlack
from tools.base import ToolResult

SIGNING_SECRET = "test-signing-secret-8f1c"
BOT_TOKEN = "xoxb-test-token"
CHANNEL = "C0CHANNEL01"
DM_CHANNEL = "D0DIRECT001"
USER = "U0MARKETER1"
APPROVER = "U0APPROVER1"

_ts = itertools.count(1)


def new_ts() -> str:
    return f"{1_700_000_000 + next(_ts)}.{next(_ts):06d}"


# --- signing ----------------------------------------------------------------------------------


def signed_headers(body: str | bytes, *, secret: str = SIGNING_SECRET, timestamp: int | None = None,
                   content_type: str = "application/json") -> dict[str, str]:
    """Headers Slack would send: X-Slack-Request-Timestamp and the v0 HMAC signature."""
    raw = body.encode() if isinstance(body, str) else body
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + raw
    sig = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig, "Content-Type": content_type}


# --- payloads ---------------------------------------------------------------------------------


def event_body(event: dict[str, Any], *, team: str = TEAM_ID, event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "legacy", "team_id": team, "api_app_id": "A0KOLPILOT", "type": "event_callback",
        "event": event, "event_id": event_id or f"Ev{uuid.uuid4().hex[:12].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team, "user_id": BOT_USER_ID, "is_bot": True, "enterprise_id": None}],
    }


def mention(text: str, *, user: str = USER, channel: str = CHANNEL, ts: str | None = None,
            thread_ts: str | None = None, **extra: Any) -> dict[str, Any]:
    ev = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts or new_ts(),
          "channel": channel, "event_ts": ts}
    if thread_ts:
        ev["thread_ts"] = thread_ts
    ev.update(extra)
    return ev


def dm(text: str, *, user: str = USER, channel: str = DM_CHANNEL, ts: str | None = None,
       thread_ts: str | None = None, **extra: Any) -> dict[str, Any]:
    ev = {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts or new_ts(), "channel": channel}
    if thread_ts:
        ev["thread_ts"] = thread_ts
    ev.update(extra)
    return ev


def command_form(text: str, *, user: str = USER, channel: str = CHANNEL, channel_name: str = "marketing",
                 team: str = TEAM_ID, response_url: str = "") -> dict[str, str]:
    return {
        "token": "legacy", "team_id": team, "team_domain": "test", "channel_id": channel,
        "channel_name": channel_name, "user_id": user, "user_name": "marketer", "command": "/kol",
        "text": text, "api_app_id": "A0KOLPILOT", "response_url": response_url,
        "trigger_id": f"{uuid.uuid4().int % 10**12}.trigger",
    }


def action_payload(action_id: str, value: str, *, user: str = USER, team: str = TEAM_ID, channel: str = CHANNEL,
                   message_ts: str | None = None, thread_ts: str | None = None, blocks: list | None = None,
                   response_url: str = "", ephemeral: bool = False) -> dict[str, Any]:
    message_ts = message_ts or new_ts()
    message = {"type": "message", "ts": message_ts, "text": "kolpilot", "blocks": blocks or [], "user": BOT_USER_ID}
    if thread_ts:
        message["thread_ts"] = thread_ts
    return {
        "type": "block_actions",
        "team": {"id": team, "domain": "test"},
        "user": {"id": user, "team_id": team, "username": "someone"},
        "api_app_id": "A0KOLPILOT",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": ephemeral,
                      **({"thread_ts": thread_ts} if thread_ts else {})},
        "channel": {"id": channel, "name": "marketing"},
        "message": None if ephemeral else message,
        "response_url": response_url,
        "trigger_id": f"{uuid.uuid4().int % 10**12}.trigger",
        "actions": [{"action_id": action_id, "block_id": f"pa:{value}", "type": "button", "value": value,
                     "action_ts": str(time.time())}],
    }


# --- a controllable agent ---------------------------------------------------------------------


class CreatorListResult(ToolResult):
    """Test stand-in with the shape of discovery's creator_list result."""

    items: list[dict[str, Any]] = []


class CreatorProfileResult(ToolResult):
    """Test stand-in with the shape of discovery's creator_profile result."""

    handle: str = ""
    platform: str = ""
    display_name: str | None = None
    profile_url: str | None = None
    followers: int | None = None
    bio: str | None = None


def creator(i: int, **over: Any) -> dict[str, Any]:
    item = {
        "handle": f"creator_{i}", "platform": "instagram", "display_name": f"Creator {i}",
        "profile_url": f"https://instagram.com/creator_{i}", "followers": 12_000 + i * 1000, "tier": "micro",
        "engagement_rate": 0.034, "engagement_basis": "followers", "country": "FR",
        "niches": ["beauty", "skincare"], "kind": "influencer", "credentials": None,
        "reasons": ["matches niche beauty", "ER above 3%"],
    }
    item.update(over)
    return item


@dataclass
class AgentCall:
    conversation_id: str
    user: str
    text: str
    workspace_id: str | None
    thread: str = field(default_factory=lambda: threading.current_thread().name)


class FakeAgent:
    """An Agent whose answers a test scripts: ``respond(call, on_progress) -> Turn``.

    Records every call; ``delay`` simulates a slow model; an exception from ``respond``
    simulates a crash inside the agent.
    """

    name = "fake"

    def __init__(self, respond: Callable[[AgentCall, Callable[[str], None] | None], Turn] | None = None,
                 *, delay: float = 0.0) -> None:
        self.respond = respond or (lambda call, _p: Turn(call.conversation_id, f"You said: {call.text}"))
        self.delay = delay
        self.calls: list[AgentCall] = []
        self._lock = threading.Lock()

    def run_turn(self, conversation_id: str, user: str, text: str, *, workspace_id: str | None = None,
                 on_progress: Callable[[str], None] | None = None) -> Turn:
        call = AgentCall(conversation_id, user, text, workspace_id)
        with self._lock:
            self.calls.append(call)
        if self.delay:
            time.sleep(self.delay)
        return self.respond(call, on_progress)


# --- the harness ------------------------------------------------------------------------------


class SlackHarness:
    """Mock Slack + the real kolpilot Slack app served by uvicorn on an ephemeral port."""

    def __init__(self, engine: Any, tmp_path: Any, *, agent: Any = None, settings_overrides: dict | None = None,
                 mock: MockSlack | None = None, pacing_rate: float = 200.0) -> None:
        self.engine = engine
        self.tmp_path = tmp_path
        self.agent = agent or FakeAgent()
        self.overrides = settings_overrides or {}
        self.mock = mock
        self._own_mock = mock is None
        self.pacing_rate = pacing_rate

    def __enter__(self) -> SlackHarness:
        from agent.runtime import Runtime
        from agent.settings import Settings
        from integrations.slack.app import build_app
        from integrations.slack.pacing import ChannelPacer
        from integrations.slack.server import create_asgi_app, start_background

        if self.mock is None:
            self.mock = MockSlack(token=BOT_TOKEN).start()
        values = {
            "data_dir": self.tmp_path / "data", "slack_bot_token": BOT_TOKEN, "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": self.mock.api_url, "approvers": [APPROVER],
            # Single-token mode binds the bot token's team to KOLPILOT_WORKSPACE; naming the
            # workspace after the mock's team keeps the tests' data where they put it.
            "workspace": TEAM_ID,
        }
        values.update(self.overrides)
        self.settings = Settings(_env_file=None, **values)
        self.runtime = Runtime(self.settings, engine=self.engine)
        self.slack = build_app(self.settings, self.runtime, lambda: self.agent,
                               pacer=ChannelPacer(rate=self.pacing_rate, burst=5), max_workers=4)
        self.server = start_background(create_asgi_app(self.slack))
        self.http = httpx.Client(base_url=self.server.url, timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()
        self.server.stop()
        self.slack.close(timeout=5)
        if self._own_mock and self.mock is not None:
            self.mock.stop()

    # --- sending like Slack -------------------------------------------------------------------

    def post_signed(self, body: str, content_type: str, *, retry_num: int | None = None, timestamp: int | None = None,
                    secret: str = SIGNING_SECRET) -> httpx.Response:
        headers = signed_headers(body, secret=secret, timestamp=timestamp, content_type=content_type)
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return self.http.post("/slack/events", content=body.encode(), headers=headers)

    def send_event(self, event: dict[str, Any], *, event_id: str | None = None, team: str = TEAM_ID,
                   retry_num: int | None = None) -> httpx.Response:
        body = json.dumps(event_body(event, team=team, event_id=event_id))
        return self.post_signed(body, "application/json", retry_num=retry_num)

    def send_command(self, text: str, **kw: Any) -> httpx.Response:
        kw.setdefault("response_url", self.mock.response_url("cmd"))
        return self.post_signed(urlencode(command_form(text, **kw)), "application/x-www-form-urlencoded")

    def send_action(self, payload: dict[str, Any]) -> httpx.Response:
        return self.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def wait_idle(self, timeout: float = 10.0) -> None:
        assert self.slack.worker.wait_idle(timeout), "background work did not finish"
