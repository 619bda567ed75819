"""Building kolpilot's bolt App from Settings + Runtime + an agent factory.

- One ``WebClient`` on ``settings.slack_api_url`` with retry handlers for HTTP 429
  (waits ``Retry-After``) and connection errors.
- Request signatures verified (HTTP mode; bad or older than 5 minutes → 401), the bot's
  own events ignored (bolt's ``ignoring_self_events``), other bots ignored by the
  listeners.
- HTTP mode: the server checks the signature on the raw body before anything parses it
  (:attr:`SlackApp.verifier`); bolt checks it again.
- Events deduplicated on their ``event_id`` in the database (:mod:`dedupe`), so a
  Slack retry — even one landing on another instance — runs once; slash commands and
  interactive payloads on the hash of their signed request, so a replay runs once too.
- Listeners hand work to a bounded background :class:`Worker`; Slack gets its
  acknowledgement in milliseconds.
- Two ways to be installed. Single-token mode (``KOLPILOT_SLACK_BOT_TOKEN``): the token's
  team is bound to ``KOLPILOT_WORKSPACE`` (default ``local``), the workspace the CLI uses.
  OAuth mode (``KOLPILOT_SLACK_CLIENT_ID`` + ``_SECRET``, :mod:`oauth`): "Add to Slack"
  for any number of teams, each its own workspace, each answered with its own token.
- Channel threads kolpilot is in are tracked in the database (:mod:`threads`), so
  follow-ups there need no mention.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from slack_bolt import App, BoltContext
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.error import BoltError
from slack_bolt.oauth import OAuthFlow
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from integrations.slack import listeners
from integrations.slack.context import BINDING_KEY, AccessPolicy, WorkspaceBinding
from integrations.slack.dedupe import (
    REQUEST_SOURCE,
    REQUEST_WINDOW,
    DeduplicationMiddleware,
    EventDeduplicator,
)
from integrations.slack.pacing import ChannelPacer
from integrations.slack.replies import Responder
from integrations.slack.services import AgentFactory, SlackServices
from integrations.slack.threads import ThreadRegistry
from integrations.slack.worker import AckGate, Worker
from memory.errors import UserError

if TYPE_CHECKING:
    from agent.runtime import Runtime
    from agent.settings import Settings
    from agent.turn import Agent

log = logging.getLogger(__name__)

Mode = Literal["http", "socket"]


class InlineExecutor(Executor):
    """Runs bolt's listeners in the thread that dispatches the request.

    kolpilot's listeners only build a context and hand work to the :class:`Worker`, so a
    second thread pool between bolt and the worker would only add thread switches (and
    GIL contention) to every acknowledgement. It also lets bolt see ``ack()`` of commands
    and clicks at once instead of polling for it every 10 ms.
    """

    def submit(self, fn: Callable, /, *args: object, **kwargs: object) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future


def build_web_client(settings: Settings, *, retries: int = 3, timeout: int = 30, token: str | None = None) -> WebClient:
    """The Web API client: ``slack_api_url``, the bot token (``token``, else the configured
    one — in OAuth mode only used outside requests, e.g. reminders), retries on 429 and
    connection errors."""
    base = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
    if token is None:
        token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=base,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=retries),
            # Sleeps for the Retry-After seconds Slack sends with a 429, then tries again.
            RateLimitErrorRetryHandler(max_retry_count=retries),
        ],
    )


def check_credentials(settings: Settings, mode: Mode) -> None:
    """Raise a one-line UserError naming the missing setting(s) for ``mode``.

    OAuth mode (client id + secret) needs no bot token: each team's comes from its installation.
    """
    missing = []
    if settings.slack_bot_token is None and not settings.slack_oauth:
        missing.append("KOLPILOT_SLACK_BOT_TOKEN (xoxb-…)")
    if mode == "http" and settings.slack_signing_secret is None:
        missing.append("KOLPILOT_SLACK_SIGNING_SECRET")
    if mode == "socket" and settings.slack_app_token is None:
        missing.append("KOLPILOT_SLACK_APP_TOKEN (xapp-… with connections:write)")
    if missing:
        raise UserError(f"Slack is not configured: set {' and '.join(missing)} (see docs/slack.md).")


@dataclass
class SlackApp:
    """The bolt App plus the services behind it; ``close`` drains the background work."""

    bolt: App
    services: SlackServices
    deduplicator: EventDeduplicator
    gate: AckGate
    request_deduplicator: EventDeduplicator | None = None
    verifier: SignatureVerifier | None = None  # None without a signing secret (Socket Mode)
    oauth_flow: OAuthFlow | None = None  # OAuth mode ("Add to Slack"): /slack/install, /slack/oauth_redirect

    @property
    def worker(self) -> Worker:
        return self.services.worker

    @property
    def client(self) -> WebClient:
        return self.bolt.client

    def close(self, *, timeout: float = 30.0) -> None:
        """Stop taking new work and let running turns finish (bounded by ``timeout``)."""
        self.services.worker.shutdown(wait=True, timeout=timeout)
        self.services.notices.shutdown(wait=True)


def build_app(
    settings: Settings,
    runtime: Runtime,
    agent_factory: AgentFactory | None = None,
    *,
    mode: Mode = "http",
    worker: Worker | None = None,
    pacer: ChannelPacer | None = None,
    max_workers: int = 8,
    token_verification_enabled: bool = True,
) -> SlackApp:
    """Build kolpilot's Slack app.

    ``agent_factory`` defaults to :func:`agent.factory.build_agent` (the LLM agent when a
    model is configured, else the offline planner). ``token_verification_enabled`` calls
    ``auth.test`` now, failing fast on a bad token; with it off (tests), bolt calls
    ``auth.test`` on the first request instead.
    """
    check_credentials(settings, mode)
    if agent_factory is None:
        from agent.factory import build_agent

        def agent_factory() -> Agent:
            return build_agent(runtime)

    client = build_web_client(settings)
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    oauth_flow = None
    oauth_kwargs: dict = {}
    if settings.slack_oauth:
        from integrations.slack.oauth import build_oauth_flow, installation_store

        store = installation_store(settings, runtime.engine)
        oauth_flow = build_oauth_flow(settings, runtime.engine, client, store)
        oauth_flow.on_installed = lambda inst: runtime.ensure_workspace(str(inst.team_id or inst.enterprise_id))
        # The authorizer on *our* client, so token rotation (oauth.v2.access) goes to
        # slack_api_url like every other call; cached per token, so a team's events do not
        # each pay an auth.test round trip inside Slack's 3-second window.
        authorize = InstallationStoreAuthorize(
            logger=log, installation_store=store, client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value() if settings.slack_client_secret else None,
            token_rotation_expiration_minutes=oauth_flow.settings.token_rotation_expiration_minutes,
            cache_enabled=True, client=client,
        )
        oauth_kwargs = {"installation_store": store, "oauth_flow": oauth_flow, "authorize": authorize}
    try:
        bolt = App(
            name="kolpilot",
            client=client,
            signing_secret=secret,
            token_verification_enabled=token_verification_enabled,
            request_verification_enabled=True,
            ignoring_self_events_enabled=True,
            listener_executor=InlineExecutor(),
            **oauth_kwargs,
        )
    except BoltError as exc:
        raise UserError(f"Slack rejected the bot token: {str(exc).splitlines()[0]}") from None
    if oauth_flow is not None:
        bolt.enable_token_revocation_listeners()  # app_uninstalled / tokens_revoked delete the team's tokens
    binding = WorkspaceBinding(None if settings.slack_oauth else settings.workspace)

    def bind_workspace(context: BoltContext, next: Callable[[], None]) -> None:  # noqa: A002 - bolt's name
        context[BINDING_KEY] = binding
        next()

    bolt.use(bind_workspace)

    # Touch the engine now: the first Slack delivery must not pay for connecting and
    # checking migrations while Slack's 3-second clock runs.
    dedup = EventDeduplicator(runtime.engine)
    requests = EventDeduplicator(runtime.engine, source=REQUEST_SOURCE, keep_for=REQUEST_WINDOW)
    threads = ThreadRegistry(runtime.engine)
    try:
        dedup.prune()
        requests.prune()
        threads.prune()
    except Exception as exc:  # noqa: BLE001 - housekeeping must not stop the app from starting
        log.warning("could not prune processed events: %s", type(exc).__name__)
    bolt.use(DeduplicationMiddleware(dedup, requests))

    gate = AckGate()
    services = SlackServices(
        settings=settings,
        runtime=runtime,
        agent_factory=agent_factory,
        worker=worker or Worker(max_workers=max_workers, gate=gate),
        responder=Responder(client, pacer or ChannelPacer()),
        policy=AccessPolicy.from_lists(settings.slack_allowed_channels, settings.slack_allowed_users),
        binding=binding,
        threads=threads,
        client_for_token=(lambda token: build_web_client(settings, token=token)) if oauth_flow is not None else None,
    )
    listeners.register(bolt, services)
    verifier = SignatureVerifier(secret) if secret.strip() else None
    return SlackApp(bolt=bolt, services=services, deduplicator=dedup, gate=gate, request_deduplicator=requests,
                    verifier=verifier, oauth_flow=oauth_flow)

