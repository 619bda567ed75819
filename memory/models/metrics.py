"""Per-deliverable metric snapshots (cumulative; the latest snapshot wins) and code redemptions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from memory.models.common import utcnow


class MetricSnapshot(SQLModel, table=True):
    __tablename__ = "metric_snapshot"
    __table_args__ = (
        UniqueConstraint("workspace_id", "campaign_id", "account_id", "deliverable_url", "date", name="uq_metric_snapshot"),
        Index("ix_metric_campaign_date", "campaign_id", "date"),
        Index("ix_metric_campaign_latest", "campaign_id", "is_latest"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    collaboration_id: int | None = Field(default=None, foreign_key="collaboration.id", ondelete="SET NULL")
    deliverable_url: str = Field(default="", max_length=1000)
    date: date
    impressions: int = Field(default=0, sa_type=BigInteger)
    reach: int = Field(default=0, sa_type=BigInteger)
    views: int = Field(default=0, sa_type=BigInteger)
    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    clicks: int = 0
    conversions: int = 0
    revenue_cents: int = Field(default=0, sa_type=BigInteger)
    currency: str = Field(default="USD", max_length=3)
    # True on the newest snapshot of each (account, deliverable): snapshots are cumulative, so
    # "latest wins" totals read only these rows. Maintained by memory.repo.metrics.refresh_latest.
    is_latest: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)


class CodeRedemption(SQLModel, table=True):
    __tablename__ = "code_redemption"
    __table_args__ = (UniqueConstraint("workspace_id", "code", "date", name="uq_redemption_code_date"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    code: str = Field(max_length=40)
    date: date
    orders: int = 0
    revenue_cents: int = Field(default=0, sa_type=BigInteger)
    currency: str = Field(default="USD", max_length=3)
