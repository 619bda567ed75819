"""The creator-search query builder (memory.repo.search) on SQLite and PostgreSQL: every
filter and sort against a brute-force oracle, pagination with has_more, and every SQLite
plan the cost model can choose returning exactly the same rows."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from memory.db import session_factory, session_scope
from memory.models import AccountCreate, Campaign, Collaboration, CreatorCreate, PostCreate
from memory.repo import search as repo
from memory.repo.creators import upsert_creator_account, upsert_post
from memory.repo.search import SearchFilters
from memory.repo.workspaces import ensure_workspace
from memory.tiers import followers_range

PLATFORMS = ["instagram", "tiktok", "youtube", "linkedin"]
COUNTRIES = ["FR", "DE", "US", "GB", "IT"]
LANG = {"FR": "fr", "DE": "de", "US": "en", "GB": "en", "IT": "it"}
NICHES = ["skincare", "beauty", "fitness", "finance", "travel", "gaming"]
BRANDS = ["CeraVe", "Nike", "Glossier"]
CITIES = ["Paris", "Berlin", "Austin", "London", "Milan"]
T0 = datetime(2026, 10, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def data(engine):
    """~240 random accounts (fixed seed) plus an oracle copy of every row in Python."""
    rng = random.Random(42)
    sessions = session_factory(engine)
    ws = f"S{uuid.uuid4().hex[:10]}"
    rows: list[dict] = []
    with session_scope(sessions) as s:
        ensure_workspace(s, workspace_id=ws)
        for i in range(180):
            country = rng.choice(COUNTRIES)
            niches = rng.sample(NICHES, rng.choice([1, 1, 2, 3]))
            kol = rng.random() < 0.15
            creator = CreatorCreate(
                name=f"Person {i}", kind="kol" if kol else "influencer",
                credentials=rng.choice(["board-certified dermatologist", "CFA, analyst"]) if kol else None,
                email=f"p{i}@example.com" if rng.random() < 0.5 else None, country=country,
                city=CITIES[COUNTRIES.index(country)] if rng.random() < 0.7 else None, language=LANG[country],
                niches=";".join(niches), audience_female_pct=round(rng.random(), 2), audience_age_18_34_pct=round(rng.random(), 2),
                audience_top_country=country if rng.random() < 0.8 else "US", external_id=f"x{i}",
            )
            for platform in rng.sample(PLATFORMS, rng.choice([1, 1, 1, 2])):
                followers = int(10 ** rng.uniform(2.5, 6.6))
                er = None if rng.random() < 0.1 else round(rng.uniform(0.002, 0.12), 4)
                # A few exact ties, to check the tie-break is the same in every plan.
                if rng.random() < 0.08:
                    followers = 50_000
                _, acc = upsert_creator_account(s, workspace_id=ws, creator=creator, account=AccountCreate(
                    platform=platform, handle=f"h{i}{platform[:2]}", followers=followers, engagement_rate=er))
                brands: set[str] = set()
                for n in range(rng.choice([0, 0, 1, 3])):
                    b = rng.sample(BRANDS, rng.choice([0, 1, 1, 2]))
                    brands |= {x.lower() for x in b}
                    upsert_post(s, workspace_id=ws, post=PostCreate(
                        platform=platform, handle=acc.handle, url=f"https://ex/{ws}/{acc.handle}/{n}",
                        posted_at=T0 - timedelta(days=rng.randint(0, 300), minutes=i), caption="post", brands=";".join(b)))
                rows.append({"id": acc.id, "creator_id": acc.creator_id, "platform": platform, "followers": followers,
                             "er": er, "country": country, "language": LANG[country], "kind": creator.kind,
                             "has_email": creator.email is not None, "niches": set(niches), "brands": brands,
                             "city": creator.city, "credentials": creator.credentials,
                             "aud_f": creator.audience_female_pct, "aud_y": creator.audience_age_18_34_pct,
                             "aud_c": creator.audience_top_country, "last": acc.last_post_at})
        for i, aud in enumerate(COUNTRIES + ["FR"]):
            # Country unknown, audience known: country filters match by the audience's top country.
            creator = CreatorCreate(name=f"Unplaced {i}", audience_top_country=aud, niches="travel", external_id=f"u{i}")
            _, acc = upsert_creator_account(s, workspace_id=ws, creator=creator, account=AccountCreate(
                platform="youtube", handle=f"u{i}", followers=2_000 + 37_000 * i, engagement_rate=0.01 * (i + 1)))
            rows.append({"id": acc.id, "creator_id": acc.creator_id, "platform": "youtube", "followers": acc.followers,
                         "er": acc.engagement_rate, "country": None, "language": None, "kind": "influencer",
                         "has_email": False, "niches": {"travel"}, "brands": set(), "city": None, "credentials": None,
                         "aud_f": None, "aud_y": None, "aud_c": aud, "last": None})
        s.flush()
        for r in rows[::4]:
            # Follower growth on every 4th account (the rest unknown).
            r["growth"] = (r["id"] % 9 - 3) / 100
            s.execute(repo.ACCOUNT.update().where(repo.ACCOUNT.c.id == r["id"]).values(growth_30d_pct=r["growth"]))
        camp = Campaign(workspace_id=ws, name="Glow", brand="Lumière", start_date=date(2026, 1, 1))
        other = Campaign(workspace_id=ws, name="Fin", brand="Northbank")
        s.add_all([camp, other])
        s.flush()
        creator_ids = sorted({r["creator_id"] for r in rows})
        glow = set(creator_ids[:12])
        fin = set(creator_ids[8:20])
        for cid in glow:
            s.add(Collaboration(workspace_id=ws, campaign_id=camp.id, creator_id=cid, stage="paid"))
        for cid in fin:
            s.add(Collaboration(workspace_id=ws, campaign_id=other.id, creator_id=cid, stage="contacted"))
    # posts were upserted before last_post_at was read on some rows: refresh the oracle
    with sessions() as s:
        last = dict(s.execute(select(repo.ACCOUNT.c.id, repo.ACCOUNT.c.last_post_at).where(repo.ACCOUNT.c.workspace_id == ws)).all())
    for r in rows:
        r["last"] = repo.utc(last[r["id"]])
        r["glow"], r["fin"] = r["creator_id"] in glow, r["creator_id"] in fin
    return {"ws": ws, "rows": rows, "sessions": sessions, "glow_id": camp.id, "glow": glow}


def oracle(rows: list[dict], f: SearchFilters, sort: str, data: dict) -> list[int]:
    """The expected ordered account ids, computed in Python."""
    intervals = f.follower_intervals()
    out = []
    for r in rows:
        if f.platforms and r["platform"] not in f.platforms:
            continue
        if not any(r["followers"] >= lo and (hi is None or r["followers"] < hi) for lo, hi in intervals):
            continue
        if f.engagement_min is not None and (r["er"] is None or r["er"] < f.engagement_min):
            continue
        if f.engagement_max is not None and (r["er"] is None or r["er"] > f.engagement_max):
            continue
        if f.countries and (r["country"] or r["aud_c"]) not in f.countries:
            continue
        if f.languages and r["language"] not in f.languages:
            continue
        if f.kind and r["kind"] != f.kind:
            continue
        if f.has_email is not None and r["has_email"] != f.has_email:
            continue
        if f.niches_any and not (r["niches"] & set(f.niches_any)):
            continue
        if f.niches_all and not set(f.niches_all) <= r["niches"]:
            continue
        if f.brands and not (r["brands"] & set(f.brands)):
            continue
        if f.city and (r["city"] or "").lower() != f.city.lower():
            continue
        if f.credentials and not any(w.lower() in (r["credentials"] or "").lower() for w in f.credentials):
            continue
        if f.audience_female_min is not None and (r["aud_f"] is None or r["aud_f"] < f.audience_female_min):
            continue
        if f.audience_countries and r["aud_c"] not in f.audience_countries:
            continue
        if f.posted_since is not None and (r["last"] is None or r["last"] < f.posted_since):
            continue
        if f.not_posted_since is not None and (r["last"] is None or r["last"] >= f.not_posted_since):
            continue
        if f.growth_30d_min is not None and (r.get("growth") is None or r["growth"] < f.growth_30d_min):
            continue
        if f.audience_country and r["aud_c"] != f.audience_country:
            continue
        if f.collaborated == "any" and not (r["glow"] or r["fin"]):
            continue
        if f.collaborated == "never" and (r["glow"] or r["fin"]):
            continue
        if f.collaborated_brand and not r["glow"]:  # only the Glow campaign is for Lumière
            continue
        if f.exclude_campaign_id is not None and r["glow"]:
            continue
        if f.creator_ids is not None and r["creator_id"] not in f.creator_ids:
            continue
        if sort == "engagement" and r["er"] is None:
            continue
        if sort == "recency" and r["last"] is None:
            continue
        out.append(r)
    key = {"followers": lambda r: (r["followers"], r["id"]), "engagement": lambda r: (r["er"], r["id"]),
           "recency": lambda r: (r["last"], r["id"])}[sort]
    return [r["id"] for r in sorted(out, key=key, reverse=True)]


MICRO = followers_range("micro")
CASES: list[tuple[str, SearchFilters, str]] = [
    ("everything", SearchFilters(), "followers"),
    ("instagram ER>3% biggest first", SearchFilters(platforms=("instagram",), engagement_min=0.03), "followers"),
    ("two platforms + micro", SearchFilters(platforms=("instagram", "tiktok"), follower_ranges=(MICRO,)), "followers"),
    ("nano+mega (non-contiguous)", SearchFilters(follower_ranges=(followers_range("nano"), followers_range("mega"))), "followers"),
    ("micro+macro (contiguous) by ER", SearchFilters(follower_ranges=(MICRO, followers_range("macro"))), "engagement"),
    ("min/max followers", SearchFilters(followers_min=20_000, followers_max=300_000), "followers"),
    ("ER window", SearchFilters(engagement_min=0.02, engagement_max=0.05), "engagement"),
    ("countries + language", SearchFilters(countries=("FR", "DE"), languages=("fr",)), "followers"),
    ("kol + niche", SearchFilters(kind="kol", niches_any=("skincare",)), "followers"),
    ("niches_all", SearchFilters(niches_all=("skincare", "beauty")), "followers"),
    ("niches_any two", SearchFilters(niches_any=("finance", "gaming")), "engagement"),
    ("brand affinity", SearchFilters(brands=("cerave", "nike")), "followers"),
    ("has email false", SearchFilters(has_email=False, platforms=("youtube",)), "recency"),
    ("city", SearchFilters(city="paris"), "followers"),
    ("credentials", SearchFilters(credentials=("dermatologist",)), "followers"),
    ("audience", SearchFilters(audience_female_min=0.5, audience_country="FR"), "followers"),
    ("collaborated any", SearchFilters(collaborated="any"), "followers"),
    ("never collaborated + niche", SearchFilters(collaborated="never", niches_any=("beauty",)), "followers"),
    ("collaborated brand", SearchFilters(collaborated_brand="lumière"), "followers"),
    ("recency + platform", SearchFilters(platforms=("instagram",)), "recency"),
    ("five filters", SearchFilters(platforms=("instagram", "tiktok"), countries=("FR", "US", "DE"), engagement_min=0.01,
                                   follower_ranges=(MICRO,), niches_any=("skincare", "beauty", "fitness")), "followers"),
    ("impossible", SearchFilters(followers_min=10, followers_max=5), "followers"),
    ("country by audience", SearchFilters(countries=("FR",), platforms=("youtube",)), "followers"),
    ("audience countries", SearchFilters(audience_countries=("DE", "IT")), "engagement"),
    ("posted in the last 60 days", SearchFilters(posted_since=T0 - timedelta(days=60)), "followers"),
    ("dormant for 90 days", SearchFilters(not_posted_since=T0 - timedelta(days=90), platforms=("instagram",)), "recency"),
    ("growth above 2%", SearchFilters(growth_30d_min=0.02), "followers"),
    ("growth + activity + country", SearchFilters(growth_30d_min=-0.01, posted_since=T0 - timedelta(days=200),
                                                  countries=("FR", "US")), "engagement"),
]


@pytest.mark.parametrize(("name", "filters", "sort"), CASES, ids=[c[0] for c in CASES])
def test_every_filter_and_sort_matches_the_oracle_in_every_plan(data, name: str, filters: SearchFilters, sort: str) -> None:
    ws, rows = data["ws"], data["rows"]
    expected = oracle(rows, filters, sort, data)
    assert expected or name == "impossible"  # every other case has matches, so it can fail
    with data["sessions"]() as s:
        got, plan = repo.search_account_ids(s, workspace_id=ws, filters=filters, sort=sort, limit=None)  # type: ignore[arg-type]
        assert got == expected, f"plain plan {plan.describe()}"
        # Each plan the SQLite cost model can pick gives the same page (on PostgreSQL the
        # hints are ignored but the partitioned UNION ALL shapes still run).
        stats = repo.planner_stats(s, workspace_id=ws, refresh=True, sample=True)
        indexes = repo.account_indexes(s) if s.bind.dialect.name == "sqlite" else {
            ix.name: tuple(c.name for c in ix.columns) for ix in repo.ACCOUNT.indexes
        }
        plans = repo.candidate_plans(filters, sort, 8, stats, indexes)  # type: ignore[arg-type]
        assert plans
        for plan in plans:
            page, _ = repo.search_account_ids(s, workspace_id=ws, filters=filters, sort=sort, limit=7, plan=plan)  # type: ignore[arg-type]
            assert page == expected[:8], plan.describe()
            page2, _ = repo.search_account_ids(s, workspace_id=ws, filters=filters, sort=sort, limit=5, offset=3, plan=plan)  # type: ignore[arg-type]
            assert page2 == expected[3:9], plan.describe()


def test_exclude_campaign_and_candidate_ids(data) -> None:
    ws, rows = data["ws"], data["rows"]
    f = SearchFilters(exclude_campaign_id=data["glow_id"])
    with data["sessions"]() as s:
        got, _ = repo.search_account_ids(s, workspace_id=ws, filters=f, limit=None)
        assert got == oracle(rows, f, "followers", data)
        assert not {r["id"] for r in rows if r["glow"]} & set(got)
        some = tuple(sorted({r["creator_id"] for r in rows})[:9])
        f2 = SearchFilters(creator_ids=some, exclude_creator_ids=some[:2])
        got2, _ = repo.search_account_ids(s, workspace_id=ws, filters=f2, limit=None)
        assert got2 == [i for i in oracle(rows, SearchFilters(creator_ids=some[2:]), "followers", data)]
        assert repo.search_account_ids(s, workspace_id=ws, filters=SearchFilters(creator_ids=()), limit=None)[0] == []


def test_pages_report_has_more_without_counting(data) -> None:
    ws = data["ws"]
    f = SearchFilters(platforms=("instagram",))
    expected = oracle(data["rows"], f, "followers", data)
    with data["sessions"]() as s:
        seen: list[int] = []
        offset = 0
        while True:
            page = repo.search_accounts(s, workspace_id=ws, filters=f, limit=25, offset=offset)
            seen += [h.account_id for h in page.hits]
            offset += 25
            if not page.has_more:
                break
        assert seen == expected
        last = repo.search_accounts(s, workspace_id=ws, filters=f, limit=len(expected))
        assert not last.has_more and len(last.hits) == len(expected)


def test_hits_carry_display_fields_niches_and_brand_mentions(data) -> None:
    ws = data["ws"]
    with data["sessions"]() as s:
        page = repo.search_accounts(s, workspace_id=ws, filters=SearchFilters(brands=("cerave",)), limit=3)
    assert page.hits
    for h in page.hits:
        assert h.brand_mentions.get("cerave", 0) >= 1
        assert h.niches and h.name.startswith("Person") and h.handle.startswith("h")
        assert h.last_post_at is None or h.last_post_at.tzinfo is not None


def test_workspaces_are_isolated(data) -> None:
    with data["sessions"]() as s:
        other = f"O{uuid.uuid4().hex[:8]}"
        assert repo.search_accounts(s, workspace_id=other, filters=SearchFilters(), limit=5).hits == []


def test_follower_intervals_merge_and_clip() -> None:
    nano, micro, mega = followers_range("nano"), followers_range("micro"), followers_range("mega")
    assert SearchFilters(follower_ranges=(micro, nano)).follower_intervals() == [(1_000, 100_000)]
    assert SearchFilters(follower_ranges=(nano, mega)).follower_intervals() == [(1_000, 10_000), (500_000, 1_000_000)]
    assert SearchFilters(follower_ranges=(micro,), followers_min=50_000).follower_intervals() == [(50_000, 100_000)]
    assert SearchFilters(followers_max=999).follower_intervals() == [(0, 1_000)]
    assert SearchFilters(followers_min=10, followers_max=5).follower_intervals() == []
    assert not SearchFilters().has_follower_filter()


def test_sqlite_gets_index_hints_and_postgres_a_plain_query() -> None:
    a = repo._IndexedAlias.of(repo.ACCOUNT, "a", "ix_account_ws_platform_followers")
    q = select(a.c.id).where(a.c.platform == "instagram")
    assert "INDEXED BY ix_account_ws_platform_followers" in str(q.compile(dialect=sqlite.dialect()))
    assert "INDEXED BY" not in str(q.compile(dialect=postgresql.dialect()))


def test_cost_model_prefers_the_rare_range_and_the_ordered_walk() -> None:
    """On a million-account sample: "ER above 40%" must start from the ER range (few rows),
    "instagram, ER above 3%, biggest first" must walk the platform/followers index, and
    two platforms become one ordered walk per platform."""
    rng = random.Random(3)
    rows = []
    for i in range(20_000):
        followers = int(10 ** rng.uniform(2, 7))
        rows.append({"id": i * 50 + 1, "creator_id": i, "platform": rng.choice(["instagram", "tiktok", "youtube"]),
                     "followers": followers, "engagement_rate": min(0.6, rng.lognormvariate(-3.5, 0.7)),
                     "country": rng.choice(["FR", "US", "DE"]), "language": "en", "kind": "influencer", "has_email": True})
    sample = repo.Sample.from_rows(rows, total=1_000_000)
    stats = repo.PlannerStats(
        total=1_000_000, creators=770_000, values={"platform": {"instagram": 333_000, "tiktok": 333_000, "youtube": 334_000},
                                                   "country": {}, "language": {}, "kind": {}},
        niches={}, brands={}, collab_creators=0, sample=sample,
    )
    indexes = {ix.name: tuple(c.name for c in ix.columns) for ix in repo.ACCOUNT.indexes}
    rare = repo.choose_plan(SearchFilters(engagement_min=0.4), "followers", 11, stats, indexes)
    assert (rare.shape, rare.driver) == ("drive", "engagement_rate")
    broad = repo.choose_plan(SearchFilters(platforms=("instagram",), engagement_min=0.03), "followers", 11, stats, indexes)
    assert (broad.shape, broad.index) == ("walk", "ix_account_ws_platform_followers")
    multi = repo.choose_plan(replace(SearchFilters(platforms=("instagram", "tiktok"))), "followers", 11, stats, indexes)
    assert multi.shape == "walk" and multi.partition_column == "platform"


def test_most_restrictive_filter_is_reported(data) -> None:
    f = SearchFilters(countries=("FR",), niches_any=("gaming",), kind="kol", followers_min=5_000_000)
    with data["sessions"]() as s:
        assert repo.search_account_ids(s, workspace_id=data["ws"], filters=f, limit=1)[0] == []
        counts = repo.most_restrictive(s, workspace_id=data["ws"], filters=f)
    assert counts[0][0] == "followers"
    assert [n for _, n in counts] == sorted(n for _, n in counts)
