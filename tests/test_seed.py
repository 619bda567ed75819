"""Demo and synthetic seed data: realistic, deterministic, idempotent — on SQLite and PostgreSQL.

The demo is seeded once per backend (module-scoped) into its own workspace; the tests then
read it. Dates are compared with the fixed reference ``DEMO_NOW`` (2026-11-20 UTC).
"""

from __future__ import annotations

import hashlib
import statistics
import uuid
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from memory.db import make_engine, session_factory, upgrade
from memory.domain.analytics import engagement_from_posts, post_engagements
from memory.errors import UserError
from memory.models import (
    Account,
    AccountBrand,
    Campaign,
    Collaboration,
    Creator,
    CreatorNiche,
    Deliverable,
    DiscountCode,
    MetricSnapshot,
    NegotiationEvent,
    Payout,
    Post,
    Shipment,
    StageEvent,
    TrackingLink,
)
from memory.models.common import Stage, allowed_moves
from memory.seed import synthetic as synth_mod
from memory.seed import vocab
from memory.seed.demo import (
    ANCHOR_HANDLES,
    CAMPAIGN_ACTIVE,
    CAMPAIGN_FINISHED,
    CAMPAIGN_PLANNED,
    DEMO_NOW,
    INJECTION_HANDLE,
    INJECTION_PLATFORM,
    INJECTION_TEXT,
    has_demo,
    is_empty,
    seed_demo,
)
from memory.seed.synthetic import seed_synthetic
from memory.tiers import TIERS, tier_for

_SEEDED: dict[int, str] = {}
_ANCHOR_KEYS = {f"demo:{h}" for h in ANCHOR_HANDLES}


def _is_anchor(creator: Any) -> bool:
    return creator.external_id in _ANCHOR_KEYS


def _demo_ws(engine: Engine) -> str:
    """The demo workspace of this engine, seeded on first use."""
    if id(engine) not in _SEEDED:
        ws = f"demo_{uuid.uuid4().hex[:8]}"
        summary = seed_demo(session_factory(engine), workspace_id=ws)
        assert summary["status"] == "seeded"
        _SEEDED[id(engine)] = ws
    return _SEEDED[id(engine)]


@pytest.fixture(scope="module")
def demo(engine: Engine) -> tuple[Engine, str]:
    return engine, _demo_ws(engine)


def _rows(engine: Engine, query: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(query))


def _creators(engine: Engine, ws: str) -> list[Any]:
    return _rows(engine, select(Creator.__table__).where(Creator.workspace_id == ws))


def _accounts(engine: Engine, ws: str) -> list[Any]:
    return _rows(engine, select(Account.__table__).where(Account.workspace_id == ws))


def _posts(engine: Engine, ws: str) -> list[Any]:
    return _rows(engine, select(Post.__table__).where(Post.workspace_id == ws))


# --------------------------------------------------------------------------------------------
# Creators and accounts
# --------------------------------------------------------------------------------------------


def test_demo_has_2000_plus_creators_on_seven_platforms_with_multi_platform_people(demo) -> None:
    engine, ws = demo
    creators, accounts = _creators(engine, ws), _accounts(engine, ws)
    assert len(creators) >= 2000
    assert {a.platform for a in accounts} >= {"instagram", "tiktok", "youtube", "facebook", "linkedin", "blog", "podcast"}
    per_creator = Counter(a.creator_id for a in accounts)
    assert set(per_creator.values()) == {1, 2, 3}
    # One person's accounts are on different platforms.
    by_creator = defaultdict(list)
    for a in accounts:
        by_creator[a.creator_id].append(a.platform)
    assert all(len(p) == len(set(p)) for p in by_creator.values())


def test_demo_has_every_tier_with_nano_and_micro_dominating(demo) -> None:
    engine, ws = demo
    tiers = Counter(tier_for(a.followers) for a in _accounts(engine, ws))
    assert set(tiers) == set(TIERS)
    assert tiers["nano"] + tiers["micro"] > 0.6 * sum(tiers.values())
    assert tiers["nano"] > tiers["macro"] > tiers["mega"] >= tiers["celebrity"] > 0


