"""The discovery tools end to end on SQLite and PostgreSQL, over a small hand-made
dataset: every search filter and sort, reasons, pagination, "did you mean" errors, hybrid
topic search through a real Chroma index (fake embedder), profiles, lookalikes,
classification, the creator mix and the memory of past collaborations."""

from __future__ import annotations

import hashlib
import math
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from agent.settings import Settings
from memory.db import session_factory, session_scope
from memory.indexing import index_collaborations, index_creators
from memory.models import (
    AccountCreate,
    Campaign,
    Collaboration,
    CreatorCreate,
    Deliverable,
    MetricSnapshot,
    PostCreate,
)
from memory.repo.creators import upsert_creator_account, upsert_post
from memory.repo.workspaces import ensure_workspace
from memory.vectors import VectorIndex
from tools.base import ToolContext, ToolError
from tools.discovery import (
    classify_creator,
    find_similar_creators,
    get_creator,
    recommend_creator_mix,
    search_creators,
    search_past_collaborations,
)
from tools.discovery.classify import ClassifyCreatorInput
from tools.discovery.mix import RecommendMixInput
from tools.discovery.past import PastCollaborationsInput
from tools.discovery.profile import GetCreatorInput
from tools.discovery.search import SearchCreatorsInput
from tools.discovery.similar import FindSimilarInput
from tools.registry import run_tool

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)


class WordEmbedder:
    """Deterministic bag-of-words embedder: texts sharing words are close (cosine)."""

    name = "test-words"
    dimension = 128

    def embed(self, texts: list[str]) -> list[list[float]]:
        out = []
        for text in texts:
            v = [0.0] * self.dimension
            for word in re.findall(r"[a-z]+", text.lower()):
                if len(word) > 3:
                    v[int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "big") % self.dimension] += 1.0
            norm = math.sqrt(sum(x * x for x in v)) or 1.0
            out.append([x / norm for x in v])
        return out


class TestIndex(VectorIndex):
    """A real embedded Chroma index with the word embedder (collection naming kept local so
    the test does not depend on the embedder registry)."""

    __test__ = False

    def collection_name(self, workspace_id: str, kind: str) -> str:
        self._check_kind(kind)
        return f"{kind}__{workspace_id}__words"


