"""Putting answers into Slack: threads, placeholders, splitting, files, ephemeral replies.

Where an answer goes is a *target*:

- :class:`ThreadTarget` — a thread in a channel or DM. With ``placeholder`` a "Working
  on it…" message is posted at once and later replaced (chat.update) by the answer's
  first message; further messages follow in the thread. With ``assistant`` (the
  assistant panel) Slack's own status line ("Searching creators…") replaces the
  placeholder.
- :class:`PrivateTarget` — an ephemeral reply through the ``response_url`` of a slash
  command or a click in an ephemeral message (only the asker sees it).

Posts are paced per channel (:mod:`pacing`); the WebClient itself retries 429 and
connection errors (see :func:`integrations.slack.app.build_web_client`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.webhook import WebhookClient

from integrations.slack import blocks as bk
from integrations.slack.mrkdwn import plain
from integrations.slack.pacing import ChannelPacer

log = logging.getLogger(__name__)

PLACEHOLDER = "Working on it…"
APOLOGY = "Sorry, something went wrong while I was working on that. Please try again in a moment."
BUSY = "Sorry, I'm handling a lot of requests right now. Please try again in a minute."
# More messages than this for one answer is a wall of text: upload a file instead.
MAX_MESSAGES_PER_ANSWER = 4
# response_url accepts five posts in 30 minutes; keep one for follow-ups.
MAX_PRIVATE_MESSAGES = 4


@dataclass(frozen=True)
class ThreadTarget:
    channel: str
    thread_ts: str
    placeholder: bool = True
    assistant: bool = False


@dataclass(frozen=True)
class PrivateTarget:
    response_url: str
    channel: str
    user: str


Target = ThreadTarget | PrivateTarget


class Responder:
    """Every write kolpilot makes to Slack goes through here."""

    def __init__(self, client: WebClient, pacer: ChannelPacer | None = None, *, max_messages: int = MAX_MESSAGES_PER_ANSWER) -> None:
        self.client = client
        self.pacer = pacer or ChannelPacer()
        self.max_messages = max_messages
        self._titled: dict[str, None] = {}  # insertion-ordered set of titled assistant threads
        self._titled_lock = threading.Lock()

    # --- primitives ---------------------------------------------------------------------------

    def post(self, channel: str, text: str, *, thread_ts: str | None = None, blocks: list[dict] | None = None) -> str | None:
        """chat.postMessage (paced); returns the new message's ts."""
        self.pacer.wait(channel)
        kwargs: dict[str, Any] = {"channel": channel, "text": text, "unfurl_links": False, "unfurl_media": False}
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        if blocks:
            kwargs["blocks"] = blocks
        resp = self.client.chat_postMessage(**kwargs)
        return resp.get("ts")

    def update(self, channel: str, ts: str, text: str, *, blocks: list[dict] | None = None) -> None:
        """chat.update of one of kolpilot's own messages (blocks=[] clears old blocks)."""
        self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks if blocks is not None else [])

    def ephemeral(self, channel: str, user: str, text: str, *, thread_ts: str | None = None, blocks: list[dict] | None = None) -> None:
        """chat.postEphemeral: only ``user`` sees it."""
        kwargs: dict[str, Any] = {"channel": channel, "user": user, "text": text}
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        if blocks:
            kwargs["blocks"] = blocks
        self.client.chat_postEphemeral(**kwargs)

    def respond(self, response_url: str, text: str, *, blocks: list[dict] | None = None, replace_original: bool = False) -> None:
        """Post to a ``response_url`` (ephemeral unless it replaces a public message)."""
        hook = WebhookClient(response_url, timeout=15, retry_handlers=self.client.retry_handlers, logger=log)
        resp = hook.send(text=text, blocks=blocks, response_type="ephemeral", replace_original=replace_original)
        if resp.status_code >= 300:
            raise SlackRequestError(f"response_url answered {resp.status_code}")

    def notice(self, target: Target, text: str, *, placeholder_ts: str | None = None) -> None:
        """A short text-only message (apology, busy, refusal) at ``target``."""
        if isinstance(target, PrivateTarget):
            self.respond(target.response_url, text)
        elif placeholder_ts:
            self.update(target.channel, placeholder_ts, text)
        else:
            self.post(target.channel, text, thread_ts=target.thread_ts)

    # --- assistant panel ----------------------------------------------------------------------

    def set_status(self, channel: str, thread_ts: str, status: str) -> None:
        """assistant.threads.setStatus; best effort (a plain DM thread has no status line)."""
        try:
            self.client.assistant_threads_setStatus(channel_id=channel, thread_ts=thread_ts, status=status[:50])
        except (SlackApiError, SlackRequestError) as exc:
            log.debug("setStatus failed: %s", type(exc).__name__)

    def set_title_once(self, channel: str, thread_ts: str, title: str) -> None:
        """assistant.threads.setTitle for the first message of a thread (best effort)."""
        key = f"{channel}:{thread_ts}"
        with self._titled_lock:
            if key in self._titled:
                return
            self._titled[key] = None
            if len(self._titled) > 10_000:
                self._titled.pop(next(iter(self._titled)))
        try:
            self.client.assistant_threads_setTitle(channel_id=channel, thread_ts=thread_ts, title=title[:100] or "kolpilot")
        except (SlackApiError, SlackRequestError) as exc:
            log.debug("setTitle failed: %s", type(exc).__name__)

    def set_suggested_prompts(self, channel: str, thread_ts: str, prompts: list[dict[str, str]], title: str) -> None:
        self.client.assistant_threads_setSuggestedPrompts(channel_id=channel, thread_ts=thread_ts, prompts=prompts, title=title)

    # --- whole answers ------------------------------------------------------------------------

    def start(self, target: Target) -> str | None:
        """Show that work has started: a placeholder message, or the assistant status."""
        if isinstance(target, ThreadTarget):
            if target.assistant:
                self.set_status(target.channel, target.thread_ts, "is thinking…")
            elif target.placeholder:
                return self.post(target.channel, PLACEHOLDER, thread_ts=target.thread_ts)
        return None

    def deliver(self, target: Target, turn: Any, *, placeholder_ts: str | None = None) -> None:
        """Put a Turn's answer at ``target``: split, or uploaded as a file when very long."""
        if isinstance(target, PrivateTarget):
            # A private reply cannot carry files; say so instead of naming a path on the server.
            self._deliver_private(target, bk.render_turn(attached_files_note(turn, attached=False)))
            return
        rendered = bk.render_turn(attached_files_note(turn))
        if len(rendered.body_messages()) > self.max_messages:
            messages = self._upload_instead(target, turn, rendered) + rendered.action_messages()
        else:
            messages = rendered.messages()  # actions share the last message when they fit
        for i, msg in enumerate(messages):
            if i == 0 and placeholder_ts:
                self.update(target.channel, placeholder_ts, msg.text, blocks=msg.blocks)
            else:
                self.post(target.channel, msg.text, thread_ts=target.thread_ts, blocks=msg.blocks)
        self._upload_files(target, turn)

    def _upload_files(self, target: ThreadTarget, turn: Any) -> None:
        """Charts and exports that tools produced go into the thread as files (files_upload_v2)."""
        import os

        for path in turn_files(turn):
            self.pacer.wait(target.channel)
            self.client.files_upload_v2(channel=target.channel, thread_ts=target.thread_ts, file=path,
                                        filename=os.path.basename(path), title=os.path.basename(path))

    def _upload_instead(self, target: ThreadTarget, turn: Any, rendered: bk.RenderedTurn) -> list[bk.SlackMessage]:
        content = bk.turn_as_text(turn)
        self.pacer.wait(target.channel)  # completing an upload posts a message in the thread
        self.client.files_upload_v2(
            channel=target.channel,
            thread_ts=target.thread_ts,
            content=content,
            filename="kolpilot-answer.txt",
            title="kolpilot — full answer",
        )
        first = rendered.body_messages()[0]
        note = bk.section(f"_The full answer is long ({len(content):,} characters), so I attached it as a file in this thread._")
        # The first message already fits Slack's limits; the note needs one block and
        # ~200 characters, which the packing budget leaves room for.
        blocks = first.blocks[: bk.MAX_BLOCKS - 1] + [note]
        return [bk.SlackMessage(text=first.text, blocks=blocks)]

    def _deliver_private(self, target: PrivateTarget, rendered: bk.RenderedTurn) -> None:
        messages = rendered.messages()
        if len(messages) > MAX_PRIVATE_MESSAGES:
            # Keep the pending actions (their buttons matter) and as much of the answer as fits.
            actions = rendered.action_messages()[: MAX_PRIVATE_MESSAGES - 2]
            body = rendered.body_messages()[: max(1, MAX_PRIVATE_MESSAGES - 1 - len(actions))]
            note = bk.SlackMessage(
                text="The rest is too long for a private reply.",
                blocks=[bk.section("_The rest of this answer is too long for a private reply — ask me in a DM or a "
                                   "channel thread to get all of it._")],
            )
            messages = body + [note] + actions
        for msg in messages:
            self.respond(target.response_url, msg.text, blocks=msg.blocks)


