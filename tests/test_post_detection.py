"""Post detection (issue 18 item 3): the worker syncs creators' recent posts, matches them to the
campaign (code, link, brand, hashtag) and drives the collaboration to posted — on SQLite and
PostgreSQL, with the RSS source against a local feed server and the database source."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from agent.jobs.post_detection import run as detection_run
from agent.runtime import Runtime
from agent.settings import Settings
from integrations.sources.feeds import FeedSource
from integrations.sources.posts_source import posts_sync
from memory.db import session_scope
from memory.models import (
    AccountCreate,
    Collaboration,
    CreatorCreate,
    Deliverable,
    MetricSnapshot,
    PostCreate,
    StageEvent,
)
from memory.repo.creators import upsert_creator_account, upsert_posts
from tests.fakes.feeds_server import FeedsServer
from tools.approvals import decide
from tools.registry import run_tool

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
AGREED = datetime(2026, 11, 1, 9, tzinfo=UTC)


def ok(ctx, tool_name, **args):
    out = run_tool(ctx, tool_name, args)
    assert out.ok, out.error
    return out.result


def _rss(items: list[tuple[str, str, str]]) -> str:
    body = "".join(f"<item><title>{t}</title><link>https://derm-talks.example/ep/{g}</link><guid>{g}</guid>"
                   f"<pubDate>{when}</pubDate><description>{t}</description></item>" for g, when, t in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Derm Talks</title><link>https://derm-talks.example</link>{body}</channel></rss>'


@pytest.fixture
def runtime(tmp_path, engine, workspace_id):
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", approvers=["U_BOSS"])
    rt = Runtime(settings, engine=engine)
    rt.ensure_workspace(workspace_id)
    return rt


def _ctx(runtime, workspace_id, user="U_MARKETER"):
    c = runtime.tool_context(user_id=user, workspace_id=workspace_id, conversation_id="conv-posts")
    c.clock = lambda: NOW
    c.posts_sync = None  # tests choose the source explicitly
    return c


def _deal(runtime, ws, handle, platform, profile_url, *, stage="agreed", due="2026-11-25", deliverable="podcast"):
    """A creator in Glow Q3 (brand Glow), agreed on AGREED, with one deliverable."""
    with session_scope(runtime.sessions) as s:
        upsert_creator_account(s, workspace_id=ws, creator=CreatorCreate(name=handle),
                               account=AccountCreate(platform=platform, handle=handle, followers=40_000, profile_url=profile_url))
    ctx = _ctx(runtime, ws)
    ok(ctx, "create_campaign", name="Glow Q3", brand="Glow")
    ok(ctx, "add_to_campaign", campaign="Glow Q3", handles=[handle])
    ok(ctx, "update_stage", handle=handle, campaign="Glow Q3", stage=stage)
    ok(ctx, "add_deliverable", handle=handle, campaign="Glow Q3", type=deliverable, due_date=due)
    with session_scope(runtime.sessions) as s:  # the deal was agreed on AGREED
        for e in s.exec(select(StageEvent).where(StageEvent.workspace_id == ws, StageEvent.to_stage == stage)):
            e.at = AGREED
            s.add(e)
    return ctx


def _state(runtime, ws, handle):
    with session_scope(runtime.sessions) as s:
        from memory.repo.crm import creator_by_handle

        person, _ = creator_by_handle(s, workspace_id=ws, handle=handle)
        c = s.exec(select(Collaboration).where(Collaboration.creator_id == person.id)).one()
        ds = list(s.exec(select(Deliverable).where(Deliverable.collaboration_id == c.id)))
        snaps = list(s.exec(select(MetricSnapshot).where(MetricSnapshot.collaboration_id == c.id)))
        events = [e.to_stage for e in s.exec(select(StageEvent).where(StageEvent.collaboration_id == c.id).order_by(StageEvent.id))]
        for x in (c, *ds, *snaps):
            s.expunge(x)
        return c, ds, snaps, events


def test_code_in_a_synced_feed_post_drives_approved_content_to_posted(runtime, workspace_id) -> None:
    ws = workspace_id
    with FeedsServer() as feeds:
        feed = "/dermtalks/feed.xml"
        ctx = _deal(runtime, ws, "dermtalks", "podcast", feeds.url(feed))
        ok(ctx, "create_discount_code", handle="dermtalks", campaign="Glow Q3", code="GLOW10")
        ok(ctx, "submit_content", handle="dermtalks", campaign="Glow Q3", content_url="https://drive.example/ep1")
        review = ok(ctx, "review_content", handle="dermtalks", campaign="Glow Q3", decision="approve")
        assert decide(_ctx(runtime, ws, "U_BOSS"), review.pending_action_ids[0], approve=True).ok
        assert _state(runtime, ws, "dermtalks")[0].stage == "content_approved"

        sync = posts_sync(runtime.settings, runtime.sessions, workspace_id=ws, source=FeedSource())
        told: list[str] = []
        notify = lambda text, blocks: told.append(text)  # noqa: E731
        # Only an old episode carries the code: it was published before the deal, so it does not count.
        feeds.route(feed, _rss([("ep-1", "Mon, 20 Oct 2026 06:00:00 GMT", "Old sponsor read, code GLOW10")]))
        detection_run(runtime, ws, now=NOW, notify=notify, sync=sync)
        c, ds, snaps, _ = _state(runtime, ws, "dermtalks")
        assert (c.stage, ds[0].status, snaps, told) == ("content_approved", "approved", [], [])

        feeds.route(feed, _rss([("ep-2", "Wed, 18 Nov 2026 06:00:00 GMT", "Vitamin C, explained: use code glow10 for 10% off"),
                                ("ep-1", "Mon, 20 Oct 2026 06:00:00 GMT", "Old sponsor read, code GLOW10")]))
        lines = detection_run(runtime, ws, now=NOW, notify=notify, sync=sync)
        c, ds, snaps, events = _state(runtime, ws, "dermtalks")
        assert c.stage == "posted" and events[-1] == "posted"
        assert ds[0].status == "posted" and ds[0].content_url == "https://derm-talks.example/ep/ep-2"
        assert ds[0].posted_at.replace(tzinfo=UTC) == datetime(2026, 11, 18, 6, tzinfo=UTC)
        assert [(m.deliverable_url, m.date, m.is_latest) for m in snaps] == [("https://derm-talks.example/ep/ep-2", NOW.date(), True)]
        assert told == ["@dermtalks posted the podcast mention for Glow Q3 on 2026-11-18: https://derm-talks.example/ep/ep-2"
                        " — matched by code GLOW10 in the caption."]
        assert lines == [f"[posts] {told[0]}"]

        # A second pass changes nothing and tells nobody again.
        assert detection_run(runtime, ws, now=NOW, notify=notify, sync=sync) == []
        assert _state(runtime, ws, "dermtalks")[1:] == (ds, snaps, events) and len(told) == 1


def test_brand_mention_in_a_stored_post_marks_a_due_deliverable_posted(runtime, workspace_id) -> None:
    ws = workspace_id
    ctx = _deal(runtime, ws, "skin.by.sam", "instagram", None, deliverable="reel", due="2026-11-24")
    with session_scope(runtime.sessions) as s:  # as `kolpilot sync posts` (or the posts import) stores them
        upsert_posts(s, workspace_id=ws, posts=[
            PostCreate(platform="instagram", handle="skin.by.sam", url="https://instagram.com/p/early", posted_at=datetime(2026, 10, 2, tzinfo=UTC),
                       caption="Loving my routine", brands="Glow"),
            PostCreate(platform="instagram", handle="skin.by.sam", url="https://instagram.com/p/glow", posted_at=datetime(2026, 11, 19, tzinfo=UTC),
                       caption="Morning glow-up", brands="Glow;Other", likes=1200, comments=80, views=30_000)])
    r = ok(ctx, "detect_posts", handle="@skin.by.sam")
    assert r.matches == [{"handle": "@skin.by.sam", "campaign": "Glow Q3", "deliverable_id": r.matches[0]["deliverable_id"],
                          "url": "https://instagram.com/p/glow", "reason": "brand Glow tagged in the post"}]
    assert "matched by brand Glow tagged in the post" in r.summary
    c, ds, snaps, _ = _state(runtime, ws, "skin.by.sam")
    assert c.stage == "posted" and ds[0].content_url == "https://instagram.com/p/glow"
    assert [(m.likes, m.comments, m.views) for m in snaps] == [(1200, 80, 30_000)]
    again = ok(ctx, "detect_posts", handle="@skin.by.sam")
    assert again.matches == [] and "posted the reel for Glow Q3 on 2026-11-19" in again.summary


def test_hashtag_and_link_matches_and_unrelated_posts() -> None:
    from memory.models import Campaign, Post, TrackingLink
    from tools.crm.post_detection import match_reason

    camp = Campaign(workspace_id="w", name="Glow Q3", brand="")
    link = TrackingLink(workspace_id="w", collaboration_id=1, slug="sam-glow", destination_url="https://x", url="https://x/?utm_source=ig",
                        utm_source="ig", utm_campaign="glow-q3")
    post = lambda caption: Post(workspace_id="w", account_id=1, platform="instagram", url="u", posted_at=NOW, caption=caption)  # noqa: E731
    assert match_reason(post("so good #glowq3 ✨"), campaign=camp, codes=[], links=[]) == "hashtag #GlowQ3 in the caption"
    assert match_reason(post("link in bio: kol.example/sam-glow"), campaign=camp, codes=[], links=[link]) == "tracking link sam-glow in the caption"
    assert match_reason(post("#glowq30 and GLOW100"), campaign=camp, codes=["GLOW10"], links=[link]) is None


def test_missed_deadline_is_flagged_once(runtime, workspace_id) -> None:
    ws = workspace_id
    _deal(runtime, ws, "fitwithmarco", "instagram", None, deliverable="reel", due="2026-11-15")
    told: list[str] = []
    notify = lambda text, blocks: told.append(text)  # noqa: E731
    sync = posts_sync(runtime.settings, runtime.sessions, workspace_id=ws, source=FeedSource())
    assert detection_run(runtime, ws, now=NOW, notify=notify, sync=sync) == [
        "[posts] @fitwithmarco's reel for Glow Q3 was due 2026-11-15 and no matching post was found."]
    assert detection_run(runtime, ws, now=NOW, notify=notify, sync=sync) == []
    assert len(told) == 1
    c, ds, _, _ = _state(runtime, ws, "fitwithmarco")
    assert (c.stage, ds[0].status) == ("agreed", "planned")


def test_planner_did_x_post_yet_and_check_for_new_posts(tmp_path, engine, workspace_id) -> None:
    from agent.planner import OfflinePlanner
    from tests.test_planner import word_index

    settings = Settings(_env_file=None, data_dir=tmp_path / "data", workspace=workspace_id)
    vectors = word_index(tmp_path / "chroma")
    runtime = Runtime(settings, engine=engine, vectors=vectors)
    _deal(runtime, workspace_id, "glowbyana", "instagram", None, deliverable="reel", due="2026-11-24")
    with session_scope(runtime.sessions) as s:
        upsert_posts(s, workspace_id=workspace_id, posts=[PostCreate(
            platform="instagram", handle="glowbyana", url="https://instagram.com/p/ana", posted_at=datetime(2026, 11, 19, tzinfo=UTC),
            caption="My new favourite serum #GlowQ3")])
    planner = OfflinePlanner(runtime)
    try:
        turn = planner.run_turn("c1", "local", "did @glowbyana post yet?")
        assert [c.name for c in turn.tool_calls] == ["detect_posts"], turn.reply
        assert "matched by hashtag #GlowQ3 in the caption" in turn.reply
        turn = planner.run_turn("c1", "local", "check for new posts")
        assert [c.name for c in turn.tool_calls] == ["detect_posts"] and "No approved or due content to check" in turn.reply
    finally:
        planner.close()
        vectors.close()
    assert _state(runtime, workspace_id, "glowbyana")[0].stage == "posted"