# (key, creator, accounts, captions: list of (caption, brands, sponsored))
PEOPLE = [
    ("sam", CreatorCreate(name="Sam Rivera", country="FR", city="Paris", language="fr", niches="skincare; beauty",
                          email="sam@example.com", bio="Skincare lover sharing gentle routines for sensitive skin and redness.",
                          audience_top_country="FR", audience_female_pct=0.78, audience_age_18_34_pct=0.64),
     [AccountCreate(platform="instagram", handle="skin.by.sam", followers=45_200, engagement_rate=0.041),
      AccountCreate(platform="tiktok", handle="skinbysam", followers=120_000, engagement_rate=0.065)],
     [("My CeraVe night routine for sensitive skin", "CeraVe", True), ("CeraVe vs La Roche-Posay moisturiser", "CeraVe; La Roche-Posay", False),
      ("Redness calming mask", "CeraVe", True), ("Sunday reset", "", False)]),
    ("lena", CreatorCreate(name="Dr. Lena Hoffmann", kind="kol", credentials="board-certified dermatologist", country="DE",
                           city="Berlin", language="de", niches="dermatology; skincare", email="lena@example.com",
                           bio="MD, dermatologist. Evidence-based skincare: acne and rosacea explained.",
                           audience_top_country="DE", audience_female_pct=0.7, audience_age_18_34_pct=0.5),
     [AccountCreate(platform="instagram", handle="dr.lena.derm", followers=82_000, engagement_rate=0.032),
      AccountCreate(platform="linkedin", handle="lenahoffmann", followers=12_000, engagement_rate=0.02)],
     [("Acne myths explained: what the research says", "", False), ("Rosacea study breakdown", "", False),
      ("How to read sunscreen ingredients", "La Roche-Posay", True)]),
    ("marco", CreatorCreate(name="Marco Rossi", country="IT", city="Milan", language="it", niches="fitness",
                            bio="Gym workouts, strength training and protein recipes.", audience_female_pct=0.3),
     [AccountCreate(platform="instagram", handle="fitwithmarco", followers=640_000, engagement_rate=0.018),
      AccountCreate(platform="youtube", handle="marcofit", followers=1_500_000, engagement_rate=0.01, engagement_basis="views")],
     [("Leg day with Nike", "Nike", True), ("Protein pancakes", "", False)]),
    ("nina", CreatorCreate(name="Nina Park", country="US", city="New York", language="en", niches="beauty; makeup",
                           email="nina@example.com", bio="Makeup tutorials and drugstore beauty finds.", audience_female_pct=0.9),
     [AccountCreate(platform="tiktok", handle="ninaglow", followers=8_500, engagement_rate=0.09),
      AccountCreate(platform="instagram", handle="nina.glow", followers=950, engagement_rate=0.05)],
     [("Drugstore makeup haul", "Maybelline", True)]),
    ("omar", CreatorCreate(name="Omar Haddad", kind="kol", credentials="CFA, financial analyst", country="GB", city="London",
                           language="en", niches="finance; investing", bio="Analyst explaining markets, ETFs and personal finance."),
     [AccountCreate(platform="linkedin", handle="omarhaddad", followers=30_000, engagement_rate=0.025),
      AccountCreate(platform="x", handle="omar_invests", followers=210_000, engagement_rate=0.008)],
     [("Why ETFs beat stock picking: the data", "", False)]),
    ("chloe", CreatorCreate(name="Chloé Martin", country="FR", city="Lyon", language="fr", niches="skincare", email="chloe@example.com",
                            bio="Minimal skincare and clean beauty."),
     [AccountCreate(platform="instagram", handle="chloe.skin", followers=15_000, engagement_rate=0.055)], []),
    ("emma", CreatorCreate(name="Emma Wilson", country="US", city="Los Angeles", language="en", niches="travel; lifestyle",
                           bio="Slow travel and boutique hotels."),
     [AccountCreate(platform="instagram", handle="emmawanders", followers=230_000)],
     [("Lisbon in three days", "", False)]),
    ("ana", CreatorCreate(name="Ana Souza", credentials="registered dietitian", country="BR", language="pt",
                          niches="nutrition; fitness", bio="Registered dietitian. Nutrition science without the hype."),
     [AccountCreate(platform="instagram", handle="ana.nutri", followers=55_000, engagement_rate=0.035),
      AccountCreate(platform="podcast", handle="ana.nutri.pod", followers=4_000)],
     [("Protein study explained", "", False), ("What research says about fasting", "", False)]),
    ("kai", CreatorCreate(name="Kai Tanaka", country="JP", language="ja", niches="gaming", bio="Speedruns and retro games."),
     [AccountCreate(platform="youtube", handle="kaiplays", followers=3_200_000, engagement_rate=0.03),
      AccountCreate(platform="twitch", handle="kaiplays_live", followers=400_000, engagement_rate=0.04)],
     [("World record attempt", "", False)]),
    ("zoe", CreatorCreate(name="Zoé Dubois", country="BE", city="Brussels", language="fr", niches="skincare; beauty",
                          email="zoe@example.com", bio="Sensitive skin diaries: calming routines for redness."),
     [AccountCreate(platform="instagram", handle="zoe.skincare", followers=9_800, engagement_rate=0.07)],
     [("Calming routine for redness and sensitive skin", "CeraVe", False)]),
    ("paul", CreatorCreate(name="Dr. Paul Leroy", kind="kol", credentials="dermatologist", country="FR", city="Paris",
                           language="fr", niches="dermatology; skincare", bio="Dermatologist in Paris."),
     [AccountCreate(platform="instagram", handle="dr.paul.skin", followers=22_000, engagement_rate=0.03)], []),
]