def test_demo_spans_niches_countries_cities_and_languages(demo) -> None:
    engine, ws = demo
    creators = _creators(engine, ws)
    niches = {r.niche for r in _rows(engine, select(CreatorNiche.niche).where(CreatorNiche.workspace_id == ws))}
    assert len(niches) >= 15
    assert {"beauty", "skincare", "fitness", "nutrition", "fintech", "personal finance", "parenting"} <= niches
    assert len({c.country for c in creators}) >= 20
    assert {"en", "fr", "de", "es", "it", "pt", "ja", "ko", "nl", "sv"} <= {c.language for c in creators}
    for c in creators:
        country = vocab.COUNTRY_BY_CODE[c.country]
        assert c.city in country.cities
        # Anchors may write in another language (Dr. Lena posts in English from Berlin).
        assert c.language in dict(country.languages) or _is_anchor(c)
    # creator_niche mirrors creator.niches
    niche_rows = defaultdict(set)
    for r in _rows(engine, select(CreatorNiche.creator_id, CreatorNiche.niche).where(CreatorNiche.workspace_id == ws)):
        niche_rows[r.creator_id].add(r.niche)
    assert all(niche_rows[c.id] == set(c.niches.split(";")) for c in creators)


def test_demo_kols_are_about_ten_percent_with_matching_credentials(demo) -> None:
    engine, ws = demo
    creators = _creators(engine, ws)
    kols = [c for c in creators if c.kind == "kol"]
    assert 0.08 <= len(kols) / len(creators) <= 0.12
    assert all(c.credentials for c in kols)
    assert not any(c.credentials for c in creators if c.kind == "influencer")
    generated = [c for c in kols if not _is_anchor(c)]
    assert all(c.credentials in vocab.NICHES[c.niches.split(";")[0]].credentials for c in generated)
    kol_ids = {c.id for c in kols}
    kol_platforms = Counter(a.platform for a in _accounts(engine, ws) if a.creator_id in kol_ids)
    expert = sum(kol_platforms[p] for p in ("linkedin", "blog", "podcast", "youtube"))
    assert expert > 0.7 * sum(kol_platforms.values())


def test_demo_emails_bios_and_audience_fields(demo) -> None:
    engine, ws = demo
    creators = _creators(engine, ws)
    with_email = [c for c in creators if c.email]
    assert 0.65 <= len(with_email) / len(creators) <= 0.75
    assert len({c.email for c in with_email}) == len(with_email)
    # Reserved example domains only: demo mail can never reach a real person.
    assert all("example" in c.email.rsplit("@", 1)[1].split(".") for c in with_email)
    assert sum(bool(c.email and c.email in (c.bio or "")) for c in creators) > 200
    for c in creators:
        assert c.bio and c.name
        assert len(c.audience_top_country) == 2
        assert 0 < c.audience_female_pct < 1 and 0 < c.audience_age_18_34_pct < 1


def test_account_denormalised_columns_match_the_creator(demo) -> None:
    engine, ws = demo
    creators = {c.id: c for c in _creators(engine, ws)}
    for a in _accounts(engine, ws):
        c = creators[a.creator_id]
        assert (a.country, a.language, a.kind, a.has_email) == (c.country, c.language, c.kind, bool(c.email))


