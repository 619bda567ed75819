"""Audience credibility of one account: THE rule (a documented heuristic, never a black box).

Like the audience-quality scores HypeAuditor and Modash describe, this is a score from
0 to 100 built from public signals; unlike theirs, every point it loses has a reason shown
beside it. It is labelled **heuristic** wherever it is shown: it flags accounts worth a
closer look, it proves nothing. ``memory.repo.analytics.recompute_accounts`` stores it
(``account.credibility``, ``account.credibility_reasons`` as a JSON list) in the same pass
as the analytics of ``memory.domain.analytics``, whose figures are its inputs.

Formula
-------

Start at 100 and subtract, per signal (each reason names the signal and its value):

1. **Engagement rate vs the norm of its tier and platform** (the effective rate, only when
   it is based on followers). ``ratio = ER / norm`` (norms below):

   - ratio < 0.25: **-35**, "ER far below norm": an inactive or bought audience;
   - 0.25 <= ratio < 0.5: **-15**, "ER below norm";
   - 2.5 < ratio <= 4: **-10**, "ER high";
   - ratio > 4: **-30**, "ER far above norm": possible engagement pods;
   - otherwise 0, "ER normal for <tier> <platform>".

2. **Likes per comment** over the recent posts the ER used (else the account's averages),
   when comments and likes are both known and there are at least 20 likes:

   - < 5 likes per comment: **-20**, comments out of proportion: pods or comment bots;
   - > 250 likes per comment (or no comment at all): **-15**, few comments: likes or
     followers may be bought;
   - otherwise 0.

3. **Volatility**: coefficient of variation (standard deviation / mean) of the engagements
   of the recent posts, with at least 4 posts:

   - CV > 1.5: **-10**, erratic engagement (some posts boosted);
   - CV < 0.08 with at least 6 posts: **-10**, suspiciously uniform engagement (pods and
     bots deliver the same numbers every post);
   - CV <= 0.6: 0, "steady engagement".

4. **Follower growth spikes**: the largest rise between two follower snapshots (and today's
   count) at most 31 days apart, as a fraction of the earlier count (bases under 100
   followers ignored):

   - > 50%: **-25**, follower jump: possibly bought followers;
   - > 20%: **-10**, fast follower jump;
   - otherwise 0.

5. **Posting**: days since the last post >= 90: **-20**, dormant; more than 21 posts per
   week: **-5**, posting unusually often.

The score is clamped to 0..100. With none of the inputs known the score is None (nothing
to judge). Signals (``Credibility.signals``): ``bought_followers`` (rule 1 far below, or
rule 2 few comments, or rule 4 >50%), ``pods`` (rule 1 far above, or rule 2 many comments,
or rule 3 uniform), ``dormant`` (rule 5). Search's "credible" means a score of at least
:data:`CREDIBLE_MIN` (60).

ER norms (fractions, followers-based, engagements as in ``memory.domain.analytics``)
---------------------------------------------------------------------------------

Rounded medians from the public benchmark reports of HypeAuditor, Modash and Influencer
Marketing Hub (2023-2024); our working values, to be tuned with a team's own data:

============  ========  =====  =====  =====  =====  =========
platform      emerging  nano   micro  macro  mega   celebrity
============  ========  =====  =====  =====  =====  =========
instagram     5.0%      4.0%   2.5%   1.5%   1.2%   1.0%
tiktok        9.0%      8.0%   6.0%   5.0%   4.5%   4.0%
youtube       4.0%      3.0%   2.0%   1.5%   1.0%   0.8%
(others)      instagram's
============  ========  =====  =====  =====  =====  =========
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from memory.domain import analytics
from memory.tiers import tier_for

LABEL = "heuristic"
CREDIBLE_MIN = 60
FLAG_BELOW = 50

ER_NORMS: dict[str, dict[str, float]] = {
    "instagram": {"emerging": 0.05, "nano": 0.04, "micro": 0.025, "macro": 0.015, "mega": 0.012, "celebrity": 0.01},
    "tiktok": {"emerging": 0.09, "nano": 0.08, "micro": 0.06, "macro": 0.05, "mega": 0.045, "celebrity": 0.04},
    "youtube": {"emerging": 0.04, "nano": 0.03, "micro": 0.02, "macro": 0.015, "mega": 0.01, "celebrity": 0.008},
}
DEFAULT_NORMS = ER_NORMS["instagram"]

SPIKE_DAYS = 31
SPIKE_MIN_BASE = 100
DORMANT_DAYS = 90
PLATFORM_NAMES = {"instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube", "x": "X", "facebook": "Facebook"}


def er_norm(platform: str, followers: int | None) -> tuple[str, float]:
    """``(tier, norm)``: the ER norm of the account's tier on its platform (module docstring)."""
    tier = tier_for(followers)
    return tier, ER_NORMS.get(platform, DEFAULT_NORMS)[tier]


