"""Conversation memory: a langgraph checkpointer on the same database as everything else
(SQLite file or PostgreSQL), keyed by conversation id (``thread_id``), so a conversation
continues across processes and restarts."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from sqlalchemy import Engine


def make_checkpointer(engine: Engine) -> BaseCheckpointSaver:
    """A ready (set-up) checkpointer on the engine's database."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        from langgraph.checkpoint.sqlite import SqliteSaver

        conn = sqlite3.connect(url.database or ":memory:", check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: no fsync per checkpoint write
        saver = SqliteSaver(conn)
    else:
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=4,
            kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
            open=True,
        )
        saver = PostgresSaver(pool)
    saver.setup()
    return saver


def conversation_config(conversation_id: str, **extra: object) -> dict:
    """The langgraph config that selects a conversation's thread."""
    return {"configurable": {"thread_id": conversation_id}, **extra}
