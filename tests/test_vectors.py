"""The vector store on an embedded Chroma: writes, reads, workspace isolation, one
collection per embedder, refusal to mix dimensions, persistence across instances."""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pytest

from memory.vectors import VectorHit, VectorIndex, VectorIndexError, VectorItem, workspace_slug


class FakeEmbedder:
    """Deterministic bag-of-words hashing embedder: texts sharing words are similar.
    Fast and model-free, for testing the store itself (the real model is exercised in
    test_indexing.py)."""

    def __init__(self, name: str = "fake-a", dimension: int = 128) -> None:
        self.name = name
        self.dimension = dimension
        self.calls: list[int] = []

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(len(texts))
        out = []
        for text in texts:
            v = [0.0] * self.dimension
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                h = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "big")
                v[h % self.dimension] += 1.0
            norm = math.sqrt(sum(x * x for x in v)) or 1.0
            out.append([x / norm for x in v])
        return out


def _cos(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


ITEMS = [
    VectorItem(id="1", text="skincare serum for sensitive skin routine", metadata={"kind": "influencer", "country": "FR", "max_followers": 45_000}),
    VectorItem(id="2", text="pc gaming streams and esports tournaments", metadata={"kind": "influencer", "country": "US", "max_followers": 900_000}),
    VectorItem(id="3", text="dermatologist explains acne and sensitive skin science", metadata={"kind": "kol", "country": "FR", "max_followers": 12_000}),
    VectorItem(id="4", text="budget travel beaches and street food", metadata={"kind": "influencer", "country": "TH", "max_followers": 3_000}),
]


@pytest.fixture
def index(tmp_path: Path) -> VectorIndex:
    vi = VectorIndex(embedder=FakeEmbedder(), path=tmp_path / "chroma")
    yield vi
    vi.close()


def test_upsert_count_query_and_scores_are_cosine(index: VectorIndex) -> None:
    index.upsert("ws1", "creators", ITEMS)
    assert index.count("ws1", "creators") == 4
    hits = index.query("ws1", "creators", "skincare serum for sensitive skin routine", n=2)
    assert [h.id for h in hits][0] == "1"
    assert isinstance(hits[0], VectorHit)
    assert hits[0].score == pytest.approx(1.0, abs=1e-4)  # identical text: cosine 1
    assert hits[0].document == ITEMS[0].text
    assert hits[0].metadata["country"] == "FR" and hits[0].metadata["max_followers"] == 45_000
    assert len(hits) == 2 and hits[0].score >= hits[1].score
    # n larger than the collection is fine.
    assert len(index.query("ws1", "creators", "anything", n=50)) == 4


def test_upsert_replaces_by_id_and_delete_removes(index: VectorIndex) -> None:
    index.upsert("ws1", "creators", ITEMS)
    index.upsert("ws1", "creators", [VectorItem(id="4", text="luxury watches and cars", metadata={"kind": "influencer"})])
    assert index.count("ws1", "creators") == 4
    hits = index.query("ws1", "creators", "luxury watches and cars", n=1)
    assert hits[0].id == "4" and hits[0].document == "luxury watches and cars"
    index.delete("ws1", "creators", ["4", "does-not-exist"])
    assert index.count("ws1", "creators") == 3
    assert "4" not in {h.id for h in index.query("ws1", "creators", "luxury watches", n=10)}
    index.delete("ws1", "creators", [])  # an empty list deletes nothing (Chroma would read it as "all")
    assert index.count("ws1", "creators") == 3


def test_only_changed_text_is_embedded_again(index: VectorIndex) -> None:
    emb = index.embedder
    index.upsert("ws1", "creators", ITEMS)
    assert index.stats["embedded"] == 4 and sum(emb.calls) == 4
    index.upsert("ws1", "creators", ITEMS)  # a re-run of the same import
    assert sum(emb.calls) == 4 and index.stats["unchanged"] == 4
    moved = VectorItem(id="2", text=ITEMS[1].text, metadata={**ITEMS[1].metadata, "max_followers": 950_000})
    index.upsert("ws1", "creators", [moved])  # only metadata changed: the stored vector is kept
    assert sum(emb.calls) == 4 and index.stats["metadata_only"] == 1
    hit = index.query("ws1", "creators", ITEMS[1].text, n=1)[0]
    assert hit.id == "2" and hit.metadata["max_followers"] == 950_000 and hit.score == pytest.approx(1.0, abs=1e-4)
    index.upsert("ws1", "creators", [VectorItem(id="2", text="now a cooking channel", metadata=moved.metadata)])
    assert index.stats["embedded"] == 5
    assert index.query("ws1", "creators", "now a cooking channel", n=1)[0].id == "2"


def test_where_filters_single_and_several_fields(index: VectorIndex) -> None:
    index.upsert("ws1", "creators", ITEMS)
    hits = index.query("ws1", "creators", "sensitive skin", where={"kind": "kol"})
    assert [h.id for h in hits] == ["3"]
    hits = index.query("ws1", "creators", "sensitive skin", where={"country": "FR", "kind": "influencer"})
    assert [h.id for h in hits] == ["1"]
    hits = index.query("ws1", "creators", "skin", where={"max_followers": {"$gte": 40_000}})
    assert {h.id for h in hits} == {"1", "2"}


def test_similarity_and_get_vectors_score_a_given_candidate_set(index: VectorIndex) -> None:
    index.upsert("ws1", "creators", ITEMS)
    vecs = index.get_vectors("ws1", "creators", ["1", "3", "missing"])
    assert set(vecs) == {"1", "3"}
    expected = index.embedder.embed([ITEMS[0].text])[0]
    assert vecs["1"] == pytest.approx(expected, abs=1e-6)  # Chroma stores float32
    sims = index.similarity("ws1", "creators", "sensitive skin", ["1", "3", "2", "missing"])
    assert set(sims) == {"1", "2", "3"}
    q = index.embed_query("sensitive skin")
    for i in ("1", "2", "3"):
        assert sims[i] == pytest.approx(_cos(q, index.get_vectors("ws1", "creators", [i])[i]), abs=1e-5)
    assert sims["1"] > sims["2"] and sims["3"] > sims["2"]
    assert index.similarity("ws1", "creators", "x", []) == {}
    assert index.get_vectors("ws1", "creators", []) == {}


def test_query_by_vector_finds_lookalikes(index: VectorIndex) -> None:
    index.upsert("ws1", "creators", ITEMS)
    own = index.get_vectors("ws1", "creators", ["3"])["3"]
    hits = index.query_by_vector("ws1", "creators", own, n=2)
    assert hits[0].id == "3" and hits[0].score == pytest.approx(1.0, abs=1e-4)
    assert hits[1].id == "1"  # the other "sensitive skin" document
    assert index.query_by_vector("ws1", "creators", own, n=5, where={"kind": "influencer"})[0].id == "1"


def test_workspaces_never_see_each_other(index: VectorIndex) -> None:
    index.upsert("T-alpha", "creators", ITEMS[:2])
    index.upsert("T-beta", "creators", ITEMS[2:])
    assert index.count("T-alpha", "creators") == 2 and index.count("T-beta", "creators") == 2
    assert {h.id for h in index.query("T-alpha", "creators", "sensitive skin", n=10)} == {"1", "2"}
    assert {h.id for h in index.query("T-beta", "creators", "sensitive skin", n=10)} == {"3", "4"}
    assert index.get_vectors("T-beta", "creators", ["1"]) == {}
    assert index.similarity("T-beta", "creators", "skin", ["1", "2"]) == {}
    index.reset("T-alpha", "creators")
    assert index.count("T-alpha", "creators") == 0
    assert index.count("T-beta", "creators") == 2
    # Kinds are separate collections too.
    assert index.count("T-beta", "collaborations") == 0


def test_reads_on_a_missing_collection_do_not_create_it(index: VectorIndex) -> None:
    assert index.count("nobody", "creators") == 0
    assert index.query("nobody", "creators", "skin") == []
    assert index.ids("nobody", "creators") == []
    index.delete("nobody", "creators", ["1"])
    assert index.collection_name("nobody", "creators") not in {c.name for c in index.client.list_collections()}


def test_unknown_kind_is_rejected(index: VectorIndex) -> None:
    with pytest.raises(ValueError, match="unknown index kind"):
        index.upsert("ws1", "posts", ITEMS)


def test_workspace_ids_are_slugged_safely_and_deterministically(index: VectorIndex) -> None:
    assert workspace_slug("local") == "local"
    assert workspace_slug("T0123ABC") == "T0123ABC"
    odd = "Acme Corp / été..2026_"
    slug = workspace_slug(odd)
    assert slug == workspace_slug(odd)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]", slug)
    assert workspace_slug("a b") != workspace_slug("a-b")
    assert workspace_slug("-") != workspace_slug("_")
    long = "x" * 300
    assert len(workspace_slug(long)) < 100
    for wid in (odd, "-", "é", long, "1.2.3.4"):
        index.upsert(wid, "creators", ITEMS[:1])
        assert index.count(wid, "creators") == 1
        name = index.collection_name(wid, "creators")
        assert 3 <= len(name) <= 512 and ".." not in name


