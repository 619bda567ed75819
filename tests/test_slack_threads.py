"""Threads are conversations: once kolpilot is in a channel thread (mentioned there, or it
opened the thread for a /kol question), follow-ups there are answered without a new
mention; every other channel message is ignored. Signed requests to the real server, on
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.fakes.mock_slack import BOT_ID, BOT_USER_ID, TEAM_ID
from tests.slack_helpers import CHANNEL, USER, FakeAgent, SlackHarness, command_form, mention, new_ts

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

OTHER_USER = "U0COLLEAGUE"


def channel_message(text: str, *, thread_ts: str | None, user: str = USER, channel: str = CHANNEL,
                    ts: str | None = None, **extra: object) -> dict:
    """A ``message`` event in a channel (message.channels), as Slack sends it."""
    ev: dict = {"type": "message", "channel_type": "channel", "user": user, "text": text, "ts": ts or new_ts(),
                "channel": channel}
    if thread_ts:
        ev["thread_ts"] = thread_ts
    ev.update(extra)
    return ev


@pytest.fixture(scope="module")
def harness(engine, tmp_path_factory):
    with SlackHarness(engine, tmp_path_factory.mktemp("threads")) as h:
        yield h


@pytest.fixture
def h(harness: SlackHarness):
    harness.mock.reset()
    harness.agent.calls.clear()
    yield harness
    harness.wait_idle()


def _settle(h: SlackHarness) -> list[str]:
    """Texts the agent was asked, once every accepted answer has run (listeners decide
    synchronously while the request is dispatched, so nothing is still on its way)."""
    h.wait_idle()
    return [c.text for c in h.agent.calls]


def _joined(h: SlackHarness, **kw: object) -> str:
    """A thread kolpilot is in: someone mentioned it at the root. Returns the thread ts."""
    root = new_ts()
    assert h.send_event(mention("find beauty creators", ts=root, **kw)).status_code == 200
    h.wait_idle()
    h.agent.calls.clear()
    return root


def test_a_follow_up_in_a_thread_kolpilot_answered_needs_no_mention(h: SlackHarness) -> None:
    root = _joined(h)
    h.send_event(channel_message("only the ones in Paris please", thread_ts=root))
    assert _settle(h) == ["only the ones in Paris please"]
    call = h.agent.calls[0]
    assert call.conversation_id == f"{TEAM_ID}:{CHANNEL}:{root}"  # the same conversation as the mention
    placeholder = h.mock.wait_calls("chat.postMessage", where=lambda c: c.params.get("thread_ts") == root)[0]
    h.mock.wait_calls("chat.update", where=lambda c: c.params.get("ts") == placeholder.params["ts_assigned"])


def test_a_colleague_can_follow_up_too_and_a_mention_inside_the_thread_joins_it(h: SlackHarness) -> None:
    root = new_ts()
    h.send_event(channel_message("should we ask kolpilot?", thread_ts=None, ts=root))
    h.send_event(mention("which creators did we contact last week?", ts=new_ts(), thread_ts=root, user=OTHER_USER))
    h.send_event(channel_message("and their engagement?", thread_ts=root, user=USER))
    assert _settle(h) == ["which creators did we contact last week?", "and their engagement?"]


def test_other_channel_messages_are_ignored(h: SlackHarness) -> None:
    root = new_ts()
    h.send_event(channel_message("lunch anyone?", thread_ts=None, ts=root))  # top level
    h.send_event(channel_message("me!", thread_ts=root))  # a thread kolpilot is not in
    joined = _joined(h, channel="C0ELSEWHERE")
    h.send_event(channel_message("same thread ts, another channel", thread_ts=joined))  # not that thread
    assert _settle(h) == []
    assert not h.mock.calls_to("chat.postMessage", "chat.postEphemeral", where=lambda c: c.params.get("channel") == CHANNEL)


def test_bots_and_kolpilot_itself_are_ignored_in_its_threads(h: SlackHarness) -> None:
    root = _joined(h)
    h.send_event(channel_message("beep", thread_ts=root, user="U0OTHERBOT", bot_id="B0OTHER"))
    h.send_event(channel_message("a bot message", thread_ts=root, subtype="bot_message", bot_id="B0OTHER"))
    h.send_event(channel_message("Here are 3 creators", thread_ts=root, user=BOT_USER_ID, bot_id=BOT_ID))
    h.send_event(channel_message("edited", thread_ts=root, subtype="message_changed"))
    assert _settle(h) == []


def test_a_follow_up_that_mentions_kolpilot_is_answered_once(h: SlackHarness) -> None:
    root = _joined(h)
    ts = new_ts()
    text = f"<@{BOT_USER_ID}> now the micro ones"
    # Slack sends both events for one message, in either order.
    h.send_event(channel_message(text, thread_ts=root, ts=ts))
    h.send_event(mention("now the micro ones", ts=ts, thread_ts=root))
    ts2 = new_ts()
    h.send_event(mention("and in Spain", ts=ts2, thread_ts=root))
    h.send_event(channel_message(f"<@{BOT_USER_ID}|kolpilot> and in Spain", thread_ts=root, ts=ts2))
    assert _settle(h) == ["now the micro ones", "and in Spain"]


def test_a_public_kol_question_opens_a_thread_kolpilot_is_in(h: SlackHarness) -> None:
    from urllib.parse import urlencode

    form = command_form("find dermatologist KOLs", response_url=h.mock.response_url("cmd"))
    h.post_signed(urlencode(form), "application/x-www-form-urlencoded")
    root = h.mock.wait_calls("chat.postMessage", where=lambda c: "asked:" in str(c.params.get("text")))[0]
    h.wait_idle()
    h.send_event(channel_message("only in Germany", thread_ts=root.params["ts_assigned"]))
    assert _settle(h) == ["find dermatologist KOLs", "only in Germany"]


def test_allow_lists_still_apply_to_follow_ups(engine, tmp_path) -> None:  # noqa: ANN001
    overrides = {"slack_allowed_users": [USER, OTHER_USER], "slack_allowed_channels": [CHANNEL]}
    with SlackHarness(engine, tmp_path, settings_overrides=overrides) as h:
        root = _joined(h)
        h.send_event(channel_message("can I ask too?", thread_ts=root, user="U0NOTALLOWED"))
        h.send_event(channel_message("go on", thread_ts=root, user=OTHER_USER))
        # A refused mention in a channel kolpilot may not answer in does not join the thread.
        refused = new_ts()
        h.send_event(mention("hello", ts=refused, channel="C0NOTALLOWED"))
        h.send_event(channel_message("hello again", thread_ts=refused, channel="C0NOTALLOWED"))
        assert _settle(h) == ["go on"]
        h.mock.wait_calls("chat.postEphemeral")  # the refused mention was told why, once
        assert len(h.mock.calls_to("chat.postEphemeral")) == 1


def test_threads_survive_a_restart(engine, tmp_path) -> None:  # noqa: ANN001
    with SlackHarness(engine, tmp_path / "a") as first:
        root = _joined(first)
    with SlackHarness(engine, tmp_path / "b", agent=FakeAgent()) as second:
        second.send_event(channel_message("still there?", thread_ts=root))
        assert _settle(second) == ["still there?"]


def test_top_level_channel_messages_cost_no_database_write(h: SlackHarness) -> None:
    from sqlalchemy import func, select

    from memory.models import ProcessedEvent

    def claimed(event_id: str) -> int:
        with h.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(ProcessedEvent).where(ProcessedEvent.id == event_id)).scalar_one()

    root = _joined(h)
    h.send_event(channel_message("good morning team", thread_ts=None), event_id="EvTOPLEVEL" + new_ts().replace(".", ""))
    h.send_event(channel_message("thanks!", thread_ts=root), event_id=(follow := "EvFOLLOWUP" + new_ts().replace(".", "")))
    assert _settle(h) == ["thanks!"]
    assert claimed(follow) == 1  # follow-ups are deduplicated like every event kolpilot acts on
    with h.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ProcessedEvent)
                            .where(ProcessedEvent.id.like("EvTOPLEVEL%"))).scalar_one() == 0
