"""Workspace rows (created on first use)."""

from __future__ import annotations

from sqlmodel import Session

from memory.models import Workspace


def ensure_workspace(session: Session, *, workspace_id: str, name: str | None = None) -> Workspace:
    """Return the workspace, creating it if it does not exist yet."""
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        ws = Workspace(id=workspace_id, name=name or workspace_id)
        session.add(ws)
        session.flush()
    return ws
