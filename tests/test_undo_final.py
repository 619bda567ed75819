"""Executed actions are final: undo never reverts what an approver executed (approving or paying
a payout, approving content, sending outreach), nor the drafts those actions used, and it never
skips back past such an action to revert something older. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from sqlmodel import select

from memory.db import session_scope
from memory.models import AuditLog, Deliverable, Note, OutreachMessage, Payout, PendingAction
from memory.repo import actions as actions_repo
from memory.repo.changes import undo_last
from tests.test_crm import _ctx, _seed, err, ok
from tools.approvals import decide
from tools.base import ConversationMemory, ToolContext
from tools.registry import run_tool

FINAL = "it was executed by an approver and is final"


def as_user(ctx: ToolContext, user: str) -> ToolContext:
    """Same workspace, settings and conversation; another user."""
    return dataclasses.replace(ctx, user_id=user, memory=ConversationMemory())


@pytest.fixture
def ctx(sessions, workspace_id):
    """U_MARKETER, who is also an approver (like the single `cli` user of the terminal)."""
    _seed(sessions, workspace_id)
    c = _ctx(sessions, workspace_id, approvers=("U_MARKETER", "U_BOSS"))
    ok(c, "create_campaign", name="Glow Q3", brand="Lumière Skin", budget={"amount": "20000", "currency": "USD"}, target_niches=["skincare"])
    ok(c, "add_to_campaign", campaign="Glow Q3", handles=["@skin.by.sam"])
    ok(c, "log_negotiation", handle="@skin.by.sam", campaign="Glow Q3", kind="accept", amount={"amount": "2200", "currency": "USD"})
    return c


def state(ctx: ToolContext) -> tuple[list[tuple], list[tuple], int]:
    """Payouts, pending actions, and the number of undo markers: what a refused undo must not change."""
    with session_scope(ctx.sessions) as s:
        payouts = [(p.id, p.status, p.reference) for p in s.exec(select(Payout).where(Payout.workspace_id == ctx.workspace_id))]
        actions = [(a.id, a.status) for a in s.exec(select(PendingAction).where(PendingAction.workspace_id == ctx.workspace_id))]
        undos = len(list(s.exec(select(AuditLog).where(AuditLog.workspace_id == ctx.workspace_id, AuditLog.action == "undo"))))
    return sorted(payouts), sorted(actions), undos


def approved_payout(ctx: ToolContext, approver: ToolContext | None = None):
    p = ok(ctx, "propose_payout", handle="@skin.by.sam", campaign="Glow Q3")
    d = decide(approver or ctx, p.pending_action_ids[0], approve=True)
    assert d.ok, d.message
    return p


def test_undo_after_approving_a_payout_refuses_and_changes_nothing(ctx) -> None:
    p = approved_payout(ctx)
    before = state(ctx)
    msg = err(ctx, "undo_last_change")
    assert msg.startswith(f"Can't undo approve_payout: {FINAL}. To correct it, ask for 'reverse payout #{p.payout_id}'")
    assert "\n" not in msg
    # Asked again, it still refuses: it never skips back to revert the proposal behind it.
    assert err(ctx, "undo_last_change") == msg
    assert state(ctx) == before
    assert before[0] == [(p.payout_id, "approved", None)] and before[1] == [(p.pending_action_ids[0], "executed")]


def test_undo_after_marking_paid_keeps_the_payment_reference(ctx) -> None:
    p = approved_payout(ctx)
    paid = ok(ctx, "mark_payout_paid", handle="@skin.by.sam", campaign="Glow Q3", reference="PAY-1")
    assert decide(ctx, paid.pending_action_ids[0], approve=True).ok
    before = state(ctx)
    assert f"Can't undo mark_payout_paid: {FINAL}" in err(ctx, "undo_last_change")
    assert state(ctx) == before and before[0] == [(p.payout_id, "paid", "PAY-1")]
    assert {status for _, status in before[1]} == {"executed"}


def test_undo_of_a_proposal_refuses_once_an_approver_approved_it(ctx) -> None:
    boss = as_user(ctx, "U_BOSS")
    p = approved_payout(ctx, approver=boss)
    before = state(ctx)
    # The proposer's last operation is the proposal; its pending action has been executed since.
    msg = err(ctx, "undo_last_change")
    assert msg.startswith("Can't undo propose_payout: its action approve_payout was approved, which an approver executed "
                          f"and is final. To correct it, ask for 'reverse payout #{p.payout_id}'")
    # The approver's own undo refuses too.
    assert f"Can't undo approve_payout: {FINAL}" in err(boss, "undo_last_change")
    assert state(ctx) == before


def test_an_approvers_rejection_is_final_too(ctx) -> None:
    boss = as_user(ctx, "U_BOSS")
    ok(boss, "log_note", handle="@skin.by.sam", text="Budget review on Friday")
    p = ok(ctx, "propose_payout", handle="@skin.by.sam", campaign="Glow Q3")
    assert decide(boss, p.pending_action_ids[0], approve=False).ok
    before = state(ctx)
    # The approver's last step was the rejection: refused, and the older note is not undone instead.
    msg = err(boss, "undo_last_change")
    assert msg == "Can't undo the rejection of approve_payout: an approver's decision is final. To try again, ask for the action again."
    assert state(ctx) == before
    with session_scope(ctx.sessions) as s:
        assert len(list(s.exec(select(Note).where(Note.workspace_id == ctx.workspace_id)))) == 1


def test_undo_after_content_approval_refuses_for_the_approval_and_the_submission(ctx) -> None:
    ok(ctx, "add_deliverable", handle="@skin.by.sam", campaign="Glow Q3", type="reel", due_date="2026-11-25")
    ok(ctx, "submit_content", handle="@skin.by.sam", campaign="Glow Q3", content_url="https://drive.example/reel1", type="reel")
    lead, boss = as_user(ctx, "U_LEAD"), as_user(ctx, "U_BOSS")
    review = ok(lead, "review_content", handle="@skin.by.sam", campaign="Glow Q3", decision="approve")
    assert decide(boss, review.pending_action_ids[0], approve=True).ok
    assert f"Can't undo approve_content: {FINAL}" in err(boss, "undo_last_change")
    assert "Can't undo review_content (approve): its action approve_content was approved" in err(lead, "undo_last_change")
    msg = err(ctx, "undo_last_change")  # the marketer's last operation: the submission
    assert msg.startswith("Can't undo submit_content: ") and "was since changed by approve_content, which an approver" in msg
    with session_scope(ctx.sessions) as s:
        d = s.exec(select(Deliverable).where(Deliverable.workspace_id == ctx.workspace_id)).one()
        assert (d.status, d.content_url) == ("approved", "https://drive.example/reel1")


def test_undo_after_send_approval_refuses_for_the_send_and_the_drafts(sessions, workspace_id) -> None:
    from tests.test_outreach_sending import setup_campaign

    ctx = setup_campaign(sessions, workspace_id, None, n=2)  # U_MARKETER drafted the emails
    lead, boss = as_user(ctx, "U_LEAD"), as_user(ctx, "U_BOSS")
    r = ok(lead, "approve_outreach", campaign="Glow", all=True)
    assert decide(boss, r.pending_action_ids[0], approve=True).ok
    msg = err(boss, "undo_last_change")
    assert msg.startswith(f"Can't undo send_outreach: {FINAL}. To correct it, stop the messages not sent yet")
    assert "Can't undo approve_outreach: its action send_outreach was approved" in err(lead, "undo_last_change")
    msg = err(ctx, "undo_last_change")
    assert msg.startswith("Can't undo draft_outreach_bulk: outreach_message #") and "since changed by send_outreach" in msg
    with session_scope(ctx.sessions) as s:
        statuses = {m.status for m in s.exec(select(OutreachMessage).where(OutreachMessage.workspace_id == workspace_id))}
    assert statuses == {"scheduled"}


def test_a_note_is_still_undone_even_after_an_executed_action(ctx) -> None:
    approved_payout(ctx)
    ok(ctx, "log_note", handle="@skin.by.sam", text="Prefers bank transfer")
    before = state(ctx)
    assert ok(ctx, "undo_last_change").summary == "Undone: log_note (1 change reverted)."
    with session_scope(ctx.sessions) as s:
        assert list(s.exec(select(Note).where(Note.workspace_id == ctx.workspace_id))) == []
    # Next in line is the approval: refused, not skipped.
    assert f"Can't undo approve_payout: {FINAL}" in err(ctx, "undo_last_change")
    assert state(ctx)[:2] == before[:2]


def test_a_created_row_named_in_an_executed_action_is_final(ctx) -> None:
    note = ok(ctx, "log_note", handle="@skin.by.sam", text="Contract signed")
    with session_scope(ctx.sessions) as s:
        action = actions_repo.create(s, workspace_id=ctx.workspace_id, kind="archive_note", summary="Archive the note",
                                     payload={"note_id": note.note_id}, requested_by="U_BOSS")
        actions_repo.finish(s, action=action, status=actions_repo.ActionStatus.executed, result="done")
    with session_scope(ctx.sessions) as s:
        res = undo_last(s, workspace_id=ctx.workspace_id, actor=ctx.user_id, conversation_id=ctx.conversation_id)
    assert not res.ok
    assert res.message == (f"Can't undo log_note: note #{note.note_id} is used by archive_note, which an approver executed "
                           "and is final. To correct it, ask for a new action that an approver confirms.")
    with session_scope(ctx.sessions) as s:
        assert s.get(Note, note.note_id) is not None


def test_the_agreed_fee_under_an_approved_payout_cannot_be_undone(ctx) -> None:
    """Alice logs the accept; Bob proposes a payout in another conversation; the boss approves it.
    Alice's "undo" must not take the agreed fee (and the stage) away from under the approved payout."""
    alice = dataclasses.replace(as_user(ctx, "U_ALICE"), conversation_id="alice")
    ok(alice, "add_to_campaign", campaign="Glow Q3", handles=["@fitwithmarco"])
    ok(alice, "log_negotiation", handle="@fitwithmarco", campaign="Glow Q3", kind="accept",
       amount={"amount": "1500", "currency": "USD"})
    bob = dataclasses.replace(as_user(ctx, "U_BOB"), conversation_id="bob")
    p = ok(bob, "propose_payout", handle="@fitwithmarco", campaign="Glow Q3")
    assert decide(as_user(ctx, "U_BOSS"), p.pending_action_ids[0], approve=True).ok
    msg = err(alice, "undo_last_change")
    assert msg.startswith("Can't undo log_negotiation") and "approve_payout" in msg and "final" in msg
    with session_scope(ctx.sessions) as s:
        from memory.models import Collaboration

        collab = s.exec(select(Collaboration).where(Collaboration.workspace_id == ctx.workspace_id,
                                                    Collaboration.agreed_fee_cents == 150_000)).one()
        assert collab.stage == "agreed" and s.get(Payout, p.payout_id).status == "approved"


