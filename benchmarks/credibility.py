"""Audience credibility (memory/domain/credibility.py) on synthetic accounts with injected,
known patterns: how well the heuristic finds them.

Patterns (``N`` accounts each, beside ``4 N`` normal ones):

- **bought**: followers jump 1.4-5x between two snapshots 20 days apart (40-60 days ago);
  engagement stays at the old audience's level, with 250-900 likes per comment;
- **pods**: engagement rate 2.5-10x its tier's norm, 1.5-6 likes per comment, near-identical
  numbers on every post;
- **dormant**: the last post 95-400 days ago;
- **normal**: ER around the norm (log-normal spread), 15-120 likes per comment, natural
  spread between posts (a viral post now and then), 0-8% monthly growth with an occasional
  15-35% month.

A pattern is flagged on an account when its score is below 50 or the pattern's signal is
among its reasons (``Credibility.signals``). Precision and recall per pattern count every
other account (normal or another pattern) as a negative (a score below 50 flags every
pattern at once); ``precision_vs_normal`` counts only normal accounts as negatives.
Prints one JSON object last.

    .venv/bin/python benchmarks/credibility.py [--per-pattern 500] [--seed 11]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from memory.domain import credibility as cred  # noqa: E402

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PLATFORMS = ("instagram", "tiktok", "youtube")
PATTERNS = ("bought", "pods", "dormant")
SIGNAL = {"bought": "bought_followers", "pods": "pods", "dormant": "dormant"}


def _followers(rng: random.Random) -> int:
    return int(10 ** rng.uniform(3.2, 6.3))


def _posts(rng: random.Random, *, mean_e: float, cv: float, lpc: tuple[float, float], start_days: float,
           count: int, viral: bool = False) -> list[tuple[datetime, int | None, int | None]]:
    out = []
    sigma = math.sqrt(math.log(1 + cv * cv))
    for i in range(count):
        at = NOW - timedelta(days=start_days + i * rng.uniform(2.0, 5.0), hours=rng.uniform(0, 12))
        e = mean_e * math.exp(rng.gauss(-sigma * sigma / 2, sigma))
        if viral and i == 2:
            e *= rng.uniform(6, 15)
        per = rng.uniform(*lpc)
        comments = max(0, round(e / (per + 1)))
        out.append((at, max(0, round(e - comments)), comments))
    return out


def account(rng: random.Random, pattern: str) -> dict:
    platform = rng.choice(PLATFORMS)
    followers = _followers(rng)
    _, norm = cred.er_norm(platform, followers)
    snaps = []
    growth = rng.uniform(0.0, 0.08) if rng.random() > 0.1 else rng.uniform(0.15, 0.35)
    base = followers
    for months in (3, 2, 1):  # one snapshot a month, growing into today's count
        base = int(base / (1 + (growth if months == 1 else rng.uniform(0.0, 0.06))))
        snaps.append(((NOW - timedelta(days=30 * months)).date(), base))
    snaps.sort()
    if pattern == "normal":
        er = norm * math.exp(rng.gauss(0, 0.45))
        posts = _posts(rng, mean_e=er * followers, cv=rng.uniform(0.25, 0.7), lpc=(15, 120), start_days=rng.uniform(0, 10),
                       count=rng.randint(8, 24), viral=rng.random() < 0.15)
    elif pattern == "bought":
        jump = rng.uniform(1.4, 5.0)
        old = int(followers / jump)
        d0 = rng.uniform(40, 60)
        snaps = [((NOW - timedelta(days=d0 + 30)).date(), int(old * 0.97)), ((NOW - timedelta(days=d0)).date(), old),
                 ((NOW - timedelta(days=d0 - 20)).date(), followers)]
        er_old = norm * math.exp(rng.gauss(-0.2, 0.4))
        posts = _posts(rng, mean_e=er_old * old, cv=rng.uniform(0.2, 0.6), lpc=(250, 900), start_days=rng.uniform(0, 10),
                       count=rng.randint(8, 24))
    elif pattern == "pods":
        er = norm * rng.uniform(2.5, 10)
        posts = _posts(rng, mean_e=er * followers, cv=rng.uniform(0.02, 0.12), lpc=(1.5, 6), start_days=rng.uniform(0, 10),
                       count=rng.randint(8, 24))
    else:  # dormant
        er = norm * math.exp(rng.gauss(0, 0.45))
        posts = _posts(rng, mean_e=er * followers, cv=rng.uniform(0.25, 0.7), lpc=(15, 120), start_days=rng.uniform(95, 400),
                       count=rng.randint(3, 20))
    return {"pattern": pattern, "platform": platform, "followers": followers, "posts": posts, "snapshots": snaps}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-pattern", type=int, default=500)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    accounts = [account(rng, p) for p in PATTERNS for _ in range(args.per_pattern)]
    accounts += [account(rng, "normal") for _ in range(4 * args.per_pattern)]
    scored = []
    for a in accounts:
        c = cred.score_from_posts(platform=a["platform"], followers=a["followers"], posts=a["posts"],
                                  snapshots=a["snapshots"], now=NOW)
        scored.append((a["pattern"], c))
    out: dict = {"accounts": len(scored), "flag": f"score < {cred.FLAG_BELOW} or the pattern's signal", "patterns": {}}
    for p in PATTERNS:
        flagged = [(truth, c) for truth, c in scored if c.score is not None and c.score < cred.FLAG_BELOW
                   or SIGNAL[p] in c.signals]
        tp = sum(1 for truth, _ in flagged if truth == p)
        positives = sum(1 for truth, _ in scored if truth == p)
        vs_normal = [truth for truth, _ in flagged if truth in (p, "normal")]
        out["patterns"][p] = {"precision": round(tp / len(flagged), 3) if flagged else None,
                              "precision_vs_normal": round(tp / len(vs_normal), 3) if vs_normal else None,
                              "recall": round(tp / positives, 3), "flagged": len(flagged), "positives": positives}
    normal = [c for truth, c in scored if truth == "normal"]
    out["normal_flagged_any"] = round(sum(1 for c in normal if (c.score or 100) < cred.FLAG_BELOW or c.signals) / len(normal), 3)
    out["median_score"] = {t: sorted(c.score for tr, c in scored if tr == t and c.score is not None)[
        sum(1 for tr, c in scored if tr == t and c.score is not None) // 2] for t in (*PATTERNS, "normal")}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
