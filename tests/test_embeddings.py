"""Tests for memory.embeddings: the local MiniLM embedder (against the sentence-transformers
reference vectors), its integrity check and lazy loading, and the OpenAI-compatible embedder
against the fake server on 127.0.0.1."""

from __future__ import annotations

import json
import math
import re
import threading
from pathlib import Path

import numpy as np
import pytest

import memory.embeddings as emb
from memory.embeddings import (
    MODEL_SAFETENSORS_SHA256,
    Embedder,
    EmbeddingModelError,
    LocalEmbedder,
    OpenAIEmbedder,
    collection_suffix,
    make_embedder,
)
from tests.fakes.openai_server import FakeOpenAIServer, FakeResponse

FIXTURE = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "minilm_reference.json"
MIN_COSINE = 0.999


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def local() -> LocalEmbedder:
    return LocalEmbedder()


def _cosines(got: list[list[float]], want: list[list[float]]) -> np.ndarray:
    a = np.asarray(got, dtype=np.float64)
    b = np.asarray(want, dtype=np.float64)
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


# --- local embedder: correctness ------------------------------------------------------------


def test_expected_sha_matches_reference_fixture(reference: dict) -> None:
    assert MODEL_SAFETENSORS_SHA256 == reference["model_safetensors_sha256"]


@pytest.mark.parametrize("backend", ["auto", "numpy"])
def test_local_embedder_reproduces_sentence_transformers(reference: dict, backend: str) -> None:
    texts, want = reference["texts"], reference["embeddings"]
    # The fixture covers the edge cases we care about; make sure it still does.
    assert "" in texts and max(map(len, texts)) > 2000
    got = LocalEmbedder(backend=backend).embed(texts)
    assert len(got) == len(texts) and all(len(v) == 384 for v in got)
    cos = _cosines(got, want)
    bad = [(i, round(float(c), 6), texts[i][:40]) for i, c in enumerate(cos) if not c >= MIN_COSINE]
    assert not bad, f"min cosine {cos.min():.6f} ({backend}); below {MIN_COSINE}: {bad}"
    print(f"{backend}: min cosine vs sentence-transformers = {cos.min():.9f}")


def test_local_embedder_basics(local: LocalEmbedder) -> None:
    assert local.name == "local-all-minilm-l6-v2"
    assert local.dimension == 384
    assert isinstance(local, Embedder)
    assert local.embed([]) == []
    texts = [
        "Protein pancakes for leg day",
        "",
        "Best budget travel credit cards 2026",
        "Protein pancakes for leg day",
    ]
    vectors = local.embed(texts)
    assert all(isinstance(x, float) for v in vectors for x in v)
    norms = np.linalg.norm(np.asarray(vectors), axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)
    assert np.isfinite(vectors).all()
    # Output order follows input order even though batches are length-sorted internally.
    np.testing.assert_allclose(vectors[0], vectors[3], atol=1e-6)
    again = local.embed(list(reversed(texts)))
    np.testing.assert_allclose(np.asarray(again)[::-1], np.asarray(vectors), atol=1e-5)
    # Batch composition must not change a text's vector (padding is masked out).
    alone = local.embed([texts[2]])[0]
    np.testing.assert_allclose(alone, vectors[2], atol=1e-5)


def test_local_embedder_truncates_at_256_tokens(local: LocalEmbedder) -> None:
    long_text = " ".join(f"sunscreen{i % 7} routine" for i in range(400))  # far beyond 256 tokens
    base, extended, short = local.embed([long_text, long_text + " completely unrelated tail text", "hi"])
    assert _cosines([base], [extended])[0] > 0.99999  # the tail is past the cut-off
    assert _cosines([base], [short])[0] < 0.9


def test_small_batches_match_large_batches(reference: dict, local: LocalEmbedder) -> None:
    texts = reference["texts"]
    small = LocalEmbedder(batch_size=3).embed(texts)
    np.testing.assert_allclose(np.asarray(small), np.asarray(local.embed(texts)), atol=2e-5)


def test_batches_avoid_padding_short_texts_to_long_ones() -> None:
    lengths = np.array([256, 5, 6, 7, 8, 9, 10, 12, 14, 30, 31, 32, 40])
    order = np.argsort(lengths, kind="stable")
    batches = emb._plan_batches(order, lengths, 32)
    assert [int(i) for b in batches for i in b] == [int(i) for i in order]  # every text exactly once
    assert list(batches[-1]) == [0]  # the long text is alone
    assert all(len(b) <= 4 for b in emb._plan_batches(order, lengths, 4))


def test_numpy_gelu_matches_erf_definition() -> None:
    xs = np.linspace(-12, 12, 50_001, dtype=np.float32)
    got = xs.copy()
    emb._gelu_inplace(got)
    want = np.array([0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0))) for x in xs.astype(np.float64)])
    assert np.abs(got - want).max() < 5e-6


def test_local_embedder_rejects_non_strings(local: LocalEmbedder) -> None:
    with pytest.raises(TypeError):
        local.embed(["ok", None])  # type: ignore[list-item]


# --- local embedder: integrity and loading --------------------------------------------------


