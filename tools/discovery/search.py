"""``search_creators``: find creators by filters and, optionally, by topic.

Hybrid plan when ``topic`` is given (SQL filters and vector relevance in one plan):

1. The filters are resolved and checked (unknown values are errors with suggestions).
2. The vector index returns the ``TOPIC_CANDIDATES`` creators closest to the topic,
   pre-filtered in Chroma by the single-valued creator attributes it holds (kind,
   country, language).
3. SQL applies every filter to exactly those candidates (one query, driven by the
   candidate ids) — vector top-K ∩ SQL filter.
4. If that leaves fewer matches than the page needs (the filters are narrower than the
   topic), the SQL-filtered set itself is scored instead: its first
   ``TOPIC_RESCORE_LIMIT`` accounts by followers are ranked with
   ``VectorIndex.similarity`` (an exact cosine against the stored vectors), so narrow
   filters never lose good topical matches that were outside the global top-K.
5. Matches below ``TOPIC_MIN_SCORE`` are dropped (they are not about the topic); the
   rest are ordered by relevance (or by the requested sort), then paginated.

Without a topic the whole search is one SQL query (``memory.repo.search``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from memory.domain import credibility
from memory.domain.analytics import ACTIVE_DAYS, DORMANT_DAYS
from memory.domain.analytics_format import describe_activity, describe_engagement, describe_growth
from memory.domain.numbers import format_compact, parse_rate
from memory.repo import search as repo
from memory.repo.search import AccountHit, SearchFilters
from memory.tiers import followers_range, tier_for
from tools.base import Count, Offset, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.discovery import vocab

TOPIC_CANDIDATES = 300
TOPIC_RESCORE_LIMIT = 2000
TOPIC_MIN_SCORE = 0.15
MAX_LIMIT = 100

SortName = Literal["relevance", "followers", "engagement", "recency"]
_SORT_ALIASES = {"recent": "recency", "er": "engagement", "engagement_rate": "engagement", "size": "followers",
                 "biggest": "followers", "relevant": "relevance", "latest": "recency", "activity": "recency"}


def _pct(value: Any, field: str) -> float | None:
    """Fractions stay (0.035); numbers of 1 or more are percents (3.5 → 0.035); "3.5%" works."""
    try:
        return parse_rate(value, max_value=None)  # the domain core's one rule for rates
    except ValueError as exc:
        raise ValueError(f"{field}: {exc}") from None


class CreatorFilters(ToolInput):
    """Filters shared by search_creators and find_similar_creators (all optional; lists mean "any of")."""

    platforms: list[str] | None = Field(None, description="Platforms, e.g. ['instagram', 'tiktok'] (aliases like IG, YT, Twitter work)")
    tiers: list[str] | None = Field(
        None, description="Follower tiers: nano (1K–10K), micro (10K–100K), macro (100K–500K), mega (500K–1M), celebrity (1M+), emerging (<1K)"
    )
    followers_min: Count | None = Field(None, description="Minimum followers of the account")
    followers_max: Count | None = Field(None, description="Maximum followers of the account")
    engagement_min: float | str | None = Field(
        None, description="Minimum engagement rate: a fraction (0.035) or a percent (3.5 or '3.5%' = 3.5%); values ≥ 1 are read as percent"
    )
    engagement_max: float | str | None = Field(None, description="Maximum engagement rate, same format as engagement_min")
    countries: list[str] | None = Field(
        None, description="Creator countries, names or ISO codes (['France', 'DE']); a creator whose country is unknown "
        "matches by the audience's top country")
    city: str | None = Field(None, description="Creator city, e.g. 'Paris'")
    languages: list[str] | None = Field(None, description="Content languages, names or ISO codes (['French', 'en'])")
    niches_any: list[str] | None = Field(None, description="Creators in at least one of these niches (e.g. ['skincare', 'beauty'])")
    niches_all: list[str] | None = Field(None, description="Creators in all of these niches")
    kind: Literal["influencer", "kol"] | None = Field(
        None, description="'influencer' (social following) or 'kol' (expert with credentials: doctors, analysts, researchers)"
    )
    credentials: str | list[str] | None = Field(
        None, description="Keyword(s) in the creator's credentials or bio, e.g. 'dermatologist', 'CFA', 'PhD'"
    )
    audience_country: str | None = Field(None, description="Audience's top country (name or ISO code)")
    audience_countries: list[str] | None = Field(None, description="Audience's top country is one of these (names or ISO codes)")
    posted_within_days: int | None = Field(None, ge=1, le=3650, description="Only accounts with a post in the last N days")
    active_only: bool = Field(False, description="Only accounts that posted in the last 30 days")
    dormant_only: bool = Field(False, description="Only accounts whose last known post is more than 90 days old")
    min_growth_30d_pct: float | str | None = Field(
        None, description="Minimum follower growth over 30 days: a fraction (0.05) or a percent (5 or '5%')")
    min_credibility: int | None = Field(
        None, ge=0, le=100, description="Minimum audience credibility, 0-100 (a heuristic: ER vs its tier's norm, "
        "likes per comment, engagement spread, follower spikes, posting); 'credible' / 'no fake followers' = 60")
    audience_female_min: float | str | None = Field(None, description="Minimum share of female audience, 0.6 or 60 (= 60%)")
    audience_18_34_min: float | str | None = Field(None, description="Minimum share of audience aged 18-34, 0.5 or 50 (= 50%)")
    has_email: bool | None = Field(None, description="True: only creators with an email address; False: only without")
    brands: list[str] | None = Field(None, description="Brand affinity: creators who mentioned any of these brands in their posts")
    collaborated: bool | str | None = Field(
        None, description="'any' (or true): creators we worked with before; 'never' (or false): never worked with us; or a brand name: worked with us on that brand"
    )
    exclude_campaign: str | None = Field(None, description="Campaign name: leave out creators already in that campaign")

    @field_validator("engagement_min", "engagement_max", "audience_female_min", "audience_18_34_min", "min_growth_30d_pct",
                     mode="before")
    @classmethod
    def _percentages(cls, v: Any, info: Any) -> float | None:
        return _pct(v, info.field_name)

    @field_validator("platforms", "tiers", "countries", "languages", "niches_any", "niches_all", "brands",
                     "audience_countries", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [p.strip() for p in re.split(r"[;,]", v) if p.strip()]
        return v


class SearchCreatorsInput(CreatorFilters):
    """Find creators (one row per platform account) by filters and/or a topic described in words."""

    topic: str | None = Field(
        None, description="Free text about what creators talk about, answered semantically, e.g. 'sensitive skin routines for teens'"
    )
    sort: str | None = Field(
        None, description="relevance (default with a topic), followers (default otherwise), engagement or recency (latest post)"
    )
    limit: int = Field(10, ge=1, le=MAX_LIMIT, description="How many results (max 100)")
    offset: Offset = Field(0, description="Skip this many results (for the next page)")

    @field_validator("sort", mode="before")
    @classmethod
    def _sort(cls, v: Any) -> Any:
        if v is None:
            return None
        key = str(v).strip().lower()
        key = _SORT_ALIASES.get(key, key)
        if key not in ("relevance", "followers", "engagement", "recency"):
            raise ValueError(f"unknown sort {v!r}: use relevance, followers, engagement or recency")
        return key


class CreatorItem(BaseModel):
    """One platform account in a result list."""

    handle: str
    platform: str
    display_name: str
    profile_url: str | None = None
    followers: int
    tier: str
    engagement_rate: float | None = Field(None, description="Fraction (0.041 = 4.1%)")
    engagement_basis: str = Field("followers", description="What the rate is computed against: followers, reach or views")
    engagement: str = Field("unknown", description="Display form with its basis, e.g. '3.7% · last 6 posts', '3.4% · reported'")
    growth: str | None = Field(None, description="Follower growth, e.g. '+6.4K, +20% in 30 days' (None: no follower history)")
    activity: str | None = Field(None, description="Posting, e.g. '2.1 posts/week · last post 3 days ago' (None: no posts known)")
    engagement_source: str | None = Field(
        None, description="Where the rate comes from: posts (recent posts), averages, views or reported (an imported ER column)")
    engagement_posts: int | None = Field(None, description="Posts the rate was computed from (source posts)")
    engagement_by_views: float | None = Field(None, description="Video platforms: (avg likes + comments) / avg views")
    posts_per_week: float | None = Field(None, description="Posts per week over the last 90 days")
    growth_30d_pct: float | None = Field(None, description="Follower growth over 30 days, a fraction")
    days_since_last_post: int | None = None
    credibility: int | None = Field(None, description="Audience credibility 0-100 (heuristic; None: nothing to judge)")
    credibility_text: str | None = Field(
        None, description="The score with its reasons, e.g. 'credibility 82/100 (heuristic): ER normal for micro Instagram'")
    country: str | None = None
    city: str | None = None
    language: str | None = None
    niches: list[str] = Field(default_factory=list)
    kind: str
    credentials: str | None = None
    has_email: bool
    do_not_contact: bool = False
    creator_id: int
    account_id: int
    reasons: list[str] = Field(default_factory=list, description="Why this creator matched")
    score: float | None = Field(None, description="Topic relevance (cosine similarity) when a topic was searched")


class CreatorListResult(ToolResult):
    """A page of creators."""

    kind: Literal["creator_list"] = "creator_list"
    items: list[CreatorItem] = Field(default_factory=list)
    total: int | None = Field(None, description="Exact number of matches when cheap to know (topic searches), else None")
    has_more: bool = False
    offset: int = 0
    limit: int = 10
    sort: str = "followers"
    applied_filters: dict[str, Any] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)


# --- formatting ----------------------------------------------------------------------------------


def engagement_text(rate: float | None, basis: str | None, source: str | None = None, posts: int | None = None) -> str:
    """The rate with its basis (memory.domain.analytics_format): '3.7% · last 6 posts',
    '3.4% · reported', or '4.1% by followers' when the source is not recorded."""
    return describe_engagement(rate, source, posts, basis=basis)


def analytics_texts(row: Any, now: datetime | None = None) -> tuple[str, str | None, str | None]:
    """(engagement, growth, activity) display texts of an account or result row; growth and
    activity are None when nothing is known about them. ``days_since_last_post`` is a value
    on result rows and a method of ``now`` on search hits."""
    def get(name: str) -> Any:  # accounts, search hits and result items all carry these (or not yet)
        return getattr(row, name, None)

    engagement = engagement_text(get("engagement_rate"), get("engagement_basis"), get("engagement_source"), get("engagement_posts"))
    figures = (get("followers_change_30d"), get("growth_30d_pct"), get("followers_change_90d"), get("growth_90d_pct"))
    growth = describe_growth(*figures) if any(x is not None for x in figures) else None
    ppw, days = get("posts_per_week"), get("days_since_last_post")
    if callable(days):
        days = days(now) if now is not None else None
    activity = describe_activity(ppw, days) if ppw is not None or days is not None else None
    return engagement, growth, activity


# --- resolving filters ---------------------------------------------------------------------------


def resolve_niches(ctx: ToolContext, conn: Any, values: list[str] | None) -> tuple[str, ...]:
    """Niche words → the niche names the workspace uses ("home decor" → "home & decor").

    A niche nobody is tagged with is an error with close matches from the workspace's
    niches, unless it is a well-known niche with no close match (then the search is
    simply empty, and says which filter emptied it)."""
    out: list[str] = []
    known: list[str] | None = None
    for v in values or []:
        key = vocab.normalize_niche(v)
        if not key:
            continue
        if not repo.niche_exists(conn, workspace_id=ctx.workspace_id, niche=key):
            if known is None:
                known = repo.known_niches(conn, workspace_id=ctx.workspace_id)
            same = [k for k in known if vocab.squash(k) == vocab.squash(key)]
            if same:
                key = same[0]
            else:
                near = vocab.close_matches(key, known) + [k for k in known if key in k.split() or k in key.split()]
                near = list(dict.fromkeys(near))[:3]
                if near or key not in vocab.NICHES:
                    if key in vocab.NICHES:
                        raise ToolError(f"no creators are tagged {key!r}{vocab.did_you_mean(near)}")
                    key = vocab.resolve_niche(v, known)
        if key not in out:
            out.append(key)
    return tuple(out)


def _resolve_brand(ctx: ToolContext, conn: Any, value: str, *, campaign: bool) -> str:
    key = " ".join(value.strip().lower().split())
    ok = (repo.campaign_brand_exists(conn, workspace_id=ctx.workspace_id, brand=key) if campaign
          else repo.brand_exists(conn, workspace_id=ctx.workspace_id, brand=key))
    if ok:
        return key
    known = repo.brand_names(conn, workspace_id=ctx.workspace_id)
    what = "brand (no campaign of ours was for it)" if campaign else "brand (no creator mentioned it in a post)"
    raise vocab.suggest(value, known, what)


def build_filters(ctx: ToolContext, conn: Any, args: CreatorFilters) -> tuple[SearchFilters, dict[str, Any]]:
    """Turn tool arguments into canonical ``SearchFilters`` plus an echo of what was applied.

    Raises ``ToolError`` (with close matches) for unknown platforms, tiers, countries,
    languages, niches, brands and campaigns.
    """
    echo: dict[str, Any] = {}
    platforms = tuple(dict.fromkeys(vocab.resolve_platform(p) for p in args.platforms or []))
    cuts = ctx.settings.tier_cutoffs
    tiers = list(dict.fromkeys(vocab.resolve_tier(t, cuts) for t in args.tiers or []))
    ranges = tuple(followers_range(t, cuts) for t in tiers)
    countries = tuple(dict.fromkeys(vocab.resolve_country(c) for c in args.countries or []))
    languages = tuple(dict.fromkeys(vocab.resolve_language(x) for x in args.languages or []))
    niches_any = resolve_niches(ctx, conn, args.niches_any)
    niches_all = resolve_niches(ctx, conn, args.niches_all)
    brands = tuple(dict.fromkeys(_resolve_brand(ctx, conn, b, campaign=False) for b in args.brands or []))
    audience_country = vocab.resolve_country(args.audience_country) if args.audience_country else None
    creds = args.credentials
    credentials = tuple(c.strip() for c in ([creds] if isinstance(creds, str) else creds or []) if c and c.strip())
    if (args.followers_min is not None and args.followers_max is not None and args.followers_min > args.followers_max):
        raise ToolError(f"followers_min ({args.followers_min}) is above followers_max ({args.followers_max})")
    emin, emax = args.engagement_min, args.engagement_max
    if emin is not None and emax is not None and emin > emax:  # type: ignore[operator]
        raise ToolError(f"engagement_min ({emin:.1%}) is above engagement_max ({emax:.1%})")
    collaborated: Literal["any", "never"] | None = None
    collab_brand = None
    if args.active_only and args.dormant_only:
        raise ToolError("active_only and dormant_only exclude each other: pick one")
    now = ctx.clock()
    since = [now - timedelta(days=d) for d in (args.posted_within_days, ACTIVE_DAYS if args.active_only else None) if d]
    posted_since = max(since) if since else None
    not_posted_since = now - timedelta(days=DORMANT_DAYS) if args.dormant_only else None
    audience_countries = tuple(dict.fromkeys(vocab.resolve_country(x) for x in args.audience_countries or []))
    c = args.collaborated
    if c is True or (isinstance(c, str) and c.strip().lower() in ("any", "yes", "true", "before", "past")):
        collaborated = "any"
    elif c is False or (isinstance(c, str) and c.strip().lower() in ("never", "no", "false", "new")):
        collaborated = "never"
    elif isinstance(c, str) and c.strip():
        collab_brand = _resolve_brand(ctx, conn, c, campaign=True)
    exclude_id = None
    if args.exclude_campaign:
        found = repo.find_campaign(conn, workspace_id=ctx.workspace_id, name=args.exclude_campaign)
        if found is None:
            raise vocab.suggest(args.exclude_campaign, repo.campaign_names(conn, workspace_id=ctx.workspace_id), "campaign")
        exclude_id = found[0]
        echo["exclude_campaign"] = found[1]
    f = SearchFilters(
        platforms=platforms, follower_ranges=ranges, followers_min=args.followers_min, followers_max=args.followers_max,
        engagement_min=emin, engagement_max=emax, countries=countries, languages=languages,  # type: ignore[arg-type]
        kind=args.kind, has_email=args.has_email, niches_any=niches_any, niches_all=niches_all, brands=brands,
        city=args.city.strip() if args.city else None, credentials=credentials, audience_country=audience_country,
        audience_female_min=args.audience_female_min, audience_18_34_min=args.audience_18_34_min,  # type: ignore[arg-type]
        collaborated=collaborated, collaborated_brand=collab_brand, exclude_campaign_id=exclude_id,
        audience_countries=audience_countries, posted_since=posted_since, not_posted_since=not_posted_since,
        growth_30d_min=args.min_growth_30d_pct,  # type: ignore[arg-type]
        min_credibility=args.min_credibility,
    )
    for key, value in (
        ("platforms", list(platforms)), ("tiers", tiers), ("followers_min", args.followers_min),
        ("followers_max", args.followers_max), ("engagement_min", emin), ("engagement_max", emax),
        ("countries", list(countries)), ("city", f.city), ("languages", list(languages)),
        ("niches_any", list(niches_any)), ("niches_all", list(niches_all)), ("kind", args.kind),
        ("credentials", list(credentials)), ("audience_country", audience_country),
        ("audience_female_min", args.audience_female_min), ("audience_18_34_min", args.audience_18_34_min),
        ("has_email", args.has_email), ("brands", list(brands)),
        ("collaborated", collaborated or collab_brand), ("audience_countries", list(audience_countries)),
        ("posted_within_days", args.posted_within_days), ("active_only", args.active_only or None),
        ("dormant_only", args.dormant_only or None), ("min_growth_30d_pct", args.min_growth_30d_pct),
        ("min_credibility", args.min_credibility),
    ):
        if value not in (None, [], ""):
            echo[key] = value
    return f, echo


# --- reasons -------------------------------------------------------------------------------------


def _snippet(document: str | None, topic: str, fallback: str | None = None, width: int = 90) -> str | None:
    """The line of the creator document sharing most words with the topic, shortened."""
    words = {w for w in re.findall(r"[a-z0-9]+", topic.lower()) if len(w) > 2}
    lines = [ln.strip("- ").strip() for ln in (document or fallback or "").splitlines() if ln.strip()]
    if not lines:
        return None
    best = max(lines, key=lambda ln: (len(words & set(re.findall(r"[a-z0-9]+", ln.lower()))), -lines.index(ln)))
    best = re.sub(r"^(Bio|Niches|Credentials):\s*", "", best)
    return best if len(best) <= width else best[: width - 1].rstrip() + "…"


def reasons_for(hit: AccountHit, f: SearchFilters, cutoffs: dict[str, int], *, topic: tuple[float, str | None] | None = None,
                brand_labels: dict[str, str] | None = None, now: datetime | None = None) -> list[str]:
    """Why ``hit`` matched: tier, engagement (with basis), and each filter it satisfied."""
    out = [f"{hit.platform} {tier_for(hit.followers, cutoffs)} ({format_compact(hit.followers, missing='?')} followers)"]
    if hit.engagement_rate is not None:
        out.append(f"ER {analytics_texts(hit)[0]}")
    wanted = set(f.niches_any) | set(f.niches_all)
    for n in hit.niches:
        if n in wanted:
            out.append(f"niche: {n}")
    for brand, count in sorted(hit.brand_mentions.items(), key=lambda kv: -kv[1]):
        label = (brand_labels or {}).get(brand, brand)
        out.append(f"mentions {label} in {count} post{'s' if count != 1 else ''}")
    if f.countries and hit.country not in f.countries and hit.audience_top_country in f.countries:
        # Creator country unknown: matched by the audience's top country (memory.repo.search).
        out.append(f"audience mostly in {vocab.country_label(hit.audience_top_country)}")
        if f.city:
            out.append(f"based in {hit.city}")
    elif f.countries or f.city:
        place = ", ".join(p for p in (hit.city if f.city else None, vocab.country_label(hit.country)) if p)
        out.append(f"based in {place}")
    if f.languages:
        out.append(f"posts in {vocab.language_label(hit.language)}")
    if f.kind == "kol" or f.credentials:
        out.append("KOL" + (f": {hit.credentials}" if hit.credentials else ""))
    elif f.kind == "influencer":
        out.append("influencer")
    if f.has_email:
        out.append("email on file")
    if f.audience_country or f.audience_countries:
        out.append(f"audience mostly in {vocab.country_label(hit.audience_top_country)}")
    if f.posted_since is not None or f.not_posted_since is not None:
        days = hit.days_since_last_post(now or datetime.now(UTC))
        if days is not None:
            out.append("posted today" if days == 0 else f"last post {days} day{'s' if days != 1 else ''} ago")
    if f.growth_30d_min is not None and hit.growth_30d_pct is not None:
        out.append(f"followers {hit.growth_30d_pct:+.1%} in 30 days")
    if f.min_credibility is not None and hit.credibility is not None:
        out.append(f"credibility {hit.credibility}/100 ({credibility.LABEL})")
    if f.audience_female_min is not None and hit.audience_female_pct is not None:
        out.append(f"audience {hit.audience_female_pct:.0%} female")
    if f.audience_18_34_min is not None and hit.audience_age_18_34_pct is not None:
        out.append(f"audience {hit.audience_age_18_34_pct:.0%} aged 18-34")
    if f.collaborated == "any":
        out.append("worked with us before")
    elif f.collaborated == "never":
        out.append("never worked with us")
    if f.collaborated_brand:
        out.append(f"worked with us on {f.collaborated_brand}")
    if topic is not None:
        score, snip = topic
        out.append(f"topic match {score:.2f}" + (f": '{snip}'" if snip else ""))
    return out


def to_item(hit: AccountHit, f: SearchFilters, cutoffs: dict[str, int], *, score: float | None = None,
            snippet: str | None = None, extra: list[str] | None = None, brand_labels: dict[str, str] | None = None,
            now: datetime | None = None) -> CreatorItem:
    """A result row for ``hit`` (``now``: the clock, for "last post 3 days ago")."""
    reasons = reasons_for(hit, f, cutoffs, topic=(score, snippet) if score is not None else None, brand_labels=brand_labels,
                          now=now)
    engagement, growth, activity = analytics_texts(hit, now)
    return CreatorItem(
        handle=hit.handle, platform=hit.platform, display_name=hit.name or hit.handle, profile_url=hit.profile_url,
        followers=hit.followers, tier=tier_for(hit.followers, cutoffs), engagement_rate=hit.engagement_rate,
        engagement_basis=hit.engagement_basis, engagement=engagement, growth=growth, activity=activity,
        country=hit.country, city=hit.city, language=hit.language, niches=hit.niches, kind=hit.kind,
        credentials=hit.credentials, has_email=hit.has_email, do_not_contact=hit.do_not_contact,
        creator_id=hit.creator_id, account_id=hit.account_id, reasons=[*reasons, *(extra or [])],
        score=None if score is None else round(score, 4), engagement_source=hit.engagement_source,
        engagement_posts=hit.engagement_posts, engagement_by_views=hit.engagement_by_views,
        posts_per_week=hit.posts_per_week, growth_30d_pct=hit.growth_30d_pct,
        days_since_last_post=hit.days_since_last_post(now) if now is not None else None,
        credibility=hit.credibility, credibility_text=credibility.describe(hit.credibility, hit.credibility_reasons) or None,
    )


def remember(ctx: ToolContext, items: list[CreatorItem]) -> None:
    """Make "the second one" refer to this list."""
    ctx.memory.last_handles = [i.handle for i in items]
    ctx.memory.last_creator_ids = [i.creator_id for i in items]
    ctx.memory.extra["last_platforms"] = [i.platform for i in items]


def _sort_key(sort: str):  # noqa: ANN202 - small local key factory
    if sort == "engagement":
        return lambda h: (h.engagement_rate if h.engagement_rate is not None else -1.0, h.account_id)
    if sort == "recency":
        return lambda h: (h.last_post_at.timestamp() if h.last_post_at else -1.0, h.account_id)
    return lambda h: (h.followers, h.account_id)


FILTER_LABELS = {
    "platforms": "platform", "countries": "country", "languages": "language", "kind": "kind", "has_email": "email",
    "niches_any": "niche", "niches_all": "niches (all of)", "brands": "brand mentions", "city": "city",
    "credentials": "credentials", "audience_country": "audience country", "audience_female_min": "female audience share",
    "audience_18_34_min": "18-34 audience share", "collaborated": "past collaboration", "collaborated_brand": "brand collaboration",
    "exclude_campaign_id": "campaign exclusion", "creator_ids": "candidates", "followers": "followers/tier",
    "engagement": "engagement rate", "audience_countries": "audience country", "activity": "posting activity",
    "growth_30d_min": "follower growth", "min_credibility": "credibility",
}


def empty_note(conn: Any, ctx: ToolContext, f: SearchFilters) -> str | None:
    """Which filter is most restrictive, for an empty result."""
    counts = repo.most_restrictive(conn, workspace_id=ctx.workspace_id, filters=f)
    if not counts:
        return None
    name, n = counts[0]
    label = FILTER_LABELS.get(name, name.replace("_", " "))
    if n == 0:
        return f"no creator matches the {label} filter on its own"
    if len(counts) > 1:
        return f"most restrictive filter: {label} ({n if n < 1000 else '1,000+'} accounts match it alone); the combination matches none"
    return None


# --- topic search --------------------------------------------------------------------------------


def topic_scores(ctx: ToolContext, conn: Any, f: SearchFilters, topic: str, need: int) -> tuple[list[AccountHit], dict[int, tuple[float, str | None]], list[str]]:
    """The hybrid plan (module docstring): matching accounts and, per creator id, (score, snippet)."""
    vectors = ctx.vectors
    if vectors is None:
        raise ToolError(
            "topic search needs the vector index, which is not configured; search without 'topic' "
            "(use niches_any / credentials instead) or set up the vector store"
        )
    notes: list[str] = []
    where: dict[str, Any] = {}
    if f.kind:
        where["kind"] = f.kind
    # No country pre-filter: a creator of unknown country matches by audience (SQL applies it).
    if len(f.languages) == 1:
        where["language"] = f.languages[0]
    hits = vectors.query(ctx.workspace_id, "creators", topic, n=TOPIC_CANDIDATES, where=where or None)
    if not hits and vectors.count(ctx.workspace_id, "creators") == 0:
        raise ToolError("topic search needs the creator index, which is empty: run `kolpilot index rebuild` (or search without 'topic')")
    scored: dict[int, tuple[float, str | None]] = {}
    for h in hits:
        try:
            cid = int(h.metadata.get("creator_id") or h.id)
        except (TypeError, ValueError):
            continue
        if h.score >= TOPIC_MIN_SCORE:
            scored[cid] = (h.score, _snippet(h.document, topic))
    matched: list[AccountHit] = []
    if scored:
        page = repo.search_accounts(conn, workspace_id=ctx.workspace_id, filters=replace(f, creator_ids=tuple(scored)),
                                    limit=None)
        matched = page.hits
    if len({h.creator_id for h in matched}) < need:
        # Narrow filters: score the SQL-filtered set itself (bounded), exactly.
        ids, _ = repo.search_account_ids(conn, workspace_id=ctx.workspace_id, filters=f, limit=TOPIC_RESCORE_LIMIT)
        owner = repo.account_creators(conn, workspace_id=ctx.workspace_id, account_ids=ids[:TOPIC_RESCORE_LIMIT])
        fresh = sorted(set(owner.values()) - set(scored))
        sims = vectors.similarity(ctx.workspace_id, "creators", topic, [str(i) for i in fresh]) if fresh else {}
        for cid_text, score in sims.items():
            if score >= TOPIC_MIN_SCORE:
                scored[int(cid_text)] = (score, None)
        seen = {h.account_id for h in matched}
        wanted = [aid for aid in ids[:TOPIC_RESCORE_LIMIT] if owner.get(aid) in scored and aid not in seen]
        matched += repo.load_hits(conn, workspace_id=ctx.workspace_id, account_ids=wanted, brands=f.brands)
        if len(ids) > TOPIC_RESCORE_LIMIT:
            notes.append(f"topic relevance checked on the top {TOPIC_RESCORE_LIMIT:,} filtered accounts by followers")
    matched = [h for h in matched if h.creator_id in scored]
    for h in matched:
        score, snip = scored[h.creator_id]
        if snip is None:
            scored[h.creator_id] = (score, _snippet(None, topic, fallback=h.bio))
    return matched, scored, notes


# --- the tool ------------------------------------------------------------------------------------


@tool(ToolTier.read, progress="Searching creators…")
def search_creators(ctx: ToolContext, args: SearchCreatorsInput) -> CreatorListResult:
    """Find creators (influencers and KOLs) by platform, tier, followers, engagement rate,
    country, city, language, niches, kind, credentials, audience, email, brand mentions,
    past collaborations and campaign membership, and/or by a topic in free words
    (semantic). One row per platform account, best first, each with the reasons it
    matched; engagement is always given with its basis. Use offset for the next page."""
    sort = args.sort or ("relevance" if args.topic else "followers")
    if sort == "relevance" and not args.topic:
        sort = "followers"
    with ctx.sessions() as session:
        conn = session.connection()
        f, echo = build_filters(ctx, conn, args)
        labels = {b.strip().lower(): b.strip() for b in args.brands or []}  # "CeraVe" as the user wrote it
        notes: list[str] = []
        total: int | None = None
        cuts = ctx.settings.tier_cutoffs
        if args.topic and args.topic.strip():
            topic = args.topic.strip()
            echo["topic"] = topic
            matched, scored, notes = topic_scores(ctx, conn, f, topic, args.offset + args.limit + 1)
            if sort == "relevance":
                matched.sort(key=lambda h: (-scored[h.creator_id][0], -h.followers, -h.account_id))
            else:
                if sort == "engagement":
                    matched = [h for h in matched if h.engagement_rate is not None]
                if sort == "recency":
                    matched = [h for h in matched if h.last_post_at is not None]
                matched.sort(key=_sort_key(sort), reverse=True)
            total = len(matched)
            page = matched[args.offset : args.offset + args.limit]
            has_more = total > args.offset + args.limit
            items = [to_item(h, f, cuts, score=scored[h.creator_id][0], snippet=scored[h.creator_id][1], brand_labels=labels,
                             now=ctx.clock())
                     for h in page]
        else:
            result = repo.search_accounts(conn, workspace_id=ctx.workspace_id, filters=f, sort=sort,  # type: ignore[arg-type]
                                          limit=args.limit, offset=args.offset)
            has_more = result.has_more
            items = [to_item(h, f, cuts, brand_labels=labels, now=ctx.clock()) for h in result.hits]
        if sort == "engagement":
            notes.append("sorted by engagement rate: accounts without a known rate are left out")
        elif sort == "recency":
            notes.append("sorted by latest post: accounts with no known post are left out")
        if not items and args.offset == 0:
            note = empty_note(conn, ctx, f)
            if note:
                notes.append(note)
    remember(ctx, items)
    if items:
        first = args.offset + 1
        summary = f"Creators {first}–{args.offset + len(items)}" + (f" of {total}" if total is not None else "") + \
            (" (more available)" if has_more and total is None else "") + f", sorted by {sort}."
    elif args.offset:
        summary = "No more creators match these filters."
    else:
        summary = "No creators match these filters" + (f" ({notes[-1]})." if notes else ".")
    return CreatorListResult(
        summary=summary, items=items, total=total, has_more=has_more, offset=args.offset, limit=args.limit,
        sort=sort, applied_filters=echo, notes=notes,
    )