def coefficient_of_variation(n: int, total: float, total_sq: float) -> float | None:
    """Population CV from the count, sum and sum of squares of the engagements (None when
    n < 2 or the mean is 0)."""
    if n < 2 or total <= 0:
        return None
    mean = total / n
    var = max(0.0, total_sq / n - mean * mean)
    return math.sqrt(var) / mean


def max_follower_jump(snapshots: Sequence[tuple[date, int]], *, current: int | None = None,
                      today: date | None = None) -> tuple[float, int] | None:
    """``(fraction, days)`` of the largest rise between consecutive points (snapshots, then
    ``current`` on ``today``) at most :data:`SPIKE_DAYS` apart; None without such a pair."""
    points = sorted(snapshots)
    if current is not None and today is not None and (not points or points[-1][0] < today):
        points.append((today, int(current)))
    best: tuple[float, int] | None = None
    for (d0, f0), (d1, f1) in zip(points, points[1:], strict=False):
        days = (d1 - d0).days
        if f0 < SPIKE_MIN_BASE or days > SPIKE_DAYS or days < 0:
            continue
        frac = (f1 - f0) / f0
        if best is None or frac > best[0]:
            best = (frac, days)
    return best


@dataclass(frozen=True)
class Credibility:
    """A score (0-100, None when nothing is known) with the reasons that moved it."""

    score: int | None
    reasons: list[str] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)
    signals: tuple[str, ...] = ()

    def summary(self) -> str:
        """``credibility 82/100 (heuristic): ER normal for micro Instagram; steady engagement``."""
        return describe(self.score, self.reasons)


def describe(score: int | None, reasons: Iterable[str] | str | None) -> str:
    """One line for a stored score and its reasons (a list or its JSON text)."""
    if score is None:
        return ""
    if isinstance(reasons, str):
        reasons = reasons_from_json(reasons)
    text = "; ".join(reasons or [])
    return f"credibility {score}/100 ({LABEL})" + (f": {text}" if text else "")


