"""Creator analytics from the data a team holds (memory.domain.analytics): engagement from
posts, averages, views or a reported column (in that order), follower growth from
snapshots, posting activity, and the search filters and result fields built on them."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from agent.settings import Settings
from integrations.sources.csv_import import Analytics, import_creators, import_posts
from integrations.sources.posts_source import sync_posts
from memory.db import session_scope
from memory.domain import analytics as rule
from memory.models import Account, AccountCreate, Creator, CreatorCreate, FollowerSnapshot, PostCreate
from memory.repo.analytics import account_snapshots, recompute_accounts, record_follower_snapshots
from memory.repo.creators import upsert_creator_account, upsert_posts
from memory.repo.search import SearchFilters, search_account_ids
from tests.conftest import SHARED
from tools.base import ToolContext
from tools.discovery.profile import GetCreatorInput, get_creator
from tools.discovery.search import SearchCreatorsInput, search_creators

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
YOUTUBE = SHARED / "data" / "youtube_top1000_dec2022.csv"
YOUTUBE_MAP = "handle=Youtube channel,display_name=youtuber name,niches=Category+Category-2,audience_top_country=Country"


def _write(path: Path, text: str) -> Path:
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def _accounts(sessions, ws: str) -> dict[str, Account]:
    with sessions() as s:
        return {a.handle: a for a in s.exec(select(Account).where(Account.workspace_id == ws)).scalars()}


def _ctx(sessions, ws: str, tmp_path: Path) -> ToolContext:
    return ToolContext(workspace_id=ws, user_id="U1", sessions=sessions,
                       settings=Settings(_env_file=None, data_dir=tmp_path / "data"), clock=lambda: NOW)


def _search(sessions, ws: str, tmp_path: Path, **kw):
    return search_creators(_ctx(sessions, ws, tmp_path), SearchCreatorsInput(**kw))


def _posts_csv(path: Path, rows: list[tuple[str, str, int, int | None, int | None]]) -> Path:
    """rows: (platform, handle, days ago, likes, comments)."""
    lines = ["platform,handle,posted_at,url,likes,comments"]
    for i, (platform, handle, days, likes, comments) in enumerate(rows):
        at = (NOW - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(f"{platform},{handle},{at},https://example.com/{handle}/{i},{'' if likes is None else likes},"
                     f"{'' if comments is None else comments}")
    return _write(path, "\n".join(lines))


# --- the rule (pure) ---------------------------------------------------------------------------


def test_precedence_is_posts_then_averages_then_views_then_reported() -> None:
    every = dict(posts=(0.037, 6), averages=0.05, views=0.09, reported=0.02)
    assert rule.effective_engagement(**every) == rule.Engagement(0.037, "posts", 6)
    assert rule.effective_engagement(**{**every, "posts": None}) == rule.Engagement(0.05, "averages")
    assert rule.effective_engagement(**{**every, "posts": None, "averages": None}) == rule.Engagement(0.09, "views", basis="views")
    assert rule.effective_engagement(posts=None, averages=None, views=None, reported=0.02) == rule.Engagement(0.02, "reported")
    assert rule.effective_engagement(posts=None, averages=None, views=None, reported=None).source is None


def test_post_engagements_count_public_shares_and_never_saves() -> None:
    assert rule.post_engagements("instagram", 100, 10, shares=50, saves=40) == 110
    assert rule.post_engagements("tiktok", 100, 10, shares=50, saves=40) == 160
    assert rule.post_engagements("x", 100, None, shares=5) == 105
    assert rule.post_engagements("youtube", None, None, shares=5) is None


def test_posts_rule_uses_the_last_n_posts_inside_the_window() -> None:
    posts = [(NOW - timedelta(days=d), e) for d, e in ((1, 300), (2, 500), (3, None), (10, 100), (200, 99_999))]
    assert rule.engagement_from_posts(posts, followers=10_000, now=NOW, n_posts=2) == (pytest.approx(0.04), 2)
    assert rule.engagement_from_posts(posts, followers=10_000, now=NOW) == (pytest.approx(0.03), 3)  # 200 days: outside
    assert rule.engagement_from_posts(posts, followers=0, now=NOW) is None
    assert rule.engagement_from_posts(posts[-1:], followers=10, now=NOW) is None


def test_posts_dated_in_the_future_do_not_count() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    posts = [(now - timedelta(days=1), 300), (now + timedelta(days=3), 90_000)]  # a scheduled post, or a bad clock
    assert rule.engagement_from_posts(posts, followers=10_000, now=now) == (0.03, 1)
    assert rule.posts_per_week([at for at, _ in posts], now=now) == rule.per_week(1)


def test_growth_uses_the_nearest_snapshot_at_or_before_the_start() -> None:
    today = NOW.date()
    snaps = [(today - timedelta(days=100), 8_000), (today - timedelta(days=35), 10_000), (today - timedelta(days=20), 10_500)]
    assert rule.growth(snaps, current=11_000, today=today, days=30) == (1_000, pytest.approx(0.1))
    assert rule.growth(snaps, current=11_000, today=today, days=90) == (3_000, pytest.approx(0.375))
    assert rule.growth(snaps[1:], current=11_000, today=today, days=90) is None


# --- imports -----------------------------------------------------------------------------------


def test_engagement_from_imported_posts_without_an_er_column(sessions, workspace_id: str, tmp_path: Path) -> None:
    creators = _write(tmp_path / "creators.csv", """
