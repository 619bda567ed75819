"""Audience credibility (memory.domain.credibility, a documented heuristic): each pattern
moves the score with its reason, recompute stores it on SQLite and PostgreSQL, search
filters on it, the planner reads "credible", and profiles, rows and Slack cards show it."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from agent.planner.parse import parse_filters
from integrations.slack.blocks import creator_list_groups, creator_profile_groups
from memory.db import session_factory, session_scope
from memory.domain import credibility as cred
from memory.models import Account, AccountCreate, CreatorCreate, PostCreate
from memory.repo.analytics import recompute_accounts, record_follower_snapshots
from memory.repo.creators import upsert_creator_account, upsert_posts
from memory.repo.search import SearchFilters, search_account_ids
from memory.repo.workspaces import ensure_workspace
from tools.base import ToolContext
from tools.discovery.profile import GetCreatorInput, get_creator
from tools.discovery.search import SearchCreatorsInput, search_creators

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


# --- the formula ---------------------------------------------------------------------------------


def _score(**kw):
    base = dict(platform="instagram", followers=20_000, engagement_rate=0.025, likes=3_000.0, comments=100.0,
                engagement_cv=0.3, cv_posts=10, follower_jump=(0.03, 30), posts_per_week=2.0, days_since_last_post=3)
    return cred.score_account(**{**base, **kw})


def test_a_normal_account_scores_high_with_its_reasons() -> None:
    c = _score()
    assert c.score == 100
    assert c.reasons == ["ER normal for micro Instagram", "steady engagement"]
    assert c.signals == ()
    assert c.summary() == "credibility 100/100 (heuristic): ER normal for micro Instagram; steady engagement"


@pytest.mark.parametrize(
    ("change", "score", "reason", "signal"),
    [
        ({"engagement_rate": 0.004}, 65, "far below: inactive or bought audience", "bought_followers"),
        ({"engagement_rate": 0.010}, 85, "below norm", None),
        ({"engagement_rate": 0.12}, 70, "far above: possible engagement pods", "pods"),
        ({"comments": 1_000.0}, 80, "3.0 likes per comment: comments out of proportion", "pods"),
        ({"comments": 5.0}, 85, "600 likes per comment: few comments", "bought_followers"),
        ({"comments": 0.0}, 85, "no comments: few comments", "bought_followers"),
        ({"engagement_cv": 2.0}, 90, "erratic engagement (CV 2.00 over 10 posts)", None),
        ({"engagement_cv": 0.03}, 90, "suspiciously uniform engagement", "pods"),
        ({"follower_jump": (1.5, 12)}, 75, "followers +150% in 12 days: possibly bought followers", "bought_followers"),
        ({"follower_jump": (0.3, 20)}, 90, "followers +30% in 20 days: fast jump", None),
        ({"days_since_last_post": 120}, 80, "dormant: no post in 120 days", "dormant"),
        ({"posts_per_week": 30.0}, 95, "posting unusually often (30 a week)", None),
    ],
)
def test_each_pattern_moves_the_score_with_its_reason(change, score, reason, signal) -> None:
    c = _score(**change)
    assert c.score == score
    assert any(reason in r for r in c.reasons), c.reasons
    assert (signal in c.signals) if signal else not c.signals


def test_bought_followers_combined_fall_below_the_flag_line() -> None:
    c = _score(followers=80_000, engagement_rate=0.002, comments=5.0, follower_jump=(2.0, 20))
    assert c.score == 25 and c.score < cred.FLAG_BELOW
    assert c.signals == ("bought_followers",)
    assert c.inputs["tier"] == "micro" and c.inputs["er_norm"] == 0.025


def test_norms_depend_on_tier_and_platform_and_are_the_documented_ones() -> None:
    assert cred.er_norm("tiktok", 5_000) == ("nano", 0.08)
    assert cred.er_norm("youtube", 2_000_000) == ("celebrity", 0.008)
    assert cred.er_norm("pinterest", 20_000) == ("micro", 0.025)
    doc = cred.__doc__ or ""
    for platform, norms in cred.ER_NORMS.items():
        row = next(line for line in doc.splitlines() if line.startswith(platform))
        assert row.split()[1:] == [f"{v * 100:.1f}%" for v in norms.values()]


def test_nothing_known_is_no_score_and_a_views_rate_is_not_judged() -> None:
    assert cred.score_account(platform="instagram", followers=0, engagement_rate=None).score is None
    c = cred.score_account(platform="youtube", followers=0, engagement_rate=0.3, engagement_basis="views",
                           days_since_last_post=2)
    assert c.score == 100 and c.reasons == []


def test_follower_jump_uses_consecutive_points_within_a_month() -> None:
    snaps = [(date(2026, 8, 1), 10_000), (date(2026, 8, 20), 30_000), (date(2026, 11, 1), 31_000)]
    assert cred.max_follower_jump(snaps) == (2.0, 19)
    far = [(date(2026, 1, 1), 10_000), (date(2026, 6, 1), 30_000)]
    assert cred.max_follower_jump(far) is None
    assert cred.max_follower_jump(far, current=40_000, today=date(2026, 6, 21)) == pytest.approx((1 / 3, 20))


# --- storage, search, planner, display -------------------------------------------------------------


def _posts(handle: str, rows: list[tuple[int, int, int]]) -> list[PostCreate]:
    """rows: (days ago, likes, comments)."""
    return [PostCreate(platform="instagram", handle=handle, url=f"https://example.com/{handle}/{i}",
                       posted_at=NOW - timedelta(days=d, hours=i), likes=lk, comments=cm)
            for i, (d, lk, cm) in enumerate(rows)]


ACCOUNTS = {
    # handle: (followers, posts, snapshots (days ago, followers))
    "norm.ok": (20_000, [(3 * i + 1, 300 + 90 * (i % 4), 12 + i % 4) for i in range(10)], [(60, 19_000)]),
    "buy.jump": (50_000, [(3 * i + 1, 120 + 60 * (i % 3), i % 2) for i in range(10)], [(45, 10_000), (25, 50_000)]),
    "pod.ring": (20_000, [(3 * i + 1, 2_000, 1_000) for i in range(10)], []),
    "gone.quiet": (15_000, [(120 + 5 * i, 400, 12) for i in range(6)], []),
}


def _seed(sessions, ws: str) -> None:
    with session_scope(sessions) as s:
        for handle, (followers, posts, snaps) in ACCOUNTS.items():
            _, acc = upsert_creator_account(
                s, workspace_id=ws, creator=CreatorCreate(name=handle.split(".")[0].title(), niches="beauty", external_id=handle),
                account=AccountCreate(platform="instagram", handle=handle, followers=followers))
            upsert_posts(s, workspace_id=ws, posts=_posts(handle, posts))
            for days, f in snaps:
                record_follower_snapshots(s, workspace_id=ws, rows=[(acc.id, f)], on=(NOW - timedelta(days=days)).date())
        recompute_accounts(s, workspace_id=ws, now=NOW)


def _stored(sessions, ws: str) -> dict[str, Account]:
    with sessions() as s:
        return {a.handle: a for a in s.exec(select(Account).where(Account.workspace_id == ws)).scalars()}


def test_recompute_stores_the_score_the_pure_rule_gives(sessions, workspace_id: str) -> None:
    _seed(sessions, workspace_id)
    stored = _stored(sessions, workspace_id)
    for handle, (followers, posts, snaps) in ACCOUNTS.items():
        want = cred.score_from_posts(
            platform="instagram", followers=followers, now=NOW,
            posts=[(NOW - timedelta(days=d, hours=i), lk, cm) for i, (d, lk, cm) in enumerate(posts)],
            snapshots=[((NOW - timedelta(days=d)).date(), f) for d, f in snaps])
        assert stored[handle].credibility == want.score, handle
        assert json.loads(stored[handle].credibility_reasons) == want.reasons, handle
    assert stored["norm.ok"].credibility == 100
    assert json.loads(stored["norm.ok"].credibility_reasons) == ["ER normal for micro Instagram", "steady engagement"]
    assert "few comments" in stored["buy.jump"].credibility_reasons
    assert stored["buy.jump"].credibility < cred.FLAG_BELOW
    assert "possibly bought followers" in stored["buy.jump"].credibility_reasons
    assert "possible engagement pods" in stored["pod.ring"].credibility_reasons
    assert "dormant: no post in" in stored["gone.quiet"].credibility_reasons
    assert recompute_accounts(sessions().connection(), workspace_id=workspace_id, now=NOW) == 0  # nothing changed


def test_min_credibility_filters_search(sessions, workspace_id: str, tmp_path: Path) -> None:
    from agent.settings import Settings

    _seed(sessions, workspace_id)
    stored = _stored(sessions, workspace_id)
    with sessions() as s:
        ids, _ = search_account_ids(s, workspace_id=workspace_id, filters=SearchFilters(min_credibility=60), limit=None)
    assert set(ids) == {a.id for a in stored.values() if a.credibility is not None and a.credibility >= 60}
    assert stored["buy.jump"].id not in ids and stored["norm.ok"].id in ids
    ctx = ToolContext(workspace_id=workspace_id, user_id="U1", sessions=sessions,
                      settings=Settings(_env_file=None, data_dir=tmp_path / "data"), clock=lambda: NOW)
    found = search_creators(ctx, SearchCreatorsInput(min_credibility=90))
    assert [i.handle for i in found.items] == ["norm.ok"]
    row = found.items[0]
    assert f"credibility {row.credibility}/100 (heuristic)" in row.reasons
    assert row.credibility_text.startswith(f"credibility {row.credibility}/100 (heuristic): ER normal for micro Instagram")
    assert found.applied_filters["min_credibility"] == 90


@pytest.mark.parametrize(
    ("text", "value"),
    [("only credible ones", 60), ("credible beauty creators", 60), ("beauty creators with credibility above 70", 70),
     ("skincare influencers with no fake followers", 60), ("creators with a credibility score of at least 85", 85)],
)
def test_planner_reads_credibility_words(text: str, value: int) -> None:
    parsed = parse_filters(text)
    assert parsed.filters["min_credibility"] == value
    assert "credib" not in " ".join(parsed.leftover) and "fake" not in parsed.leftover


@pytest.fixture(scope="module")
def world(engine, tmp_path_factory):
    from agent.planner import OfflinePlanner
    from agent.runtime import Runtime
    from agent.settings import Settings

    ws = f"C{uuid.uuid4().hex[:10]}"
    sessions = session_factory(engine)
    with session_scope(sessions) as s:
        ensure_workspace(s, workspace_id=ws)
    _seed(sessions, ws)
    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("cred") / "data", workspace=ws)
    runtime = Runtime(settings, engine=engine)
    planner = OfflinePlanner(runtime, clock=lambda: NOW)
    yield {"ws": ws, "planner": planner, "sessions": sessions, "settings": settings}
    planner.close()


def test_credible_search_says_its_threshold_and_shows_the_score(world) -> None:
    turn = world["planner"].run_turn(f"t:{uuid.uuid4().hex[:8]}", "local", "only credible beauty creators")
    assert turn.tool_calls[0].args == {"min_credibility": 60, "niches_any": ["beauty"], "limit": 10}
    assert "credibility ≥ 60/100 (heuristic)" in turn.reply
    handles = {i.handle for i in turn.results[0].items}
    assert "buy.jump" not in handles and "norm.ok" in handles
    text = json.dumps(creator_list_groups(turn.results[0].model_dump(mode="json")))
    row = next(i for i in turn.results[0].items if i.handle == "norm.ok")
    assert row.credibility_text.startswith(f"credibility {row.credibility}/100 (heuristic): ER normal for micro Instagram")
    assert row.credibility_text in text


def test_profile_and_its_slack_card_show_credibility_with_reasons(world) -> None:
    ctx = ToolContext(workspace_id=world["ws"], user_id="U1", sessions=world["sessions"], settings=world["settings"],
                      clock=lambda: NOW)
    prof = get_creator(ctx, GetCreatorInput(handle="buy.jump"))
    acc = prof.accounts[0]
    assert acc.credibility is not None and acc.credibility < cred.FLAG_BELOW
    assert any("possibly bought followers" in r for r in acc.credibility_reasons)
    assert f"credibility {acc.credibility}/100 (heuristic): ER" in prof.summary
    card = json.dumps(creator_profile_groups(prof.model_dump(mode="json"), with_summary=False))
    assert f"credibility {acc.credibility}/100 (heuristic)" in card and "possibly bought followers" in card
