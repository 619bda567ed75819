"""Recent posts from RSS/Atom feeds: blogs, podcasts (RSS 2.0 with enclosures) and YouTube
channel feeds (Atom with media:statistics), fetched with httpx and parsed with feedparser.

The feed URL of an account is its ``profile_url`` when that looks like a feed; for a YouTube
account whose profile URL names a channel (``/channel/UC…``), the channel feed
``<youtube_feed_url>?channel_id=UC…`` (the base is configurable so tests use a local server).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import feedparser
import httpx

from integrations.sources.posts_source import SourceError
from memory.models import Account, PostCreate

YOUTUBE_FEED_URL = "https://www.youtube.com/feeds/videos.xml"
MAX_BYTES = 5_000_000
_FEEDISH = re.compile(r"(\.xml|\.rss|\.atom|\.rdf)(\?|$)|/(feed|rss|atom)(/|\?|$)|[?&](format|feed)=(rss|atom)|^https?://feeds?\.|/feeds/",
                      re.IGNORECASE)
_CHANNEL = re.compile(r"/channel/(UC[\w-]{22})")
_TAGS = re.compile(r"<[^>]+>")


def looks_like_feed(url: str | None) -> bool:
    return bool(url and url.startswith(("http://", "https://")) and _FEEDISH.search(url))


def youtube_channel_id(account: Account) -> str | None:
    m = _CHANNEL.search(account.profile_url or "")
    return m.group(1) if m else None


def _text(value: str | None) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", value or "")).split())


def _when(entry: dict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            return datetime(*t[:6], tzinfo=UTC)
    return None


def _int(value: object) -> int | None:
    try:
        return int(str(value).replace(",", ""))
    except (TypeError, ValueError):
        return None


class FeedSource:
    """Posts from an account's RSS/Atom feed."""

    name = "rss"

    def __init__(self, *, youtube_feed_url: str = YOUTUBE_FEED_URL, timeout: float = 15.0, max_items: int = 20,
                 client: httpx.Client | None = None) -> None:
        self.youtube_feed_url = youtube_feed_url
        self.timeout = timeout
        self.max_items = max_items
        self._client = client

    def feed_url(self, account: Account) -> str | None:
        """The feed to read for this account, or None."""
        if looks_like_feed(account.profile_url):
            return account.profile_url
        cid = youtube_channel_id(account) if account.platform == "youtube" else None
        if cid:
            sep = "&" if "?" in self.youtube_feed_url else "?"
            return f"{self.youtube_feed_url}{sep}channel_id={cid}"
        return None

    def supports(self, account: Account) -> bool:
        return self.feed_url(account) is not None

    def _get(self, url: str) -> bytes:
        client = self._client or httpx.Client(timeout=self.timeout, follow_redirects=True,
                                              headers={"User-Agent": "kolpilot/0.1 (+feed reader)"})
        host = urlsplit(url).netloc
        try:
            with client.stream("GET", url) as resp:
                if resp.status_code != 200:
                    raise SourceError(f"feed {url} answered HTTP {resp.status_code}")
                data = b""
                for chunk in resp.iter_bytes():
                    data += chunk
                    if len(data) > MAX_BYTES:
                        raise SourceError(f"feed {url} is larger than {MAX_BYTES // 1_000_000} MB")
                return data
        except httpx.TimeoutException:
            raise SourceError(f"feed at {host} did not answer within {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise SourceError(f"cannot fetch feed at {host} ({type(exc).__name__})") from None
        finally:
            if self._client is None:
                client.close()

    def fetch(self, account: Account) -> list[PostCreate]:
        """The feed's newest entries as posts of ``account`` (entries without a link or date are skipped)."""
        url = self.feed_url(account)
        if url is None:
            raise SourceError("no feed URL for this account (set its profile_url to its RSS/Atom feed)")
        parsed = feedparser.parse(self._get(url))
        problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
        # Encoding/content-type notes are harmless; a parse error means a truncated or broken
        # document, whose half-read entries are not stored.
        if problem is not None and not isinstance(problem, feedparser.CharacterEncodingOverride | feedparser.NonXMLContentType):
            why = str(problem or "unreadable XML").splitlines()[0][:120]
            raise SourceError(f"feed {url} is not valid RSS/Atom ({why})")
        if not parsed.entries:
            if not parsed.get("version"):
                raise SourceError(f"{url} is not an RSS/Atom feed")
            return []
        posts = []
        for e in parsed.entries:
            link = e.get("link") or next((lk.get("href") for lk in e.get("links", []) if lk.get("href")), None) or e.get("id")
            if not link or not str(link).startswith(("http://", "https://")):
                enclosure = next((en.get("href") for en in e.get("enclosures", []) if en.get("href")), None)
                link = enclosure or None
            when = _when(e)
            if not link or when is None:
                continue
            title = _text(e.get("title"))
            summary = _text(e.get("media_description") or e.get("summary") or "")
            if not summary or summary == title:
                caption = title
            else:
                caption = summary if summary.startswith(title) else f"{title} — {summary}"
            stats = e.get("media_statistics") or {}
            rating = e.get("media_starrating") or {}
            posts.append(PostCreate(
                platform=account.platform, handle=account.handle, url=str(link)[:1000], posted_at=when,
                caption=(caption or summary)[:2000] or None, views=_int(stats.get("views")), likes=_int(rating.get("count")),
            ))
        posts.sort(key=lambda p: p.posted_at, reverse=True)
        return posts[: self.max_items]
