"""Creator search: the SQL behind ``search_creators`` and the tools that reuse its filters.

One call, ``search_accounts``, answers "Instagram micro creators in France in skincare
with ER above 3%, biggest first" with one row per platform account, best first, and
``has_more`` instead of a total (counting a million matching rows would cost more than
the page).

How a query is planned
======================

Phase 1 finds the ids of the page (``offset + limit + 1`` rows, index-only where the
indexes allow); phase 2 loads the display columns of those few rows by primary key.

Phase 1 has two plan shapes:

- **walk**: read an index that is already in the requested order
  (``(workspace_id, [platform|country|language|kind,] followers|engagement_rate|last_post_at)``)
  from the top and stop after the page is full. The equality prefix comes from one filter
  (several values → one ordered walk per value, merged with ``UNION ALL``); a follower-tier
  filter while sorting by followers becomes a range of the same index (several tiers →
  one walk per range). Ideal when the remaining filters keep most rows.
- **drive**: start from the smallest filter set — a narrow engagement or follower range,
  a rare niche or brand, the creators a vector search proposed — and sort what it yields.
  Ideal when the remaining filters are selective.

PostgreSQL keeps statistics with value histograms and picks well between the two by
itself, so it gets the plain query (same shapes, no hints). SQLite's planner has no
histograms (the stock build lacks STAT4): it cannot tell "ER above 40%" (a few hundred
rows) from "ER above 1%", and was measured picking plans 1,000x too slow. For SQLite the
choice is made here and pinned with ``INDEXED BY`` (only indexes that exist are named, so
any schema works; covering indexes make walks index-only):

- ``planner_stats`` keeps, per workspace, exact set sizes (accounts per platform /
  country / language / kind, creators per niche, accounts per brand) and a ~10,000-row
  sample of accounts with every attribute a filter reads (creator attributes, niches,
  brand mentions, collaborations). Filters are evaluated on the sample with numpy, so
  selectivities are joint: "macro accounts sorted by ER" knows that the top of the ER
  order holds no macro accounts, "fitness and parenting" knows how often they co-occur.
  Built in about two seconds at a million accounts, refreshed in the background every
  15 minutes.
- ``candidate_plans`` prices each walk (how deep the ordered index is read before the
  page is full, from the sample ranks of the first matches) and each drive (rows the
  driving set yields) with per-operation costs measured on SQLite, and decides per
  niche/brand/collaboration filter whether to probe it per row (``EXISTS``) or build it
  once (``IN (SELECT ...)``). ``choose_plan`` takes the cheapest (planning costs well
  under a millisecond).

Below ``PLAN_MIN_ROWS`` accounts every plan is fast and SQLite plans on its own.

Every plan returns the same rows (the tests run all of them): ties are broken by account
id (descending), and rows whose sort value is unknown (ER or last post) are left out of
that sort.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    and_,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Alias
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import Session

from memory.domain.analytics import days_since, engagement_by_views
from memory.models import Account, AccountBrand, Campaign, Collaboration, Creator, CreatorNiche
from memory.repo.creators import normalize_handle

Sort = Literal["followers", "engagement", "recency"]
SORT_COLUMNS: dict[str, str] = {"followers": "followers", "engagement": "engagement_rate", "recency": "last_post_at"}

ACCOUNT = Account.__table__
CREATOR = Creator.__table__
NICHE = CreatorNiche.__table__
BRAND = AccountBrand.__table__
COLLAB = Collaboration.__table__
CAMPAIGN = Campaign.__table__

# The account columns filters read; an index holding all of them answers a walk alone.
FILTER_COLUMNS = ("platform", "followers", "engagement_rate", "country", "language", "kind", "has_email", "creator_id")
EQ_COLUMNS = ("platform", "country", "language", "kind")

# Below this many accounts every plan is fast: SQLite plans on its own.
PLAN_MIN_ROWS = 20_000
STATS_TTL_S = 900.0
MAX_PARTITIONS = 24


# --- filters -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    """Resolved, canonical filters (the tools turn user words into these).

    Lists mean "any of"; ``None`` / empty means "no filter". ``follower_ranges`` are
    half-open ``[low, high)`` ranges (one per requested tier, ``high`` None = no upper
    bound), combined with OR; ``followers_min`` / ``followers_max`` are inclusive bounds on
    top. Engagement bounds are fractions (0.03 = 3%) on the effective rate
    (memory.domain.analytics). ``countries`` match the account's ``country`` column: the
    creator's country, or the audience's top country when the creator's is unknown.
    ``posted_since``: a post at or after it; ``not_posted_since``: a known last post before
    it (dormant); ``growth_30d_min``: follower growth over 30 days, a fraction;
    ``min_credibility``: audience credibility (memory.domain.credibility, 0-100) at least this;
    ``audience_countries``: the audience's top country is one of these.
    """

    platforms: tuple[str, ...] = ()
    follower_ranges: tuple[tuple[int, int | None], ...] = ()
    followers_min: int | None = None
    followers_max: int | None = None
    engagement_min: float | None = None
    engagement_max: float | None = None
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    kind: str | None = None
    has_email: bool | None = None
    niches_any: tuple[str, ...] = ()
    niches_all: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    city: str | None = None
    credentials: tuple[str, ...] = ()
    audience_country: str | None = None
    audience_female_min: float | None = None
    audience_18_34_min: float | None = None
    audience_countries: tuple[str, ...] = ()
    posted_since: datetime | None = None
    not_posted_since: datetime | None = None
    growth_30d_min: float | None = None
    min_credibility: int | None = None
    collaborated: Literal["any", "never"] | None = None
    collaborated_brand: str | None = None
    exclude_campaign_id: int | None = None
    creator_ids: tuple[int, ...] | None = None
    exclude_creator_ids: tuple[int, ...] = ()

    def follower_intervals(self) -> list[tuple[int, int | None]]:
        """The follower ranges to search, merged and clipped: ``[(low, high_exclusive)]``,
        sorted; ``[]`` means nothing can match; ``[(0, None)]`` means no follower filter."""
        ranges = sorted(self.follower_ranges) or [(0, None)]
        merged: list[tuple[int, int | None]] = []
        for lo, hi in ranges:
            if merged and (merged[-1][1] is None or lo <= merged[-1][1]):
                plo, phi = merged[-1]
                merged[-1] = (plo, None if phi is None or hi is None else max(phi, hi))
            else:
                merged.append((lo, hi))
        lo_cap = self.followers_min or 0
        hi_cap = None if self.followers_max is None else self.followers_max + 1
        out = []
        for lo, hi in merged:
            lo2 = max(lo, lo_cap)
            hi2 = hi if hi_cap is None else (hi_cap if hi is None else min(hi, hi_cap))
            if hi2 is None or lo2 < hi2:
                out.append((lo2, hi2))
        return out

    def has_follower_filter(self) -> bool:
        return self.follower_intervals() != [(0, None)]


@dataclass
class AccountHit:
    """One matching platform account with what the result needs to show and explain."""

    account_id: int
    creator_id: int
    platform: str
    handle: str
    name: str
    followers: int
    engagement_rate: float | None
    engagement_basis: str
    avg_likes: float | None
    avg_comments: float | None
    avg_views: float | None
    profile_url: str | None
    country: str | None
    city: str | None
    language: str | None
    kind: str
    credentials: str | None
    has_email: bool
    bio: str | None
    audience_top_country: str | None
    audience_female_pct: float | None
    audience_age_18_34_pct: float | None
    last_post_at: datetime | None
    niches: list[str] = field(default_factory=list)
    brand_mentions: dict[str, int] = field(default_factory=dict)
    do_not_contact: bool = False
    # Analytics (memory.domain.analytics).
    engagement_source: str | None = None
    engagement_posts: int | None = None
    reported_engagement_rate: float | None = None
    posts_per_week: float | None = None
    growth_30d_pct: float | None = None
    growth_90d_pct: float | None = None
    followers_change_30d: int | None = None
    followers_change_90d: int | None = None
    credibility: int | None = None
    credibility_reasons: str | None = None

    def days_since_last_post(self, now: datetime) -> int | None:
        """Whole days from the last known post to ``now`` (None when no post is known)."""
        return days_since(self.last_post_at, now=now)

    @property
    def engagement_by_views(self) -> float | None:
        """(avg likes + avg comments) / avg views on video platforms (beside the stored rate)."""
        return engagement_by_views(self.platform, self.avg_likes, self.avg_comments, self.avg_views)


@dataclass
class SearchPage:
    """A page of results; ``plan`` says how phase 1 ran (for benchmarks and debugging)."""

    hits: list[AccountHit]
    has_more: bool
    plan: str


# --- INDEXED BY for SQLite -----------------------------------------------------------------------


class _IndexedAlias(Alias):
    """``account AS a INDEXED BY ix`` on SQLite; a plain alias on every other database."""

    inherit_cache = True
    _traverse_internals = [*Alias._traverse_internals, ("index_name", InternalTraversal.dp_string)]
    index_name: str | None = None

    @classmethod
    def of(cls, table: Any, name: str, index_name: str | None) -> _IndexedAlias:
        # Aliases are immutable; building one (and its column proxies) costs ~0.1 ms.
        key = (table.name, name, index_name)
        alias = _ALIASES.get(key)
        if alias is None:
            alias = cls._construct(table, name=name)
            alias.index_name = index_name
            _ALIASES[key] = alias
        return alias


_ALIASES: dict[tuple[str, str, str | None], _IndexedAlias] = {}


@compiles(_IndexedAlias, "sqlite")
def _compile_indexed_sqlite(element: _IndexedAlias, compiler: Any, **kw: Any) -> str:
    sql = compiler.visit_alias(element, **kw)
    if kw.get("asfrom") and element.index_name:
        sql += " NOT INDEXED" if element.index_name == "NOT INDEXED" else f" INDEXED BY {element.index_name}"
    return sql


@compiles(_IndexedAlias)
def _compile_indexed_default(element: _IndexedAlias, compiler: Any, **kw: Any) -> str:
    return compiler.visit_alias(element, **kw)


# --- statistics for the SQLite planner -----------------------------------------------------------

SAMPLE_ROWS = 10_000


@dataclass
class Sample:
    """Every k-th account (by id) of a workspace with all the attributes filters read:
    account columns, creator attributes, niches, brand mentions, past collaboration.
    Filters are evaluated on it with numpy, so selectivities come out *joint* (correlations
    such as "high ER accounts are small" or "these two niches never co-occur" included),
    like the row samples real database planners keep."""

    scale: float
    ids: np.ndarray
    cols: dict[str, np.ndarray]
    niches: dict[str, np.ndarray]
    brands: dict[str, np.ndarray]
    collab: np.ndarray
    codes: dict[str, dict[Any, int]] = field(default_factory=dict)
    order: dict[str, np.ndarray] = field(default_factory=dict)

    def eq(self, col: str, values: Iterable[Any]) -> np.ndarray:
        """Rows whose ``col`` is one of ``values``."""
        table = self.codes.get(col, {})
        wanted = [table[v] for v in values if v in table]
        if not wanted:
            return np.zeros(self.n, dtype=bool)
        out = self.cols[col] == wanted[0]
        for code in wanted[1:]:  # a few ORed comparisons beat np.isin's sort by far
            out |= self.cols[col] == code
        return out

    @property
    def n(self) -> int:
        return len(self.ids)

    @classmethod
    def from_rows(cls, rows: Sequence[dict[str, Any]], *, total: int, niches: dict[int, list[str]] | None = None,
                  brands: dict[int, list[str]] | None = None, collab: set[int] | None = None) -> Sample:
        """Build from dict rows with account and creator fields (``id``, ``creator_id``,
        ``platform``, ``followers``, ``engagement_rate``, ``country`` ... ``audience_female_pct``)."""
        def arr(key: str, dtype: Any = object, default: Any = None) -> np.ndarray:
            return np.array([r.get(key, default) for r in rows], dtype=dtype)

        # Text columns become integer codes: comparing ints is ~50x faster than objects.
        codes: dict[str, dict[Any, int]] = {}
        cols: dict[str, np.ndarray] = {}
        for k in ("platform", "country", "language", "kind", "city", "audience_top_country"):
            values = [r.get(k) if k != "city" else (r.get(k) or "").lower() or None for r in rows]
            table = codes[k] = {v: i for i, v in enumerate(sorted({v for v in values if v is not None}))}
            cols[k] = np.array([table.get(v, -1) for v in values], dtype=np.int32)
        cols["text"] = arr("text")
        cols["has_email"] = arr("has_email", bool, False)
        cols["followers"] = arr("followers", np.int64, 0)
        cols["engagement_rate"] = np.array([np.nan if r.get("engagement_rate") is None else r["engagement_rate"] for r in rows], dtype=float)
        cols["last_post_at"] = np.array([np.nan if r.get("last_post_at") is None else r["last_post_at"] for r in rows], dtype=float)
        for k in ("audience_female_pct", "audience_age_18_34_pct", "growth_30d_pct", "credibility"):
            cols[k] = np.array([np.nan if r.get(k) is None else r[k] for r in rows], dtype=float)
        ids = arr("id", np.int64, 0)
        creator_ids = arr("creator_id", np.int64, 0)
        cols["creator_id"] = creator_ids
        niche_masks: dict[str, np.ndarray] = {}
        for i, cid in enumerate(creator_ids.tolist()):
            for x in (niches or {}).get(cid, []):
                niche_masks.setdefault(x, np.zeros(len(rows), dtype=bool))[i] = True
        brand_masks: dict[str, np.ndarray] = {}
        for i, aid in enumerate(ids.tolist()):
            for b in (brands or {}).get(aid, []):
                brand_masks.setdefault(b, np.zeros(len(rows), dtype=bool))[i] = True
        collab_mask = np.array([c in (collab or set()) for c in creator_ids.tolist()], dtype=bool)
        sample = cls(scale=total / max(len(rows), 1), ids=ids, cols=cols, niches=niche_masks, brands=brand_masks,
                     collab=collab_mask, codes=codes)
        for sort, col in SORT_COLUMNS.items():
            key = np.nan_to_num(cols[col].astype(float), nan=-np.inf)
            sample.order[sort] = np.lexsort((-ids, -key))  # sort value desc, then id desc
        return sample

    def masks(self, f: SearchFilters, sort: Sort) -> dict[str, np.ndarray]:
        """One boolean mask per filter group (the names the cost model uses)."""
        c, n = self.cols, self.n
        out: dict[str, np.ndarray] = {}
        for col, vals in (("platform", f.platforms), ("country", f.countries), ("language", f.languages),
                          ("kind", (f.kind,) if f.kind else ())):
            if vals:
                out[col] = self.eq(col, vals)
        if f.has_email is not None:
            out["has_email"] = c["has_email"] == f.has_email
        if f.has_follower_filter():
            m = np.zeros(n, dtype=bool)
            for lo, hi in f.follower_intervals():
                m |= (c["followers"] >= lo) & ((c["followers"] < hi) if hi is not None else True)
            out["followers"] = m
        er = c["engagement_rate"]
        if f.engagement_min is not None or f.engagement_max is not None or sort == "engagement":
            m = ~np.isnan(er)
            if f.engagement_min is not None:
                m &= np.nan_to_num(er, nan=-1) >= f.engagement_min
            if f.engagement_max is not None:
                m &= np.nan_to_num(er, nan=np.inf) <= f.engagement_max
            out["engagement_rate"] = m
        if sort == "recency":
            out["last_post_at"] = ~np.isnan(c["last_post_at"])
        if f.posted_since is not None or f.not_posted_since is not None:
            last = c["last_post_at"]
            m = ~np.isnan(last)
            if f.posted_since is not None:
                m &= np.nan_to_num(last, nan=-np.inf) >= f.posted_since.timestamp()
            if f.not_posted_since is not None:
                m &= np.nan_to_num(last, nan=np.inf) < f.not_posted_since.timestamp()
            out["activity"] = m
        if f.growth_30d_min is not None:
            out["growth"] = np.nan_to_num(c["growth_30d_pct"], nan=-np.inf) >= f.growth_30d_min
        if f.min_credibility is not None:
            out["credibility"] = np.nan_to_num(c["credibility"], nan=-np.inf) >= f.min_credibility
        none = np.zeros(n, dtype=bool)
        if f.niches_any:
            m = none.copy()
            for x in f.niches_any:
                m |= self.niches.get(x, none)
            out["niches_any"] = m
        for x in f.niches_all:
            out[f"niche:{x}"] = self.niches.get(x, none)
        if f.brands:
            m = none.copy()
            for b in f.brands:
                m |= self.brands.get(b, none)
            out["brands"] = m
        if f.collaborated == "any" or f.collaborated_brand:
            out["collab"] = self.collab
        if f.collaborated == "never":
            out["no_collab"] = ~self.collab
        if f.creator_ids is not None:
            out["creator_ids"] = np.isin(c["creator_id"], list(f.creator_ids))
        attrs = np.ones(n, dtype=bool)
        if f.city:
            attrs &= self.eq("city", [f.city.lower()])
        if f.credentials:
            text = c["text"].astype(str)
            hit = none.copy()
            for w in f.credentials:
                hit |= np.char.find(text, w.lower()) >= 0
            attrs &= hit
        if f.audience_country:
            attrs &= self.eq("audience_top_country", [f.audience_country])
        if f.audience_countries:
            attrs &= self.eq("audience_top_country", f.audience_countries)
        if f.audience_female_min is not None:
            attrs &= np.nan_to_num(c["audience_female_pct"], nan=-1) >= f.audience_female_min
        if f.audience_18_34_min is not None:
            attrs &= np.nan_to_num(c["audience_age_18_34_pct"], nan=-1) >= f.audience_18_34_min
        if (f.city or f.credentials or f.audience_country or f.audience_countries or f.audience_female_min is not None
                or f.audience_18_34_min is not None):
            out["creator_attrs"] = attrs
        return out


@dataclass
class PlannerStats:
    """What the SQLite cost model knows about one workspace (refreshed every 15 minutes):
    exact set sizes (accounts per platform/country/language/kind, creators per niche,
    accounts per brand) and a row sample for joint selectivities."""

    total: int
    creators: int
    values: dict[str, dict[str | None, int]]
    niches: dict[str, int]
    brands: dict[str, int]
    collab_creators: int
    sample: Sample
    computed_at: float = field(default_factory=time.monotonic)

    def share(self, column: str, values: Iterable[Any]) -> float:
        counts = self.values.get(column, {})
        return min(1.0, sum(counts.get(v, 0) for v in values) / max(self.total, 1))


_STATS: dict[tuple[int, str], PlannerStats] = {}
_INDEXES: dict[int, dict[str, tuple[str, ...]]] = {}
_LOCK = threading.Lock()


def _conn(db: Connection | Session) -> Connection:
    return db.connection() if isinstance(db, Session) else db


def account_indexes(db: Connection | Session) -> dict[str, tuple[str, ...]]:
    """Indexes on ``account`` by name → key columns (SQLite; cached per engine)."""
    conn = _conn(db)
    key = id(conn.engine)
    with _LOCK:
        cached = _INDEXES.get(key)
    if cached is not None:
        return cached
    out: dict[str, tuple[str, ...]] = {}
    for row in conn.exec_driver_sql("PRAGMA index_list('account')").all():
        name = row[1]
        cols = [r[2] for r in conn.exec_driver_sql(f"PRAGMA index_info('{name}')").all()]
        out[name] = tuple(c for c in cols if c)
    with _LOCK:
        _INDEXES[key] = out
    return out


def forget_planner_cache(engine: Engine | None = None) -> None:
    """Drop cached statistics and index lists (after creating indexes or bulk loads)."""
    with _LOCK:
        if engine is None:
            _STATS.clear()
            _INDEXES.clear()
            return
        _INDEXES.pop(id(engine), None)
        for k in [k for k in _STATS if k[0] == id(engine)]:
            _STATS.pop(k, None)


def planner_stats(
    db: Connection | Session, *, workspace_id: str, refresh: bool = False, sample: bool | None = None
) -> PlannerStats:
    """Per-workspace statistics for the SQLite cost model: exact counts per platform,
    country, language, kind, niche and brand, plus a ~10,000-row sample (every k-th account
    by id, with its creator's attributes, niches, brands and collaborations). About a second
    at a million accounts, then cached for ``STATS_TTL_S``: plans need rough numbers only.
    The sample is skipped below ``PLAN_MIN_ROWS`` unless ``sample=True``."""
    conn = _conn(db)
    key = (id(conn.engine), workspace_id)
    with _LOCK:
        cached = _STATS.get(key)
    if cached is not None and not refresh:
        if time.monotonic() - cached.computed_at >= STATS_TTL_S and key not in _REFRESHING:
            # Stale: keep planning with the old numbers while a thread recomputes them.
            _REFRESHING.add(key)
            threading.Thread(target=_refresh_stats, args=(conn.engine, workspace_id), daemon=True).start()
        return cached
    return _compute_stats(conn, workspace_id, sample)


_REFRESHING: set[tuple[int, str]] = set()


def _refresh_stats(engine: Engine, workspace_id: str) -> None:
    try:
        with engine.connect() as conn:
            _compute_stats(conn, workspace_id)
    except Exception:  # noqa: BLE001 - a failed refresh keeps the old statistics
        pass
    finally:
        _REFRESHING.discard((id(engine), workspace_id))


def _compute_stats(conn: Connection, workspace_id: str, sample: bool | None = None) -> PlannerStats:
    key = (id(conn.engine), workspace_id)
    a, cr = ACCOUNT.c, CREATOR.c
    values: dict[str, dict[str | None, int]] = {}
    for col in EQ_COLUMNS:
        rows = conn.execute(select(a[col], func.count()).where(a.workspace_id == workspace_id).group_by(a[col])).all()
        values[col] = {r[0]: int(r[1]) for r in rows}
    total = sum(values["platform"].values())

    def counts(table: Any, col: str) -> dict[str, int]:
        q = select(table.c[col], func.count()).where(table.c.workspace_id == workspace_id).group_by(table.c[col])
        return {r[0]: int(r[1]) for r in conn.execute(q)}

    creators = conn.execute(select(func.count()).select_from(CREATOR).where(cr.workspace_id == workspace_id)).scalar_one()
    collab_ids = {int(r[0]) for r in conn.execute(select(COLLAB.c.creator_id).where(COLLAB.c.workspace_id == workspace_id).distinct())}
    sample_q = (
        select(a.id, a.creator_id, a.platform, a.followers, a.engagement_rate, a.country, a.language, a.kind,
               a.has_email, a.last_post_at, a.growth_30d_pct, a.credibility, cr.city, cr.audience_top_country, cr.audience_female_pct,
               cr.audience_age_18_34_pct,
               func.lower(func.coalesce(cr.credentials, "") + " " + func.coalesce(cr.bio, "")).label("text"))
        .join(CREATOR, CREATOR.c.id == a.creator_id)
        .where(a.workspace_id == workspace_id)
    )
    rows: list[dict[str, Any]] = []
    lo, hi = conn.execute(select(func.min(a.id), func.max(a.id))).one()
    if not sample and (sample is not None or total < PLAN_MIN_ROWS):
        pass  # small workspace: SQLite plans on its own, no sample needed
    elif lo is not None and total * 2 >= hi - lo + 1:
        # The workspace owns most ids: evenly spaced ids by primary key, ~10,000 seeks
        # instead of a table scan.
        wanted = list(range(lo, hi + 1, max(1, (hi - lo + 1) // SAMPLE_ROWS)))
        for start in range(0, len(wanted), 900):
            rows += [dict(r._mapping) for r in conn.execute(sample_q.where(a.id.in_(wanted[start:start + 900])))]
    else:
        step = max(1, total // SAMPLE_ROWS)
        rows = [dict(r._mapping) for r in conn.execute(sample_q.where((a.id % step) == 0))]
    for r in rows:
        last = r.get("last_post_at")
        r["last_post_at"] = utc(last).timestamp() if isinstance(last, datetime) else None  # type: ignore[union-attr]
    niches: dict[int, list[str]] = {}
    brands: dict[int, list[str]] = {}
    sampled_creators = sorted({r["creator_id"] for r in rows})
    sampled_accounts = [r["id"] for r in rows]
    for start in range(0, len(sampled_creators), 900):
        chunk = sampled_creators[start:start + 900]
        for cid, niche in conn.execute(select(NICHE.c.creator_id, NICHE.c.niche).where(NICHE.c.creator_id.in_(chunk))):
            niches.setdefault(cid, []).append(niche)
    for start in range(0, len(sampled_accounts), 900):
        chunk = sampled_accounts[start:start + 900]
        for aid, brand in conn.execute(select(BRAND.c.account_id, BRAND.c.brand).where(BRAND.c.account_id.in_(chunk))):
            brands.setdefault(aid, []).append(brand)
    stats = PlannerStats(
        total=total, creators=int(creators), values=values, niches=counts(NICHE, "niche"), brands=counts(BRAND, "brand"),
        collab_creators=len(collab_ids),
        sample=Sample.from_rows(rows, total=total, niches=niches, brands=brands, collab=collab_ids),
    )
    with _LOCK:
        _STATS[key] = stats
    return stats


# --- plan choice ---------------------------------------------------------------------------------

# Cost model units: microseconds, measured with SQLite 3.40 on a 2-core machine at 1M accounts.
_C_ENTRY = 0.07  # read one covering-index entry and test the filters it holds
_C_LOOKUP = 2.5  # fetch a table row (random access)
_C_SEEK = 1.2  # one index seek (creator_id -> accounts)
_C_PROBE = 1.5  # a correlated EXISTS probe into another table's index
_C_ATTR_PROBE = 2.0  # an EXISTS probe into the creator row
_C_BUILD = 0.4  # add one row to a materialised IN (...) set (per UNION member)
_C_SETPROBE = 0.5  # test a row against a materialised set
_C_SORT = 1.0  # per row fed to a sort
_ACCOUNT_GROUPS = ("platform", "country", "language", "kind", "has_email", "followers", "engagement_rate", "last_post_at",
                   "activity", "growth", "credibility")
_SETS = ("niches_any", "brands", "collab", "no_collab")  # subquery filters that can be built once


@dataclass(frozen=True)
class Plan:
    """How phase 1 runs: a walk over ``index`` (split by ``partition_column`` values and
    sort ranges) or a drive from ``driver``. ``materialise`` names the subquery filters
    built once as sets; the others are probed per row."""

    shape: Literal["walk", "drive", "plain"]
    index: str | None = None
    partition_column: str | None = None
    driver: str | None = None
    materialise: frozenset[str] = frozenset()
    cost: float = 0.0

    def describe(self) -> str:
        if self.shape == "plain":
            return "plain"
        head = f"{self.shape} {self.index or '-'}"
        if self.partition_column:
            head += f" by {self.partition_column}"
        if self.driver:
            head += f" from {self.driver}"
        if self.materialise:
            head += f" sets={','.join(sorted(self.materialise))}"
        return f"{head} (~{self.cost / 1000:.1f} ms est.)"


def _find_index(indexes: dict[str, tuple[str, ...]], prefix: Sequence[str]) -> tuple[str, bool] | None:
    """The existing index whose leading columns are ``prefix`` (covering ones preferred):
    ``(name, covering)``."""
    best: tuple[str, bool, float] | None = None
    for name, cols in indexes.items():
        if tuple(cols[: len(prefix)]) != tuple(prefix):
            continue
        covering = all(c in cols for c in FILTER_COLUMNS)
        rank = (2 if covering else 0) - len(cols) * 0.01
        if best is None or rank > best[2]:
            best = (name, covering, rank)
    return (best[0], best[1]) if best else None


def choose_plan(
    f: SearchFilters, sort: Sort, need: int, stats: PlannerStats, indexes: dict[str, tuple[str, ...]]
) -> Plan:
    """Pick the cheapest plan for SQLite by the cost model (see the module docstring)."""
    candidates = candidate_plans(f, sort, need, stats, indexes)
    return min(candidates, key=lambda p: p.cost) if candidates else Plan("plain")


def _set_size(name: str, f: SearchFilters, stats: PlannerStats) -> float:
    """Rows a materialised IN (...) set holds."""
    if name == "niches_any":
        return sum(stats.niches.get(x, 0) for x in f.niches_any)
    if name.startswith("niche:"):
        return stats.niches.get(name[6:], 0)
    if name == "brands":
        return sum(stats.brands.get(b, 0) for b in f.brands)
    if name in ("collab", "no_collab"):
        return stats.collab_creators
    if name == "creator_ids":
        return len(f.creator_ids or ())
    return math.inf


def candidate_plans(
    f: SearchFilters, sort: Sort, need: int, stats: PlannerStats, indexes: dict[str, tuple[str, ...]]
) -> list[Plan]:
    """Every plan the cost model considers, with its estimated cost (µs).

    Row counts come from the sample: for a walk, how far down the index order the page is
    full (the rank of the first sampled matches, scaled up); for a drive, how many rows
    the driving set yields and how many of them pass."""
    smp = stats.sample
    masks = smp.masks(f, sort)
    if f.exclude_campaign_id is not None:
        masks["not_in_campaign"] = np.ones(smp.n, dtype=bool)
    if f.exclude_creator_ids:
        masks["not_creators"] = np.ones(smp.n, dtype=bool)
    sort_col = SORT_COLUMNS[sort]
    all_true = np.ones(smp.n, dtype=bool)
    candidates: list[Plan] = []
    # Activity, growth and credibility filters read columns the covering indexes hold only in part.
    needed = {col for k, col in (("activity", "last_post_at"), ("growth", "growth_30d_pct"),
                                 ("credibility", "credibility")) if k in masks}

    def covers(found: tuple[str, bool]) -> bool:
        return found[1] and needed <= set(indexes.get(found[0], ()))

    by_creator = _find_index(indexes, ["creator_id"])
    if f.creator_ids is not None and len(f.creator_ids) <= 5000 and by_creator is not None:
        # A candidate list (vector hits, lookalikes): its accounts, then sort. Always cheapest.
        return [Plan("drive", by_creator[0], None, "creator_ids", frozenset(), len(f.creator_ids) * 4.0)]

    def both(names: Iterable[str]) -> np.ndarray:
        m = all_true
        for k in names:
            m = m & masks[k]
        return m

    def residual_cost(base: np.ndarray, rows: float, covering: bool, skip: set[str], members: int = 1
                      ) -> tuple[float, frozenset[str]]:
        """Testing ``rows`` rows (drawn like ``base``) against every filter not in ``skip``:
        account filters on the index entry, then subquery filters, each probed per row or
        built once as a set, whichever is cheaper."""
        acc = [k for k in masks if k in _ACCOUNT_GROUPS and k not in skip]
        subs = [k for k in masks if k not in _ACCOUNT_GROUPS and k not in skip]
        cost = rows * _C_ENTRY
        if not covering and (acc or subs):
            cost += rows * _C_LOOKUP
        nbase = max(int(base.sum()), 1)
        passing_mask = base & both(acc)
        passing = rows * passing_mask.sum() / nbase
        mats: set[str] = set()
        for name in sorted(subs, key=lambda k: (masks[k] & passing_mask).sum()):
            per_probe = _C_ATTR_PROBE if name in ("creator_attrs",) else _C_PROBE
            probe = passing * per_probe
            build = _set_size(name, f, stats) * _C_BUILD * members + passing * _C_SETPROBE
            if name in _SETS or name.startswith("niche:") or name in ("not_in_campaign", "creator_ids", "not_creators"):
                if name in ("not_in_campaign", "creator_ids", "not_creators") or build < probe:
                    mats.add(name)
                    cost += build
                else:
                    cost += probe
            else:
                cost += probe
            new_mask = passing_mask & masks[name]
            passing = passing * new_mask.sum() / max(int(passing_mask.sum()), 1) if passing_mask.any() else 0.0
            passing_mask = new_mask
        return cost, frozenset(mats)

    # Walks: an index in sort order, optionally behind one equality column.
    order = smp.order[sort]
    for col in [None, *[c for c in EQ_COLUMNS if c in masks]]:
        found = _find_index(indexes, ["workspace_id", col, sort_col] if col else ["workspace_id", sort_col])
        if found is None:
            continue
        values = _values(f, col) if col else (None,)
        intervals = f.follower_intervals() if sort == "followers" and f.has_follower_filter() else [None]
        if len(values) * len(intervals) > MAX_PARTITIONS:
            continue
        in_key = {col, sort_col} if col else {sort_col}
        rest = [k for k in masks if k not in in_key]
        match = both(rest)
        rows = 0.0
        part_all = np.zeros(smp.n, dtype=bool)
        for v in values:
            for iv in intervals:
                part = smp.eq(col, [v]) if col else all_true.copy()
                if iv is not None:
                    lo, hi = iv
                    part &= (smp.cols["followers"] >= lo) & ((smp.cols["followers"] < hi) if hi is not None else True)
                elif sort_col in masks:
                    part &= masks[sort_col]
                part_all |= part
                ranked = part[order]
                hits = np.flatnonzero((part & match)[order])
                size = ranked.sum()
                if len(hits) == 0:
                    rows += size * smp.scale
                    continue
                rows += min(size * smp.scale, _walk_depth(np.cumsum(ranked)[hits[:5]], need, smp.scale))
        cost, mats = residual_cost(part_all, rows, covers(found), in_key, len(values) * len(intervals))
        candidates.append(Plan("walk", found[0], col, None, mats, cost))

    # Drives: start from one filter's rows (all of them), test the rest, sort what passes.
    for col in [*EQ_COLUMNS, "followers", "engagement_rate"]:
        if col not in masks or col == sort_col:
            continue
        found = _find_index(indexes, ["workspace_id", col])
        if found is None:
            continue
        base = masks[col]
        rows = base.sum() * smp.scale if col not in EQ_COLUMNS else stats.share(col, _values(f, col)) * stats.total
        cost, mats = residual_cost(base, rows, covers(found), {col})
        cost += rows * both(masks)[base].mean() * _C_SORT if base.any() else 0.0
        candidates.append(Plan("drive", found[0], None, col, mats, cost))
    per_creator = stats.total / max(stats.creators, 1)
    for name in [k for k in masks if k in ("niches_any", "collab", "creator_ids") or k.startswith("niche:")]:
        if by_creator is None:
            break
        size = _set_size(name, f, stats)
        rows = size * per_creator
        base = masks[name]
        cost, mats = residual_cost(base, rows, covers(by_creator), {name})
        cost += size * (_C_BUILD + _C_SEEK) + rows * (both(masks)[base].mean() if base.any() else 0.0) * _C_SORT
        candidates.append(Plan("drive", by_creator[0], None, name, mats, cost))
    if "brands" in masks:
        size = _set_size("brands", f, stats)
        base = masks["brands"]
        cost, mats = residual_cost(base, size, True, {"brands"})  # fetched by rowid: every column at hand
        cost += size * (_C_BUILD + _C_LOOKUP) + size * (both(masks)[base].mean() if base.any() else 0.0) * _C_SORT
        candidates.append(Plan("drive", "NOT INDEXED", None, "brands", mats, cost))
    return candidates


def _walk_depth(ranks: np.ndarray, need: int, scale: float) -> float:
    """Rows a walk reads before ``need`` matches, from the partition ranks (1-based, in
    walk order) of the first sampled matches. Matches may start late (a sort column
    correlated with the filters: the highest engagement rates belong to small accounts, so
    "macro, by ER" finds nothing near the top): the offset before the first match is
    kept, and the spacing of the following matches sets the rate after it."""
    r = [float(x) for x in ranks]
    if len(r) == 1:
        return need * r[0] + 1
    gap = (r[-1] - r[0]) / (len(r) - 1)
    offset = max(0.0, r[0] - gap)
    return offset * scale + need * gap + 1


def _values(f: SearchFilters, col: str | None) -> tuple[Any, ...]:
    if col == "platform":
        return f.platforms
    if col == "country":
        return f.countries
    if col == "language":
        return f.languages
    if col == "kind":
        return (f.kind,) if f.kind else ()
    return ()


# --- SQL -----------------------------------------------------------------------------------------


def _ci_equals(col: ColumnElement[Any], value: str) -> ColumnElement[bool]:
    return func.lower(col) == value.lower()


def _conditions(
    a: Any, workspace_id: str, f: SearchFilters, sort: Sort, *, plan: Plan, dialect: str,
    partition: tuple[str, Any] | None = None, interval: tuple[int, int | None] | None = None,
) -> list[ColumnElement[bool]]:
    """WHERE terms for one plan member. Account-column terms first, subquery terms last,
    so cheap index-held tests run before probes."""
    c = a.c
    conds: list[ColumnElement[bool]] = [c.workspace_id == workspace_id]
    for col, vals in (("platform", f.platforms), ("country", f.countries), ("language", f.languages)):
        if partition and partition[0] == col:
            conds.append(c[col] == partition[1])
        elif vals:
            conds.append(c[col].in_(list(vals)) if len(vals) > 1 else c[col] == vals[0])
    if f.kind:
        conds.append(c.kind == f.kind)
    if f.has_email is not None:
        conds.append(c.has_email.is_(true()) if f.has_email else c.has_email.is_(false()))
    intervals = [interval] if interval else f.follower_intervals()
    if not intervals:
        conds.append(false())
    elif intervals != [(0, None)]:
        terms = []
        for lo, hi in intervals:
            t = [c.followers >= lo] if lo > 0 else []
            if hi is not None:
                t.append(c.followers < hi)
            terms.append(and_(*t) if t else true())
        conds.append(terms[0] if len(terms) == 1 else or_(*terms))
    if f.engagement_min is not None:
        conds.append(c.engagement_rate >= f.engagement_min)
    if f.engagement_max is not None:
        conds.append(c.engagement_rate <= f.engagement_max)
    if sort == "engagement":
        conds.append(c.engagement_rate.is_not(None))
    if f.posted_since is not None:
        conds.append(c.last_post_at >= f.posted_since)
    if f.not_posted_since is not None:
        conds.append(c.last_post_at < f.not_posted_since)
    if f.growth_30d_min is not None:
        conds.append(c.growth_30d_pct >= f.growth_30d_min)
    if f.min_credibility is not None:
        conds.append(c.credibility >= f.min_credibility)
    if sort == "recency":
        conds.append(c.last_post_at.is_not(None))
    if f.exclude_creator_ids:
        conds.append(c.creator_id.not_in(list(f.exclude_creator_ids)))
    if f.creator_ids is not None:
        conds.append(c.creator_id.in_(list(f.creator_ids)) if f.creator_ids else false())

    mats = plan.materialise | ({plan.driver} if plan.driver else set())
    sqlite = dialect == "sqlite"

    def subset(name: str, key_col: Any, sub: Any, corr: ColumnElement[bool]) -> ColumnElement[bool]:
        # IN (SELECT ...) is built once; EXISTS probes per row. PostgreSQL treats both as
        # semi-joins and plans them itself.
        if name in mats or not sqlite:
            return key_col.in_(sub)
        return exists(sub.where(corr))

    n = NICHE.c
    if f.niches_any:
        sub = select(n.creator_id).where(n.workspace_id == workspace_id, n.niche.in_(list(f.niches_any)))
        conds.append(subset("niches_any", c.creator_id, sub, n.creator_id == c.creator_id))
    for x in f.niches_all:
        sub = select(n.creator_id).where(n.workspace_id == workspace_id, n.niche == x)
        conds.append(subset(f"niche:{x}", c.creator_id, sub, n.creator_id == c.creator_id))
    if f.brands:
        b = BRAND.c
        sub = select(b.account_id).where(b.workspace_id == workspace_id, b.brand.in_(list(f.brands)))
        conds.append(subset("brands", c.id, sub, b.account_id == c.id))
    if f.collaborated == "any" or f.collaborated_brand:
        k = COLLAB.c
        sub = select(k.creator_id).where(k.workspace_id == workspace_id)
        if f.collaborated_brand:
            sub = sub.join(CAMPAIGN, CAMPAIGN.c.id == k.campaign_id).where(_ci_equals(CAMPAIGN.c.brand, f.collaborated_brand))
        conds.append(subset("collab", c.creator_id, sub, k.creator_id == c.creator_id))
    if f.collaborated == "never":
        k = COLLAB.c
        sub = select(k.creator_id).where(k.workspace_id == workspace_id)
        conds.append(c.creator_id.not_in(sub) if sqlite else not_(exists(sub.where(k.creator_id == c.creator_id))))
    if f.exclude_campaign_id is not None:
        k = COLLAB.c
        sub = select(k.creator_id).where(k.campaign_id == f.exclude_campaign_id)
        conds.append(c.creator_id.not_in(sub) if sqlite else not_(exists(sub.where(k.creator_id == c.creator_id))))
    creator_terms = _creator_terms(f)
    if creator_terms:
        cr = CREATOR.c
        conds.append(exists(select(literal(1)).where(cr.id == c.creator_id, *creator_terms)))
    return conds


def _creator_terms(f: SearchFilters) -> list[ColumnElement[bool]]:
    cr = CREATOR.c
    terms: list[ColumnElement[bool]] = []
    if f.city:
        terms.append(_ci_equals(cr.city, f.city))
    if f.credentials:
        words = [or_(func.lower(cr.credentials).contains(w.lower()), func.lower(cr.bio).contains(w.lower())) for w in f.credentials]
        terms.append(or_(*words))
    if f.audience_country:
        terms.append(cr.audience_top_country == f.audience_country)
    if f.audience_countries:
        terms.append(cr.audience_top_country.in_(list(f.audience_countries)))
    if f.audience_female_min is not None:
        terms.append(cr.audience_female_pct >= f.audience_female_min)
    if f.audience_18_34_min is not None:
        terms.append(cr.audience_age_18_34_pct >= f.audience_18_34_min)
    return terms


def _phase1_stmt(
    dialect: str, workspace_id: str, f: SearchFilters, sort: Sort, limit: int | None, offset: int, plan: Plan
) -> Any:
    """SELECT id, k (the sort value) of the page in order: one ordered scan, or one per
    partition merged with UNION ALL (each member stops at offset + limit + 1 rows)."""
    sort_col = SORT_COLUMNS[sort]
    need = None if limit is None else offset + limit + 1
    index = plan.index if dialect == "sqlite" else None

    def member(partition: tuple[str, Any] | None, interval: tuple[int, int | None] | None) -> Any:
        a = _IndexedAlias.of(ACCOUNT, "a", index)
        conds = _conditions(a, workspace_id, f, sort, plan=plan, dialect=dialect, partition=partition, interval=interval)
        q = select(a.c.id.label("id"), a.c[sort_col].label("k")).where(*conds)
        return q.order_by(a.c[sort_col].desc(), a.c.id.desc())

    parts: list[tuple[tuple[str, Any] | None, tuple[int, int | None] | None]] = [(None, None)]
    if plan.shape == "walk":
        col = plan.partition_column
        vals = _values(f, col) if col else ()
        intervals = f.follower_intervals() if sort == "followers" and f.has_follower_filter() else []
        parts = [((col, v) if col else None, iv) for v in (vals or [None]) for iv in (intervals or [None])]
    if len(parts) == 1:
        q = member(*parts[0])
        return q if need is None else q.limit(limit + 1).offset(offset)  # type: ignore[operator]
    members = []
    for p, iv in parts:
        q = member(p, iv)
        members.append(select(q.limit(need).subquery().c) if need is not None else q)
    u = union_all(*members).subquery()
    outer = select(u.c.id, u.c.k).order_by(u.c.k.desc(), u.c.id.desc())
    return outer if need is None else outer.limit(limit + 1).offset(offset)  # type: ignore[operator]


def plan_for(
    db: Connection | Session, *, workspace_id: str, filters: SearchFilters, sort: Sort, need: int,
    planner: Literal["auto", "on", "off"] = "auto",
) -> Plan:
    """The plan ``search_accounts`` would use (SQLite cost model; "plain" elsewhere)."""
    conn = _conn(db)
    if conn.dialect.name != "sqlite" or planner == "off":
        return Plan("plain")
    stats = planner_stats(conn, workspace_id=workspace_id)
    if planner == "auto" and stats.total < PLAN_MIN_ROWS:
        return Plan("plain")
    return choose_plan(filters, sort, need, stats, account_indexes(conn))


def search_account_ids(
    db: Connection | Session, *, workspace_id: str, filters: SearchFilters, sort: Sort = "followers",
    limit: int | None = 10, offset: int = 0, planner: Literal["auto", "on", "off"] = "auto", plan: Plan | None = None,
) -> tuple[list[int], Plan]:
    """Phase 1 only: the ordered account ids of the page (``limit + 1`` of them when there
    are more; all matches when ``limit`` is None), and the plan used."""
    conn = _conn(db)
    if plan is None:
        plan = plan_for(conn, workspace_id=workspace_id, filters=filters, sort=sort,
                        need=(offset + (limit or 1000) + 1), planner=planner)
    stmt = _phase1_stmt(conn.dialect.name, workspace_id, filters, sort, limit, offset, plan)
    return [int(r[0]) for r in conn.execute(stmt)], plan


def search_accounts(
    db: Connection | Session, *, workspace_id: str, filters: SearchFilters, sort: Sort = "followers",
    limit: int | None = 10, offset: int = 0, planner: Literal["auto", "on", "off"] = "auto", plan: Plan | None = None,
) -> SearchPage:
    """The page of accounts matching ``filters`` in ``sort`` order (descending; ties by
    account id), with ``has_more``. ``limit=None`` returns every match (for bounded candidate
    sets such as vector hits). ``planner`` / ``plan`` override the SQLite plan choice
    (tests and benchmarks compare plans)."""
    conn = _conn(db)
    if plan is None:
        plan = plan_for(conn, workspace_id=workspace_id, filters=filters, sort=sort,
                        need=(offset + (limit or 1000) + 1), planner=planner)
    # Phase 1 as a subquery, phase 2 joined to it by primary key: one round trip.
    page = _phase1_stmt(conn.dialect.name, workspace_id, filters, sort, limit, offset, plan).subquery("p")
    q = _display_select().join(page, page.c.id == ACCOUNT.c.id).order_by(page.c.k.desc(), page.c.id.desc())
    rows = conn.execute(q).all()
    has_more = limit is not None and len(rows) > limit
    if limit is not None:
        rows = rows[:limit]
    mentions = (brand_mentions(conn, workspace_id=workspace_id, account_ids=[r[0] for r in rows], brands=filters.brands)
                if filters.brands and rows else {})
    return SearchPage(hits=[_hit(r, mentions) for r in rows], has_more=has_more, plan=plan.describe())


# --- phase 2 and helpers -------------------------------------------------------------------------


def _display_select() -> Any:
    """Account + creator columns a result row shows, niches aggregated per creator (built
    once: statements are immutable, and building this one costs ~0.3 ms)."""
    global _DISPLAY
    if _DISPLAY is None:
        _DISPLAY = _build_display_select()
    return _DISPLAY


_DISPLAY: Any = None


def _build_display_select() -> Any:
    a, cr, n = ACCOUNT.c, CREATOR.c, NICHE.c
    niches = select(func.aggregate_strings(n.niche, ";")).where(n.creator_id == a.creator_id).scalar_subquery()
    return select(
        a.id, a.creator_id, a.platform, a.handle, cr.name, a.followers, a.engagement_rate, a.engagement_basis,
        a.avg_likes, a.avg_comments, a.avg_views, a.profile_url, cr.country, cr.city, cr.language, cr.kind,
        cr.credentials, cr.email, cr.bio, cr.audience_top_country, cr.audience_female_pct,
        cr.audience_age_18_34_pct, a.last_post_at, cr.do_not_contact, niches,
        a.engagement_source, a.engagement_posts, a.reported_engagement_rate, a.posts_per_week, a.growth_30d_pct,
        a.growth_90d_pct, a.followers_change_30d, a.followers_change_90d, a.credibility, a.credibility_reasons,
    ).select_from(ACCOUNT).join(CREATOR, CREATOR.c.id == a.creator_id)


def _hit(r: Any, mentions: dict[int, dict[str, int]]) -> AccountHit:
    return AccountHit(
        account_id=r[0], creator_id=r[1], platform=r[2], handle=r[3], name=r[4] or "", followers=r[5] or 0,
        engagement_rate=r[6], engagement_basis=r[7] or "followers", avg_likes=r[8], avg_comments=r[9],
        avg_views=r[10], profile_url=r[11], country=r[12], city=r[13], language=r[14], kind=r[15] or "influencer",
        credentials=r[16], has_email=bool(r[17]), bio=r[18], audience_top_country=r[19],
        audience_female_pct=r[20], audience_age_18_34_pct=r[21], last_post_at=utc(r[22]),
        niches=sorted(x for x in (r[24] or "").split(";") if x), brand_mentions=mentions.get(r[0], {}),
        do_not_contact=bool(r[23]), engagement_source=r[25], engagement_posts=r[26], reported_engagement_rate=r[27],
        posts_per_week=r[28], growth_30d_pct=r[29], growth_90d_pct=r[30], followers_change_30d=r[31],
        followers_change_90d=r[32], credibility=r[33], credibility_reasons=r[34],
    )


def load_hits(
    db: Connection | Session, *, workspace_id: str, account_ids: Sequence[int], brands: Sequence[str] = ()
) -> list[AccountHit]:
    """Display rows for these accounts, in the given order, with niches (and mentions of
    ``brands``, when given)."""
    if not account_ids:
        return []
    conn = _conn(db)
    rows: dict[int, Any] = {}
    ids = list(dict.fromkeys(account_ids))
    for start in range(0, len(ids), 500):
        q = _display_select().where(ACCOUNT.c.workspace_id == workspace_id, ACCOUNT.c.id.in_(ids[start:start + 500]))
        rows.update({r[0]: r for r in conn.execute(q)})
    mentions = brand_mentions(conn, workspace_id=workspace_id, account_ids=list(rows), brands=brands) if brands else {}
    return [_hit(rows[i], mentions) for i in ids if i in rows]


def account_creators(db: Connection | Session, *, workspace_id: str, account_ids: Sequence[int]) -> dict[int, int]:
    """Account id → creator id (primary-key lookups only)."""
    out: dict[int, int] = {}
    ids = list(account_ids)
    for start in range(0, len(ids), 900):
        q = select(ACCOUNT.c.id, ACCOUNT.c.creator_id).where(
            ACCOUNT.c.workspace_id == workspace_id, ACCOUNT.c.id.in_(ids[start:start + 900]))
        out.update({int(a): int(c) for a, c in _conn(db).execute(q)})
    return out


def niches_of(db: Connection | Session, *, workspace_id: str, creator_ids: Sequence[int]) -> dict[int, list[str]]:
    """Niches per creator (sorted)."""
    if not creator_ids:
        return {}
    out: dict[int, list[str]] = {}
    q = select(NICHE.c.creator_id, NICHE.c.niche).where(
        NICHE.c.workspace_id == workspace_id, NICHE.c.creator_id.in_(sorted(set(creator_ids)))
    ).order_by(NICHE.c.creator_id, NICHE.c.niche)
    for cid, niche in _conn(db).execute(q):
        out.setdefault(cid, []).append(niche)
    return out


def brand_mentions(
    db: Connection | Session, *, workspace_id: str, account_ids: Sequence[int], brands: Sequence[str] = ()
) -> dict[int, dict[str, int]]:
    """Brand → number of posts mentioning it, per account (only ``brands`` when given)."""
    if not account_ids:
        return {}
    b = BRAND.c
    q = select(b.account_id, b.brand, b.mentions).where(b.workspace_id == workspace_id, b.account_id.in_(list(account_ids)))
    if brands:
        q = q.where(b.brand.in_([x.lower() for x in brands]))
    out: dict[int, dict[str, int]] = {}
    for aid, brand, n in _conn(db).execute(q.order_by(b.account_id, b.mentions.desc())):
        out.setdefault(aid, {})[brand] = int(n)
    return out


def known_niches(db: Connection | Session, *, workspace_id: str) -> list[str]:
    """Niches used in the workspace (for validating and suggesting niche names)."""
    q = select(NICHE.c.niche).where(NICHE.c.workspace_id == workspace_id).distinct()
    return [r[0] for r in _conn(db).execute(q)]


def niche_exists(db: Connection | Session, *, workspace_id: str, niche: str) -> bool:
    q = select(literal(1)).where(NICHE.c.workspace_id == workspace_id, NICHE.c.niche == niche).limit(1)
    return _conn(db).execute(q).first() is not None


def brand_exists(db: Connection | Session, *, workspace_id: str, brand: str) -> bool:
    """True when some account mentioned ``brand`` (lower-cased) in a post."""
    q = select(literal(1)).where(BRAND.c.workspace_id == workspace_id, BRAND.c.brand == brand.lower()).limit(1)
    return _conn(db).execute(q).first() is not None


def brand_names(db: Connection | Session, *, workspace_id: str) -> list[str]:
    """Distinct brands mentioned in posts or run as campaigns (for suggestions)."""
    conn = _conn(db)
    mentioned = conn.execute(select(BRAND.c.brand).where(BRAND.c.workspace_id == workspace_id).distinct().limit(5000))
    campaigns = conn.execute(select(CAMPAIGN.c.brand).where(CAMPAIGN.c.workspace_id == workspace_id).distinct())
    return sorted({r[0] for r in mentioned} | {r[0].lower() for r in campaigns if r[0]})


def campaign_brand_exists(db: Connection | Session, *, workspace_id: str, brand: str) -> bool:
    q = select(literal(1)).where(CAMPAIGN.c.workspace_id == workspace_id, _ci_equals(CAMPAIGN.c.brand, brand)).limit(1)
    return _conn(db).execute(q).first() is not None


def find_campaign(db: Connection | Session, *, workspace_id: str, name: str) -> tuple[int, str] | None:
    """A campaign by name (case-insensitive): ``(id, name)``."""
    q = select(CAMPAIGN.c.id, CAMPAIGN.c.name).where(CAMPAIGN.c.workspace_id == workspace_id, _ci_equals(CAMPAIGN.c.name, name.strip()))
    row = _conn(db).execute(q).first()
    return (int(row[0]), str(row[1])) if row else None


def campaign_names(db: Connection | Session, *, workspace_id: str) -> list[str]:
    q = select(CAMPAIGN.c.name).where(CAMPAIGN.c.workspace_id == workspace_id).order_by(CAMPAIGN.c.name)
    return [r[0] for r in _conn(db).execute(q)]


def similar_handles(db: Connection | Session, *, workspace_id: str, handle: str, limit: int = 200) -> list[str]:
    """Handles sharing the first letters of ``handle`` (candidates for "did you mean")."""
    h = normalize_handle(handle)
    a = ACCOUNT.c
    seen: list[str] = []
    for n in (3, 2, 1):
        if len(h) < n:
            continue
        q = select(a.handle).where(a.workspace_id == workspace_id, a.handle.startswith(h[:n], autoescape=True)).limit(limit)
        seen = list(dict.fromkeys([*seen, *(r[0] for r in _conn(db).execute(q))]))
        if len(seen) >= 20:
            break
    return seen


def most_restrictive(
    db: Connection | Session, *, workspace_id: str, filters: SearchFilters, sort: Sort = "followers"
) -> list[tuple[str, int]]:
    """For an empty result: how many accounts each filter alone keeps (capped at 1,000),
    fewest first — "no matches: only 3 accounts have niche 'yoga' at all"."""
    conn = _conn(db)
    checks: list[tuple[str, SearchFilters]] = []
    base = SearchFilters()
    for name in (
        "platforms", "countries", "languages", "kind", "has_email", "niches_any", "niches_all", "brands", "city",
        "credentials", "audience_country", "audience_countries", "audience_female_min", "audience_18_34_min",
        "growth_30d_min", "min_credibility", "collaborated", "collaborated_brand", "exclude_campaign_id", "creator_ids",
    ):
        value = getattr(filters, name)
        if value not in (None, ()):
            checks.append((name, replace(base, **{name: value})))
    if filters.has_follower_filter():
        checks.append(("followers", replace(base, follower_ranges=filters.follower_ranges,
                                            followers_min=filters.followers_min, followers_max=filters.followers_max)))
    if filters.engagement_min is not None or filters.engagement_max is not None:
        checks.append(("engagement", replace(base, engagement_min=filters.engagement_min, engagement_max=filters.engagement_max)))
    if filters.posted_since is not None or filters.not_posted_since is not None:
        checks.append(("activity", replace(base, posted_since=filters.posted_since, not_posted_since=filters.not_posted_since)))
    out = []
    for name, single in checks[:8]:
        ids, _ = search_account_ids(conn, workspace_id=workspace_id, filters=single, sort="followers", limit=1000)
        out.append((name, len(ids)))
    return sorted(out, key=lambda t: t[1])


def utc(dt: datetime | None) -> datetime | None:
    """Aware UTC datetimes (SQLite hands back naive ones through Core)."""
    from datetime import UTC

    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


__all__ = [
    "AccountHit", "Plan", "PlannerStats", "Sample", "SearchFilters", "SearchPage", "Sort", "account_creators",
    "account_indexes", "brand_exists",
    "brand_mentions", "brand_names", "campaign_brand_exists", "campaign_names", "candidate_plans", "choose_plan", "find_campaign",
    "forget_planner_cache", "known_niches", "load_hits", "most_restrictive", "niche_exists", "niches_of", "plan_for",
    "planner_stats", "search_account_ids", "search_accounts", "similar_handles", "utc",
]
