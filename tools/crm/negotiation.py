"""Logging negotiations: offers, counters, acceptances and declines, with amounts and terms."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from sqlmodel import Session, select

from memory.domain.deliverables import normalize_deliverables
from memory.domain.money import MoneyInput
from memory.models import Collaboration, NegotiationEvent, PendingAction
from memory.models.common import Stage
from memory.repo import actions as actions_repo
from memory.repo import crm
from memory.repo.changes import ChangeSet
from tools.approvals import describe, register_executor
from tools.base import CampaignName, Handle, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common
from tools.crm.benchmarks import fee_position


class LogNegotiationInput(ToolInput):
    """Record one negotiation step with a creator in a campaign."""

    handle: Handle = Field(description="Creator handle, e.g. '@skin.by.sam'")
    campaign: CampaignName | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    kind: Literal["offer", "counter", "accept", "decline"] = Field(description="offer (we propose), counter (they or we counter), accept, decline")
    party: Literal["brand", "creator"] | None = Field(None, description="Who made this move; default: brand for offer, creator otherwise")
    amount: MoneyInput | None = Field(None, description="Fee; currency default: the collaboration's. For accept: the agreed fee (default: the last amount on the table)")
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
    pending_fee: str | None = None
    pending_actions: list[dict] = Field(default_factory=list)
    benchmark: str | None = Field(None, description="Where the amount sits against our agreed fees for the same tier, platform and deliverable")


def terms_text(deliverables: str | None, usage_days: int | None, exclusivity_days: int | None, default: str | None) -> str | None:
    return "; ".join(
        t for t in (
            deliverables,
            f"{usage_days}-day usage rights" if usage_days else None,
            f"{exclusivity_days}-day exclusivity" if exclusivity_days else None,
        ) if t
    ) or default


def agree_fee(cs: ChangeSet, collab: Collaboration, cents: int, cur: str | None, terms: str | None) -> None:
    """Set the agreed fee and move the collaboration to agreed if it is not there yet."""
    cs.update(collab, agreed_fee_cents=cents, currency=cur or collab.currency, terms=terms)
    if common.stage_rank(collab.stage) < common.stage_rank(Stage.agreed):
        if collab.stage == Stage.prospect.value:
            common.move(cs, collab, Stage.negotiating, note="accepted directly", soft=True)
        common.move(cs, collab, Stage.agreed, note="offer accepted")


def _is_raise(s: Session, collab: Collaboration, kind: str, cents: int | None, cur: str | None) -> bool:
    """Once a fee is agreed, changing it needs an approver when an accept or counter is above it (or
    in another currency), or when an accept would bring it below what approvers already approved or
    paid. Other lower or equal amounts are logged directly (they can only reduce what is paid)."""
    if collab.agreed_fee_cents is None or cents is None or kind not in ("accept", "counter"):
        return False
    if cents > collab.agreed_fee_cents or (cur or collab.currency) != collab.currency:
        return True
    return kind == "accept" and cents < crm.approved_payout_cents(s, collaboration_id=collab.id)


@tool(ToolTier.draft, progress="Logging the negotiation…")
def log_negotiation(ctx: ToolContext, args: LogNegotiationInput) -> NegotiationResult:
    """Log an offer, counter-offer, acceptance or decline (amount, currency, deliverables, usage
    rights, exclusivity) and move the collaboration's stage accordingly (negotiating / agreed / declined).
    Raising a fee that is already agreed (accept or counter above it, or in another currency) only
    creates a pending action for an approver; the agreed fee stays as it is until approved."""
    party = args.party or ("brand" if args.kind == "offer" else "creator")
    args.deliverables = normalize_deliverables(args.deliverables)  # "1 YT video & 2 Shorts" -> "1 YouTube video + 2 shorts"
    with common.changes(ctx, f"log_negotiation ({args.kind})") as cs:
        s = cs.session
        collab, camp, person = common.collaboration(s, ctx, args.handle, args.campaign)
        cents, cur = common.amount_cents(args.amount, collab.currency or camp.currency)
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
        handle = common.display_handle(args.handle)
        if _is_raise(s, collab, args.kind, cents, cur):
            result = _propose_raise(ctx, cs, collab, camp.name, handle, party, args, cents, cur)  # type: ignore[arg-type]
            ctx.memory.last_campaign, ctx.memory.last_collaboration_id = camp.name, collab.id
            return result
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
            agree_fee(cs, collab, cents, cur, terms_text(args.deliverables, args.usage_rights_days, args.exclusivity_days, collab.terms))  # type: ignore[arg-type]
            common.refresh_fee_history(s, workspace_id=ctx.workspace_id, collab=collab)
        elif args.kind == "decline":
            if collab.stage != Stage.declined.value:
                common.move(cs, collab, Stage.declined, note=args.note or "declined in negotiation")
        amount = common.money(cents, cur) if cents is not None else None
        position = fee_position(s, ctx, collab, cents, cur or collab.currency, args.deliverables) \
            if cents is not None and args.kind != "decline" else None
        bits = [f"{party} {args.kind}" + (f" at {amount}" if amount else "")]
        if args.deliverables:
            bits.append(f"for {args.deliverables}")
        if args.usage_rights_days:
            bits.append(f"with {args.usage_rights_days}-day usage rights")
        if args.exclusivity_days:
            bits.append(f"and {args.exclusivity_days}-day exclusivity")
        result = NegotiationResult(
            summary=f"Logged for {handle} in {camp.name}: " + " ".join(bits) + f". Stage: {collab.stage}." + (f" {position[0].upper()}{position[1:]}." if position else ""),
            collaboration_id=collab.id, handle=handle, campaign=camp.name, event=args.kind, amount=amount,
            deliverables=args.deliverables, usage_rights_days=args.usage_rights_days, exclusivity_days=args.exclusivity_days,
            stage=collab.stage, agreed_fee=common.money(collab.agreed_fee_cents, collab.currency) if collab.agreed_fee_cents else None,
            benchmark=position,
        )
        ctx.memory.last_campaign, ctx.memory.last_collaboration_id = camp.name, collab.id
        collab_id = collab.id
    common.reindex(ctx, collaboration_ids=[collab_id])
    return result


# --- raising an agreed fee: a pending action, executed only after an approver confirms ---

def _propose_raise(ctx: ToolContext, cs: ChangeSet, collab: Collaboration, campaign: str, handle: str, party: str,
                   args: LogNegotiationInput, cents: int, cur: str | None) -> NegotiationResult:
    """Nothing is written to the negotiation log or the collaboration: only a pending action."""
    s = cs.session
    cur = cur or collab.currency
    old, new = common.money(collab.agreed_fee_cents, collab.currency), common.money(cents, cur)
    verb = "lower" if cur == collab.currency and cents < (collab.agreed_fee_cents or 0) else "raise"
    payload = {
        "collaboration_id": collab.id, "handle": handle, "campaign": campaign, "event": args.kind, "party": party,
        "amount_cents": cents, "currency": cur, "from_cents": collab.agreed_fee_cents, "from_currency": collab.currency,
        "deliverables": args.deliverables, "usage_rights_days": args.usage_rights_days,
        "exclusivity_days": args.exclusivity_days, "note": args.note,
    }
    action = actions_repo.create(
        s, workspace_id=ctx.workspace_id, kind=crm.FEE_CHANGE_KIND,
        summary=f"{verb.capitalize()} the agreed fee for {handle} in {campaign} from {old} to {new} ({party} {args.kind})",
        payload=payload, requested_by=ctx.user_id, conversation_id=ctx.conversation_id,
    )
    common.refresh_fee_history(s, workspace_id=ctx.workspace_id, collab=collab)
    s.refresh(action)
    cs.track_created(action)  # after the fee history is on its card: the audit holds what the action really is
    return NegotiationResult(
        summary=(f"Not logged yet: {handle} is already agreed at {old} in {campaign}. {'Lowering' if verb == 'lower' else 'Raising'} it to {new} awaits an "
                 f"approver (action {action.id[:8]}); until then payouts are checked against {old}."),
        collaboration_id=collab.id, handle=handle, campaign=campaign, event=args.kind, amount=new,
        deliverables=args.deliverables, usage_rights_days=args.usage_rights_days, exclusivity_days=args.exclusivity_days,
        stage=collab.stage, agreed_fee=old, pending_fee=new, pending_actions=[describe(action)], pending_action_ids=[action.id],
    )


def _execute_change_agreed_fee(ctx: ToolContext, action: PendingAction) -> str:
    p = action.payload
    with common.changes(ctx, crm.FEE_CHANGE_KIND) as cs:
        s = cs.session
        collab = s.get(Collaboration, p["collaboration_id"])
        if collab is None or collab.workspace_id != ctx.workspace_id:
            raise ToolError("the collaboration no longer exists")
        if (collab.agreed_fee_cents, collab.currency) != (p["from_cents"], p["from_currency"]):
            raise ToolError(f"the agreed fee changed since this raise was proposed (now "
                            f"{common.money(collab.agreed_fee_cents, collab.currency)}); nothing was changed")
        approval = f"raise requested by {action.requested_by}, approved by {ctx.user_id}"
        common_fields = {"workspace_id": ctx.workspace_id, "collaboration_id": collab.id, "amount_cents": p["amount_cents"],
                         "currency": p["currency"], "deliverables": p.get("deliverables"),
                         "usage_rights_days": p.get("usage_rights_days"), "exclusivity_days": p.get("exclusivity_days")}
        if p["event"] == "counter":  # approving a counter above the fee = the brand accepts it
            cs.add(NegotiationEvent(**common_fields, kind="counter", party=p["party"], note=p.get("note"), actor=action.requested_by))
            cs.add(NegotiationEvent(**common_fields, kind="accept", party="brand", note=approval, actor=ctx.user_id))
        else:
            note = "; ".join(x for x in (p.get("note"), approval) if x)
            cs.add(NegotiationEvent(**common_fields, kind="accept", party=p["party"], note=note, actor=ctx.user_id))
        terms = terms_text(p.get("deliverables"), p.get("usage_rights_days"), p.get("exclusivity_days"), collab.terms)
        agree_fee(cs, collab, p["amount_cents"], p["currency"], terms)
        common.refresh_fee_history(s, workspace_id=ctx.workspace_id, collab=collab)
        cid = collab.id
    common.reindex(ctx, collaboration_ids=[cid])
    verb = "raised" if p["amount_cents"] >= (p.get("from_cents") or 0) else "lowered"
    return (f"Agreed fee for {p.get('handle')} in {p.get('campaign')} {verb} from "
            f"{common.money(p['from_cents'], p['from_currency'])} to {common.money(p['amount_cents'], p['currency'])}.")


register_executor(crm.FEE_CHANGE_KIND, _execute_change_agreed_fee)
