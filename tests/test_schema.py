"""The Alembic migrations build exactly the schema the models declare, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import memory.models  # noqa: F401
from memory.db import current_revision, ensure_schema, table_names


def test_migrations_match_models(engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_schema_has_every_table_and_is_at_head(engine) -> None:
    names = set(table_names(engine))
    assert set(SQLModel.metadata.tables) <= names
    assert "alembic_version" in names
    from alembic.script import ScriptDirectory

    from memory.db import _alembic_config

    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    assert current_revision(engine) == head
    ensure_schema(engine)  # idempotent when current
    assert current_revision(engine) == head


def test_search_filter_indexes_exist(engine) -> None:
    from sqlalchemy import inspect

    idx = {i["name"] for i in inspect(engine).get_indexes("account")}
    for name in ("ix_account_ws_platform_followers", "ix_account_ws_er", "ix_account_ws_country_followers",
                 "ix_account_ws_language_followers", "ix_account_ws_kind_followers"):
        assert name in idx
    assert "ix_creator_niche_ws_niche" in {i["name"] for i in inspect(engine).get_indexes("creator_niche")}
