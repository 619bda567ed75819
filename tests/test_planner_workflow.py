"""Pure parsing used by the CRM and metrics intents."""

from datetime import date

import pytest

from agent.planner.crm_intents import _stage_in, parse_date
from agent.planner.metrics_intents import _volumes, group_in, metric_in

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("due 2026-12-01", date(2026, 12, 1)), ("by Dec 5", date(2026, 12, 5)), ("by 5 December", date(2026, 12, 5)),
     ("due tomorrow", date(2026, 11, 21)), ("in 3 days", date(2026, 11, 23)), ("next week", date(2026, 11, 27)),
     ("by Jan 10", date(2027, 1, 10)), ("no date here", None)],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text, TODAY) == expected


def test_deliverables_phrase() -> None:
    from memory.domain.deliverables import describe_deliverables, parse_deliverables

    assert describe_deliverables(parse_deliverables("countered at $2,200 for 1 reel + 2 stories with 30-day usage")) == "1 reel + 2 stories"
    assert describe_deliverables(parse_deliverables("wants two videos and a short")) == "2 videos + 1 short"


@pytest.mark.parametrize(("text", "stage"), [("move @x to negotiating", "negotiating"), ("put her on hold", "on_hold"),
                                             ("mark @x as contacted", "contacted"), ("move @x to posted in glow q3", "posted")])
def test_stage_words(text: str, stage: str) -> None:
    assert _stage_in(text) == stage


def test_metric_and_group_words() -> None:
    assert metric_in("kols vs influencers on cost per acquisition") == "cpa"
    assert metric_in("which creators had the best return on ad spend") == "roas"
    assert metric_in("engagement rate by followers") == "er_by_followers"
    assert group_in("glow q3 results by tier") == "tier"
    assert group_in("summary of fit fall by week") == "week"


def test_volumes_from_plain_language() -> None:
    assert _volumes("@skin.by.sam's reel has 48k views and 1,240 link clicks") == {"views": 48_000, "clicks": 1_240}
    assert _volumes("it hit 1.2m impressions, 300 comments and 85 sales") == {"impressions": 1_200_000, "comments": 300, "conversions": 85}
