"""Logging negotiations: offers, counters, acceptances and declines, with amounts and terms."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from sqlmodel import select

from memory.models import NegotiationEvent
from memory.models.common import Stage
from tools.base import ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common


class LogNegotiationInput(ToolInput):
    """Record one negotiation step with a creator in a campaign."""

    handle: str = Field(description="Creator handle, e.g. '@skin.by.sam'")
    campaign: str | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    kind: Literal["offer", "counter", "accept", "decline"] = Field(description="offer (we propose), counter (they or we counter), accept, decline")
    party: Literal["brand", "creator"] | None = Field(None, description="Who made this move; default: brand for offer, creator otherwise")
    amount: str | None = Field(None, description="Amount, e.g. '2200', '$2,200', '1.5k EUR'; for accept: the agreed fee (default: the last amount on the table)")
    currency: str | None = Field(None, description="ISO currency code if not in the amount")
    deliverables: str | None = Field(None, description="What is delivered, e.g. '1 reel + 2 stories'")
    usage_rights_days: int | None = Field(None, ge=0, le=3650, description="Days of paid usage rights")
    exclusivity_days: int | None = Field(None, ge=0, le=3650, description="Days of category exclusivity")
    note: str | None = Field(None, description="Anything else worth remembering")


class NegotiationResult(ToolResult):
    kind: str = "negotiation"
    collaboration_id: int
    handle: str
    campaign: str
    event: str
    amount: str | None = None
    deliverables: str | None = None
    usage_rights_days: int | None = None
    exclusivity_days: int | None = None
    stage: str
    agreed_fee: str | None = None


@tool(ToolTier.draft, progress="Logging the negotiation…")
def log_negotiation(ctx: ToolContext, args: LogNegotiationInput) -> NegotiationResult:
    """Log an offer, counter-offer, acceptance or decline (amount, currency, deliverables, usage
    rights, exclusivity) and move the collaboration's stage accordingly (negotiating / agreed / declined)."""
    party = args.party or ("brand" if args.kind == "offer" else "creator")
    with common.changes(ctx, f"log_negotiation ({args.kind})") as cs:
        s = cs.session
        collab, camp, person = common.collaboration(s, ctx, args.handle, args.campaign)
        cents, cur = common.amount_cents(args.amount, args.currency, collab.currency or camp.currency)
        if args.kind in ("offer", "counter") and cents is None:
            raise ToolError(f"an {args.kind} needs an amount — how much?")
        if args.kind == "accept" and cents is None:
            last = s.exec(
                select(NegotiationEvent).where(NegotiationEvent.collaboration_id == collab.id, NegotiationEvent.amount_cents.is_not(None))  # type: ignore[union-attr]
                .order_by(NegotiationEvent.id.desc())  # type: ignore[union-attr]
            ).first()
            if last is None:
                raise ToolError("accept at what amount? No earlier offer with an amount is logged")
            cents, cur = last.amount_cents, last.currency
            args.deliverables = args.deliverables or last.deliverables
            args.usage_rights_days = args.usage_rights_days if args.usage_rights_days is not None else last.usage_rights_days
            args.exclusivity_days = args.exclusivity_days if args.exclusivity_days is not None else last.exclusivity_days
        if cur and collab.agreed_fee_cents is None and cur != collab.currency:
            cs.update(collab, currency=cur)
        event = NegotiationEvent(
            workspace_id=ctx.workspace_id, collaboration_id=collab.id, kind=args.kind, party=party, amount_cents=cents,
            currency=cur, deliverables=args.deliverables, usage_rights_days=args.usage_rights_days,
            exclusivity_days=args.exclusivity_days, note=args.note, actor=ctx.user_id,
        )
        cs.add(event)
        if args.kind in ("offer", "counter"):
            if common.stage_rank(collab.stage) < common.stage_rank(Stage.negotiating) or collab.stage in ("on_hold", "declined"):
                common.move(cs, collab, Stage.negotiating, note=f"{args.kind} logged", soft=True)
        elif args.kind == "accept":
            terms = "; ".join(
                t for t in (
                    args.deliverables,
                    f"{args.usage_rights_days}-day usage rights" if args.usage_rights_days else None,
                    f"{args.exclusivity_days}-day exclusivity" if args.exclusivity_days else None,
                ) if t
            ) or collab.terms
            cs.update(collab, agreed_fee_cents=cents, currency=cur or collab.currency, terms=terms)
            if common.stage_rank(collab.stage) < common.stage_rank(Stage.agreed):
                if collab.stage == Stage.prospect.value:
                    common.move(cs, collab, Stage.negotiating, note="accepted directly", soft=True)
                common.move(cs, collab, Stage.agreed, note="offer accepted")
        elif args.kind == "decline":
            if collab.stage != Stage.declined.value:
                common.move(cs, collab, Stage.declined, note=args.note or "declined in negotiation")
        handle = common.display_handle(args.handle)
        amount = common.money(cents, cur) if cents is not None else None
        bits = [f"{party} {args.kind}" + (f" at {amount}" if amount else "")]
        if args.deliverables:
            bits.append(f"for {args.deliverables}")
        if args.usage_rights_days:
            bits.append(f"with {args.usage_rights_days}-day usage rights")
        if args.exclusivity_days:
            bits.append(f"and {args.exclusivity_days}-day exclusivity")
        result = NegotiationResult(
            summary=f"Logged for {handle} in {camp.name}: " + " ".join(bits) + f". Stage: {collab.stage}.",
            collaboration_id=collab.id, handle=handle, campaign=camp.name, event=args.kind, amount=amount,
            deliverables=args.deliverables, usage_rights_days=args.usage_rights_days, exclusivity_days=args.exclusivity_days,
            stage=collab.stage, agreed_fee=common.money(collab.agreed_fee_cents, collab.currency) if collab.agreed_fee_cents else None,
        )
        ctx.memory.last_campaign, ctx.memory.last_collaboration_id = camp.name, collab.id
        collab_id = collab.id
    common.reindex(ctx, collaboration_ids=[collab_id])
    return result
