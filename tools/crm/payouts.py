"""Payouts: proposing is a draft; approving and marking paid are pending actions that only
approvers can confirm, re-checked against the per-payout cap and the agreed fee."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field
from sqlalchemy import func
from sqlmodel import select

from memory.db import session_scope
from memory.domain.money import Converter, MoneyInput, to_minor
from memory.models import Campaign, Collaboration, Payout, PendingAction
from memory.models.common import PayoutStatus, Stage, utcnow
from memory.repo import actions as actions_repo
from memory.repo import crm
from tools.approvals import describe, register_executor
from tools.base import CampaignName, Handle, Id, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common


class PayoutResult(ToolResult):
    kind: str = "payout"
    payout_id: int
    handle: str
    campaign: str
    amount: str
    status: str
    agreed_fee: str | None = None
    already_committed: str | None = None
    pending_actions: list[dict] = Field(default_factory=list)


def _committed_cents(s, collab_id: int, exclude: int | None = None) -> int:  # noqa: ANN001
    q = select(func.coalesce(func.sum(Payout.amount_cents), 0)).where(
        Payout.collaboration_id == collab_id, Payout.status.in_(["proposed", "approved", "paid"]))  # type: ignore[attr-defined]
    if exclude is not None:
        q = q.where(Payout.id != exclude)
    return int(s.exec(q).one())


def _check_limits(ctx: ToolContext, s, collab: Collaboration, cents: int, currency: str, exclude: int | None = None) -> None:  # noqa: ANN001
    """Cap and agreed-fee checks, run when proposing and again when approving."""
    default = ctx.settings.default_currency
    cap = to_minor(Decimal(ctx.settings.payout_cap), default)
    in_default = Converter(ctx.settings.fx_rates, default).convert(cents, currency, default)
    if in_default is not None and in_default > cap:
        raise ToolError(f"{common.money(cents, currency)} is above the per-payout cap of "
                        f"{common.money(cap, ctx.settings.default_currency)} (KOLPILOT_PAYOUT_CAP)")
    if collab.agreed_fee_cents is None:
        raise ToolError("no agreed fee for this collaboration yet: log the accepted offer first (log_negotiation kind=accept)")
    if currency != collab.currency:
        raise ToolError(f"payout currency {currency} differs from the agreed fee's currency {collab.currency}")
    if in_default is None:  # the cap is in the default currency (converted, never compared across currencies)
        raise ToolError(f"no exchange rate from {currency} to {default} to check the per-payout cap (set KOLPILOT_FX_RATES)")
    committed = _committed_cents(s, collab.id, exclude)
    if committed + cents > collab.agreed_fee_cents:
        pending = crm.pending_actions_for(s, workspace_id=collab.workspace_id, collaboration_id=collab.id, kinds=(crm.FEE_CHANGE_KIND,))
        hint = "".join(f" (a raise to {common.money(a.payload.get('amount_cents'), a.payload.get('currency'))} is still waiting "
                       f"for an approver, action {a.id[:8]})" for a in pending[-1:])
        raise ToolError(
            f"{common.money(cents, currency)} plus {common.money(committed, currency)} already proposed/paid exceeds the "
            f"agreed fee of {common.money(collab.agreed_fee_cents, collab.currency)}{hint}")


class ProposePayoutInput(ToolInput):
    """Propose paying a creator; an approver must approve it before it counts."""

    handle: Handle = Field(description="Creator handle")
    campaign: CampaignName | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    amount: MoneyInput | None = Field(None, description="Amount in the agreed fee's currency; default: the agreed fee minus what is already proposed or paid")
    note: str | None = Field(None, description="Invoice number or other reference")


@tool(ToolTier.commit, progress="Preparing the payout…")
def propose_payout(ctx: ToolContext, args: ProposePayoutInput) -> PayoutResult:
    """Propose a payout. Checked against the per-payout cap and the agreed fee; creates a pending
    action that only an approver can approve. Nothing is paid by this tool."""
    with common.changes(ctx, "propose_payout") as cs:
        s = cs.session
        collab, camp, _ = common.collaboration(s, ctx, args.handle, args.campaign)
        if args.amount:
            cents, cur = common.amount_cents(args.amount, collab.currency)
        else:
            if collab.agreed_fee_cents is None:
                raise ToolError("how much? There is no agreed fee to default to")
            cents, cur = collab.agreed_fee_cents - _committed_cents(s, collab.id), collab.currency
            if cents <= 0:
                raise ToolError("the agreed fee is already fully proposed or paid")
        _check_limits(ctx, s, collab, cents, cur)
        p = Payout(workspace_id=ctx.workspace_id, collaboration_id=collab.id, amount_cents=cents, currency=cur,
                   note=args.note, proposed_by=ctx.user_id)
        cs.add(p)
        h = common.display_handle(args.handle)
        action = actions_repo.create(
            s, workspace_id=ctx.workspace_id, kind="approve_payout",
            summary=f"Approve payout of {common.money(cents, cur)} to {h} for {camp.name}",
            payload={"payout_id": p.id, "collaboration_id": collab.id, "amount_cents": cents, "currency": cur, "handle": h,
                     "fee_history": common.fee_history_lines(s, workspace_id=ctx.workspace_id, collab=collab)},
            requested_by=ctx.user_id, conversation_id=ctx.conversation_id,
        )
        cs.track_created(action)
        pending = [describe(action)]
        result = PayoutResult(
            summary=f"Payout of {common.money(cents, cur)} to {h} proposed; waiting for an approver (action {action.id[:8]}).",
            payout_id=p.id, handle=h, campaign=camp.name, amount=common.money(cents, cur), status=p.status,
            agreed_fee=common.money(collab.agreed_fee_cents, collab.currency),
            already_committed=common.money(_committed_cents(s, collab.id), cur), pending_actions=pending,
            pending_action_ids=[action.id],
        )
        cid = collab.id
    common.reindex(ctx, collaboration_ids=[cid])
    return result


class MarkPayoutPaidInput(ToolInput):
    """Ask an approver to confirm that an approved payout was paid."""

    handle: Handle = Field(description="Creator handle")
    campaign: CampaignName | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    payout_id: Id | None = Field(None, description="Which payout; default: the creator's only approved payout")
    reference: str | None = Field(None, description="Bank/PayPal reference of the payment")


@tool(ToolTier.commit, progress="Preparing the payment confirmation…")
def mark_payout_paid(ctx: ToolContext, args: MarkPayoutPaidInput) -> PayoutResult:
    """Create a pending action to mark an approved payout as paid (an approver confirms; the
    collaboration then moves to paid)."""
    with session_scope(ctx.sessions) as s:
        collab, camp, _ = common.collaboration(s, ctx, args.handle, args.campaign)
        q = select(Payout).where(Payout.collaboration_id == collab.id, Payout.status == PayoutStatus.approved.value)
        if args.payout_id is not None:
            q = select(Payout).where(Payout.collaboration_id == collab.id, Payout.id == args.payout_id)
        payouts = list(s.exec(q))
        if not payouts:
            raise ToolError("no approved payout to mark as paid (propose one and have an approver approve it first)")
        if len(payouts) > 1:
            raise ToolError("which payout? " + ", ".join(f"#{p.id} {common.money(p.amount_cents, p.currency)}" for p in payouts))
        p = payouts[0]
        if p.status != PayoutStatus.approved.value:
            raise ToolError(f"payout #{p.id} is {p.status}, not approved")
        h = common.display_handle(args.handle)
        action = actions_repo.create(
            s, workspace_id=ctx.workspace_id, kind="mark_payout_paid",
            summary=f"Mark payout #{p.id} of {common.money(p.amount_cents, p.currency)} to {h} as paid" + (f" (ref {args.reference})" if args.reference else ""),
            payload={"payout_id": p.id, "collaboration_id": collab.id, "reference": args.reference, "handle": h},
            requested_by=ctx.user_id, conversation_id=ctx.conversation_id,
        )
        return PayoutResult(summary=f"Marking {h}'s payout as paid is waiting for an approver (action {action.id[:8]}).",
                            payout_id=p.id, handle=h, campaign=camp.name, amount=common.money(p.amount_cents, p.currency),
                            status=p.status, pending_actions=[describe(action)], pending_action_ids=[action.id])


# --- executors: deterministic code run only after tools.approvals.decide checked the approver ---

def _payout_for(s, ctx: ToolContext, action: PendingAction, *, status: str, why: str = "") -> Payout:  # noqa: ANN001
    """The action's payout, re-checked at execution: still in this workspace and still ``status``."""
    p = s.get(Payout, action.payload["payout_id"])
    if p is None or p.workspace_id != ctx.workspace_id:
        raise ToolError("the payout no longer exists")
    if p.status != status:
        raise ToolError(f"payout #{p.id} is {'now ' if why else ''}{p.status}{why or ('' if status == 'proposed' else f', not {status}')}")
    return p

