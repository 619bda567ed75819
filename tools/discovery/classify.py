"""``classify_creator``: tier per account, and influencer vs KOL with the reasons.

The brief's definitions: an influencer's credibility comes from relatability and
engagement on social platforms; a KOL's from expertise and credentials, often shown on
LinkedIn, blogs, podcasts, journals and conferences. The classifier adds up evidence:

| signal                                                   | points      |
|----------------------------------------------------------|-------------|
| credentials on file                                      | KOL +3      |
| expert words in credentials/bio (MD, PhD, CFA, professor…) | KOL +2 (once) |
| account on linkedin / blog / podcast                     | KOL +1 each (max 2) |
| educational captions (≥ 40% of recent posts)             | KOL +1      |
| expert niche (medicine, dermatology, finance, science…)  | KOL +0.5    |
| social-only presence (instagram, tiktok, youtube, …)     | influencer +1 |
| sponsored posts (≥ 30% of recent posts)                  | influencer +1 |
| lifestyle niche (fashion, beauty, travel, fitness, food…) | influencer +0.5 |

KOL when KOL points ≥ 3 and exceed the influencer points; the confidence grows with the
margin. Read-only: the stored kind is never changed.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field
from sqlmodel import select

from memory.domain.numbers import format_compact
from memory.domain.people import EXPERT_WORDS_RE
from memory.models import Post
from memory.repo import search as repo
from memory.tiers import tier_for
from tools.base import Handle, Id, ToolContext, ToolInput, ToolResult, ToolTier, tool
from tools.discovery.profile import find_creator

EXPERT_WORDS = EXPERT_WORDS_RE  # the domain core's expert titles
EDUCATIONAL_WORDS = re.compile(
    r"\b(?:study|studies|research|evidence|clinical|explained|explainer|how to|guide|ingredients?|science|data|"
    r"analysis|myths?|facts?|lesson|learn|breakdown|deep dive|thread|paper|trial|q&a|faq|why)\b",
    re.IGNORECASE,
)
KOL_PLATFORMS = {"linkedin", "blog", "podcast"}
SOCIAL_PLATFORMS = {"instagram", "tiktok", "youtube", "facebook", "x", "twitch", "pinterest", "threads", "snapchat"}
EXPERT_NICHES = {"medicine", "dermatology", "finance", "investing", "science", "law", "health", "business", "crypto", "nutrition"}
LIFESTYLE_NICHES = {"fashion", "beauty", "makeup", "lifestyle", "travel", "fitness", "food", "cooking", "gaming",
                    "entertainment", "comedy", "music", "home decor", "parenting", "pets"}


class ClassifyCreatorInput(ToolInput):
    """Classify a creator: tier of each account, and influencer vs KOL with reasons."""

    handle: Handle | None = Field(None, description="The creator's handle, with or without @")
    platform: str | None = Field(None, description="Platform of the handle, when the same handle exists on several")
    creator_id: Id | None = Field(None, description="Creator id from an earlier result (instead of a handle)")


class AccountTier(BaseModel):
    platform: str
    handle: str
    followers: int
    tier: str


class ClassificationResult(ToolResult):
    kind: Literal["classification"] = "classification"
    handle: str
    creator_id: int
    display_name: str
    tiers: list[AccountTier] = Field(default_factory=list, description="Tier of each account (by its followers)")
    stored_kind: str = Field(description="Kind recorded in the database")
    inferred_kind: Literal["influencer", "kol"]
    agrees: bool = Field(description="True when the evidence agrees with the stored kind")
    confidence: float = Field(description="0.5 (a toss-up) to 0.95 (clear)")
    kol_points: float
    influencer_points: float
    reasons: list[str] = Field(default_factory=list)


@tool(ToolTier.read, progress="Classifying the creator…")
def classify_creator(ctx: ToolContext, args: ClassifyCreatorInput) -> ClassificationResult:
    """Is this creator an influencer or a KOL, and which tier is each account? Weighs
    credentials, expert words in the bio (MD, PhD, dermatologist, CFA, professor, researcher,
    founder/CEO, analyst…), platforms (LinkedIn/blog/podcast lean KOL) and educational content;
    returns the stored vs inferred kind, a confidence and the reasons. Changes nothing."""
    cuts = ctx.settings.tier_cutoffs
    with ctx.sessions() as s:
        creator, accounts, focus = find_creator(s, ctx, handle=args.handle, platform=args.platform, creator_id=args.creator_id)
        ids = [a.id for a in accounts]
        posts = list(s.exec(
            select(Post).where(Post.account_id.in_(ids)).order_by(Post.posted_at.desc()).limit(20)  # type: ignore[attr-defined,union-attr]
        )) if ids else []
        niches = set(repo.niches_of(s, workspace_id=ctx.workspace_id, creator_ids=[creator.id]).get(creator.id, []))  # type: ignore[list-item]
    kol, infl = 0.0, 0.0
    reasons: list[str] = []
    if creator.credentials and creator.credentials.strip():
        kol += 3
        reasons.append(f"KOL +3: credentials on file ({creator.credentials.strip()})")
    words = sorted({m.group(0).strip().rstrip(".").lower() for m in EXPERT_WORDS.finditer(f"{creator.credentials or ''} {creator.bio or ''}")})
    if words:
        kol += 2
        reasons.append(f"KOL +2: expert words in credentials/bio ({', '.join(words[:5])})")
    platforms = {a.platform for a in accounts}
    expert_platforms = sorted(platforms & KOL_PLATFORMS)
    if expert_platforms:
        kol += min(2, len(expert_platforms))
        reasons.append(f"KOL +{min(2, len(expert_platforms))}: present on {', '.join(expert_platforms)} (expert channels)")
    captions = [p.caption for p in posts if p.caption]
    if captions:
        edu = sum(1 for c in captions if EDUCATIONAL_WORDS.search(c))
        if edu / len(captions) >= 0.4:
            kol += 1
            reasons.append(f"KOL +1: educational content ({edu} of {len(captions)} recent captions explain or cite)")
        sponsored = sum(1 for p in posts if p.is_sponsored)
        if sponsored / len(posts) >= 0.3:
            infl += 1
            reasons.append(f"influencer +1: sponsored content ({sponsored} of {len(posts)} recent posts)")
    if niches & EXPERT_NICHES:
        kol += 0.5
        reasons.append(f"KOL +0.5: expert niche ({', '.join(sorted(niches & EXPERT_NICHES))})")
    if platforms and platforms <= SOCIAL_PLATFORMS:
        infl += 1
        reasons.append(f"influencer +1: social platforms only ({', '.join(sorted(platforms))})")
    if niches & LIFESTYLE_NICHES:
        infl += 0.5
        reasons.append(f"influencer +0.5: lifestyle niche ({', '.join(sorted(niches & LIFESTYLE_NICHES))})")
    if not creator.credentials and not words:
        reasons.append("no credentials or expert titles found")
    inferred: Literal["influencer", "kol"] = "kol" if kol >= 3 and kol > infl else "influencer"
    margin = (kol - max(infl, 2.5)) if inferred == "kol" else (max(3.0, infl + 0.5) - kol)
    confidence = round(min(0.95, 0.5 + 0.1 * max(margin, 0.0)), 2)
    tiers = [AccountTier(platform=a.platform, handle=a.handle, followers=a.followers, tier=tier_for(a.followers, cuts)) for a in accounts]
    main = focus or (accounts[0] if accounts else None)
    handle = main.handle if main else str(creator.id)
    stored = creator.kind or "influencer"
    agrees = stored == inferred
    tier_text = ", ".join(f"{t.platform} {t.tier} ({format_compact(t.followers, missing='?')})" for t in tiers[:4]) or "no accounts"
    label = "a KOL" if inferred == "kol" else "an influencer"
    summary = f"@{handle} looks like {label} (confidence {confidence:.0%}); tiers: {tier_text}."
    if not agrees:
        summary += f" Stored as {stored} — the evidence disagrees."
    ctx.memory.extra["focus"] = {"handle": handle, "creator_id": creator.id, "platform": main.platform if main else None}
    return ClassificationResult(
        summary=summary, handle=handle, creator_id=creator.id, display_name=creator.name or handle, tiers=tiers,  # type: ignore[arg-type]
        stored_kind=stored, inferred_kind=inferred, agrees=agrees, confidence=confidence, kol_points=kol,
        influencer_points=infl, reasons=reasons,
    )