@pytest.fixture(scope="module")
def world(engine, tmp_path_factory):
    """The dataset, a workspace of its own, a vector index with creators and collaborations."""
    sessions = session_factory(engine)
    ws = f"D{uuid.uuid4().hex[:10]}"
    ids: dict[str, int] = {}
    with session_scope(sessions) as s:
        ensure_workspace(s, workspace_id=ws)
        for key, creator, accounts, captions in PEOPLE:
            # One person per key, also for creators without an e-mail address.
            creator = CreatorCreate(**creator.model_dump(exclude_unset=True), external_id=key)
            for acc in accounts:
                _, row = upsert_creator_account(s, workspace_id=ws, creator=creator, account=acc)
                ids[key] = row.creator_id
                ids[f"{key}:{acc.platform}"] = row.id
            for n, (caption, brands, sponsored) in enumerate(captions):
                acc = accounts[0]
                upsert_post(s, workspace_id=ws, post=PostCreate(
                    platform=acc.platform, handle=acc.handle, url=f"https://ex.com/{ws}/{key}/{n}",
                    posted_at=NOW - timedelta(days=3 + n * 5), caption=caption, brands=brands, is_sponsored=sponsored,
                    likes=1000 - n, comments=40 + n))
        glow = Campaign(workspace_id=ws, name="Glow Launch", brand="Lumière Skin", goal="launch", start_date=date(2025, 3, 1))
        winter = Campaign(workspace_id=ws, name="Winter Care", brand="Lumière Skin", start_date=date(2026, 10, 1))
        fin = Campaign(workspace_id=ws, name="FinEdu", brand="Northbank", goal="education", start_date=date(2025, 6, 1))
        s.add_all([glow, winter, fin])
        s.flush()
        ids.update(glow=glow.id, winter=winter.id, fin=fin.id)
        c1 = Collaboration(workspace_id=ws, campaign_id=glow.id, creator_id=ids["lena"], stage="paid", agreed_fee_cents=300_000,
                           currency="USD", product_cost_cents=5_000, shipping_cost_cents=2_000)
        c2 = Collaboration(workspace_id=ws, campaign_id=glow.id, creator_id=ids["sam"], stage="closed", agreed_fee_cents=150_000)
        c3 = Collaboration(workspace_id=ws, campaign_id=fin.id, creator_id=ids["omar"], stage="paid", agreed_fee_cents=250_000)
        c4 = Collaboration(workspace_id=ws, campaign_id=winter.id, creator_id=ids["sam"], stage="negotiating")
        c5 = Collaboration(workspace_id=ws, campaign_id=winter.id, creator_id=ids["paul"], stage="agreed", agreed_fee_cents=200_000,
                           currency="EUR")
        s.add_all([c1, c2, c3, c4, c5])
        s.flush()
        ids.update(c_lena=c1.id, c_sam=c2.id, c_omar=c3.id, c_sam_winter=c4.id, c_paul=c5.id)
        s.add_all([
            Deliverable(workspace_id=ws, collaboration_id=c1.id, type="reel", count=1, status="posted"),
            Deliverable(workspace_id=ws, collaboration_id=c1.id, type="story", count=2, status="posted"),
            MetricSnapshot(workspace_id=ws, campaign_id=glow.id, account_id=ids["lena:instagram"], collaboration_id=c1.id,
                           deliverable_url="https://ig/reel", date=date(2025, 3, 20), impressions=120_000, reach=90_000,
                           likes=5_000, comments=300, clicks=2_400, conversions=150, revenue_cents=900_000),
            MetricSnapshot(workspace_id=ws, campaign_id=glow.id, account_id=ids["sam:instagram"], collaboration_id=c2.id,
                           deliverable_url="https://ig/sam", date=date(2025, 3, 22), impressions=80_000, clicks=900,
                           conversions=40, revenue_cents=200_000),
        ])
    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("data"))
    index = TestIndex(embedder=WordEmbedder(), path=Path(tmp_path_factory.mktemp("chroma")))
    index_creators(sessions, index, workspace_id=ws)
    yield {"ws": ws, "ids": ids, "sessions": sessions, "settings": settings, "index": index}
    index.close()


