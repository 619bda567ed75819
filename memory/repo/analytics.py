"""Creator analytics on stored rows: follower snapshots and the account figures derived
from posts, averages, reported rates and snapshots (the rules: ``memory.domain.analytics``).

``recompute_accounts`` is set-based: per chunk of accounts, one windowed SQL query sums the
engagements of each account's last N posts in the window (``ROW_NUMBER() OVER``, on SQLite
and PostgreSQL alike), one counts the posts of the activity window, one reads the
snapshots; only rows whose figures changed are written (one executemany). Imports, post
syncs and the demo seed call it for the accounts they touched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    and_,
    bindparam,
    case,
    cast,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlmodel import Session

from memory.domain import analytics as rule
from memory.domain import credibility as cred
from memory.models import Account, FollowerSnapshot, Post

ACCOUNT = Account.__table__
POST = Post.__table__
SNAPSHOT = FollowerSnapshot.__table__
CHUNK = 5_000

_OLD = 9  # where the stored figures start in the account rows recompute reads
_FIGURES = ("engagement_rate", "engagement_source", "engagement_posts", "engagement_basis", "posts_per_week",
            "followers_change_30d", "growth_30d_pct", "followers_change_90d", "growth_90d_pct", "credibility",
            "credibility_reasons")


def post_engagements_sql(p: Any = POST.c) -> ColumnElement[Any]:
    """SQL twin of ``rule.post_engagements`` (for posts whose likes or comments are known)."""
    expr = func.coalesce(p.likes, 0) + func.coalesce(p.comments, 0)
    if rule.SHARES_COUNTED:
        expr = expr + case((p.platform.in_(sorted(rule.SHARES_COUNTED)), func.coalesce(p.shares, 0)), else_=0)
    if rule.SAVES_COUNTED:
        expr = expr + case((p.platform.in_(sorted(rule.SAVES_COUNTED)), func.coalesce(p.saves, 0)), else_=0)
    return expr


def _conn(session: Session | Connection) -> Connection:
    if isinstance(session, Session):
        session.flush()
        return session.connection()
    return session


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


# --- follower snapshots --------------------------------------------------------------------------


def record_follower_snapshots(
    session: Session | Connection, *, workspace_id: str, rows: Iterable[tuple[int, int]], on: date, source: str = "import",
) -> set[int]:
    """Record ``(account_id, followers)`` seen on day ``on``: a snapshot is written on an
    account's first sighting and whenever the count differs from its latest snapshot up to
    ``on`` (a second change on the same day updates that day's row). Returns the accounts
    whose snapshots changed."""
    conn = _conn(session)
    wanted = {int(a): int(f) for a, f in rows if f is not None}
    if not wanted:
        return set()
    s = SNAPSHOT.c
    latest: dict[int, tuple[int, date, int]] = {}
    for chunk in _chunks(sorted(wanted)):
        q = (select(s.account_id, s.id, s.date, s.followers)
             .where(s.workspace_id == workspace_id, s.account_id.in_(chunk), s.date <= on)
             .order_by(s.account_id, s.date))
        for aid, sid, d, f in conn.execute(q):
            latest[aid] = (sid, d, f)  # ascending dates: the last one wins
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    touched: set[int] = set()
    for aid, followers in wanted.items():
        prev = latest.get(aid)
        if prev is not None and prev[2] == followers:
            continue
        touched.add(aid)
        if prev is not None and prev[1] == on:
            updates.append({"_id": prev[0], "followers": followers})
        else:
            inserts.append({"workspace_id": workspace_id, "account_id": aid, "date": on, "followers": followers,
                            "source": source})
    for chunk in _chunks(inserts):  # type: ignore[arg-type]
        conn.execute(insert(SNAPSHOT), chunk)
    if updates:
        conn.execute(update(SNAPSHOT).where(s.id == bindparam("_id")).values(followers=bindparam("followers")), updates)
    return touched


def account_snapshots(session: Session | Connection, *, workspace_id: str, account_id: int) -> list[tuple[date, int]]:
    """An account's follower snapshots, oldest first: ``[(date, followers)]``."""
    s = SNAPSHOT.c
    q = select(s.date, s.followers).where(s.workspace_id == workspace_id, s.account_id == account_id).order_by(s.date)
    return [(d, int(f)) for d, f in _conn(session).execute(q)]


# --- recompute -----------------------------------------------------------------------------------


def stored_engagement(acc: Any) -> rule.Engagement:
    """The effective rate of an account from its own columns, keeping a posts-based rate
    (recompute_accounts refreshes that one): what upserts apply before a recompute."""
    posts = (acc.engagement_rate, acc.engagement_posts or 0) if (
        acc.engagement_source == "posts" and acc.engagement_rate is not None) else None
    return rule.account_engagement(
        platform=acc.platform, followers=acc.followers, avg_likes=acc.avg_likes, avg_comments=acc.avg_comments,
        avg_views=acc.avg_views, reported=acc.reported_engagement_rate, posts=posts,
        reported_basis=acc.engagement_basis if acc.engagement_source in (None, "reported") else "followers",
    )


def recompute_accounts(
    session: Session | Connection, *, workspace_id: str, account_ids: Iterable[int] | None = None, now: datetime,
    er_posts: int = rule.ER_POSTS_DEFAULT, er_window_days: int = rule.ER_WINDOW_DAYS_DEFAULT,
) -> int:
    """Recompute engagement (with its source and n), activity, growth and audience
    credibility (``memory.domain.credibility``, from the same figures plus the likes,
    comments and spread of the ER posts) of ``account_ids`` (every account of the workspace
    when None) as of ``now``. Returns the rows changed."""
    conn = _conn(session)
    a = ACCOUNT.c
    if account_ids is None:
        ids = [int(r[0]) for r in conn.execute(select(a.id).where(a.workspace_id == workspace_id).order_by(a.id))]
    else:
        ids = sorted({int(i) for i in account_ids})
    updates: list[dict[str, Any]] = []
    for chunk in _chunks(ids):
        updates += _recompute_chunk(conn, workspace_id, chunk, now, er_posts, er_window_days)
    if updates:
        # Written in follower order: most account indexes are keyed by followers, so their pages
        # are visited in sequence (every changed rate rewrites its entry in eight indexes).
        updates.sort(key=lambda u: (u["_followers"], u["_id"]))
        stmt = update(ACCOUNT).where(a.id == bindparam("_id")).values({k: bindparam(f"v_{k}") for k in _FIGURES})
        for i in range(0, len(updates), 20_000):
            conn.execute(stmt, updates[i : i + 20_000])
    return len(updates)


def _recompute_chunk(conn: Connection, ws: str, chunk: list[int], now: datetime, er_posts: int,
                     er_window_days: int) -> list[dict[str, Any]]:
    a, p, s = ACCOUNT.c, POST.c, SNAPSHOT.c
    cols = [a.id, a.workspace_id, a.platform, a.followers, a.avg_likes, a.avg_comments, a.avg_views,
            a.reported_engagement_rate, a.last_post_at, *[a[c] for c in _FIGURES]]  # the figures last (_OLD)
    # By primary key, then the workspace checked here: a workspace_id term would let SQLite
    # walk a workspace index instead (every chunk scanning the whole workspace).
    accounts = {r.id: r for r in conn.execute(select(*cols).where(a.id.in_(chunk))) if r.workspace_id == ws}
    if not accounts:
        return []
    chunk = sorted(accounts)

    def scope(col: Any) -> ColumnElement[bool]:
        # Posts and snapshots of these accounts (all of this workspace), through their account indexes.
        return col.in_(chunk)

    # One pass over the posts of both windows: the ER posts are ranked among themselves
    # (partitioned by eligibility), the activity window is counted beside them.
    since = now - timedelta(days=er_window_days)
    active_since = now - timedelta(days=rule.ACTIVITY_WINDOW_DAYS)
    eligible = case((and_(p.posted_at >= since, or_(p.likes.is_not(None), p.comments.is_not(None))), 1), else_=0)
    ranked = select(
        p.account_id, post_engagements_sql(p).label("e"), eligible.label("ok"), p.likes, p.comments,
        case((p.posted_at >= active_since, 1), else_=0).label("act"),
        func.row_number().over(partition_by=(p.account_id, eligible), order_by=(p.posted_at.desc(), p.id.desc())).label("rn"),
    ).where(scope(p.account_id), p.posted_at >= min(since, active_since), p.posted_at <= now).subquery()
    used = and_(ranked.c.ok == 1, ranked.c.rn <= er_posts)
    totals: dict[int, tuple[int, float]] = {}
    spread: dict[int, tuple[float | None, float | None, float]] = {}  # likes, comments, sum of e^2 (credibility)
    recent: dict[int, int] = {}
    e_float = cast(ranked.c.e, Float)
    for aid, n, e, act, likes, comments, e_sq in conn.execute(
        select(ranked.c.account_id, func.sum(case((used, 1), else_=0)), func.sum(case((used, ranked.c.e), else_=0)),
               func.sum(ranked.c.act), func.sum(case((used, ranked.c.likes), else_=None)),
               func.sum(case((used, ranked.c.comments), else_=None)),
               func.sum(case((used, e_float * e_float), else_=0.0))).group_by(ranked.c.account_id)):
        if n:
            totals[aid] = (int(n), float(e))
            spread[aid] = (None if likes is None else float(likes), None if comments is None else float(comments),
                           float(e_sq or 0))
        recent[aid] = int(act or 0)
    snaps: dict[int, list[tuple[date, int]]] = {}
    for aid, d, f in conn.execute(select(s.account_id, s.date, s.followers).where(scope(s.account_id))):
        snaps.setdefault(aid, []).append((d, int(f)))
    today = now.date()
    updates: list[dict[str, Any]] = []
    no_growth = {f"followers_change_{d}d": None for d in rule.GROWTH_PERIODS} | {
        f"growth_{d}d_pct": None for d in rule.GROWTH_PERIODS}
    for aid, r in accounts.items():
        followers = int(r.followers or 0)
        posts = None
        if aid in totals and followers > 0:
            n, e = totals[aid]
            posts = (rule.rate_from_totals(e, n, followers), n)
        eng = rule.account_engagement(
            platform=r.platform, followers=followers, avg_likes=r.avg_likes, avg_comments=r.avg_comments,
            avg_views=r.avg_views, reported=r.reported_engagement_rate, posts=posts,
            reported_basis=r.engagement_basis if r.engagement_source in (None, "reported") else "followers",
        )
        new: dict[str, Any] = {
            "engagement_rate": eng.rate, "engagement_source": eng.source, "engagement_posts": eng.posts,
            "engagement_basis": eng.basis,
            "posts_per_week": None if r.last_post_at is None and aid not in recent else rule.per_week(recent.get(aid, 0)),
            **no_growth,
        }
        for days in rule.GROWTH_PERIODS if aid in snaps else ():
            g = rule.growth(snaps[aid], current=followers, today=today, days=days)
            new[f"followers_change_{days}d"] = None if g is None else g[0]
            new[f"growth_{days}d_pct"] = None if g is None else g[1]
        c = _credibility(r, followers, eng, totals.get(aid), spread.get(aid), snaps.get(aid, []), new["posts_per_week"],
                         now)
        new["credibility"] = c.score
        new["credibility_reasons"] = None if c.score is None else json.dumps(c.reasons)
        # Exact comparison: the same inputs give bit-identical floats, and REAL/float8 round-trip them.
        if tuple(r[_OLD:]) != tuple(new[k] for k in _FIGURES):
            updates.append({"_id": aid, "_followers": followers, **{f"v_{k}": v for k, v in new.items()}})
    return updates


def _aware(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive UTC datetimes through Core."""
    return dt.replace(tzinfo=UTC) if dt is not None and dt.tzinfo is None else dt


def _credibility(r: Any, followers: int, eng: rule.Engagement, total: tuple[int, float] | None,
                 spread: tuple[float | None, float | None, float] | None, snaps: list[tuple[date, int]],
                 posts_per_week: float | None, now: datetime) -> cred.Credibility:
    """The credibility rule on one account's figures (likes and comments of its ER posts,
    else its averages)."""
    likes, comments, cv, n = r.avg_likes, r.avg_comments, None, 0
    if total is not None and spread is not None:
        n = total[0]
        if spread[0] is not None:
            likes, comments = spread[0], spread[1]
        cv = cred.coefficient_of_variation(n, total[1], spread[2])
    return cred.score_account(
        platform=r.platform, followers=followers, engagement_rate=eng.rate, engagement_basis=eng.basis, likes=likes,
        comments=comments, engagement_cv=cv, cv_posts=n,
        follower_jump=cred.max_follower_jump(snaps, current=followers, today=now.date()) if snaps else None,
        posts_per_week=posts_per_week, days_since_last_post=rule.days_since(_aware(r.last_post_at), now=now),
    )


__all__ = ["account_snapshots", "post_engagements_sql", "record_follower_snapshots", "recompute_accounts",
           "stored_engagement"]