def _execute_approve_payout(ctx: ToolContext, action: PendingAction) -> str:
    with common.changes(ctx, "approve_payout") as cs:
        s = cs.session
        p = _payout_for(s, ctx, action, status=PayoutStatus.proposed.value)
        collab = s.get(Collaboration, p.collaboration_id)
        _check_limits(ctx, s, collab, p.amount_cents, p.currency, exclude=p.id)
        cs.update(p, status=PayoutStatus.approved.value, approved_by=ctx.user_id, approved_at=utcnow())
        cid = collab.id
        msg = f"Payout #{p.id} of {common.money(p.amount_cents, p.currency)} approved."
    common.reindex(ctx, collaboration_ids=[cid])
    return msg


def _execute_mark_paid(ctx: ToolContext, action: PendingAction) -> str:
    with common.changes(ctx, "mark_payout_paid") as cs:
        s = cs.session
        p = _payout_for(s, ctx, action, status=PayoutStatus.approved.value)
        collab = s.get(Collaboration, p.collaboration_id)
        cs.update(p, status=PayoutStatus.paid.value, paid_at=utcnow(), reference=action.payload.get("reference"))
        fully_paid = _paid_cents(s, collab.id) >= (collab.agreed_fee_cents or 0)
        if fully_paid and collab.stage not in (Stage.paid.value, Stage.closed.value):
            common.move(cs, collab, Stage.paid, note=f"payout #{p.id} paid", soft=True)
        cid = collab.id
        msg = f"Payout #{p.id} marked paid." + (" Collaboration moved to paid." if collab.stage == Stage.paid.value else "")
    common.reindex(ctx, collaboration_ids=[cid])
    return msg


