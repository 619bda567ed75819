"""Outreach messages (drafts, scheduled sends, follow-ups, replies) and the do-not-contact list.

Sending is claimed, never assumed: the sender first takes the workspace's send lock (a
no-op UPDATE of the workspace row, which is a row lock on PostgreSQL and the database
write lock on SQLite), then moves due messages from ``scheduled`` to ``sending`` with a
conditional UPDATE (``WHERE status = 'scheduled'``). Of two workers, each message goes to
exactly one; the lock also makes the daily-cap count of one worker see the other's
in-flight messages. A claim is a lease (``lease_expires_at``, ``lease_token``) renewed while
the worker lives; a lapsed one is reclaimed by the next claimer (``reclaim_expired``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, literal, or_, update
from sqlmodel import Session, select

from memory.models import Creator, DoNotContact, OutreachMessage, Workspace
from memory.models.common import MessageStatus, utcnow

OPEN_OUTBOUND = (MessageStatus.draft.value, MessageStatus.approved.value, MessageStatus.scheduled.value)


def get_message(session: Session, *, workspace_id: str, message_id: int) -> OutreachMessage | None:
    """A message of the workspace by id (ids of other workspaces are not found)."""
    m = session.get(OutreachMessage, message_id)
    return m if m is not None and m.workspace_id == workspace_id else None


def messages_for_campaign(
    session: Session,
    *,
    workspace_id: str,
    campaign_id: int,
    statuses: Sequence[str] | None = None,
    creator_ids: Iterable[int] | None = None,
    direction: str | None = "out",
    limit: int = 2000,
) -> list[OutreachMessage]:
    """Messages of a campaign, by creator then step, optionally filtered."""
    q = select(OutreachMessage).where(OutreachMessage.workspace_id == workspace_id, OutreachMessage.campaign_id == campaign_id)
    if statuses:
        q = q.where(OutreachMessage.status.in_(list(statuses)))  # type: ignore[attr-defined]
    if creator_ids is not None:
        q = q.where(OutreachMessage.creator_id.in_(list(creator_ids)))  # type: ignore[attr-defined]
    if direction is not None:
        q = q.where(OutreachMessage.direction == direction)
    q = q.order_by(OutreachMessage.creator_id, OutreachMessage.step, OutreachMessage.id).limit(limit)  # type: ignore[arg-type]
    return list(session.exec(q))


def first_message(session: Session, *, workspace_id: str, campaign_id: int, creator_id: int) -> OutreachMessage | None:
    """The creator's first outbound message (step 0) in the campaign that is not cancelled, newest first."""
    return session.exec(
        select(OutreachMessage).where(
            OutreachMessage.workspace_id == workspace_id, OutreachMessage.campaign_id == campaign_id,
            OutreachMessage.creator_id == creator_id, OutreachMessage.direction == "out", OutreachMessage.step == 0,
            OutreachMessage.status != MessageStatus.cancelled.value,
        ).order_by(OutreachMessage.id.desc())  # type: ignore[union-attr]
    ).first()


def creators_with_first_message(session: Session, *, workspace_id: str, campaign_id: int,
                                creator_ids: Iterable[int] | None = None) -> set[int]:
    """Creators that already have a (not cancelled) first message in the campaign: bulk drafting skips them."""
    q = select(OutreachMessage.creator_id).where(
        OutreachMessage.workspace_id == workspace_id, OutreachMessage.campaign_id == campaign_id,
        OutreachMessage.direction == "out", OutreachMessage.step == 0,
        OutreachMessage.status != MessageStatus.cancelled.value,
    )
    if creator_ids is not None:
        q = q.where(OutreachMessage.creator_id.in_(list(creator_ids)))  # type: ignore[attr-defined]
    return set(session.exec(q).all())


def thread(session: Session, *, workspace_id: str, campaign_id: int, creator_id: int) -> list[OutreachMessage]:
    """Every message (both directions) between us and the creator in a campaign, oldest first."""
    return list(session.exec(
        select(OutreachMessage).where(
            OutreachMessage.workspace_id == workspace_id, OutreachMessage.campaign_id == campaign_id,
            OutreachMessage.creator_id == creator_id,
        ).order_by(OutreachMessage.created_at, OutreachMessage.id)  # type: ignore[arg-type]
    ))


def has_reply(session: Session, *, workspace_id: str, campaign_id: int | None, creator_id: int) -> bool:
    """True if the creator answered (an inbound message) in this campaign."""
    q = select(func.count()).select_from(OutreachMessage).where(
        OutreachMessage.workspace_id == workspace_id, OutreachMessage.creator_id == creator_id,
        OutreachMessage.direction == "in")
    if campaign_id is not None:
        q = q.where(OutreachMessage.campaign_id == campaign_id)
    return session.exec(q).one() > 0


