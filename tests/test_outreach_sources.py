"""Recent-posts sources (RSS/Atom feeds, YouTube Data API) against local HTTP servers, the sync
that stores them (one transaction per account), and `kolpilot sync posts`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from integrations.sources.feeds import FeedSource, looks_like_feed
from integrations.sources.posts_source import DatabaseSource, SourceError, sync_posts
from integrations.sources.youtube import YouTubeSource
from memory.db import session_scope
from memory.models import Account, AccountCreate, CreatorCreate, Post
from memory.repo.creators import upsert_creator_account
from tests.fakes.feeds_server import FeedsServer, podcast_rss, youtube_api_payloads, youtube_atom

CHANNEL = "UCx7q2VbM8dPbyLr1Z3ZkqQA"
VIDEOS = [("dQ1a2b3c4d5", "2026-03-10T15:00:00+00:00", "Retinol vs bakuchiol: what the studies say", 81234),
          ("eR5f6g7h8i9", "2026-03-03T15:00:00+00:00", "Vitamin C serums ranked by a dermatologist", 152001)]
EPISODES = [("ep-42", "Tue, 10 Mar 2026 06:00:00 GMT", "Sunscreen myths, busted"),
            ("ep-41", "Tue, 03 Mar 2026 06:00:00 GMT", "Acne in your thirties")]


def _add(sessions, ws: str, platform: str, handle: str, profile_url: str | None, followers: int = 50_000) -> int:
    with session_scope(sessions) as s:
        _, acc = upsert_creator_account(s, workspace_id=ws, creator=CreatorCreate(name=handle),
                                        account=AccountCreate(platform=platform, handle=handle, followers=followers,
                                                              profile_url=profile_url))
        return acc.id


def _posts(sessions, account_id: int) -> list[Post]:
    with session_scope(sessions) as s:
        return list(s.exec(select(Post).where(Post.account_id == account_id).order_by(Post.posted_at.desc())))



@pytest.fixture
def sessions(sqlite_engine):
    """SQLite only: HTTP sources do not depend on the backend (the sending and drafting tests cover both)."""
    from memory.db import session_factory

    return session_factory(sqlite_engine)

@pytest.fixture
def feeds():
    with FeedsServer() as srv:
        yield srv


def test_feed_url_detection() -> None:
    assert looks_like_feed("https://derm-talks.example/feed.xml")
    assert looks_like_feed("https://blog.example/feed/")
    assert looks_like_feed("https://feeds.megaphone.fm/derm")
    assert not looks_like_feed("https://www.instagram.com/skin.by.sam/")
    src = FeedSource(youtube_feed_url="http://127.0.0.1:1/feeds/videos.xml")
    acc = Account(workspace_id="w", creator_id=1, platform="youtube", handle="drlena",
                  profile_url=f"https://www.youtube.com/channel/{CHANNEL}")
    assert src.feed_url(acc) == f"http://127.0.0.1:1/feeds/videos.xml?channel_id={CHANNEL}"
    assert src.feed_url(Account(workspace_id="w", creator_id=1, platform="instagram", handle="x",
                                profile_url="https://instagram.com/x")) is None


def test_youtube_and_podcast_feeds_are_synced_with_stats(sessions, workspace_id, feeds) -> None:
    feeds.route("/feeds/videos.xml", youtube_atom(CHANNEL, VIDEOS))
    feeds.route("/derm-talks/feed.xml", podcast_rss(EPISODES), content_type="application/rss+xml")
    yt = _add(sessions, workspace_id, "youtube", "drlena", f"https://www.youtube.com/channel/{CHANNEL}")
    pod = _add(sessions, workspace_id, "podcast", "dermtalks", feeds.url("/derm-talks/feed.xml"))
    _add(sessions, workspace_id, "instagram", "skin.by.sam", "https://www.instagram.com/skin.by.sam/")
    src = FeedSource(youtube_feed_url=feeds.url("/feeds/videos.xml"))
    report = sync_posts(sessions, workspace_id=workspace_id, source=src)
    assert (report.accounts, report.inserted, report.errors) == (2, 4, [])
    assert any("skin.by.sam" in s for s in report.skipped)
    videos = _posts(sessions, yt)
    assert [p.url for p in videos] == [f"https://www.youtube.com/watch?v={v[0]}" for v in VIDEOS]
    assert videos[0].posted_at == datetime(2026, 3, 10, 15, tzinfo=UTC)
    assert videos[0].views == 81234 and videos[0].likes == 81234 // 20
    assert videos[0].caption.startswith("Retinol vs bakuchiol")
    episodes = _posts(sessions, pod)
    assert episodes[0].url == "https://cdn.derm-talks.example/audio/ep-42.mp3"  # no <link>: the enclosure
    assert episodes[1].url == "https://derm-talks.example/episodes/ep-41"
    assert "what actually works" in episodes[0].caption and "<b>" not in episodes[0].caption
    again = sync_posts(sessions, workspace_id=workspace_id, source=src)
    assert (again.inserted, again.unchanged) == (0, 4)


def test_bad_feeds_give_one_line_errors_and_write_nothing(sessions, workspace_id, feeds) -> None:
    feeds.route("/broken.xml", podcast_rss(EPISODES)[:900])  # truncated mid-document
    feeds.route("/gone.xml", "nope", status=404, content_type="text/plain")
    feeds.route("/slow.xml", podcast_rss(EPISODES), delay=0.8)
    feeds.route("/page/feed", "<html><body>Hello</body></html>", content_type="text/html")
    ids = {name: _add(sessions, workspace_id, "podcast", name, feeds.url(path))
           for name, path in (("broken", "/broken.xml"), ("gone", "/gone.xml"), ("slow", "/slow.xml"), ("page", "/page/feed"))}
    report = sync_posts(sessions, workspace_id=workspace_id, source=FeedSource(timeout=0.3))
    assert report.accounts == 0 and len(report.errors) == 4
    errors = {e.split(" ")[0]: e for e in report.errors}
    assert "not valid RSS/Atom" in errors["@broken"]
    assert "HTTP 404" in errors["@gone"]
    assert "did not answer within 0.3 s" in errors["@slow"]
    assert "not an RSS/Atom feed" in errors["@page"]
    assert all("\n" not in e for e in report.errors)
    assert all(_posts(sessions, i) == [] for i in ids.values())


def _yt_routes(feeds: FeedsServer, subscribers: int = 412_000) -> None:
    payloads = youtube_api_payloads(CHANNEL, "UUx7q2VbM8dPbyLr1Z3ZkqQA",
                                    [(v, w, t, views, views // 25, views // 400) for v, w, t, views in VIDEOS], subscribers)
    for name, obj in payloads.items():
        feeds.json_route(f"/youtube/v3/{name}", obj)


def test_youtube_api_updates_followers_and_video_stats(sessions, workspace_id, feeds) -> None:
    _yt_routes(feeds)
    yt = _add(sessions, workspace_id, "youtube", "drlena", f"https://www.youtube.com/channel/{CHANNEL}", followers=300_000)
    src = YouTubeSource(api_key="test-key", api_url=feeds.url("/youtube/v3"))
    report = sync_posts(sessions, workspace_id=workspace_id, source=src, handles=["@drlena"])
    assert (report.accounts, report.inserted, report.followers_updated, report.errors) == (1, 2, 1, [])
    with session_scope(sessions) as s:
        assert s.get(Account, yt).followers == 412_000
    top = _posts(sessions, yt)[0]
    assert (top.views, top.likes, top.comments) == (81234, 81234 // 25, 81234 // 400)
    assert any(r.startswith("/youtube/v3/channels?") and f"id={CHANNEL}" in r and "key=test-key" in r for r in feeds.requests)
    assert any("playlistId=UUx7q2VbM8dPbyLr1Z3ZkqQA" in r for r in feeds.requests)


@pytest.mark.parametrize(("status", "body", "expected"), [
    (403, {"error": {"code": 403, "message": "The request cannot be completed because you have exceeded your quota.",
                     "errors": [{"message": "quota", "domain": "youtube.quota", "reason": "quotaExceeded"}]}},
     "quota exceeded (403 quotaExceeded)"),
    (404, {"error": {"code": 404, "message": "Not found", "errors": [{"reason": "playlistNotFound"}]}},
     "not found (404 playlistNotFound)"),
    (400, {"error": {"code": 400, "message": "API key not valid.", "errors": [{"reason": "keyInvalid"}]}}, "key rejected"),
])
def test_youtube_api_errors_are_one_line_and_nothing_is_written(sessions, workspace_id, feeds, status, body, expected) -> None:
    _yt_routes(feeds)
    feeds.json_route("/youtube/v3/videos", body, status=status)  # fails after channels + playlistItems succeeded
    yt = _add(sessions, workspace_id, "youtube", "drlena", f"https://www.youtube.com/channel/{CHANNEL}", followers=300_000)
    report = sync_posts(sessions, workspace_id=workspace_id,
                        source=YouTubeSource(api_key="k", api_url=feeds.url("/youtube/v3")))
    assert report.accounts == 0 and len(report.errors) == 1 and expected in report.errors[0]
    assert _posts(sessions, yt) == []
    with session_scope(sessions) as s:
        assert s.get(Account, yt).followers == 300_000  # the channel statistics were not half-applied


def test_youtube_channel_by_handle_and_missing_channel(sessions, workspace_id, feeds) -> None:
    feeds.json_route("/youtube/v3/channels", {"kind": "youtube#channelListResponse", "items": []})
    _add(sessions, workspace_id, "youtube", "ghostchannel", None)
    report = sync_posts(sessions, workspace_id=workspace_id, source=YouTubeSource(api_key="k", api_url=feeds.url("/youtube/v3")))
    assert report.errors == ["@ghostchannel (youtube): YouTube channel @ghostchannel not found"]
    assert any("forHandle=%40ghostchannel" in r for r in feeds.requests)


def test_database_source_returns_stored_posts(sessions, workspace_id) -> None:
    from memory.models import PostCreate
    from memory.repo.creators import upsert_post

    acc_id = _add(sessions, workspace_id, "instagram", "skin.by.sam", None)
    with session_scope(sessions) as s:
        upsert_post(s, workspace_id=workspace_id, post=PostCreate(platform="instagram", handle="skin.by.sam",
                    url=f"https://instagram.com/p/{workspace_id}", posted_at=datetime(2026, 3, 1, tzinfo=UTC), caption="Serum day"))
        acc = s.get(Account, acc_id)
    assert [p.caption for p in DatabaseSource(sessions).fetch(acc)] == ["Serum day"]
    assert sync_posts(sessions, workspace_id=workspace_id, source=DatabaseSource(sessions)).unchanged == 1


def test_youtube_source_needs_a_key() -> None:
    with pytest.raises(SourceError, match="KOLPILOT_YOUTUBE_API_KEY"):
        YouTubeSource(api_key="")


def cli_app():
    """The CLI with the outreach commands (registered here until agent/cli/main.py lists them)."""
    from agent.cli import main, outreach_cmds

    if not any(g.name == "sync" for g in main.app.registered_groups):
        outreach_cmds.register(main.app)
    return main.app


def test_cli_sync_posts_from_a_feed(tmp_path: Path, feeds) -> None:
    app = cli_app()
    from agent.runtime import Runtime
    from agent.settings import Settings

    feeds.route("/derm-talks/feed.xml", podcast_rss(EPISODES))
    data = tmp_path / "data"
    rt = Runtime(Settings(_env_file=None, data_dir=data))
    rt.ensure_workspace("local")
    _add(rt.sessions, "local", "podcast", "dermtalks", feeds.url("/derm-talks/feed.xml"))
    _add(rt.sessions, "local", "podcast", "nofeed", None)
    rt.engine.dispose()
    runner = CliRunner()
    res = runner.invoke(app, ["--data-dir", str(data), "sync", "posts", "--handle", "dermtalks"])
    assert res.exit_code == 0, res.output
    assert "2 new post(s)" in res.output
    res = runner.invoke(app, ["--data-dir", str(data), "sync", "posts", "--handle", "nofeed", "--source", "rss"])
    assert res.exit_code == 1 and "no rss source for this account" in res.output
    res = runner.invoke(app, ["--data-dir", str(data), "sync", "posts", "--source", "youtube"])
    assert res.exit_code != 0 and "KOLPILOT_YOUTUBE_API_KEY" in str(res.exception)  # main() prints it as one line
