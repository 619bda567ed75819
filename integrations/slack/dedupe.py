"""Exactly-once handling of Slack's event deliveries.

Slack redelivers an Events API event (same ``event_id``, header ``X-Slack-Retry-Num``)
when it did not see a 2xx within 3 seconds — and with several app instances behind a
load balancer the retry may land on another process. Each delivery therefore *claims*
its event id with an insert-or-ignore into ``processed_event`` on the shared database
(SQLite file or PostgreSQL): the primary key makes exactly one claim succeed, across
threads and processes. Only the winner runs the listener; every other delivery is
acknowledged with 200 and dropped, so Slack stops retrying.

Slash commands and interactive payloads (button clicks, view submissions) carry no
event id, but a replayed HTTP request is byte-identical: the key is the SHA-256 of its
signed basestring (``v0:<timestamp>:<body>``), kept for the signature window (the
same body re-signed with another timestamp is a new request — only Slack can sign, and
every real invocation also carries a fresh ``trigger_id``). In Socket Mode the key is
the hash of the envelope's payload.

A claim happens before the agent runs: a process that dies mid-turn does not get a
second chance from a retry (at-most-once work, never twice). If the database cannot be
reached the delivery is answered 503, so Slack retries it later instead of losing it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy import bindparam, delete
from sqlalchemy.exc import SQLAlchemyError

from memory.models.common import utcnow
from memory.models.system import ProcessedEvent

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

KEEP_FOR = timedelta(days=2)  # Slack retries within about an hour; two days is generous.
# A signature is accepted while |now - timestamp| <= 5 minutes, so a signed request can be
# replayed until at most 10 minutes after it first arrived; 15 leaves room for clock skew.
REQUEST_WINDOW = timedelta(minutes=15)
REQUEST_SOURCE = "slack-request"
_PRUNE_EVERY_S = 3600.0
# Interactive payload types that make kolpilot act (block_suggestion only loads options).
_INTERACTIVE = frozenset({"block_actions", "view_submission", "view_closed", "shortcut", "message_action",
                          "interactive_message", "dialog_submission"})


class EventDeduplicator:
    """Claims event ids in ``processed_event``; ``claim`` is True exactly once per id."""

    def __init__(self, engine: Engine, *, source: str = "slack", keep_for: timedelta = KEEP_FOR) -> None:
        self.engine = engine
        self.source = source
        self.keep_for = keep_for
        self._prune_every = min(_PRUNE_EVERY_S, keep_for.total_seconds())
        self._last_prune = time.monotonic()  # build_app prunes once at start-up
        self._prune_lock = threading.Lock()
        self._stmt = self._claim_statement()

    def _claim_statement(self):  # noqa: ANN202 - dialect-specific Insert
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        # Built once with bind parameters: building it per call costs more than running it,
        # and this runs inside Slack's acknowledgement window.
        return (
            insert(ProcessedEvent)
            .values(id=bindparam("id"), source=bindparam("source"), workspace_id=bindparam("workspace_id"),
                    received_at=bindparam("received_at"))
            .on_conflict_do_nothing(index_elements=["id"])
            # RETURNING, not rowcount: psycopg 3 reports rowcount -1 for this statement.
            .returning(ProcessedEvent.id)
        )

    def claim(self, event_id: str, *, workspace_id: str | None = None) -> bool:
        """Record ``event_id`` as handled; False if any process recorded it before."""
        params = {"id": event_id[:200], "source": self.source, "workspace_id": workspace_id, "received_at": utcnow()}
        with self.engine.begin() as conn:
            claimed = conn.execute(self._stmt, params).first() is not None
        self._maybe_prune()
        return claimed

    def _maybe_prune(self) -> None:
        now = time.monotonic()
        if now - self._last_prune < self._prune_every or not self._prune_lock.acquire(blocking=False):
            return
        try:
            self._last_prune = now
            self.prune()
        except SQLAlchemyError as exc:  # pruning is housekeeping: never fail a delivery over it
            log.warning("could not prune processed events: %s", type(exc).__name__)
        finally:
            self._prune_lock.release()

    def prune(self, older_than: timedelta | None = None) -> int:
        """Forget claims older than ``older_than`` (default ``keep_for``); return how many were removed."""
        cutoff = utcnow() - (self.keep_for if older_than is None else older_than)
        with self.engine.begin() as conn:
            res = conn.execute(
                delete(ProcessedEvent).where(ProcessedEvent.source == self.source, ProcessedEvent.received_at < cutoff)
            )
        return res.rowcount or 0


def request_key(req: BoltRequest) -> str | None:
    """The replay key of a slash command or interactive payload; None for anything else.

    HTTP: SHA-256 of the signed basestring ``v0:<timestamp>:<raw body>`` (the server has
    verified the signature, so only Slack can have produced it). Socket Mode: SHA-256 of
    the envelope's payload.
    """
    body = req.body or {}
    if "command" not in body and body.get("type") not in _INTERACTIVE:
        return None
    if req.mode == "socket_mode":
        raw = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()
        return "sm:" + hashlib.sha256(raw).hexdigest()
    timestamp = (req.headers.get("x-slack-request-timestamp") or [""])[0]
    return "req:" + hashlib.sha256(b"v0:" + timestamp.encode() + b":" + req.raw_body.encode()).hexdigest()


def _never_answered(event: dict) -> bool:
    """A top-level channel message (message.channels / message.groups): kolpilot answers
    only follow-ups in its threads there, so the listener ignores it whether or not it is a retry."""
    return (event.get("type") == "message" and not event.get("thread_ts")
            and event.get("channel_type") in ("channel", "group"))


class DeduplicationMiddleware(Middleware):
    """Global bolt middleware: the first delivery of an event or request goes on, repeats stop here.

    Runs after request verification (unsigned requests never write to the table) and
    before any listener. Events API payloads are claimed on their ``event_id`` in
    ``events``; slash commands and interactive payloads on :func:`request_key` in
    ``requests`` (a short-lived table slice: replays only matter inside the signature
    window). A repeat is acknowledged with 200 and an empty body.
    """

    def __init__(self, events: EventDeduplicator, requests: EventDeduplicator | None = None, *,
                 on_duplicate: Callable[[str], None] | None = None) -> None:
        self.dedup = events
        self.requests = requests
        self.on_duplicate = on_duplicate

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse | None:  # noqa: A002 - bolt's signature
        body = req.body or {}
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and _never_answered(body.get("event") or {}):
            return next()  # no claim: one database write per channel message would be waste
        if not event_id:
            key = request_key(req) if self.requests is not None else None
            return next() if key is None or self.requests is None else self._once(self.requests, req, key, next)
        retry_num = (req.headers.get("x-slack-retry-num") or [None])[0]
        try:
            claimed = self.dedup.claim(str(event_id), workspace_id=req.context.team_id)
        except SQLAlchemyError as exc:
            log.error("event dedup unavailable (%s); asking Slack to retry %s", type(exc).__name__, event_id)
            return BoltResponse(status=503, body="")
        if claimed:
            if retry_num is not None:
                reason = (req.headers.get("x-slack-retry-reason") or ["?"])[0]
                log.info("processing redelivered event %s (retry %s, %s)", event_id, retry_num, reason)
            return next()
        log.info("duplicate delivery of event %s ignored (retry %s)", event_id, retry_num)
        if self.on_duplicate is not None:
            self.on_duplicate(str(event_id))
        return BoltResponse(status=200, body="")

    def _once(self, dedup: EventDeduplicator, req: BoltRequest, key: str,
              next: Callable[[], BoltResponse]) -> BoltResponse | None:  # noqa: A002 - bolt's name
        kind = "command" if "command" in req.body else str(req.body.get("type"))
        try:
            claimed = dedup.claim(key, workspace_id=req.context.team_id)
        except SQLAlchemyError as exc:
            log.error("request dedup unavailable (%s); refusing a %s with 503", type(exc).__name__, kind)
            return BoltResponse(status=503, body="")
        if claimed:
            return next()
        log.info("replayed Slack %s ignored (%s)", kind, key[:20])
        if self.on_duplicate is not None:
            self.on_duplicate(key)
        return BoltResponse(status=200, body="")
