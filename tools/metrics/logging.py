"""Metrics logged in conversation: "@skin.by.sam's reel has 48k views and 1,240 link clicks"."""

from __future__ import annotations

from datetime import date

from pydantic import Field
from sqlmodel import select

from memory.domain.money import MoneyInput
from memory.models import Deliverable, MetricSnapshot
from memory.repo.metrics import VOLUME_FIELDS, refresh_latest
from tools.base import (
    BigCount,
    CampaignName,
    Count,
    Handle,
    ToolContext,
    ToolError,
    ToolInput,
    ToolResult,
    ToolTier,
    tool,
)
from tools.crm import common


class LogMetricsInput(ToolInput):
    """Record the current cumulative numbers of one deliverable (what the creator or platform reports)."""

    handle: Handle = Field(description="Creator handle")
    campaign: CampaignName | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    deliverable: str | None = Field(None, description="Deliverable type (e.g. 'reel') or its content URL; default: the creator's only deliverable")
    on: date | None = Field(None, description="Date of the numbers; default today")
    impressions: BigCount | None = Field(None, description="Total impressions so far")
    reach: BigCount | None = Field(None, description="Total reach so far")
    views: BigCount | None = Field(None, description="Total views so far")
    likes: Count | None = Field(None, description="Total likes so far")
    comments: Count | None = Field(None, description="Total comments so far")
    shares: Count | None = Field(None, description="Total shares so far")
    saves: Count | None = Field(None, description="Total saves so far")
    clicks: Count | None = Field(None, description="Total link clicks so far")
    conversions: Count | None = Field(None, description="Total conversions so far")
    revenue: MoneyInput | None = Field(None, description="Total attributed revenue so far; currency default: the campaign's")


class LoggedMetricsResult(ToolResult):
    kind: str = "metrics_logged"
    handle: str
    campaign: str
    deliverable_url: str
    on: date
    values: dict[str, int]


@tool(ToolTier.draft, progress="Logging metrics…")
def log_metrics(ctx: ToolContext, args: LogMetricsInput) -> LoggedMetricsResult:
    """Save reported numbers for a deliverable as today's cumulative snapshot. Numbers not given
    carry over from the previous snapshot; a number lower than before is refused (snapshots are cumulative)."""
    given = {f: getattr(args, f) for f in VOLUME_FIELDS if f != "revenue_cents" and getattr(args, f) is not None}
    if not given and args.revenue is None:
        raise ToolError("which numbers? e.g. views, clicks, conversions")
    on = args.on or ctx.clock().date()
    with common.changes(ctx, "log_metrics") as cs:
        s = cs.session
        collab, camp, _ = common.collaboration(s, ctx, args.handle, args.campaign)
        if collab.account_id is None:
            raise ToolError("this collaboration has no platform account to attach metrics to")
        items = list(s.exec(select(Deliverable).where(Deliverable.collaboration_id == collab.id)))
        rev_cents, rev_cur = common.amount_cents(args.revenue, camp.currency)
        url = None
        if args.deliverable and args.deliverable.startswith(("http://", "https://")):
            url = args.deliverable
        else:
            pick = [d for d in items if not args.deliverable or d.type == args.deliverable.lower().rstrip("s")]
            if len(pick) > 1:
                raise ToolError("which deliverable? " + ", ".join(f"{d.type} #{d.id}" for d in pick))
            if pick:
                url = pick[0].content_url or f"deliverable:{pick[0].id}"
            elif args.deliverable:
                raise ToolError(f"@{args.handle.lstrip('@')} has no {args.deliverable} deliverable in {camp.name}")
            else:
                url = "post"
        prev = s.exec(select(MetricSnapshot).where(
            MetricSnapshot.campaign_id == camp.id, MetricSnapshot.account_id == collab.account_id,
            MetricSnapshot.deliverable_url == url, MetricSnapshot.date <= on).order_by(MetricSnapshot.date.desc())).first()  # type: ignore[attr-defined]
        values = {f: (getattr(prev, f) if prev else 0) for f in VOLUME_FIELDS}
        values.update(given)
        if rev_cents is not None:
            if prev is not None and prev.revenue_cents and rev_cur != prev.currency:
                raise ToolError(f"revenue currency {rev_cur} differs from earlier snapshots ({prev.currency})")
            values["revenue_cents"] = rev_cents
        lower = [f for f, v in given.items() if prev is not None and v < getattr(prev, f)]
        if lower:
            raise ToolError(f"{', '.join(lower)} lower than the {prev.date} snapshot; these are running totals")
        currency = rev_cur or (prev.currency if prev else camp.currency)
        same_day = prev if prev is not None and prev.date == on else None
        if same_day:
            cs.update(same_day, **values, currency=currency)
        else:
            cs.add(MetricSnapshot(workspace_id=ctx.workspace_id, campaign_id=camp.id, account_id=collab.account_id,
                                  collaboration_id=collab.id, deliverable_url=url, date=on, currency=currency, **values))
        refresh_latest(s, campaign_ids=[camp.id])
        cid = collab.id
    common.reindex(ctx, collaboration_ids=[cid])
    h = common.display_handle(args.handle)
    shown = ", ".join(f"{v:,} {k}" for k, v in given.items())
    return LoggedMetricsResult(summary=f"Logged for {h} in {camp.name} ({on}): {shown or 'revenue'}.", handle=h, campaign=camp.name,
                               deliverable_url=url, on=on, values={k: v for k, v in values.items()})
