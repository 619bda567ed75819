"""Follow-up sequences and sending time: follow-up delays per campaign, drafting follow-ups
aware of the earlier messages, the sending window in the workspace's time zone, and the
local day that daily caps count.

Campaign.settings (the shape this module owns):

- ``followup_days``: days after the first message at which follow-ups go out (default [3, 7];
  ``[]`` for no follow-ups);
- ``send_window``: optional "HH:MM-HH:MM" overriding the ``send_window`` setting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from memory.models import Account, Campaign, Collaboration, Creator, OutreachMessage, Workspace
from memory.models.common import MessageStatus
from memory.repo import outreach as repo
from tools.base import ToolContext, ToolError
from tools.crm import common as crm_common
from tools.outreach import common
from tools.outreach.common import DraftRequest
from tools.outreach.drafting import store_draft
from tools.outreach.llm_writer import ModelWriter, writer_for
from tools.outreach.text import DraftOut

DEFAULT_FOLLOWUP_DAYS = [3, 7]
MAX_FOLLOWUPS = 5


def followup_days(campaign: Campaign) -> list[int]:
    """The campaign's follow-up delays in days after the first message, increasing."""
    raw = (campaign.settings or {}).get("followup_days", DEFAULT_FOLLOWUP_DAYS)
    try:
        days = sorted({int(d) for d in raw if int(d) > 0})
    except (TypeError, ValueError):
        days = list(DEFAULT_FOLLOWUP_DAYS)
    return days[:MAX_FOLLOWUPS]


# --- time ---------------------------------------------------------------------------------------


def parse_window(text: str) -> tuple[time, time]:
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text or "")
    if not m:
        raise ToolError(f"invalid sending window {text!r}: expected HH:MM-HH:MM")
    a, b = time(int(m.group(1)), int(m.group(2))), time(int(m.group(3)), int(m.group(4)))
    return a, b


def window_for(ctx: ToolContext, campaign: Campaign | None) -> str:
    return ((campaign.settings or {}).get("send_window") if campaign else None) or ctx.settings.send_window


def workspace_tz(s: Session, workspace_id: str) -> ZoneInfo:
    ws = s.get(Workspace, workspace_id)
    try:
        return ZoneInfo((ws.timezone if ws else None) or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def in_window(now: datetime, tz: ZoneInfo, window: str) -> bool:
    """Is ``now`` inside the daily window (local time of ``tz``)? Windows may cross midnight."""
    start, end = parse_window(window)
    t = now.astimezone(tz).time()
    if start == end:
        return True
    return start <= t < end if start < end else (t >= start or t < end)


def next_send_time(now: datetime, tz: ZoneInfo, window: str) -> datetime:
    """``now`` if inside the window, else the next opening of the window (aware UTC)."""
    if in_window(now, tz, window):
        return now
    start, _ = parse_window(window)
    local = now.astimezone(tz)
    candidate = datetime.combine(local.date(), start, tzinfo=tz)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), start, tzinfo=tz)
    return candidate.astimezone(now.tzinfo or tz)


def local_day_bounds(now: datetime, tz: ZoneInfo, offset_days: int = 0) -> tuple[datetime, datetime]:
    """[start, end) of the local day of ``now`` (+ offset) as aware datetimes (caps count per local day)."""
    day = now.astimezone(tz).date() + timedelta(days=offset_days)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


def day_window_start(day_start_local: datetime, tz: ZoneInfo, window: str) -> datetime:
    start, _ = parse_window(window)
    return datetime.combine(day_start_local.astimezone(tz).date(), start, tzinfo=tz)


# --- drafting follow-ups ------------------------------------------------------------------------


def _history(s: Session, ctx: ToolContext, first: OutreachMessage, upto_step: int, drafts: dict[int, DraftOut]) -> list[tuple[str, str]]:
    """The thread as the follow-up writer sees it: our earlier messages and any replies."""
    out = []
    for m in repo.thread(s, workspace_id=ctx.workspace_id, campaign_id=first.campaign_id, creator_id=first.creator_id):
        if m.status == MessageStatus.cancelled.value:
            continue
        if m.direction == "in":
            out.append(("the creator", m.body))
        elif m.step < upto_step:
            out.append((f"us (message {m.step + 1}, {m.status})", (f"Subject: {m.subject}\n" if m.subject else "") + m.body))
    for step in sorted(drafts):
        if step < upto_step:
            out.append((f"us (message {step + 1}, draft)", drafts[step].body))
    return out


def ensure_followups(ctx: ToolContext, first_ids: Iterable[int], *, concurrency: int = 8) -> tuple[int, list[str]]:
    """Draft the missing follow-ups (status draft, steps 1..n) of these first messages, each aware of
    the messages before it. Returns (how many were drafted, notes)."""
    jobs: list[tuple[DraftRequest, OutreachMessage, list[int]]] = []
    with common_session(ctx) as s:
        for mid in first_ids:
            first = repo.get_message(s, workspace_id=ctx.workspace_id, message_id=mid)
            if first is None or first.step != 0 or first.direction != "out":
                continue
            camp = s.get(Campaign, first.campaign_id)
            days = followup_days(camp) if camp else []
            have = {m.step for m in repo.messages_for_campaign(
                s, workspace_id=ctx.workspace_id, campaign_id=first.campaign_id, creator_ids=[first.creator_id])
                if m.step > 0 and m.status != MessageStatus.cancelled.value}
            missing = [i for i in range(1, len(days) + 1) if i not in have]
            if not missing:
                continue
            person = s.get(Creator, first.creator_id)
            collab = s.get(Collaboration, first.collaboration_id) if first.collaboration_id else None
            acc = s.get(Account, collab.account_id) if collab and collab.account_id else None
            req = common.build_request(s, ctx, creator=person, account=acc, campaign=camp, channel=first.channel)  # type: ignore[arg-type]
            ids = common.post_ids_of(first)
            req.posts += common.posts_by_ids(s, [i for i in ids if req.post(i) is None])
            req.extra["history"] = _history(s, ctx, first, 1, {})
            req.extra["first_subject"] = first.subject
            req.extra["last_step"] = len(days)
            jobs.append((req, first, missing))
    if not jobs:
        return 0, []
    writer = writer_for(ctx.settings)
    notes: list[str] = []

    def write(job: tuple[DraftRequest, OutreachMessage, list[int]]) -> list[tuple[int, DraftOut]]:
        req, first, missing = job
        outs: list[tuple[int, DraftOut]] = []
        history = list(req.extra["history"])
        for step in missing:
            if isinstance(writer, ModelWriter):
                out = writer.followup(req, step=step, last_step=req.extra["last_step"], first_subject=req.extra["first_subject"],
                                      post_ids=common.post_ids_of(first), history=history)
            else:
                out = writer.followup(req, step=step, first_subject=req.extra["first_subject"], post_ids=common.post_ids_of(first))
            history.append((f"us (message {step + 1}, draft)", out.body))
            outs.append((step, out))
        return outs

    if isinstance(writer, ModelWriter) and concurrency > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="outreach-followup") as pool:
            results = list(pool.map(write, jobs))
    else:
        results = [write(j) for j in jobs]
    created = 0
    with crm_common.changes(ctx, "draft_followups") as cs:
        for (req, _first, _missing), outs in zip(jobs, results, strict=True):
            for step, out in outs:
                store_draft(cs, ctx, req, out, step=step)
                created += 1
                notes += [f"@{req.handle} follow-up {step}: {n}" for n in out.notes]
    return created, notes


def common_session(ctx: ToolContext):  # noqa: ANN201 - a context manager
    from memory.db import session_scope

    return session_scope(ctx.sessions)
