"""Once-only markers in ``processed_event``: Slack event ids, sent reminders, worker jobs.

``claim`` inserts the key and reports whether this caller was first. The primary key makes
it exactly-once across threads and processes sharing the database.
"""

from __future__ import annotations

from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError

from memory.models import ProcessedEvent


def claim(engine: Engine, *, key: str, source: str, workspace_id: str | None = None) -> bool:
    """True if ``key`` was not seen before (and is now recorded); False for a duplicate."""
    try:
        with engine.begin() as conn:
            conn.execute(insert(ProcessedEvent).values(id=key[:200], source=source, workspace_id=workspace_id))
        return True
    except IntegrityError:
        return False