def _model_dir_copy(tmp_path: Path, weights: bytes | None) -> Path:
    """A model dir that links every real file except model.safetensors (replaced or removed)."""
    real = emb.default_model_dir()
    target = tmp_path / "model"
    target.mkdir()
    for item in real.iterdir():
        if item.name != "model.safetensors":
            (target / item.name).symlink_to(item)
    if weights is not None:
        (target / "model.safetensors").write_bytes(weights)
    return target


def test_sha_mismatch_refuses_to_load(tmp_path: Path) -> None:
    real_header = (emb.default_model_dir() / "model.safetensors").read_bytes()[:4096]
    model_dir = _model_dir_copy(tmp_path, real_header)  # truncated = altered weights
    embedder = LocalEmbedder(model_dir=model_dir)
    for _ in range(2):  # a failed load is not cached as a success
        with pytest.raises(EmbeddingModelError) as info:
            embedder.embed(["hello"])
        message = str(info.value)
        assert "sha256" in message and MODEL_SAFETENSORS_SHA256 in message and "\n" not in message
    assert not any(key[0] == str(model_dir.resolve()) for key in emb._MODEL_CACHE)


def test_expected_sha_constant_is_enforced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model_dir = _model_dir_copy(tmp_path, None)
    (model_dir / "model.safetensors").symlink_to(emb.default_model_dir() / "model.safetensors")
    monkeypatch.setattr(emb, "MODEL_SAFETENSORS_SHA256", "0" * 64)
    with pytest.raises(EmbeddingModelError, match="does not match the expected 0000"):
        LocalEmbedder(model_dir=model_dir).embed(["hello"])


def test_missing_weights_give_clear_error(tmp_path: Path) -> None:
    model_dir = _model_dir_copy(tmp_path, None)
    with pytest.raises(EmbeddingModelError, match=r"missing: .*model\.safetensors"):
        LocalEmbedder(model_dir=model_dir).embed(["hello"])