# --- do not contact ---------------------------------------------------------------------------


def _norm_email(email: str) -> str:
    return email.strip().lower()


def dnc_emails(session: Session, *, workspace_id: str, emails: Iterable[str]) -> set[str]:
    """Which of ``emails`` (lower-cased) are on the workspace's do-not-contact list."""
    wanted = {_norm_email(e) for e in emails if e}
    if not wanted:
        return set()
    rows = session.exec(
        select(DoNotContact.email).where(DoNotContact.workspace_id == workspace_id,
                                         func.lower(DoNotContact.email).in_(sorted(wanted)))
    ).all()
    return {_norm_email(r) for r in rows}


def dnc_reason(session: Session, *, workspace_id: str, creator: Creator, email: str | None = None) -> str | None:
    """Why the creator must not be contacted (flag on the creator, or the address on the list), else None."""
    if creator.do_not_contact:
        return "marked do-not-contact"
    for addr in {a for a in (email, creator.email) if a}:
        if dnc_emails(session, workspace_id=workspace_id, emails=[addr]):
            return f"{addr} is on the do-not-contact list"
    return None


def find_dnc(session: Session, *, workspace_id: str, email: str) -> DoNotContact | None:
    return session.exec(
        select(DoNotContact).where(DoNotContact.workspace_id == workspace_id,
                                   func.lower(DoNotContact.email) == _norm_email(email))
    ).first()


def cancel_open(
    session: Session, *, workspace_id: str, creator_id: int, campaign_id: int | None = None, min_step: int = 0,
    reason: str, statuses: Sequence[str] = (MessageStatus.scheduled.value, MessageStatus.approved.value),
) -> list[OutreachMessage]:
    """Mark not-yet-sent outbound messages cancelled (a reply, a decline, an unsubscribe) and
    return them. Messages already being sent are left to the sender, which re-checks."""
    q = select(OutreachMessage).where(
        OutreachMessage.workspace_id == workspace_id, OutreachMessage.creator_id == creator_id,
        OutreachMessage.direction == "out", OutreachMessage.step >= min_step,
        OutreachMessage.status.in_(list(statuses)),  # type: ignore[attr-defined]
    )
    if campaign_id is not None:
        q = q.where(OutreachMessage.campaign_id == campaign_id)
    rows = list(session.exec(q))
    now = utcnow()
    for m in rows:
        m.status, m.last_error, m.updated_at = MessageStatus.cancelled.value, reason[:500], now
        session.add(m)
    session.flush()
    return rows


# --- counting for caps ------------------------------------------------------------------------


def count_sent_since(session: Session, *, workspace_id: str, since: datetime, first_only: bool = False) -> int:
    """Messages sent since ``since`` plus those being sent right now (in flight counts toward caps)."""
    q = select(func.count()).select_from(OutreachMessage).where(
        OutreachMessage.workspace_id == workspace_id, OutreachMessage.direction == "out",
        or_(
            (OutreachMessage.status == MessageStatus.sent.value) & (OutreachMessage.sent_at >= since),  # type: ignore[operator]
            OutreachMessage.status == MessageStatus.sending.value,
        ),
    )
    if first_only:
        q = q.where(OutreachMessage.step == 0)
    return session.exec(q).one()


def count_planned_between(session: Session, *, workspace_id: str, start: datetime, end: datetime, first_only: bool) -> int:
    """Messages scheduled, being sent or sent in [start, end) — used to spread first messages over days."""
    sched = (OutreachMessage.status == MessageStatus.scheduled.value) & (OutreachMessage.scheduled_at >= start) & (
        OutreachMessage.scheduled_at < end)  # type: ignore[operator]
    sent = (OutreachMessage.status == MessageStatus.sent.value) & (OutreachMessage.sent_at >= start) & (
        OutreachMessage.sent_at < end)  # type: ignore[operator]
    sending = (OutreachMessage.status == MessageStatus.sending.value) & (OutreachMessage.scheduled_at >= start) & (
        OutreachMessage.scheduled_at < end)  # type: ignore[operator]
    q = select(func.count()).select_from(OutreachMessage).where(
        OutreachMessage.workspace_id == workspace_id, OutreachMessage.direction == "out", or_(sched, sent, sending))
    if first_only:
        q = q.where(OutreachMessage.step == 0)
    return session.exec(q).one()


# --- claiming due messages --------------------------------------------------------------------


