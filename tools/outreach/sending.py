"""Scheduling and the bookkeeping of sending (no network here).

1. ``send_outreach`` executor — runs only from ``tools.approvals.decide`` after the approver
   check. It re-checks every message (same workspace and campaign, still a draft, text
   unchanged since the request, email address, do-not-contact) and schedules it: first
   messages now or at the next opening of the sending window, spread over days so that no
   local day gets more first messages than ``send_new_contacts_daily_cap`` nor more messages
   than ``send_daily_cap``; follow-ups at their delay after the first message. Each message
   gets its Message-ID here, stored before any SMTP transaction.
2. ``claim_batch`` — used by the worker: under the workspace send lock, re-checks each due
   message (window, caps, do-not-contact, reply, previous step sent) and claims it with a
   conditional UPDATE scheduled → sending. Two workers never get the same message.
3. ``record_*`` — the outcome of one SMTP transaction: sent (the collaboration moves to
   contacted, the next follow-up is timed from the real send), retry with backoff, failed
   (its follow-ups are cancelled), or released untouched on a configuration error.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from memory.db import session_scope
from memory.models import Campaign, Collaboration, Creator, OutreachMessage, PendingAction
from memory.models.common import MessageStatus, Stage, utcnow
from memory.repo import outreach as repo
from memory.repo.changes import ChangeSet
from tools.approvals import register_executor
from tools.base import ToolContext, ToolError
from tools.crm import common as crm_common
from tools.outreach import common
from tools.outreach.lang import FOLLOWUP_SUBJECT_PREFIX, FOOTER, lang_of
from tools.outreach.sequences import (
    day_window_start,
    followup_days,
    in_window,
    local_day_bounds,
    next_send_time,
    window_for,
    workspace_tz,
)

MAX_ATTEMPTS = 6
STUCK_AFTER = timedelta(minutes=15)
ACTIVE_STAGES = (Stage.prospect.value, Stage.contacted.value)


def new_message_id(sender_email: str | None) -> str:
    """A Message-ID on the sender's domain, generated once and stored with the message."""
    domain = (sender_email or "").rpartition("@")[2] or "kolpilot.local"
    return f"<{uuid.uuid4().hex}@{domain}>"


def backoff(attempts: int) -> timedelta:
    """5 min, 10, 20, 40 … capped at 6 h: a temporary failure is retried, never dropped."""
    return min(timedelta(minutes=5) * (2 ** max(0, attempts - 1)), timedelta(hours=6))


# --- the executor -------------------------------------------------------------------------------


def _check(s: Session, ctx: ToolContext, m: OutreachMessage | None, entry: dict, camp: Campaign) -> str | None:
    """Why this message cannot be scheduled, or None."""
    if m is None or m.workspace_id != ctx.workspace_id or m.campaign_id != camp.id:
        return "no longer exists"
    if m.status != MessageStatus.draft.value:
        return f"already {m.status}"
    if common.content_hash(m) != entry.get("hash"):
        return "edited after the approval was requested; approve it again"
    if m.channel != "email":
        return "DMs are not sent automatically"
    person = s.get(Creator, m.creator_id)
    if person is None:
        return "creator deleted"
    reason = repo.dnc_reason(s, workspace_id=ctx.workspace_id, creator=person, email=m.to_address)
    if reason:
        return f"do not contact ({reason})"
    if not m.to_address:
        return "no email address"
    return None


