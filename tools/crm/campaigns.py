"""Campaign tools: create, update, add creators as prospects."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from memory.domain.money import MoneyError, MoneyInput, check_currency, format_money
from memory.models import Campaign, Collaboration
from memory.models.common import CampaignStatus
from memory.repo import crm
from memory.tiers import TIERS
from tools.base import CampaignName, Days, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common

Goal = Literal["awareness", "consideration", "conversions", "credibility", "education", "launch", "ugc", "retention"]


class CampaignResult(ToolResult):
    kind: str = "campaign"
    campaign_id: int
    name: str
    brand: str
    goal: str
    status: str
    budget: str
    start_date: date | None = None
    end_date: date | None = None
    target_niches: list[str] = Field(default_factory=list)
    target_tiers: list[str] = Field(default_factory=list)
    settings: dict = Field(default_factory=dict)


def _result(c: Campaign, summary: str) -> CampaignResult:
    return CampaignResult(
        summary=summary, campaign_id=c.id, name=c.name, brand=c.brand, goal=c.goal, status=c.status,
        budget=format_money(c.budget_cents, c.currency), start_date=c.start_date, end_date=c.end_date,
        target_niches=[n for n in c.target_niches.split(";") if n], target_tiers=[t for t in c.target_tiers.split(";") if t],
        settings=c.settings,
    )


def _tiers(tiers: list[str] | None) -> str | None:
    if tiers is None:
        return None
    bad = [t for t in tiers if t.lower() not in TIERS]
    if bad:
        raise ToolError(f"unknown tier(s) {', '.join(bad)}; tiers are {', '.join(TIERS)}")
    return ";".join(t.lower() for t in tiers)


class CreateCampaignInput(ToolInput):
    """Create a campaign (the container for collaborations, outreach and metrics)."""

    name: str = Field(description="Campaign name, unique in the workspace, e.g. 'Glow Q3'", min_length=2, max_length=200)
    brand: str = Field(description="The brand the campaign is for", min_length=1)
    goal: Goal = Field("awareness", description="Main goal: awareness, consideration, conversions, credibility, education, launch, ugc, retention")
    budget: MoneyInput | None = Field(None, description="Total budget, e.g. {\"amount\": 20000, \"currency\": \"EUR\"}")
    currency: str | None = Field(None, description="Campaign currency (ISO 4217); default the budget's, else the workspace default")
    start_date: date | None = Field(None, description="First day, YYYY-MM-DD")
    end_date: date | None = Field(None, description="Last day, YYYY-MM-DD")
    brief: str | None = Field(None, description="What the brand wants creators to make and say")
    language: str = Field("en", description="Language of outreach (ISO 639-1)")
    tone: str = Field("friendly", description="Tone of outreach, e.g. friendly, formal, playful")
    target_niches: list[str] = Field(default_factory=list, description="Niches to target, e.g. ['skincare']")
    target_tiers: list[str] = Field(default_factory=list, description="Tiers to target: nano, micro, macro, mega, celebrity")
    followup_days: list[Days] = Field(default_factory=lambda: [3, 7], max_length=20, description="Days after the first message to send follow-ups")


@tool(ToolTier.draft, progress="Creating campaign…")
def create_campaign(ctx: ToolContext, args: CreateCampaignInput) -> CampaignResult:
    """Create a new campaign with its brand, goal, budget, dates, brief and targets."""
    try:
        campaign_cur = check_currency(args.currency) if args.currency else None
    except MoneyError as exc:
        raise ToolError(str(exc)) from None
    cents, cur = common.amount_cents(args.budget, campaign_cur or ctx.settings.default_currency)
    if campaign_cur and cur and cur != campaign_cur:
        raise ToolError(f"the budget is in {cur} but currency says {campaign_cur}")
    if args.start_date and args.end_date and args.end_date < args.start_date:
        raise ToolError("end_date is before start_date")
    with common.changes(ctx, "create_campaign") as cs:
        if crm.get_campaign(cs.session, workspace_id=ctx.workspace_id, name=args.name):
            raise ToolError(f"a campaign named {args.name!r} already exists")
        camp = Campaign(
            workspace_id=ctx.workspace_id, name=args.name.strip(), brand=args.brand.strip(), goal=args.goal,
            status=CampaignStatus.planned.value, budget_cents=cents,
            currency=cur or campaign_cur or ctx.settings.default_currency,
            start_date=args.start_date, end_date=args.end_date, brief=args.brief, language=args.language, tone=args.tone,
            target_niches=";".join(n.lower() for n in args.target_niches), target_tiers=_tiers(args.target_tiers) or "",
            settings={"followup_days": sorted(set(args.followup_days))},
        )
        cs.add(camp)
        ctx.memory.last_campaign = camp.name
        return _result(camp, f"Created campaign {camp.name} for {camp.brand} ({camp.goal}, budget {format_money(camp.budget_cents, camp.currency)}).")


class UpdateCampaignInput(ToolInput):
    """Change fields of an existing campaign; only the fields given are changed."""

    campaign: CampaignName = Field(description="Name of the campaign to change")
    new_name: str | None = Field(None, description="Rename the campaign")
    brand: str | None = Field(None, description="New brand")
    goal: Goal | None = Field(None, description="New goal")
    status: Literal["planned", "active", "paused", "finished"] | None = Field(None, description="New status")
    budget: MoneyInput | None = Field(None, description="New total budget; currency default: the campaign's")
    start_date: date | None = Field(None, description="New first day")
    end_date: date | None = Field(None, description="New last day")
    brief: str | None = Field(None, description="New brief")
    language: str | None = Field(None, description="Outreach language (ISO 639-1)")
    tone: str | None = Field(None, description="Outreach tone")
    target_niches: list[str] | None = Field(None, description="Replace the target niches")
    target_tiers: list[str] | None = Field(None, description="Replace the target tiers")
    followup_days: list[Days] | None = Field(None, max_length=20, description="Replace the follow-up schedule (days after first message)")


@tool(ToolTier.draft, progress="Updating campaign…")
def update_campaign(ctx: ToolContext, args: UpdateCampaignInput) -> CampaignResult:
    """Update a campaign's name, brand, goal, status, budget, dates, brief, targets or sending settings."""
    with common.changes(ctx, "update_campaign") as cs:
        camp = common.campaign(cs.session, ctx, args.campaign)
        values: dict = {}
        if args.new_name and args.new_name != camp.name:
            if crm.get_campaign(cs.session, workspace_id=ctx.workspace_id, name=args.new_name):
                raise ToolError(f"a campaign named {args.new_name!r} already exists")
            values["name"] = args.new_name
        for f in ("brand", "goal", "status", "start_date", "end_date", "brief", "language", "tone"):
            v = getattr(args, f)
            if v is not None:
                values[f] = v
        if args.budget is not None:
            cents, cur = common.amount_cents(args.budget, camp.currency)
            values["budget_cents"], values["currency"] = cents, cur
        if args.target_niches is not None:
            values["target_niches"] = ";".join(n.lower() for n in args.target_niches)
        if args.target_tiers is not None:
            values["target_tiers"] = _tiers(args.target_tiers)
        if args.followup_days is not None:
            values["settings"] = {**camp.settings, "followup_days": sorted(set(args.followup_days))}
        start, end = values.get("start_date", camp.start_date), values.get("end_date", camp.end_date)
        if start and end and end < start:
            raise ToolError("end_date is before start_date")
        changed = cs.update(camp, **values)
        ctx.memory.last_campaign = camp.name
        what = ", ".join(sorted(values)) if changed else "nothing (same values)"
        return _result(camp, f"Updated campaign {camp.name}: {what}.")


