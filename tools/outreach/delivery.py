"""The worker's side of outreach delivery: claims and outcomes (no network here).

1. ``claim_batch`` — under the workspace send lock, reclaims messages whose worker died
   (lease lapsed), gives up on messages not delivered within ``outreach_max_age_hours`` of
   their first attempt, re-checks each due message (window, caps, do-not-contact, reply,
   previous step sent) and claims it with a conditional UPDATE scheduled → sending, as a
   lease (``LEASE``) the worker renews before each message (``renew``). Two workers never
   get the same message.
2. ``record_*`` — the outcome of one SMTP transaction: sent (the collaboration moves to
   contacted, the next follow-up is timed from the real send), retry with backoff (a failure
   of the message itself: ``MAX_ATTEMPTS`` of those and it fails), failed (its follow-ups
   are cancelled), ``release`` untouched on a configuration error, or
   ``release_unreachable`` when the server cannot be reached: no attempt charged, a short
   backoff, the maximum-age clock runs.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from memory.db import session_scope
from memory.models import Campaign, Collaboration, Creator, OutreachMessage
from memory.models.common import MessageStatus, Stage, utcnow
from memory.repo import outreach as repo
from memory.repo.changes import ChangeSet
from tools.base import ToolContext
from tools.crm import common as crm_common
from tools.outreach import common
from tools.outreach.lang import FOLLOWUP_SUBJECT_PREFIX, FOOTER, lang_of
from tools.outreach.sequences import (
    followup_days,
    in_window,
    local_day_bounds,
    next_send_time,
    window_for,
    workspace_tz,
)

MAX_ATTEMPTS = 6
LEASE = timedelta(seconds=60)  # a claim lapses this long after its last renewal: with the default 60 s
# worker interval a dead worker's messages are reclaimed within 2 minutes
LEGACY_STUCK_AFTER = timedelta(minutes=15)  # rows claimed before leases existed
UNREACHABLE_BACKOFF = timedelta(minutes=2)
ACTIVE_STAGES = (Stage.prospect.value, Stage.contacted.value)


def backoff(attempts: int) -> timedelta:
    """5 min, 10, 20, 40 … capped at 6 h: a temporary failure is retried, never dropped."""
    return min(timedelta(minutes=5) * (2 ** max(0, attempts - 1)), timedelta(hours=6))


@dataclass
class Outgoing:
    """A claimed message, detached from the session, ready for the SMTP transaction."""

    id: int
    to: str
    subject: str
    body: str
    message_id: str
    in_reply_to: str | None
    step: int
    handle: str
    campaign: str
    attempts: int

    @property
    def label(self) -> str:
        return f"{self.handle} ({self.campaign}, {'first email' if self.step == 0 else f'follow-up {self.step}'})"


@dataclass
class ClaimResult:
    token: str = ""  # the lease token of this claim (renew, record)
    outgoing: list[Outgoing] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)  # given up: older than the maximum age
    waiting: Counter[str] = field(default_factory=Counter)  # reason -> count (window, caps)
    reclaimed: int = 0  # lapsed leases of a worker that died


def _email_text(m: OutreachMessage, lang: str) -> str:
    return m.body.rstrip() + "\n\n-- \n" + FOOTER[lang]


def claim_batch(ctx: ToolContext, *, now: datetime, limit: int = 20, lease: timedelta = LEASE) -> ClaimResult:
    """Claim up to ``limit`` due messages for sending (see the module docstring)."""
    out = ClaimResult(token=uuid.uuid4().hex)
    max_age = timedelta(hours=ctx.settings.outreach_max_age_hours)
    with session_scope(ctx.sessions) as s:
        repo.lock_workspace(s, workspace_id=ctx.workspace_id)
        out.reclaimed = len(repo.reclaim_expired(s, workspace_id=ctx.workspace_id, now=now,
                                                 legacy_after=LEGACY_STUCK_AFTER))
        tz = workspace_tz(s, ctx.workspace_id)
        day_start, _ = local_day_bounds(now, tz)
        sent_all = repo.count_sent_since(s, workspace_id=ctx.workspace_id, since=day_start)
        sent_first = repo.count_sent_since(s, workspace_id=ctx.workspace_id, since=day_start, first_only=True)
        camps: dict[int, Campaign] = {}
        for m in repo.due_candidates(s, workspace_id=ctx.workspace_id, now=now, limit=limit * 5):
            camp = camps.get(m.campaign_id) or s.get(Campaign, m.campaign_id)
            camps[m.campaign_id] = camp
            if m.first_attempt_at is not None and now - m.first_attempt_at >= max_age:
                out.expired.append(_give_up(s, ctx, m, camp, max_age))
                continue
            window = window_for(ctx, camp)
            if not in_window(now, tz, window):
                out.waiting[f"outside the sending window {window}"] += 1
                continue
            label = common.handle_of(s, m.creator_id)
            stop = _stop_reason(s, ctx, m)
            if stop:
                repo.cancel_open(s, workspace_id=ctx.workspace_id, creator_id=m.creator_id, campaign_id=m.campaign_id,
                                 min_step=m.step, reason=stop)
                out.cancelled.append(f"{label} ({stop})")
                continue
            if m.step > 0:
                prev = _previous(s, m)
                if prev is None or prev.status in (MessageStatus.failed.value, MessageStatus.cancelled.value):
                    repo.cancel_open(s, workspace_id=ctx.workspace_id, creator_id=m.creator_id,
                                     campaign_id=m.campaign_id, min_step=m.step, reason="the previous message was not sent")
                    out.cancelled.append(f"{label} (previous message not sent)")
                    continue
                if prev.status != MessageStatus.sent.value or prev.sent_at is None:
                    m.scheduled_at = now + timedelta(hours=1)  # wait for the earlier step
                    s.add(m)
                    continue
                due = next_send_time(prev.sent_at + _gap(camp, m.step), tz, window)
                if due > now:
                    m.scheduled_at = due
                    s.add(m)
                    continue
            if sent_all >= ctx.settings.send_daily_cap:
                out.waiting[f"daily cap of {ctx.settings.send_daily_cap} reached"] += 1
                continue
            if m.step == 0 and sent_first >= ctx.settings.send_new_contacts_daily_cap:
                out.waiting[f"new-contacts cap of {ctx.settings.send_new_contacts_daily_cap} reached"] += 1
                continue
            if not m.to_address or not m.message_id:
                repo.cancel_open(s, workspace_id=ctx.workspace_id, creator_id=m.creator_id, campaign_id=m.campaign_id,
                                 min_step=m.step, reason="no address or Message-ID")
                out.cancelled.append(f"{label} (no address)")
                continue
            s.flush()
            if not repo.claim(s, message_id=m.id, now=now, lease_until=now + lease, token=out.token):
                continue  # another worker has it
            sent_all += 1
            sent_first += int(m.step == 0)
            lang = lang_of(camp.language if camp else "en")
            subject, in_reply_to = m.subject or "", None
            if m.step > 0:
                first = _first(s, m)
                if first is not None:
                    subject = FOLLOWUP_SUBJECT_PREFIX[lang] + (first.subject or "").removeprefix(FOLLOWUP_SUBJECT_PREFIX[lang])
                    in_reply_to = first.message_id
            out.outgoing.append(Outgoing(id=m.id, to=m.to_address, subject=subject, body=_email_text(m, lang),
                                         message_id=m.message_id, in_reply_to=in_reply_to, step=m.step, handle=label,
                                         campaign=camp.name if camp else "", attempts=m.attempts))
            if len(out.outgoing) >= limit:
                break
    return out


def _give_up(s: Session, ctx: ToolContext, m: OutreachMessage, camp: Campaign | None, max_age: timedelta) -> str:
    """Fail a message that was not delivered within the maximum age; returns the report line."""
    hours = f"{max_age.total_seconds() / 3600:g}"
    last = m.last_error or "no delivery attempt succeeded"
    why = f"not delivered within {hours} h of its first attempt (KOLPILOT_OUTREACH_MAX_AGE_HOURS); last error: {last}"
    m.status, m.last_error, m.updated_at = MessageStatus.failed.value, why[:500], utcnow()
    s.add(m)
    repo.cancel_open(s, workspace_id=ctx.workspace_id, creator_id=m.creator_id, campaign_id=m.campaign_id,
                     min_step=m.step + 1, reason="an earlier message failed")
    step = "first email" if m.step == 0 else f"follow-up {m.step}"
    return f"{common.handle_of(s, m.creator_id)} ({camp.name if camp else ''}, {step}): {why}"


def _gap(camp: Campaign | None, step: int) -> timedelta:
    """Days between follow-up ``step`` and the message before it."""
    days = followup_days(camp) if camp else []
    if not days:
        return timedelta(days=7)
    cur = days[step - 1] if step <= len(days) else days[-1] + 7 * (step - len(days))
    prev = 0 if step == 1 else (days[step - 2] if step - 1 <= len(days) else days[-1] + 7 * (step - 1 - len(days)))
    return timedelta(days=max(1, cur - prev))


def _first(s: Session, m: OutreachMessage) -> OutreachMessage | None:
    return s.exec(select(OutreachMessage).where(
        OutreachMessage.workspace_id == m.workspace_id, OutreachMessage.campaign_id == m.campaign_id,
        OutreachMessage.creator_id == m.creator_id, OutreachMessage.direction == "out", OutreachMessage.step == 0,
        OutreachMessage.status == MessageStatus.sent.value)).first()


def _previous(s: Session, m: OutreachMessage) -> OutreachMessage | None:
    return s.exec(select(OutreachMessage).where(
        OutreachMessage.workspace_id == m.workspace_id, OutreachMessage.campaign_id == m.campaign_id,
        OutreachMessage.creator_id == m.creator_id, OutreachMessage.direction == "out",
        OutreachMessage.step == m.step - 1).order_by(OutreachMessage.id.desc())).first()  # type: ignore[union-attr]


def _stop_reason(s: Session, ctx: ToolContext, m: OutreachMessage) -> str | None:
    """Why this message must not go out any more: do-not-contact, a reply, a stage past contacted."""
    person = s.get(Creator, m.creator_id)
    if person is None:
        return "creator deleted"
    reason = repo.dnc_reason(s, workspace_id=ctx.workspace_id, creator=person, email=m.to_address)
    if reason:
        return f"do not contact: {reason}"
    if repo.has_reply(s, workspace_id=ctx.workspace_id, campaign_id=m.campaign_id, creator_id=m.creator_id):
        return "the creator replied"
    collab = s.get(Collaboration, m.collaboration_id) if m.collaboration_id else None
    if collab is not None and collab.stage not in ACTIVE_STAGES:
        return f"collaboration is at stage {collab.stage}"
    return None


def _claimed(s: Session, ctx: ToolContext, message_id: int, token: str | None) -> OutreachMessage | None:
    """The message if it is still being sent under this claim (``token``; None: any claim)."""
    m = repo.get_message(s, workspace_id=ctx.workspace_id, message_id=message_id)
    if m is None or m.status != MessageStatus.sending.value or (token is not None and m.lease_token != token):
        return None
    return m


def _unlease(m: OutreachMessage, status: str) -> None:
    m.status, m.lease_expires_at, m.lease_token, m.updated_at = status, None, None, utcnow()


def renew(ctx: ToolContext, message_ids: list[int], *, token: str, until: datetime) -> set[int]:
    """Extend this claim's leases (the worker is alive); returns the ids it still holds."""
    with session_scope(ctx.sessions) as s:
        return repo.renew_leases(s, workspace_id=ctx.workspace_id, token=token, message_ids=message_ids, until=until)


