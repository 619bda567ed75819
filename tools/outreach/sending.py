"""Scheduling approved outreach (no network here).

The ``send_outreach`` executor runs only from ``tools.approvals.decide`` after the approver
check. It re-checks every message (same workspace and campaign, still a draft, text unchanged
since the request, email address, do-not-contact) and schedules it: first messages now or at
the next opening of the sending window, spread over days so that no local day gets more first
messages than ``send_new_contacts_daily_cap`` nor more messages than ``send_daily_cap``;
follow-ups at their delay after the first message. Each message gets its Message-ID here,
stored before any SMTP transaction. The worker's side (claims, outcomes) is
``tools.outreach.delivery``.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime, timedelta

from sqlmodel import Session

from memory.db import session_scope
from memory.models import Campaign, Creator, OutreachMessage, PendingAction
from memory.models.common import MessageStatus, utcnow
from memory.repo import outreach as repo
from memory.repo.changes import ChangeSet
from tools.approvals import register_executor
from tools.base import ToolContext, ToolError
from tools.outreach import common
from tools.outreach.sequences import (
    day_window_start,
    followup_days,
    local_day_bounds,
    next_send_time,
    window_for,
    workspace_tz,
)


def new_message_id(sender_email: str | None) -> str:
    """A Message-ID on the sender's domain, generated once and stored with the message."""
    domain = (sender_email or "").rpartition("@")[2] or "kolpilot.local"
    return f"<{uuid.uuid4().hex}@{domain}>"


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
