"""Shared plumbing of the CRM tools: resolving "which collaboration", audited change sets,
stage moves, re-indexing the retrieval store after a change."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlmodel import Session

from memory.db import session_scope
from memory.domain.money import MoneyError, MoneyInput, format_money
from memory.models import Campaign, Collaboration, Creator, StageEvent
from memory.models.common import Stage
from memory.repo import crm
from memory.repo.changes import ChangeSet
from memory.repo.creators import normalize_handle
from tools.base import ToolContext, ToolError

log = logging.getLogger(__name__)


@contextmanager
def changes(ctx: ToolContext, label: str) -> Iterator[ChangeSet]:
    """A transaction whose writes are audited as one operation of ``ctx.user_id``."""
    with session_scope(ctx.sessions) as s:
        yield ChangeSet(s, ctx.workspace_id, ctx.user_id, label, ctx.conversation_id)


def campaign(s: Session, ctx: ToolContext, name: str) -> Campaign:
    try:
        return crm.campaign_or_error(s, workspace_id=ctx.workspace_id, name=name)
    except LookupError as exc:
        raise ToolError(str(exc)) from None


def creator(s: Session, ctx: ToolContext, handle: str) -> Creator:
    try:
        return crm.creator_by_handle(s, workspace_id=ctx.workspace_id, handle=handle)[0]
    except LookupError as exc:
        raise ToolError(str(exc)) from None


def collaboration(s: Session, ctx: ToolContext, handle: str, campaign_name: str | None) -> tuple[Collaboration, Campaign, Creator]:
    """The collaboration of a creator in a campaign. Without a campaign: the creator's only
    open collaboration, or a question back ("which campaign?") — never a guess."""
    person = creator(s, ctx, handle)
    if campaign_name:
        camp = campaign(s, ctx, campaign_name)
        collab = crm.get_collaboration(s, workspace_id=ctx.workspace_id, campaign_id=camp.id, creator_id=person.id)
        if collab is None:
            raise ToolError(f"@{handle.lstrip('@')} is not in campaign {camp.name!r}; add them with add_to_campaign first")
        return collab, camp, person
    collabs = crm.collaborations_of(s, workspace_id=ctx.workspace_id, creator_id=person.id)
    open_ = [(c, k) for c, k in collabs if c.stage not in (Stage.closed.value, Stage.declined.value)]
    pool = open_
    if not collabs:
        raise ToolError(f"@{handle.lstrip('@')} is not in any campaign yet; which campaign? (add them with add_to_campaign)")
    if not open_:
        ended = ", ".join(f"{k.name} ({c.stage})" for c, k in collabs)
        raise ToolError(f"Which campaign? @{handle.lstrip('@')} has no open collaboration ({ended}); name the campaign or add them to a new one")
    if len(pool) > 1:
        names = ", ".join(k.name for _, k in pool)
        raise ToolError(f"Which campaign? @{handle.lstrip('@')} is in several: {names}")
    c, k = pool[0]
    return c, k, person


def display_handle(handle: str) -> str:
    """"@skin.by.sam" however the user typed it."""
    return "@" + normalize_handle(handle)


def amount_cents(amount: MoneyInput | None, default: str) -> tuple[int, str] | tuple[None, None]:
    """A tool's ``{amount, currency}`` → (minor units, ISO currency), the currency defaulting to
    ``default``; None when not given."""
    if amount is None:
        return None, None
    try:
        m = amount.to_money(default)
    except MoneyError as exc:
        raise ToolError(f"invalid amount: {exc}") from None
    return m.minor_units, m.currency


def move(cs: ChangeSet, collab: Collaboration, to: Stage | str, *, note: str | None = None, soft: bool = False) -> bool:
    """Move the pipeline stage (audited, with a StageEvent). With ``soft`` a move that isn't
    allowed (e.g. already further along) is skipped silently — used for implied moves such as
    "a counter-offer means negotiating"."""
    to = Stage(to)
    before = {"stage": collab.stage, "version": collab.version}
    try:
        prev, version = crm.guarded_move(cs.session, collaboration=collab, to_stage=to)
    except ValueError as exc:
        if soft:
            return False
        raise ToolError(str(exc)) from None
    except crm.StageConflict as exc:
        raise ToolError(str(exc)) from None
    cs.session.refresh(collab)
    cs.record_update(collab, before, {"stage": to.value, "version": version})
    cs.add(StageEvent(workspace_id=collab.workspace_id, collaboration_id=collab.id, from_stage=prev, to_stage=to.value,
                      actor=cs.actor, note=note))
    return True


def stage_rank(stage: str) -> int:
    from memory.models.common import PIPELINE

    try:
        return PIPELINE.index(Stage(stage))
    except ValueError:
        return -1


def reindex(ctx: ToolContext, *, collaboration_ids: list[int] = (), creator_ids: list[int] = ()) -> None:  # type: ignore[assignment]
    """Keep the retrieval store current after a committed change. A vector-store failure is
    logged, never fatal: the SQL write already happened and `kolpilot index rebuild` recovers."""
    vectors = None
    try:
        vectors = ctx.vectors
        if vectors is None:
            return
        from memory.indexing import reindex_after_change

        reindex_after_change(ctx.sessions, vectors, workspace_id=ctx.workspace_id,
                             creator_ids=list(creator_ids), collaboration_ids=list(collaboration_ids))
    except Exception:  # noqa: BLE001
        log.warning("re-indexing after a CRM change failed", exc_info=True)


def money(cents: int | None, currency: str | None) -> str:
    return format_money(cents, currency)


def parse_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ToolError(f"invalid date {value!r}: use YYYY-MM-DD") from None


FEE_CARD_KINDS = ("approve_payout", crm.FEE_CHANGE_KIND)


def fee_history_lines(s: Session, *, workspace_id: str, collab: Collaboration) -> list[str]:
    """The agreed fee's history as shown on approval cards (terminal and Slack read it from the
    pending action's ``payload["fee_history"]``): the fee in force, who set it, when and from
    what, raises awaiting an approver, then earlier fees (newest first)."""
    if collab.agreed_fee_cents is None:
        return ["No agreed fee yet."]
    history = crm.fee_history(s, workspace_id=workspace_id, collaboration_id=collab.id)
    head = f"Agreed fee: {money(collab.agreed_fee_cents, collab.currency)}"
    current = history[-1] if history else None
    if current is not None and (current.amount_cents, current.currency) == (collab.agreed_fee_cents, collab.currency):
        head += f" set by {current.actor} on {current.at.date().isoformat()} ({current.source})"
        earlier = history[:-1]
    else:
        head += " (set outside the negotiation log)"
        earlier = history
    for a in crm.pending_actions_for(s, workspace_id=workspace_id, collaboration_id=collab.id, kinds=(crm.FEE_CHANGE_KIND,)):
        p = a.payload
        head += (f"; raise to {money(p.get('amount_cents'), p.get('currency'))} pending"
                 f" (requested by {a.requested_by}, action {a.id[:8]})")
    lines = [head]
    lines += [f"Earlier: {money(e.amount_cents, e.currency)} set by {e.actor} on {e.at.date().isoformat()} ({e.source})"
              for e in reversed(earlier[-5:])]
    return lines


def refresh_fee_history(s: Session, *, workspace_id: str, collab: Collaboration) -> None:
    """Bring the fee history on the collaboration's pending payout and fee-raise cards up to date."""
    lines = fee_history_lines(s, workspace_id=workspace_id, collab=collab)
    for a in crm.pending_actions_for(s, workspace_id=workspace_id, collaboration_id=collab.id, kinds=FEE_CARD_KINDS):
        a.payload = {**a.payload, "fee_history": lines}
        s.add(a)
    s.flush()