def test_engagement_falls_with_tier_and_averages_agree_with_posts(demo) -> None:
    engine, ws = demo
    accounts = _accounts(engine, ws)
    assert {a.engagement_basis for a in accounts} == {"followers"}
    by_tier = defaultdict(list)
    for a in accounts:
        by_tier[tier_for(a.followers)].append(a.engagement_rate)
    medians = [statistics.median(by_tier[t]) for t in TIERS]
    assert medians == sorted(medians, reverse=True), medians
    posts = defaultdict(list)
    for p in _posts(engine, ws):
        posts[p.account_id].append(p)
    for a in accounts:
        ps = posts[a.id]
        assert abs(a.avg_likes - sum(p.likes for p in ps) / len(ps)) <= 0.05 + 1e-9
        assert abs(a.avg_views - sum(p.views for p in ps) / len(ps)) <= 0.05 + 1e-9
        # The rate follows memory.domain.analytics: from recent posts when there are any, else the averages.
        by_posts = engagement_from_posts(
            [(p.posted_at, post_engagements(a.platform, p.likes, p.comments, p.shares, p.saves)) for p in ps],
            followers=a.followers, now=DEMO_NOW)
        if by_posts is not None:
            assert a.engagement_source == "posts" and a.engagement_posts == by_posts[1]
            assert a.engagement_rate == pytest.approx(by_posts[0], rel=1e-9)
        else:
            engaged = a.avg_likes + a.avg_comments
            assert a.engagement_source == "averages"
            assert abs(engaged - a.followers * a.engagement_rate) <= max(0.01 * engaged, a.followers * 1e-5 + 0.01)


# --------------------------------------------------------------------------------------------
# Posts
# --------------------------------------------------------------------------------------------


def test_every_account_has_10_to_20_recent_posts_and_a_consistent_last_post(demo) -> None:
    engine, ws = demo
    posts = defaultdict(list)
    for p in _posts(engine, ws):
        posts[p.account_id].append(p)
    for a in _accounts(engine, ws):
        assert 10 <= len(posts[a.id]) <= 20, a.handle
        assert a.last_post_at == max(p.posted_at for p in posts[a.id])
        assert a.last_post_at <= DEMO_NOW


def test_captions_are_about_the_creators_niches_in_their_language(demo) -> None:
    engine, ws = demo
    creators = {c.id: c for c in _creators(engine, ws)}
    owner = {a.id: creators[a.creator_id] for a in _accounts(engine, ws)}
    terms = {n: tuple(t.lower() for t in vocab.niche_terms(n)) for n in vocab.NICHES}
    in_language: Counter[str] = Counter()
    per_language: Counter[str] = Counter()
    for p in _posts(engine, ws):
        c = owner[p.account_id]
        caption = p.caption.lower()
        assert any(t in caption for n in c.niches.split(";") for t in terms[n]), (c.niches, p.caption)
        if not _is_anchor(c):  # generated creators: the language check
            lang = vocab.text_language(c.language)
            words = [w.lower() for n in c.niches.split(";") for w in
                     vocab.NICHES[n].products[lang] + vocab.NICHES[n].topics[lang]]
            per_language[lang] += 1
            in_language[lang] += any(w in caption for w in words)
    for lang in vocab.CAPTION_LANGUAGES:
        assert in_language[lang] / per_language[lang] > 0.8, lang
    # The brief's example: every caption of a skincare-only creator uses skincare vocabulary.
    skincare_accounts = {aid for aid, c in owner.items() if c.niches == "skincare"}
    captions = [p.caption.lower() for p in _posts(engine, ws) if p.account_id in skincare_accounts]
    assert len(captions) > 100
    assert all(any(t in cap for t in terms["skincare"]) for cap in captions)


def test_sponsored_posts_name_brands_and_feed_brand_affinity(demo) -> None:
    engine, ws = demo
    posts = _posts(engine, ws)
    sponsored = [p for p in posts if p.is_sponsored]
    assert 0.05 < len(sponsored) / len(posts) < 0.2
    assert all(p.brands for p in sponsored)
    expected: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for p in posts:
        for b in {x.strip().lower() for x in p.brands.split(";") if x.strip()}:
            expected[(p.account_id, b)][0] += 1
            expected[(p.account_id, b)][1] += int(p.is_sponsored)
    stored = {(r.account_id, r.brand): [r.mentions, r.sponsored_mentions]
              for r in _rows(engine, select(AccountBrand.__table__).where(AccountBrand.workspace_id == ws))}
    assert stored == dict(expected)
    lumiere = _rows(engine, select(Account.handle).join(AccountBrand, AccountBrand.account_id == Account.id)
                    .where(AccountBrand.workspace_id == ws, AccountBrand.brand == "lumière skin"))
    assert "skin.by.sam" in {r.handle for r in lumiere} and len(lumiere) > 20


