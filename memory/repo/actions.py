"""Pending actions: side-effecting work (send, pay, approve content) waiting for a human.

Only ``tools.approvals`` decides them; this module just stores them. Decisions use a
conditional UPDATE (``WHERE status = 'pending'``) so two clicks — or two processes —
can never both execute the same action.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from memory.models import PendingAction
from memory.models.common import ActionStatus, utcnow


def create(
    session: Session,
    *,
    workspace_id: str,
    kind: str,
    summary: str,
    payload: dict[str, Any],
    requested_by: str,
    conversation_id: str | None = None,
) -> PendingAction:
    """Store a new pending action and return it (id is a UUID string)."""
    row = PendingAction(
        id=str(uuid.uuid4()),
        workspace_id=workspace_id,
        kind=kind,
        summary=summary,
        payload=payload,
        requested_by=requested_by,
        conversation_id=conversation_id,
    )
    session.add(row)
    session.flush()
    return row


def get(session: Session, *, workspace_id: str, action_id: str) -> PendingAction | None:
    """The action if it belongs to the workspace (ids from another workspace are not found)."""
    row = session.get(PendingAction, action_id)
    return row if row is not None and row.workspace_id == workspace_id else None


def find_by_prefix(session: Session, *, workspace_id: str, prefix: str) -> list[PendingAction]:
    """Actions whose id starts with ``prefix`` (users type short ids in the terminal)."""
    return list(
        session.exec(
            select(PendingAction).where(PendingAction.workspace_id == workspace_id, PendingAction.id.startswith(prefix))  # type: ignore[attr-defined]
        )
    )


def list_actions(
    session: Session, *, workspace_id: str, status: str | list[str] | None = "pending", limit: int = 100,
    since: datetime | None = None,
) -> list[PendingAction]:
    """Actions of a workspace, newest first (``status=None`` for all; ``since``: created at or after)."""
    q = select(PendingAction).where(PendingAction.workspace_id == workspace_id)
    if isinstance(status, list):
        q = q.where(PendingAction.status.in_(status))  # type: ignore[attr-defined]
    elif status is not None:
        q = q.where(PendingAction.status == status)
    if since is not None:
        q = q.where(PendingAction.created_at >= since)
    return list(session.exec(q.order_by(PendingAction.created_at.desc()).limit(limit)))  # type: ignore[attr-defined]


def claim(session: Session, *, workspace_id: str, action_id: str, decided_by: str, new_status: ActionStatus) -> bool:
    """Atomically move a pending action to ``new_status``; False if someone else got there first."""
    res = session.execute(
        update(PendingAction)
        .where(
            PendingAction.id == action_id,
            PendingAction.workspace_id == workspace_id,
            PendingAction.status == ActionStatus.pending.value,
        )
        .values(status=new_status.value, decided_by=decided_by, decided_at=utcnow())
    )
    return res.rowcount == 1


def finish(session: Session, *, action: PendingAction, status: ActionStatus, result: str | None) -> None:
    """Record the outcome of an approved action's execution."""
    action.status = status.value
    action.result = (result or "")[:1000] or None
    session.add(action)
    session.flush()
