"""The outreach job of ``kolpilot worker``: send the approved messages that are due.

One pass claims due messages in small batches (``tools.outreach.sending.claim_batch``:
window, caps, do-not-contact and reply re-checked, each message claimed scheduled →
sending so that two workers never send the same one), hands each to the SMTP server with
its stored Message-ID, and records the outcome: sent, retried later with backoff
(temporary failure), or failed (permanent failure, reported here and in review_drafts).
Permanent failures are also posted to the Slack reminder channel when one is configured.

Delivery happens only here (never inside the approval click): the approval schedules, the
worker sends. ``now`` is injectable for tests; passes are idempotent.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

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

    def lines(self) -> list[str]:
        """What the worker prints (one line each)."""
        out = []
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
        return out


def deliver_due(ctx, *, now: datetime, sender_factory: Callable[[], object] | None = None) -> DeliveryReport:  # noqa: ANN001
    """Send every due message of ``ctx``'s workspace once (see the module docstring)."""
    from integrations.email.smtp import (
        PermanentSendError,
        SmtpConfig,
        SmtpConfigError,
        SmtpSender,
        TemporarySendError,
        build_message,
    )
    from tools.outreach.sending import (
        claim_batch,
        due_count,
        record_failed,
        record_retry,
        record_sent,
        release,
    )

    report = DeliveryReport()
    settings = ctx.settings
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

        def sender_factory() -> object:
            return SmtpSender(config)

    unsubscribe_mailto = settings.reply_to or settings.sender_email
    handled = 0
    sender = sender_factory()
    try:
        while handled < MAX_PER_PASS:
            batch = claim_batch(ctx, now=now, limit=BATCH)
            report.cancelled += batch.cancelled
            report.waiting.update(batch.waiting)
            if not batch.outgoing:
                break
            for i, o in enumerate(batch.outgoing):
                handled += 1
                msg = build_message(
                    sender_email=settings.sender_email or "", sender_name=settings.sender_name, to=o.to,
                    subject=o.subject, body=o.body, message_id=o.message_id, reply_to=settings.reply_to,
                    unsubscribe_url=settings.unsubscribe_url, unsubscribe_mailto=unsubscribe_mailto,
                    in_reply_to=o.in_reply_to, date=now.timestamp())
                label = f"{o.handle} ({o.campaign}, {'first email' if o.step == 0 else f'follow-up {o.step}'})"
                try:
                    sender.send(msg, sender=settings.sender_email or "", recipients=[o.to])  # type: ignore[attr-defined]
                except TemporarySendError as exc:
                    gave_up, attempts = record_retry(ctx, o.id, now=now, error=str(exc))
                    (report.failed if gave_up else report.retried).append(f"{label}: {exc} (attempt {attempts})")
                    continue
                except PermanentSendError as exc:
                    record_failed(ctx, o.id, error=str(exc))
                    report.failed.append(f"{label}: {exc}")
                    continue
                except SmtpConfigError as exc:
                    release(ctx, [x.id for x in batch.outgoing[i:]])
                    report.config_error = str(exc)
                    return report
                record_sent(ctx, o.id, now=now)
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
    if report.config_error:
        from memory.repo import events

        # A configuration problem persists from pass to pass: tell the channel once a day.
        day = (now or datetime.now(UTC)).date().isoformat()
        if events.claim(runtime.engine, key=f"outreach:config:{workspace_id}:{day}", source="outreach",
                        workspace_id=workspace_id):
            alerts.append(f"• Outreach is not being sent: {report.config_error}")
    if alerts and settings.slack_reminder_channel and settings.slack_bot_token:
        try:
            from integrations.slack.notify import post_text

            post_text(settings, channel=settings.slack_reminder_channel, text="*kolpilot outreach*\n" + "\n".join(alerts))
        except Exception:  # noqa: BLE001 - the terminal line is still shown
            log.warning("could not post outreach alerts to Slack", exc_info=True)
    return lines
