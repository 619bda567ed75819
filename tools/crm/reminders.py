"""Deadline reminders: deliverables due within 48 hours, overdue deliverables, payouts
waiting for approval. Each reminder is sent once (claimed in processed_event)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import select

from memory.db import session_scope
from memory.domain.money import format_money
from memory.models import Account, Campaign, Collaboration, Deliverable, Payout
from memory.repo import events
from tools.base import ToolContext


@dataclass(frozen=True)
class Reminder:
    key: str  # once-only key
    kind: str  # due_soon | overdue | payout_waiting
    text: str


def due_reminders(ctx: ToolContext, *, hours: int = 48) -> list[Reminder]:
    """Everything worth reminding about now, in the workspace of ``ctx``."""
    now = ctx.clock()
    today = now.date()
    soon = (now + timedelta(hours=hours)).date()
    out: list[Reminder] = []
    with session_scope(ctx.sessions) as s:
        rows = s.exec(
            select(Deliverable, Collaboration, Campaign, Account)
            .join(Collaboration, Collaboration.id == Deliverable.collaboration_id)
            .join(Campaign, Campaign.id == Collaboration.campaign_id)
            .join(Account, Account.id == Collaboration.account_id, isouter=True)
            .where(Deliverable.workspace_id == ctx.workspace_id, Deliverable.due_date.is_not(None),  # type: ignore[union-attr]
                   Deliverable.status.in_(["planned", "changes_requested"]))  # type: ignore[attr-defined]
            .order_by(Deliverable.due_date)
        ).all()
        for d, c, k, a in rows:
            who = f"@{a.handle}" if a else f"creator #{c.creator_id}"
            if d.due_date < today:
                # One overdue reminder per deliverable per day, so it keeps nagging daily but never twice a day.
                out.append(Reminder(f"rem:{ctx.workspace_id}:overdue:{d.id}:{today}", "overdue",
                                    f"Overdue: {who}'s {d.count}× {d.type} for {k.name} was due {d.due_date} ({(today - d.due_date).days} days late)."))
            elif d.due_date <= soon:
                out.append(Reminder(f"rem:{ctx.workspace_id}:due:{d.id}:{d.due_date}", "due_soon",
                                    f"Due soon: {who}'s {d.count}× {d.type} for {k.name} is due {d.due_date}."))
        for p, c, k in s.exec(
            select(Payout, Collaboration, Campaign)
            .join(Collaboration, Collaboration.id == Payout.collaboration_id)
            .join(Campaign, Campaign.id == Collaboration.campaign_id)
            .where(Payout.workspace_id == ctx.workspace_id, Payout.status == "proposed")
        ).all():
            acc = s.get(Account, c.account_id) if c.account_id else None
            who = f"@{acc.handle}" if acc else f"creator #{c.creator_id}"
            out.append(Reminder(f"rem:{ctx.workspace_id}:payout:{p.id}", "payout_waiting",
                                f"Waiting for approval: payout of {format_money(p.amount_cents, p.currency)} to {who} for {k.name}."))
    return out


def claim_new(ctx: ToolContext, engine, reminders: list[Reminder]) -> list[Reminder]:  # noqa: ANN001
    """The reminders not sent before (each is claimed, so a second pass or worker skips it)."""
    return [r for r in reminders if events.claim(engine, key=r.key, source="reminder", workspace_id=ctx.workspace_id)]
