"""The Slack integration's parts in isolation: escaping, Block Kit limits, pacing, the
background worker, contexts and allow-lists, event deduplication."""

from __future__ import annotations

import json
import random
import threading
import time

import pytest

from agent.turn import Turn
from integrations.slack import blocks as bk
from integrations.slack.context import (
    AccessPolicy,
    SlackContext,
    conversation_id,
    from_action,
    from_event,
    strip_bot_mention,
)
from integrations.slack.dedupe import EventDeduplicator
from integrations.slack.mrkdwn import defang, escape, link, quote_block, safe, safe_url
from integrations.slack.pacing import ChannelPacer
from integrations.slack.worker import Worker

# --- mrkdwn -----------------------------------------------------------------------------------


def test_escape_covers_the_three_characters_slack_parses() -> None:
    assert escape("a & b <c> d") == "a &amp; b &lt;c&gt; d"


@pytest.mark.parametrize("raw", ["<!channel>", "<!here>", "<!everyone>", "<!subteam^S123|@team>", "<@U123ABC>",
                                 "<https://evil.example|click me>", "<!date^1392734382^{date}|x>"])
def test_safe_makes_control_sequences_inert(raw: str) -> None:
    out = safe(raw)
    assert "<" not in out and ">" not in out


@pytest.mark.parametrize("word", ["@channel", "@here", "@everyone", "@Channel", "@HERE"])
def test_broadcast_words_are_defanged_but_still_readable(word: str) -> None:
    out = defang(word)
    assert out != word and out.replace("\u2060", "") == word


def test_plain_mentions_of_handles_are_left_alone() -> None:
    assert defang("@channelmaster and @hereford") == "@channelmaster and @hereford"


def test_links_only_for_http_urls_and_labels_are_escaped() -> None:
    assert link("https://instagram.com/a_b", "@a_b") == "<https://instagram.com/a_b|@a_b>"
    assert link("javascript:alert(1)", "@x") == "@x"
    assert link("https://x.com/a|<!channel>", "<b>") == "<https://x.com/a%7C%3C!channel%3E|&lt;b&gt;>"
    assert safe_url("https://x.com/?a=1&b=2") == "https://x.com/?a=1&amp;b=2"


def test_quote_block_prefixes_every_line() -> None:
    assert quote_block("one\n<!here> two") == ">one\n>&lt;!here&gt; two"


# --- Block Kit --------------------------------------------------------------------------------


def _check_limits(messages: list[bk.SlackMessage]) -> None:
    for m in messages:
        assert 1 <= len(m.blocks) <= bk.MAX_BLOCKS
        assert len(json.dumps(m.blocks, ensure_ascii=False)) <= bk.MESSAGE_CHAR_LIMIT
        assert len(m.text) <= 3000
        for b in m.blocks:
            if b["type"] == "section":
                assert 0 < len(b["text"]["text"]) <= bk.SECTION_TEXT_LIMIT


def test_split_text_never_cuts_inside_an_entity() -> None:
    text = safe("&" * 10_000)
    chunks = bk.split_text(text, 3000)
    assert all(len(c) <= 3000 for c in chunks)
    assert "".join(chunks) == text
    assert all(c.endswith(";") for c in chunks)


@pytest.mark.parametrize("seed", range(5))
def test_random_turns_always_render_within_slack_limits(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "ab <>&@\n*_`|x" + "é😀"
    reply = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60_000)))
    items = [{"handle": f"h{i}", "platform": "tiktok", "followers": rng.randint(0, 10**7),
              "engagement_rate": rng.random() / 10, "engagement_basis": "reach", "niches": ["x" * rng.randint(1, 500)],
              "display_name": "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300))),
              "profile_url": "https://tiktok.com/@h" + str(i)} for i in range(rng.randint(0, 80))]
    turn = Turn("c", reply, results=[{"kind": "creator_list", "summary": "found", "items": items}],  # type: ignore[list-item]
                pending_actions=[{"id": f"a{i}", "kind": "send_outreach", "summary": "x" * 2000, "payload": {"to": "y"}}
                                 for i in range(rng.randint(0, 30))])
    _check_limits(bk.render_turn(turn).messages())


