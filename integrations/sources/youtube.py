"""Recent videos and channel statistics from the YouTube Data API v3 (API key).

Per account: ``channels`` (statistics → subscriber count as followers; contentDetails →
the uploads playlist), ``playlistItems`` of the uploads playlist (the newest videos), then
``videos`` (views, likes, comments). 3 requests, 3 quota units per channel. The channel is
found by the ``/channel/UC…`` id in the account's profile URL, else by its handle
(``forHandle``). API errors become one line: quota exceeded, key rejected, not found.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from integrations.sources.feeds import youtube_channel_id
from integrations.sources.posts_source import SourceError
from memory.models import Account, PostCreate

YOUTUBE_API_URL = "https://www.googleapis.com/youtube/v3"


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


class YouTubeSource:
    """Posts (videos) and subscriber counts of YouTube accounts."""

    name = "youtube"

    def __init__(self, *, api_key: str, api_url: str = YOUTUBE_API_URL, timeout: float = 15.0, max_videos: int = 15,
                 client: httpx.Client | None = None) -> None:
        if not api_key:
            raise SourceError("no YouTube API key: set KOLPILOT_YOUTUBE_API_KEY")
        self.api_key = api_key
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self.max_videos = max(1, min(max_videos, 50))
        self._client = client or httpx.Client(timeout=timeout)
        self._stats: dict[int, dict[str, Any]] = {}

    def supports(self, account: Account) -> bool:
        return account.platform == "youtube"

    def close(self) -> None:
        self._client.close()

    def _get(self, path: str, **params: Any) -> dict[str, Any]:
        try:
            resp = self._client.get(f"{self.api_url}/{path}", params={**params, "key": self.api_key})
        except httpx.TimeoutException:
            raise SourceError(f"YouTube API did not answer within {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise SourceError(f"cannot reach the YouTube API ({type(exc).__name__})") from None
        try:
            data = resp.json()
        except ValueError:
            data = None
        if resp.status_code != 200:
            err = (data or {}).get("error", {}) if isinstance(data, dict) else {}
            reasons = [e.get("reason", "") for e in err.get("errors", []) if isinstance(e, dict)]
            reason = reasons[0] if reasons else (err.get("status") or "")
            if resp.status_code == 403 and reason in ("quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded"):
                raise SourceError(f"YouTube API quota exceeded (403 {reason}); try again after the daily reset")
            if reason in ("keyInvalid", "keyExpired") or resp.status_code == 401:
                raise SourceError(f"YouTube API key rejected ({resp.status_code} {reason or 'unauthorized'}); check KOLPILOT_YOUTUBE_API_KEY")
            if resp.status_code == 403:
                raise SourceError(f"YouTube API access denied (403 {reason or 'forbidden'})")
            if resp.status_code == 404:
                raise SourceError(f"YouTube API: not found (404 {reason or path})")
            raise SourceError(f"YouTube API error HTTP {resp.status_code}" + (f" ({reason})" if reason else ""))
        if not isinstance(data, dict):
            raise SourceError("YouTube API answered with something that is not JSON")
        return data

    def _channel(self, account: Account) -> dict[str, Any]:
        cid = youtube_channel_id(account)
        params = {"id": cid} if cid else {"forHandle": "@" + account.handle}
        data = self._get("channels", part="snippet,statistics,contentDetails", **params)
        items = data.get("items") or []
        if not items:
            raise SourceError(f"YouTube channel {'@' + account.handle if not cid else cid} not found")
        return items[0]

    def fetch(self, account: Account) -> list[PostCreate]:
        """The channel's newest uploads with their statistics; remembers the subscriber count."""
        channel = self._channel(account)
        stats = channel.get("statistics") or {}
        if not stats.get("hiddenSubscriberCount") and _int(stats.get("subscriberCount")) is not None:
            self._stats[account.id] = {"followers": _int(stats.get("subscriberCount"))}
        uploads = ((channel.get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
        if not uploads:
            return []
        items = self._get("playlistItems", part="snippet,contentDetails", playlistId=uploads,
                          maxResults=self.max_videos).get("items") or []
        ids = [i.get("contentDetails", {}).get("videoId") or i.get("snippet", {}).get("resourceId", {}).get("videoId")
               for i in items]
        ids = [i for i in ids if i]
        if not ids:
            return []
        videos = self._get("videos", part="snippet,statistics", id=",".join(ids)).get("items") or []
        posts = []
        for v in videos:
            sn, st = v.get("snippet") or {}, v.get("statistics") or {}
            try:
                when = datetime.fromisoformat(str(sn.get("publishedAt", "")).replace("Z", "+00:00")).astimezone(UTC)
            except ValueError:
                continue
            title, desc = (sn.get("title") or "").strip(), " ".join((sn.get("description") or "").split())
            posts.append(PostCreate(
                platform="youtube", handle=account.handle, url=f"https://www.youtube.com/watch?v={v.get('id')}",
                posted_at=when, caption=(f"{title} — {desc[:1500]}" if desc else title)[:2000] or None,
                views=_int(st.get("viewCount")), likes=_int(st.get("likeCount")), comments=_int(st.get("commentCount")),
            ))
        posts.sort(key=lambda p: p.posted_at, reverse=True)
        return posts

    def account_update(self, account: Account) -> dict[str, Any] | None:
        """Fresh statistics seen during the last fetch of this account (followers = subscribers)."""
        return self._stats.get(account.id)