def record_sent(ctx: ToolContext, message_id: int, *, now: datetime, token: str | None = None) -> None:
    """Mark sent; the first message moves the collaboration to contacted and times the next follow-up."""
    with session_scope(ctx.sessions) as s:
        m = _claimed(s, ctx, message_id, token)
        if m is None:
            return
        _unlease(m, MessageStatus.sent.value)
        m.sent_at, m.last_error = now, None
        m.attempts += 1
        s.add(m)
        s.flush()
        collab = s.get(Collaboration, m.collaboration_id) if m.collaboration_id else None
        if m.step == 0 and collab is not None and collab.stage == Stage.prospect.value:
            cs = ChangeSet(s, ctx.workspace_id, ctx.user_id, "outreach sent", None)
            crm_common.move(cs, collab, Stage.contacted, note="first outreach email sent", soft=True)
        camp = s.get(Campaign, m.campaign_id)
        nxt = s.exec(select(OutreachMessage).where(
            OutreachMessage.workspace_id == m.workspace_id, OutreachMessage.campaign_id == m.campaign_id,
            OutreachMessage.creator_id == m.creator_id, OutreachMessage.step == m.step + 1,
            OutreachMessage.status == MessageStatus.scheduled.value)).first()
        if nxt is not None:
            due = next_send_time(now + _gap(camp, nxt.step), workspace_tz(s, ctx.workspace_id), window_for(ctx, camp))
            nxt.scheduled_at = due
            s.add(nxt)


