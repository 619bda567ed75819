"""Shared column helpers and vocabularies for the SQL model.

Money is stored as integer minor units (``*_cents``: amount x 100) next to an ISO
4217 currency, never as floats: SQLite has no exact decimal type, and integer cents
sum identically on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


def utcnow() -> datetime:
    """Timezone-aware UTC now. SQLModel's UTCDateTime columns require aware datetimes
    and return them in UTC on both backends."""
    return datetime.now(UTC)


def to_cents(amount: Decimal | int | str) -> int:
    """Convert a decimal amount (``Decimal("2200.50")``) to integer cents, rounding half-up."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_cents(cents: int | None) -> Decimal | None:
    """Integer cents back to a two-place Decimal."""
    if cents is None:
        return None
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


class Platform(StrEnum):
    instagram = "instagram"
    tiktok = "tiktok"
    youtube = "youtube"
    facebook = "facebook"
    x = "x"
    linkedin = "linkedin"
    blog = "blog"
    podcast = "podcast"
    twitch = "twitch"
    pinterest = "pinterest"
    threads = "threads"
    snapchat = "snapchat"


class CreatorKind(StrEnum):
    influencer = "influencer"
    kol = "kol"


class EngagementBasis(StrEnum):
    """What an account's engagement rate was computed against (always shown with the number)."""

    followers = "followers"
    reach = "reach"
    views = "views"


class Stage(StrEnum):
    """Pipeline stages of a collaboration (DESIGN section 1)."""

    prospect = "prospect"
    contacted = "contacted"
    negotiating = "negotiating"
    agreed = "agreed"
    product_shipped = "product_shipped"
    content_submitted = "content_submitted"
    content_approved = "content_approved"
    posted = "posted"
    paid = "paid"
    closed = "closed"
    declined = "declined"
    on_hold = "on_hold"


PIPELINE: list[Stage] = [
    Stage.prospect,
    Stage.contacted,
    Stage.negotiating,
    Stage.agreed,
    Stage.product_shipped,
    Stage.content_submitted,
    Stage.content_approved,
    Stage.posted,
    Stage.paid,
    Stage.closed,
]


def allowed_moves(stage: Stage) -> set[Stage]:
    """Stages reachable from ``stage``: forward along the pipeline (skips allowed, e.g. a
    gifted-only deal without shipment, but not to paid/closed), one step back, and the side exits. ``declined``
    and ``on_hold`` can re-open into the early stages."""
    if stage in (Stage.declined, Stage.on_hold):
        return {Stage.prospect, Stage.contacted, Stage.negotiating, Stage.agreed} - {stage} | (
            {Stage.declined} if stage == Stage.on_hold else {Stage.on_hold}
        )
    if stage == Stage.closed:
        return set()
    i = PIPELINE.index(stage)
    moves = set(PIPELINE[i + 1 :])
    # Money and closure are not skipped to: paid only after the content is live or approved,
    # closed only once posted or paid (a deal that ends earlier is declined or on hold).
    if stage not in (Stage.content_approved, Stage.posted):
        moves.discard(Stage.paid)
    if stage not in (Stage.posted, Stage.paid):
        moves.discard(Stage.closed)
    if i > 0:
        moves.add(PIPELINE[i - 1])
    moves |= {Stage.declined, Stage.on_hold}
    return moves


class CampaignStatus(StrEnum):
    planned = "planned"
    active = "active"
    paused = "paused"
    finished = "finished"


class NegotiationKind(StrEnum):
    offer = "offer"
    counter = "counter"
    accept = "accept"
    decline = "decline"


class DeliverableStatus(StrEnum):
    planned = "planned"
    submitted = "submitted"
    changes_requested = "changes_requested"
    approved = "approved"
    posted = "posted"


class ShipmentStatus(StrEnum):
    pending = "pending"
    shipped = "shipped"
    delivered = "delivered"
    returned = "returned"
    lost = "lost"


class PayoutStatus(StrEnum):
    proposed = "proposed"
    approved = "approved"
    paid = "paid"
    rejected = "rejected"
    reversed = "reversed"  # a correction an approver confirmed (reverse_payout); no longer counts against the fee


class MessageStatus(StrEnum):
    draft = "draft"
    approved = "approved"
    scheduled = "scheduled"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    cancelled = "cancelled"
    received = "received"


class ActionStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    executed = "executed"
    failed = "failed"
    expired = "expired"
