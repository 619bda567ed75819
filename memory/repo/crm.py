"""Campaign and collaboration lookups and the guarded stage move."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, select

from memory.domain.money import format_money
from memory.models import Account, Campaign, Collaboration, Creator, NegotiationEvent, Payout, PendingAction
from memory.models.common import Stage, allowed_moves, utcnow
from memory.repo.creators import find_accounts_by_handle, normalize_handle


class StageConflict(Exception):
    """Someone else moved the collaboration first."""


def list_campaigns(session: Session, *, workspace_id: str) -> list[Campaign]:
    return list(session.exec(select(Campaign).where(Campaign.workspace_id == workspace_id).order_by(Campaign.name)))


def get_campaign(session: Session, *, workspace_id: str, name: str) -> Campaign | None:
    """A campaign by name, case-insensitively."""
    return session.exec(
        select(Campaign).where(Campaign.workspace_id == workspace_id, func.lower(Campaign.name) == name.strip().lower())
    ).first()


def campaign_or_error(session: Session, *, workspace_id: str, name: str) -> Campaign:
    """The campaign, or LookupError naming the close matches."""
    c = get_campaign(session, workspace_id=workspace_id, name=name)
    if c is not None:
        return c
    names = [x.name for x in list_campaigns(session, workspace_id=workspace_id)]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.4) or [n for n in names if name.lower() in n.lower()][:3]
    hint = f" — did you mean {', '.join(close)}?" if close else (f" (campaigns: {', '.join(names[:8])})" if names else " (there are no campaigns yet)")
    raise LookupError(f"unknown campaign {name!r}{hint}")


def creator_by_handle(session: Session, *, workspace_id: str, handle: str) -> tuple[Creator, Account]:
    """The creator behind a handle (biggest account if the handle exists on several platforms),
    or LookupError with close handle matches."""
    accounts = find_accounts_by_handle(session, workspace_id=workspace_id, handle=handle)
    if accounts:
        acc = accounts[0]
        return session.get(Creator, acc.creator_id), acc  # type: ignore[return-value]
    h = normalize_handle(handle)
    prefix = h[:3]
    candidates = session.exec(
        select(Account.handle).where(Account.workspace_id == workspace_id, Account.handle.startswith(prefix)).limit(5000)  # type: ignore[attr-defined]
    ).all() if prefix else []
    close = difflib.get_close_matches(h, list(candidates), n=3, cutoff=0.6)
    hint = f" — did you mean {', '.join('@' + c for c in close)}?" if close else ""
    raise LookupError(f"creator @{h} not found{hint}")


def collaborations_of(session: Session, *, workspace_id: str, creator_id: int) -> list[tuple[Collaboration, Campaign]]:
    """A creator's collaborations with their campaigns, newest first."""
    rows = session.exec(
        select(Collaboration, Campaign)
        .join(Campaign, Campaign.id == Collaboration.campaign_id)
        .where(Collaboration.workspace_id == workspace_id, Collaboration.creator_id == creator_id)
        .order_by(Collaboration.created_at.desc())  # type: ignore[attr-defined]
    ).all()
    return [(c, k) for c, k in rows]


def get_collaboration(session: Session, *, workspace_id: str, campaign_id: int, creator_id: int) -> Collaboration | None:
    return session.exec(
        select(Collaboration).where(
            Collaboration.workspace_id == workspace_id,
            Collaboration.campaign_id == campaign_id,
            Collaboration.creator_id == creator_id,
        )
    ).first()


def guarded_move(session: Session, *, collaboration: Collaboration, to_stage: Stage) -> tuple[str, int]:
    """Move a collaboration's stage if the move is allowed and nobody moved it meanwhile.

    Uses ``UPDATE ... WHERE version = :seen`` so that of two concurrent moves exactly one
    wins (on PostgreSQL the loser's UPDATE re-checks the row after the winner commits).
    Returns (previous stage, new version). Raises ValueError for a disallowed move and
    StageConflict when the row changed underneath.
    """
    current = Stage(collaboration.stage)
    if to_stage == current:
        raise ValueError(f"already at stage {current.value}")
    if to_stage not in allowed_moves(current):
        allowed = ", ".join(sorted(s.value for s in allowed_moves(current))) or "none (closed)"
        raise ValueError(f"cannot move from {current.value} to {to_stage.value}; allowed: {allowed}")
    seen = collaboration.version
    res = session.execute(
        update(Collaboration)
        .where(Collaboration.id == collaboration.id, Collaboration.version == seen)
        .values(stage=to_stage.value, version=seen + 1, updated_at=utcnow())
    )
    if res.rowcount != 1:
        session.expire(collaboration)
        raise StageConflict(
            f"someone else changed this collaboration meanwhile (it is now at {collaboration.stage}); nothing was changed"
        )
    session.expire(collaboration)
    return current.value, seen + 1


# --- the agreed fee's history --------------------------------------------------------------------

FEE_CHANGE_KIND = "change_agreed_fee"


@dataclass(frozen=True)
class FeeChange:
    """One setting of a collaboration's agreed fee (an ``accept`` negotiation event)."""

    amount_cents: int
    currency: str | None
    actor: str
    at: datetime
    source: str | None  # what it came from: "creator counter $2,200.00" for the first, the previous fee after


def fee_history(session: Session, *, workspace_id: str, collaboration_id: int) -> list[FeeChange]:
    """Every agreed-fee setting of a collaboration, oldest first. Raises awaiting approval are
    pending actions, not negotiation events, so they are not part of this list."""
    events = session.exec(
        select(NegotiationEvent).where(NegotiationEvent.workspace_id == workspace_id,
                                       NegotiationEvent.collaboration_id == collaboration_id,
                                       NegotiationEvent.amount_cents.is_not(None))  # type: ignore[union-attr]
        .order_by(NegotiationEvent.id)  # type: ignore[arg-type]
    ).all()
    out: list[FeeChange] = []
    on_table: NegotiationEvent | None = None
    for e in events:
        if e.kind != "accept":
            on_table = e
            continue
        if out:
            source = f"from {format_money(out[-1].amount_cents, out[-1].currency)}"
        elif on_table is not None:
            source = f"from {on_table.party} {on_table.kind} {format_money(on_table.amount_cents, on_table.currency)}"
        else:
            source = "accepted directly"
        out.append(FeeChange(int(e.amount_cents), e.currency, e.actor, e.at, source))  # type: ignore[arg-type]
    return out


def pending_actions_for(session: Session, *, workspace_id: str, collaboration_id: int, kinds: tuple[str, ...]) -> list[PendingAction]:
    """Pending actions of ``kinds`` whose payload names the collaboration, oldest first."""
    rows = session.exec(
        select(PendingAction).where(PendingAction.workspace_id == workspace_id, PendingAction.status == "pending",
                                    PendingAction.kind.in_(kinds))  # type: ignore[attr-defined]
        .order_by(PendingAction.created_at)  # type: ignore[arg-type]
    ).all()
    return [a for a in rows if isinstance(a.payload, dict) and a.payload.get("collaboration_id") == collaboration_id]


def approved_payout_cents(session: Session, *, collaboration_id: int) -> int:
    """What approvers already approved or paid on a collaboration (minor units of its currency)."""
    q = select(func.coalesce(func.sum(Payout.amount_cents), 0)).where(
        Payout.collaboration_id == collaboration_id, Payout.status.in_(["approved", "paid"]))  # type: ignore[attr-defined]
    return int(session.exec(q).one())
