"""The audit log: who changed what, when, with before/after snapshots (used for undo)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from memory.models import AuditLog


def record(
    session: Session,
    *,
    workspace_id: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    conversation_id: str | None = None,
) -> AuditLog:
    """Append one audit entry in the caller's transaction."""
    row = AuditLog(
        workspace_id=workspace_id,
        actor=actor,
        conversation_id=conversation_id,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=before,
        after=after,
    )
    session.add(row)
    session.flush()
    return row


def entries(
    session: Session, *, workspace_id: str, entity: str | None = None, entity_id: str | int | None = None, limit: int = 100
) -> list[AuditLog]:
    """Audit entries of a workspace (optionally of one entity), oldest first."""
    q = select(AuditLog).where(AuditLog.workspace_id == workspace_id)
    if entity is not None:
        q = q.where(AuditLog.entity == entity)
    if entity_id is not None:
        q = q.where(AuditLog.entity_id == str(entity_id))
    return list(session.exec(q.order_by(AuditLog.id).limit(limit)))  # type: ignore[arg-type]


def last_undoable(session: Session, *, workspace_id: str, actor: str, conversation_id: str | None) -> AuditLog | None:
    """The most recent not-yet-undone write of this user in this conversation."""
    q = select(AuditLog).where(
        AuditLog.workspace_id == workspace_id, AuditLog.actor == actor, AuditLog.undone == False  # noqa: E712
    )
    if conversation_id is not None:
        q = q.where(AuditLog.conversation_id == conversation_id)
    return session.exec(q.order_by(AuditLog.id.desc()).limit(1)).first()  # type: ignore[union-attr]
