"""Outreach messages (drafts, sent mail, follow-ups, replies) and the do-not-contact list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from memory.models.common import utcnow


class OutreachMessage(SQLModel, table=True):
    __tablename__ = "outreach_message"
    __table_args__ = (
        Index("ix_outreach_ws_status_sched", "workspace_id", "status", "scheduled_at"),
        Index("ix_outreach_collab", "collaboration_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", ondelete="CASCADE")
    creator_id: int = Field(foreign_key="creator.id", ondelete="CASCADE")
    collaboration_id: int | None = Field(default=None, foreign_key="collaboration.id", ondelete="CASCADE")
    direction: str = Field(default="out", max_length=3, description="out or in")
    channel: str = Field(default="email", max_length=10, description="email or dm")
    step: int = Field(default=0, description="0 = first message, 1.. = follow-ups")
    subject: str | None = Field(default=None, max_length=300)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(default="draft", max_length=16)
    source_post_ids: str = Field(default="", max_length=200, description="Comma-separated post ids the draft refers to")
    to_address: str | None = Field(default=None, max_length=320)
    message_id: str | None = Field(default=None, max_length=300)
    scheduled_at: datetime | None = None
    sent_at: datetime | None = None
    attempts: int = Field(default=0, description="Message-level failures (server replies after MAIL); outages are not counted")
    first_attempt_at: datetime | None = Field(default=None, description="First claim by a worker: the maximum age counts from here")
    lease_expires_at: datetime | None = Field(default=None, description="While sending: the claim lapses after this (worker died)")
    lease_token: str | None = Field(default=None, max_length=32, description="Which claim holds the message while sending")
    last_error: str | None = Field(default=None, max_length=500)
    created_by: str = Field(default="system", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class DoNotContact(SQLModel, table=True):
    __tablename__ = "do_not_contact"
    __table_args__ = (UniqueConstraint("workspace_id", "email", name="uq_dnc_ws_email"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    email: str = Field(max_length=320)
    reason: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
