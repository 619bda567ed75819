"""The inbox job of ``kolpilot worker``: read creators' replies from ``KOLPILOT_IMAP_URL``.

Each pass opens the folder read-only, lists the messages that arrived since the first outreach
was sent (at most ``LOOKBACK_DAYS`` back), skips those already in ``processed_event`` and hands
each new one to ``tools.inbox.process.process_mail``, which claims it and applies its effects
in one transaction (exactly once, also with two workers on PostgreSQL). A message that fails is
not claimed: it is tried again next pass. Mail is never flagged, moved or deleted.

The marketer is told in Slack (the reminder channel) with the reply's gist and, when the reply
names a price, Accept (the pending counter's approve button) and Open buttons. The notifier is
injectable for tests; ``now`` and the mailbox too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from agent.runtime import Runtime

log = logging.getLogger(__name__)

LOOKBACK_DAYS = 30
MAX_PER_PASS = 500

Notifier = Callable[[str, list[dict[str, Any]]], None]
"""notify(fallback text, Block Kit blocks)"""


@dataclass
class InboxReport:
    outcomes: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    problem: str | None = None  # configuration or outage: the whole pass did nothing
    seen: int = 0

    def lines(self) -> list[str]:
        out = [o.line for o in self.outcomes if o.line and o.status != "unmatched"]
        left = sum(1 for o in self.outcomes if o.status == "unmatched")
        if left:
            out.append(f"[inbox] {left} message(s) not tied to our outreach left alone")
        out += [f"[inbox] {e}" for e in self.errors]
        if self.problem:
            out.append(f"[inbox] not reading replies: {self.problem}")
        return out


def read_inbox(ctx, *, now: datetime, inbox_factory: Callable[[], Any] | None = None) -> InboxReport:  # noqa: ANN001
    """One pass over the mailbox for ``ctx``'s workspace (see the module docstring)."""
    from integrations.email.imap import ImapConfig, ImapError, ImapInbox
    from memory.domain.mail import parse_mail
    from tools.inbox.process import mail_key, process_mail, processed_keys

    report = InboxReport()
    settings = ctx.settings
    first = _first_sent(ctx)
    if first is None:
        return report  # nothing sent yet: nothing can be a reply
    if inbox_factory is None:
        if settings.imap_url is None or not settings.imap_url.get_secret_value():
            return report
        try:
            config = ImapConfig.from_url(settings.imap_url.get_secret_value())
        except ImapError as exc:
            report.problem = str(exc)
            return report

        def inbox_factory() -> Any:
            return ImapInbox(config, settings.imap_folder)

    since = (max(first, now - timedelta(days=LOOKBACK_DAYS)) - timedelta(days=1)).date()
    try:
        with inbox_factory() as box:
            keys = {uid: mail_key(ctx.workspace_id, box.folder, box.uidvalidity, uid) for uid in box.uids_since(since)}
            done = processed_keys(ctx, list(keys.values()))
            todo = [uid for uid, key in keys.items() if key not in done][:MAX_PER_PASS]
            report.seen = len(todo)
            for fetched in box.fetch(todo):
                try:
                    mail = parse_mail(fetched.raw)
                    report.outcomes.append(process_mail(ctx, key=keys[fetched.uid], mail=mail, now=now))
                except Exception as exc:  # noqa: BLE001 - not claimed: tried again next pass
                    log.warning("inbox message %s failed", fetched.uid, exc_info=True)
                    report.errors.append(f"could not process message UID {fetched.uid}: {type(exc).__name__}: "
                                         f"{str(exc).splitlines()[0] if str(exc) else ''}; will retry")
    except ImapError as exc:
        report.problem = str(exc)
    return report


def _first_sent(ctx) -> datetime | None:  # noqa: ANN001
    from sqlalchemy import func
    from sqlmodel import select

    from memory.db import session_scope
    from memory.models import OutreachMessage

    with session_scope(ctx.sessions) as s:
        first = s.exec(select(func.min(OutreachMessage.sent_at)).where(
            OutreachMessage.workspace_id == ctx.workspace_id, OutreachMessage.direction == "out",
            OutreachMessage.sent_at.is_not(None))).one()  # type: ignore[union-attr]
    if first is None:
        return None
    return first if first.tzinfo else first.replace(tzinfo=UTC)


def slack_notifier(settings) -> Notifier | None:  # noqa: ANN001
    """Posts to the reminder channel when Slack is configured, else None."""
    if not (settings.slack_reminder_channel and settings.slack_bot_token):
        return None

    def notify(text: str, blocks: list[dict[str, Any]]) -> None:
        from integrations.slack.notify import post_blocks

        post_blocks(settings, channel=settings.slack_reminder_channel, text=text, blocks=blocks)

    return notify


def run(runtime: Runtime, workspace_id: str, *, now: datetime | None = None, notify: Notifier | None = None,
        inbox_factory: Callable[[], Any] | None = None) -> list[str]:
    """One pass for the worker; returns the lines shown in the terminal."""
    import tools.inbox  # noqa: F401 - registers the counter executor
    import tools.outreach  # noqa: F401

    settings = runtime.settings
    if inbox_factory is None and settings.imap_url is None:
        return []
    runtime.ensure_workspace(workspace_id)
    ctx = runtime.tool_context(user_id="worker", workspace_id=workspace_id)
    when = now or datetime.now(UTC)
    if now is not None:
        ctx.clock = lambda: now
    report = read_inbox(ctx, now=when, inbox_factory=inbox_factory)
    notify = notify or slack_notifier(settings)
    if notify is None:
        return report.lines()
    from integrations.slack.blocks import inbox_notice_blocks

    for o in report.outcomes:
        if o.status in ("duplicate", "unmatched"):
            continue
        text, blocks = inbox_notice_blocks(o)
        try:
            notify(text, blocks)
        except Exception:  # noqa: BLE001 - the terminal line is still shown
            log.warning("could not post an inbox notice to Slack", exc_info=True)
    if report.problem:
        from memory.repo import events

        day = when.date().isoformat()  # a configuration problem or an outage: tell the channel once a day
        if events.claim(runtime.engine, key=f"inbox:problem:{workspace_id}:{day}", source="inbox", workspace_id=workspace_id):
            try:
                notify(f"Replies are not being read: {report.problem}", [])
            except Exception:  # noqa: BLE001
                log.warning("could not post the inbox problem to Slack", exc_info=True)
    return report.lines()


def wait_for_mail(runtime: Runtime, seconds: float) -> bool:
    """Between worker passes: wait up to ``seconds`` with IMAP IDLE, returning as soon as the
    server announces new mail (True) — or False at once when no inbox is configured, the server
    has no IDLE or cannot be reached, so the worker sleeps as usual."""
    settings = runtime.settings
    if settings.imap_url is None or not settings.imap_url.get_secret_value() or seconds <= 0:
        return False
    from integrations.email.imap import ImapConfig, ImapError, ImapInbox

    try:
        with ImapInbox(ImapConfig.from_url(settings.imap_url.get_secret_value()), settings.imap_folder) as box:
            if not box.supports_idle:
                return False
            box.idle_wait(seconds)
            return True
    except ImapError:
        return False
