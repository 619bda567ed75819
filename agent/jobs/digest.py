"""The weekly digest job of ``kolpilot worker``: one Block Kit post per week in Slack.

Settings: ``KOLPILOT_DIGEST_CHANNEL`` (a Slack channel id; no digest when unset),
``KOLPILOT_DIGEST_DAY`` (``mon`` … ``sun``, default ``mon``) and ``KOLPILOT_DIGEST_TIME``
(``HH:MM``, default ``09:00``), read in the workspace's time zone (``Workspace.timezone``,
the zone of the sending window). From that moment until the end of the ISO week the digest
is due; a worker that was down at 09:00 posts it at its next pass.

For each active campaign it shows budget pacing (``summarize_campaign``), the top
performers by ROAS (``top_performers``) and overdue deliverables (``pipeline_status``);
then the actions waiting for an approver (``list_pending_actions``). The tools run through
the registry, as the agent's would, so the digest says what a marketer asking would hear.

Once per period: the week is claimed with an insert-or-fail row in ``processed_event``
(``digest:<workspace>:<ISO week>``) before posting, so two workers — two processes on one
PostgreSQL database — post it once. If posting fails the claim is released and the next
pass tries again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as dtime
from typing import Any

from agent.runtime import Runtime

log = logging.getLogger(__name__)

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SOURCE = "digest"
MAX_CAMPAIGNS = 15  # Block Kit allows 50 blocks per message; each campaign takes two or three
_EXCLUDED_ACTIONS = {"import_file"}  # Slack file-import previews are not approvals


@dataclass
class CampaignDigest:
    name: str
    pacing: dict[str, Any] = field(default_factory=dict)
    top: list[str] = field(default_factory=list)
    top_basis: str | None = None
    overdue: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Digest:
    """What the weekly post says (rendered by ``integrations.slack.digest.digest_blocks``)."""

    workspace_id: str
    period: str
    campaigns: list[CampaignDigest] = field(default_factory=list)
    more_campaigns: int = 0
    pending: list[str] = field(default_factory=list)
    pending_total: int = 0


def due_period(now: datetime, tz: Any, day: str, at: str) -> str | None:
    """The ISO week (``"2026-W49"``) whose digest is due at ``now``, or None before the
    configured day and time of the current week (local time of ``tz``)."""
    local = now.astimezone(tz)
    hh, mm = (int(x) for x in at.split(":"))
    if (local.weekday(), local.time().replace(tzinfo=None)) < (DAYS.index(day), dtime(hh, mm)):
        return None
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def _period(runtime: Runtime, workspace_id: str, now: datetime) -> str | None:
    from memory.db import session_scope
    from tools.outreach.sequences import workspace_tz

    settings = runtime.settings
    with session_scope(runtime.sessions) as s:
        tz = workspace_tz(s, workspace_id)
    return due_period(now, tz, settings.digest_day, settings.digest_time)


def build(runtime: Runtime, workspace_id: str, period: str, *, now: datetime | None = None) -> Digest:
    """Collect the digest of ``workspace_id`` through the tool registry."""
    from sqlmodel import select

    from memory.db import session_scope
    from memory.models import Campaign
    from tools.registry import run_tool

    ctx = runtime.tool_context(user_id="digest", workspace_id=workspace_id)
    if now is not None:
        ctx.clock = lambda: now
    with session_scope(runtime.sessions) as s:
        names = list(s.exec(select(Campaign.name).where(Campaign.workspace_id == workspace_id,
                                                        Campaign.status == "active").order_by(Campaign.name)))
    digest = Digest(workspace_id, period, more_campaigns=max(0, len(names) - MAX_CAMPAIGNS))
    for name in names[:MAX_CAMPAIGNS]:
        cd = CampaignDigest(name)
        summary = run_tool(ctx, "summarize_campaign", {"campaign": name})
        if summary.ok and summary.result is not None:
            cd.pacing = dict(getattr(summary.result, "pacing", {}) or {})
        else:
            cd.problems.append(f"summary: {summary.error}")
        top = run_tool(ctx, "top_performers", {"campaign": name, "metric": "roas", "limit": 3})
        if top.ok and top.result is not None:
            for row in top.result.rows:  # type: ignore[attr-defined]
                roas = row.metrics["roas"].display if "roas" in row.metrics else "n/a"
                cd.top.append(f"{row.key} — ROAS {roas} · revenue {row.revenue} · cost {row.cost}")
            cd.top_basis = getattr(top.result, "basis", None)
        else:
            cd.problems.append(f"top performers: {top.error}")
        pipeline = run_tool(ctx, "pipeline_status", {"campaign": name})
        if pipeline.ok and pipeline.result is not None:
            for d in pipeline.result.overdue:  # type: ignore[attr-defined]
                cd.overdue.append(f"@{str(d['handle']).lstrip('@')} — {d['count']} × {d['type']} due {d['due_date']} "
                                  f"({d['days_late']} day{'s' if d['days_late'] != 1 else ''} late)")
        else:
            cd.problems.append(f"pipeline: {pipeline.error}")
        digest.campaigns.append(cd)
    pending = run_tool(ctx, "list_pending_actions", {"status": "pending"})
    if pending.ok and pending.result is not None:
        actions = [a for a in pending.result.actions if a.get("kind") not in _EXCLUDED_ACTIONS]  # type: ignore[attr-defined]
        digest.pending_total = len(actions)
        digest.pending = [str(a.get("summary") or a.get("kind")) for a in actions[:10]]
    return digest


def run(runtime: Runtime, workspace_id: str, *, now: datetime | None = None) -> list[str]:
    """One pass: post this week's digest if it is due and nobody posted it yet."""
    settings = runtime.settings
    if not settings.digest_channel:
        return []
    now = now or datetime.now(UTC)
    runtime.ensure_workspace(workspace_id)
    period = _period(runtime, workspace_id, now)
    if period is None:
        return []
    if settings.slack_bot_token is None:
        return [f"[digest] the {period} digest is due but KOLPILOT_SLACK_BOT_TOKEN is not set"]
    from memory.repo.events import claim

    key = f"digest:{workspace_id}:{period}"
    if not claim(runtime.engine, key=key, source=SOURCE, workspace_id=workspace_id):
        return []  # another worker (or an earlier pass) posted it
    try:
        digest = build(runtime, workspace_id, period, now=now)
        from integrations.slack.digest import post_digest

        post_digest(settings, channel=settings.digest_channel, digest=digest)
    except BaseException:
        _release(runtime, key)
        raise
    return [f"[digest] posted the {period} digest ({len(digest.campaigns)} active campaign(s)) to {settings.digest_channel}"]


def _release(runtime: Runtime, key: str) -> None:
    from sqlalchemy import delete

    from memory.models import ProcessedEvent

    try:
        with runtime.engine.begin() as conn:
            conn.execute(delete(ProcessedEvent).where(ProcessedEvent.id == key))
    except Exception as exc:  # noqa: BLE001 - the original failure is what matters
        log.warning("could not release the digest claim: %s", type(exc).__name__)
