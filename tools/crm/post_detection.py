"""Post detection: did the creator post the content yet?

For collaborations whose content is approved (stage ``content_approved``) or due (a planned or
approved deliverable due within ``due_within_days`` or already past due), the creators' recent
posts are synced through the injected ``PostsSync`` (the ``kolpilot sync posts`` path: database,
RSS/Atom or YouTube sources, built at the edge) and matched to the campaign by discount code,
tracking link, brand mention or campaign hashtag (``#GlowQ3`` for "Glow Q3"). Posts published
before the collaboration was agreed never count.

A match marks the deliverable posted (content_url, posted_at), records a first metric snapshot
from the post's counts, and moves the collaboration to ``posted`` once all its deliverables are.
The match is claimed in ``processed_event`` in the same transaction, so two workers never record
(or announce) it twice. A deadline passed with no matching post is flagged once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pydantic import Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from memory.db import session_scope
from memory.models import (
    Account,
    Campaign,
    Collaboration,
    Deliverable,
    DiscountCode,
    MetricSnapshot,
    Post,
    ProcessedEvent,
    StageEvent,
    TrackingLink,
)
from memory.models.common import Stage
from memory.repo.metrics import refresh_latest
from tools.base import CampaignName, Handle, ToolContext, ToolInput, ToolResult, ToolTier, tool
from tools.crm import common

log = logging.getLogger(__name__)

PostsSync = Callable[[list[str]], list[str]]
"""sync(handles) -> error lines: fetch and store these accounts' recent posts (injected)."""

SOURCE = "post_detection"
OPEN_STATUSES = ("planned", "approved", "submitted", "changes_requested")
_SKIP_STAGES = {Stage.declined.value, Stage.on_hold.value, Stage.closed.value}


@dataclass
class Notice:
    kind: str  # posted | overdue | waiting | already_posted
    text: str
    deliverable_id: int
    handle: str
    campaign: str
    url: str | None = None
    reason: str | None = None


@dataclass
class DetectionReport:
    notices: list[Notice] = field(default_factory=list)  # new matches and new overdue flags
    status: list[Notice] = field(default_factory=list)  # still waiting / posted earlier (for "did @x post?")
    errors: list[str] = field(default_factory=list)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _agreed_at(s: Session, collab: Collaboration) -> datetime:
    """When the deal was agreed: the first move to agreed (or a later stage), else the collaboration's creation."""
    from memory.models.common import PIPELINE

    later = [st.value for st in PIPELINE[PIPELINE.index(Stage.agreed):]]
    events = list(s.exec(select(StageEvent).where(StageEvent.collaboration_id == collab.id,
                                                  StageEvent.to_stage.in_(later)).order_by(StageEvent.at)))  # type: ignore[attr-defined]
    agreed = [e for e in events if e.to_stage == Stage.agreed.value]
    first = (agreed or events)[0].at if (agreed or events) else collab.created_at
    return _aware(first)


def match_reason(post: Post, *, campaign: Campaign, codes: list[str], links: list[TrackingLink]) -> str | None:
    """Why a post belongs to the campaign ("code GLOW10 in the caption"), or None."""
    caption = post.caption or ""
    for code in codes:
        if re.search(rf"(?<![\w]){re.escape(code)}(?![\w])", caption, re.I):
            return f"code {code} in the caption"
    low = caption.lower()
    for link in links:
        if link.url and link.url.lower() in low:
            return f"tracking link {link.slug} in the caption"
        if re.search(rf"/{re.escape(link.slug.lower())}(?:[/?#\s)\]]|$)", low):
            return f"tracking link {link.slug} in the caption"
    brand = (campaign.brand or "").strip()
    if brand:
        tagged = {b.strip().lower() for b in (post.brands or "").split(";") if b.strip()}
        if brand.lower() in tagged:
            return f"brand {brand} tagged in the post"
        if re.search(rf"@{re.escape(brand.replace(' ', '').lower())}(?![\w.])", low):
            return f"brand mention @{brand.replace(' ', '')} in the caption"
    tag = "#" + re.sub(r"\s+", "", campaign.name)
    if len(tag) > 2 and re.search(rf"{re.escape(tag.lower())}(?![\w])", low):
        return f"hashtag {tag} in the caption"
    return None


