"""The retrieval index built from SQL, on SQLite and PostgreSQL: creator and collaboration
documents, semantic search with the real local embedder, incremental sync after edits
and deletes, full rebuilds, bulk loading, and the ``kolpilot index`` commands."""

from __future__ import annotations

import hashlib
import math
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import delete, event
from sqlmodel import select

from memory.db import session_scope
from memory.indexing import (
    collaboration_document,
    creator_document,
    format_money,
    index_collaborations,
    index_creators,
    rebuild,
    reindex_after_change,
    sql_counts,
)
from memory.models import (
    Account,
    AccountCreate,
    Campaign,
    CodeRedemption,
    Collaboration,
    Creator,
    CreatorCreate,
    Deliverable,
    DiscountCode,
    MetricSnapshot,
    NegotiationEvent,
    Payout,
    Post,
    PostCreate,
    Shipment,
    StageEvent,
)
from memory.repo.creators import upsert_creator_account, upsert_post
from memory.repo.workspaces import ensure_workspace
from memory.vectors import VectorIndex


class FakeEmbedder:
    """Deterministic bag-of-words hashing embedder for the tests that check bookkeeping
    rather than meaning (the semantic test uses the real LocalEmbedder)."""

    name = "fake-idx"
    dimension = 64

    def embed(self, texts: list[str]) -> list[list[float]]:
        out = []
        for text in texts:
            v = [0.0] * self.dimension
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                h = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "big")
                v[h % self.dimension] += 1.0
            norm = math.sqrt(sum(x * x for x in v)) or 1.0
            out.append([x / norm for x in v])
        return out