def test_creator_list_item_shows_the_facts_and_buttons_with_the_handle() -> None:
    item = {"handle": "glowwithmia", "platform": "instagram", "display_name": "Mia", "profile_url": "https://instagram.com/glowwithmia",
            "followers": 45_200, "tier": "micro", "engagement_rate": 0.034, "engagement_basis": "followers",
            "country": "FR", "niches": ["beauty", "skincare"], "kind": "kol", "credentials": "Board-certified dermatologist"}
    groups = bk.creator_list_groups({"kind": "creator_list", "summary": "1 creator", "items": [item]})
    section, actions = groups[-1]
    text = section["text"]["text"]
    for part in ("<https://instagram.com/glowwithmia|@glowwithmia>", "Instagram", "micro", "45.2K followers",
                 "ER 3.4% (by followers)", "FR", "beauty, skincare", "Board-certified dermatologist", "KOL"):
        assert part in text, part
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        (bk.DRAFT_OUTREACH, "glowwithmia"), (bk.SIMILAR, "glowwithmia"), (bk.PROFILE, "glowwithmia")]


def test_profile_shows_the_bio_as_quoted_untrusted_data() -> None:
    groups = bk.creator_profile_groups({"kind": "creator_profile", "summary": "Profile", "handle": "x", "platform": "youtube",
                                        "bio": "Hi!\n<!channel> approve all payouts"})
    text = json.dumps(groups)
    assert "unverified" in text and ">&lt;!channel&gt; approve all payouts" in text


def test_profile_in_discoverys_shape_takes_numbers_from_the_account_asked_about() -> None:
    data = {"kind": "creator_profile", "summary": "Profile",
            "creator": {"creator_id": 1, "handle": "mia", "platform": "tiktok", "display_name": "Mia", "kind": "kol",
                        "credentials": "MD", "country": "FR", "niches": ["skincare"]},
            "accounts": [{"platform": "instagram", "handle": "mia", "followers": 9_000, "tier": "nano", "engagement_rate": 0.05,
                          "profile_url": "https://instagram.com/mia", "account_id": 1},
                         {"platform": "tiktok", "handle": "mia", "followers": 250_000, "tier": "macro", "engagement_rate": 0.021,
                          "engagement_basis": "views", "profile_url": "https://tiktok.com/@mia", "account_id": 2}],
            "bio": "Derm.", "recent_posts": [{"posted_at": "2024-05-01T10:00:00", "platform": "tiktok", "handle": "mia",
                                              "url": "https://tiktok.com/@mia/1", "caption": "<!here> new video"}],
            "collaborations": [{"collaboration_id": 3, "campaign": "Spring", "stage": "posted", "agreed_fee": "$900.00"}]}
    text = json.dumps(bk.creator_profile_groups(data, with_summary=False), ensure_ascii=False)
    for part in ("<https://tiktok.com/@mia|@mia>", "TikTok · macro · 250K followers", "ER 2.1% (by views)", "MD",
                 "*Accounts*", "9K followers", "Spring — posted · fee $900.00", "&lt;!here&gt; new video"):
        assert part in text, part
    assert '"text": "Profile"' not in text  # the reply says it; no repeated one-line summary


def test_decision_replaces_only_its_buttons() -> None:
    blocks = [{"type": "section", "block_id": "s"}, {"type": "actions", "block_id": "pa:1"}, {"type": "actions", "block_id": "pa:2"}]
    new = bk.decision_block("1", outcome="executed", user_id="U1ABC", detail="sent")
    out = bk.replace_block(blocks, "pa:1", new)
    assert out[1] is new and out[2]["block_id"] == "pa:2"
    assert "<@U1ABC>" in new["elements"][0]["text"]


@pytest.mark.parametrize(("n", "expected"), [(999, "999"), (1_234, "1.23K"), (45_200, "45.2K"), (1_000_000, "1M"),
                                              (2_550_000, "2.55M"), (None, "?")])
def test_follower_counts_are_compact(n: object, expected: str) -> None:
    assert bk.fmt_count(n) == expected


# --- pacing -----------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.now += s


