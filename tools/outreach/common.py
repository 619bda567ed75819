"""What the outreach tools share: the writer's view of a creator and campaign (loaded once,
detached from the session so model calls run without holding a transaction), result
models, and small lookups."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session, select

from memory.models import Account, Campaign, Creator, DiscountCode, OutreachMessage, Post
from memory.repo import outreach as repo
from memory.repo.creators import recent_posts
from tools.base import ToolContext, ToolError
from tools.outreach.lang import lang_of, register_of
from tools.outreach.text import PostInfo

RECENT_POSTS = 12


@dataclass
class DraftRequest:
    """Everything a writer needs for one creator in one campaign. ``bio``, ``name`` and the
    posts are third-party text: writers hand them to a model only through wrap_untrusted."""

    creator_id: int
    handle: str
    platform: str
    name: str
    email: str | None
    bio: str | None
    campaign_id: int
    campaign_name: str
    brand: str
    brief: str
    goal: str
    target_niches: str
    language: str
    tone: str
    channel: str
    sender_name: str
    posts: list[PostInfo]
    discount_code: str | None = None
    discount_pct: float | None = None
    dnc_reason: str | None = None
    collaboration_id: int | None = None
    account_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return lang_of(self.language)

    @property
    def register(self) -> str:
        return register_of(self.tone)

    @property
    def seed(self) -> str:
        return f"{self.creator_id}:{self.campaign_id}"

    @property
    def first_name(self) -> str:
        n = (self.name or "").strip()
        return n.split()[0] if n and not n.startswith("@") else (n or "@" + self.handle)

    @property
    def display_name(self) -> str:
        return (self.name or "").strip() or "@" + self.handle

    @property
    def brief_query(self) -> str:
        """What relevance is measured against: the brief, brand, goal and target niches."""
        return " ".join(x for x in (self.brief, self.brand, self.target_niches.replace(";", " "), self.campaign_name) if x)

    def post(self, post_id: int) -> PostInfo | None:
        return next((p for p in self.posts if p.id == post_id), None)


def post_info(p: Post) -> PostInfo:
    return PostInfo(id=p.id, platform=p.platform, url=p.url, posted_at=p.posted_at, caption=p.caption or "",
                    likes=p.likes, comments=p.comments, views=p.views)


def creator_posts(s: Session, *, workspace_id: str, creator_id: int, account: Account | None, limit: int = RECENT_POSTS) -> list[PostInfo]:
    """The account's recent posts; when it has none, the creator's other accounts' recent posts."""
    posts = recent_posts(s, account_id=account.id, limit=limit) if account is not None else []
    if not posts:
        accounts = s.exec(select(Account.id).where(Account.workspace_id == workspace_id, Account.creator_id == creator_id)).all()
        if accounts:
            posts = list(s.exec(select(Post).where(Post.account_id.in_(accounts))  # type: ignore[attr-defined]
                                .order_by(Post.posted_at.desc()).limit(limit)))  # type: ignore[attr-defined]
    return [post_info(p) for p in posts]


def sender_name(ctx: ToolContext, brand: str, lang: str) -> str:
    """Who signs: the configured sender name, or "The <brand> team" in the message's language."""
    configured = (ctx.settings.sender_name or "").strip()
    if configured and configured.lower() != "kolpilot":
        return configured
    return {"fr": f"L'équipe {brand}", "de": f"Das {brand}-Team", "es": f"El equipo de {brand}"}.get(lang, f"The {brand} team")


def build_request(
    s: Session, ctx: ToolContext, *, creator: Creator, account: Account | None, campaign: Campaign,
    channel: str = "email", language: str | None = None, tone: str | None = None,
) -> DraftRequest:
    """Load the writer's view of one creator for one campaign."""
    return build_requests(s, ctx, people=[(creator, account)], campaign=campaign, channel=channel,
                          language=language, tone=tone)[0]