@dataclass
class _Target:
    collab_id: int
    campaign_id: int
    handle: str
    account_ids: list[int]
    deliverable_ids: list[int]


def _targets(ctx: ToolContext, *, today, due_within_days: int, handle: str | None, campaign: str | None) -> list[_Target]:  # noqa: ANN001
    horizon = today + timedelta(days=due_within_days)
    out: list[_Target] = []
    with session_scope(ctx.sessions) as s:
        q = (select(Deliverable, Collaboration, Campaign)
             .join(Collaboration, Collaboration.id == Deliverable.collaboration_id)
             .join(Campaign, Campaign.id == Collaboration.campaign_id)
             .where(Deliverable.workspace_id == ctx.workspace_id, Deliverable.status.in_(OPEN_STATUSES))  # type: ignore[attr-defined]
             .order_by(Collaboration.id, Deliverable.due_date, Deliverable.id))
        if campaign:
            q = q.where(Campaign.id == common.campaign(s, ctx, campaign).id)
        if handle:
            q = q.where(Collaboration.creator_id == common.creator(s, ctx, handle).id)
        by_collab: dict[int, _Target] = {}
        for d, c, k in s.exec(q).all():
            if c.stage in _SKIP_STAGES:
                continue
            due = d.due_date is not None and d.due_date <= horizon and d.status in ("planned", "approved")
            if not (c.stage == Stage.content_approved.value or due or (handle and d.status == "approved")):
                continue
            t = by_collab.get(c.id)
            if t is None:
                accounts = ([s.get(Account, c.account_id)] if c.account_id else
                            list(s.exec(select(Account).where(Account.creator_id == c.creator_id).order_by(Account.id))))
                accounts = [a for a in accounts if a is not None]
                t = by_collab[c.id] = _Target(c.id, k.id, accounts[0].handle if accounts else f"creator #{c.creator_id}",
                                              [a.id for a in accounts], [])
                out.append(t)
            t.deliverable_ids.append(d.id)
    return out


def _apply_match(ctx: ToolContext, t: _Target, d_id: int, post: Post, reason: str, now: datetime) -> Notice | None:
    """Record one match (claimed once in processed_event, in the same transaction)."""
    key = f"post:{ctx.workspace_id}:posted:{d_id}"
    try:
        with common.changes(ctx, "detect_posts") as cs:
            s = cs.session
            s.add(ProcessedEvent(id=key[:200], source=SOURCE, workspace_id=ctx.workspace_id))
            s.flush()  # a second worker fails here and skips this deliverable
            d = s.get(Deliverable, d_id)
            collab = s.get(Collaboration, t.collab_id)
            camp = s.get(Campaign, t.campaign_id)
            if d is None or d.status not in OPEN_STATUSES or collab is None or camp is None:
                raise _Gone
            cs.update(d, status="posted", content_url=post.url, posted_at=_aware(post.posted_at))
            exists = s.exec(select(MetricSnapshot.id).where(
                MetricSnapshot.workspace_id == ctx.workspace_id, MetricSnapshot.campaign_id == camp.id,
                MetricSnapshot.account_id == post.account_id, MetricSnapshot.deliverable_url == post.url,
                MetricSnapshot.date == now.date())).first()
            if exists is None:
                cs.add(MetricSnapshot(workspace_id=ctx.workspace_id, campaign_id=camp.id, account_id=post.account_id,
                                      collaboration_id=collab.id, deliverable_url=post.url, date=now.date(),
                                      views=post.views or 0, likes=post.likes or 0, comments=post.comments or 0,
                                      shares=post.shares or 0, saves=post.saves or 0, currency=camp.currency))
                refresh_latest(s, campaign_ids=[camp.id])
            left = [x for x in s.exec(select(Deliverable).where(Deliverable.collaboration_id == collab.id)) if x.status != "posted"]
            if not left and common.stage_rank(collab.stage) < common.stage_rank(Stage.posted):
                common.move(cs, collab, Stage.posted, note=f"post detected: {reason}", soft=True)
            text = (f"@{t.handle} posted the {d.type} for {camp.name} on {_aware(post.posted_at).date().isoformat()}: "
                    f"{post.url} — matched by {reason}.")
            notice = Notice("posted", text, d.id, t.handle, camp.name, post.url, reason)
    except (IntegrityError, _Gone):
        return None
    common.reindex(ctx, collaboration_ids=[t.collab_id])
    return notice