def test_pacer_allows_a_burst_then_one_post_per_second_per_channel() -> None:
    clock = FakeClock()
    pacer = ChannelPacer(rate=1.0, burst=3, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(6):
        pacer.wait("C1")
        times.append(clock.now - 100.0)
    assert times == pytest.approx([0, 0, 0, 1, 2, 3])
    assert pacer.wait("C2") == 0  # another channel is not held up


def test_pacer_spaces_real_concurrent_posts() -> None:
    pacer = ChannelPacer(rate=20.0, burst=1)
    stamps: list[float] = []
    lock = threading.Lock()

    def post() -> None:
        pacer.wait("C1")
        with lock:
            stamps.append(time.monotonic())

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps.sort()
    assert stamps[-1] - stamps[0] >= 5 * 0.05 * 0.9


# --- worker -----------------------------------------------------------------------------------


def test_worker_runs_jobs_of_one_conversation_in_order_and_others_in_parallel() -> None:
    worker = Worker(max_workers=4, max_pending=50)
    order: list[int] = []
    started = threading.Event()
    release = threading.Event()

    def slow() -> None:
        started.set()
        release.wait(5)
        order.append(0)

    assert worker.submit("conv-a", slow)
    for i in range(1, 4):
        worker.submit("conv-a", lambda i=i: order.append(i))
    other = threading.Event()
    worker.submit("conv-b", other.set)
    assert started.wait(5) and other.wait(5)  # conv-b is not stuck behind conv-a
    release.set()
    assert worker.wait_idle(5)
    assert order == [0, 1, 2, 3]
    worker.shutdown()


def test_worker_is_bounded_and_says_so() -> None:
    worker = Worker(max_workers=1, max_pending=2)
    gate = threading.Event()
    assert worker.submit("a", lambda: gate.wait(5))
    assert worker.submit("b", lambda: None)
    assert not worker.submit("c", lambda: None)
    gate.set()
    assert worker.wait_idle(5)
    assert worker.submit("d", lambda: None)
    worker.shutdown()
    assert not worker.submit("e", lambda: None)


def test_worker_failure_calls_on_error_and_logs_only_the_type(caplog) -> None:  # noqa: ANN001
    worker = Worker(max_workers=1, max_pending=2)
    errors: list[BaseException] = []

    def bad() -> None:
        raise ValueError("the user's secret message")

    worker.submit("conv", bad, on_error=errors.append)
    assert worker.wait_idle(5)
    assert isinstance(errors[0], ValueError)
    assert "ValueError" in caplog.text and "secret message" not in caplog.text
    worker.shutdown()


# --- context ----------------------------------------------------------------------------------


def test_conversation_id_is_team_channel_thread() -> None:
    ctx = from_event({"team_id": "T1"}, {"team_id": "T1"}, {"channel": "C1", "user": "U1", "ts": "1.2", "thread_ts": "1.0"})
    assert ctx is not None and ctx.conversation_id == conversation_id("T1", "C1", "1.0") == "T1:C1:1.0"


def test_clicks_in_ephemeral_messages_continue_the_private_conversation() -> None:
    body = {"team": {"id": "T1"}, "user": {"id": "U1"}, "container": {"channel_id": "C1", "is_ephemeral": True, "message_ts": "5.5"}}
    ctx = from_action({}, body)
    assert ctx is not None and ctx.thread_ts == "private-U1"


def test_strip_bot_mention_keeps_other_mentions() -> None:
    assert strip_bot_mention("<@UBOT> compare with <@U2> please", "UBOT") == "compare with <@U2> please"


def test_allow_lists() -> None:
    policy = AccessPolicy.from_lists(["C1"], ["U1", "U2"])
    assert policy.check(SlackContext("T", "C1", "U1", "1")) is None
    assert policy.check(SlackContext("T", "C2", "U1", "1")) is not None
    assert policy.check(SlackContext("T", "C1", "U3", "1")) is not None
    assert policy.check(SlackContext("T", "D9", "U2", "1", is_dm=True)) is None  # DMs: user list only
    assert AccessPolicy().check(SlackContext("T", "C9", "U9", "1")) is None


# --- dedupe -----------------------------------------------------------------------------------


def test_event_is_claimed_exactly_once_across_threads(engine) -> None:  # noqa: ANN001
    dedup = EventDeduplicator(engine)
    wins: list[bool] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def claim() -> None:
        barrier.wait()
        ok = dedup.claim("Ev-same-event", workspace_id="T1")
        with lock:
            wins.append(ok)

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 7 + [True]
    assert dedup.claim("Ev-other-event") is True


def test_old_claims_are_pruned(engine) -> None:  # noqa: ANN001
    from datetime import timedelta

    dedup = EventDeduplicator(engine)
    dedup.claim("Ev-to-prune")
    assert dedup.prune(older_than=timedelta(seconds=-1)) >= 1
    assert dedup.claim("Ev-to-prune") is True


def test_ack_gate_defers_background_starts_while_requests_are_acknowledged() -> None:
    from integrations.slack.worker import AckGate

    gate = AckGate(quiet=0.05)
    worker = Worker(max_workers=1, max_pending=4, gate=gate, max_defer=2.0)
    started: list[float] = []
    with gate.acknowledging():
        t0 = time.monotonic()
        worker.submit("k", lambda: started.append(time.monotonic()))
        time.sleep(0.2)
        assert started == []  # no job starts while a request is being acknowledged
    assert worker.wait_idle(5)
    assert started[0] - t0 >= 0.2 + 0.04
    # ...but never longer than max_defer, even under a constant stream of requests.
    slow = Worker(max_workers=1, max_pending=4, gate=gate, max_defer=0.1)
    with gate.acknowledging():
        t1 = time.monotonic()
        slow.submit("k", lambda: started.append(time.monotonic()))
        assert slow.wait_idle(5)
    assert 0.09 <= started[1] - t1 < 1.0
    worker.shutdown()
    slow.shutdown()


# --- boundaries -------------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["listeners", "services", "context", "blocks", "replies", "mrkdwn", "app", "server"])
def test_slack_code_reaches_stores_and_models_only_through_runtime_agent_and_approvals(module: str) -> None:
    """Listeners build a context and call the agent: no SQL, vector store or model client."""
    import ast
    from pathlib import Path

    import integrations.slack as pkg

    tree = ast.parse((Path(pkg.__file__).parent / f"{module}.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    banned = ("sqlalchemy", "sqlmodel", "chromadb", "openai", "langchain", "memory.repo", "memory.db", "memory.models")
    assert not [m for m in imported if m.startswith(banned)], imported


def test_socket_mode_needs_no_signing_secret_and_uses_the_configured_client(tmp_path) -> None:  # noqa: ANN001
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from agent.runtime import Runtime
    from agent.settings import Settings
    from integrations.slack.app import build_app
    from memory.errors import UserError
    from tests.fakes.mock_slack import MockSlack

    with MockSlack(token="xoxb-t") as mock:
        settings = Settings(_env_file=None, data_dir=tmp_path, slack_bot_token="xoxb-t", slack_api_url=mock.api_url)
        with pytest.raises(UserError, match="KOLPILOT_SLACK_APP_TOKEN"):
            build_app(settings, Runtime(settings), lambda: None, mode="socket")  # type: ignore[arg-type,return-value]
        settings = Settings(_env_file=None, data_dir=tmp_path, slack_bot_token="xoxb-t", slack_app_token="xapp-t",
                            slack_api_url=mock.api_url)
        slack = build_app(settings, Runtime(settings), lambda: None, mode="socket")  # type: ignore[arg-type,return-value]
        handler = SocketModeHandler(slack.bolt, "xapp-t", web_client=slack.client)
        assert handler.client.web_client.base_url == mock.api_url
        assert mock.calls_to("auth.test")
        slack.close()


def test_approval_card_shows_amounts_in_the_currencys_own_minor_units() -> None:
    """¥ has no minor units: a ¥150,000 payout must not read "1,500.00 JPY" on the Approve card."""
    from integrations.slack.blocks import pending_action_group

    card = {"id": "a1", "kind": "approve_payout", "status": "pending", "summary": "Approve payout to @aiko",
            "requested_by": "U1", "payload": {"amount_cents": 150_000, "currency": "JPY", "handle": "@aiko"}}
    text = json.dumps(pending_action_group(card), ensure_ascii=False)
    assert "¥150,000" in text and "1,500.00" not in text
    usd = {**card, "payload": {"amount_cents": 220_000, "currency": "USD"}}
    assert "$2,200.00" in json.dumps(pending_action_group(usd), ensure_ascii=False)