class AddToCampaignInput(ToolInput):
    """Add creators to a campaign as prospects (no duplicates)."""

    campaign: CampaignName = Field(description="Campaign name")
    handles: list[str] = Field(default_factory=list, description="Creator handles, e.g. ['@skin.by.sam']")
    use_last_results: bool = Field(False, description="Add the creators from the last search/list shown in this conversation")


class AddToCampaignResult(ToolResult):
    kind: str = "campaign_members"
    campaign: str
    added: list[str]
    already_in: list[str]
    not_found: list[str]


@tool(ToolTier.draft, progress="Adding creators to the campaign…")
def add_to_campaign(ctx: ToolContext, args: AddToCampaignInput) -> AddToCampaignResult:
    """Make creators prospects of a campaign: one, a list, or the last search results."""
    handles = list(args.handles)
    if args.use_last_results:
        handles += ctx.memory.last_handles
    if not handles:
        raise ToolError("which creators? give handles or use the last search results (use_last_results=true)")
    added, already, missing, collab_ids = [], [], [], []
    with common.changes(ctx, "add_to_campaign") as cs:
        camp = common.campaign(cs.session, ctx, args.campaign)
        seen: set[int] = set()
        for h in dict.fromkeys(handles):
            try:
                person, acc = crm.creator_by_handle(cs.session, workspace_id=ctx.workspace_id, handle=h)
            except LookupError:
                missing.append(h)
                continue
            label = "@" + acc.handle
            if person.id in seen or crm.get_collaboration(cs.session, workspace_id=ctx.workspace_id, campaign_id=camp.id, creator_id=person.id):
                already.append(label)
                continue
            seen.add(person.id)
            collab = Collaboration(workspace_id=ctx.workspace_id, campaign_id=camp.id, creator_id=person.id,
                                   account_id=acc.id, currency=camp.currency)
            cs.add(collab)
            collab_ids.append(collab.id)
            added.append(label)
        ctx.memory.last_campaign = camp.name
    common.reindex(ctx, collaboration_ids=collab_ids)
    parts = [f"Added {len(added)} to {camp.name}" + (f": {', '.join(added[:10])}" if added else "")]
    if already:
        parts.append(f"{len(already)} already in it")
    if missing:
        parts.append(f"not found: {', '.join(missing)}")
    return AddToCampaignResult(summary="; ".join(parts) + ".", campaign=camp.name, added=added, already_in=already, not_found=missing)