platform,handle,display_name,followers,country,niches
instagram,maria.fit,Maria,10000,ES,fitness
instagram,pedro.fit,Pedro,10000,ES,fitness
""")
    import_creators(sessions, workspace_id=workspace_id, path=creators, analytics=Analytics(now=NOW))
    before = _search(sessions, workspace_id, tmp_path, countries=["Spain"], niches_any=["fitness"], engagement_min=3)
    assert before.items == []  # no rate known yet
    rows = [("instagram", "maria.fit", d, 350, 20) for d in (2, 9, 16, 23, 30, 37)]
    rows += [("instagram", "maria.fit", 150, 9_000, 900)]  # outside the 90-day window
    rows += [("instagram", "pedro.fit", d, 180, 20) for d in (3, 10)]
    import_posts(sessions, workspace_id=workspace_id, path=_posts_csv(tmp_path / "posts.csv", rows), analytics=Analytics(now=NOW))
    maria = _accounts(sessions, workspace_id)["maria.fit"]
    assert (maria.engagement_source, maria.engagement_posts) == ("posts", 6)
    assert maria.engagement_rate == pytest.approx(0.037)
    assert maria.posts_per_week == pytest.approx(rule.per_week(6))
    found = _search(sessions, workspace_id, tmp_path, countries=["Spain"], niches_any=["fitness"], engagement_min=3)
    assert [i.handle for i in found.items] == ["maria.fit"]
    item = found.items[0]
    assert (item.engagement_source, item.engagement_posts, item.days_since_last_post) == ("posts", 6, 2)
    assert item.engagement_rate == pytest.approx(0.037)
    by_er = _search(sessions, workspace_id, tmp_path, sort="engagement")
    assert [i.handle for i in by_er.items] == ["maria.fit", "pedro.fit"]
    profile = get_creator(_ctx(sessions, workspace_id, tmp_path), GetCreatorInput(handle="@maria.fit"))
    (account,) = profile.accounts
    assert (account.engagement_source, account.engagement_posts) == ("posts", 6)
    assert account.engagement_rate == pytest.approx(0.037)


def test_engagement_from_file_averages_and_by_views(sessions, workspace_id: str, tmp_path: Path) -> None:
    creators = _write(tmp_path / "creators.csv", """