def build_requests(
    s: Session, ctx: ToolContext, *, people: list[tuple[Creator, Account | None]], campaign: Campaign,
    channel: str = "email", language: str | None = None, tone: str | None = None,
) -> list[DraftRequest]:
    """The writer's view of many creators for one campaign, with a handful of batched queries
    (collaborations, discount codes, recent posts per account, do-not-contact) instead of
    several per creator: bulk drafting loads 500 creators before the first model call."""
    from sqlalchemy import func

    from memory.models import Collaboration

    ws = ctx.workspace_id
    creator_ids = [c.id for c, _ in people]
    collabs = {c.creator_id: c for c in s.exec(select(Collaboration).where(
        Collaboration.workspace_id == ws, Collaboration.campaign_id == campaign.id,
        Collaboration.creator_id.in_(creator_ids)))} if creator_ids else {}  # type: ignore[attr-defined]
    codes: dict[int, DiscountCode] = {}
    if collabs:
        for code in s.exec(select(DiscountCode).where(DiscountCode.collaboration_id.in_([c.id for c in collabs.values()]))  # type: ignore[attr-defined]
                           .order_by(DiscountCode.id)):  # type: ignore[arg-type]
            codes[code.collaboration_id] = code  # the newest wins
    account_ids = [a.id for _, a in people if a is not None]
    posts: dict[int, list[PostInfo]] = {}
    if account_ids:
        rank = func.row_number().over(partition_by=Post.account_id, order_by=(Post.posted_at.desc(), Post.id.desc())).label("rk")  # type: ignore[attr-defined]
        sub = select(Post.id, rank).where(Post.account_id.in_(account_ids)).subquery()  # type: ignore[attr-defined]
        rows = s.exec(select(Post).join(sub, sub.c.id == Post.id).where(sub.c.rk <= RECENT_POSTS)
                      .order_by(Post.account_id, Post.posted_at.desc())).all()  # type: ignore[attr-defined]
        for p in rows:
            posts.setdefault(p.account_id, []).append(post_info(p))
    listed = repo.dnc_emails(s, workspace_id=ws, emails=[c.email for c, _ in people if c.email])
    lang = language or campaign.language or "en"
    brand = campaign.brand or campaign.name
    signer = sender_name(ctx, brand, lang_of(lang))
    out = []
    for person, account in people:
        collab = collabs.get(person.id)
        code = codes.get(collab.id) if collab else None
        mine = posts.get(account.id, []) if account is not None else []
        if not mine:  # the handle's account has no posts: use the creator's other accounts
            mine = creator_posts(s, workspace_id=ws, creator_id=person.id, account=None)
        dnc = "marked do-not-contact" if person.do_not_contact else (
            f"{person.email} is on the do-not-contact list" if person.email and person.email.strip().lower() in listed else None)
        out.append(DraftRequest(
            creator_id=person.id, handle=account.handle if account else str(person.id),
            platform=account.platform if account else "", name=person.name or "", email=person.email, bio=person.bio,
            campaign_id=campaign.id, campaign_name=campaign.name, brand=brand,
            brief=(campaign.brief or "").strip(), goal=campaign.goal, target_niches=campaign.target_niches or "",
            language=lang, tone=tone or campaign.tone or "friendly", channel=channel, sender_name=signer, posts=mine,
            discount_code=code.code if code else None, discount_pct=code.discount_pct if code else None,
            dnc_reason=dnc, collaboration_id=collab.id if collab else None, account_id=account.id if account else None,
        ))
    return out


def campaign_name(ctx: ToolContext, name: str | None) -> str:
    """The campaign the user means: the one given, else the one last discussed."""
    chosen = name or ctx.memory.last_campaign
    if not chosen:
        raise ToolError("which campaign? (give the campaign name)")
    return chosen


def handle_of(s: Session, creator_id: int, account_id: int | None = None) -> str:
    acc = s.get(Account, account_id) if account_id else None
    if acc is None:
        acc = s.exec(select(Account).where(Account.creator_id == creator_id).order_by(Account.followers.desc())).first()  # type: ignore[attr-defined]
    return "@" + acc.handle if acc else f"creator #{creator_id}"


def content_hash(m: OutreachMessage) -> str:
    """Fingerprint of what an approver approves: a draft edited afterwards no longer matches."""
    return hashlib.sha256(f"{m.subject or ''}\x00{m.body}\x00{m.to_address or ''}".encode()).hexdigest()[:16]


class PostRef(BaseModel):
    """A post a draft cites."""

    post_id: int
    url: str
    posted_at: str
    caption: str = Field(description="First 160 characters of the caption")


class MessageView(BaseModel):
    """One outreach message as shown to the user."""

    message_id: int
    handle: str
    campaign: str
    step: int = Field(description="0 = first message, 1.. = follow-ups")
    channel: str
    status: str
    subject: str | None = None
    body: str
    to_address: str | None = None
    scheduled_at: str | None = None
    sent_at: str | None = None
    attempts: int = 0
    last_error: str | None = None
    posts: list[PostRef] = Field(default_factory=list)


def post_refs(posts: list[PostInfo], ids: list[int]) -> list[PostRef]:
    by_id = {p.id: p for p in posts}
    return [PostRef(post_id=i, url=by_id[i].url, posted_at=by_id[i].posted_at.date().isoformat(),
                    caption=(by_id[i].caption or "")[:160]) for i in ids if i in by_id]


def view(m: OutreachMessage, *, handle: str, campaign: str, posts: list[PostInfo] | None = None,
         body_chars: int | None = None) -> MessageView:
    ids = [int(x) for x in (m.source_post_ids or "").split(",") if x.strip().isdigit()]
    body = m.body if body_chars is None or len(m.body) <= body_chars else m.body[:body_chars].rstrip() + "…"
    return MessageView(
        message_id=m.id, handle=handle, campaign=campaign, step=m.step, channel=m.channel, status=m.status,
        subject=m.subject, body=body, to_address=m.to_address,
        scheduled_at=m.scheduled_at.isoformat(timespec="minutes") if m.scheduled_at else None,
        sent_at=m.sent_at.isoformat(timespec="minutes") if m.sent_at else None, attempts=m.attempts,
        last_error=m.last_error, posts=post_refs(posts or [], ids),
    )


def post_ids_of(m: OutreachMessage) -> list[int]:
    return [int(x) for x in (m.source_post_ids or "").split(",") if x.strip().isdigit()]


def posts_by_ids(s: Session, ids: list[int]) -> list[PostInfo]:
    if not ids:
        return []
    return [post_info(p) for p in s.exec(select(Post).where(Post.id.in_(ids)))]  # type: ignore[attr-defined]
