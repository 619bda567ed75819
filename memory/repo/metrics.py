"""Metric snapshots: keeping the "latest cumulative snapshot wins" flag current, and reading
the per-deliverable rows that campaign summaries aggregate.

Snapshots are cumulative per deliverable (views so far, clicks so far...). A summary as of
today sums the newest snapshot of each deliverable (``is_latest``: an indexed flag, so a
10,000-creator campaign reads 10,000 rows, not 900,000). A summary as of an earlier date, or
for a period, takes the newest snapshot on or before each boundary instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session

from memory.models import Account, Collaboration, Creator, MetricSnapshot

VOLUME_FIELDS = ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks", "conversions", "revenue_cents")


def refresh_latest(session: Session, *, campaign_ids: Iterable[int]) -> None:
    """Recompute ``is_latest`` for the given campaigns (set-based: two UPDATEs per campaign)."""
    m2 = aliased(MetricSnapshot)
    for cid in set(campaign_ids):
        newest = (
            select(func.max(m2.date))
            .where(m2.workspace_id == MetricSnapshot.workspace_id, m2.campaign_id == MetricSnapshot.campaign_id,
                   m2.account_id == MetricSnapshot.account_id, m2.deliverable_url == MetricSnapshot.deliverable_url)
            .scalar_subquery()
        )
        session.execute(update(MetricSnapshot).where(MetricSnapshot.campaign_id == cid).values(is_latest=False))
        session.execute(update(MetricSnapshot).where(MetricSnapshot.campaign_id == cid, MetricSnapshot.date == newest).values(is_latest=True))
    session.flush()


def _as_of(campaign_id: int, on_or_before: date):  # noqa: ANN202
    """Subquery: the newest snapshot id of each deliverable on or before a date."""
    ranked = (
        select(
            MetricSnapshot.id.label("sid"),
            func.row_number().over(
                partition_by=(MetricSnapshot.account_id, MetricSnapshot.deliverable_url),
                order_by=MetricSnapshot.date.desc(),
            ).label("rn"),
        )
        .where(MetricSnapshot.campaign_id == campaign_id, MetricSnapshot.date <= on_or_before)
        .subquery()
    )
    return select(ranked.c.sid).where(ranked.c.rn == 1)


DELIVERABLE_COLUMNS = ("account_id", "deliverable_url", "date", "currency", "collaboration_id", *VOLUME_FIELDS,
                       "handle", "platform", "followers", "creator_id", "kind", "country", "niches", "name")
COST_COLUMNS = ("id", "creator_id", "account_id", "stage", "agreed_fee_cents", "product_cost_cents", "shipping_cost_cents",
                "currency", "handle", "platform", "followers", "kind", "country", "niches")


def deliverable_rows(session: Session, *, workspace_id: str, campaign_id: int, as_of: date | None = None,
                     as_tuples: bool = False) -> list[Any]:
    """One row per deliverable: its cumulative volumes (newest snapshot, or newest on/before
    ``as_of``) with the account, creator and collaboration attributes summaries group by.
    Dicts by default; ``as_tuples`` gives plain rows in DELIVERABLE_COLUMNS order (the summary
    hot path: no per-row dict for 10,000 deliverables)."""
    cols = [getattr(MetricSnapshot, f) for f in VOLUME_FIELDS]
    q = (
        select(
            MetricSnapshot.account_id, MetricSnapshot.deliverable_url, MetricSnapshot.date, MetricSnapshot.currency,
            MetricSnapshot.collaboration_id, *cols,
            Account.handle, Account.platform, Account.followers, Account.creator_id,
            Creator.kind, Creator.country, Creator.niches, Creator.name,
        )
        .join(Account, Account.id == MetricSnapshot.account_id)
        .join(Creator, Creator.id == Account.creator_id)
        .where(MetricSnapshot.workspace_id == workspace_id, MetricSnapshot.campaign_id == campaign_id)
    )
    if as_of is None:
        q = q.where(MetricSnapshot.is_latest.is_(True))
    else:
        q = q.where(MetricSnapshot.id.in_(_as_of(campaign_id, as_of)))
    result = session.connection().execute(q)
    return result.all() if as_tuples else [r._asdict() for r in result]


def daily_rows(session: Session, *, workspace_id: str, campaign_id: int, start: date | None, end: date | None) -> list[dict[str, Any]]:
    """Every snapshot of the campaign in date order (for per-day deltas and time series)."""
    q = (
        select(MetricSnapshot.account_id, MetricSnapshot.deliverable_url, MetricSnapshot.date, MetricSnapshot.currency,
               *[getattr(MetricSnapshot, f) for f in VOLUME_FIELDS])
        .where(MetricSnapshot.workspace_id == workspace_id, MetricSnapshot.campaign_id == campaign_id)
        .order_by(MetricSnapshot.account_id, MetricSnapshot.deliverable_url, MetricSnapshot.date)
    )
    if end is not None:
        q = q.where(MetricSnapshot.date <= end)
    rows = [dict(r._mapping) for r in session.execute(q)]
    del start  # deltas need the snapshot before the period too; callers filter after differencing
    return rows


def collaboration_costs(session: Session, *, workspace_id: str, campaign_id: int, as_tuples: bool = False) -> list[Any]:
    """Per collaboration: agreed fee, product and shipping cost (cents, currency), its account
    and creator attributes (so costs group the same way as volumes), and its discount codes'
    redemptions (orders, revenue) for code-beats-link attribution."""
    q = (
        select(Collaboration.id, Collaboration.creator_id, Collaboration.account_id, Collaboration.stage,
               Collaboration.agreed_fee_cents, Collaboration.product_cost_cents, Collaboration.shipping_cost_cents,
               Collaboration.currency, Account.handle, Account.platform, Account.followers,
               Creator.kind, Creator.country, Creator.niches)
        .join(Creator, Creator.id == Collaboration.creator_id)
        .join(Account, Account.id == Collaboration.account_id, isouter=True)
        .where(Collaboration.workspace_id == workspace_id, Collaboration.campaign_id == campaign_id)
    )
    result = session.connection().execute(q)
    return result.all() if as_tuples else [r._asdict() for r in result]


def code_redemptions(session: Session, *, workspace_id: str, campaign_id: int, start: date | None, end: date | None) -> list[dict[str, Any]]:
    """Redemptions of the campaign's discount codes, per collaboration, code, currency and date."""
    from memory.models import CodeRedemption, DiscountCode

    q = (
        select(DiscountCode.collaboration_id, CodeRedemption.code, CodeRedemption.date, CodeRedemption.orders,
               CodeRedemption.revenue_cents, CodeRedemption.currency)
        .join(DiscountCode, and_(DiscountCode.workspace_id == CodeRedemption.workspace_id, DiscountCode.code == CodeRedemption.code))
        .join(Collaboration, Collaboration.id == DiscountCode.collaboration_id)
        .where(CodeRedemption.workspace_id == workspace_id, Collaboration.campaign_id == campaign_id)
    )
    if start is not None:
        q = q.where(CodeRedemption.date >= start)
    if end is not None:
        q = q.where(CodeRedemption.date <= end)
    return [r._asdict() for r in session.connection().execute(q)]


def snapshot_dates(session: Session, *, campaign_id: int) -> tuple[date | None, date | None]:
    """Oldest and newest snapshot date. Two single-aggregate queries: SQLite answers each from
    the (campaign_id, date) index in one step, but scans for MIN and MAX in one statement."""
    lo = session.execute(select(func.min(MetricSnapshot.date)).where(MetricSnapshot.campaign_id == campaign_id)).scalar()
    hi = session.execute(select(func.max(MetricSnapshot.date)).where(MetricSnapshot.campaign_id == campaign_id)).scalar()
    return lo, hi


__all__ = ["VOLUME_FIELDS", "code_redemptions", "collaboration_costs", "daily_rows", "deliverable_rows", "refresh_latest", "snapshot_dates"]
