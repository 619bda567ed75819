"""The retrieval index: creators and past collaborations as documents in the vector store.

SQL is the source of truth; the vector index is derived from it and can always be
rebuilt (``rebuild``). Writers keep it current incrementally: after committing a change,
CSV import, CRM tools etc. call ``reindex_after_change`` with the creator and
collaboration ids they touched. Ids that no longer exist in SQL are removed from the
index, so the same call covers inserts, updates and deletes.

Creator documents are what semantic discovery searches ("talks about sensitive skin");
collaboration documents are the memory of past work ("what did we pay dermatologists for
a reel last year?"), so they spell out amounts, deliverables and results in words.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, select

from memory.domain.money import format_money
from memory.models import (
    Account,
    Campaign,
    CodeRedemption,
    Collaboration,
    Creator,
    Deliverable,
    DiscountCode,
    MetricSnapshot,
    NegotiationEvent,
    Payout,
    Post,
    Shipment,
    StageEvent,
)
from memory.tiers import tier_for
from memory.vectors import VectorItem

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker

    from memory.vectors import VectorIndex

logger = logging.getLogger(__name__)

__all__ = [
    "CollabRecord", "collaboration_document", "creator_document", "format_money", "index_collaborations",
    "index_creators", "load_collaboration_records", "rebuild", "reindex_after_change", "sql_counts",
]

CREATORS = "creators"
COLLABORATIONS = "collaborations"
WHAT_CHOICES = ("creators", "collaborations", "all")

RECENT_CAPTIONS = 5
_CAPTION_CHARS = 280
_BIO_CHARS = 1200
_BRIEF_CHARS = 800
# IN (...) lists stay far below SQLite's and PostgreSQL's bound-parameter limits.
_IN_CHUNK = 500

ProgressFn = Callable[[int, int], None]

# --- formatting ---------------------------------------------------------------------------------


def _one_line(text: str | None, limit: int) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _niches(niches: str | None) -> list[str]:
    return [n.strip() for n in (niches or "").split(";") if n.strip()]


def _kind_label(kind: str | None) -> str:
    # The spelled-out words help semantic queries ("expert", "creator") match the right kind.
    if kind == "kol":
        return "KOL (key opinion leader, industry expert)"
    return "Influencer (content creator)"


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def _int(n: int | float) -> str:
    return f"{int(n):,}"


# --- creators -----------------------------------------------------------------------------------


def creator_document(session: Session, *, creator: Creator, accounts: list[Account], posts: list[Post]) -> VectorItem:
    """The search document of one creator.

    The text leads with what discovery asks about (name, influencer/KOL, credentials,
    niches, bio), then platforms, handles and tiers, then the 5 most recent captions: local
    embedders only read the first ~256 tokens, so the most telling fields come first.
    Metadata: ``creator_id``, ``kind``, ``country``, ``language``, ``niches`` (the
    semicolon-separated string) and ``max_followers``, for filtered vector queries.
    ``session`` is unused today; it keeps the signature uniform with
    ``collaboration_document`` and lets documents grow without changing callers.
    """
    del session
    lines = [creator.name or "(unnamed creator)", _kind_label(creator.kind)]
    if creator.credentials:
        lines.append(f"Credentials: {creator.credentials}")
    niches = _niches(creator.niches)
    if niches:
        lines.append(f"Niches: {', '.join(niches)}")
    if creator.bio:
        lines.append(f"Bio: {_one_line(creator.bio, _BIO_CHARS)}")
    place = ", ".join(p for p in (creator.city, creator.country) if p)
    if place or creator.language:
        lines.append("Based in " + (place or "?") + (f"; language {creator.language}" if creator.language else ""))
    ordered = sorted(accounts, key=lambda a: (-(a.followers or 0), a.platform, a.handle))
    if ordered:
        # Tiers, not raw counts: numbers mean nothing to an embedder (SQL filters on them),
        # and a follower count that moves would force a re-embedding on every import.
        parts = [f"{acc.platform} @{acc.handle} ({tier_for(acc.followers)})" for acc in ordered]
        lines.append("Platforms: " + "; ".join(parts))
    recent = sorted((p for p in posts if p.caption and p.caption.strip()), key=lambda p: p.posted_at, reverse=True)
    if recent:
        lines.append("Recent posts:")
        lines.extend(f"- {_one_line(p.caption, _CAPTION_CHARS)}" for p in recent[:RECENT_CAPTIONS])
    metadata: dict[str, str | int | float | bool] = {
        "creator_id": int(creator.id or 0),
        "kind": creator.kind or "influencer",
        "country": creator.country or "",
        "language": creator.language or "",
        "niches": ";".join(niches),
        "max_followers": max((a.followers or 0 for a in accounts), default=0),
    }
    return VectorItem(id=str(creator.id), text="\n".join(lines), metadata=metadata)


def _creator_items(session: Session, *, workspace_id: str, ids: Sequence[int]) -> list[VectorItem]:
    """Documents for these creators with three SELECTs in all (creators, accounts, recent
    posts), not three per creator."""
    creators = list(session.exec(select(Creator).where(Creator.workspace_id == workspace_id, Creator.id.in_(ids))))  # type: ignore[union-attr]
    if not creators:
        return []
    found = [c.id for c in creators]
    accounts_by: dict[int, list[Account]] = defaultdict(list)
    for acc in session.exec(select(Account).where(Account.workspace_id == workspace_id, Account.creator_id.in_(found))):  # type: ignore[attr-defined]
        accounts_by[acc.creator_id].append(acc)
    # The newest captions per creator (across their accounts) in one windowed query.
    rank = (
        func.row_number()
        .over(partition_by=Account.creator_id, order_by=(Post.posted_at.desc(), Post.id.desc()))  # type: ignore[attr-defined,union-attr]
        .label("rn")
    )
    ranked = (
        select(Post.id.label("post_id"), Account.creator_id.label("creator_id"), rank)  # type: ignore[union-attr]
        .join(Account, Account.id == Post.account_id)
        .where(Account.creator_id.in_(found), Post.caption.is_not(None), Post.caption != "")  # type: ignore[attr-defined,union-attr]
        .subquery()
    )
    posts_by: dict[int, list[Post]] = defaultdict(list)
    rows = session.exec(select(Post, ranked.c.creator_id).join(ranked, ranked.c.post_id == Post.id).where(ranked.c.rn <= RECENT_CAPTIONS))
    for post, creator_id in rows:
        posts_by[creator_id].append(post)
    return [
        creator_document(session, creator=c, accounts=accounts_by.get(c.id, []), posts=posts_by.get(c.id, []))  # type: ignore[arg-type]
        for c in creators
    ]


def _sync(
    sessions: sessionmaker[Session],
    vectors: VectorIndex,
    *,
    kind: str,
    workspace_id: str,
    ids: list[int] | None,
    all_ids: Callable[[Session], list[int]],
    build: Callable[[Session, Sequence[int]], list[VectorItem]],
    batch_size: int,
    on_progress: ProgressFn | None,
) -> tuple[int, list[int]]:
    """Shared incremental/full sync. Returns (documents written, requested ids that no
    longer exist in SQL and were removed from the index)."""
    full = ids is None
    with sessions() as session:
        wanted = all_ids(session) if ids is None else sorted({int(i) for i in ids})
    total = len(wanted)
    written = 0
    gone: list[int] = []
    if on_progress:
        on_progress(0, total)
    for start in range(0, total, max(1, batch_size)):
        batch = wanted[start : start + batch_size]
        with sessions() as session:
            items = build(session, batch)
        vectors.upsert(workspace_id, kind, items)
        written += len(items)
        present = {int(item.id) for item in items}
        missing = [i for i in batch if i not in present]
        if missing:
            vectors.delete(workspace_id, kind, [str(i) for i in missing])
            gone.extend(missing)
        if on_progress:
            on_progress(min(start + len(batch), total), total)
    if full:
        # A full sync also drops entries whose rows were deleted without a reindex call.
        keep = {str(i) for i in wanted}
        stale = [i for i in vectors.ids(workspace_id, kind) if i not in keep]
        if stale:
            vectors.delete(workspace_id, kind, stale)
            gone.extend(int(i) for i in stale if i.isdigit())
    return written, gone


def _all_creator_ids(workspace_id: str) -> Callable[[Session], list[int]]:
    def load(session: Session) -> list[int]:
        return list(session.exec(select(Creator.id).where(Creator.workspace_id == workspace_id).order_by(Creator.id)))  # type: ignore[arg-type]

    return load


def index_creators(
    sessions: sessionmaker[Session],
    vectors: VectorIndex,
    *,
    workspace_id: str,
    creator_ids: list[int] | None = None,
    batch_size: int = 256,
    on_progress: ProgressFn | None = None,
) -> int:
    """Write creator documents to the workspace's ``creators`` index; returns how many.

    ``creator_ids=None`` indexes every creator of the workspace (and drops index entries
    of creators that no longer exist); a list re-indexes just those creators, removing
    the ones that were deleted. Loads and embeds ``batch_size`` creators at a time;
    ``on_progress(done, total)`` is called after each batch.
    """
    written, _ = _sync(
        sessions,
        vectors,
        kind=CREATORS,
        workspace_id=workspace_id,
        ids=creator_ids,
        all_ids=_all_creator_ids(workspace_id),
        build=lambda s, batch: _creator_items(s, workspace_id=workspace_id, ids=batch),
        batch_size=batch_size,
        on_progress=on_progress,
    )
    return written


# --- collaborations -----------------------------------------------------------------------------


@dataclass
class CollabRecord:
    """Everything one collaboration document is written from (loaded in bulk by
    ``load_collaboration_records``). ``snapshots`` holds the latest cumulative metric
    snapshot per deliverable; ``redemptions`` maps code -> (orders, revenue cents by currency)."""

    collab: Collaboration
    campaign: Campaign | None = None
    creator: Creator | None = None
    accounts: list[Account] = field(default_factory=list)
    negotiations: list[NegotiationEvent] = field(default_factory=list)
    deliverables: list[Deliverable] = field(default_factory=list)
    shipments: list[Shipment] = field(default_factory=list)
    codes: list[DiscountCode] = field(default_factory=list)
    payouts: list[Payout] = field(default_factory=list)
    snapshots: list[MetricSnapshot] = field(default_factory=list)
    stage_events: list[StageEvent] = field(default_factory=list)
    redemptions: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)


def _by_collab(session: Session, model: Any, ids: Sequence[int], order: Any) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for row in session.exec(select(model).where(model.collaboration_id.in_(ids)).order_by(order, model.id)):
        out[row.collaboration_id].append(row)
    return out


def load_collaboration_records(session: Session, *, workspace_id: str, ids: Sequence[int]) -> list[CollabRecord]:
    """Load these collaborations of the workspace with their campaign, creator, accounts and
    CRM rows (negotiation, deliverables, shipments, codes, payouts, stage notes, latest
    metric snapshots), one SELECT per table for the whole batch. Unknown ids are skipped."""
    collabs = list(
        session.exec(
            select(Collaboration)
            .where(Collaboration.workspace_id == workspace_id, Collaboration.id.in_(ids))  # type: ignore[union-attr]
            .order_by(Collaboration.id)
        )
    )
    if not collabs:
        return []
    cids = [c.id for c in collabs]
    campaigns = {
        c.id: c
        for c in session.exec(select(Campaign).where(Campaign.id.in_({c.campaign_id for c in collabs})))  # type: ignore[union-attr]
    }
    creator_ids = {c.creator_id for c in collabs}
    creators = {c.id: c for c in session.exec(select(Creator).where(Creator.id.in_(creator_ids)))}  # type: ignore[union-attr]
    accounts: dict[int, list[Account]] = defaultdict(list)
    account_owner: dict[int, int] = {}
    for acc in session.exec(select(Account).where(Account.creator_id.in_(creator_ids))):  # type: ignore[attr-defined]
        accounts[acc.creator_id].append(acc)
        account_owner[acc.id] = acc.creator_id  # type: ignore[index]
    negotiations = _by_collab(session, NegotiationEvent, cids, NegotiationEvent.at)
    deliverables = _by_collab(session, Deliverable, cids, Deliverable.created_at)
    shipments = _by_collab(session, Shipment, cids, Shipment.created_at)
    codes = _by_collab(session, DiscountCode, cids, DiscountCode.created_at)
    payouts = _by_collab(session, Payout, cids, Payout.created_at)
    stage_events = _by_collab(session, StageEvent, cids, StageEvent.at)

    # Metric snapshots belong to a collaboration explicitly, or (metrics.csv rows that
    # could not be matched at import) implicitly through campaign + the creator's account.
    by_pair = {(c.campaign_id, c.creator_id): c.id for c in collabs}
    snaps: list[tuple[int, MetricSnapshot]] = []
    for snap in session.exec(select(MetricSnapshot).where(MetricSnapshot.collaboration_id.in_(cids))):  # type: ignore[union-attr]
        snaps.append((snap.collaboration_id, snap))  # type: ignore[arg-type]
    if account_owner:
        implicit = select(MetricSnapshot).where(
            MetricSnapshot.workspace_id == workspace_id,
            MetricSnapshot.collaboration_id.is_(None),  # type: ignore[union-attr]
            MetricSnapshot.campaign_id.in_(list(campaigns)),  # type: ignore[attr-defined]
            MetricSnapshot.account_id.in_(list(account_owner)),  # type: ignore[attr-defined]
        )
        for snap in session.exec(implicit):
            cid = by_pair.get((snap.campaign_id, account_owner.get(snap.account_id, -1)))
            if cid is not None:
                snaps.append((cid, snap))
    # Snapshots are cumulative: the latest one per deliverable is its total so far.
    latest: dict[int, dict[tuple[int, str], MetricSnapshot]] = defaultdict(dict)
    for cid, snap in snaps:
        key = (snap.account_id, snap.deliverable_url or "")
        cur = latest[cid].get(key)
        if cur is None or (snap.date, snap.id or 0) > (cur.date, cur.id or 0):
            latest[cid][key] = snap

    all_codes = {code.code for rows in codes.values() for code in rows}
    redeemed: dict[str, tuple[int, dict[str, int]]] = {}
    if all_codes:
        q = (
            select(CodeRedemption.code, CodeRedemption.currency, func.sum(CodeRedemption.orders), func.sum(CodeRedemption.revenue_cents))
            .where(CodeRedemption.workspace_id == workspace_id, CodeRedemption.code.in_(all_codes))  # type: ignore[attr-defined]
            .group_by(CodeRedemption.code, CodeRedemption.currency)
        )
        for code, currency, orders, revenue in session.exec(q):
            n, money = redeemed.get(code, (0, {}))
            money[currency] = money.get(currency, 0) + int(revenue or 0)
            redeemed[code] = (n + int(orders or 0), money)

    records = []
    for c in collabs:
        rec = CollabRecord(
            collab=c,
            campaign=campaigns.get(c.campaign_id),
            creator=creators.get(c.creator_id),
            accounts=sorted(accounts.get(c.creator_id, []), key=lambda a: -(a.followers or 0)),
            negotiations=negotiations.get(c.id, []),  # type: ignore[arg-type]
            deliverables=deliverables.get(c.id, []),  # type: ignore[arg-type]
            shipments=shipments.get(c.id, []),  # type: ignore[arg-type]
            codes=codes.get(c.id, []),  # type: ignore[arg-type]
            payouts=payouts.get(c.id, []),  # type: ignore[arg-type]
            stage_events=stage_events.get(c.id, []),  # type: ignore[arg-type]
            snapshots=list(latest.get(c.id, {}).values()),  # type: ignore[arg-type]
        )
        rec.redemptions = {code.code: redeemed[code.code] for code in rec.codes if code.code in redeemed}
        records.append(rec)
    return records


def _negotiation_line(ev: NegotiationEvent, default_currency: str) -> str:
    who = ev.party or "creator"
    verb = {"offer": "offered", "counter": "countered with", "accept": "accepted", "decline": "declined"}.get(ev.kind, ev.kind)
    text = f"{_day(ev.at)} {who} {verb}"
    if ev.amount_cents is not None:
        text += f" {format_money(ev.amount_cents, ev.currency or default_currency)}"
    terms = []
    if ev.deliverables:
        terms.append(f"for {ev.deliverables}")
    if ev.usage_rights_days is not None:
        terms.append(f"usage rights {ev.usage_rights_days} days")
    if ev.exclusivity_days is not None:
        terms.append(f"exclusivity {ev.exclusivity_days} days")
    if terms:
        text += " " + "; ".join(terms)
    if ev.note:
        text += f". Note: {_one_line(ev.note, 300)}"
    return "- " + text


def _results_line(rec: CollabRecord) -> str | None:
    snaps = rec.snapshots
    if not snaps:
        return None
    totals = {k: sum(getattr(s, k) or 0 for s in snaps) for k in ("impressions", "reach", "views", "clicks", "conversions")}
    engagements = sum((s.likes or 0) + (s.comments or 0) + (s.shares or 0) + (s.saves or 0) for s in snaps)
    revenue: dict[str, int] = defaultdict(int)
    for s in snaps:
        revenue[(s.currency or rec.collab.currency).upper()] += s.revenue_cents or 0
    parts = [f"{_int(totals['impressions'])} impressions", f"{_int(totals['reach'])} reach"]
    if totals["views"]:
        parts.append(f"{_int(totals['views'])} views")
    parts.append(f"{_int(engagements)} engagements")
    parts += [f"{_int(totals['clicks'])} clicks", f"{_int(totals['conversions'])} conversions"]
    parts.append("revenue " + ", ".join(format_money(v, k) for k, v in sorted(revenue.items())) if revenue else "revenue 0")
    c = rec.collab
    currency = c.currency.upper()
    if c.agreed_fee_cents:
        cost = c.agreed_fee_cents + (c.product_cost_cents or 0) + (c.shipping_cost_cents or 0)
        if set(revenue) <= {currency} and cost > 0:
            roas = revenue.get(currency, 0) / cost
            parts.append(f"ROAS {roas:.2f} (revenue / cost of {format_money(cost, currency)}: fee + product + shipping)")
    return "Results (latest snapshot per deliverable, summed): " + "; ".join(parts) + "."


def _render_collaboration(rec: CollabRecord) -> VectorItem:
    c, camp, person = rec.collab, rec.campaign, rec.creator
    currency = c.currency.upper()
    lines: list[str] = []
    if camp is not None:
        period = " to ".join(p for p in (_day(camp.start_date), _day(camp.end_date)) if p)
        head = f'Collaboration #{c.id}: campaign "{camp.name}"'
        if camp.brand:
            head += f" for brand {camp.brand}"
        head += f" (goal: {camp.goal}" + (f"; {period}" if period else "") + f"; campaign {camp.status})."
        lines.append(head)
        if camp.brief:
            lines.append(f"Brief: {_one_line(camp.brief, _BRIEF_CHARS)}")
    else:
        lines.append(f"Collaboration #{c.id}.")
    if person is not None:
        handles = ", ".join(f"@{a.handle} on {a.platform} ({tier_for(a.followers)})" for a in rec.accounts)
        who = f"Creator: {person.name or '(unnamed)'}" + (f" — {handles}" if handles else "")
        who += f". {_kind_label(person.kind)}"
        if person.credentials:
            who += f", {person.credentials}"
        niches = _niches(person.niches)
        if niches:
            who += f". Niches: {', '.join(niches)}"
        if person.country:
            who += f". Country: {person.country}"
        lines.append(who + ".")
    lines.append(f"Stage: {c.stage.replace('_', ' ')}.")
    if rec.negotiations:
        lines.append("Negotiation:")
        lines.extend(_negotiation_line(ev, currency) for ev in rec.negotiations)
    if c.agreed_fee_cents is not None:
        lines.append(f"Agreed fee: {format_money(c.agreed_fee_cents, currency)}.")
    if c.terms:
        lines.append(f"Terms: {_one_line(c.terms, 500)}")
    costs = []
    if c.product_cost_cents:
        costs.append(f"product {format_money(c.product_cost_cents, currency)}")
    if c.shipping_cost_cents:
        costs.append(f"shipping {format_money(c.shipping_cost_cents, currency)}")
    if costs:
        lines.append("Other costs: " + ", ".join(costs) + ".")
    if rec.deliverables:
        parts = []
        for d in rec.deliverables:
            desc = f"{d.count} × {d.type}"
            if d.due_date:
                desc += f" due {_day(d.due_date)}"
            desc += f" ({d.status.replace('_', ' ')}"
            if d.posted_at:
                desc += f", posted {_day(d.posted_at)}"
            desc += ")"
            if d.content_url:
                desc += f" {d.content_url}"
            parts.append(desc)
        lines.append("Deliverables: " + "; ".join(parts) + ".")
    if rec.shipments:
        parts = []
        for sh in rec.shipments:
            desc = sh.product + (f" via {sh.carrier}" if sh.carrier else "") + f" ({sh.status}"
            if sh.cost_cents:
                desc += f", cost {format_money(sh.cost_cents, sh.currency)}"
            parts.append(desc + ")")
        lines.append("Shipments: " + "; ".join(parts) + ".")
    if rec.codes:
        parts = []
        for code in rec.codes:
            desc = code.code + (f" ({code.discount_pct:g}% off)" if code.discount_pct is not None else "")
            if code.code in rec.redemptions:
                orders, money = rec.redemptions[code.code]
                desc += f": {_int(orders)} orders, " + ", ".join(format_money(v, k) for k, v in sorted(money.items()))
            parts.append(desc)
        lines.append("Discount codes: " + "; ".join(parts) + ".")
    if rec.payouts:
        parts = [f"{format_money(p.amount_cents, p.currency)} {p.status}" + (f" on {_day(p.paid_at)}" if p.paid_at else "") for p in rec.payouts]
        lines.append("Payouts: " + "; ".join(parts) + ".")
    results = _results_line(rec)
    if results:
        lines.append(results)
    notes = [
        f"{_day(ev.at)} {ev.from_stage or 'new'} → {ev.to_stage}: {_one_line(ev.note, 300)}" for ev in rec.stage_events if ev.note
    ]
    notes += [f"feedback on {d.type}: {_one_line(d.feedback, 300)}" for d in rec.deliverables if d.feedback]
    notes += [f"payout note: {_one_line(p.note, 200)}" for p in rec.payouts if p.note]
    if notes:
        lines.append("Notes: " + " | ".join(notes))

    started = (camp.start_date if camp is not None and camp.start_date else None) or c.created_at
    metadata: dict[str, str | int | float | bool] = {
        "collaboration_id": int(c.id or 0),
        "campaign_id": int(c.campaign_id),
        "campaign": camp.name if camp is not None else "",
        "brand": camp.brand if camp is not None else "",
        "creator_id": int(c.creator_id),
        "kind": (person.kind if person is not None else "") or "",
        "stage": c.stage,
        "currency": currency,
        "year": int(started.year),
    }
    if c.agreed_fee_cents is not None:
        metadata["agreed_fee_cents"] = int(c.agreed_fee_cents)
    if rec.accounts:
        metadata["handle"] = rec.accounts[0].handle
    return VectorItem(id=str(c.id), text="\n".join(lines), metadata=metadata)


# Older name, kept for callers that imported it before it was public.


def collaboration_document(session: Session, *, collaboration: Collaboration) -> VectorItem:
    """The memory document of one collaboration: campaign (name, brand, goal, brief),
    creator (handles, kind, credentials, niches, country), stage, the negotiation
    (each offer/counter/accept with amounts such as ``$2,200.00``, deliverables, usage
    rights and exclusivity), agreed fee, deliverables, shipments, discount codes,
    payouts, results (latest cumulative metric snapshot per deliverable, summed, with
    ROAS when the fee is known) and notes.

    Metadata: ``collaboration_id``, ``campaign_id``, ``campaign``, ``brand``,
    ``creator_id``, ``kind``, ``stage``, ``agreed_fee_cents`` (when agreed),
    ``currency``, ``year`` (campaign start, else the collaboration's creation) and
    ``handle`` (the creator's biggest account).
    """
    records = load_collaboration_records(session, workspace_id=collaboration.workspace_id, ids=[collaboration.id])  # type: ignore[list-item]
    if not records:
        # Not flushed yet, or another workspace's row: render what we were given.
        return _render_collaboration(CollabRecord(collab=collaboration))
    return _render_collaboration(records[0])


def _collaboration_items(session: Session, *, workspace_id: str, ids: Sequence[int]) -> list[VectorItem]:
    return [_render_collaboration(rec) for rec in load_collaboration_records(session, workspace_id=workspace_id, ids=ids)]


def _all_collaboration_ids(workspace_id: str) -> Callable[[Session], list[int]]:
    def load(session: Session) -> list[int]:
        stmt = select(Collaboration.id).where(Collaboration.workspace_id == workspace_id).order_by(Collaboration.id)
        return list(session.exec(stmt))  # type: ignore[arg-type]

    return load


def index_collaborations(
    sessions: sessionmaker[Session],
    vectors: VectorIndex,
    *,
    workspace_id: str,
    collaboration_ids: list[int] | None = None,
    on_progress: ProgressFn | None = None,
    batch_size: int = 256,
) -> int:
    """Write collaboration documents to the workspace's ``collaborations`` index; returns
    how many. ``None`` = all collaborations of the workspace (stale entries dropped); a
    list = just those (deleted ones removed). ``on_progress(done, total)`` per batch."""
    written, _ = _sync(
        sessions,
        vectors,
        kind=COLLABORATIONS,
        workspace_id=workspace_id,
        ids=collaboration_ids,
        all_ids=_all_collaboration_ids(workspace_id),
        build=lambda s, batch: _collaboration_items(s, workspace_id=workspace_id, ids=batch),
        batch_size=batch_size,
        on_progress=on_progress,
    )
    return written


# --- hooks --------------------------------------------------------------------------------------


def reindex_after_change(
    sessions: sessionmaker[Session],
    vectors: VectorIndex | None,
    *,
    workspace_id: str,
    creator_ids: Iterable[int] = (),
    collaboration_ids: Iterable[int] = (),
) -> None:
    """Bring the index up to date after a committed change (CSV import, CRM write, ...).

    Re-indexes the given creators and collaborations, removes the ones that were
    deleted, and also refreshes the collaboration documents of changed creators (they
    quote the creator's handle, niches and credentials). Incremental: nothing else is
    touched. A ``vectors`` of None (no vector store configured) makes this a no-op.
    """
    if vectors is None:
        return
    creator_list = sorted({int(i) for i in creator_ids})
    collab_set = {int(i) for i in collaboration_ids}
    if creator_list:
        _, gone = _sync(
            sessions,
            vectors,
            kind=CREATORS,
            workspace_id=workspace_id,
            ids=creator_list,
            all_ids=_all_creator_ids(workspace_id),
            build=lambda s, batch: _creator_items(s, workspace_id=workspace_id, ids=batch),
            batch_size=256,
            on_progress=None,
        )
        with sessions() as session:
            for start in range(0, len(creator_list), _IN_CHUNK):
                chunk = creator_list[start : start + _IN_CHUNK]
                stmt = select(Collaboration.id).where(
                    Collaboration.workspace_id == workspace_id,
                    Collaboration.creator_id.in_(chunk),  # type: ignore[attr-defined]
                )
                collab_set.update(int(i) for i in session.exec(stmt))  # type: ignore[arg-type]
        if gone:
            # Their collaborations were deleted with them (ON DELETE CASCADE), so SQL can no
            # longer name them: find them through the index's own metadata.
            for start in range(0, len(gone), _IN_CHUNK):
                chunk = gone[start : start + _IN_CHUNK]
                stale = vectors.ids(workspace_id, COLLABORATIONS, where={"creator_id": {"$in": chunk}})
                vectors.delete(workspace_id, COLLABORATIONS, stale)
    if collab_set:
        index_collaborations(sessions, vectors, workspace_id=workspace_id, collaboration_ids=sorted(collab_set))


def rebuild(
    sessions: sessionmaker[Session],
    vectors: VectorIndex,
    *,
    workspace_id: str,
    what: str = "all",
    on_progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Drop and re-create the workspace's index: ``what`` is ``creators``,
    ``collaborations`` or ``all``. Returns documents written per kind.
    ``on_progress(kind, done, total)`` reports each batch (kind is ``creators`` or
    ``collaborations``)."""
    if what not in WHAT_CHOICES:
        raise ValueError(f"unknown index {what!r}; expected one of {', '.join(WHAT_CHOICES)}")
    kinds = [CREATORS, COLLABORATIONS] if what == "all" else [what]
    out: dict[str, int] = {}
    for kind in kinds:
        progress: ProgressFn | None = None
        if on_progress is not None:
            progress = (lambda k: lambda done, total: on_progress(k, done, total))(kind)
        vectors.reset(workspace_id, kind)
        if kind == CREATORS:
            out[kind] = index_creators(sessions, vectors, workspace_id=workspace_id, on_progress=progress)
        else:
            out[kind] = index_collaborations(sessions, vectors, workspace_id=workspace_id, on_progress=progress)
    return out


def sql_counts(sessions: sessionmaker[Session], *, workspace_id: str) -> dict[str, int]:
    """How many creators and collaborations the workspace has in SQL (for ``index status``)."""
    with sessions() as session:
        creators = session.exec(select(func.count()).select_from(Creator).where(Creator.workspace_id == workspace_id)).one()
        collabs = session.exec(
            select(func.count()).select_from(Collaboration).where(Collaboration.workspace_id == workspace_id)
        ).one()
    return {CREATORS: int(creators), COLLABORATIONS: int(collabs)}