class SpyIndex(VectorIndex):
    """Records which ids each upsert wrote."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.upserted: list[tuple[str, list[str]]] = []

    def upsert(self, workspace_id, kind, items) -> None:  # noqa: ANN001
        self.upserted.append((kind, [i.id for i in items]))
        super().upsert(workspace_id, kind, items)


@pytest.fixture(scope="module")
def local_embedder():
    from memory.embeddings import LocalEmbedder

    return LocalEmbedder()


@pytest.fixture
def vi(tmp_path: Path):
    index = SpyIndex(embedder=FakeEmbedder(), path=tmp_path / "chroma")
    yield index
    index.close()


T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)

PEOPLE = {
    "skin": (
        CreatorCreate(
            name="Dr. Lena Park", kind="kol", credentials="board-certified dermatologist", niches="skincare; dermatology",
            bio="Dermatologist sharing gentle routines for sensitive, reactive skin, eczema and rosacea. "
            "Honest reviews of fragrance-free moisturisers and sunscreen.",
            country="US", city="Boston", language="en", email="lena@example.com",
        ),
        AccountCreate(platform="instagram", handle="dr.lena.skin", followers=82_000, engagement_rate=0.045),
        ["Why your moisturiser stings: barrier repair for sensitive skin", "Rosacea flare? Three calming steps",
         "SPF for reactive skin, tested", "Fragrance-free cleansers ranked", "Eczema myths, busted",
         "OLD caption one about nothing", "OLD caption two about nothing"],
    ),
    "gamer": (
        CreatorCreate(name="Max Volt", niches="gaming; esports", bio="Competitive FPS player streaming ranked matches, PC builds and keyboard reviews.",
                      country="DE", language="de"),
        AccountCreate(platform="twitch", handle="maxvolt", followers=310_000, engagement_rate=0.02),
        ["Ranked grind until diamond", "My new mechanical keyboard"],
    ),
    "chef": (
        CreatorCreate(name="Rosa Díaz", niches="food; travel", bio="Street food tours across Mexico City and quick weeknight recipes.",
                      country="MX", language="es"),
        AccountCreate(platform="tiktok", handle="rosacocina", followers=1_200_000, engagement_rate=0.061),
        ["Tacos al pastor at 2am", "Five-minute salsa verde"],
    ),
    "runner": (
        CreatorCreate(name="Tom Reed", niches="fitness; running", bio="Marathon training plans, running shoe reviews and recovery tips.",
                      country="GB", language="en"),
        AccountCreate(platform="youtube", handle="tomreedruns", followers=9_500, engagement_rate=0.08),
        ["Sub-3 marathon plan, week 1", "Carbon plate shoes compared"],
    ),
}


def _seed(sessions, workspace_id: str) -> dict[str, int]:
    """Four creators with posts, two campaigns, and a fully worked collaboration."""
    ids: dict[str, int] = {}
    with session_scope(sessions) as s:
        for key, (creator, account, captions) in PEOPLE.items():
            _, acc = upsert_creator_account(s, workspace_id=workspace_id, creator=creator, account=account)
            ids[key] = acc.creator_id
            ids[key + "_account"] = acc.id
            for n, caption in enumerate(captions):
                upsert_post(s, workspace_id=workspace_id, post=PostCreate(
                    platform=account.platform, handle=account.handle, url=f"https://example.com/{workspace_id}/{key}/{n}",
                    # The first captions are the newest; the "OLD" ones come last.
                    posted_at=T0 - timedelta(days=n), caption=caption,
                ))
        launch = Campaign(workspace_id=workspace_id, name="Calm Skin Launch", brand="Dermaluxe", goal="credibility",
                          start_date=date(2025, 3, 1), end_date=date(2025, 4, 30),
                          brief="Launch of a fragrance-free serum for sensitive skin; expert credibility first.")
        gaming = Campaign(workspace_id=workspace_id, name="Spring Gaming Push", brand="VoltDrinks", goal="awareness")
        s.add(launch)
        s.add(gaming)
        s.flush()
        ids["launch"], ids["gaming"] = launch.id, gaming.id
        c = Collaboration(workspace_id=workspace_id, campaign_id=launch.id, creator_id=ids["skin"], account_id=ids["skin_account"],
                          stage="paid", agreed_fee_cents=220_000, currency="USD", product_cost_cents=3_000, shipping_cost_cents=1_500,
                          terms="Usage rights 30 days on paid social; 60 days category exclusivity")
        g = Collaboration(workspace_id=workspace_id, campaign_id=gaming.id, creator_id=ids["gamer"], stage="negotiating")
        s.add(c)
        s.add(g)
        s.flush()
        ids["collab"], ids["gaming_collab"] = c.id, g.id
        s.add_all([
            NegotiationEvent(workspace_id=workspace_id, collaboration_id=c.id, kind="offer", party="brand", amount_cents=180_000,
                             currency="USD", deliverables="1 reel + 2 stories", usage_rights_days=30, exclusivity_days=60, at=T0),
            NegotiationEvent(workspace_id=workspace_id, collaboration_id=c.id, kind="counter", party="creator", amount_cents=250_000,
                             currency="USD", deliverables="1 reel + 2 stories", note="Asks more for exclusivity", at=T0 + timedelta(days=1)),
            NegotiationEvent(workspace_id=workspace_id, collaboration_id=c.id, kind="accept", party="brand", amount_cents=220_000,
                             currency="USD", at=T0 + timedelta(days=2)),
            NegotiationEvent(workspace_id=workspace_id, collaboration_id=g.id, kind="offer", party="brand", amount_cents=150_000,
                             currency="EUR", deliverables="2 stream mentions", at=T0),
            Deliverable(workspace_id=workspace_id, collaboration_id=c.id, type="reel", count=1, due_date=date(2025, 3, 10),
                        status="posted", content_url="https://instagram.com/p/reel1", feedback="Mention fragrance-free twice"),
            Deliverable(workspace_id=workspace_id, collaboration_id=c.id, type="story", count=2, due_date=date(2025, 3, 12), status="posted"),
            Shipment(workspace_id=workspace_id, collaboration_id=c.id, product="Calm Skin serum kit", carrier="DHL", status="delivered", cost_cents=1_500),
            DiscountCode(workspace_id=workspace_id, collaboration_id=c.id, code="LENA15", discount_pct=15),
            CodeRedemption(workspace_id=workspace_id, code="LENA15", date=date(2025, 3, 15), orders=12, revenue_cents=54_000),
            Payout(workspace_id=workspace_id, collaboration_id=c.id, amount_cents=220_000, currency="USD", status="paid",
                   proposed_by="U1", paid_at=T0 + timedelta(days=40)),
            StageEvent(workspace_id=workspace_id, collaboration_id=c.id, from_stage="negotiating", to_stage="agreed",
                       note="Signed after counter", at=T0 + timedelta(days=2)),
            # Cumulative snapshots: only the latest per deliverable counts.
            MetricSnapshot(workspace_id=workspace_id, campaign_id=launch.id, account_id=ids["skin_account"], collaboration_id=c.id,
                           deliverable_url="https://instagram.com/p/reel1", date=date(2025, 3, 11), impressions=50_000, reach=40_000,
                           clicks=1_000, conversions=80, revenue_cents=300_000),
            MetricSnapshot(workspace_id=workspace_id, campaign_id=launch.id, account_id=ids["skin_account"], collaboration_id=c.id,
                           deliverable_url="https://instagram.com/p/reel1", date=date(2025, 3, 20), impressions=120_000, reach=90_000,
                           likes=6_000, comments=400, clicks=3_100, conversions=210, revenue_cents=840_000),
            # Not linked to the collaboration at import: matched through campaign + account.
            MetricSnapshot(workspace_id=workspace_id, campaign_id=launch.id, account_id=ids["skin_account"], collaboration_id=None,
                           deliverable_url="https://instagram.com/stories/1", date=date(2025, 3, 13), impressions=30_000, reach=25_000,
                           clicks=400, conversions=20, revenue_cents=60_000),
        ])
    return ids


def _stored_document(vi: VectorIndex, workspace_id: str, kind: str, key: str, value: int) -> str:
    hits = vi.query_by_vector(workspace_id, kind, [1.0] * vi.embedder.dimension, n=1, where={key: value})
    assert hits, f"no {kind} document with {key}={value}"
    return hits[0].document or ""


def test_documents_format_money_from_cents_and_currency() -> None:
    assert format_money(220_000, "USD") == "$2,200.00"
    assert format_money(150_050, "eur") == "€1,500.50"
    assert format_money(99, "CHF") == "CHF 0.99"


def test_semantic_query_with_the_real_local_embedder_finds_the_skincare_creator(
    sessions, workspace_id: str, local_embedder, tmp_path: Path
) -> None:
    ids = _seed(sessions, workspace_id)
    index = VectorIndex(embedder=local_embedder, path=tmp_path / "chroma-local")
    try:
        assert index_creators(sessions, index, workspace_id=workspace_id) == 4
        hits = index.query(workspace_id, "creators", "talks about sensitive skin", n=4)
        assert hits[0].metadata["creator_id"] == ids["skin"]
        assert hits[0].score > hits[1].score + 0.1
        assert index.query(workspace_id, "creators", "competitive video games", n=1)[0].metadata["creator_id"] == ids["gamer"]
        # Hybrid search scores a SQL-filtered candidate set with the same vectors.
        sims = index.similarity(workspace_id, "creators", "marathon training", [str(ids["runner"]), str(ids["chef"])])
        assert sims[str(ids["runner"])] > sims[str(ids["chef"])]
        assert index_collaborations(sessions, index, workspace_id=workspace_id) == 2
        hit = index.query(workspace_id, "collaborations", "what did we pay a dermatologist for a reel?", n=1)[0]
        assert hit.metadata["collaboration_id"] == ids["collab"]
    finally:
        index.close()


def test_creator_document_lists_profile_platforms_and_the_five_newest_captions(sessions, workspace_id: str) -> None:
    ids = _seed(sessions, workspace_id)
    with sessions() as s:
        creator = s.get(Creator, ids["skin"])
        accounts = list(s.exec(select(Account).where(Account.creator_id == creator.id)))
        posts = list(s.exec(select(Post).where(Post.account_id == accounts[0].id)))
        item = creator_document(s, creator=creator, accounts=accounts, posts=posts)
    assert item.id == str(ids["skin"])
    text = item.text
    for expected in ("Dr. Lena Park", "KOL", "board-certified dermatologist", "skincare, dermatology", "rosacea",
                     "instagram @dr.lena.skin (micro)", "Eczema myths, busted", "Why your moisturiser stings"):
        assert expected in text
    assert "OLD caption" not in text  # only the 5 most recent captions
    assert text.index("board-certified") < text.index("Bio:") < text.index("Platforms:") < text.index("Recent posts:")
    assert item.metadata == {"creator_id": ids["skin"], "kind": "kol", "country": "US", "language": "en",
                             "niches": "skincare;dermatology", "max_followers": 82_000}


def test_collaboration_document_spells_out_the_deal_and_its_results(sessions, workspace_id: str) -> None:
    ids = _seed(sessions, workspace_id)
    with sessions() as s:
        item = collaboration_document(s, collaboration=s.get(Collaboration, ids["collab"]))
    text = item.text
    for expected in (
        'campaign "Calm Skin Launch"', "brand Dermaluxe", "goal: credibility", "fragrance-free serum",
        "@dr.lena.skin on instagram", "board-certified dermatologist", "Country: US", "Stage: paid",
        "brand offered $1,800.00 for 1 reel + 2 stories; usage rights 30 days; exclusivity 60 days",
        "creator countered with $2,500.00", "brand accepted $2,200.00", "Agreed fee: $2,200.00",
        "1 × reel due 2025-03-10 (posted)", "2 × story", "Calm Skin serum kit via DHL (delivered, cost $15.00)",
        "LENA15 (15% off): 12 orders, $540.00", "$2,200.00 paid", "Signed after counter", "Mention fragrance-free twice",
    ):
        assert expected in text, expected
    # Latest snapshot per deliverable, summed: reel (120,000) + story (30,000); not 200,000.
    assert "150,000 impressions" in text and "115,000 reach" in text
    assert "3,500 clicks" in text and "230 conversions" in text and "revenue $9,000.00" in text
    assert "ROAS 4.01" in text  # 9,000 / (2,200 + 30 product + 15 shipping)
    meta = item.metadata
    assert meta["collaboration_id"] == ids["collab"] and meta["campaign_id"] == ids["launch"]
    assert (meta["campaign"], meta["brand"], meta["creator_id"], meta["kind"]) == ("Calm Skin Launch", "Dermaluxe", ids["skin"], "kol")
    assert (meta["stage"], meta["agreed_fee_cents"], meta["currency"], meta["year"]) == ("paid", 220_000, "USD", 2025)
    with sessions() as s:
        open_deal = collaboration_document(s, collaboration=s.get(Collaboration, ids["gaming_collab"]))
    assert "brand offered €1,500.00 for 2 stream mentions" in open_deal.text
    assert "agreed_fee_cents" not in open_deal.metadata and "ROAS" not in open_deal.text
    assert open_deal.metadata["year"] == datetime.now(UTC).year  # no start date: the collaboration's creation


def test_rebuild_indexes_the_workspace_only_and_reports_progress(sessions, workspace_id: str, vi: SpyIndex) -> None:
    ids = _seed(sessions, workspace_id)
    other = workspace_id + "o"
    with session_scope(sessions) as s:
        ensure_workspace(s, workspace_id=other)
        upsert_creator_account(s, workspace_id=other, creator=CreatorCreate(name="Elsewhere"),
                               account=AccountCreate(platform="instagram", handle="elsewhere", followers=5))
    calls: list[tuple[str, int, int]] = []
    counts = rebuild(sessions, vi, workspace_id=workspace_id, on_progress=lambda k, d, t: calls.append((k, d, t)))
    assert counts == {"creators": 4, "collaborations": 2}
    assert (vi.count(workspace_id, "creators"), vi.count(workspace_id, "collaborations")) == (4, 2)
    assert vi.count(other, "creators") == 0
    assert ("creators", 4, 4) in calls and ("collaborations", 2, 2) in calls
    assert sql_counts(sessions, workspace_id=workspace_id) == {"creators": 4, "collaborations": 2}
    assert rebuild(sessions, vi, workspace_id=workspace_id, what="creators") == {"creators": 4}
    assert vi.count(workspace_id, "collaborations") == 2
    assert rebuild(sessions, vi, workspace_id=other, what="creators") == {"creators": 1}
    assert {h.metadata["creator_id"] for h in vi.query(workspace_id, "creators", "Elsewhere", n=10)} == {
        ids["skin"], ids["gamer"], ids["chef"], ids["runner"]}
    with pytest.raises(ValueError, match="unknown index"):
        rebuild(sessions, vi, workspace_id=workspace_id, what="posts")


def test_incremental_reindex_after_a_bio_change_rewrites_only_that_creator(sessions, workspace_id: str, vi: SpyIndex) -> None:
    ids = _seed(sessions, workspace_id)
    rebuild(sessions, vi, workspace_id=workspace_id)
    vi.upserted.clear()
    with session_scope(sessions) as s:
        gamer = s.get(Creator, ids["gamer"])
        gamer.bio = "Now mostly cozy farming games and energy drink taste tests."
        gamer.niches = "gaming;energy drinks"
    reindex_after_change(sessions, vi, workspace_id=workspace_id, creator_ids=[ids["gamer"]])
    assert vi.upserted == [("creators", [str(ids["gamer"])]), ("collaborations", [str(ids["gaming_collab"])])]
    assert "cozy farming games" in _stored_document(vi, workspace_id, "creators", "creator_id", ids["gamer"])
    assert "energy drinks" in _stored_document(vi, workspace_id, "collaborations", "collaboration_id", ids["gaming_collab"])
    assert "cozy" not in _stored_document(vi, workspace_id, "creators", "creator_id", ids["skin"])
    assert vi.count(workspace_id, "creators") == 4
    # Nothing configured: the hook is a no-op rather than an error.
    reindex_after_change(sessions, None, workspace_id=workspace_id, creator_ids=[ids["gamer"]])


def test_reindexing_unchanged_creators_embeds_nothing(sessions, workspace_id: str, vi: SpyIndex) -> None:
    ids = _seed(sessions, workspace_id)
    index_creators(sessions, vi, workspace_id=workspace_id)
    embedded = vi.stats["embedded"]
    with session_scope(sessions) as s:
        s.get(Account, ids["runner_account"]).followers = 12_000  # nano -> micro: the text changes
        s.get(Account, ids["chef_account"]).followers = 1_300_000  # same tier: only metadata changes
    index_creators(sessions, vi, workspace_id=workspace_id)
    assert vi.stats["embedded"] == embedded + 1
    assert vi.stats["metadata_only"] == 1 and vi.stats["unchanged"] == 2
    hit = vi.query(workspace_id, "creators", "street food", n=1, where={"creator_id": ids["chef"]})[0]
    assert hit.metadata["max_followers"] == 1_300_000
    assert "youtube @tomreedruns (micro)" in _stored_document(vi, workspace_id, "creators", "creator_id", ids["runner"])


def test_a_deleted_creator_disappears_with_their_collaborations(sessions, workspace_id: str, vi: SpyIndex) -> None:
    ids = _seed(sessions, workspace_id)
    rebuild(sessions, vi, workspace_id=workspace_id)
    with session_scope(sessions) as s:
        s.exec(delete(Creator).where(Creator.id == ids["gamer"]))  # cascades to accounts and collaborations
    reindex_after_change(sessions, vi, workspace_id=workspace_id, creator_ids=[ids["gamer"]])
    assert vi.count(workspace_id, "creators") == 3
    assert str(ids["gamer"]) not in {h.id for h in vi.query(workspace_id, "creators", "gaming esports keyboard", n=10)}
    assert vi.ids(workspace_id, "collaborations") == [str(ids["collab"])]


def test_reindex_after_a_crm_change_updates_and_removes_collaborations(sessions, workspace_id: str, vi: SpyIndex) -> None:
    ids = _seed(sessions, workspace_id)
    index_collaborations(sessions, vi, workspace_id=workspace_id)
    with session_scope(sessions) as s:
        g = s.get(Collaboration, ids["gaming_collab"])
        g.stage, g.agreed_fee_cents, g.currency = "agreed", 140_000, "EUR"
        s.add(NegotiationEvent(workspace_id=workspace_id, collaboration_id=g.id, kind="accept", party="creator",
                               amount_cents=140_000, currency="EUR", at=T0 + timedelta(days=3)))
    vi.upserted.clear()
    reindex_after_change(sessions, vi, workspace_id=workspace_id, collaboration_ids=[ids["gaming_collab"]])
    assert vi.upserted == [("collaborations", [str(ids["gaming_collab"])])]
    doc = _stored_document(vi, workspace_id, "collaborations", "collaboration_id", ids["gaming_collab"])
    assert "creator accepted €1,400.00" in doc and "Agreed fee: €1,400.00" in doc and "Stage: agreed" in doc
    hits = vi.query(workspace_id, "collaborations", "anything", n=5, where={"stage": "agreed"})
    assert [h.metadata["agreed_fee_cents"] for h in hits] == [140_000]
    with session_scope(sessions) as s:
        s.exec(delete(Collaboration).where(Collaboration.id == ids["collab"]))
    reindex_after_change(sessions, vi, workspace_id=workspace_id, collaboration_ids=[ids["collab"]])
    assert vi.ids(workspace_id, "collaborations") == [str(ids["gaming_collab"])]


def test_a_full_index_drops_entries_deleted_without_a_reindex_call(sessions, workspace_id: str, vi: SpyIndex) -> None:
    ids = _seed(sessions, workspace_id)
    index_creators(sessions, vi, workspace_id=workspace_id)
    with session_scope(sessions) as s:
        s.exec(delete(Creator).where(Creator.id == ids["chef"]))
    assert index_creators(sessions, vi, workspace_id=workspace_id) == 3
    assert sorted(vi.ids(workspace_id, "creators")) == sorted(str(ids[k]) for k in ("skin", "gamer", "runner"))


def test_index_creators_bulk_loads_a_few_selects_per_batch(sessions, engine, workspace_id: str, vi: SpyIndex) -> None:
    with session_scope(sessions) as s:
        for n in range(12):
            upsert_creator_account(s, workspace_id=workspace_id, creator=CreatorCreate(name=f"Creator {n}", niches="beauty", email=f"c{n}@example.com"),
                                   account=AccountCreate(platform="instagram", handle=f"bulk{n}", followers=1_000 * n))
            upsert_creator_account(s, workspace_id=workspace_id, creator=CreatorCreate(email=f"c{n}@example.com"),
                                   account=AccountCreate(platform="instagram", handle=f"bulk{n}b", followers=10))
            for p in range(7):
                upsert_post(s, workspace_id=workspace_id, post=PostCreate(platform="instagram", handle=f"bulk{n}",
                            url=f"https://example.com/{workspace_id}/bulk/{n}/{p}", posted_at=T0 - timedelta(hours=p),
                            caption=f"post {p} of creator {n}"))
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(statement)

    progress: list[tuple[int, int]] = []
    event.listen(engine, "before_cursor_execute", count)
    try:
        written = index_creators(sessions, vi, workspace_id=workspace_id, batch_size=5, on_progress=lambda d, t: progress.append((d, t)))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert written == 12
    # 1 for the id list + 3 batches x (creators, accounts, recent posts).
    assert len(statements) <= 10, statements
    assert progress == [(0, 12), (5, 12), (10, 12), (12, 12)]
    assert [len(ids) for kind, ids in vi.upserted] == [5, 5, 2]
    doc = _stored_document(vi, workspace_id, "creators", "max_followers", 11_000)
    assert "post 4 of creator 11" in doc and "post 5 of creator 11" not in doc


def test_index_cli_rebuild_and_status(tmp_path: Path, local_embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from agent.cli import index_cmds
    from agent.cli.state import CliState

    monkeypatch.chdir(tmp_path)  # no stray .env is read
    state = CliState(data_dir=tmp_path / "data", workspace="local")
    # Reuse the already loaded model; everything else comes from Settings as in production.
    monkeypatch.setattr("memory.embeddings.make_embedder", lambda *a, **kw: local_embedder)
    with session_scope(state.runtime.sessions) as s:
        ensure_workspace(s, workspace_id="local")
    _seed(state.runtime.sessions, "local")

    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context) -> None:
        ctx.obj = state

    index_cmds.register(app)
    runner = CliRunner()
    before = runner.invoke(app, ["index", "status"])
    assert before.exit_code == 0, before.output
    assert "out of sync" in before.output
    result = runner.invoke(app, ["index", "rebuild", "--what", "all"])
    assert result.exit_code == 0, result.output
    assert "Indexed 4 creators, 2 collaborations in workspace local" in result.output
    after = runner.invoke(app, ["index", "status", "--workspace", "local"])
    assert after.exit_code == 0 and "out of sync" not in after.output and "in sync" in after.output
    bad = runner.invoke(app, ["index", "rebuild", "--what", "posts"])
    assert bad.exit_code != 0
