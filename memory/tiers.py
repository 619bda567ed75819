"""Follower tiers (DESIGN section 1): exclusive, configurable cut-offs."""

from __future__ import annotations

TIERS = ["emerging", "nano", "micro", "macro", "mega", "celebrity"]

DEFAULT_CUTOFFS: dict[str, int] = {
    "nano": 1_000,
    "micro": 10_000,
    "macro": 100_000,
    "mega": 500_000,
    "celebrity": 1_000_000,
}


def tier_for(followers: int | None, cutoffs: dict[str, int] | None = None) -> str:
    """The tier of an account with ``followers`` followers (below nano: ``emerging``)."""
    cuts = cutoffs or DEFAULT_CUTOFFS
    f = followers or 0
    tier = "emerging"
    for name in TIERS[1:]:
        if f >= cuts[name]:
            tier = name
    return tier


def followers_range(tier: str, cutoffs: dict[str, int] | None = None) -> tuple[int, int | None]:
    """Half-open follower range [low, high) of a tier; high is None for celebrity."""
    cuts = cutoffs or DEFAULT_CUTOFFS
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; tiers are {', '.join(TIERS)}")
    idx = TIERS.index(tier)
    low = 0 if tier == "emerging" else cuts[tier]
    high = cuts[TIERS[idx + 1]] if idx + 1 < len(TIERS) else None
    return low, high