def record_retry(ctx: ToolContext, message_id: int, *, now: datetime, error: str,
                 token: str | None = None) -> tuple[bool, int]:
    """A message-level temporary failure (4xx, connection lost after DATA): back to scheduled
    after a backoff, or failed after MAX_ATTEMPTS. Returns (gave_up, attempts)."""
    with session_scope(ctx.sessions) as s:
        m = _claimed(s, ctx, message_id, token)
        if m is None:
            return False, 0
        m.attempts += 1
        if m.attempts >= MAX_ATTEMPTS:
            _unlease(m, MessageStatus.failed.value)
            m.last_error = f"gave up after {m.attempts} attempts: {error}"[:500]
            repo.cancel_open(s, workspace_id=ctx.workspace_id, creator_id=m.creator_id, campaign_id=m.campaign_id,
                             min_step=m.step + 1, reason="an earlier message failed")
            s.add(m)
            return True, m.attempts
        _unlease(m, MessageStatus.scheduled.value)
        m.scheduled_at, m.last_error = now + backoff(m.attempts), error[:500]
        s.add(m)
        return False, m.attempts


def record_failed(ctx: ToolContext, message_id: int, *, error: str, token: str | None = None) -> None:
    """A permanent failure: failed with the reason; its follow-ups are cancelled."""
    with session_scope(ctx.sessions) as s:
        m = _claimed(s, ctx, message_id, token)
        if m is None:
            return
        m.attempts += 1
        _unlease(m, MessageStatus.failed.value)
        m.last_error = error[:500]
        s.add(m)
        repo.cancel_open(s, workspace_id=ctx.workspace_id, creator_id=m.creator_id, campaign_id=m.campaign_id,
                         min_step=m.step + 1, reason="an earlier message failed")