def ctx_for(world, *, vectors: bool = True) -> ToolContext:
    return ToolContext(workspace_id=world["ws"], user_id="U1", sessions=world["sessions"], settings=world["settings"],
                       vectors_factory=(lambda: world["index"]) if vectors else None, clock=lambda: NOW)


def search(world, **kw):
    return search_creators(ctx_for(world), SearchCreatorsInput(**kw))


def handles(result) -> list[str]:
    return [i.handle for i in result.items]


# --- search_creators -------------------------------------------------------------------------------


def test_platform_tier_country_and_niche_filters_with_reasons(world) -> None:
    r = search(world, platforms=["IG"], tiers=["micro"], countries=["France"], niches_any=["skin care"])
    assert handles(r) == ["skin.by.sam", "dr.paul.skin", "chloe.skin"]
    first = r.items[0]
    assert first.reasons[0] == "instagram micro (45.2K followers)"
    assert "ER 4.1% · reported" in first.reasons  # an imported rate: said so
    assert "niche: skincare" in first.reasons
    assert "based in France (FR)" in first.reasons
    assert first.engagement == "4.1% · reported" and first.engagement_basis == "followers"
    assert r.applied_filters["countries"] == ["FR"] and r.applied_filters["tiers"] == ["micro"]
    assert r.sort == "followers" and not r.has_more


def test_engagement_accepts_fractions_and_percents(world) -> None:
    as_fraction = search(world, engagement_min=0.05, limit=50)
    as_percent = search(world, engagement_min=5, limit=50)
    as_text = search(world, engagement_min="5%", limit=50)
    assert handles(as_fraction) == handles(as_percent) == handles(as_text)
    assert set(handles(as_fraction)) == {"skinbysam", "ninaglow", "zoe.skincare", "chloe.skin", "nina.glow"}


def test_sorts_by_engagement_and_recency_leave_unknowns_out(world) -> None:
    by_er = search(world, sort="engagement", limit=100)
    rates = [i.engagement_rate for i in by_er.items]
    assert rates == sorted(rates, reverse=True) and None not in rates
    assert "emmawanders" not in handles(by_er)
    assert any("without a known rate" in n for n in by_er.notes)
    recent = search(world, sort="recent", limit=100)
    assert handles(recent)[0] in {"skin.by.sam", "dr.lena.derm", "fitwithmarco", "ninaglow", "omarhaddad", "emmawanders",
                                  "ana.nutri", "kaiplays", "zoe.skincare"}
    assert "chloe.skin" not in handles(recent)  # no posts


def test_pagination_and_conversation_memory(world) -> None:
    ctx = ctx_for(world)
    page1 = search_creators(ctx, SearchCreatorsInput(limit=3))
    assert page1.has_more and len(page1.items) == 3
    assert ctx.memory.last_handles == handles(page1)
    assert ctx.memory.last_creator_ids == [i.creator_id for i in page1.items]
    page2 = search_creators(ctx, SearchCreatorsInput(limit=3, offset=3))
    assert not set(handles(page1)) & set(handles(page2))
    assert page1.items[0].followers >= page2.items[0].followers
    assert ctx.memory.last_handles == handles(page2)


def test_people_filters(world) -> None:
    assert handles(search(world, kind="kol", limit=20)) == ["omar_invests", "dr.lena.derm", "omarhaddad", "dr.paul.skin",
                                                            "lenahoffmann"]
    assert set(handles(search(world, credentials="dermatologist"))) == {"dr.lena.derm", "lenahoffmann", "dr.paul.skin"}
    assert handles(search(world, city="paris", platforms=["instagram"])) == ["skin.by.sam", "dr.paul.skin"]
    assert set(handles(search(world, languages=["French"], has_email=True, limit=20))) == {
        "skinbysam", "skin.by.sam", "chloe.skin", "zoe.skincare"}
    assert handles(search(world, audience_female_min=85)) == ["ninaglow", "nina.glow"]
    assert set(handles(search(world, audience_country="Germany"))) == {"dr.lena.derm", "lenahoffmann"}
    assert set(handles(search(world, audience_18_34_min=0.6))) == {"skinbysam", "skin.by.sam"}
    assert handles(search(world, niches_all=["skincare", "dermatology"], platforms=["instagram"])) == ["dr.lena.derm", "dr.paul.skin"]
    assert handles(search(world, followers_min=500_000, followers_max=2_000_000)) == ["marcofit", "fitwithmarco"]
    r = search(world, tiers=["nano", "celebrity"])
    assert handles(r) == ["kaiplays", "marcofit", "zoe.skincare", "ninaglow", "ana.nutri.pod"]