def _paid_cents(s, collab_id: int) -> int:  # noqa: ANN001
    return int(s.exec(select(func.coalesce(func.sum(Payout.amount_cents), 0)).where(
        Payout.collaboration_id == collab_id, Payout.status == PayoutStatus.paid.value)).one())


def _execute_approve_content(ctx: ToolContext, action: PendingAction) -> str:
    from memory.models import Deliverable

    with common.changes(ctx, "approve_content") as cs:
        s = cs.session
        d = s.get(Deliverable, action.payload["deliverable_id"])
        if d is None or d.workspace_id != ctx.workspace_id:
            raise ToolError("the deliverable no longer exists")
        if d.status != "submitted":
            raise ToolError(f"deliverable #{d.id} is {d.status}, not submitted")
        collab = s.get(Collaboration, d.collaboration_id)
        cs.update(d, status="approved", feedback=action.payload.get("comment") or d.feedback)
        open_items = [x for x in s.exec(select(Deliverable).where(Deliverable.collaboration_id == collab.id))
                      if x.status not in ("approved", "posted")]
        if not open_items and common.stage_rank(collab.stage) < common.stage_rank(Stage.content_approved):
            common.move(cs, collab, Stage.content_approved, note="all content approved", soft=True)
        cid = collab.id
        msg = f"{d.type.capitalize()} #{d.id} approved."
    common.reindex(ctx, collaboration_ids=[cid])
    return msg


register_executor("approve_payout", _execute_approve_payout)
register_executor("mark_payout_paid", _execute_mark_paid)
register_executor("approve_content", _execute_approve_content)


# --- corrections: executed payouts are final, so a mistake is undone by a new, approved action ---

