"""Replies stop the sequence and move the collaboration through the CRM; unsubscribes and
declines end it; do-not-contact is audited and undoable like any CRM change."""

from __future__ import annotations

import pytest
from sqlmodel import select

from memory.db import session_scope
from memory.domain.money import Money
from memory.models import Collaboration, Creator, DoNotContact, NegotiationEvent
from tests.test_outreach_drafting import make_ctx, messages, ok, seed
from tools.approvals import decide
from tools.outreach.replies import classify, find_amount, find_deliverables

SERUM = [(2, "Morning routine with the new vitamin C serum")]


@pytest.fixture
def ctx(sessions, workspace_id):
    seed(sessions, workspace_id, [(h, h.title(), f"{h}@example.com", SERUM) for h in ("sam", "ana", "lea")])
    c = make_ctx(sessions, workspace_id, smtp_url="smtp://127.0.0.1:9", sender_email="t@lumiere.example")
    ok(c, "create_campaign", name="Glow", brand="Lumière", brief="serum")
    ok(c, "draft_outreach_bulk", campaign="Glow", handles=["sam", "ana", "lea"])
    r = ok(c, "approve_outreach", campaign="Glow", all=True)
    boss = make_ctx(sessions, workspace_id, smtp_url="smtp://127.0.0.1:9", sender_email="t@lumiere.example")
    boss.user_id = "U_BOSS"
    assert decide(boss, r.pending_action_ids[0], approve=True).ok
    return c


def _stage(ctx, handle: str) -> str:
    with session_scope(ctx.sessions) as s:
        person = s.exec(select(Creator).where(Creator.workspace_id == ctx.workspace_id, Creator.email == f"{handle}@example.com")).one()
        return s.exec(select(Collaboration).where(Collaboration.creator_id == person.id)).one().stage


def _statuses(ctx, handle: str) -> list[str]:
    return [m.status for m in messages(ctx) if m.to_address == f"{handle}@example.com" and m.direction == "out"]


@pytest.mark.parametrize(("text", "kind"), [
    ("Please unsubscribe me from this list", "unsubscribe"), ("Merci de me désabonner", "unsubscribe"),
    ("Thanks but I'm not interested", "declined"), ("No me interesa, gracias", "declined"),
    ("We'd love to! Our rate is $2,500 for a reel", "counter"), ("What are the deliverables?", "question"),
    ("Sounds lovely", "interested"),
    # "baja" alone is "low" in Spanish, not "unsubscribe"; "no thanks needed" is not a no.
    ("Mi tarifa más baja es 900 EUR", "counter"), ("Por favor, darme de baja", "unsubscribe"),
    ("No thanks needed, happy to help! Sending the invoice", "interested"),
])
def test_reply_classification(text: str, kind: str) -> None:
    assert classify(text) == kind


def test_amounts_and_deliverables_in_replies() -> None:
    assert find_amount("they want $2,500 for a reel") == Money(250_000, "USD")
    assert find_amount("1.5k EUR for 2 stories") == Money(150_000, "EUR")
    assert find_amount("I can do 1 reel and 3 stories") is None
    # Several amounts: the one they ask for, not the one about the past.
    assert find_amount("Last brand paid me $3,000, I'd do it for $2,500") == Money(250_000, "USD")
    assert find_amount("I'd do it for $2,500; last brand paid me $3,000") == Money(250_000, "USD")
    assert find_deliverables("$2,500 for a reel and 3 stories") == "1 reel + 3 stories"


def test_a_reply_with_a_price_logs_a_counter_and_stops_the_sequence(ctx) -> None:
    r = ok(ctx, "log_reply", handle="@sam", text="Hey! Happy to, they want $2,500 for a reel")
    assert (r.reply_kind, r.counter_amount, r.stage) == ("counter", "$2,500.00", "negotiating")
    assert r.cancelled_followups == 3  # the scheduled first email (not sent yet) and both follow-ups
    assert _statuses(ctx, "sam") == ["cancelled"] * 3
    inbound = [m for m in messages(ctx) if m.direction == "in"]
    assert [(m.status, m.body) for m in inbound] == [("received", "Hey! Happy to, they want $2,500 for a reel")]
    with session_scope(ctx.sessions) as s:
        [e] = s.exec(select(NegotiationEvent).where(NegotiationEvent.workspace_id == ctx.workspace_id)).all()
        assert (e.kind, e.party, e.amount_cents, e.currency, e.deliverables) == ("counter", "creator", 250_000, "USD", "1 reel")
    assert _statuses(ctx, "ana") == ["scheduled"] * 3  # other creators' sequences go on


def test_unsubscribe_adds_do_not_contact_and_declines(ctx) -> None:
    r = ok(ctx, "log_reply", handle="@ana", campaign="Glow", text="Please stop emailing me. Unsubscribe.")
    assert (r.reply_kind, r.do_not_contact, r.stage) == ("unsubscribe", True, "declined")
    assert _statuses(ctx, "ana") == ["cancelled"] * 3
    with session_scope(ctx.sessions) as s:
        assert s.exec(select(DoNotContact.email).where(DoNotContact.workspace_id == ctx.workspace_id)).all() == ["ana@example.com"]
        assert s.exec(select(Creator.do_not_contact).where(Creator.email == "ana@example.com",
                                                           Creator.workspace_id == ctx.workspace_id)).one() is True
    assert "must not be contacted" in " ".join(ok(ctx, "draft_outreach", handle="@ana", campaign="Glow", redraft=False).notes)


def test_decline_and_manual_stop(ctx) -> None:
    assert ok(ctx, "log_reply", handle="@lea", text="No thanks, not a fit for me", kind="declined").stage == "declined"
    assert _statuses(ctx, "lea") == ["cancelled"] * 3
    assert ok(ctx, "stop_outreach", handle="@sam").cancelled == 3
    assert _statuses(ctx, "sam") == ["cancelled"] * 3
    assert _stage(ctx, "sam") == "prospect"


def test_do_not_contact_can_be_undone(ctx) -> None:
    ok(ctx, "do_not_contact", handle="@sam", reason="typo")
    assert _statuses(ctx, "sam") == ["cancelled"] * 3
    assert ok(ctx, "undo_last_change").summary.startswith("Undone: do_not_contact")
    assert _statuses(ctx, "sam") == ["scheduled"] * 3
    with session_scope(ctx.sessions) as s:
        assert s.exec(select(DoNotContact).where(DoNotContact.workspace_id == ctx.workspace_id)).all() == []


def test_a_no_after_the_deal_is_agreed_is_stored_but_does_not_decline_it(ctx) -> None:
    """E-mail words never undo an agreed deal (a From: line can be faked): the reply is stored, the
    stage stays, the marketer decides."""
    ok(ctx, "log_negotiation", handle="@sam", campaign="Glow", kind="accept", amount={"amount": "2000", "currency": "USD"})
    assert _stage(ctx, "sam") == "agreed"
    r = ok(ctx, "log_reply", handle="@sam", campaign="Glow", text="Not interested any more, sorry")
    assert r.reply_kind == "declined" and r.stage == "agreed" and _stage(ctx, "sam") == "agreed"
    assert [m.body for m in messages(ctx) if m.direction == "in"] == ["Not interested any more, sorry"]