def test_brand_affinity_and_collaboration_filters(world) -> None:
    r = search(world, brands=["CeraVe"])
    assert handles(r) == ["skin.by.sam", "zoe.skincare"]
    assert "mentions CeraVe in 3 posts" in r.items[0].reasons
    assert handles(search(world, collaborated="any", platforms=["instagram"])) == ["dr.lena.derm", "skin.by.sam", "dr.paul.skin"]
    assert handles(search(world, collaborated=True, platforms=["instagram"])) == ["dr.lena.derm", "skin.by.sam", "dr.paul.skin"]
    never = search(world, collaborated="never", niches_any=["skincare"])
    assert handles(never) == ["chloe.skin", "zoe.skincare"]
    assert "never worked with us" in never.items[0].reasons
    assert handles(search(world, collaborated="Northbank")) == ["omar_invests", "omarhaddad"]
    excl = search(world, exclude_campaign="winter care", niches_any=["skincare"], platforms=["instagram"])
    assert handles(excl) == ["dr.lena.derm", "chloe.skin", "zoe.skincare"]
    assert excl.applied_filters["exclude_campaign"] == "Winter Care"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"countries": ["Frnace"]}, "unknown country 'Frnace' — did you mean France (FR)?"),
        ({"niches_any": ["skn care"]}, "unknown niche 'skn care' — did you mean skincare"),
        ({"platforms": ["instgram"]}, "unknown platform 'instgram' — did you mean instagram?"),
        ({"tiers": ["mid"]}, "unknown tier 'mid' — did you mean micro or macro?"),
        ({"languages": ["Frenchh"]}, "unknown language 'Frenchh' — did you mean French (fr)?"),
        ({"exclude_campaign": "Glow Lunch"}, "unknown campaign 'Glow Lunch' — did you mean Glow Launch?"),
        ({"brands": ["Cerave2"]}, "did you mean cerave?"),
        ({"collaborated": "Lumiere Skn"}, "did you mean lumière skin?"),
        ({"followers_min": 10, "followers_max": 5}, "followers_min (10) is above followers_max (5)"),
    ],
)
def test_unknown_values_are_errors_with_close_matches(world, args: dict, message: str) -> None:
    with pytest.raises(ToolError) as err:
        search(world, **args)
    assert message in str(err.value)


def test_run_tool_returns_errors_as_text(world) -> None:
    ctx = ctx_for(world)
    out = run_tool(ctx, "search_creators", {"countries": ["Frnace"]})
    assert not out.ok and out.text.startswith("Error: unknown country 'Frnace'")
    bad = run_tool(ctx, "search_creators", {"limit": 1000})
    assert bad.text.startswith("Error: invalid arguments")
    unknown = run_tool(ctx, "get_creator", {"handle": "@skin.by.sammy"})
    assert unknown.text == "Error: creator @skin.by.sammy not found — did you mean @skin.by.sam or @skinbysam?"
    ok = run_tool(ctx, "search_creators", {"platforms": ["instagram"], "limit": 2})
    assert ok.ok and '"kind":"creator_list"' in ok.text


def test_empty_result_names_the_most_restrictive_filter(world) -> None:
    r = search(world, countries=["Japan"], niches_any=["skincare"])
    assert r.items == [] and "No creators match" in r.summary
    assert any("most restrictive" in n or "on its own" in n for n in r.notes)
    r2 = search(world, niches_any=["yoga"])  # a known niche nobody in this workspace has
    assert r2.items == [] and "niche filter" in r2.notes[-1]


