"""Creator analytics from the data a team holds: THE rule for engagement, growth and activity.

Every figure here is computed from what the workspace imported or synced (posts, the
averages and engagement rate of a creators file, follower counts seen over time); nothing
is estimated. ``memory.repo.analytics`` applies these rules to stored rows (its SQL mirrors
:func:`post_engagements` and :func:`engagement_from_posts`, and tests hold the two equal).

Engagement rate (a fraction: 0.034 = 3.4%)
------------------------------------------

- **posts** (``engagement_source = "posts"``): the mean over the account's last
  ``er_posts`` posts (default 12) published within the last ``er_window_days`` days
  (default 90) of the post's engagements, divided by the account's current followers.
  ``engagement_posts`` = n, the number of posts used. A post counts only when its likes or
  comments are known.
  A post's engagements are the interactions its platform shows publicly:
  likes + comments on every platform, **+ shares on TikTok, Facebook and X** (reposts),
  where shares are public and part of the platform's usual ER. **Saves are never counted**:
  only the account owner sees them, so counting them would make creator-supplied figures
  incomparable with public ones (Instagram shares are likewise private).
- **averages** (``"averages"``): (avg_likes + avg_comments) / followers, from the averages
  of a creators file (an unknown one of the two counts as 0; both unknown or both 0 =
  no rate).
- **views** (``"views"``): on video platforms (YouTube, TikTok) also
  (avg_likes + avg_comments) / avg_views, the rate by views. The stored rate is the
  followers-based one whenever followers are known (source "averages", basis
  "followers"); the views-based rate is stored (source "views", basis "views") only for an
  account without followers, and is otherwise shown beside it (:func:`engagement_by_views`).
- **reported** (``"reported"``): an engagement-rate column of an imported file, kept as
  it came in ``reported_engagement_rate``.

Precedence: **posts > averages > views > reported**. Own posts are the freshest and the
only figure whose method we know; averages are the team's own counts over an unknown
period; a reported rate's method is unknown. The winning rate is ``engagement_rate``, the
one search filters and sorts use; ``engagement_source`` says which rule produced it.

Growth: follower snapshots (one per account and day, taken when an import or sync sees the
follower count change, and on the first import) give the change over 30 and 90 days:
``current followers - followers at the start``, where the start is the *nearest snapshot at
or before* ``today - days``; the percent is that change divided by the start followers (a
fraction). No snapshot that old = unknown.

Activity: posts per week over the last 90 days (posts in the window / (90 / 7)); days since
the last post. Both unknown when the account has no known post at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

ER_POSTS_DEFAULT = 12
ER_WINDOW_DAYS_DEFAULT = 90
ACTIVITY_WINDOW_DAYS = 90
ACTIVE_DAYS = 30
DORMANT_DAYS = 90
GROWTH_PERIODS = (30, 90)

VIDEO_PLATFORMS = frozenset({"youtube", "tiktok"})
SHARES_COUNTED = frozenset({"tiktok", "facebook", "x"})
SAVES_COUNTED: frozenset[str] = frozenset()

SOURCES = ("posts", "averages", "views", "reported")
"""Values of ``engagement_source``, highest precedence first."""


def post_engagements(platform: str, likes: int | None, comments: int | None, shares: int | None = None,
                     saves: int | None = None) -> int | None:
    """Interactions one post counts for ER (module docstring); None when neither likes
    nor comments are known."""
    if likes is None and comments is None:
        return None
    total = (likes or 0) + (comments or 0)
    if platform in SHARES_COUNTED:
        total += shares or 0
    if platform in SAVES_COUNTED:
        total += saves or 0
    return total


def engagement_from_posts(posts: Iterable[tuple[datetime, int | None]], *, followers: int | None, now: datetime,
                          n_posts: int = ER_POSTS_DEFAULT, window_days: int = ER_WINDOW_DAYS_DEFAULT
                          ) -> tuple[float, int] | None:
    """``(rate, n)`` from ``(posted_at, engagements)`` pairs: the last ``n_posts`` posts with
    known engagements posted since ``now - window_days``; None without followers or posts."""
    if not followers or followers <= 0:
        return None
    since = now - timedelta(days=window_days)
    # A post dated in the future (a bad clock or a scheduled post) is not engagement yet.
    recent = sorted(((at, e) for at, e in posts if e is not None and since <= at <= now), key=lambda p: p[0], reverse=True)
    used = recent[:n_posts]
    if not used:
        return None
    return rate_from_totals(sum(e for _, e in used), len(used), followers), len(used)


def rate_from_totals(total_engagements: float, n: int, followers: int) -> float:
    """Mean engagements per post over followers (the posts rule, once summed)."""
    return total_engagements / n / followers


def engagement_from_averages(avg_likes: float | None, avg_comments: float | None, followers: int | None) -> float | None:
    """(avg_likes + avg_comments) / followers; None when followers or both averages are unknown or 0."""
    engagements = _avg_engagements(avg_likes, avg_comments)
    if engagements is None or not followers or followers <= 0:
        return None
    return engagements / followers


def engagement_by_views(platform: str, avg_likes: float | None, avg_comments: float | None,
                        avg_views: float | None) -> float | None:
    """(avg_likes + avg_comments) / avg_views on video platforms; None elsewhere or when unknown."""
    engagements = _avg_engagements(avg_likes, avg_comments)
    if platform not in VIDEO_PLATFORMS or engagements is None or not avg_views or avg_views <= 0:
        return None
    return engagements / avg_views


def _avg_engagements(avg_likes: float | None, avg_comments: float | None) -> float | None:
    if avg_likes is None and avg_comments is None:
        return None
    total = (avg_likes or 0) + (avg_comments or 0)
    return total if total > 0 else None


@dataclass(frozen=True)
class Engagement:
    """The effective engagement rate and where it came from."""

    rate: float | None
    source: str | None
    posts: int | None = None
    basis: str = "followers"


def effective_engagement(*, posts: tuple[float, int] | None, averages: float | None, views: float | None,
                         reported: float | None, reported_basis: str = "followers") -> Engagement:
    """Precedence posts > averages > views > reported (module docstring)."""
    if posts is not None:
        return Engagement(posts[0], "posts", posts[1])
    if averages is not None:
        return Engagement(averages, "averages")
    if views is not None:
        return Engagement(views, "views", basis="views")
    if reported is not None:
        return Engagement(reported, "reported", basis=reported_basis or "followers")
    return Engagement(None, None, basis=reported_basis or "followers")


def account_engagement(*, platform: str, followers: int | None, avg_likes: float | None, avg_comments: float | None,
                       avg_views: float | None, reported: float | None, posts: tuple[float, int] | None = None,
                       reported_basis: str = "followers") -> Engagement:
    """The effective rate of one account from its stored figures (and its posts rate, if any)."""
    return effective_engagement(
        posts=posts, averages=engagement_from_averages(avg_likes, avg_comments, followers),
        views=engagement_by_views(platform, avg_likes, avg_comments, avg_views), reported=reported,
        reported_basis=reported_basis,
    )


def growth(snapshots: Sequence[tuple[date, int]], *, current: int, today: date, days: int) -> tuple[int, float | None] | None:
    """``(change, fraction)`` of followers over ``days``: ``current`` minus the nearest snapshot
    at or before ``today - days``; None without such a snapshot (fraction None when it had 0)."""
    start = today - timedelta(days=days)
    before = [(d, f) for d, f in snapshots if d <= start]
    if not before:
        return None
    _, base = max(before, key=lambda s: s[0])
    change = current - base
    return change, (change / base if base > 0 else None)


def posts_per_week(post_dates: Iterable[datetime], *, now: datetime, window_days: int = ACTIVITY_WINDOW_DAYS) -> float:
    """Posts published in the last ``window_days`` days, per week."""
    since = now - timedelta(days=window_days)
    return per_week(sum(1 for at in post_dates if since <= at <= now), window_days)


def per_week(count: int, window_days: int = ACTIVITY_WINDOW_DAYS) -> float:
    return round(count / (window_days / 7), 3)


def days_since(last_post_at: datetime | None, *, now: datetime) -> int | None:
    """Whole days since the last post (0 = today or a future date); None when unknown."""
    if last_post_at is None:
        return None
    return max(0, (now - last_post_at).days)


__all__ = [
    "ACTIVE_DAYS", "ACTIVITY_WINDOW_DAYS", "DORMANT_DAYS", "ER_POSTS_DEFAULT", "ER_WINDOW_DAYS_DEFAULT", "GROWTH_PERIODS",
    "SAVES_COUNTED", "SHARES_COUNTED", "SOURCES", "VIDEO_PLATFORMS", "Engagement", "account_engagement", "days_since",
    "effective_engagement", "engagement_by_views", "engagement_from_averages", "engagement_from_posts", "growth",
    "per_week", "post_engagements", "posts_per_week", "rate_from_totals",
]