def execute_send_outreach(ctx: ToolContext, action: PendingAction) -> str:
    """Schedule the approved messages (see the module docstring). Raises ToolError when nothing
    could be scheduled, so the action is marked failed with the reasons."""
    now = ctx.clock()
    payload = action.payload or {}
    entries = {int(e["id"]): e for e in payload.get("messages", [])}
    with session_scope(ctx.sessions) as s:
        camp = s.get(Campaign, payload.get("campaign_id"))
        if camp is None or camp.workspace_id != ctx.workspace_id or action.workspace_id != ctx.workspace_id:
            raise ToolError("the campaign of this send no longer exists in this workspace")
        tz, window, days = workspace_tz(s, ctx.workspace_id), window_for(ctx, camp), followup_days(camp)
        cs = ChangeSet(s, ctx.workspace_id, ctx.user_id, "send_outreach", ctx.conversation_id)
        msgs = {i: repo.get_message(s, workspace_id=ctx.workspace_id, message_id=i) for i in entries}
        skipped: list[str] = []
        first_at: dict[int, datetime] = {}
        per_day: Counter[str] = Counter()
        day = 0
        new_cap, all_cap = ctx.settings.send_new_contacts_daily_cap, ctx.settings.send_daily_cap
        if new_cap <= 0 or all_cap <= 0:
            raise ToolError("sending is switched off (a daily cap is 0)")
        for mid in sorted(i for i, e in entries.items() if int(e.get("step", 0)) == 0):
            m = msgs[mid]
            why = _check(s, ctx, m, entries[mid], camp)
            if why:
                skipped.append(f"{_label(s, m, mid)}: {why}")
                continue
            while True:  # the first local day (from today) with room under both caps
                start, end = local_day_bounds(now, tz, day)
                when = next_send_time(now, tz, window) if day == 0 else day_window_start(start, tz, window)
                if when >= end or when < start:
                    day += 1
                    continue
                firsts = repo.count_planned_between(s, workspace_id=ctx.workspace_id, start=start, end=end, first_only=True)
                total = repo.count_planned_between(s, workspace_id=ctx.workspace_id, start=start, end=end, first_only=False)
                if firsts < new_cap and total < all_cap:
                    break
                day += 1
            cs.update(m, status=MessageStatus.scheduled.value, scheduled_at=when, attempts=0, last_error=None,
                      message_id=m.message_id or new_message_id(ctx.settings.sender_email), updated_at=utcnow())
            first_at[m.creator_id] = when
            per_day[when.astimezone(tz).date().isoformat()] += 1
        follow = 0
        for mid in sorted((i for i, e in entries.items() if int(e.get("step", 0)) > 0),
                          key=lambda i: (msgs[i].step if msgs[i] else 0, i)):
            m = msgs[mid]
            why = _check(s, ctx, m, entries[mid], camp)
            base = first_at.get(m.creator_id) if m else None
            if why is None and base is None:
                first = repo.first_message(s, workspace_id=ctx.workspace_id, campaign_id=camp.id, creator_id=m.creator_id)  # type: ignore[union-attr]
                if first is not None and first.status in (MessageStatus.scheduled.value, MessageStatus.sending.value,
                                                          MessageStatus.sent.value):
                    base = first.sent_at or first.scheduled_at
                else:
                    why = "its first message is not being sent"
            if why:
                skipped.append(f"{_label(s, m, mid)} follow-up: {why}")
                continue
            delay = days[m.step - 1] if m.step <= len(days) else (days[-1] if days else 7) + 7 * (m.step - len(days))  # type: ignore[union-attr]
            when = next_send_time(base + timedelta(days=delay), tz, window)  # type: ignore[operator]
            cs.update(m, status=MessageStatus.scheduled.value, scheduled_at=when, attempts=0, last_error=None,
                      message_id=m.message_id or new_message_id(ctx.settings.sender_email), updated_at=utcnow())  # type: ignore[union-attr]
            follow += 1
        if not first_at and not follow:
            raise ToolError("nothing could be scheduled: " + "; ".join(skipped[:5]))
        zone = getattr(tz, "key", str(tz))
        spread = ", ".join(f"{n} on {d}" for d, n in sorted(per_day.items()))
        text = (f"Scheduled {len(first_at)} first email(s)" + (f" ({spread}, {zone}, window {window})" if spread else "")
                + (f" and {follow} follow-up(s)" if follow else "") + "."
                + (f" Skipped {len(skipped)}: " + "; ".join(skipped[:5]) + "." if skipped else "")
                + " The worker (`kolpilot worker`) sends them when due.")
    return text


def _label(s: Session, m: OutreachMessage | None, mid: int) -> str:
    return common.handle_of(s, m.creator_id) if m is not None else f"#{mid}"


register_executor("send_outreach", execute_send_outreach)


# --- the worker's side --------------------------------------------------------------------------


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


@dataclass
class ClaimResult:
    outgoing: list[Outgoing] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    waiting: Counter[str] = field(default_factory=Counter)  # reason -> count (window, caps)
    released: int = 0


def _email_text(m: OutreachMessage, lang: str) -> str:
    return m.body.rstrip() + "\n\n-- \n" + FOOTER[lang]