def test_topic_search_is_hybrid_with_the_vector_index(world) -> None:
    r = search(world, topic="calming routines for sensitive skin and redness")
    assert r.sort == "relevance" and r.items
    assert handles(r)[0] in {"zoe.skincare", "skin.by.sam", "skinbysam"}
    assert r.items[0].score is not None and any(x.startswith("topic match") for x in r.items[0].reasons)
    assert r.total is not None and r.total >= len(r.items)
    scores = [i.score for i in r.items]
    assert scores == sorted(scores, reverse=True)
    # Topic and SQL filters combine: only German creators, still ranked by the topic.
    de = search(world, topic="acne rosacea research explained", countries=["DE"])
    assert handles(de) and {i.country for i in de.items} == {"DE"}
    assert handles(de)[0] in {"dr.lena.derm", "lenahoffmann"}
    by_followers = search(world, topic="sensitive skin redness", sort="followers")
    assert [i.followers for i in by_followers.items] == sorted((i.followers for i in by_followers.items), reverse=True)


def test_topic_without_a_vector_index_is_a_clear_error(world) -> None:
    with pytest.raises(ToolError, match="topic search needs the vector index"):
        search_creators(ctx_for(world, vectors=False), SearchCreatorsInput(topic="sensitive skin"))


# --- get_creator -------------------------------------------------------------------------------------


def test_get_creator_profile(world) -> None:
    ctx = ctx_for(world)
    p = get_creator(ctx, GetCreatorInput(handle="@Skin.By.Sam"))
    assert p.kind == "creator_profile"
    assert p.creator.handle == "skin.by.sam" and p.creator.platform == "instagram"
    assert [(a.platform, a.tier) for a in p.accounts] == [("tiktok", "macro"), ("instagram", "micro")]
    assert p.accounts[1].engagement == "4.1% · reported"  # the imported rate: its basis is said
    assert "ER 4.1% · reported" in p.summary
    assert p.bio and "sensitive skin" in p.bio
    assert len(p.recent_posts) == 4 and p.recent_posts[0].caption.startswith("My CeraVe night routine")
    assert p.recent_posts[0].sponsored and p.recent_posts[0].brands == ["CeraVe"]
    assert p.brand_mentions[0].brand == "cerave" and p.brand_mentions[0].mentions == 3
    assert {c.campaign for c in p.collaborations} == {"Glow Launch", "Winter Care"}
    glow = next(c for c in p.collaborations if c.campaign == "Glow Launch")
    assert glow.agreed_fee == "$1,500.00" and glow.stage == "closed" and not glow.open
    assert [c.campaign for c in p.open_pipeline] == ["Winter Care"]
    assert ctx.memory.extra["focus"]["handle"] == "skin.by.sam"
    by_platform = get_creator(ctx, GetCreatorInput(handle="skinbysam", platform="TikTok"))
    assert by_platform.creator.creator_id == p.creator.creator_id and by_platform.creator.platform == "tiktok"
    by_id = get_creator(ctx, GetCreatorInput(creator_id=world["ids"]["omar"]))
    assert by_id.creator.kind == "kol" and by_id.accounts[0].handle == "omar_invests"


def test_get_creator_errors(world) -> None:
    ctx = ctx_for(world)
    with pytest.raises(ToolError, match=r"creator @fitwithmarko not found — did you mean @fitwithmarco\?"):
        get_creator(ctx, GetCreatorInput(handle="fitwithmarko"))
    with pytest.raises(ToolError, match="has no youtube account"):
        get_creator(ctx, GetCreatorInput(handle="skin.by.sam", platform="youtube"))
    with pytest.raises(ToolError, match="no creator with id"):
        get_creator(ctx, GetCreatorInput(creator_id=10**9))


# --- find_similar_creators -----------------------------------------------------------------------------