def test_tool_dispatch_returns_the_refusal_as_error_text(ctx) -> None:
    approved_payout(ctx)
    out = run_tool(ctx, "undo_last_change", {})
    assert not out.ok and out.text.startswith(f"Error: Can't undo approve_payout: {FINAL}")


def _planner_turn_after_an_approved_payout(engine, sessions, workspace_id, tmp_path, text: str):  # noqa: ANN001, ANN202
    """A real runtime and offline planner (user `cli`, an approver) after a payout was approved; runs ``text``."""
    from agent.planner import OfflinePlanner
    from agent.runtime import Runtime
    from agent.settings import Settings
    from tests.test_planner import NOW, word_index

    _seed(sessions, workspace_id)
    vectors = word_index(tmp_path / "chroma")
    runtime = Runtime(Settings(_env_file=None, data_dir=tmp_path / "data", workspace=workspace_id, approvers=["cli"]),
                      engine=engine, vectors=vectors)
    conversation = f"cli:{uuid.uuid4().hex[:8]}"
    tctx = runtime.tool_context(user_id="cli", workspace_id=workspace_id, conversation_id=conversation)
    ok(tctx, "create_campaign", name="Glow Q3", brand="Lumière Skin")
    ok(tctx, "add_to_campaign", campaign="Glow Q3", handles=["@skin.by.sam"])
    ok(tctx, "log_negotiation", handle="@skin.by.sam", campaign="Glow Q3", kind="accept", amount={"amount": "2200", "currency": "USD"})
    p = ok(tctx, "propose_payout", handle="@skin.by.sam", campaign="Glow Q3")
    assert decide(tctx, p.pending_action_ids[0], approve=True).ok
    planner = OfflinePlanner(runtime, clock=lambda: NOW)
    try:
        turn = planner.run_turn(conversation, "cli", text.format(payout_id=p.payout_id))
    finally:
        planner.close()
        vectors.close()
    return turn, p


