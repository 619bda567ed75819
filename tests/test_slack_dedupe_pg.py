"""Exactly-once across processes: two app instances (own engines, own servers) sharing one
PostgreSQL database receive the same deliveries — as when Slack retries an event and the
load balancer sends the retry to the other instance."""

from __future__ import annotations

import threading
import uuid

import pytest

from memory.db import make_engine
from tests.fakes.mock_slack import MockSlack
from tests.slack_helpers import BOT_TOKEN, CHANNEL, SlackHarness, mention, new_ts

pytestmark = [pytest.mark.postgres, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


def test_two_app_instances_on_one_postgres_process_each_event_once(pg_engine, tmp_path) -> None:  # noqa: ANN001
    other_engine = make_engine(pg_engine.url.render_as_string(hide_password=False))  # a second pool, like a second process
    with MockSlack(token=BOT_TOKEN) as mock, \
            SlackHarness(pg_engine, tmp_path / "a", mock=mock) as a, \
            SlackHarness(other_engine, tmp_path / "b", mock=mock) as b:
        events = [(f"Ev{uuid.uuid4().hex[:12].upper()}", mention(f"question {i}", ts=new_ts())) for i in range(12)]
        barrier = threading.Barrier(len(events) * 2)
        statuses: list[int] = []
        lock = threading.Lock()

        def deliver(h: SlackHarness, event_id: str, event: dict, retry: int | None) -> None:
            barrier.wait()
            r = h.send_event(event, event_id=event_id, retry_num=retry)
            with lock:
                statuses.append(r.status_code)

        threads = []
        for event_id, event in events:
            threads.append(threading.Thread(target=deliver, args=(a, event_id, event, None)))
            threads.append(threading.Thread(target=deliver, args=(b, event_id, event, 1)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        a.wait_idle()
        b.wait_idle()

        assert statuses == [200] * len(threads)
        asked = sorted(c.text for c in a.agent.calls + b.agent.calls)
        assert asked == sorted(f"question {i}" for i in range(12))
        for _event_id, event in events:
            answers = mock.calls_to("chat.update", where=lambda c, ts=event["ts"]: any(
                p.params.get("ts_assigned") == c.params.get("ts") and p.params.get("thread_ts") == ts
                for p in mock.calls_to("chat.postMessage")))
            placeholders = mock.calls_to("chat.postMessage", where=lambda c, ts=event["ts"]: c.params.get("thread_ts") == ts)
            assert len(placeholders) == 1 and len(answers) == 1
            assert placeholders[0].params["channel"] == CHANNEL
    other_engine.dispose()
