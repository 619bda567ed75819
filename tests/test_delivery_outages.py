"""Delivery survives outages (SQLite and PostgreSQL, real SMTP on loopback): a server that is
down charges no attempt and stops the pass; a message is given up only after the maximum age;
claims are leases that lapse when a worker dies; the one at-least-once window (connection
lost after DATA, before the 250 reply) keeps the Message-ID."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta
from email.message import EmailMessage

import pytest

from agent.settings import Settings
from integrations.email.smtp import SmtpConfig, SmtpSender
from tests.fakes.smtp_server import FakeSmtp
from tests.test_outreach_drafting import NOW, make_ctx, messages, ok, seed
from tests.test_outreach_sending import (
    SERUM,
    approve_and_decide,
    as_user,
    settings_for,
    setup_campaign,
    worker,
)
from tools.outreach.delivery import LEASE, claim_batch, renew


def closed_port() -> int:
    """A loopback port nobody listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def down_url() -> str:
    return f"smtp://127.0.0.1:{closed_port()}"


def point_at(ctx, url: str) -> None:
    from pydantic import SecretStr

    ctx.settings = ctx.settings.model_copy(update={"smtp_url": SecretStr(url)})


@pytest.fixture
def smtp():
    with FakeSmtp() as server:
        yield server


def test_six_passes_against_a_down_server_charge_no_attempt_then_all_are_sent(sessions, workspace_id, smtp) -> None:
    n = 36
    seed(sessions, workspace_id, [(f"c{i}", f"C {i}", f"c{i}@example.com", SERUM) for i in range(n)])
    ctx = make_ctx(sessions, workspace_id, **settings_for(None, send_new_contacts_daily_cap=100))
    point_at(ctx, down_url())
    ok(ctx, "create_campaign", name="Glow", brand="Lumière", brief="serum")
    ok(ctx, "draft_outreach_bulk", campaign="Glow", handles=[f"c{i}" for i in range(n)])
    approve_and_decide(ctx, all=True)
    for k in range(6):
        report = worker(ctx, NOW + timedelta(minutes=5 * k))
        assert report.sent == report.retried == report.failed == report.cancelled == []
        [line] = report.lines()
        assert line.startswith("[outreach] SMTP server unreachable: 127.0.0.1:") and "refused" in line
        assert line.endswith(f"; {n} message(s) will be retried")
    firsts = messages(ctx, step=0)
    assert len(firsts) == n and {(m.status, m.attempts) for m in firsts} == {("scheduled", 0)}
    assert {m.status for m in messages(ctx) if m.step > 0} == {"scheduled"}  # follow-ups kept
    point_at(ctx, smtp.url)  # the server is back
    assert len(worker(ctx, NOW + timedelta(minutes=40)).sent) == n
    assert {(m.status, m.attempts) for m in messages(ctx, step=0)} == {("sent", 1)}
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == sorted(f"c{i}@example.com" for i in range(n))


