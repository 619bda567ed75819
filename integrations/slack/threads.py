"""The channel threads kolpilot is in, so follow-ups there need no new mention.

Slack's AI apps keep talking in a thread once they are part of it; kolpilot does the same.
A thread is *joined* when someone mentions kolpilot in it (or at its root) and when
kolpilot opens it (a public ``/kol`` question). Later channel messages in that thread —
``message`` events with a ``thread_ts`` and no mention — are answered as the same
conversation. Other channel messages are never answered.

Membership lives in the shared database (``processed_event``, source ``slack-thread``, id
``thread:<team>:<channel>:<thread_ts>``), so every app instance behind a load balancer
agrees, and a restart forgets nothing. A thread stays joined for ``KEEP_FOR`` after its
last exchange (each follow-up and each mention renews it); after that a mention rejoins it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, delete, update

from memory.models.common import utcnow
from memory.models.system import ProcessedEvent

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from integrations.slack.context import SlackContext

log = logging.getLogger(__name__)

SOURCE = "slack-thread"
KEEP_FOR = timedelta(days=30)


def thread_key(sctx: SlackContext) -> str:
    """``thread:<team>:<channel>:<thread_ts>`` (the conversation id, prefixed)."""
    return f"thread:{sctx.conversation_id}"[:200]


class ThreadRegistry:
    """Join threads and ask whether kolpilot is in one (one indexed statement each)."""

    def __init__(self, engine: Engine, *, keep_for: timedelta = KEEP_FOR) -> None:
        self.engine = engine
        self.keep_for = keep_for
        if engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(ProcessedEvent).values(id=bindparam("id"), source=SOURCE, workspace_id=bindparam("workspace_id"),
                                             received_at=bindparam("at"))
        # Built once: joining happens inside Slack's acknowledgement window.
        self._join = stmt.on_conflict_do_update(index_elements=["id"], set_={"received_at": stmt.excluded.received_at})
        self._touch = (
            update(ProcessedEvent)
            .where(ProcessedEvent.id == bindparam("key"), ProcessedEvent.source == SOURCE,
                   ProcessedEvent.received_at >= bindparam("since"))
            .values(received_at=bindparam("at"))
            .returning(ProcessedEvent.id)
        )

    def join(self, sctx: SlackContext) -> None:
        """Record that kolpilot is in ``sctx``'s thread (or renew it)."""
        with self.engine.begin() as conn:
            conn.execute(self._join, {"id": thread_key(sctx), "workspace_id": sctx.workspace_id, "at": utcnow()})

    def touch(self, sctx: SlackContext) -> bool:
        """True if kolpilot is in ``sctx``'s thread (and renew it); False otherwise."""
        now = utcnow()
        with self.engine.begin() as conn:
            row = conn.execute(self._touch, {"key": thread_key(sctx), "since": now - self.keep_for, "at": now}).first()
        return row is not None

    def prune(self) -> int:
        """Forget threads quiet for longer than ``keep_for``; return how many."""
        cutoff = utcnow() - self.keep_for
        with self.engine.begin() as conn:
            res = conn.execute(delete(ProcessedEvent).where(ProcessedEvent.source == SOURCE,
                                                            ProcessedEvent.received_at < cutoff))
        return res.rowcount or 0
