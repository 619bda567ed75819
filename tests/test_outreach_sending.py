"""Approval, scheduling and sending over a real SMTP server on loopback (aiosmtpd), on SQLite and
PostgreSQL: the end-to-end flow, follow-ups and replies, caps and window, do-not-contact,
retries, permanent failures, STARTTLS/SMTPS with AUTH, and two concurrent workers."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from agent.jobs.outreach import deliver_due
from memory.db import session_scope
from memory.models import Collaboration, OutreachMessage, PendingAction, Workspace
from tests.fakes.smtp_server import FakeSmtp, self_signed_cert
from tests.test_outreach_drafting import NOW, err, make_ctx, messages, ok, seed
from tools.approvals import decide
from tools.base import ConversationMemory, ToolContext
from tools.outreach.sequences import in_window, next_send_time

SERUM = [(2, "Morning routine with the new vitamin C serum"), (12, "Weekend in Lisbon")]


def settings_for(smtp: FakeSmtp | None, **extra) -> dict:
    return {"smtp_url": smtp.url if smtp else "smtp://127.0.0.1:9", "sender_email": "team@lumiere.example",
            "sender_name": "Alex at Lumière", "reply_to": "replies@lumiere.example",
            "unsubscribe_url": "https://lumiere.example/unsubscribe", **extra}


def as_user(ctx: ToolContext, user: str, now: datetime | None = None) -> ToolContext:
    """The same workspace and settings, another user (the approver, the worker)."""
    c = dataclasses.replace(ctx, user_id=user, memory=ConversationMemory())
    if now is not None:
        c.clock = lambda: now
    return c


def boss_of(ctx: ToolContext) -> ToolContext:
    return as_user(ctx, "U_BOSS")


def worker(ctx: ToolContext, now: datetime):
    return deliver_due(as_user(ctx, "worker", now), now=now)


def set_tz(ctx: ToolContext, tz: str) -> None:
    with session_scope(ctx.sessions) as s:
        s.get(Workspace, ctx.workspace_id).timezone = tz


def approve_and_decide(ctx: ToolContext, **args) -> str:
    r = ok(ctx, "approve_outreach", campaign="Glow", **args)
    d = decide(boss_of(ctx), r.pending_action_ids[0], approve=True)
    assert d.ok, d.message
    return d.message


def setup_campaign(sessions, ws, smtp, n: int = 3, **extra) -> ToolContext:
    seed(sessions, ws, [(f"glow{i}", f"Kim {i}", f"kim{i}@example.com", SERUM) for i in range(n)])
    ctx = make_ctx(sessions, ws, **settings_for(smtp, **extra))
    ok(ctx, "create_campaign", name="Glow", brand="Lumière Skin", brief="Vitamin C serum launch")
    ctx.memory.last_handles = [f"@glow{i}" for i in range(n)]
    ok(ctx, "draft_outreach_bulk", campaign="Glow", use_last_results=True)
    return ctx


@pytest.fixture
def smtp():
    with FakeSmtp() as server:
        yield server


def test_end_to_end_search_draft_edit_approve_send_followups_reply(sessions, workspace_id, smtp) -> None:
    ctx = setup_campaign(sessions, workspace_id, smtp)
    set_tz(ctx, "Europe/Paris")
    edited = ok(ctx, "edit_draft", handle="@glow1", instruction="make it shorter").message
    r = ok(ctx, "approve_outreach", campaign="Glow", all=True)
    assert (r.first_messages, r.followups) == (3, 6) and len(r.pending_action_ids) == 1
    assert {m.status for m in messages(ctx)} == {"draft"}  # nothing scheduled before the approver
    assert decide(ctx, r.pending_action_ids[0], approve=True).ok is False  # the marketer is not an approver
    assert worker(ctx, NOW).sent == [] and smtp.received == []
    d = decide(boss_of(ctx), r.pending_action_ids[0], approve=True)
    assert d.ok and "Scheduled 3 first email(s)" in d.message, d.message
    report = worker(ctx, NOW + timedelta(minutes=1))
    assert sorted(report.sent) == ["@glow0", "@glow1", "@glow2"] and report.lines()[0].startswith("[outreach] sent 3")
    assert worker(ctx, NOW + timedelta(minutes=2)).sent == []  # idempotent
    assert len(smtp.received) == 3
    got = smtp.to("kim1@example.com")[0]
    stored = {m.creator_id: m for m in messages(ctx, step=0)}
    first1 = next(m for m in stored.values() if m.to_address == "kim1@example.com")
    h = got.message
    assert h["Message-ID"] == first1.message_id and h["To"] == "kim1@example.com"
    assert h["From"] == "Alex at Lumière <team@lumiere.example>" and h["Reply-To"] == "replies@lumiere.example"
    assert h["Subject"] == edited.subject
    assert "<mailto:replies@lumiere.example?subject=unsubscribe>" in h["List-Unsubscribe"]
    assert "https://lumiere.example/unsubscribe?m=" in h["List-Unsubscribe"]
    assert h["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert got.text.startswith(edited.body) and "unsubscribe" in got.text.split("-- \n")[1]
    assert got.mail_from == "team@lumiere.example" and got.rcpt_tos == ["kim1@example.com"]
    with session_scope(ctx.sessions) as s:
        assert {c.stage for c in s.exec(select(Collaboration).where(Collaboration.workspace_id == workspace_id))} == {"contacted"}
    ok(ctx, "log_reply", handle="@glow0", campaign="Glow", text="Sounds great, tell me more!")
    assert worker(ctx, NOW + timedelta(days=2, hours=23)).sent == []  # not due yet
    report = worker(ctx, NOW + timedelta(days=3, minutes=5))
    assert sorted(report.sent) == ["@glow1", "@glow2"]  # @glow0 replied: no follow-up
    fu = smtp.to("kim1@example.com")[1].message
    assert fu["Subject"] == "Re: " + edited.subject and fu["In-Reply-To"] == first1.message_id
    assert fu["Message-ID"] != first1.message_id
    assert worker(ctx, NOW + timedelta(days=6)).sent == []
    assert sorted(worker(ctx, NOW + timedelta(days=7, minutes=10)).sent) == ["@glow1", "@glow2"]
    assert len(smtp.received) == 7 and len(smtp.to("kim0@example.com")) == 1
    glow0 = [m for m in messages(ctx) if m.to_address == "kim0@example.com" and m.direction == "out"]
    assert sorted(m.status for m in glow0) == ["cancelled", "cancelled", "sent"]
    assert worker(ctx, NOW + timedelta(days=30)).sent == []


def test_window_and_caps_in_the_workspace_time_zone(sessions, workspace_id, smtp) -> None:
    ctx = setup_campaign(sessions, workspace_id, smtp, n=5, send_new_contacts_daily_cap=2, send_daily_cap=3)
    set_tz(ctx, "America/New_York")  # NOW = 10:00 UTC = 06:00 in New York: before the 09:00-18:00 window
    approve_and_decide(ctx, all=True, include_followups=False)
    when = sorted(m.scheduled_at.astimezone(UTC) for m in messages(ctx, step=0))
    open_today = datetime(2026, 3, 20, 13, tzinfo=UTC)  # 09:00 EDT
    assert when == [open_today, open_today, open_today + timedelta(days=1), open_today + timedelta(days=1),
                    open_today + timedelta(days=2)]
    assert worker(ctx, NOW).sent == []  # before the window
    assert len(worker(ctx, open_today + timedelta(minutes=5)).sent) == 2
    # The worker enforces the caps too: everything due at once still sends 2 new contacts a day.
    with session_scope(ctx.sessions) as s:
        for m in s.exec(select(OutreachMessage).where(OutreachMessage.workspace_id == workspace_id,
                                                      OutreachMessage.status == "scheduled")):
            m.scheduled_at = open_today
    report = worker(ctx, open_today + timedelta(minutes=10))
    assert report.sent == [] and any("new-contacts cap of 2" in w for w in report.waiting)
    late = datetime(2026, 3, 21, 1, tzinfo=UTC)  # 21:00 New York, still the 20th there, outside the window
    assert worker(ctx, late).sent == [] and any("window" in w for w in worker(ctx, late).waiting)
    assert len(worker(ctx, open_today + timedelta(days=1, minutes=1)).sent) == 2
    assert len(smtp.received) == 4


def test_window_helpers() -> None:
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    assert in_window(datetime(2026, 3, 20, 23, 30, tzinfo=UTC), paris, "22:00-06:00")  # 00:30 in Paris
    assert not in_window(datetime(2026, 3, 20, 12, tzinfo=UTC), paris, "22:00-06:00")
    assert next_send_time(datetime(2026, 3, 20, 18, tzinfo=UTC), paris, "09:00-18:00") == datetime(2026, 3, 21, 8, tzinfo=UTC)


def test_do_not_contact_is_honoured_at_approval_and_at_send(sessions, workspace_id, smtp) -> None:
    ctx = setup_campaign(sessions, workspace_id, smtp, n=3)
    ok(ctx, "do_not_contact", email="KIM0@example.com", reason="asked")
    r = ok(ctx, "approve_outreach", campaign="Glow", all=True, include_followups=False)
    assert r.first_messages == 2 and any("do not contact" in s["reason"] for s in r.skipped)
    assert decide(boss_of(ctx), r.pending_action_ids[0], approve=True).ok
    ok(ctx, "do_not_contact", handle="@glow1")  # after approval, before sending
    report = worker(ctx, NOW + timedelta(minutes=1))
    assert report.sent == ["@glow2"] and [m.rcpt_tos for m in smtp.received] == [["kim2@example.com"]]
    glow1 = [m for m in messages(ctx) if m.to_address == "kim1@example.com"]
    assert [m.status for m in glow1] == ["cancelled"]
    # A scheduled message whose creator gets flagged by other means is re-checked by the sender.
    assert "nothing to send" in err(ctx, "approve_outreach", campaign="Glow", handles=["@glow0"])


def test_draft_edited_after_the_request_is_not_sent(sessions, workspace_id, smtp) -> None:
    ctx = setup_campaign(sessions, workspace_id, smtp, n=2)
    r = ok(ctx, "approve_outreach", campaign="Glow", all=True, include_followups=False)
    ok(ctx, "edit_draft", handle="@glow1", new_body="Totally different text about the vitamin C serum morning routine")
    d = decide(boss_of(ctx), r.pending_action_ids[0], approve=True)
    assert d.ok and "edited after the approval was requested" in d.message
    assert {m.to_address: m.status for m in messages(ctx)} == {"kim0@example.com": "scheduled", "kim1@example.com": "draft"}


def test_temporary_failure_is_retried_then_delivered_once(sessions, workspace_id, smtp) -> None:
    ctx = setup_campaign(sessions, workspace_id, smtp, n=1)
    approve_and_decide(ctx, all=True, include_followups=False)
    smtp.fail_next(1, 451, "4.3.0 Mailbox busy")
    report = worker(ctx, NOW)
    assert report.sent == [] and "451" in report.retried[0] and smtp.received == []
    [m] = messages(ctx)
    assert (m.status, m.attempts, m.scheduled_at) == ("scheduled", 1, NOW + timedelta(minutes=5))
    assert "451" in m.last_error
    assert worker(ctx, NOW + timedelta(minutes=1)).sent == []  # backoff not over
    assert worker(ctx, NOW + timedelta(minutes=6)).sent == ["@glow0"]
    assert worker(ctx, NOW + timedelta(minutes=30)).sent == []
    [got] = smtp.received
    [m] = messages(ctx)
    assert got.message["Message-ID"] == m.message_id and (m.status, m.attempts) == ("sent", 2)


def test_connection_errors_are_temporary_and_not_charged(sessions, workspace_id) -> None:
    ctx = setup_campaign(sessions, workspace_id, None, n=1)  # nothing listens on port 9
    approve_and_decide(ctx, all=True, include_followups=False)
    report = worker(ctx, NOW)
    assert report.retried == [] and "SMTP server unreachable" in (report.unreachable or "")
    [m] = messages(ctx)
    assert (m.status, m.attempts) == ("scheduled", 0)  # an outage is not the message's fault


def test_permanent_failure_is_marked_and_reported(sessions, workspace_id, smtp) -> None:
    ctx = setup_campaign(sessions, workspace_id, smtp, n=2)
    smtp.refuse("kim1@example.com", 550)
    approve_and_decide(ctx, all=True)
    report = worker(ctx, NOW)
    assert report.sent == ["@glow0"] and len(report.failed) == 1 and "550" in report.failed[0]
    assert any(line.startswith("[outreach] FAILED @glow1") for line in report.lines())
    statuses = sorted((m.step, m.status) for m in messages(ctx) if m.to_address == "kim1@example.com")
    assert statuses == [(0, "failed"), (1, "cancelled"), (2, "cancelled")]
    review = ok(ctx, "review_drafts", campaign="Glow", status="failed")
    assert review.failed[0]["handle"] == "@glow1" and "550" in review.failed[0]["reason"] and "failed to send" in review.summary
    assert worker(ctx, NOW + timedelta(days=10)).failed == []  # reported once, never retried


def test_worker_job_lines_and_missing_smtp_config(sessions, engine, workspace_id, smtp) -> None:
    from agent.jobs.outreach import run
    from agent.runtime import Runtime
    from agent.settings import Settings

    ctx = setup_campaign(sessions, workspace_id, smtp, n=1)
    approve_and_decide(ctx, all=True, include_followups=False)
    bare = Runtime(Settings(_env_file=None), engine=engine)
    assert run(bare, workspace_id, now=NOW) == ["[outreach] not sending: 1 message(s) due but KOLPILOT_SMTP_URL is not set"]
    rt = Runtime(Settings(_env_file=None, **settings_for(smtp)), engine=engine)
    assert run(rt, workspace_id, now=NOW) == ["[outreach] sent 1 message(s): @glow0"]
    from agent.cli.worker_cmds import JOBS

    assert ("outreach", "agent.jobs.outreach:run") in JOBS


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_cert(tmp_path_factory.mktemp("tls"))


@pytest.mark.parametrize("mode", ["starttls", "smtps"])
def test_tls_with_auth(sessions, workspace_id, cert, mode) -> None:
    kwargs = {"starttls": cert} if mode == "starttls" else {"implicit_tls": cert}
    with FakeSmtp(auth=("alex", "s3cr3t/pw"), **kwargs) as server:
        url = server.url.replace("s3cr3t/pw", "s3cr3t%2Fpw")
        sep = "&" if "?" in url else "?"
        ctx = setup_campaign(sessions, workspace_id, None, n=1)
        ctx.settings = ctx.settings.model_copy(update={"smtp_url": _secret(f"{url}{sep}cafile={cert[0]}")})
        approve_and_decide(ctx, all=True, include_followups=False)
        bad = as_user(ctx, "worker")
        bad.settings = ctx.settings.model_copy(update={"smtp_url": _secret(f"{url.replace('%2Fpw', 'nope')}{sep}cafile={cert[0]}")})
        report = deliver_due(bad, now=NOW)
        assert "login refused" in (report.config_error or "") and server.received == []
        [m] = messages(ctx)
        assert (m.status, m.attempts) == ("scheduled", 0)  # a configuration error is not charged to the message
        assert worker(ctx, NOW).sent == ["@glow0"]
        assert [r.rcpt_tos for r in server.received] == [["kim0@example.com"]]


def _secret(value: str):
    from pydantic import SecretStr

    return SecretStr(value)


def test_two_concurrent_workers_never_send_a_message_twice(sessions, workspace_id, smtp) -> None:
    n = 24
    seed(sessions, workspace_id, [(f"c{i}", f"C {i}", f"c{i}@example.com", SERUM) for i in range(n)])
    ctx = make_ctx(sessions, workspace_id, **settings_for(smtp, send_new_contacts_daily_cap=100))
    ok(ctx, "create_campaign", name="Glow", brand="Lumière", brief="serum")
    ok(ctx, "draft_outreach_bulk", campaign="Glow", handles=[f"c{i}" for i in range(n)])
    approve_and_decide(ctx, all=True, include_followups=False)
    reports, errors = [], []
    barrier = threading.Barrier(2)

    def run_worker() -> None:
        try:
            barrier.wait()
            reports.append(worker(ctx, NOW))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run_worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    sent = [h for r in reports for h in r.sent]
    assert len(sent) == n and len(set(sent)) == n
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == sorted(f"c{i}@example.com" for i in range(n))
    assert {m.status for m in messages(ctx)} == {"sent"}


def test_nothing_in_drafting_creates_a_pending_action(sessions, workspace_id, smtp) -> None:
    ctx = setup_campaign(sessions, workspace_id, smtp, n=2)
    ok(ctx, "edit_draft", handle="@glow0", instruction="more formal")
    ok(ctx, "review_drafts", campaign="Glow")
    with session_scope(ctx.sessions) as s:
        assert s.exec(select(PendingAction).where(PendingAction.workspace_id == workspace_id)).all() == []
    assert worker(ctx, NOW + timedelta(days=30)).sent == [] and smtp.received == []
