"""Cross-cutting records: pending actions awaiting a human, the audit log, and processed
external events (deduplication of Slack's retried deliveries)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from memory.models.common import utcnow


class PendingAction(SQLModel, table=True):
    """A side-effecting action (send, pay, approve content) that only a human can confirm."""

    __tablename__ = "pending_action"
    __table_args__ = (Index("ix_pending_ws_status", "workspace_id", "status"),)
    id: str = Field(primary_key=True, max_length=36)
    workspace_id: str = Field(max_length=64)
    kind: str = Field(max_length=40, description="send_outreach, approve_payout, mark_paid, approve_content, ...")
    status: str = Field(default="pending", max_length=16)
    summary: str = Field(max_length=1000, description="What will happen, to whom, how much")
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    requested_by: str = Field(max_length=64)
    conversation_id: str | None = Field(default=None, max_length=200)
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = None
    result: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_ws_actor_conv", "workspace_id", "actor", "conversation_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    actor: str = Field(max_length=64)
    conversation_id: str | None = Field(default=None, max_length=200)
    action: str = Field(max_length=60)
    op_id: str | None = Field(default=None, max_length=36, description="Groups the writes of one tool call (undo reverts them together)")
    op_label: str | None = Field(default=None, max_length=120, description="What the user asked for, e.g. 'log_negotiation'")
    entity: str = Field(max_length=40)
    entity_id: str | None = Field(default=None, max_length=64)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    undone: bool = False
    at: datetime = Field(default_factory=utcnow)


class ProcessedEvent(SQLModel, table=True):
    """External event ids already handled (insert-or-fail gives exactly-once across processes)."""

    __tablename__ = "processed_event"
    id: str = Field(primary_key=True, max_length=200)
    source: str = Field(default="slack", max_length=20)
    workspace_id: str | None = Field(default=None, max_length=64)
    received_at: datetime = Field(default_factory=utcnow)
