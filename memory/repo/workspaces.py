"""Workspace rows (created on first use), and what each holds (``kolpilot workspaces``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from memory.models import Campaign, Creator, Workspace
from memory.models.slack import slack_bots


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


@dataclass(frozen=True)
class WorkspaceSummary:
    """One workspace, what it holds, and the Slack team bound to it (if any)."""

    id: str
    name: str
    creators: int
    campaigns: int
    slack_team: str | None = None  # the installed Slack team's name (Add to Slack)


def counts(session: Session, *, workspace_id: str) -> tuple[int, int]:
    """(creators, campaigns) of one workspace."""
    creators = session.execute(select(func.count()).select_from(Creator).where(Creator.workspace_id == workspace_id)).scalar_one()
    campaigns = session.execute(select(func.count()).select_from(Campaign).where(Campaign.workspace_id == workspace_id)).scalar_one()
    return int(creators), int(campaigns)


def slack_teams(session: Session) -> dict[str, str]:
    """Installed Slack teams (Add to Slack): team id → team name, from the latest installation of each."""
    rows = session.execute(
        select(slack_bots.c.team_id, slack_bots.c.team_name, slack_bots.c.enterprise_id)
        .order_by(slack_bots.c.installed_at)
    ).all()
    teams: dict[str, str] = {}
    for team_id, team_name, enterprise_id in rows:  # later installations win
        key = team_id or enterprise_id
        if key:
            teams[str(key)] = str(team_name or key)
    return teams


def list_workspaces(session: Session) -> list[WorkspaceSummary]:
    """Every workspace with its creator and campaign counts, and installed Slack teams not used yet.

    Counted with two grouped queries, not one per workspace.
    """
    creators = dict(session.execute(select(Creator.workspace_id, func.count()).group_by(Creator.workspace_id)).all())
    campaigns = dict(session.execute(select(Campaign.workspace_id, func.count()).group_by(Campaign.workspace_id)).all())
    teams = slack_teams(session)
    rows = {ws.id: ws for ws in session.execute(select(Workspace).order_by(Workspace.id)).scalars()}
    ids = sorted(set(rows) | set(teams))
    return [
        WorkspaceSummary(
            id=wid,
            name=(rows[wid].name if wid in rows else "") or wid,
            creators=int(creators.get(wid, 0)),
            campaigns=int(campaigns.get(wid, 0)),
            slack_team=teams.get(wid),
        )
        for wid in ids
    ]


def name_workspace(session: Session, *, workspace_id: str, name: str) -> Workspace:
    """Create the workspace if needed and set its display name (e.g. the bound Slack team's name)."""
    ws = ensure_workspace(session, workspace_id=workspace_id, name=name)
    if name and ws.name != name:
        ws.name = name[:200]
        session.add(ws)
    return ws
