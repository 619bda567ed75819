"""Follower tiers are exclusive and configurable."""

import pytest

from memory.tiers import followers_range, tier_for


@pytest.mark.parametrize(
    ("followers", "tier"),
    [(0, "emerging"), (999, "emerging"), (1_000, "nano"), (9_999, "nano"), (10_000, "micro"), (99_999, "micro"),
     (100_000, "macro"), (499_999, "macro"), (500_000, "mega"), (999_999, "mega"), (1_000_000, "celebrity")],
)
def test_default_cutoffs_are_exclusive(followers: int, tier: str) -> None:
    assert tier_for(followers) == tier


def test_custom_cutoffs() -> None:
    cuts = {"nano": 500, "micro": 5_000, "macro": 50_000, "mega": 250_000, "celebrity": 2_000_000}
    assert tier_for(1_500_000, cuts) == "mega"
    assert followers_range("micro", cuts) == (5_000, 50_000)
    assert followers_range("celebrity", cuts) == (2_000_000, None)


def test_unknown_tier_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown tier 'giga'"):
        followers_range("giga")
