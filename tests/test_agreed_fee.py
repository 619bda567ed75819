"""Money already agreed changes only with an approver (issue 11 item 2), on SQLite and PostgreSQL.

A raise of an agreed fee (accept or counter above it, or in another currency) is a pending
``change_agreed_fee`` action; payouts are checked against the fee in force until an approver
approves the raise; approval cards (terminal and Slack) show the fee's history.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from sqlmodel import select
from typer.testing import CliRunner

from agent.settings import Settings
from memory.db import session_scope
from memory.models import AccountCreate, Collaboration, CreatorCreate, NegotiationEvent, Payout, PendingAction
from memory.repo.creators import upsert_creator_account
from memory.repo.workspaces import ensure_workspace
from tools.approvals import decide, describe
from tools.base import ConversationMemory, ToolContext
from tools.registry import run_tool

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
H, C = "@skin.by.sam", "Glow Q3"


def _ctx(sessions, workspace_id: str, user: str = "U_MARKETER") -> ToolContext:
    settings = Settings(_env_file=None, approvers=["U_BOSS"], payout_cap="10000")
    return ToolContext(workspace_id=workspace_id, user_id=user, sessions=sessions, settings=settings,
                       conversation_id="conv-fee", clock=lambda: NOW, memory=ConversationMemory())


def ok(ctx, tool_name, **args):
    out = run_tool(ctx, tool_name, args)
    assert out.ok, out.error
    return out.result


def err(ctx, tool_name, **args) -> str:
    out = run_tool(ctx, tool_name, args)
    assert not out.ok, f"{tool_name} unexpectedly succeeded"
    assert "\n" not in (out.error or "")
    return out.error or ""


@pytest.fixture
def ctx(sessions, workspace_id):
    with session_scope(sessions) as s:
        ensure_workspace(s, workspace_id=workspace_id)
        upsert_creator_account(s, workspace_id=workspace_id, creator=CreatorCreate(name="Sam", country="FR"),
                               account=AccountCreate(platform="instagram", handle="skin.by.sam", followers=45_000))
    c = _ctx(sessions, workspace_id)
    ok(c, "create_campaign", name=C, brand="Lumière Skin")
    ok(c, "add_to_campaign", campaign=C, handles=[H])
    return c


@pytest.fixture
def boss(ctx):
    return _ctx(ctx.sessions, ctx.workspace_id, user="U_BOSS")


def _collab(ctx) -> Collaboration:
    with session_scope(ctx.sessions) as s:
        return s.exec(select(Collaboration).where(Collaboration.workspace_id == ctx.workspace_id)).one()


def _action(ctx, action_id: str) -> PendingAction:
    with session_scope(ctx.sessions) as s:
        return s.get(PendingAction, action_id)


def _amounts_logged(ctx) -> list[tuple[str, int | None]]:
    with session_scope(ctx.sessions) as s:
        return [(e.kind, e.amount_cents) for e in s.exec(
            select(NegotiationEvent).where(NegotiationEvent.workspace_id == ctx.workspace_id).order_by(NegotiationEvent.id))]


def test_reaccept_at_a_higher_fee_is_a_pending_action_and_the_fee_stays(ctx) -> None:
    ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "2000", "currency": "USD"})
    r = ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "9999", "currency": "USD"})
    assert r.pending_action_ids and "awaits an approver" in r.summary and "Done" not in r.summary
    assert (r.agreed_fee, r.pending_fee) == ("$2,000.00", "$9,999.00")
    action = _action(ctx, r.pending_action_ids[0])
    assert (action.kind, action.status, action.payload["amount_cents"]) == ("change_agreed_fee", "pending", 999_900)
    assert _collab(ctx).agreed_fee_cents == 200_000
    assert _amounts_logged(ctx) == [("accept", 200_000)]  # the proposed raise is not a negotiation event


def test_payout_above_the_fee_in_force_is_refused_while_a_raise_is_pending(ctx, boss) -> None:
    ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "2000", "currency": "USD"})
    early = ok(ctx, "propose_payout", handle=H, campaign=C, amount={"amount": "2000"})
    ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "1500", "currency": "USD"})  # lowering: no approval needed
    assert _collab(ctx).agreed_fee_cents == 150_000
    raise_ = ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "9999", "currency": "USD"})
    msg = err(ctx, "propose_payout", handle=H, campaign=C, amount={"amount": "7999"})
    assert "exceeds the agreed fee of $1,500.00" in msg and "raise to $9,999.00 is still waiting" in msg
    # at approval time the executor re-checks against the fee in force, not the pending raise
    d = decide(boss, early.pending_action_ids[0], approve=True)
    assert not d.ok and "exceeds the agreed fee of $1,500.00" in d.message
    with session_scope(ctx.sessions) as s:
        assert s.get(Payout, early.payout_id).status == "proposed"
    assert _action(ctx, raise_.pending_action_ids[0]).status == "pending"


def test_an_approved_raise_lets_a_payout_at_the_new_fee_pass(ctx, boss) -> None:
    ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "2000", "currency": "USD"})
    payout = ok(ctx, "propose_payout", handle=H, campaign=C, amount={"amount": "1000"})
    r = ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "9999", "currency": "USD"})
    refused = decide(ctx, r.pending_action_ids[0], approve=True)
    assert not refused.ok and "only approvers" in refused.message
    assert _collab(ctx).agreed_fee_cents == 200_000
    d = decide(boss, r.pending_action_ids[0], approve=True)
    assert d.ok and "raised from $2,000.00 to $9,999.00" in d.message
    assert _collab(ctx).agreed_fee_cents == 999_900
    assert _amounts_logged(ctx) == [("accept", 200_000), ("accept", 999_900)]
    # the still-pending payout card now shows the new fee, set by the approver
    history = _action(ctx, payout.pending_action_ids[0]).payload["fee_history"]
    assert history[0].startswith("Agreed fee: $9,999.00 set by U_BOSS") and "(from $2,000.00)" in history[0]
    assert history[1].startswith("Earlier: $2,000.00 set by U_MARKETER")
    p = ok(ctx, "propose_payout", handle=H, campaign=C, amount={"amount": "7999"})
    assert decide(boss, p.pending_action_ids[0], approve=True).ok


def test_same_or_lower_fee_needs_no_approval_but_counters_above_and_currency_changes_do(ctx, boss) -> None:
    ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "2000", "currency": "USD"})
    for kind, amount in (("accept", "$2,000"), ("counter", "$1,800"), ("accept", "$1,500")):
        assert not ok(ctx, "log_negotiation", handle=H, campaign=C, kind=kind, amount={"amount": amount.lstrip("$").replace(",", "")}).pending_action_ids
    assert _collab(ctx).agreed_fee_cents == 150_000
    counter = ok(ctx, "log_negotiation", handle=H, campaign=C, kind="counter", amount={"amount": "2500", "currency": "USD"})
    euros = ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "1000", "currency": "EUR"})
    assert counter.pending_action_ids and euros.pending_action_ids
    collab = _collab(ctx)
    assert (collab.agreed_fee_cents, collab.currency) == (150_000, "USD")
    assert decide(boss, counter.pending_action_ids[0], approve=True).ok  # approving a counter = the brand accepts it
    assert _amounts_logged(ctx)[-2:] == [("counter", 250_000), ("accept", 250_000)]
    # the currency change was proposed against $1,500: the fee moved since, so it cannot apply blindly
    d = decide(boss, euros.pending_action_ids[0], approve=True)
    assert not d.ok and "changed since this raise was proposed" in d.message
    assert (_collab(ctx).agreed_fee_cents, _collab(ctx).currency) == (250_000, "USD")


def _card_setup(ctx) -> tuple[str, str]:
    ok(ctx, "log_negotiation", handle=H, campaign=C, kind="counter", amount={"amount": "2200", "currency": "USD"})
    ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "2000", "currency": "USD"})
    raise_id = ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "9999", "currency": "USD"}).pending_action_ids[0]
    payout_id = ok(ctx, "propose_payout", handle=H, campaign=C).pending_action_ids[0]
    return raise_id, payout_id


def _expected_history(ctx, raise_id: str) -> str:
    with session_scope(ctx.sessions) as s:
        day = s.exec(select(NegotiationEvent).where(NegotiationEvent.workspace_id == ctx.workspace_id,
                                                    NegotiationEvent.kind == "accept")).one().at.date().isoformat()
    return (f"Agreed fee: $2,000.00 set by U_MARKETER on {day} (from creator counter $2,200.00); "
            f"raise to $9,999.00 pending (requested by U_MARKETER, action {raise_id[:8]})")


def test_payout_card_shows_the_fee_history_in_the_terminal_and_in_slack(ctx) -> None:
    from agent.cli.render import _print_pending
    from agent.turn import Turn
    from integrations.slack.blocks import pending_action_group

    raise_id, payout_id = _card_setup(ctx)
    card = describe(_action(ctx, payout_id))
    expected = _expected_history(ctx, raise_id)
    assert card["payload"]["fee_history"] == [expected]
    console = Console(record=True, width=400)
    _print_pending(console, Turn(conversation_id="c", reply="", pending_actions=[card]))
    assert expected in console.export_text()
    slack_text = pending_action_group(card)[0]["text"]["text"]
    assert "*Fee history:*" in slack_text and "set by U_MARKETER" in slack_text and "from creator counter $2,200.00" in slack_text
    assert "raise to $9,999.00 pending" in slack_text


def test_kolpilot_actions_lists_the_fee_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agent.cli.main import app
    from agent.runtime import Runtime

    data = tmp_path / "data"
    rt = Runtime(Settings(_env_file=None, data_dir=data, payout_cap="10000"))
    rt.ensure_workspace("local")
    with session_scope(rt.sessions) as s:
        upsert_creator_account(s, workspace_id="local", creator=CreatorCreate(name="Sam"),
                               account=AccountCreate(platform="instagram", handle="skin.by.sam", followers=40_000))
    c = rt.tool_context(user_id="U_MARKETER", conversation_id="t")
    ok(c, "create_campaign", name=C, brand="Lumière")
    ok(c, "add_to_campaign", campaign=C, handles=[H])
    raise_id, _ = _card_setup(c)
    expected = _expected_history(c, raise_id)
    rt.engine.dispose()
    monkeypatch.setenv("COLUMNS", "600")
    res = CliRunner().invoke(app, ["--data-dir", str(data), "actions"])
    assert res.exit_code == 0, res.output
    assert res.output.count(expected) == 2  # on the fee-raise card and on the payout card


def test_offline_planner_says_a_fee_raise_needs_approval(engine, tmp_path: Path) -> None:
    from agent.planner import OfflinePlanner
    from agent.runtime import Runtime

    ws = f"F{uuid.uuid4().hex[:10]}"
    rt = Runtime(Settings(_env_file=None, data_dir=tmp_path / "data", workspace=ws), engine=engine)
    rt.ensure_workspace(ws)
    with session_scope(rt.sessions) as s:
        upsert_creator_account(s, workspace_id=ws, creator=CreatorCreate(name="Sam"),
                               account=AccountCreate(platform="instagram", handle="skin.by.sam", followers=40_000))
    planner = OfflinePlanner(rt, clock=lambda: NOW)
    try:
        conv = f"t:{uuid.uuid4().hex[:8]}"
        for text in ("create a campaign Glow Q3 for Lumière", "add @skin.by.sam to Glow Q3", "@skin.by.sam accepted $2,000 for Glow Q3"):
            planner.run_turn(conv, "local", text)
        turn = planner.run_turn(conv, "local", "@skin.by.sam accepted $9,999 for Glow Q3")
        assert "awaits an approver" in turn.reply and "Done" not in turn.reply
        assert [a["kind"] for a in turn.pending_actions] == ["change_agreed_fee"]
        with session_scope(rt.sessions) as s:
            assert s.exec(select(Collaboration).where(Collaboration.workspace_id == ws)).one().agreed_fee_cents == 200_000
    finally:
        planner.close()


def test_lowering_the_fee_below_what_approvers_already_approved_needs_an_approver(ctx, boss) -> None:
    """A lower fee needs no approval, except when it would undercut payouts already approved or paid."""
    ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "2000", "currency": "USD"})
    p = ok(ctx, "propose_payout", handle=H, campaign=C, amount={"amount": "1500", "currency": "USD"})
    assert decide(boss, p.pending_action_ids[0], approve=True).ok
    r = ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "1000", "currency": "USD"})
    assert r.summary.startswith("Not logged yet") and "Lowering it to $1,000.00 awaits an approver" in r.summary
    assert _collab(ctx).agreed_fee_cents == 200_000
    # Above what is approved, lowering is logged directly.
    r = ok(ctx, "log_negotiation", handle=H, campaign=C, kind="accept", amount={"amount": "1800", "currency": "USD"})
    assert r.summary.startswith("Logged") and _collab(ctx).agreed_fee_cents == 180_000
