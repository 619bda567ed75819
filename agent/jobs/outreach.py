"""The outreach job of ``kolpilot worker``: send the approved messages that are due.

One pass claims due messages in small batches (``tools.outreach.delivery.claim_batch``:
window, caps, do-not-contact and reply re-checked, each message claimed scheduled →
sending so that two workers never send the same one), hands each to the SMTP server with
its stored Message-ID, and records the outcome: sent, retried later with backoff
(temporary failure), or failed (permanent failure, reported here and in review_drafts).
Permanent failures are also posted to the Slack reminder channel when one is configured.

Outages are not the messages' fault: when the server cannot be reached (refused, DNS,
timeout, dropped before DATA) the pass stops at once, the claimed messages go back to
scheduled with a short backoff and no attempt charged, and one line says so. A message is
given up only after ``outreach_max_age_hours`` from its first attempt, or after
``MAX_ATTEMPTS`` failures of its own. Claims are leases renewed before each message; the
claims of a worker that died lapse and are reclaimed by the next pass (same Message-ID).

Delivery happens only here (never inside the approval click): the approval schedules, the
worker sends. ``now`` is injectable for tests; passes are idempotent.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from agent.runtime import Runtime

log = logging.getLogger(__name__)

BATCH = 20
MAX_PER_PASS = 1000


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    waiting: Counter[str] = field(default_factory=Counter)
    config_error: str | None = None
    unreachable: str | None = None
    reclaimed: int = 0

    def lines(self) -> list[str]:
        """What the worker prints (one line each)."""
        out = []
        if self.reclaimed:
            out.append(f"[outreach] reclaimed {self.reclaimed} message(s) left in sending by a stopped worker"
                       " (same Message-ID)")
        if self.sent:
            out.append(f"[outreach] sent {len(self.sent)} message(s): {', '.join(self.sent[:10])}"
                       + (" …" if len(self.sent) > 10 else ""))
        out += [f"[outreach] will retry {r}" for r in self.retried]
        out += [f"[outreach] FAILED {f}" for f in self.failed]
        if self.cancelled:
            out.append(f"[outreach] cancelled {len(self.cancelled)}: {', '.join(self.cancelled[:10])}")
        out += [f"[outreach] {n} waiting: {why}" for why, n in self.waiting.items()]
        if self.config_error:
            out.append(f"[outreach] not sending: {self.config_error}")
        if self.unreachable:
            out.append(f"[outreach] {self.unreachable}")
        return out


def deliver_due(ctx, *, now: datetime, sender_factory: Callable[[], object] | None = None) -> DeliveryReport:  # noqa: ANN001
    """Send every due message of ``ctx``'s workspace once (see the module docstring)."""
    from integrations.email.smtp import (
        PermanentSendError,
        SmtpConfig,
        SmtpConfigError,
        SmtpSender,
        SmtpUnreachableError,
        TemporarySendError,
        build_message,
    )
    from tools.outreach.delivery import (
        LEASE,
        claim_batch,
        due_count,
        record_failed,
        record_retry,
        record_sent,
        release,
        release_unreachable,
        renew,
    )

    report = DeliveryReport()
    settings = ctx.settings
    lease = LEASE
    if sender_factory is None:
        if settings.smtp_url is None or not settings.sender_email:
            n = due_count(ctx, now=now)
            if n:
                missing = "KOLPILOT_SMTP_URL" if settings.smtp_url is None else "KOLPILOT_SENDER_EMAIL"
                report.config_error = f"{n} message(s) due but {missing} is not set"
            return report
        try:
            config = SmtpConfig.from_url(settings.smtp_url.get_secret_value())
        except SmtpConfigError as exc:
            report.config_error = str(exc)
            return report
        lease = max(LEASE, timedelta(seconds=2 * config.timeout))  # one SMTP exchange fits in a lease

        def sender_factory() -> object:
            return SmtpSender(config)

    unsubscribe_mailto = settings.reply_to or settings.sender_email
    handled = 0
    sender = sender_factory()
    try:
        while handled < MAX_PER_PASS:
            batch = claim_batch(ctx, now=now, limit=BATCH, lease=lease)
            report.cancelled += batch.cancelled
            report.failed += batch.expired
            report.waiting.update(batch.waiting)
            report.reclaimed += batch.reclaimed
            if not batch.outgoing:
                break
            tok = batch.token
            for i, o in enumerate(batch.outgoing):
                handled += 1
                # Heartbeat: extend the leases of the rest of the batch; skip a lapsed one.
                if o.id not in renew(ctx, [x.id for x in batch.outgoing[i:]], token=tok, until=ctx.clock() + lease):
                    continue
                msg = build_message(
                    sender_email=settings.sender_email or "", sender_name=settings.sender_name, to=o.to,
                    subject=o.subject, body=o.body, message_id=o.message_id, reply_to=settings.reply_to,
                    unsubscribe_url=settings.unsubscribe_url, unsubscribe_mailto=unsubscribe_mailto,
                    in_reply_to=o.in_reply_to, date=now.timestamp())
                label = o.label
                try:
                    sender.send(msg, sender=settings.sender_email or "", recipients=[o.to])  # type: ignore[attr-defined]
                except SmtpUnreachableError as exc:  # no point trying the rest against a dead server
                    n = release_unreachable(ctx, [x.id for x in batch.outgoing[i:]], now=now, error=str(exc), token=tok)
                    report.unreachable = f"SMTP server unreachable: {exc}; {n} message(s) will be retried"
                    return report
                except TemporarySendError as exc:
                    gave_up, attempts = record_retry(ctx, o.id, now=now, error=str(exc), token=tok)
                    (report.failed if gave_up else report.retried).append(f"{label}: {exc} (attempt {attempts})")
                    continue
                except PermanentSendError as exc:
                    record_failed(ctx, o.id, error=str(exc), token=tok)
                    report.failed.append(f"{label}: {exc}")
                    continue
                except SmtpConfigError as exc:
                    release(ctx, [x.id for x in batch.outgoing[i:]], token=tok)
                    report.config_error = str(exc)
                    return report
                record_sent(ctx, o.id, now=now, token=tok)
                report.sent.append(o.handle)
            if len(batch.outgoing) < BATCH:
                break
    finally:
        close = getattr(sender, "close", None)
        if close is not None:
            close()
    return report