def claim_batch(ctx: ToolContext, *, now: datetime, limit: int = 20) -> ClaimResult:
    """Claim up to ``limit`` due messages for sending (see the module docstring)."""
    out = ClaimResult()
    with session_scope(ctx.sessions) as s:
        repo.lock_workspace(s, workspace_id=ctx.workspace_id)
        out.released = len(repo.release_stuck(s, workspace_id=ctx.workspace_id, now=now, older_than=STUCK_AFTER))
        tz = workspace_tz(s, ctx.workspace_id)
        day_start, _ = local_day_bounds(now, tz)
        sent_all = repo.count_sent_since(s, workspace_id=ctx.workspace_id, since=day_start)
        sent_first = repo.count_sent_since(s, workspace_id=ctx.workspace_id, since=day_start, first_only=True)
        camps: dict[int, Campaign] = {}
        for m in repo.due_candidates(s, workspace_id=ctx.workspace_id, now=now, limit=limit * 5):
            camp = camps.get(m.campaign_id) or s.get(Campaign, m.campaign_id)
            camps[m.campaign_id] = camp
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
            if not repo.claim(s, message_id=m.id, now=now):
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


def _claimed(s: Session, ctx: ToolContext, message_id: int) -> OutreachMessage | None:
    m = repo.get_message(s, workspace_id=ctx.workspace_id, message_id=message_id)
    return m if m is not None and m.status == MessageStatus.sending.value else None


def record_sent(ctx: ToolContext, message_id: int, *, now: datetime) -> None:
    """Mark sent; the first message moves the collaboration to contacted and times the next follow-up."""
    with session_scope(ctx.sessions) as s:
        m = _claimed(s, ctx, message_id)
        if m is None:
            return
        m.status, m.sent_at, m.last_error, m.updated_at = MessageStatus.sent.value, now, None, utcnow()
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


def record_retry(ctx: ToolContext, message_id: int, *, now: datetime, error: str) -> tuple[bool, int]:
    """A temporary failure: back to scheduled after a backoff, or failed after MAX_ATTEMPTS.
    Returns (gave_up, attempts)."""
    with session_scope(ctx.sessions) as s:
        m = _claimed(s, ctx, message_id)
        if m is None:
            return False, 0
        m.attempts += 1
        m.updated_at = utcnow()
        if m.attempts >= MAX_ATTEMPTS:
            m.status, m.last_error = MessageStatus.failed.value, f"gave up after {m.attempts} attempts: {error}"[:500]
            repo.cancel_open(s, workspace_id=ctx.workspace_id, creator_id=m.creator_id, campaign_id=m.campaign_id,
                             min_step=m.step + 1, reason="an earlier message failed")
            s.add(m)
            return True, m.attempts
        m.status, m.scheduled_at, m.last_error = MessageStatus.scheduled.value, now + backoff(m.attempts), error[:500]
        s.add(m)
        return False, m.attempts


def record_failed(ctx: ToolContext, message_id: int, *, error: str) -> None:
    """A permanent failure: failed with the reason; its follow-ups are cancelled."""
    with session_scope(ctx.sessions) as s:
        m = _claimed(s, ctx, message_id)
        if m is None:
            return
        m.attempts += 1
        m.status, m.last_error, m.updated_at = MessageStatus.failed.value, error[:500], utcnow()
        s.add(m)
        repo.cancel_open(s, workspace_id=ctx.workspace_id, creator_id=m.creator_id, campaign_id=m.campaign_id,
                         min_step=m.step + 1, reason="an earlier message failed")


def release(ctx: ToolContext, message_ids: list[int]) -> None:
    """Give claimed messages back untouched (configuration problem: nothing is charged to them)."""
    with session_scope(ctx.sessions) as s:
        for mid in message_ids:
            m = _claimed(s, ctx, mid)
            if m is not None:
                m.status, m.updated_at = MessageStatus.scheduled.value, utcnow()
                s.add(m)


def due_count(ctx: ToolContext, *, now: datetime) -> int:
    """How many messages are due (for "N due but SMTP is not configured")."""
    with session_scope(ctx.sessions) as s:
        return len(repo.due_candidates(s, workspace_id=ctx.workspace_id, now=now, limit=10_000))