platform,handle,followers,avg_likes,avg_comments,avg_views,engagement_rate
instagram,ana.looks,10000,400,100,,
youtube,cook.tube,100000,2000,500,50000,1.2%
youtube,no.subs,0,300,,6000,
instagram,only.reported,5000,,,,2.5%
""")
    import_creators(sessions, workspace_id=workspace_id, path=creators, analytics=Analytics(now=NOW))
    acc = _accounts(sessions, workspace_id)
    assert (acc["ana.looks"].engagement_source, acc["ana.looks"].engagement_rate) == ("averages", pytest.approx(0.05))
    tube = acc["cook.tube"]
    assert (tube.engagement_source, tube.engagement_basis, tube.engagement_rate) == ("averages", "followers", pytest.approx(0.025))
    assert tube.reported_engagement_rate == pytest.approx(0.012)  # kept as reported, not used
    assert (acc["no.subs"].engagement_source, acc["no.subs"].engagement_basis) == ("views", "views")
    assert acc["no.subs"].engagement_rate == pytest.approx(0.05)
    assert (acc["only.reported"].engagement_source, acc["only.reported"].engagement_rate) == ("reported", pytest.approx(0.025))
    items = {i.handle: i for i in _search(sessions, workspace_id, tmp_path, platforms=["youtube"]).items}
    assert items["cook.tube"].engagement_by_views == pytest.approx(0.05)
    assert items["cook.tube"].engagement_source == "averages"


def test_readme_youtube_file_gives_every_channel_with_averages_an_engagement_rate(sessions, workspace_id: str,
                                                                                 tmp_path: Path) -> None:
    import_creators(sessions, workspace_id=workspace_id, path=YOUTUBE, mapping=YOUTUBE_MAP, platform="youtube",
                    analytics=Analytics(now=NOW))
    accounts = list(_accounts(sessions, workspace_id).values())
    with_averages = [a for a in accounts if (a.avg_likes or 0) + (a.avg_comments or 0) > 0 and a.followers > 0]
    # 964 of the 999 channels have non-zero average likes (the issue counted 965 of the file's rows, duplicates
    # included), 4 more only comments: all 968 get a rate by their averages.
    assert len(accounts) == 999 and sum((a.avg_likes or 0) > 0 for a in accounts) == 964 and len(with_averages) == 968
    assert all(a.engagement_source == "averages" and a.engagement_rate is not None for a in with_averages)
    assert all(a.engagement_rate is None for a in accounts if a not in with_averages)
    mrbeast = next(a for a in accounts if a.handle == "mrbeast")
    assert mrbeast.engagement_rate == pytest.approx((2_900_000 + 99_900) / 117_000_000)

    # "youtubers in India": the file's Country is the audience's top country.
    with sessions() as s:
        audience_in = s.execute(select(func.count()).select_from(Creator).where(
            Creator.workspace_id == workspace_id, Creator.audience_top_country == "IN", Creator.country.is_(None))).scalar_one()
        ids, _ = search_account_ids(s, workspace_id=workspace_id, filters=SearchFilters(countries=("IN",)), limit=None)
    assert audience_in > 100 and len(ids) == audience_in
    found = _search(sessions, workspace_id, tmp_path, platforms=["YouTube"], countries=["India"], limit=20)
    assert len(found.items) == 20 and found.has_more
    assert all("audience mostly in India (IN)" in i.reasons and i.country is None for i in found.items)
    by_audience = _search(sessions, workspace_id, tmp_path, audience_countries=["IN"], limit=5)
    assert [i.handle for i in by_audience.items] == [i.handle for i in found.items[:5]]


def test_a_creator_country_wins_over_the_audience_country(sessions, workspace_id: str, tmp_path: Path) -> None:
    creators = _write(tmp_path / "creators.csv", """
