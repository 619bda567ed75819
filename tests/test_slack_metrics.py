"""Metrics in Slack: a campaign summary renders as Block Kit fields and its chart is
uploaded into the thread with files_upload_v2."""

from __future__ import annotations

from datetime import date

import pytest

from memory.db import session_factory, session_scope
from tests.fakes.mock_slack import TEAM_ID
from tests.slack_helpers import SlackHarness, mention, new_ts

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _seed(engine) -> None:  # noqa: ANN001
    from memory.models import AccountCreate, Campaign, Collaboration, CreatorCreate, MetricSnapshot
    from memory.repo.creators import upsert_creator_account
    from memory.repo.metrics import refresh_latest
    from memory.repo.workspaces import ensure_workspace

    with session_scope(session_factory(engine)) as s:
        ensure_workspace(s, workspace_id=TEAM_ID)
        camp = Campaign(workspace_id=TEAM_ID, name="Glow Q3", brand="Lumière", budget_cents=1_000_000, currency="USD",
                        start_date=date(2026, 7, 1), end_date=date(2026, 9, 30), status="finished")
        s.add(camp)
        s.flush()
        for i, h in enumerate(("skin.by.sam", "dewy.owen")):
            _, acc = upsert_creator_account(s, workspace_id=TEAM_ID, creator=CreatorCreate(name=h),
                                            account=AccountCreate(platform="instagram", handle=h, followers=40_000))
            c = Collaboration(workspace_id=TEAM_ID, campaign_id=camp.id, creator_id=acc.creator_id, account_id=acc.id,
                              stage="paid", agreed_fee_cents=100_000 * (i + 1), currency="USD")
            s.add(c)
            s.flush()
            for day in range(1, 4):
                s.add(MetricSnapshot(workspace_id=TEAM_ID, campaign_id=camp.id, account_id=acc.id, collaboration_id=c.id,
                                     deliverable_url=f"https://ig/{h}", date=date(2026, 7, day), impressions=10_000 * day,
                                     reach=8_000 * day, clicks=200 * day, conversions=10 * day, revenue_cents=60_000 * day))
        s.flush()
        refresh_latest(s, campaign_ids=[camp.id])


@pytest.fixture(scope="module")
def harness(sqlite_engine, tmp_path_factory):
    from agent.planner import OfflinePlanner
    from agent.runtime import Runtime
    from agent.settings import Settings

    _seed(sqlite_engine)
    tmp = tmp_path_factory.mktemp("metrics")
    runtime = Runtime(Settings(_env_file=None, data_dir=tmp / "data"), engine=sqlite_engine)
    with SlackHarness(sqlite_engine, tmp, agent=OfflinePlanner(runtime)) as h:
        yield h


def test_summary_as_fields_with_chart_uploaded(harness: SlackHarness) -> None:
    harness.mock.reset()
    ts = new_ts()
    harness.send_event(mention("how is the Glow Q3 campaign doing?", ts=ts))
    placeholder = harness.mock.wait_calls("chat.postMessage", where=lambda c: c.params.get("thread_ts") == ts, timeout=60)[0]
    update = harness.mock.wait_calls("chat.update", where=lambda c: c.params.get("ts") == placeholder.params["ts_assigned"], timeout=60)[0]
    harness.wait_idle(60)
    text = update.all_text()
    assert "ROAS · ROI" in text and "ER by reach · by followers" in text and "cpm_benchmark" in text
    completes = harness.mock.wait_calls("files.completeUploadExternal", timeout=60)
    assert any(c.params.get("thread_ts") == ts or ts in str(c.params) for c in completes)
    assert any(".png" in str(c.params) for c in completes)
    assert harness.mock.violations == []