def reasons_from_json(text: str | None) -> list[str]:
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return [text]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def score_account(*, platform: str, followers: int | None, engagement_rate: float | None,
                  engagement_basis: str = "followers", likes: float | None = None, comments: float | None = None,
                  engagement_cv: float | None = None, cv_posts: int = 0,
                  follower_jump: tuple[float, int] | None = None, posts_per_week: float | None = None,
                  days_since_last_post: int | None = None) -> Credibility:
    """Score one account by the module's formula. ``likes``/``comments``: totals (or
    averages) over the recent posts; ``engagement_cv`` over ``cv_posts`` posts;
    ``follower_jump`` from :func:`max_follower_jump`."""
    tier, norm = er_norm(platform, followers)
    name = PLATFORM_NAMES.get(platform, platform)
    inputs: dict[str, Any] = {"platform": platform, "tier": tier, "er_norm": norm}
    reasons: list[str] = []
    signals: list[str] = []
    score = 100
    known = False

    if engagement_rate is not None and engagement_basis == "followers" and followers:
        known = True
        ratio = engagement_rate / norm
        inputs |= {"engagement_rate": round(engagement_rate, 5), "er_ratio": round(ratio, 3)}
        vs = f"ER {_pct(engagement_rate)} vs ~{_pct(norm)} for {tier} {name}"
        if ratio < 0.25:
            score -= 35
            reasons.append(f"{vs}, far below: inactive or bought audience")
            signals.append("bought_followers")
        elif ratio < 0.5:
            score -= 15
            reasons.append(f"{vs}, below norm")
        elif ratio > 4:
            score -= 30
            reasons.append(f"{vs}, far above: possible engagement pods")
            signals.append("pods")
        elif ratio > 2.5:
            score -= 10
            reasons.append(f"{vs}, high")
        else:
            reasons.append(f"ER normal for {tier} {name}")

    if likes is not None and comments is not None and likes >= 20:
        known = True
        per = likes / comments if comments > 0 else math.inf
        inputs["likes_per_comment"] = None if math.isinf(per) else round(per, 1)
        if per < 5:
            score -= 20
            reasons.append(f"{per:.1f} likes per comment: comments out of proportion (pods or comment bots)")
            signals.append("pods")
        elif per > 250:
            score -= 15
            shown = "no comments" if math.isinf(per) else f"{per:.0f} likes per comment"
            reasons.append(f"{shown}: few comments, likes or followers may be bought")
            signals.append("bought_followers")

    if engagement_cv is not None and cv_posts >= 4:
        known = True
        inputs |= {"engagement_cv": round(engagement_cv, 3), "cv_posts": cv_posts}
        if engagement_cv > 1.5:
            score -= 10
            reasons.append(f"erratic engagement (CV {engagement_cv:.2f} over {cv_posts} posts)")
        elif engagement_cv < 0.08 and cv_posts >= 6:
            score -= 10
            reasons.append(f"suspiciously uniform engagement (CV {engagement_cv:.2f} over {cv_posts} posts)")
            signals.append("pods")
        elif engagement_cv <= 0.6:
            reasons.append("steady engagement")

    if follower_jump is not None:
        known = True
        frac, days = follower_jump
        inputs["follower_jump"] = [round(frac, 3), days]
        if frac > 0.5:
            score -= 25
            reasons.append(f"followers +{frac:.0%} in {days} days: possibly bought followers")
            signals.append("bought_followers")
        elif frac > 0.2:
            score -= 10
            reasons.append(f"followers +{frac:.0%} in {days} days: fast jump")

    if days_since_last_post is not None or posts_per_week is not None:
        known = True
        inputs |= {"days_since_last_post": days_since_last_post, "posts_per_week": posts_per_week}
        if days_since_last_post is not None and days_since_last_post >= DORMANT_DAYS:
            score -= 20
            reasons.append(f"dormant: no post in {days_since_last_post} days")
            signals.append("dormant")
        elif posts_per_week is not None and posts_per_week > 21:
            score -= 5
            reasons.append(f"posting unusually often ({posts_per_week:.0f} a week)")

    if not known:
        return Credibility(None, [], inputs, ())
    return Credibility(max(0, min(100, score)), reasons, inputs, tuple(dict.fromkeys(signals)))


def score_from_posts(*, platform: str, followers: int, posts: Sequence[tuple[datetime, int | None, int | None]],
                     snapshots: Sequence[tuple[date, int]] = (), now: datetime,
                     n_posts: int = analytics.ER_POSTS_DEFAULT,
                     window_days: int = analytics.ER_WINDOW_DAYS_DEFAULT) -> Credibility:
    """The whole rule from raw ``(posted_at, likes, comments)`` posts and follower snapshots:
    the inputs ``recompute_accounts`` derives in SQL (the ER posts of
    ``memory.domain.analytics``, their likes, comments and spread), for tests and benchmarks."""
    used = sorted(((at, lk, cm) for at, lk, cm in posts
                   if (lk is not None or cm is not None) and now - timedelta(days=window_days) <= at <= now),
                  key=lambda p: p[0], reverse=True)[:n_posts]
    es = [analytics.post_engagements(platform, lk, cm) or 0 for _, lk, cm in used]
    rate = analytics.rate_from_totals(sum(es), len(es), followers) if es and followers > 0 else None
    known_likes = [lk for _, lk, _ in used if lk is not None]
    known_comments = [cm for _, _, cm in used if cm is not None]
    dates = [at for at, _, _ in posts]
    return score_account(
        platform=platform, followers=followers, engagement_rate=rate,
        likes=float(sum(known_likes)) if known_likes else None,
        comments=float(sum(known_comments)) if known_comments else None,
        engagement_cv=coefficient_of_variation(len(es), float(sum(es)), float(sum(e * e for e in es))), cv_posts=len(es),
        follower_jump=max_follower_jump(snapshots, current=followers, today=now.date()) if snapshots else None,
        posts_per_week=analytics.posts_per_week(dates, now=now) if dates else None,
        days_since_last_post=analytics.days_since(max(dates), now=now) if dates else None,
    )


__all__ = ["CREDIBLE_MIN", "DEFAULT_NORMS", "ER_NORMS", "FLAG_BELOW", "LABEL", "Credibility", "coefficient_of_variation",
           "describe", "er_norm", "max_follower_jump", "reasons_from_json", "score_account", "score_from_posts"]
