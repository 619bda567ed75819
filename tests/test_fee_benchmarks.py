"""Fee benchmarks from our own agreed fees, on SQLite and PostgreSQL: median, IQR and n by tier,
platform and deliverable kind (checked against numbers computed by hand below), the too-few case,
FX conversion with fees left out for lack of a rate, where a counter sits, and the planner."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent.settings import Settings
from memory.db import session_scope
from memory.models import AccountCreate, CreatorCreate
from memory.repo.creators import upsert_creator_account
from memory.repo.workspaces import ensure_workspace
from tools.base import ConversationMemory, ToolContext
from tools.crm.benchmarks import MIN_BENCHMARK_FEES
from tools.registry import run_tool

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)

# handle, platform, followers, fee, currency, deliverables
AGREED = [
    ("mi1", "instagram", 20_000, "1000", "USD", "1 reel"),
    ("mi2", "instagram", 40_000, "1500", "USD", "1 reel + 2 stories"),
    ("mi3", "instagram", 50_000, "2000", "USD", "1 reel"),
    ("mi4", "instagram", 25_000, "1200", "USD", "1 reel"),
    ("mi5", "instagram", 80_000, "3000", "USD", "2 reels"),
    ("mi6", "instagram", 60_000, "1000", "EUR", "1 reel"),  # $1,100 at EUR 1.10
    ("mi7", "instagram", 30_000, "900", "GBP", "1 reel"),  # no GBP rate: left out
    ("mi8", "instagram", 15_000, "500", "USD", "3 stories"),  # micro Instagram, but no reel
    ("na1", "instagram", 5_000, "300", "USD", "1 reel"),
    ("na2", "instagram", 8_000, "400", "USD", "1 post"),
    ("mt1", "tiktok", 200_000, "4000", "USD", "1 TikTok video"),
    ("mt2", "tiktok", 300_000, "5000", "USD", "2 tiktoks"),
    ("mt3", "tiktok", 150_000, "3500", "USD", "1 video"),
]
# not agreed yet: the counter cases
OPEN = [("mi9", "instagram", 45_000), ("na3", "instagram", 6_000)]


def ok(ctx, tool_name, **args):
    out = run_tool(ctx, tool_name, args)
    assert out.ok, out.error
    return out.result


@pytest.fixture
def ctx(sessions, workspace_id, tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", workspace=workspace_id, fx_rates='{"EUR": "1.10"}')
    with session_scope(sessions) as s:
        ensure_workspace(s, workspace_id=workspace_id)
        for h, platform, followers, *_ in [*AGREED, *((*o, None, None, None) for o in OPEN)]:
            upsert_creator_account(s, workspace_id=workspace_id, creator=CreatorCreate(name=h),
                                   account=AccountCreate(platform=platform, handle=h, followers=followers))
    c = ToolContext(workspace_id=workspace_id, user_id="U_MARKETER", sessions=sessions, settings=settings,
                    conversation_id="conv-1", clock=lambda: NOW, memory=ConversationMemory())
    ok(c, "create_campaign", name="Glow Q3", brand="Lumière Skin", goal="awareness")
    ok(c, "add_to_campaign", campaign="Glow Q3", handles=[a[0] for a in AGREED] + [o[0] for o in OPEN])
    for h, _, _, fee, cur, deliverables in AGREED:
        ok(c, "log_negotiation", handle=h, campaign="Glow Q3", kind="accept", amount={"amount": fee, "currency": cur},
           deliverables=deliverables)
    return c


def test_median_iqr_and_n_by_tier_platform_and_kind(ctx) -> None:
    r = ok(ctx, "fee_benchmarks", tier="micro", platform="instagram", deliverable="reels")
    # USD values: 1000, 1100 (€1,000), 1200, 1500, 2000, 3000 — the GBP fee has no rate.
    # Linear interpolation: p25 at position 1.25 = 1100 + 0.25*100 = 1125; median (1200+1500)/2 = 1350;
    # p75 at 3.75 = 1500 + 0.75*500 = 1875.
    assert (r.n, r.enough_data) == (6, True)
    assert (r.p25_cents, r.median_cents, r.p75_cents) == (112_500, 135_000, 187_500)
    assert (r.median, r.p25, r.p75) == ("$1,350.00", "$1,125.00", "$1,875.00")
    # per 1K followers: 50, 37.5, 40, 48, 37.5, 18.33 -> median (37.5 + 40) / 2 = 38.75
    assert r.per_1k_followers_median == "$38.75"
    assert r.basis.startswith("from 6 agreed fees, micro Instagram reels, 20")
    assert r.left_out == {"GBP": 1} and "1 in GBP" in r.summary and "KOLPILOT_FX_RATES" in r.summary
    # without the kind, the stories-only deal counts too: 500, 1000, 1100, 1200, 1500, 2000, 3000
    r = ok(ctx, "fee_benchmarks", tier="micro", platform="IG")
    assert (r.n, r.median_cents, r.p25_cents, r.p75_cents) == (7, 120_000, 105_000, 175_000)
    r = ok(ctx, "fee_benchmarks")
    assert r.n == 12 and r.basis.startswith("from 12 agreed fees, all creators")


def test_too_few_fees_are_labelled_not_called_usual(ctx) -> None:
    assert MIN_BENCHMARK_FEES == 5
    r = ok(ctx, "fee_benchmarks", tier="macro", platform="tiktok", deliverable="video")
    # 3500, 4000, 5000: p25 3750, median 4000, p75 4500
    assert (r.n, r.enough_data) == (3, False)
    assert (r.p25_cents, r.median_cents, r.p75_cents) == (375_000, 400_000, 450_000)
    assert r.summary.startswith("Too few agreed fees for macro TikTok videos to benchmark (n=3")
    assert "median $4,000.00" in r.summary
    r = ok(ctx, "fee_benchmarks", tier="mega")
    assert r.n == 0 and r.median is None and r.summary == "No agreed fees for mega creators yet."


def test_fees_are_converted_to_the_requested_currency(ctx) -> None:
    r = ok(ctx, "fee_benchmarks", tier="micro", platform="instagram", deliverable="reel", currency="eur")
    # USD / 1.10: 909.09, 1090.91, 1363.64, ... and the €1,000 as is -> median (1090.91 + 1363.64) / 2
    assert (r.currency, r.n, r.median_cents) == ("EUR", 6, 122_728)
    assert r.median == "€1,227.28" and r.left_out == {"GBP": 1}
    assert run_tool(ctx, "fee_benchmarks", {"tier": "huge"}).error.startswith("invalid arguments — tier: Value error, unknown tier 'huge'")


def test_a_counter_says_where_it_sits_against_our_median(ctx) -> None:
    r = ok(ctx, "log_negotiation", handle="mi9", campaign="Glow Q3", kind="counter", amount={"amount": "2200", "currency": "USD"},
           deliverables="1 reel + 2 stories")
    # (2200 - 1350) / 1350 = 63%
    assert r.benchmark == "$2,200.00 is 63% above your median for micro Instagram reels (n=6, median $1,350.00)"
    assert r.summary.endswith("Stage: negotiating. $2,200.00 is 63% above your median for micro Instagram reels (n=6, median $1,350.00).")
    r = ok(ctx, "log_negotiation", handle="na3", campaign="Glow Q3", kind="offer", amount={"amount": "350", "currency": "USD"},
           deliverables="1 reel")
    assert r.benchmark == "too few agreed fees for nano Instagram reels to compare (n=1)"
    assert r.summary.endswith("Stage: negotiating. Too few agreed fees for nano Instagram reels to compare (n=1).")
    # accepting compares against the others, not against itself
    r = ok(ctx, "log_negotiation", handle="mi9", campaign="Glow Q3", kind="accept", amount={"amount": "1350", "currency": "USD"})
    assert r.benchmark == "$1,350.00 is at your median for micro Instagram reels (n=6, median $1,350.00)"


@pytest.mark.parametrize(("text", "args"), [
    ("what do we usually pay micro influencers for a reel?", {"tier": "micro", "deliverable": "reel"}),
    ("typical fee for a tiktok video from a macro creator", {"tier": "macro", "platform": "tiktok", "deliverable": "video"}),
    ("fee benchmarks for nano instagram", {"tier": "nano", "platform": "instagram"}),
    ("what do we usually pay micro instagram creators for a reel in EUR?",
     {"tier": "micro", "platform": "instagram", "deliverable": "reel", "currency": "EUR"}),
])
def test_planner_asks_the_benchmark_tool(ctx, engine, text, args) -> None:
    from agent.planner import OfflinePlanner
    from agent.runtime import Runtime

    planner = OfflinePlanner(Runtime(ctx.settings, engine=engine), clock=lambda: NOW)
    try:
        turn = planner.run_turn(f"bench:{text}", "local", text)
    finally:
        planner.close()
    assert [(c.name, c.args) for c in turn.tool_calls] == [("fee_benchmarks", args)]
    assert "agreed fee" in turn.reply