class _Gone(Exception):
    """The deliverable was posted or changed meanwhile."""


def _claim(ctx: ToolContext, key: str) -> bool:
    try:
        with session_scope(ctx.sessions) as s:
            s.add(ProcessedEvent(id=key[:200], source=SOURCE, workspace_id=ctx.workspace_id))
            s.flush()
        return True
    except IntegrityError:
        return False


def detect(ctx: ToolContext, *, sync: PostsSync | None = None, due_within_days: int = 7, handle: str | None = None,
           campaign: str | None = None, flag_overdue: bool = True) -> DetectionReport:
    """One detection pass for ``ctx``'s workspace (see the module docstring). ``sync`` refreshes
    the creators' posts first (None: the posts already stored). ``flag_overdue`` claims the
    once-only "due and no matching post" flags (the worker's pass); otherwise they are only listed."""
    now = ctx.clock()
    today = now.date()
    report = DetectionReport()
    targets = _targets(ctx, today=today, due_within_days=due_within_days, handle=handle, campaign=campaign)
    handles = sorted({t.handle for t in targets if t.account_ids})
    if sync is not None and handles:
        try:
            report.errors += sync(handles)
        except Exception as exc:  # noqa: BLE001 - detection still runs over the posts already stored
            report.errors.append(f"could not sync posts: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    for t in targets:
        with session_scope(ctx.sessions) as s:
            collab = s.get(Collaboration, t.collab_id)
            camp = s.get(Campaign, t.campaign_id)
            since = _agreed_at(s, collab)
            codes = [c.code for c in s.exec(select(DiscountCode).where(DiscountCode.collaboration_id == collab.id))]
            links = list(s.exec(select(TrackingLink).where(TrackingLink.collaboration_id == collab.id)))
            used = {d.content_url for d in s.exec(select(Deliverable).where(
                Deliverable.collaboration_id == collab.id, Deliverable.status == "posted"))}
            posts = [p for p in s.exec(select(Post).where(Post.workspace_id == ctx.workspace_id,
                                                          Post.account_id.in_(t.account_ids)).order_by(Post.posted_at))  # type: ignore[attr-defined]
                     if since <= _aware(p.posted_at) <= now and p.url not in used]
            matches = [(p, r) for p in posts if (r := match_reason(p, campaign=camp, codes=codes, links=links))]
            for p, _ in matches:
                s.expunge(p)
            deliverables = {d.id: (d.type, d.due_date) for d in s.exec(select(Deliverable).where(Deliverable.id.in_(t.deliverable_ids)))}  # type: ignore[union-attr]
            camp_name = camp.name
        for d_id in t.deliverable_ids:
            if matches:
                post, reason = matches.pop(0)
                notice = _apply_match(ctx, t, d_id, post, reason, now)
                if notice is not None:
                    report.notices.append(notice)
                continue
            kind, due = deliverables[d_id]
            if due is not None and due < today:
                text = f"@{t.handle}'s {kind} for {camp_name} was due {due.isoformat()} and no matching post was found."
                if not flag_overdue or _claim(ctx, f"post:{ctx.workspace_id}:overdue:{d_id}"):
                    (report.notices if flag_overdue else report.status).append(Notice("overdue", text, d_id, t.handle, camp_name))
                    continue
            when = f" (due {due.isoformat()})" if due else ""
            report.status.append(Notice("waiting", f"No matching post from @{t.handle} yet for the {kind} in {camp_name}{when}.",
                                        d_id, t.handle, camp_name))
    if handle:
        report.status += _already_posted(ctx, handle=handle, campaign=campaign)
    return report


def _already_posted(ctx: ToolContext, *, handle: str, campaign: str | None) -> list[Notice]:
    with session_scope(ctx.sessions) as s:
        person = common.creator(s, ctx, handle)
        q = (select(Deliverable, Campaign).join(Collaboration, Collaboration.id == Deliverable.collaboration_id)
             .join(Campaign, Campaign.id == Collaboration.campaign_id)
             .where(Deliverable.workspace_id == ctx.workspace_id, Collaboration.creator_id == person.id, Deliverable.status == "posted"))
        if campaign:
            q = q.where(Campaign.id == common.campaign(s, ctx, campaign).id)
        h = common.display_handle(handle)
        return [Notice("already_posted", f"{h} posted the {d.type} for {k.name}" + (f" on {_aware(d.posted_at).date().isoformat()}" if d.posted_at else "")
                       + (f": {d.content_url}" if d.content_url else "") + ".", d.id, h.lstrip("@"), k.name, d.content_url)
                for d, k in s.exec(q).all()]


# --- the tool --------------------------------------------------------------------------------

class DetectPostsInput(ToolInput):
    """Check whether creators have posted their approved or due content ("did @x post yet?",
    "check for new posts"): syncs their recent posts and matches them to the campaign by discount
    code, tracking link, brand mention or campaign hashtag. A match marks the deliverable posted,
    starts its metrics and moves the collaboration to posted when all its content is live."""

    handle: Handle | None = Field(None, description="Only this creator (omit for every collaboration with content due)")
    campaign: CampaignName | None = Field(None, description="Only this campaign")
    due_within_days: int = Field(7, ge=0, le=90, description="Also check deliverables due within this many days")


class DetectPostsResult(ToolResult):
    kind: str = "post_detection"
    matches: list[dict] = Field(default_factory=list)
    overdue: list[str] = Field(default_factory=list)
    waiting: list[str] = Field(default_factory=list)
    posted: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)


