"""Workspace rows (created on first use)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from memory.models import Workspace


def ensure_workspace(session: Session, *, workspace_id: str, name: str | None = None) -> Workspace:
    """Return the workspace, creating it if it does not exist yet. Safe when two processes
    create the same workspace at once (the loser reads the winner's row)."""
    ws = session.get(Workspace, workspace_id)
    if ws is not None:
        return ws
    try:
        with session.begin_nested():  # a savepoint: a duplicate insert must not abort the caller's transaction
            ws = Workspace(id=workspace_id, name=name or workspace_id)
            session.add(ws)
            session.flush()
        return ws
    except IntegrityError:
        existing = session.get(Workspace, workspace_id, populate_existing=True)
        assert existing is not None
        return existing
