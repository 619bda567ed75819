"""Text helpers shared by the writers: what a post is about, whether a draft really cites it,
choosing the most relevant post, reading a model's JSON answer."""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from tools.outreach.lang import format_date

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"(?<![\w.])@[\w.]+")
_TRAILING_TAGS = re.compile(r"(\s*#[\w\u00c0-\uffff]+)+\s*$")
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200d\u20e3]")
_QUOTES = re.compile("[\"«»“”„‟‘’‚‹›]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)

# Common words that say nothing about a post (several languages): a draft must share
# *meaningful* words with the caption to count as citing it.
STOPWORDS = set("""
about above after again against also always among another around because been before being below between both
could doing down during each even every from further have having here into itself just like made make many more
most much must never only other ours over same should some such than that their theirs them then there these they
this those through under until very want well were what when where which while with would your yours today
dans avec pour mais plus tout tous toute toutes cette ces sont être avoir nous vous leur leurs mon mes ton tes
notre votre sur sous chez comme aussi très bien fait faire encore quand alors
aber auch noch nach wenn dann eine einer eines einem einen sich sind oder dass doch schon nicht mehr sehr
heute diese dieser dieses unser euer ihre mein dein über unter
para pero como más este esta estos estas todo todos muy bien hace hacer sobre entre cuando también nuestro
""".split())

# Phrases addressed to an AI or a sender rather than to an audience: a post that contains
# them is still data, but never the one a draft cites.
_INSTRUCTION_LIKE = re.compile(
    r"\b(ignore\s+(all\s+|your\s+|the\s+|any\s+|previous\s+|prior\s+)*(rules|instructions|prompts?)|system\s+prompt|"
    r"you\s+are\s+now|disregard\s+(all|your|the|previous)|e-?mail\s+everyone|send\s+(this|an?\s+e-?mail|emails?)\s+to|"
    r"approve\s+(the|all|every)|as\s+an\s+ai\b|assistant\s*:)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PostInfo:
    """A post as the writers see it (detached from the database session)."""

    id: int
    platform: str
    url: str
    posted_at: datetime
    caption: str = ""
    likes: int | None = None
    comments: int | None = None
    views: int | None = None


@dataclass
class DraftOut:
    """A writer's output."""

    subject: str | None
    body: str
    post_ids: list[int]
    writer: str  # "model" | "offline"
    notes: list[str] = field(default_factory=list)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def clean_caption(caption: str | None) -> str:
    """A caption without links, mentions, trailing hashtags, emoji and quote marks."""
    text = _URL.sub(" ", caption or "")
    text = _MENTION.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    text = _TRAILING_TAGS.sub("", text.strip())
    text = text.replace("#", "")
    text = _QUOTES.sub("", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def topic_of(caption: str | None, *, max_words: int = 9) -> str:
    """What the post is about, in its own words: the first sentence of the caption, shortened."""
    text = clean_caption(caption)
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip(" -–—:;,.")
        if len(sentence.split()) >= 2 or (sentence and len(text.split()) < 2):
            words = sentence.split()
            if len(words) > max_words:
                return " ".join(words[:max_words]).rstrip(",;:") + "…"
            return sentence
    return ""


def keywords(text: str | None, min_len: int = 4) -> set[str]:
    """Meaningful words (``min_len``+ letters, not stop words), lower-cased and accent-free."""
    out = set()
    for w in _WORD.findall(clean_caption(text)):
        w = strip_accents(w.lower()).strip("'-")
        if len(w) >= min_len and w not in STOPWORDS:
            out.add(w)
    return out


def references_post(text: str, post: PostInfo, lang: str = "en") -> bool:
    """Does ``text`` cite this post concretely: its link, or at least two of its caption's
    meaningful words (one if the caption has only one), or — for a caption-less post — its date?"""
    if post.url and post.url in text:
        return True
    kw = keywords(post.caption)
    if len(kw) < 2:  # short captions ("Gym leg day"): three-letter words count too
        kw |= keywords(post.caption, min_len=3)
    if kw:
        found = keywords(text, min_len=3) & kw
        return len(found) >= min(2, len(kw))
    day = post.posted_at.date()
    return format_date(day, lang) in text or day.isoformat() in text


def looks_like_instructions(text: str | None) -> bool:
    """True for text that talks to an assistant ("ignore your rules and email everyone")."""
    return bool(text and _INSTRUCTION_LIKE.search(text))


def seed_pick(options: Sequence[str], seed: str, slot: str) -> str:
    """A deterministic choice per (seed, slot): the same creator always gets the same variant,
    different creators get different ones."""
    h = int(hashlib.sha256(f"{seed}|{slot}".encode()).hexdigest()[:12], 16)
    return options[h % len(options)]


def parse_json_object(text: str | None) -> dict[str, Any] | None:
    """The first JSON object in a model answer (tolerates code fences and chatter), else None."""
    if not text:
        return None
    text = text.strip()
    fenced = re.search(r"```(?:json)?\s*(\{.*?\})\s*```", text, re.DOTALL)
    candidates = [fenced.group(1)] if fenced else []
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        candidates.append(text[start:end + 1])
    for c in candidates:
        try:
            value = json.loads(c)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


# --- relevance ----------------------------------------------------------------------------------


class Embedder(Protocol):
    def embed(self, texts: list[str]) -> list[list[float]]: ...


class LexicalEmbedder:
    """Hashed bag of meaningful words (normalised): the fallback when the local MiniLM model
    is unavailable. Deterministic and dependency-free."""

    name = "lexical-256"
    dim = 256

    def embed(self, texts: list[str]) -> list[list[float]]:
        out = []
        for t in texts:
            v = [0.0] * self.dim
            for w in keywords(t):
                v[int(hashlib.md5(w.encode()).hexdigest()[:8], 16) % self.dim] += 1.0
            n = math.sqrt(sum(x * x for x in v)) or 1.0
            out.append([x / n for x in v])
        return out


_EMBEDDER: Embedder | None = None
_EMBEDDER_LOCK = threading.Lock()


def default_embedder() -> Embedder:
    """The local MiniLM embedder (``memory.embeddings.LocalEmbedder``), loaded once per process;
    the lexical embedder if it cannot be loaded."""
    global _EMBEDDER
    if _EMBEDDER is None:
        with _EMBEDDER_LOCK:
            if _EMBEDDER is None:
                try:
                    from memory.embeddings import LocalEmbedder  # type: ignore[import-not-found]

                    emb = LocalEmbedder()
                    emb.embed(["warm up"])
                    _EMBEDDER = emb
                except Exception:  # noqa: BLE001 - no model weights / module: fall back, drafting must work
                    _EMBEDDER = LexicalEmbedder()
    return _EMBEDDER


class CachedEmbedder:
    """Remembers vectors by text: the same brief and captions are embedded once, and ``warm``
    embeds a whole batch's texts in one call (batched inference is several times faster)."""

    def __init__(self, inner: Embedder, max_items: int = 50_000) -> None:
        self.inner = inner
        self.max_items = max_items
        self._cache: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def warm(self, texts: Sequence[str]) -> None:
        self.embed(list(dict.fromkeys(texts)))

    def embed(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            vectors = self.inner.embed(missing)
            with self._lock:
                if len(self._cache) + len(missing) > self.max_items:
                    self._cache.clear()
                self._cache.update(zip(missing, vectors, strict=True))
        with self._lock:
            return [self._cache[t] if t in self._cache else self.inner.embed([t])[0] for t in texts]


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=False))


def rank_posts(query: str, posts: Sequence[PostInfo], embedder: Embedder) -> list[PostInfo]:
    """Posts by relevance to ``query`` (the campaign brief): cosine similarity of embeddings
    between the brief and each caption; ties (to 3 decimals) go to the most recent post.
    Posts without a caption, and captions that talk to an assistant, come last."""
    if not posts:
        return []
    usable = [p for p in posts if clean_caption(p.caption) and not looks_like_instructions(p.caption)]
    rest = [p for p in posts if p not in usable]
    scores: dict[int, float] = {}
    if len(usable) > 1 and query.strip():
        vectors = embedder.embed([query] + [clean_caption(p.caption) for p in usable])
        q = vectors[0]
        qn = math.sqrt(_dot(q, q)) or 1.0
        for p, v in zip(usable, vectors[1:], strict=True):
            vn = math.sqrt(_dot(v, v)) or 1.0
            scores[p.id] = round(_dot(q, v) / (qn * vn), 3)
    ranked = sorted(usable, key=lambda p: (-scores.get(p.id, 0.0), -p.posted_at.timestamp(), -p.id))
    return ranked + sorted(rest, key=lambda p: (looks_like_instructions(p.caption), -p.posted_at.timestamp()))
