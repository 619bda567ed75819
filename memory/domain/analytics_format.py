"""Creator analytics in words: the one place that says how an engagement rate, follower
growth and posting activity are shown, with their basis (DESIGN §1: "always label the
basis"). Profiles, result lists, Slack cards, CSV exports and the text the LLM reads all
use these functions, so "3.7% · last 6 posts" means the same thing everywhere.

- Engagement: the effective rate and where it comes from. ``source`` is ``posts`` (the
  mean of (likes + comments) / followers over the last ``n`` posts), ``averages`` (average
  likes + comments over followers), ``views`` (engagements over views) or ``reported``
  (the rate given in an import). An unknown source with a known rate is a stored rate of
  the older kind: it is shown with its ``basis`` ("4.1% by followers").
- Growth: the follower change over 30 days (and 90 days when known), "+6.4K, +20% in 30 days".
- Activity: posting frequency and recency, "2.1 posts/week · last post 3 days ago".
"""

from __future__ import annotations

__all__ = ["UNKNOWN_ENGAGEMENT", "describe_activity", "describe_engagement", "describe_growth", "signed_pct"]

from memory.domain.numbers import format_compact

UNKNOWN_ENGAGEMENT = "unknown (no posts, averages or reported ER)"
_SOURCES = {"averages": "by averages", "views": "by views", "reported": "reported"}


def _rate(rate: float) -> str:
    """One decimal, but never a "0.0%" for a real, small rate (a 230M-follower channel engages at 0.02%)."""
    pct = rate * 100
    if 0 < pct < 0.1:
        return f"{pct:.2f}%" if pct >= 0.01 else "<0.01%"
    return f"{pct:.1f}%"


def describe_engagement(rate: float | None, source: str | None, n: int | None = None, *, basis: str | None = None) -> str:
    """The engagement rate with its basis: ``"3.7% · last 6 posts"``, ``"2.1% · by averages"``,
    ``"4.0% · by views"``, ``"3.4% · reported"``, or ``UNKNOWN_ENGAGEMENT``. ``rate`` is a
    fraction; ``n`` the number of posts behind a ``posts`` rate; ``basis`` (followers, reach,
    views) labels a rate whose source is not recorded."""
    if rate is None:
        return UNKNOWN_ENGAGEMENT
    if source == "posts":
        if n:
            return f"{_rate(rate)} · last {n} post{'s' if n != 1 else ''}"
        return f"{_rate(rate)} · by recent posts"
    if source in _SOURCES:
        return f"{_rate(rate)} · {_SOURCES[source]}"
    return f"{_rate(rate)} by {basis or 'followers'}"


def signed_pct(fraction: float) -> str:
    """+20%, -3.5%, +0.4%: one decimal below 10%, whole percents above; ``0%`` for no change."""
    value = fraction * 100
    text = f"{abs(value):.1f}" if abs(value) < 10 else f"{abs(value):.0f}"
    text = text.removesuffix(".0")
    if text == "0":
        return "0%"
    return ("-" if value < 0 else "+") + text + "%"


def _signed_count(change: int | float) -> str:
    if change == 0:
        return "0"
    return ("+" if change > 0 else "") + format_compact(change)


def _period(change: int | float | None, pct: float | None, days: int) -> str | None:
    if change is None and pct is None:
        return None
    if (change is None or change == 0) and (pct is None or round(pct * 1000) == 0):
        return f"no change in {days} days"
    parts = [p for p in (None if change is None else _signed_count(change), None if pct is None else signed_pct(pct)) if p]
    return ", ".join(parts) + f" in {days} days"


def describe_growth(change_30d: int | float | None, pct_30d: float | None, change_90d: int | float | None = None,
                    pct_90d: float | None = None) -> str:
    """Follower growth: ``"+6.4K, +20% in 30 days"``, with ``"; +12K, +35% in 90 days"`` when
    the 90-day figures are known too; ``"unknown (no follower history)"`` when nothing is.
    Changes are follower counts, percents fractions (0.2 = +20%)."""
    parts = [p for p in (_period(change_30d, pct_30d, 30), _period(change_90d, pct_90d, 90)) if p]
    return "; ".join(parts) if parts else "unknown (no follower history)"


def _ago(days: int) -> str:
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def describe_activity(posts_per_week: float | None, days_since_last: int | None) -> str:
    """Posting activity: ``"2.1 posts/week · last post 3 days ago"``; either half alone when
    only it is known; ``"no posts on record"`` when neither is."""
    parts: list[str] = []
    if posts_per_week is not None:
        if 0 < posts_per_week < 0.1:
            parts.append("<0.1 posts/week")
        else:
            rounded = f"{posts_per_week:.1f}"
            parts.append(f"{rounded} post{'' if rounded == '1.0' else 's'}/week")
    if days_since_last is not None:
        parts.append(f"last post {_ago(int(days_since_last))}")
    return " · ".join(parts) if parts else "no posts on record"
