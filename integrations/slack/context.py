"""Who is asking, where, and in which conversation — built from Slack payloads only.

- workspace: every tool call is scoped to one, so a workspace never sees another's data.
  Which one is a :class:`WorkspaceBinding`: a single-token deployment binds its bot
  token's own team to the configured workspace (``KOLPILOT_WORKSPACE``, default
  ``local``), so the CLI and Slack share data; in OAuth mode ("Add to Slack") each
  installed team is its own workspace, its team id (Enterprise Grid org installs: the
  enterprise id).
- user = the Slack user id of the person who wrote, typed or clicked.
- conversation id = ``team:channel:thread_ts`` (the Slack team id, whatever workspace it
  is bound to). Replies always go in the thread, so the thread is the unit of
  conversation memory.

Allow-lists (``KOLPILOT_SLACK_ALLOWED_CHANNELS`` / ``..._USERS``): empty means everyone.
The channel list applies to channels and group DMs; a user's direct messages with
kolpilot (and its assistant panel) are governed by the user list alone, because a DM
channel id is per user and an admin cannot know it in advance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


def conversation_id(team_id: str, channel_id: str, thread_ts: str) -> str:
    """The conversation key used for memory: ``team:channel:thread_ts``."""
    return f"{team_id}:{channel_id}:{thread_ts}"


def is_dm_channel(channel_id: str | None, channel_type: str | None = None) -> bool:
    """True for a one-to-one DM with the app (``D…`` ids, or channel_type ``im``)."""
    return channel_type == "im" or bool(channel_id and channel_id.startswith("D"))


@dataclass(frozen=True)
class SlackContext:
    """Everything a turn needs to know about where it came from."""

    workspace_id: str
    channel_id: str
    user_id: str
    thread_ts: str
    is_dm: bool = False
    team_id: str = ""  # the Slack team; "" = same as workspace_id
    # The installation's bot token (OAuth mode: answers go out with the asking team's token).
    bot_token: str | None = field(default=None, repr=False, compare=False)

    @property
    def conversation_id(self) -> str:
        return conversation_id(self.team_id or self.workspace_id, self.channel_id, self.thread_ts)

    def in_thread(self, thread_ts: str) -> SlackContext:
        """The same place, another thread (e.g. a /kol question's own thread)."""
        return SlackContext(self.workspace_id, self.channel_id, self.user_id, thread_ts, self.is_dm, self.team_id,
                            self.bot_token)


@dataclass(frozen=True)
class WorkspaceBinding:
    """Which workspace a Slack team's requests are scoped to.

    ``workspace`` set (single-token mode): the team the bot token belongs to — the team
    bolt authorized the request for, from ``auth.test`` of the token — is bound to
    ``workspace``, the one the CLI uses too. A request from any other team id (a Slack
    Connect guest's click, say) stays in that team's own, empty workspace.
    ``workspace`` None (OAuth mode): every team is its own workspace, its team id.
    """

    workspace: str | None = None

    def resolve(self, team: str, context: Mapping[str, Any]) -> str:
        if self.workspace is None:
            return team
        result = context.get("authorize_result")
        own = {getattr(result, "team_id", None), getattr(result, "enterprise_id", None)}
        return self.workspace if team in own else team


def team_of(context: Mapping[str, Any], body: Mapping[str, Any]) -> str | None:
    """The installation's team id (bolt resolves shared channels via ``authorizations``)."""
    team = context.get("team_id") or context.get("enterprise_id")
    if not team:
        raw = body.get("team")
        team = raw.get("id") if isinstance(raw, dict) else raw
        team = team or body.get("team_id") or (body.get("user") or {}).get("team_id")
    return str(team) if team else None


# The app's binding rides in bolt's request context (set by a middleware in build_app), so
# every listener scopes requests the same way without passing it around.
BINDING_KEY = "kolpilot_workspace_binding"


def _binding(context: Mapping[str, Any], binding: WorkspaceBinding | None) -> WorkspaceBinding | None:
    return binding if binding is not None else context.get(BINDING_KEY)


def workspace_of(context: Mapping[str, Any], body: Mapping[str, Any], binding: WorkspaceBinding | None = None) -> str | None:
    """The workspace a request is scoped to: its team, through the app's :class:`WorkspaceBinding`
    (``binding``, else the one in bolt's context; without either, the team id itself)."""
    team = team_of(context, body)
    binding = _binding(context, binding)
    if team is None or binding is None:
        return team
    return binding.resolve(team, context)


def _make(context: Mapping[str, Any], body: Mapping[str, Any], binding: WorkspaceBinding | None, channel: str,
          user: str, thread_ts: str, is_dm: bool) -> SlackContext | None:
    team = team_of(context, body)
    if not team:
        return None
    binding = _binding(context, binding)
    workspace = binding.resolve(team, context) if binding is not None else team
    token = context.get("bot_token")
    return SlackContext(workspace, channel, user, thread_ts, is_dm, team, str(token) if token else None)


def from_event(context: Mapping[str, Any], body: Mapping[str, Any], event: Mapping[str, Any],
               binding: WorkspaceBinding | None = None) -> SlackContext | None:
    """Context of a message or app_mention event; None when a piece is missing."""
    channel = event.get("channel")
    user = event.get("user")
    ts = event.get("thread_ts") or event.get("ts")
    if not (channel and user and ts):
        return None
    return _make(context, body, binding, str(channel), str(user), str(ts),
                 is_dm_channel(str(channel), event.get("channel_type")))


def from_command(context: Mapping[str, Any], command: Mapping[str, Any], thread_ts: str,
                 binding: WorkspaceBinding | None = None) -> SlackContext | None:
    """Context of a slash command; ``thread_ts`` names the conversation (commands have no thread)."""
    channel, user = command.get("channel_id"), command.get("user_id")
    if not (channel and user):
        return None
    return _make(context, command, binding, str(channel), str(user), thread_ts, is_dm_channel(str(channel)))


def from_action(context: Mapping[str, Any], body: Mapping[str, Any],
                binding: WorkspaceBinding | None = None) -> SlackContext | None:
    """Context of a button click: the thread of the message that holds the button.

    Ephemeral messages have no thread of their own; those clicks continue the clicking
    user's private conversation in that channel (see :func:`private_thread`).
    """
    user = (body.get("user") or {}).get("id")
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    if not (user and channel):
        return None
    if container.get("is_ephemeral"):
        thread = private_thread(str(user))
    else:
        message = body.get("message") or {}
        thread = container.get("thread_ts") or message.get("thread_ts") or container.get("message_ts") or message.get("ts")
    if not thread:
        return None
    return _make(context, body, binding, str(channel), str(user), str(thread), is_dm_channel(str(channel)))


def private_thread(user_id: str) -> str:
    """The thread part of a user's private (ephemeral) conversation in a channel."""
    return f"private-{user_id}"


def mentions_bot(text: str, bot_user_id: str | None) -> bool:
    """True if ``text`` mentions kolpilot itself (``<@BOT>`` or ``<@BOT|name>``)."""
    return bool(bot_user_id) and re.search(rf"<@{re.escape(str(bot_user_id))}(?:\|[^>]*)?>", text) is not None


def strip_bot_mention(text: str, bot_user_id: str | None) -> str:
    """The message text without the mention(s) of kolpilot itself."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class AccessPolicy:
    """The optional allow-lists. ``check`` returns a polite refusal, or None when allowed."""

    allowed_channels: frozenset[str] = frozenset()
    allowed_users: frozenset[str] = frozenset()

    @classmethod
    def from_lists(cls, channels: Iterable[str], users: Iterable[str]) -> AccessPolicy:
        return cls(frozenset(c for c in channels if c), frozenset(u for u in users if u))

    def check(self, ctx: SlackContext) -> str | None:
        if self.allowed_users and ctx.user_id not in self.allowed_users:
            return "Sorry, kolpilot is not enabled for your account here. Ask your Slack admin to add you."
        if self.allowed_channels and not ctx.is_dm and ctx.channel_id not in self.allowed_channels:
            return "Sorry, kolpilot is not enabled in this channel. Ask me in a channel where it is enabled, or in a DM."
        return None
