"""Payouts: proposing is a draft; approving and marking paid are pending actions that only
approvers can confirm, re-checked against the per-payout cap and the agreed fee."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field
from sqlalchemy import func
from sqlmodel import select

from memory.db import session_scope
from memory.models import Collaboration, Payout, PendingAction
from memory.models.common import PayoutStatus, Stage, to_cents, utcnow
from memory.repo import actions as actions_repo
from tools.approvals import describe, register_executor
from tools.base import ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
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
    cap = to_cents(Decimal(ctx.settings.payout_cap))
    if cents > cap:
        raise ToolError(f"{common.money(cents, currency)} is above the per-payout cap of "
                        f"{common.money(cap, ctx.settings.default_currency)} (KOLPILOT_PAYOUT_CAP)")
    if collab.agreed_fee_cents is None:
        raise ToolError("no agreed fee for this collaboration yet: log the accepted offer first (log_negotiation kind=accept)")
    if currency != collab.currency:
        raise ToolError(f"payout currency {currency} differs from the agreed fee's currency {collab.currency}")
    committed = _committed_cents(s, collab.id, exclude)
    if committed + cents > collab.agreed_fee_cents:
        raise ToolError(
            f"{common.money(cents, currency)} plus {common.money(committed, currency)} already proposed/paid exceeds the "
            f"agreed fee of {common.money(collab.agreed_fee_cents, collab.currency)}")


class ProposePayoutInput(ToolInput):
    """Propose paying a creator; an approver must approve it before it counts."""

    handle: str = Field(description="Creator handle")
    campaign: str | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    amount: str | None = Field(None, description="Amount, e.g. '2200' or '$2,200'; default: the agreed fee minus what is already proposed or paid")
    currency: str | None = Field(None, description="ISO currency; must match the agreed fee's")
    note: str | None = Field(None, description="Invoice number or other reference")


@tool(ToolTier.commit, progress="Preparing the payout…")
def propose_payout(ctx: ToolContext, args: ProposePayoutInput) -> PayoutResult:
    """Propose a payout. Checked against the per-payout cap and the agreed fee; creates a pending
    action that only an approver can approve. Nothing is paid by this tool."""
    with common.changes(ctx, "propose_payout") as cs:
        s = cs.session
        collab, camp, _ = common.collaboration(s, ctx, args.handle, args.campaign)
        if args.amount:
            cents, cur = common.amount_cents(args.amount, args.currency, collab.currency)
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
            payload={"payout_id": p.id, "collaboration_id": collab.id, "amount_cents": cents, "currency": cur, "handle": h},
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

    handle: str = Field(description="Creator handle")
    campaign: str | None = Field(None, description="Campaign name; omit only if the creator is in exactly one open campaign")
    payout_id: int | None = Field(None, description="Which payout; default: the creator's only approved payout")
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

def _execute_approve_payout(ctx: ToolContext, action: PendingAction) -> str:
    with common.changes(ctx, "approve_payout") as cs:
        s = cs.session
        p = s.get(Payout, action.payload["payout_id"])
        if p is None or p.workspace_id != ctx.workspace_id:
            raise ToolError("the payout no longer exists")
        if p.status != PayoutStatus.proposed.value:
            raise ToolError(f"payout #{p.id} is {p.status}")
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
        p = s.get(Payout, action.payload["payout_id"])
        if p is None or p.workspace_id != ctx.workspace_id:
            raise ToolError("the payout no longer exists")
        if p.status != PayoutStatus.approved.value:
            raise ToolError(f"payout #{p.id} is {p.status}, not approved")
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