def run(runtime: Runtime, workspace_id: str, *, now: datetime | None = None) -> list[str]:
    """One pass for the worker; returns the lines shown in the terminal."""
    import tools.outreach  # noqa: F401 - registers the executor and the tools' models

    runtime.ensure_workspace(workspace_id)
    ctx = runtime.tool_context(user_id="worker", workspace_id=workspace_id)
    if now is not None:
        ctx.clock = lambda: now
    report = deliver_due(ctx, now=now or datetime.now(UTC))
    lines = report.lines()
    settings = runtime.settings
    alerts = [f"• Could not send outreach to {f}" for f in report.failed]
    for kind, problem in (("config", report.config_error), ("unreachable", report.unreachable)):
        if not problem:
            continue
        from memory.repo import events

        # A configuration problem or an outage persists from pass to pass: tell the channel once a day.
        day = (now or datetime.now(UTC)).date().isoformat()
        if events.claim(runtime.engine, key=f"outreach:{kind}:{workspace_id}:{day}", source="outreach",
                        workspace_id=workspace_id):
            alerts.append(f"• Outreach is not being sent: {problem}")
    if alerts and settings.slack_reminder_channel and settings.slack_bot_token:
        try:
            from integrations.slack.notify import post_text

            post_text(settings, channel=settings.slack_reminder_channel, text="*kolpilot outreach*\n" + "\n".join(alerts))
        except Exception:  # noqa: BLE001 - the terminal line is still shown
            log.warning("could not post outreach alerts to Slack", exc_info=True)
    return lines