platform,handle,followers,country,audience_top_country
instagram,home.in,5000,IN,IN
instagram,abroad,6000,US,IN
instagram,unknown.home,7000,,IN
""")
    import_creators(sessions, workspace_id=workspace_id, path=creators, analytics=Analytics(now=NOW))
    found = _search(sessions, workspace_id, tmp_path, countries=["IN"])
    assert [i.handle for i in found.items] == ["unknown.home", "home.in"]
    reasons = {i.handle: i.reasons for i in found.items}
    assert "based in India (IN)" in reasons["home.in"]
    assert "audience mostly in India (IN)" in reasons["unknown.home"]


def test_a_reimport_with_more_followers_records_a_snapshot_and_growth(sessions, workspace_id: str, tmp_path: Path) -> None:
    first = _write(tmp_path / "a.csv", "platform,handle,followers\ninstagram,grower,10000\ninstagram,flat,8000")
    second = _write(tmp_path / "b.csv", "platform,handle,followers\ninstagram,grower,11000\ninstagram,flat,8000")
    import_creators(sessions, workspace_id=workspace_id, path=first, analytics=Analytics(now=NOW - timedelta(days=40)))
    import_creators(sessions, workspace_id=workspace_id, path=second, analytics=Analytics(now=NOW))
    import_creators(sessions, workspace_id=workspace_id, path=second, analytics=Analytics(now=NOW))  # same counts: no snapshot
    with sessions() as s:
        acc = _accounts(sessions, workspace_id)
        grower = account_snapshots(s, workspace_id=workspace_id, account_id=acc["grower"].id)
        flat = account_snapshots(s, workspace_id=workspace_id, account_id=acc["flat"].id)
    assert grower == [((NOW - timedelta(days=40)).date(), 10_000), (NOW.date(), 11_000)]
    assert flat == [((NOW - timedelta(days=40)).date(), 8_000)]
    g = acc["grower"]
    assert (g.followers_change_30d, g.growth_30d_pct) == (1_000, pytest.approx(0.1))
    assert (g.followers_change_90d, g.growth_90d_pct) == (None, None)  # no snapshot 90 days old
    assert (acc["flat"].followers_change_30d, acc["flat"].growth_30d_pct) == (0, 0.0)
    found = _search(sessions, workspace_id, tmp_path, min_growth_30d_pct=5)
    assert [i.handle for i in found.items] == ["grower"]
    assert found.items[0].growth_30d_pct == pytest.approx(0.1) and "followers +10.0% in 30 days" in found.items[0].reasons
    assert _search(sessions, workspace_id, tmp_path, min_growth_30d_pct="20%").items == []


def test_same_day_changes_update_that_days_snapshot(sessions, workspace_id: str) -> None:
    with session_scope(sessions) as s:
        _, acc = upsert_creator_account(s, workspace_id=workspace_id, creator=CreatorCreate(name="A"),
                                        account=AccountCreate(platform="instagram", handle="a", followers=10))
        day = date(2026, 11, 1)
        assert record_follower_snapshots(s, workspace_id=workspace_id, rows=[(acc.id, 10)], on=day) == {acc.id}
        assert record_follower_snapshots(s, workspace_id=workspace_id, rows=[(acc.id, 10)], on=day) == set()
        assert record_follower_snapshots(s, workspace_id=workspace_id, rows=[(acc.id, 12)], on=day) == {acc.id}
        assert account_snapshots(s, workspace_id=workspace_id, account_id=acc.id) == [(day, 12)]


# --- activity ----------------------------------------------------------------------------------


def test_activity_filters_keep_active_or_dormant_accounts(sessions, workspace_id: str, tmp_path: Path) -> None:
    creators = _write(tmp_path / "creators.csv", "platform,handle,followers\ninstagram,active,5000\n"
                                                 "instagram,dormant,6000\ninstagram,silent,7000")
    import_creators(sessions, workspace_id=workspace_id, path=creators, analytics=Analytics(now=NOW))
    rows = [("instagram", "active", d, 100, 5) for d in (5, 12, 19)] + [("instagram", "dormant", 120, 100, 5)]
    import_posts(sessions, workspace_id=workspace_id, path=_posts_csv(tmp_path / "posts.csv", rows), analytics=Analytics(now=NOW))
    acc = _accounts(sessions, workspace_id)
    assert acc["active"].posts_per_week == pytest.approx(rule.per_week(3))
    assert acc["dormant"].posts_per_week == 0.0 and acc["silent"].posts_per_week is None
    assert acc["dormant"].engagement_source is None  # its only post is outside the window
    assert [i.handle for i in _search(sessions, workspace_id, tmp_path, posted_within_days=30).items] == ["active"]
    assert [i.handle for i in _search(sessions, workspace_id, tmp_path, posted_within_days=200).items] == ["dormant", "active"]
    assert [i.handle for i in _search(sessions, workspace_id, tmp_path, active_only=True).items] == ["active"]
    dormant = _search(sessions, workspace_id, tmp_path, dormant_only=True).items
    assert [(i.handle, i.days_since_last_post) for i in dormant] == [("dormant", 120)]
    assert "last post 120 days ago" in dormant[0].reasons
    with pytest.raises(Exception, match="exclude each other"):
        _search(sessions, workspace_id, tmp_path, active_only=True, dormant_only=True)


# --- recompute ---------------------------------------------------------------------------------


def test_recompute_matches_the_pure_rule_on_random_posts(sessions, workspace_id: str) -> None:
    rng = random.Random(7)
    platforms = ["instagram", "tiktok", "youtube", "x", "facebook"]
    expected: dict[int, rule.Engagement] = {}
    with session_scope(sessions) as s:
        for i in range(30):
            platform = platforms[i % len(platforms)]
            followers = rng.choice([0, 500, 20_000, 1_000_000])
            _, acc = upsert_creator_account(
                s, workspace_id=workspace_id, creator=CreatorCreate(name=f"C{i}"),
                account=AccountCreate(platform=platform, handle=f"h{i}", followers=followers,
                                      engagement_rate=rng.choice([None, 0.02]), avg_likes=rng.choice([None, 50.0])))
            posts = []
            for j in range(rng.randint(0, 20)):
                nums = {k: rng.choice([None, rng.randint(0, 5000)]) for k in ("likes", "comments", "shares", "saves")}
                posts.append(PostCreate(platform=platform, handle=f"h{i}", url=f"https://e.com/{i}/{j}",
                                        posted_at=NOW - timedelta(days=rng.randint(0, 150), minutes=j), **nums))
            upsert_posts(s, workspace_id=workspace_id, posts=posts)
            by_posts = rule.engagement_from_posts(
                [(p.posted_at, rule.post_engagements(platform, p.likes, p.comments, p.shares, p.saves)) for p in posts],
                followers=followers, now=NOW, n_posts=5, window_days=60)
            expected[acc.id] = rule.account_engagement(platform=platform, followers=followers, avg_likes=acc.avg_likes,
                                                       avg_comments=None, avg_views=None,
                                                       reported=acc.reported_engagement_rate, posts=by_posts)
        recompute_accounts(s, workspace_id=workspace_id, now=NOW, er_posts=5, er_window_days=60)
    with sessions() as s:
        rows = {a.id: a for a in s.exec(select(Account).where(Account.workspace_id == workspace_id)).scalars()}
    assert {e.source for e in expected.values()} >= {"posts", "averages", "reported"}
    for aid, want in expected.items():
        got = rows[aid]
        assert (got.engagement_source, got.engagement_posts) == (want.source, want.posts)
        assert got.engagement_rate == (None if want.rate is None else pytest.approx(want.rate, rel=1e-9))


def test_sync_posts_snapshots_followers_and_recomputes(sessions, workspace_id: str) -> None:
    with session_scope(sessions) as s:
        upsert_creator_account(s, workspace_id=workspace_id, creator=CreatorCreate(name="Vid"),
                               account=AccountCreate(platform="youtube", handle="vid", followers=1_000))

    class Feed:
        name = "fake"

        def supports(self, account: Account) -> bool:
            return True

        def fetch(self, account: Account) -> list[PostCreate]:
            return [PostCreate(platform="youtube", handle="vid", url=f"https://yt.example/{uuid.uuid4().hex}",
                               posted_at=NOW - timedelta(days=d), likes=40, comments=10) for d in (1, 8)]

        def account_update(self, account: Account) -> dict:
            return {"followers": 2_000}

    report = sync_posts(sessions, workspace_id=workspace_id, source=Feed(), now=NOW)
    assert report.accounts == 1 and report.followers_updated == 1
    vid = _accounts(sessions, workspace_id)["vid"]
    assert (vid.engagement_source, vid.engagement_posts, vid.engagement_rate) == ("posts", 2, pytest.approx(0.025))
    with sessions() as s:
        snaps = s.execute(select(FollowerSnapshot.followers, FollowerSnapshot.source).where(
            FollowerSnapshot.account_id == vid.id)).all()
    assert [tuple(r) for r in snaps] == [(2_000, "sync")]