def lock_workspace(session: Session, *, workspace_id: str) -> None:
    """Serialise senders of one workspace until the transaction ends. A no-op UPDATE is a row
    lock on PostgreSQL and takes SQLite's write lock up front (so no stale read precedes it)."""
    session.execute(update(Workspace).where(Workspace.id == workspace_id).values(name=Workspace.name))


def due_candidates(session: Session, *, workspace_id: str, now: datetime, limit: int) -> list[OutreachMessage]:
    """Scheduled outbound messages whose time has come, oldest first (follow-ups after first messages)."""
    return list(session.exec(
        select(OutreachMessage).where(
            OutreachMessage.workspace_id == workspace_id, OutreachMessage.status == MessageStatus.scheduled.value,
            OutreachMessage.scheduled_at <= now,  # type: ignore[operator]
        ).order_by(OutreachMessage.scheduled_at, OutreachMessage.step, OutreachMessage.id).limit(limit)  # type: ignore[arg-type]
    ))


def claim(session: Session, *, message_id: int, now: datetime, lease_until: datetime, token: str) -> bool:
    """scheduled → sending, only if still scheduled. True when this caller won the message.
    The claim is a lease: it lapses at ``lease_until`` unless renewed (``renew_leases``), and
    only the holder of ``token`` may renew or record it. The first claim stamps
    ``first_attempt_at`` (the maximum age counts from there)."""
    first = OutreachMessage.__table__.c.first_attempt_at  # type: ignore[attr-defined]
    res = session.execute(
        update(OutreachMessage)
        .where(OutreachMessage.id == message_id, OutreachMessage.status == MessageStatus.scheduled.value)
        .values(status=MessageStatus.sending.value, updated_at=now, lease_expires_at=lease_until, lease_token=token,
                first_attempt_at=func.coalesce(first, literal(now, first.type)))
    )
    return res.rowcount == 1


def renew_leases(session: Session, *, workspace_id: str, token: str, message_ids: Sequence[int],
                 until: datetime) -> set[int]:
    """Extend the leases this claim still holds; returns the ids still held (a lapsed lease
    may have been reclaimed by another worker, which then owns the message)."""
    if not message_ids:
        return set()
    held = (OutreachMessage.workspace_id == workspace_id, OutreachMessage.status == MessageStatus.sending.value,
            OutreachMessage.lease_token == token, OutreachMessage.id.in_(list(message_ids)))  # type: ignore[union-attr]
    session.execute(update(OutreachMessage).where(*held).values(lease_expires_at=until))
    return set(session.exec(select(OutreachMessage.id).where(*held)).all())  # type: ignore[arg-type]


def reclaim_expired(session: Session, *, workspace_id: str, now: datetime, legacy_after: timedelta) -> list[OutreachMessage]:
    """Messages left in ``sending`` by a worker that died (lease lapsed; rows claimed before
    leases existed: ``updated_at`` older than ``legacy_after``) go back to ``scheduled`` with
    the same Message-ID and no attempt charged: never lost; a duplicate delivery (crash after
    DATA, before the server's reply) is recognisable by its Message-ID."""
    lapsed = or_(OutreachMessage.lease_expires_at < now,  # type: ignore[operator]
                 OutreachMessage.lease_expires_at.is_(None) & (OutreachMessage.updated_at < now - legacy_after))  # type: ignore[union-attr, operator]
    rows = list(session.exec(
        select(OutreachMessage).where(
            OutreachMessage.workspace_id == workspace_id, OutreachMessage.status == MessageStatus.sending.value, lapsed)
    ))
    for m in rows:
        m.status, m.lease_expires_at, m.lease_token, m.updated_at = MessageStatus.scheduled.value, None, None, utcnow()
        m.last_error = "worker stopped while sending; retried with the same Message-ID"
        session.add(m)
    session.flush()
    return rows


def mark_due_unreachable(session: Session, *, workspace_id: str, now: datetime, error: str) -> int:
    """The SMTP server is down: every due scheduled message starts its maximum-age clock (if
    it has not yet) and remembers why it waits. Returns how many there are."""
    first = OutreachMessage.__table__.c.first_attempt_at  # type: ignore[attr-defined]
    res = session.execute(
        update(OutreachMessage).where(
            OutreachMessage.workspace_id == workspace_id, OutreachMessage.status == MessageStatus.scheduled.value,
            OutreachMessage.direction == "out", OutreachMessage.scheduled_at <= now,  # type: ignore[operator]
        ).values(last_error=error[:500], first_attempt_at=func.coalesce(first, literal(now, first.type)))
    )
    return res.rowcount
