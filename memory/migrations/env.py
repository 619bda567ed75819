"""Alembic environment: runs against the engine handed in by memory.db (no alembic.ini)."""

from alembic import context
from sqlmodel import SQLModel

import memory.models  # noqa: F401 - registers the tables

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        is_sqlite = connection.dialect.name == "sqlite"
        if is_sqlite:
            # Batch migrations rebuild SQLite tables (copy, drop, rename). With foreign keys on,
            # dropping a parent table would cascade-delete its children's rows. PRAGMA
            # foreign_keys cannot change inside a transaction, so set it before one starts.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        if is_sqlite:
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if problems:
                raise RuntimeError(f"migration left {len(problems)} dangling foreign keys")


run_migrations_online()
