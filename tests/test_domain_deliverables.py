"""memory.domain.deliverables: one parser for "1 YouTube video and 2 shorts", usage rights,
and a counter that keeps every deliverable it names, end to end through the offline planner."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import select

from memory.domain.deliverables import (
    Deliverable,
    describe_deliverables,
    mentioned_kind,
    normalize_deliverables,
    parse_deliverables,
    parse_exclusivity,
    parse_usage_rights,
    resolve_kind,
)

D = Deliverable

CASES = [
    ("1 reel + 2 stories", [D("reel", 1, "instagram"), D("story", 2, "instagram")], "1 reel + 2 stories"),
    ("1 YouTube video and 2 shorts", [D("video", 1, "youtube"), D("short", 2, "youtube")], "1 YouTube video + 2 shorts"),
    ("a TikTok and 3 IG stories", [D("video", 1, "tiktok"), D("story", 3, "instagram")], "1 TikTok video + 3 stories"),
    ("2x feed posts", [D("post", 2, None)], "2 posts"),
    ("one reel, two stories", [D("reel", 1, "instagram"), D("story", 2, "instagram")], "1 reel + 2 stories"),
    ("3 posts", [D("post", 3, None)], "3 posts"),
    ("2 carousels and a story", [D("carousel", 2, "instagram"), D("story", 1, "instagram")], "2 carousels + 1 story"),
    ("1 TikTok video", [D("video", 1, "tiktok")], "1 TikTok video"),
    ("2 TikToks", [D("video", 2, "tiktok")], "2 TikTok videos"),
    ("1 Instagram Reel and 1 TikTok", [D("reel", 1, "instagram"), D("video", 1, "tiktok")], "1 reel + 1 TikTok video"),
    ("3 LinkedIn posts", [D("post", 3, "linkedin")], "3 LinkedIn posts"),
    ("2 dedicated YouTube videos", [D("video", 2, "youtube")], "2 YouTube videos"),
    ("1 integrated YT video", [D("video", 1, "youtube")], "1 YouTube video"),
    ("2 YouTube Shorts", [D("short", 2, "youtube")], "2 shorts"),
    ("reel + 2 stories", [D("reel", 1, "instagram"), D("story", 2, "instagram")], "1 reel + 2 stories"),
    ("stories x3", [D("story", 3, "instagram")], "3 stories"),
    ("3 x reels", [D("reel", 3, "instagram")], "3 reels"),
    ("5 story frames", [D("story", 5, "instagram")], "5 stories"),
    ("a couple of reels", [D("reel", 2, "instagram")], "2 reels"),
    ("twenty stories", [D("story", 20, "instagram")], "20 stories"),
    ("2 blog posts", [D("blog post", 2, "blog")], "2 blog posts"),
    ("an article and a newsletter mention", [D("blog post", 1, "blog"), D("newsletter mention", 1, None)],
     "1 blog post + 1 newsletter mention"),
    ("1 podcast episode", [D("podcast mention", 1, "podcast")], "1 podcast mention"),
    ("2 podcast ads", [D("podcast mention", 2, "podcast")], "2 podcast mentions"),
    ("1 IG live", [D("live", 1, "instagram")], "1 Instagram live"),
    ("a livestream on twitch", [D("live", 1, None)], "1 live"),
    ("2 tweets", [D("tweet", 2, "x")], "2 tweets"),
    ("3 pins", [D("pin", 3, "pinterest")], "3 pins"),
    ("1 carousel post, 2 reels & 4 stories", [D("carousel", 1, "instagram"), D("reel", 2, "instagram"), D("story", 4, "instagram")],
     "1 carousel + 2 reels + 4 stories"),
    ("3 Snapchat stories", [D("story", 3, "snapchat")], "3 Snapchat stories"),
    ("1 Facebook video plus 2 FB posts", [D("video", 1, "facebook"), D("post", 2, "facebook")], "1 Facebook video + 2 Facebook posts"),
    ("@x countered at $2,200 for 1 YouTube video and 2 shorts with 30-day usage rights",
     [D("video", 1, "youtube"), D("short", 2, "youtube")], "1 YouTube video + 2 shorts"),
    ("loved her reel", [], ""),
    ("no deliverables here, just $500", [], ""),
    ("approve @daily.reels' draft", [], ""),
]


@pytest.mark.parametrize(("text", "expected", "described"), CASES)
def test_deliverable_phrases(text: str, expected: list[Deliverable], described: str) -> None:
    assert parse_deliverables(text) == expected
    assert describe_deliverables(parse_deliverables(text)) == described


@pytest.mark.parametrize(("text", "days"), [
    ("30-day usage rights", 30), ("30 day usage", 30), ("usage rights for 30 days", 30), ("usage: 90 days", 90),
    ("usage rights for 3 months", 90), ("6-month usage", 180), ("1 year of paid usage", 365), ("two weeks usage", 14),
    ("whitelisting for 60 days", 60), ("a 30d usage license", 30), ("no usage mentioned", None), ("", None), (None, None),
])
def test_usage_rights_in_days(text: str | None, days: int | None) -> None:
    assert parse_usage_rights(text) == days


def test_exclusivity_is_read_apart_from_usage() -> None:
    text = "$900 for 1 reel with 30-day usage rights and 60-day exclusivity"
    assert parse_usage_rights(text) == 30 and parse_exclusivity(text) == 60
    assert parse_exclusivity("exclusive for 2 months") == 60
    assert parse_exclusivity("1 reel") is None


@pytest.mark.parametrize(("text", "kind"), [
    ("Reels", "reel"), ("IG story", "story"), ("TikTok", "video"), ("article", "blog post"), ("shorts", "short"),
    ("unboxing", "unboxing"), ("Custom  Thing", "custom thing"),
])
def test_tool_types_resolve_to_the_stored_kind(text: str, kind: str) -> None:
    assert resolve_kind(text) == kind


def test_normalize_keeps_anything_it_cannot_read() -> None:
    assert normalize_deliverables("1 YT video & 2 Shorts") == "1 YouTube video + 2 shorts"
    assert normalize_deliverables("1 reel + whitelisting") == "1 reel + whitelisting"
    assert normalize_deliverables("  ") is None and normalize_deliverables(None) is None
    assert mentioned_kind("approve @x's reel") == "reel" and mentioned_kind("approve it") is None


def test_outreach_replies_use_the_same_parser() -> None:
    from tools.outreach.replies import find_deliverables

    assert find_deliverables("happy to do 1 YouTube video and 2 shorts for $2k") == "1 YouTube video + 2 shorts"
    assert find_deliverables("thanks!") is None


# --- end to end through the offline planner -----------------------------------------------------


@pytest.fixture
def planner_world(engine, tmp_path):
    from agent.planner import OfflinePlanner
    from agent.runtime import Runtime
    from agent.settings import Settings
    from memory.db import session_factory, session_scope
    from memory.models import AccountCreate, Campaign, Collaboration, CreatorCreate
    from memory.repo.creators import find_accounts_by_handle, upsert_creator_account
    from memory.repo.workspaces import ensure_workspace
    from tests.test_planner import NOW, word_index

    ws = f"D{uuid.uuid4().hex[:10]}"
    sessions = session_factory(engine)
    with session_scope(sessions) as s:
        ensure_workspace(s, workspace_id=ws)
        upsert_creator_account(s, workspace_id=ws, creator=CreatorCreate(name="X", country="US", niches="tech"),
                               account=AccountCreate(platform="youtube", handle="x", followers=120_000))
        camp = Campaign(workspace_id=ws, name="Gadget Fall", brand="Volt", currency="USD")
        s.add(camp)
        s.flush()
        acc = find_accounts_by_handle(s, workspace_id=ws, handle="x")[0]
        s.add(Collaboration(workspace_id=ws, campaign_id=camp.id, creator_id=acc.creator_id, account_id=acc.id,
                            stage="contacted", currency="USD"))
    vectors = word_index(tmp_path / "chroma")
    runtime = Runtime(Settings(_env_file=None, data_dir=tmp_path / "data", workspace=ws), engine=engine, vectors=vectors)
    planner = OfflinePlanner(runtime, clock=lambda: NOW)
    yield planner, sessions, ws
    planner.close()
    vectors.close()


def test_a_counter_keeps_every_deliverable_it_names(planner_world) -> None:
    from memory.db import session_scope
    from memory.models import Deliverable as DeliverableRow
    from memory.models import NegotiationEvent

    planner, sessions, ws = planner_world
    conv = f"test:{uuid.uuid4().hex[:8]}"
    turn = planner.run_turn(conv, "local", "@x countered at $2,200 for 1 YouTube video and 2 shorts with 30-day usage rights")
    assert [c.name for c in turn.tool_calls] == ["log_negotiation"], turn.reply
    assert turn.tool_calls[0].args["deliverables"] == "1 YouTube video + 2 shorts"
    assert "for 1 YouTube video + 2 shorts with 30-day usage rights" in turn.reply
    with session_scope(sessions) as s:
        event = s.exec(select(NegotiationEvent).where(NegotiationEvent.workspace_id == ws)).one()
        assert (event.kind, event.amount_cents, event.usage_rights_days) == ("counter", 220_000, 30)
        assert parse_deliverables(event.deliverables) == [D("video", 1, "youtube"), D("short", 2, "youtube")]

    turn = planner.run_turn(conv, "local", "@x owes 1 YouTube video and 2 shorts due 2026-12-05")
    assert [c.name for c in turn.tool_calls] == ["add_deliverable", "add_deliverable"], turn.reply
    with session_scope(sessions) as s:
        rows = s.exec(select(DeliverableRow).where(DeliverableRow.workspace_id == ws).order_by(DeliverableRow.id)).all()
        assert [(r.type, r.count, str(r.due_date)) for r in rows] == [("video", 1, "2026-12-05"), ("short", 2, "2026-12-05")]