def test_lookalikes_exclude_the_seed_and_accept_search_filters(world) -> None:
    ctx = ctx_for(world)
    r = find_similar_creators(ctx, FindSimilarInput(handle="@zoe.skincare", limit=5))
    hs = handles(r)
    assert "zoe.skincare" not in hs
    assert hs[0] in {"skin.by.sam", "skinbysam", "chloe.skin"}
    assert any(x.startswith("shares niches") for x in r.items[0].reasons)
    assert any(x.startswith("similar content") for x in r.items[0].reasons)
    assert len({i.creator_id for i in r.items}) == len(r.items)  # one row per person
    assert ctx.memory.last_handles == hs
    de = find_similar_creators(ctx, FindSimilarInput(handle="zoe.skincare", countries=["Germany"]))
    assert handles(de) and all(i.country == "DE" for i in de.items)
    without = find_similar_creators(ctx_for(world, vectors=False), FindSimilarInput(handle="zoe.skincare", limit=3))
    assert handles(without) and "content similarity unavailable" in without.notes[0]
    with pytest.raises(ToolError, match="did you mean"):
        find_similar_creators(ctx, FindSimilarInput(handle="zoe.skincar"))


# --- classify_creator ----------------------------------------------------------------------------------


def test_classify_kol_influencer_and_disagreement(world) -> None:
    ctx = ctx_for(world)
    lena = classify_creator(ctx, ClassifyCreatorInput(handle="dr.lena.derm"))
    assert lena.kind == "classification" and lena.inferred_kind == "kol" and lena.stored_kind == "kol" and lena.agrees
    assert lena.confidence >= 0.8
    assert any("credentials on file" in x for x in lena.reasons) and any("linkedin" in x for x in lena.reasons)
    assert any("educational content" in x for x in lena.reasons)
    assert [(t.platform, t.tier) for t in lena.tiers] == [("instagram", "micro"), ("linkedin", "micro")]
    marco = classify_creator(ctx, ClassifyCreatorInput(handle="fitwithmarco"))
    assert marco.inferred_kind == "influencer" and marco.agrees
    assert {t.tier for t in marco.tiers} == {"mega", "celebrity"}
    ana = classify_creator(ctx, ClassifyCreatorInput(handle="ana.nutri"))
    assert ana.stored_kind == "influencer" and ana.inferred_kind == "kol" and not ana.agrees
    assert "evidence disagrees" in ana.summary
    with world["sessions"]() as s:  # read-only: nothing changed
        from memory.models import Creator

        assert s.get(Creator, world["ids"]["ana"]).kind == "influencer"


# --- recommend_creator_mix -----------------------------------------------------------------------------


def test_creator_mix_for_awareness_and_credibility(world) -> None:
    ctx = ctx_for(world)
    aw = recommend_creator_mix(ctx, RecommendMixInput(goal="reach", budget={"amount": 20000, "currency": "USD"}, niche="beauty"))
    assert aw.kind == "creator_mix" and aw.goal == "awareness" and aw.currency == "USD"
    shares = {s.key: s.share_pct for s in aw.segments}
    assert shares["mega"] > shares["kol"] and sum(shares.values()) == 100
    assert sum(s.budget_cents for s in aw.segments) == 2_000_000
    micro = next(s for s in aw.segments if s.key == "micro")
    assert micro.budget == "$5,000.00" and micro.expected_creators == "1–10"
    assert any("maximum exposure" in r for r in aw.reasons)
    cred = recommend_creator_mix(ctx, RecommendMixInput(goal="credibility", budget={"amount": 30000}, niche="skincare", countries=["FR", "DE"]))
    kol = next(s for s in cred.segments if s.key == "kol")
    assert kol.share_pct == 75 and any("research-heavy" in r for r in cred.reasons)
    assert {e.handle for e in kol.examples} <= {"dr.lena.derm", "lenahoffmann", "dr.paul.skin"} and kol.examples
    assert "mega" not in {s.key for s in cred.segments}
    assert "KOL" in "".join(cred.fee_assumptions)
    with pytest.raises(ToolError, match="unknown goal 'virality'.*Goals: awareness"):
        recommend_creator_mix(ctx, RecommendMixInput(goal="virality", budget={"amount": 1000}, niche="beauty"))


