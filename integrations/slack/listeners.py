"""Slack listeners: build a context, pick where the answer goes, hand off, return.

Nothing here touches a store or a model: listeners call :class:`SlackServices`, which
runs the agent (or ``tools.approvals``) in the background worker. Events are
acknowledged by bolt before the listener runs; commands and clicks call ``ack()`` first.

Where answers go:

- ``@kolpilot …`` in a channel → in that message's thread (a "Working on it…"
  placeholder, then the answer). Mentions inside a thread continue that thread's
  conversation, and from then on kolpilot is *in* the thread (:mod:`threads`): later
  messages there are answered without a new mention, as Slack's AI apps do. Other
  channel messages are ignored.
- Direct message → in the thread of that message; in the assistant panel (a DM thread)
  Slack's status line shows progress instead of a placeholder, and the thread gets a title.
- ``/kol <question>`` → **the rule**: in a channel, the question is posted as a new
  message and answered in its thread, so the team sees it and can follow up by
  mentioning @kolpilot there. ``/kol private <question>`` — or any ``/kol`` in a DM or a
  group DM — is answered ephemerally: only the asker sees it. If kolpilot is not a
  member of the channel it answers privately and says how to invite it.
- Buttons: Approve / Reject go through ``tools.approvals.decide`` (approvers only);
  "Draft outreach", "Similar creators" and "Profile" ask the agent in the same thread.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext

from integrations.slack import blocks as bk
from integrations.slack import files
from integrations.slack.context import (
    from_action,
    from_command,
    from_event,
    is_dm_channel,
    mentions_bot,
    private_thread,
    strip_bot_mention,
)
from integrations.slack.replies import PrivateTarget, ThreadTarget
from integrations.slack.services import SlackServices

log = logging.getLogger(__name__)

HELP = (
    "Ask kolpilot about creators, outreach, the CRM or campaign metrics, e.g. "
    "`/kol micro beauty creators in France with ER above 3%`.\n"
    "In a channel the question and answer go in a new thread; `/kol private …` (or /kol in a DM) "
    "answers only you."
)
_PRIVATE_PREFIX = re.compile(r"^(private|me|-p)\b[:\s]*", re.IGNORECASE)
_HANDLE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
# Message subtypes that are a person writing; everything else (edits, deletions, joins,
# bot messages) is ignored.
_USER_SUBTYPES = {None, "file_share", "thread_broadcast"}
_BUTTON_ASKS = {
    bk.DRAFT_OUTREACH: "Draft an outreach message to @{handle}",
    bk.SIMILAR: "Find creators similar to @{handle}",
    bk.PROFILE: "Show the profile of @{handle}",
    bk.OPEN_REPLY: "What did @{handle} say?",
}


def _from_a_bot(event: dict[str, Any], context: BoltContext) -> bool:
    # bolt already drops our own events; this drops every other bot (and bot-like subtypes).
    return bool(event.get("bot_id") or event.get("bot_profile") or event.get("subtype") == "bot_message"
                or (context.bot_user_id and event.get("user") == context.bot_user_id))


def register(app: App, svc: SlackServices) -> None:
    """Attach kolpilot's listeners to a bolt App."""
    files.register(app, svc)  # Import / Cancel buttons of shared files, file_shared events

    @app.event("app_mention")
    def on_mention(body: dict, event: dict, context: BoltContext) -> None:
        if _from_a_bot(event, context) or event.get("subtype") not in _USER_SUBTYPES:
            return
        sctx = from_event(context, body, event)
        if sctx is None:
            return
        if refusal := svc.policy.check(sctx):
            svc.refuse(sctx, refusal, thread_ts=event.get("thread_ts"))
            return
        svc.join_thread(sctx)  # from now on, follow-ups in this thread need no mention
        if files.file_ids_of(event):  # a CSV/XLSX for kolpilot: preview it for import (integrations/slack/files.py)
            return files.offer(svc, sctx, files.file_ids_of(event), thread_ts=sctx.thread_ts)
        text = strip_bot_mention(event.get("text") or "", context.bot_user_id)
        svc.ask(sctx, text or "help", ThreadTarget(sctx.channel_id, sctx.thread_ts, placeholder=True))

    @app.event("message")
    def on_message(body: dict, event: dict, context: BoltContext) -> None:
        if not is_dm_channel(event.get("channel"), event.get("channel_type")):
            on_channel_message(body, event, context)
            return
        if _from_a_bot(event, context) or event.get("subtype") not in _USER_SUBTYPES:
            return
        sctx = from_event(context, body, event)
        if sctx is None:
            return
        if refusal := svc.policy.check(sctx):
            svc.refuse(sctx, refusal)
            return
        if files.file_ids_of(event):
            return files.offer(svc, sctx, files.file_ids_of(event), thread_ts=sctx.thread_ts)
        text = strip_bot_mention(event.get("text") or "", context.bot_user_id)
        if not text:
            return
        in_thread = event.get("thread_ts") is not None  # the assistant panel is always threaded
        target = ThreadTarget(sctx.channel_id, sctx.thread_ts, placeholder=not in_thread, assistant=in_thread)
        svc.ask(sctx, text, target, title=text[:80] if in_thread else None)

    def on_channel_message(body: dict, event: dict, context: BoltContext) -> None:
        # A channel message is answered only as a follow-up in a thread kolpilot is in. One
        # that mentions kolpilot is the app_mention event's to answer (Slack sends both).
        if not event.get("thread_ts") or _from_a_bot(event, context) or event.get("subtype") not in _USER_SUBTYPES:
            return
        raw = event.get("text") or ""
        if mentions_bot(raw, context.bot_user_id):
            return
        sctx = from_event(context, body, event)
        if sctx is None or not svc.in_thread(sctx):
            return
        if svc.policy.check(sctx):
            # People talk to each other in kolpilot's threads too: someone kolpilot may not
            # answer (allow-lists) is ignored quietly instead of refused on every message.
            return
        if files.file_ids_of(event):  # a CSV/XLSX dropped in kolpilot's thread
            return files.offer(svc, sctx, files.file_ids_of(event), thread_ts=sctx.thread_ts)
        text = strip_bot_mention(raw, context.bot_user_id)
        if text:
            svc.ask(sctx, text, ThreadTarget(sctx.channel_id, sctx.thread_ts, placeholder=True))

    @app.event("assistant_thread_started")
    def on_assistant_started(body: dict, event: dict, context: BoltContext) -> None:
        thread = event.get("assistant_thread") or {}
        channel, ts, user = thread.get("channel_id"), thread.get("thread_ts"), thread.get("user_id")
        sctx = from_event(context, body, {"channel": channel, "user": user, "ts": ts, "channel_type": "im"})
        if sctx is None:
            return
        if refusal := svc.policy.check(sctx):
            svc.refuse(sctx, refusal, thread_ts=ts)
            return
        svc.welcome(sctx)

    @app.event("assistant_thread_context_changed")
    def on_assistant_context_changed() -> None:
        # The channel the user is looking at changed. kolpilot answers from its own data,
        # not from the viewed channel, so there is nothing to store.
        return None

    @app.command("/kol")
    def on_command(ack: Ack, command: dict, context: BoltContext) -> None:
        raw = (command.get("text") or "").strip()
        question = _PRIVATE_PREFIX.sub("", raw, count=1).strip()
        wants_private = question != raw
        if not question or question.lower() in ("help", "?"):
            ack(response_type="ephemeral", text=HELP)
            return
        channel = str(command.get("channel_id") or "")
        user = str(command.get("user_id") or "")
        channel_name = str(command.get("channel_name") or "")
        private = wants_private or is_dm_channel(channel) or channel_name == "directmessage" or channel_name.startswith("mpdm-")
        sctx = from_command(context, command, private_thread(user))
        if sctx is None:
            ack()
            return
        if refusal := svc.policy.check(sctx):
            ack(response_type="ephemeral", text=refusal)
            return
        response_url = str(command.get("response_url") or "")
        if private:
            ack(response_type="ephemeral", text="Working on it… (only you will see the answer)")
            svc.ask(sctx, question, PrivateTarget(response_url, channel, user))
        else:
            ack(response_type="ephemeral", text="Working on it… I'll answer in a thread.")
            svc.ask_in_new_thread(sctx, question, response_url=response_url)

    def _decide(ack: Ack, body: dict, action: dict, context: BoltContext, *, approve: bool) -> None:
        ack()
        sctx = from_action(context, body)
        if sctx is None:
            return
        if refusal := svc.policy.check(sctx):
            svc.refuse(sctx, refusal)
            return
        svc.decide(sctx, str(action.get("value") or ""), approve=approve, body=body)

    @app.action(bk.APPROVE)
    def on_approve(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        _decide(ack, body, action, context, approve=True)

    @app.action(bk.REJECT)
    def on_reject(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        _decide(ack, body, action, context, approve=False)

    @app.action(re.compile(f"^({bk.DRAFT_OUTREACH}|{bk.SIMILAR}|{bk.PROFILE}|{bk.OPEN_REPLY})$"))
    def on_creator_button(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        ack()
        handle = str(action.get("value") or "").lstrip("@")
        sctx = from_action(context, body)
        if sctx is None or not _HANDLE.match(handle):
            return  # our buttons always carry a plain handle; anything else is not ours
        if refusal := svc.policy.check(sctx):
            svc.refuse(sctx, refusal)
            return
        text = _BUTTON_ASKS[action["action_id"]].format(handle=handle)
        container = body.get("container") or {}
        if container.get("is_ephemeral") and body.get("response_url"):
            target: ThreadTarget | PrivateTarget = PrivateTarget(body["response_url"], sctx.channel_id, sctx.user_id)
        else:
            assistant = sctx.is_dm  # in a DM kolpilot's messages live in assistant threads
            target = ThreadTarget(sctx.channel_id, sctx.thread_ts, placeholder=not assistant, assistant=assistant)
        svc.ask(sctx, text, target)