def test_anchor_creators_and_the_prompt_injection_post(demo) -> None:
    engine, ws = demo
    accounts = {(a.platform, a.handle): a for a in _accounts(engine, ws)}
    creators = {c.id: c for c in _creators(engine, ws)}
    for handle in ANCHOR_HANDLES:
        assert any(h == handle for _, h in accounts), handle
    sam = accounts[("instagram", "skin.by.sam")]
    sam_c = creators[sam.creator_id]
    assert tier_for(sam.followers) == "micro" and sam_c.kind == "influencer" and sam_c.email
    assert sam_c.country == "FR" and "skincare" in sam_c.niches
    assert accounts[("tiktok", "skin.by.sam")].creator_id == sam.creator_id
    lena = creators[accounts[("linkedin", "dr.lena.derm")].creator_id]
    assert lena.kind == "kol" and "dermatologist" in lena.credentials.lower()
    assert accounts[("instagram", "dr.lena.derm")].creator_id == lena.id
    fiona = creators[accounts[("linkedin", "fintech.fiona")].creator_id]
    assert fiona.kind == "kol" and "CFA" in fiona.credentials
    assert creators[accounts[("instagram", "lucia.cocina")].creator_id].email is None
    marco = accounts[(INJECTION_PLATFORM, INJECTION_HANDLE)]
    newest = _rows(engine, select(Post.caption).where(Post.account_id == marco.id).order_by(Post.posted_at.desc()).limit(1))
    assert INJECTION_TEXT in newest[0].caption


# --------------------------------------------------------------------------------------------
# Campaigns and CRM
# --------------------------------------------------------------------------------------------


def test_every_pipeline_stage_is_present_with_a_consistent_history(demo) -> None:
    engine, ws = demo
    collabs = _rows(engine, select(Collaboration.__table__).where(Collaboration.workspace_id == ws))
    assert {c.stage for c in collabs} == {s.value for s in Stage}
    events = defaultdict(list)
    for e in _rows(engine, select(StageEvent.__table__).where(StageEvent.workspace_id == ws).order_by(StageEvent.id)):
        events[e.collaboration_id].append(e)
    for c in collabs:
        evs = events[c.id]
        assert evs[0].from_stage is None and evs[0].to_stage == "prospect"
        assert evs[-1].to_stage == c.stage
        assert [e.at for e in evs] == sorted(e.at for e in evs) and evs[-1].at <= DEMO_NOW
        for prev, e in zip(evs, evs[1:], strict=False):
            assert e.from_stage == prev.to_stage and Stage(e.to_stage) in allowed_moves(Stage(e.from_stage))


def test_negotiations_end_in_the_agreed_fee(demo) -> None:
    engine, ws = demo
    collabs = _rows(engine, select(Collaboration.__table__).where(Collaboration.workspace_id == ws))
    negs = defaultdict(list)
    for n in _rows(engine, select(NegotiationEvent.__table__).where(NegotiationEvent.workspace_id == ws)
                   .order_by(NegotiationEvent.at)):
        negs[n.collaboration_id].append(n)
    agreed = [c for c in collabs if c.agreed_fee_cents]
    assert len(agreed) >= 15
    for c in agreed:
        kinds = [n.kind for n in negs[c.id]]
        assert kinds == ["offer", "counter", "accept"]
        offer, counter, accept = negs[c.id]
        assert offer.amount_cents < accept.amount_cents < counter.amount_cents
        assert accept.amount_cents == c.agreed_fee_cents and accept.currency == "USD"
        assert accept.deliverables and accept.usage_rights_days
    assert any([n.kind for n in negs[c.id]] == ["offer", "decline"] for c in collabs if c.stage == "declined")
    assert any([n.kind for n in negs[c.id]] == ["offer", "counter"] for c in collabs if c.stage == "negotiating")
    assert any(c.product_cost_cents > 0 and c.shipping_cost_cents > 0 for c in agreed)


