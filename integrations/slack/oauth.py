""""Add to Slack": slack-bolt's OAuth flow with its installation and state stores in kolpilot's database.

OAuth mode is on when ``KOLPILOT_SLACK_CLIENT_ID`` and ``KOLPILOT_SLACK_CLIENT_SECRET``
are set. Then:

- ``GET /slack/install`` sets a state cookie and redirects the browser to Slack's
  authorize page (``KOLPILOT_SLACK_SCOPES``); ``GET /slack/oauth_redirect`` checks the
  state (cookie + database, single use, 10 minutes), exchanges the code with
  ``oauth.v2.access`` and stores the installation;
- every request is authorized with the bot token stored for its team (bolt's
  ``InstallationStoreAuthorize``), rotated through ``oauth.v2.access`` when Slack issued
  a refresh token and the token expires within ``TOKEN_ROTATION_MINUTES``;
- each installed team is its own workspace (its team id); installing creates it, named
  after the team;
- ``app_uninstalled`` / ``tokens_revoked`` delete the team's tokens.

The stores are slack_sdk's ``SQLAlchemyInstallationStore`` and
``SQLAlchemyOAuthStateStore`` on the app's engine (SQLite or PostgreSQL); their tables are
created by migration 0008 (:mod:`memory.models.slack`), never by the stores.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from sqlalchemy import Engine

    from agent.settings import Settings

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600
TOKEN_ROTATION_MINUTES = 120  # refresh a rotating token when it expires within this


class KolpilotOAuthFlow(OAuthFlow):
    """bolt's flow, plus a hook once an installation is stored (kolpilot names the workspace)."""

    on_installed: Callable[[Installation], None] | None = None

    def store_installation(self, request: BoltRequest, installation: Installation) -> None:
        super().store_installation(request, installation)
        log.info("installed in Slack team %s", installation.team_id or installation.enterprise_id)
        if self.on_installed is not None:
            try:
                self.on_installed(installation)
            except Exception as exc:  # noqa: BLE001 - the installation is stored; naming is cosmetic
                log.warning("could not name the new workspace: %s", type(exc).__name__)


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    """slack_sdk's SQLAlchemy installation store on kolpilot's engine (tables from migration 0008)."""
    assert settings.slack_client_id, "OAuth mode needs KOLPILOT_SLACK_CLIENT_ID"
    return SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine, logger=log)


def build_oauth_flow(settings: Settings, engine: Engine, client: WebClient,
                     store: SQLAlchemyInstallationStore) -> KolpilotOAuthFlow:
    """The OAuth flow for ``settings`` (OAuth mode), speaking to Slack through ``client``."""
    assert settings.slack_client_id and settings.slack_client_secret, "OAuth mode needs the client id and secret"
    oauth_settings = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(settings.slack_scopes),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,  # /slack/install *is* the "Add to Slack" link: redirect at once
        installation_store=store,
        token_rotation_expiration_minutes=TOKEN_ROTATION_MINUTES,
        state_store=SQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine, logger=log),
        state_expiration_seconds=STATE_SECONDS,
        logger=log,
    )
    return KolpilotOAuthFlow(client=client, logger=log, settings=oauth_settings)
