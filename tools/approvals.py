"""Deciding pending actions — the only road to sending and paying.

Tools of the ``commit`` tier never act: they create a PendingAction. A human confirms it
(Slack button or ``kolpilot actions approve``); ``decide`` then re-checks the user's
role and the workspace, claims the action atomically, and runs the executor registered
for its kind, in deterministic code. Nothing a model or a creator's text says can reach
an executor without that human step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from memory.db import session_scope
from memory.models import PendingAction
from memory.models.common import ActionStatus
from memory.repo import actions as actions_repo
from memory.repo import audit
from memory.repo.changes import executing_action
from tools.base import ToolContext

# kind -> executor(ctx, action) -> human-readable result. Executors re-validate their own
# business rules (caps, agreed fee, do-not-contact) at execution time.
Executor = Callable[[ToolContext, PendingAction], str]
_EXECUTORS: dict[str, Executor] = {}


def register_executor(kind: str, fn: Executor) -> None:
    """Register what approving an action of ``kind`` does (called at import of the owning module)."""
    _EXECUTORS[kind] = fn


# How to correct an executed action, since undo never reverts one (see memory.repo.changes).
_CORRECTIONS: dict[str, str] = {
    "approve_payout": "ask for 'reverse payout #{payout_id}', which an approver confirms",
    "mark_payout_paid": "ask for 'reverse payout #{payout_id}', which an approver confirms",
    "reverse_payout": "propose a new payout, which an approver approves",
    "approve_content": "ask an approver for a new action (e.g. add a new deliverable for the creator to resubmit)",
    "send_outreach": "stop the messages not sent yet, e.g. 'stop the follow-ups to @handle'; sent emails can't be recalled",
    "log_email_counter": "log the new terms, e.g. '{handle} countered at …' (raising an agreed fee goes to an approver)",
}


def correction_hint(action: PendingAction) -> str:
    """What to ask for instead of undoing ``action`` (completes "To correct it, ...")."""
    template = _CORRECTIONS.get(action.kind, "ask for a new action that an approver confirms")
    try:
        return template.format(**(action.payload or {}))
    except (KeyError, IndexError, ValueError):
        return "ask for a new action that an approver confirms"


@dataclass
class Decision:
    """The outcome of a click or a CLI confirm."""

    ok: bool
    action_id: str
    status: str
    message: str


def is_approver(ctx: ToolContext) -> bool:
    return ctx.user_id in set(ctx.settings.approvers)


def _resolve(ctx: ToolContext, session, action_id: str) -> PendingAction | None:  # noqa: ANN001
    row = actions_repo.get(session, workspace_id=ctx.workspace_id, action_id=action_id)
    if row is None and len(action_id) >= 4:
        matches = actions_repo.find_by_prefix(session, workspace_id=ctx.workspace_id, prefix=action_id)
        row = matches[0] if len(matches) == 1 else None
    return row


def decide(ctx: ToolContext, action_id: str, *, approve: bool, reason: str | None = None) -> Decision:
    """Approve (and execute) or reject a pending action as ``ctx.user_id``.

    Refusals (not an approver, unknown id, already decided) are polite, audited, and
    change nothing.
    """
    verb = "approve" if approve else "reject"
    with session_scope(ctx.sessions) as s:
        action = _resolve(ctx, s, action_id)
        if action is None:
            return Decision(False, action_id, "unknown", f"No pending action {action_id} in this workspace.")
        action_id = action.id
        if not is_approver(ctx):
            audit.record(
                s, workspace_id=ctx.workspace_id, actor=ctx.user_id, action=f"{verb}_refused", entity="pending_action",
                entity_id=action.id, after={"reason": "not an approver", "kind": action.kind},
                conversation_id=ctx.conversation_id,
            )
            return Decision(False, action.id, action.status,
                            "Sorry, only approvers can decide this action. It is still waiting for an approver.")
        if action.status != ActionStatus.pending.value:
            return Decision(False, action.id, action.status, f"This action was already {action.status}.")
        if approve and action.kind not in _EXECUTORS:
            return Decision(False, action.id, action.status, f"Cannot execute actions of kind {action.kind!r} here.")
        new_status = ActionStatus.approved if approve else ActionStatus.rejected
        if not actions_repo.claim(s, workspace_id=ctx.workspace_id, action_id=action.id, decided_by=ctx.user_id, new_status=new_status):
            return Decision(False, action.id, "decided", "Someone else decided this action a moment ago.")
        audit.record(
            s, workspace_id=ctx.workspace_id, actor=ctx.user_id, action="approved" if approve else "rejected",
            entity="pending_action", entity_id=action.id, before={"status": "pending"},
            after={"status": new_status.value, "kind": action.kind, "reason": reason}, conversation_id=ctx.conversation_id,
        )
    if not approve:
        return Decision(True, action_id, ActionStatus.rejected.value, "Rejected. Nothing was done.")
    return _execute(ctx, action_id)


def _execute(ctx: ToolContext, action_id: str) -> Decision:
    with session_scope(ctx.sessions) as s:
        action = actions_repo.get(s, workspace_id=ctx.workspace_id, action_id=action_id)
        assert action is not None
        executor = _EXECUTORS[action.kind]
    try:
        with executing_action(action_id):  # every write of the executor is final (undo refuses it)
            result = executor(ctx, action)
        status, ok = ActionStatus.executed, True
    except Exception as exc:  # noqa: BLE001 - the user gets a one-line reason, the action is marked failed
        result, status, ok = f"Failed: {exc}", ActionStatus.failed, False
    with session_scope(ctx.sessions) as s:
        action = actions_repo.get(s, workspace_id=ctx.workspace_id, action_id=action_id)
        assert action is not None
        actions_repo.finish(s, action=action, status=status, result=result)
        audit.record(
            s, workspace_id=ctx.workspace_id, actor=ctx.user_id, action="executed" if ok else "execution_failed",
            entity="pending_action", entity_id=action_id, after={"status": status.value, "result": result, "kind": action.kind},
            conversation_id=ctx.conversation_id,
        )
    return Decision(ok, action_id, status.value, result)


def describe(action: PendingAction) -> dict[str, Any]:
    """The public shape of a pending action (CLI --json, Turn.pending_actions, Block Kit)."""
    return {
        "id": action.id,
        "kind": action.kind,
        "status": action.status,
        "summary": action.summary,
        "requested_by": action.requested_by,
        "created_at": action.created_at.isoformat() if action.created_at else None,
        "payload": action.payload,
    }
