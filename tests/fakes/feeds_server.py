"""A local HTTP server for feed and YouTube API tests (127.0.0.1, ephemeral port, threads).

``FeedsServer.route(path, body, status=200, content_type=..., delay=0)`` serves a fixed
answer for a path (the query string is ignored unless the route's path contains ``?``);
``json_route`` serializes a dict. Every request is recorded (path with query) so tests can
check what was asked (``requests``). Also holds realistic payloads: a YouTube channel Atom
feed, an RSS 2.0 podcast feed, and YouTube Data API v3 answers.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

__all__ = ["FeedsServer", "podcast_rss", "youtube_api_payloads", "youtube_atom"]


@dataclass
class _Route:
    status: int
    body: bytes
    content_type: str
    delay: float


class FeedsServer:
    """The server; a context manager. ``url(path)`` is the full URL of a path."""

    def __init__(self) -> None:
        self.routes: dict[str, _Route] = {}
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def route(self, path: str, body: str | bytes, *, status: int = 200,
              content_type: str = "application/xml; charset=utf-8", delay: float = 0.0) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = _Route(status, data, content_type, delay)

    def json_route(self, path: str, obj: Any, *, status: int = 200) -> None:
        self.route(path, json.dumps(obj), status=status, content_type="application/json; charset=UTF-8")

    def url(self, path: str) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def __enter__(self) -> FeedsServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                with server._lock:
                    server.requests.append(self.path)
                parts = urlsplit(self.path)
                r = server.routes.get(self.path) or server.routes.get(parts.path)
                if r is None:
                    r = _Route(404, b"not found", "text/plain", 0)
                if r.delay:
                    time.sleep(r.delay)
                try:
                    self.send_response(r.status)
                    self.send_header("Content-Type", r.content_type)
                    self.send_header("Content-Length", str(len(r.body)))
                    self.end_headers()
                    self.wfile.write(r.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def youtube_atom(channel_id: str, videos: list[tuple[str, str, str, int]]) -> str:
    """A YouTube channel feed (Atom + media RSS) like https://www.youtube.com/feeds/videos.xml
    serves; ``videos`` are (video_id, ISO date, title, views)."""
    entries = "".join(f"""
 <entry>
  <id>yt:video:{vid}</id>
  <yt:videoId>{vid}</yt:videoId>
  <yt:channelId>{channel_id}</yt:channelId>
  <title>{title}</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v={vid}"/>
  <author><name>Dr. Lena Skin</name><uri>https://www.youtube.com/channel/{channel_id}</uri></author>
  <published>{when}</published>
  <updated>{when}</updated>
  <media:group>
   <media:title>{title}</media:title>
   <media:content url="https://www.youtube.com/v/{vid}?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
   <media:thumbnail url="https://i2.ytimg.com/vi/{vid}/hqdefault.jpg" width="480" height="360"/>
   <media:description>{title}. In this video I go through the evidence, step by step.</media:description>
   <media:community>
    <media:starRating count="{views // 20}" average="5.00" min="1" max="5"/>
    <media:statistics views="{views}"/>
   </media:community>
  </media:group>
 </entry>""" for vid, when, title, views in videos)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id={channel_id}"/>
 <id>yt:channel:{channel_id[2:]}</id>
 <yt:channelId>{channel_id}</yt:channelId>
 <title>Dr. Lena Skin</title>
 <link rel="alternate" href="https://www.youtube.com/channel/{channel_id}"/>
 <author><name>Dr. Lena Skin</name><uri>https://www.youtube.com/channel/{channel_id}</uri></author>
 <published>2019-04-02T10:00:00+00:00</published>{entries}
</feed>
"""


def podcast_rss(episodes: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 podcast feed with iTunes tags and enclosures; ``episodes`` are
    (guid, RFC 822 date, title). The first episode has no <link>, only an enclosure."""
    items = []
    for n, (guid, when, title) in enumerate(episodes):
        link = "" if n == 0 else f"<link>https://derm-talks.example/episodes/{guid}</link>"
        items.append(f"""
    <item>
      <title>{title}</title>
      {link}
      <guid isPermaLink="false">{guid}</guid>
      <pubDate>{when}</pubDate>
      <description><![CDATA[<p>{title}: we talk with a board-certified dermatologist about <b>what actually works</b>.</p>]]></description>
      <enclosure url="https://cdn.derm-talks.example/audio/{guid}.mp3" length="34567890" type="audio/mpeg"/>
      <itunes:duration>00:42:10</itunes:duration>
      <itunes:episode>{len(episodes) - n}</itunes:episode>
    </item>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Derm Talks</title>
    <link>https://derm-talks.example</link>
    <language>en-us</language>
    <itunes:author>Dr. Maya Chen</itunes:author>
    <description>Evidence-based skincare conversations.</description>{''.join(items)}
  </channel>
</rss>
"""


def youtube_api_payloads(channel_id: str, uploads: str, videos: list[tuple[str, str, str, int, int, int]],
                         subscribers: int) -> dict[str, Any]:
    """YouTube Data API v3 answers: channels, playlistItems and videos. ``videos`` are
    (id, ISO date, title, views, likes, comments)."""
    return {
        "channels": {
            "kind": "youtube#channelListResponse", "etag": "e1", "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
            "items": [{
                "kind": "youtube#channel", "etag": "e2", "id": channel_id,
                "snippet": {"title": "Dr. Lena Skin", "description": "Dermatologist.", "customUrl": "@drlenaskin",
                            "publishedAt": "2019-04-02T10:00:00Z", "country": "DE"},
                "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": uploads}},
                "statistics": {"viewCount": "48211930", "subscriberCount": str(subscribers), "hiddenSubscriberCount": False,
                               "videoCount": "312"},
            }],
        },
        "playlistItems": {
            "kind": "youtube#playlistItemListResponse", "etag": "e3", "nextPageToken": "EAAaBlBUOkNBVQ",
            "pageInfo": {"totalResults": 312, "resultsPerPage": len(videos)},
            "items": [{
                "kind": "youtube#playlistItem", "etag": f"p{i}", "id": f"UExp{i}",
                "snippet": {"publishedAt": when, "channelId": channel_id, "title": title, "playlistId": uploads,
                            "position": i, "resourceId": {"kind": "youtube#video", "videoId": vid}},
                "contentDetails": {"videoId": vid, "videoPublishedAt": when},
            } for i, (vid, when, title, *_rest) in enumerate(videos)],
        },
        "videos": {
            "kind": "youtube#videoListResponse", "etag": "e4", "pageInfo": {"totalResults": len(videos), "resultsPerPage": len(videos)},
            "items": [{
                "kind": "youtube#video", "etag": f"v{i}", "id": vid,
                "snippet": {"publishedAt": when, "channelId": channel_id, "title": title,
                            "description": f"{title}.\n\nSources and studies in the description.\n#skincare #dermatologist",
                            "tags": ["skincare"], "categoryId": "26", "defaultAudioLanguage": "en"},
                "statistics": {"viewCount": str(views), "likeCount": str(likes), "favoriteCount": "0",
                               "commentCount": str(comments)},
            } for i, (vid, when, title, views, likes, comments) in enumerate(videos)],
        },
    }
