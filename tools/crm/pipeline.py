"""Pipeline tools: stage moves, pipeline status (by stage, overdue, upcoming, payouts due),
and a creator's full history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import func
from sqlmodel import select

from memory.db import session_scope
from memory.models import (
    Account,
    Campaign,
    Collaboration,
    Deliverable,
    DiscountCode,
    NegotiationEvent,
    Note,
    OutreachMessage,
    Payout,
    Shipment,
    StageEvent,
    TrackingLink,
)
from memory.models.common import Stage
from memory.repo import crm
from tools.base import CampaignName, Handle, ToolContext, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common

StageName = Literal["prospect", "contacted", "negotiating", "agreed", "product_shipped", "content_submitted",
                    "content_approved", "posted", "paid", "closed", "declined", "on_hold"]


class UpdateStageInput(ToolInput):
    """Move a collaboration to another pipeline stage."""

    handle: Handle = Field(description="Creator handle")
    campaign: CampaignName | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    stage: StageName = Field(description="Target stage (pipeline: prospect → contacted → negotiating → agreed → product_shipped → content_submitted → content_approved → posted → paid → closed; side exits declined, on_hold)")
    note: str | None = Field(None, description="Why, if worth recording")


class StageResult(ToolResult):
    kind: str = "stage_change"
    collaboration_id: int
    handle: str
    campaign: str
    from_stage: str
    to_stage: str


@tool(ToolTier.draft, progress="Updating the pipeline…")
def update_stage(ctx: ToolContext, args: UpdateStageInput) -> StageResult:
    """Move a collaboration along the pipeline. Only allowed moves are accepted (forward, one
    step back, or a side exit); if someone else moved it meanwhile, nothing changes and you are told.
    Use the dedicated tools for paid (propose_payout / mark_payout_paid) and content_approved (review_content)."""
    if args.stage in ("paid", "content_approved"):
        tool_name = "mark_payout_paid" if args.stage == "paid" else "review_content"
        from tools.base import ToolError

        raise ToolError(f"stage {args.stage} needs an approver's confirmation: use {tool_name}")
    with common.changes(ctx, f"update_stage ({args.stage})") as cs:
        collab, camp, _ = common.collaboration(cs.session, ctx, args.handle, args.campaign)
        before = collab.stage
        common.move(cs, collab, Stage(args.stage), note=args.note)
        cid = collab.id
    common.reindex(ctx, collaboration_ids=[cid])
    handle = common.display_handle(args.handle)
    ctx.memory.last_campaign, ctx.memory.last_collaboration_id = camp.name, cid
    return StageResult(summary=f"{handle} in {camp.name}: {before} → {args.stage}.", collaboration_id=cid, handle=handle,
                       campaign=camp.name, from_stage=before, to_stage=args.stage)


class PipelineStatusInput(ToolInput):
    """Where every collaboration stands, what is late and what is due."""

    campaign: CampaignName | None = Field(None, description="Limit to one campaign; omit for all campaigns")
    stage: StageName | None = Field(None, description="List only collaborations at this stage")
    days_ahead: int = Field(7, ge=1, le=90, description="Window for upcoming deadlines, in days")


class PipelineStatusResult(ToolResult):
    kind: str = "pipeline_status"
    by_stage: dict[str, int]
    collaborations: list[dict[str, Any]] = Field(default_factory=list)
    overdue: list[dict[str, Any]]
    upcoming: list[dict[str, Any]]
    payouts_due: list[dict[str, Any]]


@tool(ToolTier.read, progress="Checking the pipeline…")
def pipeline_status(ctx: ToolContext, args: PipelineStatusInput) -> PipelineStatusResult:
    """Counts by stage, overdue deliverables, deadlines in the next days, and payouts waiting
    for approval or payment — for one campaign or all."""
    today = ctx.clock().date()
    with session_scope(ctx.sessions) as s:
        camp = common.campaign(s, ctx, args.campaign) if args.campaign else None
        base = select(Collaboration).where(Collaboration.workspace_id == ctx.workspace_id)
        if camp:
            base = base.where(Collaboration.campaign_id == camp.id)
        counts = s.exec(
            select(Collaboration.stage, func.count()).where(Collaboration.workspace_id == ctx.workspace_id)
            .where(*( [Collaboration.campaign_id == camp.id] if camp else []))
            .group_by(Collaboration.stage)
        ).all()
        by_stage = {st.value: 0 for st in Stage} | {st: n for st, n in counts}
        handle_of = _handles(s, ctx.workspace_id)
        listed = []
        if args.stage:
            for c in s.exec(base.where(Collaboration.stage == args.stage).limit(200)):
                listed.append({"handle": handle_of(c), "campaign_id": c.campaign_id, "stage": c.stage,
                               "agreed_fee": common.money(c.agreed_fee_cents, c.currency) if c.agreed_fee_cents else None})
        dq = (
            select(Deliverable, Collaboration, Campaign)
            .join(Collaboration, Collaboration.id == Deliverable.collaboration_id)
            .join(Campaign, Campaign.id == Collaboration.campaign_id)
            .where(Deliverable.workspace_id == ctx.workspace_id, Deliverable.due_date.is_not(None),  # type: ignore[union-attr]
                   Deliverable.status.in_(["planned", "changes_requested", "submitted"]))  # type: ignore[attr-defined]
        )
        if camp:
            dq = dq.where(Collaboration.campaign_id == camp.id)
        overdue, upcoming = [], []
        for d, c, k in s.exec(dq.order_by(Deliverable.due_date)):
            row = {"deliverable_id": d.id, "handle": handle_of(c), "campaign": k.name, "type": d.type, "count": d.count,
                   "due_date": d.due_date.isoformat(), "status": d.status}
            if d.due_date < today:
                overdue.append(row | {"days_late": (today - d.due_date).days})
            elif d.due_date <= today + timedelta(days=args.days_ahead):
                upcoming.append(row | {"days_left": (d.due_date - today).days})
        pq = (
            select(Payout, Collaboration, Campaign)
            .join(Collaboration, Collaboration.id == Payout.collaboration_id)
            .join(Campaign, Campaign.id == Collaboration.campaign_id)
            .where(Payout.workspace_id == ctx.workspace_id, Payout.status.in_(["proposed", "approved"]))  # type: ignore[attr-defined]
        )
        if camp:
            pq = pq.where(Collaboration.campaign_id == camp.id)
        payouts = [{"payout_id": p.id, "handle": handle_of(c), "campaign": k.name, "amount": common.money(p.amount_cents, p.currency),
                    "status": p.status} for p, c, k in s.exec(pq.order_by(Payout.id))]
    scope = camp.name if camp else "all campaigns"
    active = sum(n for st, n in by_stage.items() if st not in ("closed", "declined"))
    summary = (f"{scope}: {active} active collaboration(s); {len(overdue)} overdue deliverable(s), "
               f"{len(upcoming)} due in the next {args.days_ahead} days, {len(payouts)} payout(s) waiting.")
    return PipelineStatusResult(summary=summary, by_stage=by_stage, collaborations=listed, overdue=overdue,
                                upcoming=upcoming, payouts_due=payouts)


def _handles(s, workspace_id: str):  # noqa: ANN001, ANN202
    cache: dict[int, str] = {}

    def handle_of(c: Collaboration) -> str:
        key = c.account_id or -c.creator_id
        if key not in cache:
            acc = s.get(Account, c.account_id) if c.account_id else s.exec(
                select(Account).where(Account.creator_id == c.creator_id).order_by(Account.followers.desc())).first()  # type: ignore[attr-defined]
            cache[key] = "@" + acc.handle if acc else f"creator #{c.creator_id}"
        return cache[key]

    return handle_of


class CreatorHistoryInput(ToolInput):
    """Everything that happened with one creator, in order."""

    handle: Handle = Field(description="Creator handle")
    campaign: CampaignName | None = Field(None, description="Limit to one campaign")


class CreatorHistoryResult(ToolResult):
    kind: str = "creator_history"
    handle: str
    events: list[dict[str, Any]]


@tool(ToolTier.read, progress="Reading the history…")
def creator_history(ctx: ToolContext, args: CreatorHistoryInput) -> CreatorHistoryResult:
    """Every interaction with one creator across campaigns, oldest first: stage moves,
    negotiation steps, deliverables, shipments, codes, links, payouts, notes and messages."""
    with session_scope(ctx.sessions) as s:
        person = common.creator(s, ctx, args.handle)
        collabs = crm.collaborations_of(s, workspace_id=ctx.workspace_id, creator_id=person.id)
        if args.campaign:
            camp = common.campaign(s, ctx, args.campaign)
            collabs = [(c, k) for c, k in collabs if k.id == camp.id]
        events: list[tuple[datetime, dict[str, Any]]] = []
        for c, k in collabs:
            events.append((c.created_at, {"type": "added", "campaign": k.name, "text": f"added to {k.name} as prospect"}))
            for e in s.exec(select(StageEvent).where(StageEvent.collaboration_id == c.id)):
                events.append((e.at, {"type": "stage", "campaign": k.name, "text": f"{e.from_stage or '—'} → {e.to_stage}" + (f" ({e.note})" if e.note else ""), "by": e.actor}))
            for e in s.exec(select(NegotiationEvent).where(NegotiationEvent.collaboration_id == c.id)):
                amount = f" {common.money(e.amount_cents, e.currency)}" if e.amount_cents else ""
                extra = "".join(f" · {x}" for x in (e.deliverables, f"{e.usage_rights_days}d usage" if e.usage_rights_days else None) if x)
                events.append((e.at, {"type": "negotiation", "campaign": k.name, "text": f"{e.party} {e.kind}{amount}{extra}", "by": e.actor}))
            for d in s.exec(select(Deliverable).where(Deliverable.collaboration_id == c.id)):
                events.append((d.created_at, {"type": "deliverable", "campaign": k.name,
                                              "text": f"{d.count}× {d.type} due {d.due_date or '—'} [{d.status}]" + (f" {d.content_url}" if d.content_url else "")}))
            for sh in s.exec(select(Shipment).where(Shipment.collaboration_id == c.id)):
                events.append((sh.created_at, {"type": "shipment", "campaign": k.name, "text": f"{sh.product} via {sh.carrier or '—'} {sh.tracking_number or ''} [{sh.status}]".strip()}))
            for dc in s.exec(select(DiscountCode).where(DiscountCode.collaboration_id == c.id)):
                events.append((dc.created_at, {"type": "code", "campaign": k.name, "text": f"discount code {dc.code}" + (f" ({dc.discount_pct:g}%)" if dc.discount_pct else "")}))
            for tl in s.exec(select(TrackingLink).where(TrackingLink.collaboration_id == c.id)):
                events.append((tl.created_at, {"type": "link", "campaign": k.name, "text": f"tracking link {tl.url}"}))
            for p in s.exec(select(Payout).where(Payout.collaboration_id == c.id)):
                events.append((p.created_at, {"type": "payout", "campaign": k.name, "text": f"payout {common.money(p.amount_cents, p.currency)} [{p.status}]"}))
            for m in s.exec(select(OutreachMessage).where(OutreachMessage.collaboration_id == c.id)):
                events.append((m.sent_at or m.created_at, {"type": "message", "campaign": k.name,
                                                           "text": f"{'received' if m.direction == 'in' else m.status} {m.channel}: {m.subject or (m.body or '')[:60]}"}))
        for n in s.exec(select(Note).where(Note.creator_id == person.id)):
            if not args.campaign or any(n.collaboration_id == c.id for c, _ in collabs):
                events.append((n.at, {"type": "note", "text": n.text, "by": n.actor}))
        _, acc = crm.creator_by_handle(s, workspace_id=ctx.workspace_id, handle=args.handle)
    events.sort(key=lambda e: e[0])
    rows = [{"at": at.isoformat(timespec="minutes"), **e} for at, e in events]
    handle = "@" + acc.handle
    ctx.memory.last_handles, ctx.memory.last_creator_ids = [handle], [person.id]
    return CreatorHistoryResult(summary=f"{handle}: {len(rows)} event(s) across {len(collabs)} campaign(s).", handle=handle, events=rows)
