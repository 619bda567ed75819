"""Workspaces: the tenant boundary. A Slack team id, or ``local`` for the terminal."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from memory.models.common import utcnow

LOCAL_WORKSPACE = "local"


class WorkspaceBase(SQLModel):
    name: str = Field(default="", max_length=200)
    timezone: str = Field(default="UTC", max_length=64, description="IANA time zone used for sending windows")


class Workspace(WorkspaceBase, table=True):
    id: str = Field(primary_key=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class WorkspacePublic(WorkspaceBase):
    id: str