def test_deliverables_shipments_codes_links_and_payouts(demo) -> None:
    engine, ws = demo
    today = DEMO_NOW.date()
    dels = _rows(engine, select(Deliverable.__table__).where(Deliverable.workspace_id == ws))
    open_ = [d for d in dels if d.status != "posted"]
    assert any(d.due_date < today for d in open_), "an overdue deliverable"
    assert any(today <= d.due_date <= today + timedelta(days=7) for d in open_), "a deliverable due soon"
    urls = {p.url for p in _posts(engine, ws)}
    posted = [d for d in dels if d.status == "posted"]
    assert posted and all(d.content_url in urls and d.posted_at for d in posted)
    assert {d.status for d in dels} >= {"planned", "submitted", "changes_requested", "approved", "posted"}
    assert {s.status for s in _rows(engine, select(Shipment.status).where(Shipment.workspace_id == ws))} >= {"shipped", "delivered"}
    codes = [r.code for r in _rows(engine, select(DiscountCode.code).where(DiscountCode.workspace_id == ws))]
    assert "SAM15" in codes and len(codes) == len(set(codes)) and all(c == c.upper() for c in codes)
    links = _rows(engine, select(TrackingLink.__table__).where(TrackingLink.workspace_id == ws))
    assert links and all("utm_source=" in lk.url and "utm_campaign=" in lk.url for lk in links)
    payouts = _rows(engine, select(Payout.__table__).where(Payout.workspace_id == ws))
    assert {p.status for p in payouts} == {"proposed", "approved", "paid"}
    assert all(p.paid_at and p.approved_by for p in payouts if p.status == "paid")


def test_nothing_happens_after_the_reference_now(demo) -> None:
    """Every timestamp in every demo table is at or before DEMO_NOW (due dates may be later)."""
    from sqlmodel import SQLModel
    from sqlmodel.sql.sqltypes import UTCDateTime

    engine, ws = demo
    checked = 0
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if "workspace_id" not in table.c or table.name == "workspace":
                continue
            for col in table.c:
                if isinstance(col.type, UTCDateTime):
                    latest = conn.execute(select(func.max(col)).where(table.c.workspace_id == ws)).scalar()
                    assert latest is None or latest <= DEMO_NOW, f"{table.name}.{col.name} = {latest}"
                    checked += latest is not None
    assert checked > 20


def test_campaigns_finished_active_and_planned(demo) -> None:
    engine, ws = demo
    camps = {c.name: c for c in _rows(engine, select(Campaign.__table__).where(Campaign.workspace_id == ws))}
    glow = camps[CAMPAIGN_FINISHED]
    assert glow.status == "finished" and glow.brand == "Lumière Skin"
    assert (glow.start_date.month, glow.end_date.month) == (7, 9)
    assert camps[CAMPAIGN_ACTIVE].status == "active" and camps[CAMPAIGN_PLANNED].status == "planned"


def test_finished_campaign_has_daily_cumulative_metrics_that_never_decrease(demo) -> None:
    engine, ws = demo
    glow = _rows(engine, select(Campaign.id).where(Campaign.workspace_id == ws, Campaign.name == CAMPAIGN_FINISHED))[0].id
    snaps = _rows(engine, select(MetricSnapshot.__table__).where(MetricSnapshot.campaign_id == glow)
                  .order_by(MetricSnapshot.deliverable_url, MetricSnapshot.date))
    series = defaultdict(list)
    for s in snaps:
        series[s.deliverable_url].append(s)
    assert len(series) >= 7
    fields = ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks", "conversions",
              "revenue_cents")
    for rows in series.values():
        dates = [r.date for r in rows]
        assert dates == [dates[0] + timedelta(days=i) for i in range(len(dates))], "one snapshot per day"
        assert dates[-1].isoformat() == "2026-09-30" and dates[0].month in (7, 8, 9)
        for f in fields:
            values = [getattr(r, f) for r in rows]
            assert values == sorted(values), f
    assert sum(s[-1].revenue_cents for s in series.values()) > 0
    assert sum(s[-1].conversions for s in series.values()) > 0


# --------------------------------------------------------------------------------------------
# Idempotency and determinism
# --------------------------------------------------------------------------------------------


