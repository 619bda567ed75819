"""Creators (the person), their platform accounts, posts and brand mentions.

A creator is one person (or brand channel); an account is their presence on one
platform. Search filters run on ``account`` rows, so the creator attributes that
filters need (country, language, kind, has_email) are copied onto the account by the
repository whenever either side changes: one indexed table scan instead of a join per
candidate row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from memory.models.common import utcnow


class CreatorBase(SQLModel):
    name: str = Field(default="", max_length=200, description="Display name of the person or channel")
    kind: str = Field(default="influencer", max_length=16, description="influencer or kol")
    credentials: str | None = Field(default=None, max_length=500, description="KOL credentials, e.g. 'board-certified dermatologist'")
    email: str | None = Field(default=None, max_length=320)
    country: str | None = Field(default=None, max_length=2, description="ISO 3166-1 alpha-2")
    city: str | None = Field(default=None, max_length=120)
    language: str | None = Field(default=None, max_length=8, description="ISO 639-1")
    niches: str = Field(default="", max_length=500, description="Semicolon-separated, lower case")
    bio: str | None = Field(default=None, sa_column=Column(Text))
    audience_top_country: str | None = Field(default=None, max_length=2)
    audience_female_pct: float | None = Field(default=None, description="Share of female audience, 0-1")
    audience_age_18_34_pct: float | None = Field(default=None, description="Share of audience aged 18-34, 0-1")
    do_not_contact: bool = Field(default=False)


class Creator(CreatorBase, table=True):
    __table_args__ = (
        Index("ix_creator_ws_email", "workspace_id", "email"),
        Index("ix_creator_ws_external", "workspace_id", "external_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    external_id: str | None = Field(default=None, max_length=120, description="creator_id from an import file")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CreatorCreate(CreatorBase):
    external_id: str | None = None


class CreatorUpdate(SQLModel):
    name: str | None = None
    kind: str | None = None
    credentials: str | None = None
    email: str | None = None
    country: str | None = None
    city: str | None = None
    language: str | None = None
    niches: str | None = None
    bio: str | None = None
    audience_top_country: str | None = None
    audience_female_pct: float | None = None
    audience_age_18_34_pct: float | None = None
    do_not_contact: bool | None = None


class CreatorPublic(CreatorBase):
    id: int
    workspace_id: str


class CreatorNiche(SQLModel, table=True):
    """One row per (creator, niche): lets niche filters use an index."""

    __tablename__ = "creator_niche"
    __table_args__ = (Index("ix_creator_niche_ws_niche", "workspace_id", "niche", "creator_id"),)
    creator_id: int = Field(foreign_key="creator.id", primary_key=True, ondelete="CASCADE")
    niche: str = Field(primary_key=True, max_length=60)
    workspace_id: str = Field(max_length=64)


_COVER = ("platform", "followers", "engagement_rate", "country", "language", "kind", "has_email", "creator_id")


def _COVER_REST(*leading: str) -> tuple[str, ...]:  # noqa: N802 - reads like a constant in index specs
    """The filter columns not already leading an index, in a fixed order."""
    return tuple(c for c in _COVER if c not in leading)


class AccountBase(SQLModel):
    platform: str = Field(max_length=20)
    handle: str = Field(max_length=200, description="Handle without the leading @, lower case")
    followers: int = Field(default=0, ge=0)
    engagement_rate: float | None = Field(
        default=None, description="Effective ER, a fraction (0.034 = 3.4%), by the rule of memory.domain.analytics")
    reported_engagement_rate: float | None = Field(default=None, description="ER column of an imported file, as reported")
    engagement_basis: str = Field(default="followers", max_length=16, description="followers, reach or views")
    avg_likes: float | None = None
    avg_comments: float | None = None
    avg_views: float | None = None
    profile_url: str | None = Field(default=None, max_length=500)


class Account(AccountBase, table=True):
    __table_args__ = (
        UniqueConstraint("workspace_id", "platform", "handle", name="uq_account_ws_platform_handle"),
        # Covering indexes: every filter column is inside, so a search walks one index in
        # the requested order and never touches the table (see memory/repo/search.py).
        Index("ix_account_ws_followers", "workspace_id", "followers", "id", *_COVER_REST("followers")),
        Index("ix_account_ws_platform_followers", "workspace_id", "platform", "followers", "id",
              *_COVER_REST("platform", "followers")),
        Index("ix_account_ws_er", "workspace_id", "engagement_rate", "id", *_COVER_REST("engagement_rate")),
        Index("ix_account_ws_platform_er", "workspace_id", "platform", "engagement_rate", "id",
              *_COVER_REST("platform", "engagement_rate")),
        Index("ix_account_ws_country_followers", "workspace_id", "country", "followers", "id",
              *_COVER_REST("country", "followers")),
        Index("ix_account_ws_language_followers", "workspace_id", "language", "followers"),
        Index("ix_account_ws_kind_followers", "workspace_id", "kind", "followers", "id", *_COVER_REST("kind", "followers")),
        Index("ix_account_ws_last_post", "workspace_id", "last_post_at", "id", *_COVER_REST()),
        Index("ix_account_ws_handle", "workspace_id", "handle"),
        Index("ix_account_creator", "creator_id", "workspace_id", "platform", "followers", "engagement_rate", "country",
              "language", "kind", "has_email"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    creator_id: int = Field(foreign_key="creator.id", ondelete="CASCADE")
    # Denormalised from the creator for single-table filtering (kept in sync by memory.repo).
    country: str | None = Field(default=None, max_length=2)
    language: str | None = Field(default=None, max_length=8)
    kind: str = Field(default="influencer", max_length=16)
    has_email: bool = Field(default=False)
    last_post_at: datetime | None = None
    # Analytics (memory.domain.analytics, kept current by memory.repo.analytics).
    engagement_source: str | None = Field(default=None, max_length=12, description="posts, averages, views or reported")
    engagement_posts: int | None = Field(default=None, description="Posts the posts-based ER used")
    posts_per_week: float | None = Field(default=None, description="Posts per week over the last 90 days")
    followers_change_30d: int | None = Field(default=None, sa_type=BigInteger)
    growth_30d_pct: float | None = Field(default=None, description="Follower growth over 30 days, a fraction")
    followers_change_90d: int | None = Field(default=None, sa_type=BigInteger)
    growth_90d_pct: float | None = Field(default=None, description="Follower growth over 90 days, a fraction")
    # Audience credibility (memory.domain.credibility, a heuristic): 0-100 and its reasons (JSON list).
    credibility: int | None = Field(default=None, description="Audience credibility 0-100 (heuristic)")
    credibility_reasons: str | None = Field(default=None, sa_type=Text, description="JSON list of the reasons")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class FollowerSnapshot(SQLModel, table=True):
    """Followers of an account on one day (growth figures are computed from these)."""

    __tablename__ = "follower_snapshot"
    __table_args__ = (UniqueConstraint("account_id", "date", name="uq_follower_snapshot_account_date"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    date: date
    followers: int = Field(sa_type=BigInteger)
    source: str = Field(default="import", max_length=16, description="import, sync or seed")


class AccountCreate(AccountBase):
    pass


class AccountUpdate(SQLModel):
    followers: int | None = None
    engagement_rate: float | None = None
    reported_engagement_rate: float | None = None
    engagement_basis: str | None = None
    avg_likes: float | None = None
    avg_comments: float | None = None
    avg_views: float | None = None
    profile_url: str | None = None


class AccountPublic(AccountBase):
    id: int
    creator_id: int
    tier: str


class PostBase(SQLModel):
    platform: str = Field(max_length=20)
    url: str = Field(max_length=1000)
    posted_at: datetime
    caption: str | None = Field(default=None, sa_column=Column(Text))
    likes: int | None = None
    comments: int | None = None
    views: int | None = None
    shares: int | None = None
    saves: int | None = None
    is_sponsored: bool = False
    brands: str = Field(default="", max_length=500, description="Semicolon-separated brand names")


class Post(PostBase, table=True):
    __table_args__ = (
        UniqueConstraint("workspace_id", "url", name="uq_post_ws_url"),
        Index("ix_post_account_posted", "account_id", "posted_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)


class PostCreate(PostBase):
    handle: str


class PostPublic(PostBase):
    id: int
    account_id: int


class AccountBrand(SQLModel, table=True):
    """Brands an account mentioned in its posts (brand-affinity filter), maintained on post import."""

    __tablename__ = "account_brand"
    __table_args__ = (Index("ix_account_brand_ws_brand", "workspace_id", "brand", "account_id"),)
    account_id: int = Field(foreign_key="account.id", primary_key=True, ondelete="CASCADE")
    brand: str = Field(primary_key=True, max_length=120, description="Lower-cased brand name")
    workspace_id: str = Field(max_length=64)
    mentions: int = Field(default=1)
    sponsored_mentions: int = Field(default=0)
    last_mentioned_at: datetime | None = None