def release(ctx: ToolContext, message_ids: list[int], *, token: str | None = None) -> None:
    """Give claimed messages back untouched (configuration problem: nothing is charged to them)."""
    with session_scope(ctx.sessions) as s:
        for mid in message_ids:
            m = _claimed(s, ctx, mid, token)
            if m is not None:
                _unlease(m, MessageStatus.scheduled.value)
                s.add(m)


def release_unreachable(ctx: ToolContext, message_ids: list[int], *, now: datetime, error: str,
                        token: str | None = None) -> int:
    """The SMTP server cannot be reached: the claimed messages go back to scheduled after
    UNREACHABLE_BACKOFF with no attempt charged, every due message starts its maximum-age
    clock (``claim_batch`` gives up on it after ``outreach_max_age_hours``). Returns how
    many messages wait for the server."""
    reason = f"SMTP server unreachable: {error}"
    with session_scope(ctx.sessions) as s:
        released = 0
        for mid in message_ids:
            m = _claimed(s, ctx, mid, token)
            if m is not None:
                _unlease(m, MessageStatus.scheduled.value)
                m.scheduled_at, m.last_error = now + UNREACHABLE_BACKOFF, reason[:500]
                s.add(m)
                released += 1
        s.flush()
        return released + repo.mark_due_unreachable(s, workspace_id=ctx.workspace_id, now=now, error=reason)


def due_count(ctx: ToolContext, *, now: datetime) -> int:
    """How many messages are due (for "N due but SMTP is not configured")."""
    with session_scope(ctx.sessions) as s:
        return len(repo.due_candidates(s, workspace_id=ctx.workspace_id, now=now, limit=10_000))
