"""CRM tools, judged by the database state after each call, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from agent.settings import Settings
from memory.db import session_scope
from memory.models import (
    AccountCreate,
    AuditLog,
    Collaboration,
    CreatorCreate,
    Deliverable,
    DiscountCode,
    NegotiationEvent,
    Payout,
    PendingAction,
    StageEvent,
    TrackingLink,
)
from memory.repo.creators import upsert_creator_account
from tools.approvals import decide
from tools.base import ConversationMemory, ToolContext
from tools.registry import run_tool

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _ctx(sessions, workspace_id: str, user: str = "U_MARKETER", approvers: tuple[str, ...] = ("U_BOSS",),
         conversation: str = "conv-1", payout_cap: str = "5000") -> ToolContext:
    settings = Settings(_env_file=None, approvers=list(approvers), payout_cap=payout_cap)
    return ToolContext(workspace_id=workspace_id, user_id=user, sessions=sessions, settings=settings,
                       conversation_id=conversation, clock=lambda: NOW, memory=ConversationMemory())


def _seed(sessions, workspace_id: str) -> None:
    from memory.repo.workspaces import ensure_workspace

    with session_scope(sessions) as s:
        ensure_workspace(s, workspace_id=workspace_id)
        for handle, email in (("skin.by.sam", "sam@example.com"), ("fitwithmarco", None), ("glowbyana", None)):
            upsert_creator_account(s, workspace_id=workspace_id,
                                   creator=CreatorCreate(name=handle, country="FR", niches="skincare", email=email),
                                   account=AccountCreate(platform="instagram", handle=handle, followers=45_000))


def ok(ctx, tool_name, **args):
    out = run_tool(ctx, tool_name, args)
    assert out.ok, out.error
    return out.result


def err(ctx, tool_name, **args) -> str:
    out = run_tool(ctx, tool_name, args)
    assert not out.ok, f"{tool_name} unexpectedly succeeded"
    assert out.text.startswith("Error: ")
    return out.error or ""


@pytest.fixture
def ctx(sessions, workspace_id):
    _seed(sessions, workspace_id)
    c = _ctx(sessions, workspace_id)
    ok(c, "create_campaign", name="Glow Q3", brand="Lumière Skin", goal="awareness", budget={"amount": "20000", "currency": "USD"},
       start_date="2026-07-01", end_date="2026-09-30", brief="Vitamin C serum launch", target_niches=["skincare"])
    return c


def _collab(ctx, handle="skin.by.sam") -> Collaboration:
    with session_scope(ctx.sessions) as s:
        from memory.repo.crm import creator_by_handle

        person, _ = creator_by_handle(s, workspace_id=ctx.workspace_id, handle=handle)
        return s.exec(select(Collaboration).where(Collaboration.creator_id == person.id)).one()


def test_full_collaboration_from_first_reply_to_paid(ctx) -> None:
    boss = _ctx(ctx.sessions, ctx.workspace_id, user="U_BOSS")
    r = ok(ctx, "add_to_campaign", campaign="glow q3", handles=["@skin.by.sam", "@fitwithmarco", "@skin.by.sam"])
    assert r.added == ["@skin.by.sam", "@fitwithmarco"]
    assert ok(ctx, "add_to_campaign", campaign="Glow Q3", handles=["skin.by.sam"]).already_in == ["@skin.by.sam"]
    ok(ctx, "update_stage", handle="@skin.by.sam", campaign="Glow Q3", stage="contacted")
    r = ok(ctx, "log_negotiation", handle="@skin.by.sam", campaign="Glow Q3", kind="offer", amount={"amount": "1800", "currency": "USD"},
           deliverables="1 reel + 2 stories")
    assert r.stage == "negotiating"
    r = ok(ctx, "log_negotiation", handle="@skin.by.sam", campaign="Glow Q3", kind="counter", amount={"amount": "2200", "currency": "USD"},
           deliverables="1 reel + 2 stories", usage_rights_days=30)
    assert r.amount == "$2,200.00"
    r = ok(ctx, "log_negotiation", handle="@skin.by.sam", campaign="Glow Q3", kind="accept")
    assert (r.stage, r.agreed_fee) == ("agreed", "$2,200.00")
    ok(ctx, "add_deliverable", handle="@skin.by.sam", campaign="Glow Q3", type="reel", due_date="2026-11-25")
    ok(ctx, "log_shipment", handle="@skin.by.sam", campaign="Glow Q3", product="Vitamin C serum", carrier="DHL",
       tracking_number="JD0001", cost={"amount": "35"})
    assert ok(ctx, "create_discount_code", handle="@skin.by.sam", campaign="Glow Q3", discount_pct=15).code == "SAM15"
    link = ok(ctx, "create_tracking_link", handle="@skin.by.sam", campaign="Glow Q3", destination_url="https://lumiere.example/serum")
    assert "utm_campaign=glow-q3" in link.url and "utm_source=instagram" in link.url
    ok(ctx, "submit_content", handle="@skin.by.sam", campaign="Glow Q3", content_url="https://drive.example/reel1", type="reel")
    review = ok(ctx, "review_content", handle="@skin.by.sam", campaign="Glow Q3", decision="approve")
    assert _collab(ctx).stage == "content_submitted"  # nothing approved until an approver confirms
    assert decide(ctx, review.pending_action_ids[0], approve=True).ok is False  # the marketer is not an approver
    assert decide(boss, review.pending_action_ids[0], approve=True).ok
    assert _collab(ctx).stage == "content_approved"
    ok(ctx, "update_stage", handle="@skin.by.sam", campaign="Glow Q3", stage="posted")
    payout = ok(ctx, "propose_payout", handle="@skin.by.sam", campaign="Glow Q3")
    assert payout.amount == "$2,200.00"
    assert decide(boss, payout.pending_action_ids[0], approve=True).ok
    paid = ok(ctx, "mark_payout_paid", handle="@skin.by.sam", campaign="Glow Q3", reference="PAY-77")
    d = decide(boss, paid.pending_action_ids[0], approve=True)
    assert d.ok, d.message
    collab = _collab(ctx)
    assert collab.stage == "paid" and collab.agreed_fee_cents == 220_000 and collab.product_cost_cents == 3_500
    with session_scope(ctx.sessions) as s:
        stages = [e.to_stage for e in s.exec(select(StageEvent).where(StageEvent.collaboration_id == collab.id).order_by(StageEvent.id))]
        assert stages == ["contacted", "negotiating", "agreed", "product_shipped", "content_submitted", "content_approved", "posted", "paid"]
        assert s.exec(select(Payout).where(Payout.collaboration_id == collab.id)).one().status == "paid"
        actions = {a.action for a in s.exec(select(AuditLog).where(AuditLog.workspace_id == ctx.workspace_id))}
        assert {"create", "update", "approved", "executed", "approve_refused"} <= actions
    history = ok(ctx, "creator_history", handle="@skin.by.sam")
    text = " ".join(e["text"] for e in history.events)
    for needle in ("creator counter $2,200.00", "Vitamin C serum", "SAM15", "payout $2,200.00 [paid]", "→ paid"):
        assert needle in text


def test_ambiguous_campaign_gets_a_question_back(ctx) -> None:
    ok(ctx, "create_campaign", name="Fit Fall", brand="Moveo")
    ok(ctx, "add_to_campaign", campaign="Glow Q3", handles=["@fitwithmarco"])
    ok(ctx, "add_to_campaign", campaign="Fit Fall", handles=["@fitwithmarco"])
    msg = err(ctx, "log_negotiation", handle="@fitwithmarco", kind="counter", amount={"amount": "900"})
    assert msg.startswith("Which campaign?") and "Glow Q3" in msg and "Fit Fall" in msg
    with session_scope(ctx.sessions) as s:
        assert s.exec(select(NegotiationEvent).where(NegotiationEvent.workspace_id == ctx.workspace_id)).all() == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"handle": "@nobody", "campaign": "Glow Q3", "kind": "offer", "amount": {"amount": 100}}, "creator @nobody not found"),
        ({"handle": "@skin.by.sm", "campaign": "Glow Q3", "kind": "offer", "amount": {"amount": 100}}, "did you mean @skin.by.sam"),
        ({"handle": "@skin.by.sam", "campaign": "Glo Q3", "kind": "offer", "amount": {"amount": 100}}, "did you mean Glow Q3"),
        ({"handle": "@skin.by.sam", "campaign": "Glow Q3", "kind": "offer", "amount": {"amount": -5}}, "greater than 0"),
        ({"handle": "@skin.by.sam", "campaign": "Glow Q3", "kind": "offer", "amount": "$100"}, "amount: Input should be a valid dictionary"),
        ({"handle": "@skin.by.sam", "campaign": "Glow Q3", "kind": "offer", "amount": {"amount": 100, "currency": "XXX"}}, "unknown currency"),
        ({"handle": "@skin.by.sam", "campaign": "Glow Q3", "kind": "counter"}, "needs an amount"),
        ({"handle": "@skin.by.sam", "campaign": "Glow Q3", "kind": "bribe", "amount": {"amount": 1}}, "invalid arguments"),
    ],
)
def test_bad_input_gives_one_line_error_and_writes_nothing(ctx, args, expected) -> None:
    ok(ctx, "add_to_campaign", campaign="Glow Q3", handles=["@skin.by.sam"])
    msg = err(ctx, "log_negotiation", **args)
    assert expected in msg and "\n" not in msg
    with session_scope(ctx.sessions) as s:
        assert not [e for e in s.exec(select(NegotiationEvent)) if e.workspace_id == ctx.workspace_id]


def test_stage_moves_are_checked(ctx) -> None:
    ok(ctx, "add_to_campaign", campaign="Glow Q3", handles=["@glowbyana"])
    assert "cannot move from prospect to closed" in err(ctx, "update_stage", handle="glowbyana", campaign="Glow Q3", stage="closed")
    assert "needs an approver" in err(ctx, "update_stage", handle="glowbyana", campaign="Glow Q3", stage="paid")
    ok(ctx, "update_stage", handle="glowbyana", campaign="Glow Q3", stage="on_hold")
    ok(ctx, "update_stage", handle="glowbyana", campaign="Glow Q3", stage="contacted")
    assert _collab(ctx, "glowbyana").stage == "contacted"


def test_payout_cap_and_agreed_fee_are_enforced(ctx) -> None:
    boss = _ctx(ctx.sessions, ctx.workspace_id, user="U_BOSS")
    ok(ctx, "add_to_campaign", campaign="Glow Q3", handles=["@skin.by.sam"])
    assert "no agreed fee" in err(ctx, "propose_payout", handle="skin.by.sam", campaign="Glow Q3", amount={"amount": "100"})
    ok(ctx, "log_negotiation", handle="skin.by.sam", campaign="Glow Q3", kind="accept", amount={"amount": "6000", "currency": "USD"})
    assert "above the per-payout cap" in err(ctx, "propose_payout", handle="skin.by.sam", campaign="Glow Q3", amount={"amount": "5500"})
    first = ok(ctx, "propose_payout", handle="skin.by.sam", campaign="Glow Q3", amount={"amount": "4000"})
    assert "exceeds the agreed fee" in err(ctx, "propose_payout", handle="skin.by.sam", campaign="Glow Q3", amount={"amount": "2500"})
    assert "differs from the agreed fee" in err(ctx, "propose_payout", handle="skin.by.sam", campaign="Glow Q3", amount={"amount": "100", "currency": "EUR"})
    assert decide(boss, first.pending_action_ids[0], approve=False).ok
    with session_scope(ctx.sessions) as s:
        assert s.get(Payout, first.payout_id).status == "proposed"  # rejected action: money untouched
        assert s.get(PendingAction, first.pending_action_ids[0]).status == "rejected"


def test_model_or_non_approver_cannot_complete_payout(ctx) -> None:
    ok(ctx, "add_to_campaign", campaign="Glow Q3", handles=["@skin.by.sam"])
    ok(ctx, "log_negotiation", handle="skin.by.sam", campaign="Glow Q3", kind="accept", amount={"amount": "1000"})
    p = ok(ctx, "propose_payout", handle="skin.by.sam", campaign="Glow Q3")
    res = decide(ctx, p.pending_action_ids[0], approve=True)
    assert not res.ok and "only approvers" in res.message
    assert "no approved payout" in err(ctx, "mark_payout_paid", handle="skin.by.sam", campaign="Glow Q3")
    with session_scope(ctx.sessions) as s:
        assert s.get(Payout, p.payout_id).status == "proposed"
        refused = s.exec(select(AuditLog).where(AuditLog.workspace_id == ctx.workspace_id, AuditLog.action == "approve_refused")).all()
        assert len(refused) == 1 and refused[0].actor == "U_MARKETER"


def test_request_changes_then_resubmit(ctx) -> None:
    ok(ctx, "add_to_campaign", campaign="Glow Q3", handles=["@skin.by.sam"])
    ok(ctx, "add_deliverable", handle="skin.by.sam", campaign="Glow Q3", type="reel", count=1, due_date="2026-11-10")
    ok(ctx, "submit_content", handle="skin.by.sam", campaign="Glow Q3", content_url="https://x.example/v1")
    assert "needs a comment" in err(ctx, "review_content", handle="skin.by.sam", campaign="Glow Q3", decision="request_changes")
    r = ok(ctx, "review_content", handle="skin.by.sam", campaign="Glow Q3", decision="request_changes", comment="Show the SPF label")
    assert r.status == "changes_requested" and r.feedback == "Show the SPF label"
    status = ok(ctx, "pipeline_status", campaign="Glow Q3")
    assert status.overdue and status.overdue[0]["days_late"] == 10
    assert status.by_stage["content_submitted"] == 1


def test_codes_and_links_never_collide(ctx) -> None:
    ok(ctx, "add_to_campaign", campaign="Glow Q3", handles=["@skin.by.sam", "@glowbyana"])
    a = ok(ctx, "create_discount_code", handle="skin.by.sam", campaign="Glow Q3", code="GLOW15")
    assert "already taken" in err(ctx, "create_discount_code", handle="glowbyana", campaign="Glow Q3", code="glow15")
    b = ok(ctx, "create_discount_code", handle="skin.by.sam", campaign="Glow Q3", discount_pct=15)
    c = ok(ctx, "create_discount_code", handle="skin.by.sam", campaign="Glow Q3", discount_pct=15)
    assert len({a.code, b.code, c.code}) == 3
    links = {ok(ctx, "create_tracking_link", handle="glowbyana", campaign="Glow Q3", destination_url="https://b.example/?ref=1").slug
             for _ in range(5)}
    assert len(links) == 5
    assert "http(s) URL" in err(ctx, "create_tracking_link", handle="glowbyana", campaign="Glow Q3", destination_url="javascript:alert(1)")
    with session_scope(ctx.sessions) as s:
        assert len([x for x in s.exec(select(DiscountCode)) if x.workspace_id == ctx.workspace_id]) == 3
        assert len([x for x in s.exec(select(TrackingLink)) if x.workspace_id == ctx.workspace_id]) == 5


def test_undo_reverts_last_write_of_that_user_in_that_conversation(ctx) -> None:
    ok(ctx, "add_to_campaign", campaign="Glow Q3", handles=["@skin.by.sam"])
    ok(ctx, "log_negotiation", handle="skin.by.sam", campaign="Glow Q3", kind="offer", amount={"amount": "1500"})
    other = _ctx(ctx.sessions, ctx.workspace_id, user="U_OTHER", conversation="conv-2")
    assert "Nothing to undo" in err(other, "undo_last_change")
    r = ok(ctx, "undo_last_change")
    assert "log_negotiation" in r.summary
    collab = _collab(ctx)
    assert collab.stage == "prospect"
    with session_scope(ctx.sessions) as s:
        assert not s.exec(select(NegotiationEvent).where(NegotiationEvent.collaboration_id == collab.id)).all()
        assert not s.exec(select(StageEvent).where(StageEvent.collaboration_id == collab.id)).all()
    # Undoing add_to_campaign is refused once something depends on it (a deliverable added by someone else).
    ok(other, "add_deliverable", handle="skin.by.sam", campaign="Glow Q3", type="story")
    assert "depend" in err(ctx, "undo_last_change")
    with session_scope(ctx.sessions) as s:
        assert s.exec(select(Deliverable).where(Deliverable.collaboration_id == collab.id)).one()


def test_undo_refused_when_value_changed_since(ctx) -> None:
    ok(ctx, "add_to_campaign", campaign="Glow Q3", handles=["@glowbyana"])
    ok(ctx, "update_stage", handle="glowbyana", campaign="Glow Q3", stage="contacted")
    other = _ctx(ctx.sessions, ctx.workspace_id, user="U_OTHER", conversation="conv-2")
    ok(other, "update_stage", handle="glowbyana", campaign="Glow Q3", stage="negotiating")
    assert "changed again since" in err(ctx, "undo_last_change")
    assert _collab(ctx, "glowbyana").stage == "negotiating"


def test_workspaces_are_isolated(ctx, sessions) -> None:
    other_ws = f"W{uuid.uuid4().hex[:8]}"
    _seed(sessions, other_ws)
    other = _ctx(sessions, other_ws)
    assert "unknown campaign" in err(other, "add_to_campaign", campaign="Glow Q3", handles=["@skin.by.sam"])


@pytest.mark.postgres
def test_concurrent_stage_moves_one_wins_on_postgres(pg_engine) -> None:
    from memory.db import session_factory
    from memory.repo.workspaces import ensure_workspace

    sessions = session_factory(pg_engine)
    ws = f"C{uuid.uuid4().hex[:8]}"
    with session_scope(sessions) as s:
        ensure_workspace(s, workspace_id=ws)
    _seed(sessions, ws)
    a = _ctx(sessions, ws, user="U_A", conversation="a")
    ok(a, "create_campaign", name="Race", brand="B")
    ok(a, "add_to_campaign", campaign="Race", handles=["@glowbyana"])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def move(user: str, stage: str) -> None:
        c = _ctx(sessions, ws, user=user, conversation=user)
        barrier.wait()
        out = run_tool(c, "update_stage", {"handle": "glowbyana", "campaign": "Race", "stage": stage})
        outcomes.append("ok" if out.ok else out.error or "")

    for _ in range(5):
        threads = [threading.Thread(target=move, args=("U_A", "contacted")), threading.Thread(target=move, args=("U_B", "on_hold"))]
        outcomes.clear()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert outcomes.count("ok") >= 1
        losers = [o for o in outcomes if o != "ok"]
        assert all("someone else changed" in o or "cannot move" in o or "already at" in o for o in losers)
        with session_scope(sessions) as s:
            collab = s.exec(select(Collaboration).where(Collaboration.workspace_id == ws)).one()
            events = s.exec(select(StageEvent).where(StageEvent.collaboration_id == collab.id)).all()
            assert collab.version == 1 + len(events)  # every successful move recorded exactly once
        # reset for the next round
        with session_scope(sessions) as s:
            collab = s.exec(select(Collaboration).where(Collaboration.workspace_id == ws)).one()
            collab.stage = "prospect"
            s.add(collab)
