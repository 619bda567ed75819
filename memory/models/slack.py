"""Slack OAuth ("Add to Slack") stores: installations, bots and OAuth states.

slack_sdk's ``SQLAlchemyInstallationStore`` and ``SQLAlchemyOAuthStateStore`` read and
write these tables on kolpilot's own engine (SQLite or PostgreSQL). They are built
here on SQLModel's metadata with slack_sdk's own table builders, so that Alembic owns them
like every other table (migration 0008) and autogenerate never proposes to drop them;
``tests/test_schema.py`` fails if a slack_sdk upgrade changes them without a migration.

They are not workspace-scoped rows: an installation *defines* a workspace (its team id).
Tokens are stored as Slack issues them; protect the database like the secrets it holds.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlmodel import SQLModel

SLACK_BOTS = "slack_bots"
SLACK_INSTALLATIONS = "slack_installations"
SLACK_OAUTH_STATES = "slack_oauth_states"

# slack_sdk's own table builders on our metadata: the stores and Alembic see the same tables.
slack_bots = SQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, SLACK_BOTS)
slack_installations = SQLAlchemyInstallationStore.build_installations_table(SQLModel.metadata, SLACK_INSTALLATIONS)
slack_oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(SQLModel.metadata, SLACK_OAUTH_STATES)
