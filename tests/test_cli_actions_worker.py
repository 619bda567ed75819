"""`kolpilot actions` and `kolpilot worker --once` against a real SQLite store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from agent.cli.main import app
from agent.runtime import Runtime
from agent.settings import Settings
from memory.db import session_scope
from memory.models import AccountCreate, CreatorCreate, Payout
from memory.repo.creators import upsert_creator_account
from tools.registry import run_tool

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path):
    """A data dir with a campaign, an agreed collaboration, a proposed payout and two deliverables."""
    data = tmp_path / "data"
    rt = Runtime(Settings(_env_file=None, data_dir=data))
    rt.ensure_workspace("local")
    with session_scope(rt.sessions) as s:
        upsert_creator_account(s, workspace_id="local", creator=CreatorCreate(name="Sam"),
                               account=AccountCreate(platform="instagram", handle="skin.by.sam", followers=40_000))
    ctx = rt.tool_context(user_id="U_MARKETER", conversation_id="t")
    today = datetime.now(UTC).date()
    for name, args in [
        ("create_campaign", {"name": "Glow Q3", "brand": "Lumière"}),
        ("add_to_campaign", {"campaign": "Glow Q3", "handles": ["@skin.by.sam"]}),
        ("log_negotiation", {"handle": "skin.by.sam", "campaign": "Glow Q3", "kind": "accept", "amount": {"amount": 1200}}),
        ("add_deliverable", {"handle": "skin.by.sam", "campaign": "Glow Q3", "type": "reel", "due_date": str(today + timedelta(days=1))}),
        ("add_deliverable", {"handle": "skin.by.sam", "campaign": "Glow Q3", "type": "story", "due_date": str(today - timedelta(days=3))}),
        ("propose_payout", {"handle": "skin.by.sam", "campaign": "Glow Q3"}),
    ]:
        out = run_tool(ctx, name, args)
        assert out.ok, out.error
    rt.engine.dispose()
    return data


def test_actions_json_lists_pending_actions(store: Path) -> None:
    res = runner.invoke(app, ["--data-dir", str(store), "actions", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 1
    assert {"id", "kind", "status", "summary"} <= set(rows[0])
    assert rows[0]["kind"] == "approve_payout" and rows[0]["status"] == "pending"
    assert "$1,200.00" in rows[0]["summary"]


def test_local_user_must_be_an_approver(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    action_id = json.loads(runner.invoke(app, ["--data-dir", str(store), "actions", "--json"]).stdout)[0]["id"]
    monkeypatch.setenv("KOLPILOT_APPROVERS", "U_BOSS")
    res = runner.invoke(app, ["--data-dir", str(store), "actions", "approve", action_id[:8]])
    assert res.exit_code == 1 and "only approvers" in res.output
    monkeypatch.setenv("KOLPILOT_APPROVERS", "U_BOSS,local")
    res = runner.invoke(app, ["--data-dir", str(store), "actions", "approve", action_id[:8]])
    assert res.exit_code == 0 and "approved" in res.output
    res = runner.invoke(app, ["--data-dir", str(store), "actions", "approve", action_id])
    assert res.exit_code == 1 and "already executed" in res.output
    rt = Runtime(Settings(_env_file=None, data_dir=store))
    with session_scope(rt.sessions) as s:
        assert [p.status for p in s.exec(select(Payout))] == ["approved"]


def test_reject_and_unknown_ids(store: Path) -> None:
    action_id = json.loads(runner.invoke(app, ["--data-dir", str(store), "actions", "--json"]).stdout)[0]["id"]
    assert "No pending action" in runner.invoke(app, ["--data-dir", str(store), "actions", "reject", "nope-nope"]).output
    res = runner.invoke(app, ["--data-dir", str(store), "actions", "reject", action_id])
    assert res.exit_code == 0 and "Rejected" in res.output
    assert json.loads(runner.invoke(app, ["--data-dir", str(store), "actions", "--json"]).stdout) == []


def test_worker_once_lists_each_reminder_once(store: Path) -> None:
    res = runner.invoke(app, ["--data-dir", str(store), "worker", "--once"])
    assert res.exit_code == 0, res.output
    lines = [line for line in res.output.splitlines() if line.startswith("[reminder]")]
    assert any("Due soon" in line and "reel" in line for line in lines)
    assert any("Overdue" in line and "story" in line and "3 days late" in line for line in lines)
    assert any("Waiting for approval" in line and "$1,200.00" in line for line in lines)
    assert len(lines) == 3
    again = runner.invoke(app, ["--data-dir", str(store), "worker", "--once"])
    assert [line for line in again.output.splitlines() if line.startswith("[reminder]")] == []
