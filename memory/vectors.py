"""The vector store: one Chroma collection per (kind, workspace, embedder).

Chroma runs embedded (``PersistentClient`` under the data dir, one writer process) or as
a server (``HttpClient`` when ``KOLPILOT_CHROMA_URL`` is set). Either way:

- Vectors are always computed by *our* embedder and passed explicitly. Collections are
  created with ``embedding_function=None``: Chroma's default embedding function downloads
  a model at run time, which kolpilot must never do.
- Collections use cosine space, so ``score = 1 - distance`` is the cosine similarity.
- A workspace only ever reads and writes its own collections (the tenant boundary), and
  vectors from different embedders never share a collection: the embedder's name and
  dimension are part of the collection name *and* stored in its metadata, and a write
  that does not match them is refused.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import urlsplit

from memory.errors import UserError

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

    from agent.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")

KINDS: frozenset[str] = frozenset({"creators", "collaborations"})
"""What can be indexed. Each kind gets its own collection per workspace and embedder."""

MetadataValue = str | int | float | bool

# Chroma's own limit on collection names (1.x Rust validation): 3-512 characters.
_MAX_NAME = 512
# Workspace ids are short (Slack team ids, "local"); anything longer is hashed so that the
# collection name stays well inside Chroma's limit.
_MAX_WORKSPACE_SLUG = 100
# Chroma's SQLite-backed segments bind one parameter per id; keep id lists bounded.
_ID_CHUNK = 1000


class VectorIndexError(UserError):
    """A vector-store problem a user can fix (wrong embedder for an index, server unreachable)."""


class Embedder(Protocol):
    """What the vector index needs from an embedder (see ``memory.embeddings``)."""

    name: str
    dimension: int

    def embed(self, texts: list[str]) -> list[list[float]]: ...


@dataclass
class VectorItem:
    """One document to index: a stable id (the SQL primary key as text), the text that is
    embedded (also stored, for display and debugging) and filterable metadata."""

    id: str
    text: str
    metadata: dict[str, MetadataValue] = field(default_factory=dict)


@dataclass
class VectorHit:
    """One search result. ``score`` is the cosine similarity (higher is better, at most 1)."""

    id: str
    score: float
    metadata: dict[str, Any] = field(default_factory=dict)
    document: str | None = None


def workspace_slug(workspace_id: str) -> str:
    """A deterministic, collection-name-safe form of a workspace id.

    Ids that are already safe (``local``, Slack team ids like ``T0123ABC``) are kept as
    they are, so collection names stay readable. Anything else is reduced to
    ``[A-Za-z0-9-]`` and suffixed with a hash of the original id, so two different ids can
    never map to the same slug (``"a b"`` and ``"a-b"`` differ).
    """
    if re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?", workspace_id) and len(workspace_id) <= _MAX_WORKSPACE_SLUG:
        return workspace_id
    digest = hashlib.sha256(workspace_id.encode("utf-8")).hexdigest()[:12]
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", workspace_id).strip("-")[:40]
    return f"{cleaned}-{digest}" if cleaned else f"ws-{digest}"


def _clean_metadata(metadata: dict[str, Any]) -> dict[str, MetadataValue]:
    # Chroma rejects None values (and nested values); dropping them keeps callers simple.
    out: dict[str, MetadataValue] = {}
    for key, value in metadata.items():
        if value is None:
            continue
        if not isinstance(value, str | int | float | bool):
            value = str(value)
        out[key] = value
    return out


def _normalize_where(where: dict | None) -> dict | None:
    """Accept the convenient ``{"kind": "kol", "country": "FR"}`` form: Chroma wants an
    explicit ``$and`` when a filter has more than one field."""
    if not where:
        return None
    if len(where) > 1 and not any(k.startswith("$") for k in where):
        return {"$and": [{k: v} for k, v in where.items()]}
    return where


def _chunks(seq: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def _as_floats(vector: Any) -> list[float]:
    # Chroma returns numpy arrays; callers get plain lists (JSON-able, comparable).
    return [float(x) for x in vector]


class VectorIndex:
    """Per-workspace vector collections for creators and collaborations, on an embedded
    Chroma (``path``) or a Chroma server (``url``).

    The Chroma client is created on first use, so building a ``VectorIndex`` is cheap and
    an unreachable server is reported when the index is actually needed.
    """

    def __init__(
        self, *, embedder: Embedder, path: Path | None = None, url: str | None = None, batch_size: int = 128
    ) -> None:
        if path is None and url is None:
            raise ValueError("VectorIndex needs a path (embedded Chroma) or a url (Chroma server)")
        self.embedder = embedder
        self.path = Path(path) if path is not None else None
        self.url = url
        self.batch_size = max(1, batch_size)
        self._client: ClientAPI | None = None
        self._collections: dict[str, Collection] = {}
        self._max_batch: int | None = None
        self.stats: dict[str, int] = {"embedded": 0, "metadata_only": 0, "unchanged": 0}
        # Tools may run in worker threads (Slack); the client and the cache are shared.
        self._lock = threading.RLock()

    @classmethod
    def from_settings(cls, settings: Settings) -> VectorIndex:
        """The index configured by ``settings``: the chosen embedder, and a Chroma server
        when ``chroma_url`` is set, otherwise the embedded store at ``resolved_chroma_path``."""
        from memory.embeddings import make_embedder

        api_key = settings.llm_api_key.get_secret_value() if settings.llm_api_key is not None else None
        embedder = make_embedder(
            settings.embeddings, base_url=settings.llm_base_url, api_key=api_key, model=settings.embeddings_model
        )
        if settings.chroma_url:
            return cls(embedder=embedder, url=settings.chroma_url)
        return cls(embedder=embedder, path=settings.resolved_chroma_path)

    def __repr__(self) -> str:
        where = self.url or str(self.path)
        return f"VectorIndex({where!r}, embedder={getattr(self.embedder, 'name', '?')!r})"

    # --- client and collections ---------------------------------------------------------------

    @property
    def client(self) -> ClientAPI:
        """The Chroma client (created on first use, telemetry off)."""
        with self._lock:
            if self._client is None:
                self._client = self._connect()
            return self._client

    def _connect(self) -> ClientAPI:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self.url:
            parts = urlsplit(self.url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise VectorIndexError(f"not a Chroma server URL: {self.url!r} (expected http://host:port)")
            ssl = parts.scheme == "https"
            port = parts.port or (443 if ssl else 8000)
            try:
                return chromadb.HttpClient(host=parts.hostname, port=port, ssl=ssl, settings=chroma_settings)
            except Exception as exc:  # noqa: BLE001 - connection errors come in many types
                raise VectorIndexError(f"cannot reach the Chroma server at {self.url}: {exc}") from exc
        assert self.path is not None
        self.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(self.path), settings=chroma_settings)

    def close(self) -> None:
        """Release the Chroma client (the embedded store's files are closed)."""
        with self._lock:
            self._collections.clear()
            if self._client is not None:
                close = getattr(self._client, "close", None)
                if callable(close):
                    try:
                        close()
                    except Exception:  # noqa: BLE001 - closing is best-effort
                        logger.debug("closing the Chroma client failed", exc_info=True)
                self._client = None

    def collection_name(self, workspace_id: str, kind: str) -> str:
        """The Chroma collection holding ``kind`` vectors of ``workspace_id`` for this embedder."""
        from memory.embeddings import collection_suffix

        self._check_kind(kind)
        suffix = re.sub(r"[^A-Za-z0-9._-]+", "-", collection_suffix(self.embedder)).strip("._-") or "embedder"
        name = f"{kind}__{workspace_slug(workspace_id)}__{suffix}"
        name = re.sub(r"\.{2,}", ".", name)
        if len(name) > _MAX_NAME:
            name = f"{name[:_MAX_NAME - 14]}-{hashlib.sha256(name.encode()).hexdigest()[:12]}"
        return name

    @staticmethod
    def _check_kind(kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown index kind {kind!r}; expected one of {sorted(KINDS)}")

    def _collection(self, workspace_id: str, kind: str, *, create_dim: int | None = None) -> Collection | None:
        """The collection, or None when it does not exist and ``create_dim`` is None.

        ``create_dim`` is the dimension of vectors about to be written: the collection is
        created for it if missing, and an existing collection must match it.
        """
        from chromadb.errors import NotFoundError

        name = self.collection_name(workspace_id, kind)
        with self._lock:
            col = self._collections.get(name)
            if col is None:
                try:
                    col = self.client.get_collection(name, embedding_function=None)
                except NotFoundError:
                    if create_dim is None:
                        return None
                    col = self.client.get_or_create_collection(
                        name,
                        # Chroma 1.x's configuration form of {"hnsw:space": "cosine"}.
                        configuration={"hnsw": {"space": "cosine"}},
                        metadata={
                            "embedder": self.embedder.name,
                            "dimension": int(create_dim),
                            "kind": kind,
                            "workspace_id": workspace_id,
                        },
                        embedding_function=None,
                    )
                self._collections[name] = col
        self._check_compatible(col, dim=create_dim)
        return col

    def _check_compatible(self, col: Collection, *, dim: int | None) -> None:
        meta = col.metadata or {}
        stored_name, stored_dim = meta.get("embedder"), meta.get("dimension")
        if stored_name is not None and stored_name != self.embedder.name:
            raise VectorIndexError(
                f"vector collection {col.name!r} holds vectors from embedder {stored_name!r} "
                f"(dimension {stored_dim}); refusing to mix in vectors from {self.embedder.name!r}. "
                "Rebuild the index with `kolpilot index rebuild`."
            )
        if dim is not None and stored_dim is not None and int(stored_dim) != int(dim):
            raise VectorIndexError(
                f"vector collection {col.name!r} holds {stored_dim}-dimensional vectors from {stored_name!r}; "
                f"refusing to write {dim}-dimensional vectors. Rebuild the index with `kolpilot index rebuild`."
            )

    def _forget(self, workspace_id: str, kind: str) -> None:
        with self._lock:
            self._collections.pop(self.collection_name(workspace_id, kind), None)

    def _run(
        self, workspace_id: str, kind: str, op: Callable[[Collection], T], *, default: T, create_dim: int | None = None
    ) -> T:
        """Run ``op`` on the collection (``default`` if it does not exist). A cached handle
        can go stale when another process resets the collection (Chroma server, or a
        rebuild from the CLI): then the handle is dropped and the call retried once."""
        from chromadb.errors import NotFoundError

        for attempt in (1, 2):
            col = self._collection(workspace_id, kind, create_dim=create_dim)
            if col is None:
                return default
            try:
                return op(col)
            except NotFoundError:
                if attempt == 2:
                    raise
                self._forget(workspace_id, kind)
        return default  # unreachable; keeps type checkers content

    def _max_write_batch(self) -> int:
        if self._max_batch is None:
            try:
                self._max_batch = max(1, int(self.client.get_max_batch_size()))
            except Exception:  # noqa: BLE001 - old servers: fall back to a safe size
                self._max_batch = 1000
        return self._max_batch

    # --- embedding ----------------------------------------------------------------------------

    def _embed(self, texts: list[str]) -> list[list[float]]:
        vectors = [_as_floats(v) for v in self.embedder.embed(texts)]
        if len(vectors) != len(texts):
            raise VectorIndexError(f"embedder {self.embedder.name!r} returned {len(vectors)} vectors for {len(texts)} texts")
        declared = getattr(self.embedder, "dimension", None)
        for v in vectors:
            if declared and len(v) != declared:
                raise VectorIndexError(
                    f"embedder {self.embedder.name!r} declares dimension {declared} but returned a {len(v)}-dimensional vector"
                )
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """The embedding of a search text, as used by ``query``."""
        return self._embed([text])[0]

    # --- writes -------------------------------------------------------------------------------

    def upsert(self, workspace_id: str, kind: str, items: list[VectorItem]) -> None:
        """Insert or replace ``items`` in the workspace's ``kind`` collection, embedding in
        batches. Raises ``VectorIndexError`` if the collection belongs to another embedder
        or dimension.

        Only text that changed is embedded: an item whose stored document is identical
        keeps its stored vector (just its metadata is rewritten if that changed), and an
        item identical in both is skipped. Re-running an import, or re-indexing a creator
        whose follower count moved, therefore costs a lookup rather than a model call.
        ``stats`` counts what happened (embedded / metadata_only / unchanged)."""
        self._check_kind(kind)
        if not items:
            return
        # Last one wins for repeated ids (Chroma rejects duplicates within one call).
        unique = list({item.id: item for item in items}.values())
        for batch in _chunks(unique, self.batch_size):
            stored = self._stored(workspace_id, kind, [item.id for item in batch])
            to_write: list[tuple[VectorItem, dict[str, MetadataValue] | None, list[float] | None]] = []
            # A stored vector is only reusable if this embedder would produce one of the same
            # size (an embedder renamed back and forth must not launder old vectors).
            dim_ok = bool(stored) and all(len(v[2]) == self.embedder.dimension for v in stored.values())
            for item in batch:
                meta = _clean_metadata(item.metadata) or None
                old = stored.get(item.id)
                if dim_ok and old is not None and old[0] == item.text:
                    if (old[1] or None) == meta:
                        self.stats["unchanged"] += 1
                        continue
                    self.stats["metadata_only"] += 1
                    to_write.append((item, meta, old[2]))
                else:
                    to_write.append((item, meta, None))
            if not to_write:
                continue
            fresh = [i for i, (_, _, vec) in enumerate(to_write) if vec is None]
            if fresh:
                vectors = self._embed([to_write[i][0].text for i in fresh])
                self.stats["embedded"] += len(fresh)
                for i, vec in zip(fresh, vectors, strict=True):
                    item, meta, _ = to_write[i]
                    to_write[i] = (item, meta, vec)
            dim = len(to_write[0][2] or ())

            def write(col: Collection, rows: list = to_write) -> None:  # default binds this batch's rows
                step = self._max_write_batch()
                for start in range(0, len(rows), step):
                    part = rows[start : start + step]
                    col.upsert(
                        ids=[item.id for item, _, _ in part],
                        embeddings=[vec for _, _, vec in part],  # type: ignore[misc]
                        documents=[item.text for item, _, _ in part],
                        # Chroma rejects an empty metadata dict but accepts None.
                        metadatas=[meta for _, meta, _ in part],  # type: ignore[misc]
                    )

            self._run(workspace_id, kind, write, default=None, create_dim=dim)

    def _stored(self, workspace_id: str, kind: str, ids: list[str]) -> dict[str, tuple[str | None, dict | None, list[float]]]:
        """Stored (document, metadata, vector) of these ids, for change detection."""
        if not ids:
            return {}

        def fetch(col: Collection) -> dict[str, tuple[str | None, dict | None, list[float]]]:
            res = col.get(ids=ids, include=["documents", "metadatas", "embeddings"])  # type: ignore[list-item]
            docs = res.get("documents") or [None] * len(res["ids"])
            metas = res.get("metadatas") or [None] * len(res["ids"])
            embs = res.get("embeddings")
            if embs is None:
                return {}
            return {
                i: (d, dict(m) if m else None, _as_floats(e))
                for i, d, m, e in zip(res["ids"], docs, metas, embs, strict=False)
            }

        return self._run(workspace_id, kind, fetch, default={})

    def delete(self, workspace_id: str, kind: str, ids: list[str]) -> None:
        """Remove these ids from the workspace's ``kind`` collection (unknown ids are ignored)."""
        ids = [str(i) for i in ids]
        if not ids:
            return  # an empty id list would mean "everything" to Chroma

        def remove(col: Collection) -> None:
            for chunk in _chunks(ids, _ID_CHUNK):
                col.delete(ids=list(chunk))

        self._run(workspace_id, kind, remove, default=None)

    def reset(self, workspace_id: str, kind: str) -> None:
        """Drop the workspace's ``kind`` collection for this embedder (a rebuild starts here)."""
        from chromadb.errors import NotFoundError

        name = self.collection_name(workspace_id, kind)
        with self._lock:
            self._collections.pop(name, None)
            try:
                self.client.delete_collection(name)
            except (NotFoundError, ValueError):
                pass

    # --- reads --------------------------------------------------------------------------------

    def count(self, workspace_id: str, kind: str) -> int:
        """How many vectors the workspace's ``kind`` collection holds (0 if none yet)."""
        return self._run(workspace_id, kind, lambda col: int(col.count()), default=0)

    def ids(self, workspace_id: str, kind: str, *, where: dict | None = None) -> list[str]:
        """Every id in the workspace's ``kind`` collection (optionally only those matching
        ``where``); used to find stale entries during a sync."""
        flt = _normalize_where(where)
        return self._run(workspace_id, kind, lambda col: list(col.get(where=flt, include=[])["ids"]), default=[])

    def query(
        self, workspace_id: str, kind: str, text: str, *, n: int = 50, where: dict | None = None
    ) -> list[VectorHit]:
        """The ``n`` documents most similar to ``text`` (cosine), best first, optionally
        restricted by a Chroma metadata filter ``where`` (``{"kind": "kol"}``; several
        fields are combined with ``$and``)."""
        self._check_kind(kind)
        if n <= 0 or self.count(workspace_id, kind) == 0:
            return []  # nothing indexed: skip embedding the query
        return self.query_by_vector(workspace_id, kind, self.embed_query(text), n=n, where=where)

    def query_by_vector(
        self, workspace_id: str, kind: str, vector: list[float], *, n: int = 50, where: dict | None = None
    ) -> list[VectorHit]:
        """The ``n`` documents nearest to ``vector`` (e.g. a creator's own vector, for
        lookalikes), best first."""
        if n <= 0:
            return []
        flt = _normalize_where(where)
        query_vector = _as_floats(vector)

        def search(col: Collection) -> list[VectorHit]:
            self._check_compatible(col, dim=len(query_vector))
            res = col.query(
                query_embeddings=[query_vector],  # type: ignore[arg-type]
                n_results=n,
                where=flt,
                include=["distances", "metadatas", "documents"],  # type: ignore[list-item]
            )
            ids = res["ids"][0]
            distances = (res.get("distances") or [[]])[0] or []
            metadatas = (res.get("metadatas") or [[]])[0] or [None] * len(ids)
            documents = (res.get("documents") or [[]])[0] or [None] * len(ids)
            return [
                # Cosine space: distance = 1 - cosine similarity.
                VectorHit(id=i, score=1.0 - float(d), metadata=dict(m or {}), document=doc)
                for i, d, m, doc in zip(ids, distances, metadatas, documents, strict=False)
            ]

        return self._run(workspace_id, kind, search, default=[])

    def get_vectors(self, workspace_id: str, kind: str, ids: list[str]) -> dict[str, list[float]]:
        """The stored vectors of these ids (ids not in the index are absent)."""
        ids = [str(i) for i in ids]
        if not ids:
            return {}  # an empty id list would mean "everything" to Chroma

        def fetch(col: Collection) -> dict[str, list[float]]:
            out: dict[str, list[float]] = {}
            for chunk in _chunks(ids, _ID_CHUNK):
                res = col.get(ids=list(chunk), include=["embeddings"])  # type: ignore[list-item]
                embeddings = res.get("embeddings")
                if embeddings is None:
                    continue
                for i, v in zip(res["ids"], embeddings, strict=False):
                    out[i] = _as_floats(v)
            return out

        return self._run(workspace_id, kind, fetch, default={})

    def similarity(self, workspace_id: str, kind: str, text: str, ids: list[str]) -> dict[str, float]:
        """Cosine similarity of ``text`` to each given id's stored vector (ids not in the
        index are absent). Hybrid search uses it to rank a SQL-filtered candidate set
        exactly, instead of hoping a top-k vector query happens to contain them."""
        import numpy as np

        stored = self.get_vectors(workspace_id, kind, ids)
        if not stored:
            return {}
        q = np.asarray(self.embed_query(text), dtype=np.float64)
        keys = list(stored)
        m = np.asarray([stored[k] for k in keys], dtype=np.float64)
        if m.shape[1] != q.shape[0]:
            raise VectorIndexError(
                f"the {kind} index holds {m.shape[1]}-dimensional vectors but the query has {q.shape[0]}; "
                "rebuild the index with `kolpilot index rebuild`"
            )
        norms = np.linalg.norm(m, axis=1) * (np.linalg.norm(q) or 1.0)
        norms[norms == 0] = 1.0
        scores = (m @ q) / norms
        return {k: float(s) for k, s in zip(keys, scores, strict=True)}