def test_creator_mix_without_an_fx_rate_gives_no_creator_counts_instead_of_reading_dollars_as_yen(world) -> None:
    ctx = ctx_for(world)
    mix = recommend_creator_mix(ctx, RecommendMixInput(goal="reach", budget={"amount": 3000000, "currency": "JPY"}, niche="beauty"))
    assert mix.budget == "¥3,000,000"
    assert all(s.expected_creators == "n/a (no FX rate)" for s in mix.segments)
    assert all(s.fee_range.startswith("$") for s in mix.segments)  # the fee table stays in its own currency
    assert any("no FX rate for JPY" in n for n in mix.notes)


# --- search_past_collaborations ------------------------------------------------------------------------


def test_what_did_we_pay_dermatologists_last_year_from_sql_only(world) -> None:
    r = search_past_collaborations(ctx_for(world, vectors=False), PastCollaborationsInput(
        query="What did we pay dermatologists last year and how did they perform?"))
    assert r.kind == "collaboration_records" and r.source == "sql"
    assert "not indexed" in r.notes[0]
    assert [rec.handle for rec in r.records] == ["dr.lena.derm"]  # Paul's deal is 2026, Sam is no dermatologist
    lena = r.records[0]
    assert (lena.year, lena.agreed_fee, lena.stage) == (2025, "$3,000.00", "paid")
    assert (lena.impressions, lena.clicks, lena.conversions, lena.revenue) == (120_000, 2_400, 150, "$9,000.00")
    assert lena.roas == pytest.approx(900_000 / 307_000, abs=0.01)
    assert lena.deliverables == ["1 × reel (posted)", "2 × story (posted)"]
    assert lena.credentials == "board-certified dermatologist"
    assert "Average agreed fee $3,000.00 over 1 record" in r.aggregate and "ROAS 2.93" in r.aggregate
    assert r.applied_filters["year"] == 2025


def test_past_collaborations_with_the_semantic_index(world) -> None:
    index_collaborations(world["sessions"], world["index"], workspace_id=world["ws"])
    ctx = ctx_for(world)
    r = search_past_collaborations(ctx, PastCollaborationsInput(query="what did we pay dermatologists last year and how did they perform?"))
    assert r.source == "semantic+sql" and [rec.handle for rec in r.records] == ["dr.lena.derm"]
    assert r.records[0].relevance is not None
    this_year = search_past_collaborations(ctx, PastCollaborationsInput(query="dermatologist fees this year"))
    assert [rec.handle for rec in this_year.records] == ["dr.paul.skin"]
    assert this_year.records[0].agreed_fee == "€2,000.00"
    lumiere = search_past_collaborations(ctx, PastCollaborationsInput(query="skincare launch", brand="lumière skin", limit=10))
    assert {rec.campaign for rec in lumiere.records} == {"Glow Launch", "Winter Care"}
    paid = search_past_collaborations(ctx, PastCollaborationsInput(query="analyst deals", stage="paid", kind="kol"))
    assert {rec.handle for rec in paid.records} == {"omar_invests"}
    with pytest.raises(ToolError, match="did you mean Glow Launch"):
        search_past_collaborations(ctx, PastCollaborationsInput(query="x", campaign="Glow Lunch"))
    with pytest.raises(ToolError, match="unknown stage"):
        search_past_collaborations(ctx, PastCollaborationsInput(query="x", stage="shipped-ish"))


def test_every_discovery_tool_is_registered_with_described_fields() -> None:
    from tools.registry import all_tools

    names = {"search_creators", "get_creator", "find_similar_creators", "classify_creator", "recommend_creator_mix",
             "search_past_collaborations"}
    specs = all_tools()
    assert names <= set(specs)
    for name in names:
        spec = specs[name]
        assert spec.description and spec.input_model.__doc__
        for field_name, info in spec.input_model.model_fields.items():
            assert info.description, f"{name}.{field_name} has no description"
