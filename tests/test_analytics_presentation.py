"""Creator analytics as people see them: one formatter for the engagement basis, growth and
activity (memory.domain.analytics_format), shown the same way in profiles, result lists,
planner replies, the terminal, Slack cards, the CSV export and the text the LLM reads;
planner language for activity, growth and audience country; time conditions the planner
cannot use are said back; and no empty table under "No creators match"."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console
from sqlmodel import select

from agent.cli.render import render_creator_profile, render_turn
from agent.planner.reply import compose_profile, compose_search
from agent.turn import Turn
from integrations.slack.blocks import creator_list_groups, creator_profile_groups
from integrations.sources.csv_export import write_creators_csv
from memory.db import session_factory, session_scope
from memory.domain.analytics_format import (
    UNKNOWN_ENGAGEMENT,
    describe_activity,
    describe_engagement,
    describe_growth,
)
from memory.models import Account, AccountCreate, Creator, CreatorCreate
from memory.repo.creators import upsert_creator_account
from memory.repo.workspaces import ensure_workspace
from tools.discovery.search import CreatorItem, CreatorListResult
from tools.registry import ToolOutcome, run_tool

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


# --- the formatter ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "source", "n", "expected"),
    [
        (0.037, "posts", 6, "3.7% · last 6 posts"),
        (0.05, "posts", 1, "5.0% · last 1 post"),
        (0.05, "posts", None, "5.0% · by recent posts"),
        (0.021, "averages", None, "2.1% · by averages"),
        (0.04, "views", None, "4.0% · by views"),
        (0.034, "reported", None, "3.4% · reported"),
        (None, None, None, UNKNOWN_ENGAGEMENT),
        (None, "posts", 0, "unknown (no posts, averages or reported ER)"),
        (0.041, None, None, "4.1% by followers"),  # a rate whose source is not recorded keeps its basis
        (0.00021, "averages", None, "0.02% · by averages"),  # a big channel's small rate is not shown as 0.0%
        (0.00004, "averages", None, "<0.01% · by averages"),
        (0.0, "posts", 3, "0.0% · last 3 posts"),
    ],
)
def test_engagement_is_described_with_its_basis(rate, source, n, expected) -> None:
    assert describe_engagement(rate, source, n) == expected


def test_engagement_of_unrecorded_source_names_its_basis() -> None:
    assert describe_engagement(0.012, None, None, basis="views") == "1.2% by views"


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ((6400, 0.2), "+6.4K, +20% in 30 days"),
        ((-1200, -0.035), "-1.2K, -3.5% in 30 days"),
        ((6400, 0.2, 12_000, 0.35), "+6.4K, +20% in 30 days; +12K, +35% in 90 days"),
        ((0, 0.0), "no change in 30 days"),
        ((None, None, 900, 0.05), "+900, +5% in 90 days"),
        ((None, 0.2), "+20% in 30 days"),
        ((1_250_000, None), "+1.25M in 30 days"),
        ((None, None), "unknown (no follower history)"),
    ],
)
def test_growth_is_described_as_change_and_percent(figures, expected) -> None:
    assert describe_growth(*figures) == expected


@pytest.mark.parametrize(
    ("ppw", "days", "expected"),
    [
        (2.1, 3, "2.1 posts/week · last post 3 days ago"),
        (1.0, 0, "1.0 post/week · last post today"),
        (None, 1, "last post yesterday"),
        (0.05, 200, "<0.1 posts/week · last post 200 days ago"),
        (0.0, None, "0.0 posts/week"),
        (None, None, "no posts on record"),
    ],
)
def test_activity_is_described_as_frequency_and_recency(ppw, days, expected) -> None:
    assert describe_activity(ppw, days) == expected


# --- a small seeded workspace ----------------------------------------------------------------------

# handle, platform, followers, creator country, audience country, analytics set on the account
ACCOUNTS = [
    ("ana.posts", "instagram", 32_000, "IN", "IN",
     {"engagement_rate": 0.037, "engagement_source": "posts", "engagement_posts": 6, "posts_per_week": 2.1,
      "followers_change_30d": 6400, "growth_30d_pct": 0.2, "last_post_at": NOW - timedelta(days=3)}),
    ("bo.avg", "youtube", 210_000, None, "IN",
     {"engagement_rate": 0.021, "engagement_source": "averages", "followers_change_30d": -1200, "growth_30d_pct": -0.035}),
    ("cy.views", "tiktok", 15_000, "FR", "FR", {"engagement_rate": 0.04, "engagement_source": "views"}),
    ("di.reported", "instagram", 12_000, "FR", "DE", {"engagement_rate": 0.034, "engagement_source": "reported"}),
    ("ed.none", "instagram", 9_000, "FR", None, {"engagement_rate": None, "engagement_source": None}),
]


@pytest.fixture(scope="module")
def world(engine, tmp_path_factory):
    from agent.planner import OfflinePlanner
    from agent.runtime import Runtime
    from agent.settings import Settings

    ws = f"A{uuid.uuid4().hex[:10]}"
    sessions = session_factory(engine)
    with session_scope(sessions) as s:
        ensure_workspace(s, workspace_id=ws)
        for handle, platform, followers, country, audience, _ in ACCOUNTS:
            upsert_creator_account(
                s, workspace_id=ws,
                creator=CreatorCreate(name=handle.split(".")[0].title(), country=country, audience_top_country=audience,
                                      niches="beauty", external_id=handle),
                account=AccountCreate(platform=platform, handle=handle, followers=followers),
            )
    with session_scope(sessions) as s:  # the analytics as the data layer would have computed them
        for handle, _, _, _, _, figures in ACCOUNTS:
            acc = s.exec(select(Account).where(Account.workspace_id == ws, Account.handle == handle)).one()
            for key, value in figures.items():
                setattr(acc, key, value)
            s.add(acc)
    tmp = tmp_path_factory.mktemp("analytics")
    settings = Settings(_env_file=None, data_dir=tmp / "data", workspace=ws)
    runtime = Runtime(settings, engine=engine)
    planner = OfflinePlanner(runtime, clock=lambda: NOW)
    yield {"ws": ws, "runtime": runtime, "planner": planner, "sessions": sessions}
    planner.close()


def _ctx(world):
    from tools.base import ToolContext

    return ToolContext(workspace_id=world["ws"], user_id="U1", sessions=world["sessions"], settings=world["runtime"].settings,
                       clock=lambda: NOW)


def say(world, text: str) -> Turn:
    return world["planner"].run_turn(f"t:{uuid.uuid4().hex[:8]}", "local", text)


def _console_text(renderable) -> str:
    console = Console(file=io.StringIO(), width=200, record=True)
    console.print(renderable)
    return console.export_text()


# --- profile ----------------------------------------------------------------------------------------


def test_profile_shows_engagement_basis_growth_and_activity_everywhere(world) -> None:
    outcome = run_tool(_ctx(world), "get_creator", {"handle": "@ana.posts"})
    assert outcome.ok, outcome.error
    acc = outcome.result.accounts[0]
    assert acc.engagement == "3.7% · last 6 posts"
    assert (acc.engagement_source, acc.engagement_posts, acc.posts_per_week) == ("posts", 6, 2.1)
    assert acc.growth == "+6.4K, +20% in 30 days"
    assert acc.activity == "2.1 posts/week · last post 3 days ago" and acc.days_since_last_post == 3
    shown = ("3.7% · last 6 posts", "+6.4K, +20% in 30 days", "2.1 posts/week · last post 3 days ago")
    for text in (outcome.result.summary, outcome.text, compose_profile(outcome),
                 _console_text(render_creator_profile(outcome.result.model_dump(mode="json"))),
                 json.dumps(creator_profile_groups(outcome.result.model_dump(mode="json")), ensure_ascii=False)):
        for part in shown:
            assert part in text, (part, text)


@pytest.mark.parametrize(
    ("handle", "engagement", "growth", "activity"),
    [
        ("bo.avg", "2.1% · by averages", "-1.2K, -3.5% in 30 days", None),
        ("cy.views", "4.0% · by views", None, None),
        ("di.reported", "3.4% · reported", None, None),
        ("ed.none", "unknown (no posts, averages or reported ER)", None, None),
    ],
)
def test_profile_says_which_rule_gave_the_rate(world, handle, engagement, growth, activity) -> None:
    outcome = run_tool(_ctx(world), "get_creator", {"handle": handle})
    acc = outcome.result.accounts[0]
    assert (acc.engagement, acc.growth, acc.activity) == (engagement, growth, activity)
    assert f"ER {engagement}" in outcome.result.summary


# --- result lists -----------------------------------------------------------------------------------


def _row(items: list[CreatorItem], handle: str) -> CreatorItem:
    return next(i for i in items if i.handle == handle)


def test_search_results_show_the_basis_in_reply_table_slack_and_llm_text(world) -> None:
    turn = say(world, "find beauty creators")
    [result] = turn.results
    ana = _row(result.items, "ana.posts")
    assert ana.engagement == "3.7% · last 6 posts"
    assert ana.growth == "+6.4K, +20% in 30 days" and ana.activity == "2.1 posts/week · last post 3 days ago"
    assert "ER 3.7% · last 6 posts" in ana.reasons
    assert _row(result.items, "bo.avg").engagement == "2.1% · by averages"
    assert _row(result.items, "ed.none").engagement == "unknown (no posts, averages or reported ER)"
    assert "ER 3.7% · last 6 posts · +6.4K, +20% in 30 days · 2.1 posts/week · last post 3 days ago" in turn.reply
    assert "ER 4.0% · by views" in turn.reply and "ER 3.4% · reported" in turn.reply
    console = Console(file=io.StringIO(), width=200, record=True)
    render_turn(console, turn)
    table = console.export_text()
    for part in ("3.7% · last 6 posts", "2.1% · by averages", "+6.4K, +20% in 30 days", "2.1 posts/week", "Growth", "Activity"):
        assert part in table, part
    slack = json.dumps(creator_list_groups(result.model_dump(mode="json")), ensure_ascii=False)
    assert "ER 3.7% · last 6 posts" in slack and "+6.4K, +20% in 30 days · 2.1 posts/week · last post 3 days ago" in slack
    llm_text = ToolOutcome("search_creators", {}, True, result, None, 0.0).text
    assert "3.7% · last 6 posts" in llm_text and "+6.4K, +20% in 30 days" in llm_text


# --- CSV export -------------------------------------------------------------------------------------


def test_creators_export_carries_the_analytics_basis_and_stays_formula_safe(world) -> None:
    with session_scope(world["sessions"]) as s:
        acc = s.exec(select(Account).where(Account.workspace_id == world["ws"], Account.handle == "cy.views")).one()
        person = s.get(Creator, acc.creator_id)
        person.name = "=HYPERLINK(\"http://evil\")"
        s.add(person)
    out = io.StringIO()
    with world["sessions"]() as s:
        assert write_creators_csv(s, workspace_id=world["ws"], out=out) == len(ACCOUNTS)
    rows = {r["handle"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    ana, bo, ed = rows["ana.posts"], rows["bo.avg"], rows["ed.none"]
    assert (ana["engagement_source"], ana["engagement_posts"], ana["posts_per_week"], ana["growth_30d_pct"]) == ("posts", "6", "2.1", "0.2")
    assert (bo["engagement_source"], bo["engagement_posts"], bo["growth_30d_pct"]) == ("averages", "", "-0.035")  # a number, not quoted
    assert (ed["engagement_source"], ed["engagement_posts"], ed["posts_per_week"], ed["growth_30d_pct"]) == ("", "", "", "")
    assert rows["cy.views"]["display_name"].startswith("'=HYPERLINK")


def test_reimporting_our_export_skips_the_analytics_columns_without_a_warning(world, tmp_path) -> None:
    from integrations.sources.csv_export import export_creators
    from integrations.sources.csv_import import import_creators

    path = tmp_path / "creators.csv"
    export_creators(world["sessions"], workspace_id=world["ws"], path=path)
    fresh = world["ws"] + "rt"
    report = import_creators(world["sessions"], workspace_id=fresh, path=path)
    assert report.inserted == len(ACCOUNTS) and report.warnings == []
    # an unknown column is still reported
    path.write_text(path.read_text(encoding="utf-8").replace("growth_30d_pct", "growth_mystery", 1), encoding="utf-8")
    assert import_creators(world["sessions"], workspace_id=fresh, path=path).warnings == [
        "ignored unknown column(s): growth_mystery"]


# --- planner language -------------------------------------------------------------------------------


def test_a_time_condition_the_planner_cannot_use_is_said_back(world) -> None:
    turn = say(world, "beauty creators in France since 2019")
    assert [c.args for c in turn.tool_calls] == [{"niches_any": ["beauty"], "countries": ["FR"], "limit": 10}]
    assert "I didn't use: 'since 2019'" in turn.reply
    turn = say(world, "beauty creators growing 2% a week")
    assert "I didn't use: 'growing 2% a week'" in turn.reply


def test_a_search_reply_without_unused_conditions_says_nothing_about_them(world) -> None:
    assert "I didn't use" not in say(world, "beauty creators in France").reply


def test_creator_country_matched_through_the_audience_is_said(world) -> None:
    turn = say(world, "beauty creators in India")
    assert turn.tool_calls[0].args["countries"] == ["IN"]
    assert {i.handle for i in turn.results[0].items} == {"ana.posts", "bo.avg"}
    assert "Matched by audience country for 1 of them: where they are based is not known" in turn.reply


def test_audience_country_words_search_the_audience(world) -> None:
    turn = say(world, "beauty creators with a mostly Indian audience")
    assert turn.tool_calls[0].args == {"niches_any": ["beauty"], "audience_countries": ["IN"], "limit": 10}
    assert {i.handle for i in turn.results[0].items} == {"ana.posts", "bo.avg"}
    assert "Matched by audience country" not in turn.reply


@pytest.mark.parametrize(
    ("text", "args", "handles"),
    [
        ("beauty creators who posted in the last 7 days", {"posted_within_days": 7}, {"ana.posts"}),
        ("only active beauty creators", {"active_only": True}, {"ana.posts"}),
        ("beauty creators growing more than 10% a month", {"min_growth_30d_pct": 0.1}, {"ana.posts"}),
    ],
)
def test_activity_and_growth_words_become_filters(world, text, args, handles) -> None:
    turn = say(world, text)
    assert turn.tool_calls[0].args == {"niches_any": ["beauty"], **args, "limit": 10}
    assert {i.handle for i in turn.results[0].items} == handles


# --- terminal ---------------------------------------------------------------------------------------


def _rendered(turn: Turn) -> str:
    console = Console(file=io.StringIO(), width=160, record=True)
    render_turn(console, turn)
    return console.export_text()


@pytest.mark.parametrize("brain", ["offline", "llm"])
def test_no_creators_match_is_not_followed_by_an_empty_table(brain: str) -> None:
    empty = CreatorListResult(summary="No creators match these filters.", items=[])
    outcome = ToolOutcome("search_creators", {}, True, empty, None, 0.0)
    turn = Turn(conversation_id="c", reply=compose_search(outcome, notes=[]), results=[empty], brain=brain)
    text = _rendered(turn)
    assert "No creators match these filters." in text
    assert "Handle" not in text and "━" not in text and "─" not in text


def test_a_non_empty_list_is_still_a_table() -> None:
    item = CreatorItem(handle="ana.posts", platform="instagram", display_name="Ana", followers=32_000, tier="micro",
                       engagement_rate=0.037, engagement="3.7% · last 6 posts", kind="influencer", has_email=False,
                       creator_id=1, account_id=1)
    result = CreatorListResult(summary="Creators 1–1.", items=[item])
    outcome = ToolOutcome("search_creators", {}, True, result, None, 0.0)
    text = _rendered(Turn(conversation_id="c", reply=compose_search(outcome, notes=[]), results=[result]))
    assert "Handle" in text and "@ana.posts" in text and "3.7% · last 6 posts" in text


def test_only_active_ones_refines_the_last_search_and_replaces_an_earlier_activity_filter(world) -> None:
    conversation = f"t:{uuid.uuid4().hex[:8]}"
    first = world["planner"].run_turn(conversation, "local", "dormant beauty creators")
    assert first.tool_calls[0].args == {"dormant_only": True, "niches_any": ["beauty"], "limit": 10}
    turn = world["planner"].run_turn(conversation, "local", "only active ones")
    assert turn.tool_calls[0].args == {"niches_any": ["beauty"], "active_only": True, "limit": 10}
    assert [i.handle for i in turn.results[0].items] == ["ana.posts"]
    assert "active (posted in the last 30 days)" in turn.reply