def test_a_pass_stops_at_the_first_unreachable_connection(sessions, workspace_id) -> None:
    """A server that accepts TCP and hangs up before its greeting: one connection per pass."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        ctx = setup_campaign(sessions, workspace_id, None, n=5)
        point_at(ctx, f"smtp://127.0.0.1:{listener.getsockname()[1]}")
        approve_and_decide(ctx, all=True, include_followups=False)
        report = worker(ctx, NOW)
        assert len(accepted) == 1 and report.retried == []
        assert "5 message(s) will be retried" in (report.unreachable or "")
        assert {(m.status, m.attempts) for m in messages(ctx)} == {("scheduled", 0)}
    finally:
        listener.close()
        thread.join(5)


def test_message_not_delivered_within_the_max_age_is_given_up(sessions, workspace_id, monkeypatch) -> None:
    import agent.jobs.outreach as job

    monkeypatch.setattr(job, "BATCH", 1)  # only one message is claimed before the pass stops
    ctx = setup_campaign(sessions, workspace_id, None, n=3, outreach_max_age_hours=2)
    point_at(ctx, down_url())
    approve_and_decide(ctx, all=True)
    assert "3 message(s) will be retried" in (worker(ctx, NOW).unreachable or "")
    assert worker(ctx, NOW + timedelta(hours=1, minutes=59)).failed == []
    report = worker(ctx, NOW + timedelta(hours=2, minutes=5))
    assert len(report.failed) == 3 and report.sent == []
    assert all("not delivered within 2 h of its first attempt" in f and "SMTP server unreachable" in f
               for f in report.failed), report.failed
    assert any(line.startswith("[outreach] FAILED @glow1 (Glow, first email)") for line in report.lines())
    firsts = messages(ctx, step=0)
    assert {(m.status, m.attempts) for m in firsts} == {("failed", 0)}
    assert all("KOLPILOT_OUTREACH_MAX_AGE_HOURS" in m.last_error for m in firsts)
    assert {m.status for m in messages(ctx) if m.step > 0} == {"cancelled"}
    assert worker(ctx, NOW + timedelta(hours=3)).failed == []  # reported once


def test_max_age_setting_reads_its_environment_variable(monkeypatch) -> None:
    assert Settings(_env_file=None).outreach_max_age_hours == 72
    monkeypatch.setenv("KOLPILOT_OUTREACH_MAX_AGE_HOURS", "12")
    assert Settings(_env_file=None).outreach_max_age_hours == 12


def test_lapsed_claim_of_a_dead_worker_is_reclaimed_and_sent_with_the_same_message_id(sessions, workspace_id, smtp) -> None:
    ctx = setup_campaign(sessions, workspace_id, smtp, n=3)
    approve_and_decide(ctx, all=True, include_followups=False)
    dead = claim_batch(as_user(ctx, "worker", NOW), now=NOW)  # claimed, then the worker was killed
    assert len(dead.outgoing) == 3 and {m.status for m in messages(ctx)} == {"sending"}
    live = worker(ctx, NOW + LEASE - timedelta(seconds=1))
    assert live.sent == [] and live.reclaimed == 0  # the lease still holds
    report = worker(ctx, NOW + LEASE + timedelta(seconds=1))
    assert report.reclaimed == 3 and sorted(report.sent) == ["@glow0", "@glow1", "@glow2"]
    assert report.lines()[0].startswith("[outreach] reclaimed 3 message(s)")
    stored = {m.to_address: m for m in messages(ctx)}
    assert {(m.status, m.attempts) for m in stored.values()} == {("sent", 1)}
    for o in dead.outgoing:
        [got] = smtp.to(o.to)
        assert got.message["Message-ID"] == o.message_id == stored[o.to].message_id
    # The dead worker's claim is void: it can neither renew nor record any more.
    assert renew(ctx, [o.id for o in dead.outgoing], token=dead.token, until=NOW + timedelta(hours=1)) == set()


def test_connection_lost_after_data_is_retried_with_the_same_message_id(sessions, workspace_id, smtp) -> None:
    """The at-least-once window: the server took the content, the 250 never came."""
    ctx = setup_campaign(sessions, workspace_id, smtp, n=1)
    approve_and_decide(ctx, all=True, include_followups=False)
    smtp.drop_next(1)
    report = worker(ctx, NOW)
    assert report.sent == [] and report.unreachable is None
    assert "connection problem" in report.retried[0] and "(attempt 1)" in report.retried[0]
    [m] = messages(ctx)
    assert (m.status, m.attempts, m.scheduled_at) == ("scheduled", 1, NOW + timedelta(minutes=5))
    assert worker(ctx, NOW + timedelta(minutes=6)).sent == ["@glow0"]
    [m] = messages(ctx)
    assert [r.message["Message-ID"] for r in smtp.received] == [m.message_id, m.message_id]
    assert (m.status, m.attempts) == ("sent", 2)


def test_sender_reopens_a_connection_the_server_closed_while_idle(smtp) -> None:
    def mail(i: int) -> EmailMessage:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = "a@x.example", "b@x.example", f"m{i}", f"<{i}@x>"
        msg.set_content("hello")
        return msg

    with SmtpSender(SmtpConfig.from_url(smtp.url)) as sender:
        sender.send(mail(1), sender="a@x.example", recipients=["b@x.example"])
        smtp.stop()  # drops the open connection
        smtp.start()
        sender.send(mail(2), sender="a@x.example", recipients=["b@x.example"])
    assert [r.message["Message-ID"] for r in smtp.received] == ["<1@x>", "<2@x>"]