def test_seeding_twice_adds_nothing(demo) -> None:
    engine, ws = demo
    sessions = session_factory(engine)

    def counts() -> list[int]:
        return [_rows(engine, select(func.count()).select_from(m).where(m.workspace_id == ws))[0][0]
                for m in (Creator, Account, Post, Campaign, Collaboration, MetricSnapshot)]

    before = counts()
    again = seed_demo(sessions, workspace_id=ws)
    assert again["status"] == "already seeded"
    assert counts() == before
    assert has_demo(sessions, ws) and not is_empty(sessions, ws)


def test_demo_refuses_a_workspace_with_other_data(engine, sessions, workspace_id) -> None:
    assert is_empty(sessions, workspace_id)
    seed_synthetic(engine, workspace_id=workspace_id, n=10)
    assert not is_empty(sessions, workspace_id)
    with pytest.raises(UserError, match="empty workspace"):
        seed_demo(sessions, workspace_id=workspace_id)


def _digest(engine: Engine, ws: str) -> str:
    """Hash of the ordered creator, account and post rows, keyed by natural keys (no ids)."""
    c, a, p = Creator.__table__, Account.__table__, Post.__table__
    h = hashlib.sha256()
    queries = [
        select(*[col for col in c.c if col.name not in ("id", "workspace_id")]).where(c.c.workspace_id == ws)
        .order_by(c.c.external_id),
        select(c.c.external_id, *[col for col in a.c if col.name not in ("id", "workspace_id", "creator_id")])
        .join(c, c.c.id == a.c.creator_id).where(a.c.workspace_id == ws).order_by(a.c.platform, a.c.handle),
        select(a.c.platform, a.c.handle, *[col for col in p.c if col.name not in ("id", "workspace_id", "account_id")])
        .join(a, a.c.id == p.c.account_id).where(p.c.workspace_id == ws).order_by(p.c.url),
    ]
    with engine.connect() as conn:
        for q in queries:
            for row in conn.execute(q):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def test_two_seeds_give_identical_rows(sqlite_engine) -> None:
    first = _demo_ws(sqlite_engine)
    second = f"again_{uuid.uuid4().hex[:8]}"
    seed_demo(session_factory(sqlite_engine), workspace_id=second)
    assert _digest(sqlite_engine, first) == _digest(sqlite_engine, second)


@pytest.mark.postgres
def test_sqlite_and_postgres_get_the_same_demo_rows(sqlite_engine, pg_engine) -> None:
    assert _digest(sqlite_engine, _demo_ws(sqlite_engine)) == _digest(pg_engine, _demo_ws(pg_engine))


# --------------------------------------------------------------------------------------------
# Synthetic scale data
# --------------------------------------------------------------------------------------------


def _check_synthetic(engine: Engine, ws: str, n: int) -> None:
    accounts = _accounts(engine, ws)
    creators = {c.id: c for c in _creators(engine, ws)}
    assert len(accounts) == n
    assert sorted(a.handle for a in accounts) == [f"synth_{i:07d}" for i in range(1, n + 1)]
    platforms = {a.platform for a in accounts}
    assert platforms <= set(vocab.INFLUENCER_PLATFORMS) and len(platforms) == 7
    for a in accounts:
        c = creators[a.creator_id]
        assert (a.country, a.language, a.kind, a.has_email) == (c.country, c.language, c.kind, bool(c.email))
        assert a.followers >= 20 and 0 < a.engagement_rate < 0.31 and a.engagement_basis == "followers"
        assert a.last_post_at <= DEMO_NOW
    niche_rows = defaultdict(set)
    for r in _rows(engine, select(CreatorNiche.creator_id, CreatorNiche.niche).where(CreatorNiche.workspace_id == ws)):
        niche_rows[r.creator_id].add(r.niche)
    for c in creators.values():
        assert niche_rows[c.id] == set(c.niches.split(";")) and set(c.niches.split(";")) <= set(vocab.NICHES)
        assert c.bio and c.city in vocab.COUNTRY_BY_CODE[c.country].cities
        assert bool(c.credentials) == (c.kind == "kol")
    kol_share = sum(c.kind == "kol" for c in creators.values()) / len(creators)
    assert 0.07 < kol_share < 0.13
    assert set(Counter(tier_for(a.followers) for a in accounts)) >= {"emerging", "nano", "micro", "macro"}


