"""Campaigns and the collaboration CRM: stages, negotiations, deliverables, shipments,
discount codes, tracking links and payouts. Amounts are integer cents + currency."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from memory.models.common import utcnow


class CampaignBase(SQLModel):
    name: str = Field(max_length=200)
    brand: str = Field(default="", max_length=200)
    goal: str = Field(default="awareness", max_length=40, description="awareness, consideration, conversions, credibility, education, launch")
    status: str = Field(default="planned", max_length=16, description="planned, active, paused, finished")
    budget_cents: int | None = Field(default=None, sa_type=BigInteger)
    currency: str = Field(default="USD", max_length=3)
    start_date: date | None = None
    end_date: date | None = None
    brief: str | None = Field(default=None, sa_column=Column(Text))
    language: str = Field(default="en", max_length=8, description="Language of outreach")
    tone: str = Field(default="friendly", max_length=40)
    target_niches: str = Field(default="", max_length=500, description="Semicolon-separated")
    target_tiers: str = Field(default="", max_length=100, description="Semicolon-separated")


class Campaign(CampaignBase, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_campaign_ws_name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64, index=True)
    # Sending settings (follow-up delays, caps, window) — shape owned by the outreach module.
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CampaignCreate(CampaignBase):
    settings: dict[str, Any] = Field(default_factory=dict)


class CampaignUpdate(SQLModel):
    name: str | None = None
    brand: str | None = None
    goal: str | None = None
    status: str | None = None
    budget_cents: int | None = Field(default=None, sa_type=BigInteger)
    currency: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    brief: str | None = None
    language: str | None = None
    tone: str | None = None
    target_niches: str | None = None
    target_tiers: str | None = None
    settings: dict[str, Any] | None = None


class CampaignPublic(CampaignBase):
    id: int


class CollaborationBase(SQLModel):
    stage: str = Field(default="prospect", max_length=24)
    agreed_fee_cents: int | None = Field(default=None, sa_type=BigInteger)
    currency: str = Field(default="USD", max_length=3)
    product_cost_cents: int = Field(default=0, sa_type=BigInteger)
    shipping_cost_cents: int = Field(default=0, sa_type=BigInteger)
    terms: str | None = Field(default=None, max_length=1000, description="Usage rights, exclusivity, ...")


class Collaboration(CollaborationBase, table=True):
    __table_args__ = (
        UniqueConstraint("campaign_id", "creator_id", name="uq_collab_campaign_creator"),
        Index("ix_collab_ws_stage", "workspace_id", "stage"),
        Index("ix_collab_creator", "creator_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    creator_id: int = Field(foreign_key="creator.id", ondelete="CASCADE")
    account_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    # Optimistic concurrency: stage moves update WHERE version = expected.
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CollaborationPublic(CollaborationBase):
    id: int
    campaign_id: int
    creator_id: int
    account_id: int | None


class StageEvent(SQLModel, table=True):
    __tablename__ = "stage_event"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64, index=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True, ondelete="CASCADE")
    from_stage: str | None = Field(default=None, max_length=24)
    to_stage: str = Field(max_length=24)
    actor: str = Field(default="system", max_length=64)
    note: str | None = Field(default=None, max_length=1000)
    at: datetime = Field(default_factory=utcnow)


class NegotiationEvent(SQLModel, table=True):
    __tablename__ = "negotiation_event"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64, index=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16, description="offer, counter, accept, decline")
    party: str = Field(default="creator", max_length=16, description="brand or creator")
    amount_cents: int | None = Field(default=None, sa_type=BigInteger)
    currency: str | None = Field(default=None, max_length=3)
    deliverables: str | None = Field(default=None, max_length=500, description="e.g. '1 reel + 2 stories'")
    usage_rights_days: int | None = None
    exclusivity_days: int | None = None
    note: str | None = Field(default=None, sa_column=Column(Text))
    actor: str = Field(default="system", max_length=64)
    at: datetime = Field(default_factory=utcnow)


class Deliverable(SQLModel, table=True):
    __table_args__ = (Index("ix_deliverable_ws_due", "workspace_id", "status", "due_date"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True, ondelete="CASCADE")
    type: str = Field(max_length=40, description="reel, story, post, video, short, article, podcast, ...")
    count: int = Field(default=1, ge=1)
    due_date: date | None = None
    status: str = Field(default="planned", max_length=24)
    content_url: str | None = Field(default=None, max_length=1000)
    feedback: str | None = Field(default=None, max_length=2000)
    posted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Shipment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64, index=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True, ondelete="CASCADE")
    product: str = Field(max_length=200)
    carrier: str | None = Field(default=None, max_length=60)
    tracking_number: str | None = Field(default=None, max_length=120)
    status: str = Field(default="pending", max_length=16)
    cost_cents: int = Field(default=0, sa_type=BigInteger)
    currency: str = Field(default="USD", max_length=3)
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class DiscountCode(SQLModel, table=True):
    __tablename__ = "discount_code"
    __table_args__ = (UniqueConstraint("workspace_id", "code", name="uq_code_ws_code"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=40, description="Upper case")
    discount_pct: float | None = None
    created_at: datetime = Field(default_factory=utcnow)


class TrackingLink(SQLModel, table=True):
    __tablename__ = "tracking_link"
    __table_args__ = (UniqueConstraint("workspace_id", "slug", name="uq_link_ws_slug"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True, ondelete="CASCADE")
    slug: str = Field(max_length=40)
    destination_url: str = Field(max_length=1000)
    url: str = Field(max_length=1500, description="Destination with UTM parameters")
    utm_source: str = Field(max_length=100)
    utm_medium: str = Field(default="influencer", max_length=100)
    utm_campaign: str = Field(max_length=100)
    utm_content: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class Payout(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64, index=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True, ondelete="CASCADE")
    amount_cents: int = Field(sa_type=BigInteger)
    currency: str = Field(max_length=3)
    status: str = Field(default="proposed", max_length=16)
    note: str | None = Field(default=None, max_length=500)
    proposed_by: str = Field(max_length=64)
    approved_by: str | None = Field(default=None, max_length=64)
    approved_at: datetime | None = None
    paid_at: datetime | None = None
    reference: str | None = Field(default=None, max_length=120)
    created_at: datetime = Field(default_factory=utcnow)


class Note(SQLModel, table=True):
    """A free-text note on a collaboration (or on a creator outside any campaign)."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64, index=True)
    creator_id: int = Field(foreign_key="creator.id", index=True, ondelete="CASCADE")
    collaboration_id: int | None = Field(default=None, foreign_key="collaboration.id", index=True, ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False))
    actor: str = Field(default="system", max_length=64)
    at: datetime = Field(default_factory=utcnow)