@tool(ToolTier.draft, progress="Checking for new posts…")
def detect_posts(ctx: ToolContext, args: DetectPostsInput) -> DetectPostsResult:
    """Run post detection now: sync the creators' recent posts, match them to their campaigns,
    mark matching deliverables posted (written directly and audited) and say why each matched."""
    sync = getattr(ctx, "posts_sync", None)
    report = detect(ctx, sync=sync, due_within_days=args.due_within_days, handle=args.handle, campaign=args.campaign,
                    flag_overdue=False)
    matches = [{"handle": "@" + n.handle, "campaign": n.campaign, "deliverable_id": n.deliverable_id, "url": n.url, "reason": n.reason}
               for n in report.notices if n.kind == "posted"]
    overdue = [n.text for n in report.status if n.kind == "overdue"]
    waiting = [n.text for n in report.status if n.kind == "waiting"]
    posted = [n.text for n in report.status if n.kind == "already_posted"]
    lines = [n.text for n in report.notices if n.kind == "posted"] + overdue + waiting
    if args.handle:
        lines += [p for p in posted if p not in lines and not any(m["url"] and m["url"] in p for m in matches)]
    if not lines:
        lines = ["No approved or due content to check" + (f" for {common.display_handle(args.handle)}" if args.handle else "") + "."]
    return DetectPostsResult(summary="\n".join(lines + [f"(sync: {e})" for e in report.errors[:5]]), matches=matches,
                             overdue=overdue, waiting=waiting, posted=posted, errors=report.errors)