def test_synthetic_adds_exactly_n_accounts_with_valid_denormalised_fields(engine, workspace_id) -> None:
    summary = seed_synthetic(engine, workspace_id=workspace_id, n=5_000, batch_size=2_000)
    assert summary["accounts"] == 5_000 and summary["last_handle"] == "synth_0005000"
    _check_synthetic(engine, workspace_id, 5_000)
    more = seed_synthetic(engine, workspace_id=workspace_id, n=500)
    assert (more["first_handle"], more["last_handle"]) == ("synth_0005001", "synth_0005500")
    _check_synthetic(engine, workspace_id, 5_500)


def _sqlite_indexes(engine: Engine) -> set[str]:
    """CREATE statements of the secondary indexes of the tables the synthetic seeder fills."""
    with engine.connect() as conn:
        return {r[0] for r in conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('creator', 'account', 'creator_niche')")}


def test_synthetic_index_rebuild_path_keeps_indexes_and_rolls_back_cleanly(tmp_path, monkeypatch) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'k.db'}")
    upgrade(engine)
    indexes = _sqlite_indexes(engine)
    monkeypatch.setattr(synth_mod, "INDEX_REBUILD_MIN", 1_000)

    def boom(stage: str, done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        seed_synthetic(engine, workspace_id="local", n=3_000, batch_size=1_000, on_progress=boom)
    # Interrupted mid-run: nothing written, and the dropped indexes are back (DDL rolled back).
    assert _sqlite_indexes(engine) == indexes
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Account.__table__)).scalar() == 0
    summary = seed_synthetic(engine, workspace_id="local", n=3_000, batch_size=1_000)
    assert summary["indexes_rebuilt"] == len(indexes) > 5
    assert _sqlite_indexes(engine) == indexes
    with engine.connect() as conn:  # the big-transaction cache setting was put back
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -65536
    _check_synthetic(engine, "local", 3_000)
    engine.dispose()


def test_seed_command(tmp_path) -> None:
    from agent.cli.main import app

    runner = CliRunner()
    store = ["--data-dir", str(tmp_path / "data")]
    res = runner.invoke(app, [*store, "seed", "--synthetic", "300", "--workspace", "scale"])
    assert res.exit_code == 0, res.output
    assert "synth_0000300" in res.stdout
    res = runner.invoke(app, [*store, "seed"])
    assert isinstance(res.exception, UserError) and "--demo or --synthetic" in str(res.exception)
    res = runner.invoke(app, [*store, "seed", "--synthetic", "-3"])
    assert isinstance(res.exception, UserError)
    res = runner.invoke(app, [*store, "seed", "--demo", "--workspace", "scale"])
    assert isinstance(res.exception, UserError) and "empty workspace" in str(res.exception)


def test_cumulative_chart_of_demo_campaign_ends_at_the_summary_totals(demo, tmp_path) -> None:
    """The chart used to read the summary with its default 50-group limit (largest revenue first),
    so the demo campaign's curve stopped at day 50 with 1,200 of 1,772 conversions."""
    from agent.settings import Settings
    from memory.db import session_factory
    from tools.base import ToolContext
    from tools.metrics.charts import cumulative_series
    from tools.metrics.summary import SummarizeCampaignInput, summarize

    engine, ws = demo
    ctx = ToolContext(workspace_id=ws, user_id="U1", sessions=session_factory(engine),
                      settings=Settings(_env_file=None, data_dir=tmp_path))
    days, conv, rev, _currency, _name = cumulative_series(ctx, CAMPAIGN_FINISHED)
    totals = summarize(ctx, SummarizeCampaignInput(campaign=CAMPAIGN_FINISHED)).totals
    assert len(days) > 50 and days == sorted(days)
    assert conv[-1] == totals.conversions
    assert round(rev[-1] * 100) == totals.revenue_cents  # the demo campaign is in USD (2 decimals)
    assert conv == sorted(conv)