def test_offline_planner_undo_that_gives_the_refusal(engine, sessions, workspace_id, tmp_path) -> None:
    turn, p = _planner_turn_after_an_approved_payout(engine, sessions, workspace_id, tmp_path, "undo that")
    assert [c.name for c in turn.tool_calls] == ["undo_last_change"]
    assert f"Can't undo approve_payout: {FINAL}" in turn.reply and "Undone" not in turn.reply
    with session_scope(sessions) as s:
        assert s.get(Payout, p.payout_id).status == "approved"


def test_a_mistaken_payout_is_corrected_by_a_reversal_an_approver_confirms(ctx) -> None:
    """The route the undo refusal points to: 'reverse payout #N' is a new pending action; once an
    approver confirms it the payout is reversed and no longer counts against the agreed fee."""
    p = approved_payout(ctx)
    paid = ok(ctx, "mark_payout_paid", handle="@skin.by.sam", campaign="Glow Q3", reference="PAY-1")
    assert decide(ctx, paid.pending_action_ids[0], approve=True).ok
    # A second full payout is refused while the first one counts ...
    assert "exceeds the agreed fee" in err(ctx, "propose_payout", handle="@skin.by.sam", campaign="Glow Q3", amount={"amount": "2200", "currency": "USD"})
    rev = ok(ctx, "reverse_payout", payout_id=p.payout_id, reason="paid to the wrong account")
    assert "waiting for an approver" in rev.summary
    with session_scope(ctx.sessions) as s:
        assert s.get(Payout, p.payout_id).status == "paid"  # nothing changes before the approver
    assert not decide(as_user(ctx, "U_INTERN"), rev.pending_action_ids[0], approve=True).ok
    d = decide(ctx, rev.pending_action_ids[0], approve=True)
    assert d.ok and "reversed" in d.message and "recover the money" in d.message
    with session_scope(ctx.sessions) as s:
        row = s.get(Payout, p.payout_id)
        assert row.status == "reversed" and row.reference == "PAY-1" and "wrong account" in row.note
    # The reversal itself is final.
    assert err(ctx, "undo_last_change").startswith(f"Can't undo reverse_payout: {FINAL}")
    # After the reversal a corrected payout fits under the fee again; a proposed payout is not
    # reversed (it is rejected instead).
    fixed = ok(ctx, "propose_payout", handle="@skin.by.sam", campaign="Glow Q3", amount={"amount": "2200", "currency": "USD"})
    assert "only approved or paid payouts" in err(ctx, "reverse_payout", payout_id=fixed.payout_id)


def test_reverse_payout_in_plain_words_creates_the_pending_reversal(engine, sessions, workspace_id, tmp_path) -> None:
    turn, p = _planner_turn_after_an_approved_payout(engine, sessions, workspace_id, tmp_path,
                                                     "reverse payout #{payout_id} because it was approved by mistake")
    assert [c.name for c in turn.tool_calls] == ["reverse_payout"]
    assert "waiting for an approver" in turn.reply
    with session_scope(sessions) as s:
        acts = list(s.exec(select(PendingAction).where(PendingAction.workspace_id == workspace_id,
                                                        PendingAction.kind == "reverse_payout")))
        assert s.get(Payout, p.payout_id).status == "approved"
    assert len(acts) == 1 and acts[0].payload["payout_id"] == p.payout_id
    assert "approved by mistake" in acts[0].payload["reason"]