def test_loading_is_lazy_and_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(emb, "_MODEL_CACHE", {})  # a fresh process-wide cache for this test
    loads: list[Path] = []
    real_load = emb._load_model

    def counting_load(model_dir: Path, backend: str) -> emb._LoadedModel:
        loads.append(model_dir)
        return real_load(model_dir, backend)

    monkeypatch.setattr(emb, "_load_model", counting_load)
    LocalEmbedder(model_dir="/nonexistent/never-read")  # constructing does no I/O at all
    first, second = LocalEmbedder(), LocalEmbedder(batch_size=8)
    assert loads == [] and first.name == "local-all-minilm-l6-v2" and first.dimension == 384
    assert loads == []  # name/dimension do not load either

    results: list[list[list[float]]] = []
    threads = [
        threading.Thread(target=lambda e=e: results.append(e.embed(["hi"]))) for e in (first, second) * 3
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 6 and len(loads) == 1
    second.embed(["again"])
    assert len(loads) == 1


def test_auto_backend_falls_back_to_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_ort(weights: dict) -> None:
        raise ImportError("onnxruntime is not installed")

    monkeypatch.setattr(emb, "_MODEL_CACHE", {})
    monkeypatch.setattr(emb, "_OrtEncoder", broken_ort)
    assert LocalEmbedder(backend="auto").backend == "numpy"
    with pytest.raises(EmbeddingModelError, match="onnxruntime backend unavailable"):
        LocalEmbedder(backend="onnxruntime").embed(["x"])


def test_backend_reported_and_validated(local: LocalEmbedder) -> None:
    assert local.backend in ("onnxruntime", "numpy")
    with pytest.raises(ValueError):
        LocalEmbedder(backend="torch")
    with pytest.raises(ValueError):
        LocalEmbedder(batch_size=0)


# --- OpenAI-compatible embedder against the fake server ------------------------------------


@pytest.fixture
def server() -> FakeOpenAIServer:
    with FakeOpenAIServer(dimension=12, api_key="sk-test") as srv:
        yield srv


def _openai(server: FakeOpenAIServer, **kwargs) -> OpenAIEmbedder:
    kwargs.setdefault("max_retries", 0)
    return OpenAIEmbedder(server.base_url, "sk-test", **kwargs)


def test_openai_embedder_vectors_order_and_batching(server: FakeOpenAIServer) -> None:
    texts = [f"caption number {i}" for i in range(7)]
    embedder = _openai(server, batch_size=3)
    assert embedder.name == "openai-text-embedding-3-small"
    vectors = embedder.embed(texts)
    assert vectors == [FakeOpenAIServer.vector_for(t, 12) for t in texts]
    assert embedder.dimension == 12

    calls = server.requests_to("/v1/embeddings")
    assert [len(c.body["input"]) for c in calls] == [3, 3, 1]
    assert [x for c in calls for x in c.body["input"]] == texts
    assert all(c.body["model"] == "text-embedding-3-small" for c in calls)
    assert all(c.headers["authorization"] == "Bearer sk-test" for c in calls)
    assert embedder.embed([]) == [] and len(server.requests) == 3


def test_openai_embedder_replaces_empty_strings(server: FakeOpenAIServer) -> None:
    vectors = _openai(server, model="my-embedder").embed(["", "hello", ""])
    assert vectors[0] == vectors[2] == FakeOpenAIServer.vector_for(" ", 12)
    (call,) = server.requests
    assert call.body["input"] == [" ", "hello", " "] and call.body["model"] == "my-embedder"


def test_openai_embedder_discovers_dimension_with_probe(server: FakeOpenAIServer) -> None:
    embedder = _openai(server)
    assert embedder.dimension == 12
    assert len(server.requests) == 1
    assert embedder.dimension == 12 and len(server.requests) == 1


def test_openai_embedder_reorders_by_index(server: FakeOpenAIServer) -> None:
    def reversed_handler(request):
        response = server.handle_embeddings(request)
        response.body["data"].reverse()
        return response

    server.add_route("POST", "/v1/embeddings", reversed_handler)
    texts = ["a", "b", "c"]
    assert _openai(server).embed(texts) == [FakeOpenAIServer.vector_for(t, 12) for t in texts]


@pytest.mark.parametrize("status", [500, 429, 400])
def test_openai_embedder_http_errors(server: FakeOpenAIServer, status: int) -> None:
    server.fail_next(status, "upstream\nexploded", path="/v1/embeddings")
    with pytest.raises(EmbeddingModelError, match=f"HTTP {status}") as info:
        _openai(server).embed(["x"])
    assert "\n" not in str(info.value)


def test_openai_embedder_wrong_key_is_401(server: FakeOpenAIServer) -> None:
    embedder = OpenAIEmbedder(server.base_url, "sk-wrong", max_retries=0)
    with pytest.raises(EmbeddingModelError, match="HTTP 401"):
        embedder.embed(["x"])


def test_openai_embedder_malformed_response(server: FakeOpenAIServer) -> None:
    def short(request):
        response = server.handle_embeddings(request)
        response.body["data"] = response.body["data"][:1]
        return response

    server.add_route("POST", "/v1/embeddings", short)
    with pytest.raises(EmbeddingModelError, match="Malformed"):
        _openai(server).embed(["a", "b"])
    server.add_route("POST", "/v1/embeddings", lambda r: FakeResponse(body={"object": "list", "data": []}))
    with pytest.raises(EmbeddingModelError):
        _openai(server).embed(["a"])


def test_openai_embedder_connection_refused() -> None:
    with FakeOpenAIServer() as srv:
        base_url = srv.base_url
    with pytest.raises(EmbeddingModelError, match="APIConnectionError"):
        OpenAIEmbedder(base_url, "sk-test", max_retries=0, timeout_s=5).embed(["x"])


def test_fake_server_float_encoding_and_unknown_route(server: FakeOpenAIServer) -> None:
    import httpx

    headers = {"Authorization": "Bearer sk-test"}
    body = {"model": "m", "input": "one", "encoding_format": "float"}
    r = httpx.post(server.base_url + "/embeddings", json=body, headers=headers)
    assert r.status_code == 200
    payload = r.json()
    assert payload["object"] == "list" and payload["model"] == "m" and "usage" in payload
    assert payload["data"] == [
        {"object": "embedding", "index": 0, "embedding": FakeOpenAIServer.vector_for("one", 12)}
    ]
    assert httpx.post(server.base_url + "/nope", json={}, headers=headers).status_code == 404


# --- factory and collection names ------------------------------------------------------------


def test_make_embedder() -> None:
    local = make_embedder("local", model="text-embedding-3-small")  # settings always pass a model
    assert isinstance(local, LocalEmbedder)
    remote = make_embedder(
        " OpenAI ", base_url="http://127.0.0.1:9/v1", api_key="k", model="text-embedding-3-large"
    )
    assert isinstance(remote, OpenAIEmbedder) and remote.name == "openai-text-embedding-3-large"
    assert make_embedder("openai", api_key="k").name == "openai-text-embedding-3-small"
    with pytest.raises(EmbeddingModelError, match="api_key"):
        make_embedder("openai", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(EmbeddingModelError, match="Unknown embedder kind 'torch'"):
        make_embedder("torch")
    with pytest.raises(EmbeddingModelError):
        make_embedder("")


class _Named:
    def __init__(self, name: str) -> None:
        self.name = name
        self.dimension = 3

    def embed(self, texts: list[str]) -> list[list[float]]:
        return [[0.0, 0.0, 1.0] for _ in texts]


def test_collection_suffix() -> None:
    assert collection_suffix(LocalEmbedder()) == "local-all-minilm-l6-v2"
    assert collection_suffix(_Named("openai-text-embedding-3-small")) == "openai-text-embedding-3-small"
    names = [
        "openai-BAAI/bge-m3",
        "openai-baai-bge-m3",
        "openai-baai.bge.m3",
        "x",
        "openai-" + "m" * 200,
        "€€€",
    ]
    suffixes = [collection_suffix(_Named(n)) for n in names]
    assert len(set(suffixes)) == len(suffixes)
    for s in suffixes:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]{1,46}[a-z0-9]", s), s