def turn_files(turn: Any) -> list[str]:
    """The existing files (charts, exports) listed in a turn's results, each once."""
    import os

    seen: dict[str, None] = {}
    for result in getattr(turn, "results", None) or []:
        for path in getattr(result, "files", None) or []:
            if isinstance(path, str) and os.path.isfile(path):
                seen.setdefault(path, None)
    return list(seen)


def attached_files_note(turn: Any, *, attached: bool = True) -> Any:
    """The turn with its reply saying which files are attached in the thread, instead of
    naming paths on the server's disk ("Exported Glow Q3 to glow-q3-creator.csv (attached)").
    ``attached=False`` (private replies, which cannot carry files) says where to get them."""
    import dataclasses
    import os

    paths = turn_files(turn)
    if not paths or not dataclasses.is_dataclass(turn):
        return turn
    reply = str(getattr(turn, "reply", "") or "")
    if not attached:
        for path in paths:
            reply = reply.replace(path, os.path.basename(path))
        note = "Files cannot be attached to a private reply: ask me in a DM or a thread to get them."
        return dataclasses.replace(turn, reply=(reply + "\n" if reply.strip() else "") + note)
    missing = []
    for path in paths:
        label = f"{os.path.basename(path)} (attached in this thread)"
        if path in reply:
            reply = reply.replace(path, label)
        else:
            missing.append(os.path.basename(path))
    if missing:
        reply = (reply + "\n" if reply.strip() else "") + "Attached in this thread: " + ", ".join(missing)
    return dataclasses.replace(turn, reply=reply)


def progress_reporter(responder: Responder, target: Target, *, min_interval: float = 1.0):  # noqa: ANN201
    """An ``on_progress`` callback for the agent: assistant threads show the tool's label
    ("Searching creators…") as their status; repeats and bursts are dropped."""
    last: dict[str, Any] = {"text": None, "at": 0.0}

    def report(message: str) -> None:
        if not isinstance(target, ThreadTarget) or not target.assistant:
            return
        now = time.monotonic()
        if message == last["text"] or now - last["at"] < min_interval:
            return
        last.update(text=message, at=now)
        responder.set_status(target.channel, target.thread_ts, plain(message, limit=48))

    return report
