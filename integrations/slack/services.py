"""What the listeners need, in one object: the agent, the worker, the responder, the
allow-lists — and the two operations that do real work in the background: running an
agent turn, and deciding a pending action through ``tools.approvals``.

Listeners stay thin (build a context, pick a target, call one method here, return), so
every Slack request is acknowledged in milliseconds; this module owns what happens after.
It talks to the stores only through the Runtime, the Agent and ``tools.approvals``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from integrations.slack import blocks as bk
from integrations.slack.context import AccessPolicy, SlackContext, WorkspaceBinding, private_thread
from integrations.slack.mrkdwn import safe, user_mention
from integrations.slack.replies import (
    APOLOGY,
    BUSY,
    PrivateTarget,
    Responder,
    Target,
    ThreadTarget,
    progress_reporter,
)
from integrations.slack.worker import Worker

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from agent.runtime import Runtime
    from agent.settings import Settings
    from agent.turn import Agent
    from integrations.slack.threads import ThreadRegistry

log = logging.getLogger(__name__)

AgentFactory = Callable[[], "Agent"]

GREETING = (
    "Hi! I'm kolpilot. I find creators and KOLs, draft outreach, keep the CRM and summarise campaign "
    "metrics. Ask me in plain words, or pick a suggestion."
)
SUGGESTED_PROMPTS: list[dict[str, str]] = [
    {"title": "Find micro creators", "message": "Find micro beauty creators on Instagram in France with ER above 3%"},
    {"title": "Find expert KOLs", "message": "Find dermatologist KOLs for a skincare launch"},
    {"title": "Influencers or KOLs?", "message": "Should I use influencers or KOLs to launch a premium skincare serum?"},
    {"title": "What needs approval?", "message": "Show pending actions waiting for approval"},
]


@dataclass
class SlackServices:
    """Shared by every listener of one app instance."""

    settings: Settings
    runtime: Runtime
    agent_factory: AgentFactory
    worker: Worker
    responder: Responder
    policy: AccessPolicy
    binding: WorkspaceBinding = field(default_factory=WorkspaceBinding)
    threads: ThreadRegistry | None = None  # channel threads kolpilot is in (follow-ups need no mention)
    # OAuth mode: a WebClient for another installation's bot token (None: one token only).
    client_for_token: Callable[[str], WebClient] | None = field(default=None, repr=False)
    # Short one-off notices (refusals, "busy") run here, not in the Worker: they must go
    # out even when the worker is full, and never inside a listener (the ack path).
    notices: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=2, thread_name_prefix="kolpilot-notice"), repr=False
    )
    _agent: Agent | None = field(default=None, init=False, repr=False)
    _agent_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _responders: dict[str, Responder] = field(default_factory=dict, init=False, repr=False)

    @property
    def agent(self) -> Agent:
        """The agent, built once on first use (it must be safe to call from several threads;
        turns of one conversation are serialised by the worker)."""
        if self._agent is None:
            with self._agent_lock:
                if self._agent is None:
                    self._agent = self.agent_factory()
        return self._agent

    def _ensure_workspace(self, workspace_id: str) -> None:
        self.runtime.ensure_workspace(workspace_id)  # once per process; concurrent creation is safe

    def responder_for(self, sctx: SlackContext) -> Responder:
        """The responder speaking with the bot token of ``sctx``'s installation.

        One token (single-token mode): the shared responder. OAuth mode: one responder per
        installation token, sharing the channel pacer; tokens rotate, so the cache is small.
        """
        token = sctx.bot_token
        if not token or self.client_for_token is None or token == self.responder.client.token:
            return self.responder
        with self._agent_lock:
            responder = self._responders.get(token)
            if responder is None:
                if len(self._responders) >= 256:  # rotated-away tokens
                    self._responders.pop(next(iter(self._responders)))
                responder = Responder(self.client_for_token(token), self.responder.pacer,
                                      max_messages=self.responder.max_messages)
                self._responders[token] = responder
            return responder

    # --- threads ------------------------------------------------------------------------------

    def join_thread(self, sctx: SlackContext) -> None:
        """Remember that kolpilot is in this channel thread (best effort: a failure only means
        follow-ups there need a mention)."""
        if self.threads is None or sctx.is_dm:
            return
        try:
            self.threads.join(sctx)
        except Exception as exc:  # noqa: BLE001 - never fail an answer over bookkeeping
            log.warning("could not record a thread: %s", type(exc).__name__)

    def in_thread(self, sctx: SlackContext) -> bool:
        """True if kolpilot is in this channel thread (so a follow-up needs no mention)."""
        if self.threads is None:
            return False
        try:
            return self.threads.touch(sctx)
        except Exception as exc:  # noqa: BLE001 - unknown = not in it; a mention still works
            log.warning("could not look up a thread: %s", type(exc).__name__)
            return False

    # --- refusals -----------------------------------------------------------------------------

    def refuse(self, sctx: SlackContext, message: str, *, thread_ts: str | None = None) -> None:
        """A polite refusal only the user sees (best effort, in the background)."""
        self._notice(self.responder_for(sctx).ephemeral, sctx.channel_id, sctx.user_id, message, thread_ts=thread_ts)

    def busy(self, target: Target, responder: Responder | None = None) -> None:
        """Tell the user the worker is full (in the background)."""
        self._notice((responder or self.responder).notice, target, BUSY)

    def _notice(self, fn: Callable[..., None], *args: Any, **kwargs: Any) -> None:
        def run() -> None:
            try:
                fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - notices are best effort
                log.warning("could not send a notice: %s", type(exc).__name__)

        try:
            self.notices.submit(run)
        except RuntimeError:  # shutting down
            pass

    # --- agent turns --------------------------------------------------------------------------

    def ask(self, sctx: SlackContext, text: str, target: Target, *, title: str | None = None) -> bool:
        """Run one agent turn in the background and deliver its answer at ``target``."""
        state: dict[str, Any] = {}
        responder = self.responder_for(sctx)

        def job() -> None:
            self._ensure_workspace(sctx.workspace_id)
            if title and isinstance(target, ThreadTarget) and target.assistant:
                responder.set_title_once(target.channel, target.thread_ts, title)
            state["placeholder"] = responder.start(target)
            turn = self.agent.run_turn(
                sctx.conversation_id,
                sctx.user_id,
                text,
                workspace_id=sctx.workspace_id,
                on_progress=progress_reporter(responder, target),
            )
            responder.deliver(target, turn, placeholder_ts=state.get("placeholder"))

        def apologise(_exc: BaseException) -> None:
            responder.notice(target, APOLOGY, placeholder_ts=state.get("placeholder"))

        accepted = self.worker.submit(sctx.conversation_id, job, on_error=apologise)
        if not accepted:
            self.busy(target, responder)
        return accepted

    def ask_in_new_thread(self, sctx: SlackContext, text: str, *, response_url: str) -> bool:
        """A public ``/kol`` question: post it as a thread root, answer in its thread.

        If kolpilot cannot post in the channel (not a member), answer privately instead.
        """
        private = PrivateTarget(response_url, sctx.channel_id, sctx.user_id)
        responder = self.responder_for(sctx)

        def job() -> None:
            try:
                root = responder.post(sctx.channel_id, f"{user_mention(sctx.user_id)} asked: {safe(text, limit=2500)}")
            except SlackApiError as exc:
                log.info("cannot post in %s (%s); answering privately", sctx.channel_id, exc.response.get("error"))
                root = None
            if not root:
                responder.respond(response_url, "I'm not a member of this channel, so only you will see this answer. "
                                                "Invite me with `/invite @kolpilot` to answer in threads.")
                self.ask(sctx.in_thread(private_thread(sctx.user_id)), text, private)
                return
            thread = sctx.in_thread(root)
            self.join_thread(thread)  # kolpilot opened this thread: follow-ups there need no mention
            self.ask(thread, text, ThreadTarget(sctx.channel_id, root, placeholder=True))

        def apologise(_exc: BaseException) -> None:
            responder.notice(private, APOLOGY)

        accepted = self.worker.submit(f"{sctx.conversation_id}:root", job, on_error=apologise, label="command")
        if not accepted:
            self.busy(private, responder)
        return accepted

    def welcome(self, sctx: SlackContext) -> None:
        """A new assistant thread: greet and offer suggested prompts."""

        responder = self.responder_for(sctx)

        def job() -> None:
            responder.set_suggested_prompts(sctx.channel_id, sctx.thread_ts, SUGGESTED_PROMPTS, "Try one of these:")
            responder.post(sctx.channel_id, GREETING, thread_ts=sctx.thread_ts)

        self.worker.submit(sctx.conversation_id, job, label="welcome")

    # --- approvals ----------------------------------------------------------------------------

    def decide(self, sctx: SlackContext, action_id: str, *, approve: bool, body: dict[str, Any]) -> bool:
        """Approve or reject a pending action as the clicking user, via ``tools.approvals``.

        ``decide`` re-checks the approver list and the workspace and audits refusals. A
        decided action's buttons are replaced by the outcome; anyone else gets a polite
        ephemeral refusal and nothing changes.
        """
        container = body.get("container") or {}
        message = body.get("message") or {}
        response_url = body.get("response_url")
        responder = self.responder_for(sctx)

        def job() -> None:
            from tools.approvals import decide

            self._ensure_workspace(sctx.workspace_id)
            ctx = self.runtime.tool_context(
                user_id=sctx.user_id, workspace_id=sctx.workspace_id, conversation_id=sctx.conversation_id
            )
            decision = decide(ctx, action_id, approve=approve)
            # decide() reports a change of state as ok, or as "failed" with the executor's
            # "Failed: …" reason; every other not-ok outcome is a refusal that changed nothing.
            changed = decision.ok or (decision.status == "failed" and decision.message.startswith("Failed:"))
            if not changed:
                self._tell_clicker(sctx, decision.message, container, response_url)
                return
            new = bk.decision_block(decision.action_id, outcome=decision.status, user_id=sctx.user_id, detail=decision.message)
            blocks = bk.replace_block(message.get("blocks") or [], f"pa:{action_id}", new)
            if not any(b is new for b in blocks):  # the button's block id was a short id
                blocks.append(new)
            text = f"{decision.status}: {safe(decision.message, limit=200)}"
            if container.get("is_ephemeral") and response_url:
                responder.respond(response_url, text, blocks=blocks, replace_original=True)
            elif message.get("ts"):
                responder.update(sctx.channel_id, message["ts"], message.get("text") or text, blocks=blocks)

        def apologise(_exc: BaseException) -> None:
            self._tell_clicker(sctx, APOLOGY, container, response_url)

        return self.worker.submit(f"{sctx.conversation_id}:decide", job, on_error=apologise, label="decision")

    def _tell_clicker(self, sctx: SlackContext, text: str, container: dict[str, Any], response_url: str | None) -> None:
        responder = self.responder_for(sctx)
        if container.get("is_ephemeral") and response_url:
            responder.respond(response_url, text)
        else:
            thread = None if sctx.thread_ts.startswith("private-") else sctx.thread_ts
            responder.ephemeral(sctx.channel_id, sctx.user_id, text, thread_ts=thread)
