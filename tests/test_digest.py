"""The weekly digest job: due at the configured day and time in the workspace time zone,
posted once per ISO week as Block Kit even when two workers run at the same moment, and
nothing before it is due or when no channel is configured."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest

from memory.db import session_scope
from tests.fakes.mock_slack import MockSlack

CHANNEL = "C0DIGEST01"
# Wednesday 2 December 2026; Paris is UTC+1 in winter.
DUE = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)  # 09:30 in Paris
EARLY = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)  # 08:30 in Paris
TUESDAY = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LATER_SAME_WEEK = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
NEXT_WEEK = datetime(2026, 12, 9, 8, 5, tzinfo=UTC)


@pytest.fixture
def mock():
    with MockSlack(token="xoxb-digest") as m:
        yield m


def _seed(sessions, workspace_id: str) -> None:  # noqa: ANN001
    from memory.models import (
        AccountCreate,
        Campaign,
        Collaboration,
        CreatorCreate,
        Deliverable,
        MetricSnapshot,
        Workspace,
    )
    from memory.repo import actions as actions_repo
    from memory.repo.creators import upsert_creator_account
    from memory.repo.metrics import refresh_latest

    with session_scope(sessions) as s:
        ws = s.get(Workspace, workspace_id)
        ws.timezone = "Europe/Paris"
        s.add(ws)
        live = Campaign(workspace_id=workspace_id, name="Winter Glow", brand="Lumière", budget_cents=500_000,
                        currency="EUR", start_date=date(2026, 11, 1), end_date=date(2026, 12, 31), status="active")
        done = Campaign(workspace_id=workspace_id, name="Old Summer", brand="Lumière", budget_cents=100_000,
                        currency="EUR", status="finished")
        s.add_all([live, done])
        s.flush()
        for i, handle in enumerate(("frost.fiona", "snow.sam")):
            _, acc = upsert_creator_account(s, workspace_id=workspace_id, creator=CreatorCreate(name=handle),
                                            account=AccountCreate(platform="instagram", handle=handle, followers=50_000))
            c = Collaboration(workspace_id=workspace_id, campaign_id=live.id, creator_id=acc.creator_id, account_id=acc.id,
                              stage="posted", agreed_fee_cents=50_000, currency="EUR")
            s.add(c)
            s.flush()
            s.add(MetricSnapshot(workspace_id=workspace_id, campaign_id=live.id, account_id=acc.id, collaboration_id=c.id,
                                 deliverable_url=f"https://ig/{handle}", date=date(2026, 11, 20), impressions=20_000,
                                 reach=15_000, clicks=300, conversions=20 * (i + 1), revenue_cents=100_000 * (i + 1),
                                 currency="EUR"))
            if handle == "snow.sam":
                s.add(Deliverable(workspace_id=workspace_id, collaboration_id=c.id, type="reel",
                                  due_date=date(2026, 11, 28), status="planned"))
        s.flush()
        refresh_latest(s, campaign_ids=[live.id])
        actions_repo.create(s, workspace_id=workspace_id, kind="approve_payout", summary="Pay @frost.fiona 500.00 EUR",
                            payload={}, requested_by="U1")
        actions_repo.create(s, workspace_id=workspace_id, kind="import_file", summary="Import 3 creators rows from x.csv",
                            payload={}, requested_by="U1")


def _runtime(engine, tmp_path, mock: MockSlack, **over):  # noqa: ANN001, ANN003, ANN202
    from agent.runtime import Runtime
    from agent.settings import Settings

    values = {"data_dir": tmp_path / "data", "slack_bot_token": "xoxb-digest", "slack_api_url": mock.api_url,
              "digest_channel": CHANNEL, "digest_day": "wed", "digest_time": "09:00"}
    values.update(over)
    return Runtime(Settings(_env_file=None, **values), engine=engine)


def _posts(mock: MockSlack) -> list:
    return mock.calls_to("chat.postMessage", where=lambda c: c.params.get("channel") == CHANNEL)


def test_due_digest_is_posted_once_per_week_even_with_two_workers(engine, sessions, workspace_id, tmp_path, mock) -> None:  # noqa: ANN001
    from agent.jobs.digest import run

    _seed(sessions, workspace_id)
    workers = [_runtime(engine, tmp_path, mock), _runtime(engine, tmp_path, mock)]
    start = threading.Barrier(2)
    lines: list[list[str]] = [[], []]
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            start.wait(timeout=30)
            lines[i] = run(workers[i], workspace_id, now=DUE)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(len(x) for x in lines) == [0, 1]
    assert "posted the 2026-W49 digest (1 active campaign(s))" in (lines[0] + lines[1])[0]
    posts = _posts(mock)
    assert len(posts) == 1
    text = posts[0].all_text()
    assert "kolpilot weekly digest · 2026-W49" in text
    assert "Winter Glow" in text and "Old Summer" not in text
    assert "Budget: €1,000.00 of €5,000.00 spent (20.0%), 52.5% of the time elapsed" in text
    assert "Top performers: @snow.sam — ROAS 4.00x" in text  # best ROAS first
    assert "1 overdue: @snow.sam — 1 × reel due 2026-11-28 (4 days late)" in text
    assert "Pay @frost.fiona 500.00 EUR" in text and "Import 3 creators" not in text
    assert "Waiting for an approver (1)" in text
    assert len(posts[0].blocks()) <= 50 and mock.violations == []

    # Later in the same week, on either worker: nothing more. The next week: a new digest.
    assert run(workers[0], workspace_id, now=LATER_SAME_WEEK) == []
    assert run(workers[1], workspace_id, now=LATER_SAME_WEEK) == []
    assert len(_posts(mock)) == 1
    assert run(workers[1], workspace_id, now=NEXT_WEEK)[0].startswith("[digest] posted the 2026-W50 digest")
    assert len(_posts(mock)) == 2


@pytest.mark.parametrize("now", [EARLY, TUESDAY], ids=["same-day-before-time", "day-before"])
def test_digest_not_due_posts_nothing(engine, sessions, workspace_id, tmp_path, mock, now: datetime) -> None:  # noqa: ANN001
    from agent.jobs.digest import run

    _seed(sessions, workspace_id)
    assert run(_runtime(engine, tmp_path, mock), workspace_id, now=now) == []
    assert _posts(mock) == []
    # Not claimed either: when it becomes due it is posted.
    assert run(_runtime(engine, tmp_path, mock), workspace_id, now=DUE) != []
    assert len(_posts(mock)) == 1


def test_no_digest_channel_means_no_digest(engine, sessions, workspace_id, tmp_path, mock) -> None:  # noqa: ANN001
    from agent.jobs.digest import run

    _seed(sessions, workspace_id)
    assert run(_runtime(engine, tmp_path, mock, digest_channel=None), workspace_id, now=DUE) == []
    assert mock.calls_to("chat.postMessage") == []


def test_a_failed_post_releases_the_week_for_the_next_pass(engine, sessions, workspace_id, tmp_path, mock) -> None:  # noqa: ANN001
    from slack_sdk.errors import SlackApiError

    from agent.jobs.digest import run

    _seed(sessions, workspace_id)
    mock.fail_next("chat.postMessage", "channel_not_found")
    with pytest.raises(SlackApiError):
        run(_runtime(engine, tmp_path, mock), workspace_id, now=DUE)
    assert run(_runtime(engine, tmp_path, mock), workspace_id, now=DUE) != []
    assert len(_posts(mock)) == 1


def test_digest_job_is_registered_with_the_worker() -> None:
    from agent.cli.worker_cmds import JOBS

    assert ("digest", "agent.jobs.digest:run") in JOBS


@pytest.mark.parametrize(("field", "value", "message"), [
    ("digest_time", "9am", "Invalid setting KOLPILOT_DIGEST_TIME: expected HH:MM (24-hour), e.g. 09:00, got '9am'"),
    ("digest_day", "monday", "Invalid setting KOLPILOT_DIGEST_DAY: Input should be 'mon', 'tue'"),
])
def test_bad_digest_settings_fail_in_one_line(field: str, value: str, message: str) -> None:
    from agent.settings import SettingsError, load_settings

    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None, **{field: value})
    assert str(err.value).startswith(message) and "\n" not in str(err.value)