def test_each_embedder_gets_its_own_collection(tmp_path: Path) -> None:
    a = VectorIndex(embedder=FakeEmbedder("fake-a", 32), path=tmp_path / "chroma")
    b = VectorIndex(embedder=FakeEmbedder("fake-b", 48), path=tmp_path / "chroma")
    try:
        assert a.collection_name("ws", "creators") != b.collection_name("ws", "creators")
        a.upsert("ws", "creators", ITEMS)
        assert b.count("ws", "creators") == 0
        b.upsert("ws", "creators", ITEMS[:1])
        assert (a.count("ws", "creators"), b.count("ws", "creators")) == (4, 1)
        col = a.client.get_collection(a.collection_name("ws", "creators"), embedding_function=None)
        assert col.metadata["embedder"] == "fake-a" and col.metadata["dimension"] == 32
        assert col.configuration_json["hnsw"]["space"] == "cosine"
    finally:
        a.close()
        b.close()


class _PinnedName(VectorIndex):
    """Forces two embedders onto one collection name, as a suffix collision or a
    hand-edited store would."""

    def collection_name(self, workspace_id: str, kind: str) -> str:
        return f"{kind}__{workspace_id}__pinned"


def test_writing_another_embedders_vectors_into_a_collection_is_refused(tmp_path: Path) -> None:
    a = _PinnedName(embedder=FakeEmbedder("fake-a", 32), path=tmp_path / "chroma")
    other_dim = _PinnedName(embedder=FakeEmbedder("fake-a", 16), path=tmp_path / "chroma")
    other_name = _PinnedName(embedder=FakeEmbedder("fake-b", 32), path=tmp_path / "chroma")
    try:
        a.upsert("ws", "creators", ITEMS)
        with pytest.raises(VectorIndexError, match=r"32-dimensional.*refusing to write 16-dimensional"):
            other_dim.upsert("ws", "creators", ITEMS[:1])
        with pytest.raises(VectorIndexError, match=r"embedder 'fake-a'.*refusing.*'fake-b'"):
            other_name.upsert("ws", "creators", ITEMS[:1])
        with pytest.raises(VectorIndexError):
            other_dim.query("ws", "creators", "skin")
        assert a.count("ws", "creators") == 4  # nothing was mixed in
    finally:
        for vi in (a, other_dim, other_name):
            vi.close()