class ReversePayoutInput(ToolInput):
    """Ask an approver to reverse an approved or paid payout (the correction for a payout approved
    or paid by mistake; "undo" cannot revert executed actions)."""

    payout_id: Id | None = Field(None, description="Which payout, e.g. 12 for 'payout #12'")
    handle: Handle | None = Field(None, description="Creator handle, when the payout id is not known")
    campaign: CampaignName | None = Field(None, description="Campaign name, with handle")
    reason: str = Field("", max_length=300, description="Why it is reversed (kept in the audit log)")


@tool(ToolTier.commit, progress="Preparing the reversal…")
def reverse_payout(ctx: ToolContext, args: ReversePayoutInput) -> PayoutResult:
    """Create a pending action to reverse an approved or paid payout; an approver confirms it.
    Once reversed, the payout no longer counts against the agreed fee. Nothing is refunded by this tool."""
    with session_scope(ctx.sessions) as s:
        if args.payout_id is not None:
            p = s.get(Payout, args.payout_id)
            if p is None or p.workspace_id != ctx.workspace_id:
                raise ToolError(f"no payout #{args.payout_id} in this workspace")
            collab = s.get(Collaboration, p.collaboration_id)
            if collab is None:
                raise ToolError(f"payout #{p.id} belongs to a collaboration that no longer exists")
            camp = s.get(Campaign, collab.campaign_id)
            camp_name, h = (camp.name if camp else ""), (common.display_handle(args.handle) if args.handle else "")
        elif args.handle:
            collab, camp, _ = common.collaboration(s, ctx, args.handle, args.campaign)
            done = list(s.exec(select(Payout).where(Payout.collaboration_id == collab.id,
                                                    Payout.status.in_([PayoutStatus.approved.value, PayoutStatus.paid.value]))))  # type: ignore[attr-defined]
            if not done:
                raise ToolError("no approved or paid payout to reverse")
            if len(done) > 1:
                raise ToolError("which payout? " + ", ".join(f"#{x.id} {common.money(x.amount_cents, x.currency)} ({x.status})" for x in done))
            p, camp_name, h = done[0], camp.name, common.display_handle(args.handle)
        else:
            raise ToolError("which payout? Give its number (e.g. payout #12) or the creator's handle")
        if p.status not in (PayoutStatus.approved.value, PayoutStatus.paid.value):
            raise ToolError(f"payout #{p.id} is {p.status}: only approved or paid payouts are reversed (a proposed one is rejected instead)")
        label = h or f"payout #{p.id}"
        action = actions_repo.create(
            s, workspace_id=ctx.workspace_id, kind="reverse_payout",
            summary=f"Reverse payout #{p.id} of {common.money(p.amount_cents, p.currency)} ({p.status})"
                    + (f" to {h}" if h else "") + (f": {args.reason}" if args.reason else ""),
            payload={"payout_id": p.id, "collaboration_id": collab.id, "was": p.status, "reason": args.reason, "handle": h},
            requested_by=ctx.user_id, conversation_id=ctx.conversation_id,
        )
        return PayoutResult(summary=f"Reversing {label} is waiting for an approver (action {action.id[:8]}).",
                            payout_id=p.id, handle=h, campaign=camp_name, amount=common.money(p.amount_cents, p.currency),
                            status=p.status, pending_actions=[describe(action)], pending_action_ids=[action.id])


def _execute_reverse_payout(ctx: ToolContext, action: PendingAction) -> str:
    with common.changes(ctx, "reverse_payout") as cs:
        s = cs.session
        was = action.payload.get("was")
        p = _payout_for(s, ctx, action, status=was, why=f" (was {was} when the reversal was asked); nothing was changed")
        note = "; ".join(x for x in (p.note, f"reversed by {ctx.user_id}: {action.payload.get('reason') or 'no reason given'}") if x)
        cs.update(p, status=PayoutStatus.reversed.value, note=note[:500])
        cid = p.collaboration_id
        msg = f"Payout #{p.id} of {common.money(p.amount_cents, p.currency)} reversed." + (
            " It was paid: recover the money outside kolpilot; the collaboration's stage is unchanged (move it if needed)."
            if action.payload.get("was") == PayoutStatus.paid.value else "")
    common.reindex(ctx, collaboration_ids=[cid])
    return msg


register_executor("reverse_payout", _execute_reverse_payout)