def test_an_embedder_returning_the_wrong_dimension_is_refused(index: VectorIndex) -> None:
    class Liar(FakeEmbedder):
        def embed(self, texts: list[str]) -> list[list[float]]:
            return [v + [0.0] for v in super().embed(texts)]

    liar = VectorIndex(embedder=Liar("fake-a", 128), path=index.path)
    with pytest.raises(VectorIndexError, match="declares dimension 128"):
        liar.upsert("ws1", "creators", ITEMS)


def test_vectors_persist_across_instances(tmp_path: Path) -> None:
    first = VectorIndex(embedder=FakeEmbedder(), path=tmp_path / "chroma")
    first.upsert("ws1", "creators", ITEMS)
    # Closing the last client stops Chroma's shared in-process system, so the second
    # instance really opens the store from disk.
    first.close()
    second = VectorIndex(embedder=FakeEmbedder(), path=tmp_path / "chroma")
    try:
        assert second.count("ws1", "creators") == 4
        assert second.query("ws1", "creators", "street food travel", n=1)[0].id == "4"
    finally:
        second.close()


def test_embedding_happens_in_batches(tmp_path: Path) -> None:
    emb = FakeEmbedder()
    vi = VectorIndex(embedder=emb, path=tmp_path / "chroma", batch_size=3)
    try:
        items = [VectorItem(id=str(i), text=f"creator number {i}", metadata={"n": i}) for i in range(10)]
        vi.upsert("ws", "creators", items)
        assert emb.calls == [3, 3, 3, 1]
        assert vi.count("ws", "creators") == 10
        assert sorted(vi.ids("ws", "creators", where={"n": {"$lt": 3}})) == ["0", "1", "2"]
    finally:
        vi.close()


def test_a_path_or_url_is_required() -> None:
    with pytest.raises(ValueError):
        VectorIndex(embedder=FakeEmbedder())


def test_from_settings_uses_the_embedded_store_under_the_data_dir(settings) -> None:
    vi = VectorIndex.from_settings(settings)
    assert vi.url is None and vi.path == settings.resolved_chroma_path
    remote = VectorIndex.from_settings(settings.model_copy(update={"chroma_url": "http://127.0.0.1:8123"}))
    assert remote.url == "http://127.0.0.1:8123" and remote.path is None
