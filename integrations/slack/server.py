"""Serving the Slack app: HTTP (uvicorn + Starlette) or Socket Mode.

HTTP mode — ``kolpilot slack serve --port P``:

- ``POST /slack/events``: Events API, slash commands and interactivity (one Request URL
  for all three in the manifest);
- ``GET /healthz``: liveness plus the background worker's load;
- OAuth mode ("Add to Slack", :mod:`integrations.slack.oauth`): ``GET /slack/install``
  (state cookie, redirect to Slack) and ``GET /slack/oauth_redirect`` (stores the
  installation). These are visited by browsers, so they carry no Slack signature.

Each POST is checked in this order, so nothing unauthenticated is ever parsed:

1. size (413 over ``MAX_BODY_BYTES``);
2. the ``X-Slack-Signature`` HMAC over the raw bytes and the 5-minute timestamp window
   (``slack_sdk.signature.SignatureVerifier``) → 401 if missing, wrong or expired (or
   the body is not UTF-8, which the verifier cannot check and Slack never sends);
3. parsing into a ``BoltRequest`` (slack-bolt parses in its constructor, before its own
   verification middleware could run) → 400 if a signed body is not JSON or a form
   Slack would send;
4. bolt's ``dispatch``: bolt's own signature check, then the database dedup (event id, or
   the hash of the signed request for commands and clicks; a replay gets 200 and no
   action), then the listeners.

Rejections log one line at most — never the body, never a traceback.

bolt's ``dispatch`` is synchronous (it claims the delivery in the database and
acknowledges), so it runs on a small thread pool rather than on the event loop: one
slow database write must not hold up every other acknowledgement.

Socket Mode — ``kolpilot slack socket``: no public URL needed; bolt's built-in Socket Mode
client connects out to Slack with the app-level token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from integrations.slack.app import SlackApp
from memory.errors import UserError

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1_000_000  # Slack payloads are a few KB; anything huge is not Slack.


def is_signed(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> bool:
    """True if ``body`` carries Slack's valid, unexpired v0 signature (no parsing involved)."""
    try:
        return verifier.is_valid_request(body, headers)
    # A timestamp that is not an integer; a body that is not UTF-8 (Slack signs UTF-8 text,
    # and the SDK verifier decodes before hashing, so such a body is unverifiable).
    except (ValueError, TypeError):
        return False


def parse_request(request: Request, body: bytes) -> BoltRequest | None:
    """The BoltRequest of a signed body, or None if it is not something Slack sends."""
    try:
        bolt_request = to_bolt_request(request, body)
    # What parsing a hostile body can raise: bad UTF-8/JSON (ValueError), JSON that is not
    # an object (AttributeError/TypeError in bolt's context extraction), odd nesting.
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError):
        return None
    return bolt_request if isinstance(bolt_request.body, dict) else None


def create_asgi_app(slack: SlackApp, *, path: str = EVENTS_PATH, dispatch_threads: int = 4) -> Starlette:
    """The ASGI application serving ``slack`` (events, commands, interactions, health).

    ``dispatch_threads``: bolt's synchronous dispatch runs on a small dedicated pool. Few
    threads on purpose: dispatch takes well under a millisecond of CPU, and with the GIL a
    large pool only adds contention (measured: p99 acknowledgement of 100 simultaneous
    events roughly halves against Starlette's default 40-thread pool).
    """
    verifier = slack.verifier
    if verifier is None:
        raise UserError("Slack HTTP mode needs KOLPILOT_SLACK_SIGNING_SECRET (see docs/slack.md).")
    pool = ThreadPoolExecutor(max_workers=dispatch_threads, thread_name_prefix="kolpilot-dispatch")

    async def events(request: Request) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return Response(status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return Response(status_code=413)
        if not is_signed(verifier, body, request.headers):
            log.info("rejected a Slack request without a valid, current signature (401)")
            return Response(status_code=401)
        bolt_request = parse_request(request, body)
        if bolt_request is None:
            log.warning("rejected a signed Slack request whose body does not parse (400)")
            return Response(status_code=400)
        loop = asyncio.get_running_loop()
        with slack.gate.acknowledging():
            bolt_response = await loop.run_in_executor(pool, slack.bolt.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"ok": True, "worker": slack.worker.stats()})

    flow = slack.oauth_flow

    async def install(request: Request) -> Response:
        # A browser, not Slack: nothing to verify. The flow stores a state (database) and
        # sets it as a cookie, then redirects to Slack's authorize page.
        assert flow is not None
        bolt_request = to_bolt_request(request, b"")
        return to_starlette_response(await asyncio.get_running_loop().run_in_executor(
            pool, flow.handle_installation, bolt_request))

    async def oauth_redirect(request: Request) -> Response:
        # Slack sends the browser back with ?code&state: the flow checks the state against
        # the cookie and the database (single use), exchanges the code, stores the installation.
        assert flow is not None
        bolt_request = to_bolt_request(request, b"")
        return to_starlette_response(await asyncio.get_running_loop().run_in_executor(
            pool, flow.handle_callback, bolt_request))

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        # Shutting down: stop accepting turns, let running ones post their answers.
        await run_in_threadpool(slack.close)
        pool.shutdown(wait=False)

    routes = [Route(path, events, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])]
    if flow is not None:
        routes += [Route(flow.install_path, install, methods=["GET"]),
                   Route(flow.redirect_uri_path, oauth_redirect, methods=["GET"])]
    return Starlette(routes=routes, lifespan=lifespan)


def serve_http(slack: SlackApp, *, host: str = "127.0.0.1", port: int = 3000, log_level: str = "warning") -> None:
    """Serve HTTP mode with uvicorn until interrupted (SIGINT/SIGTERM shut down gracefully)."""
    import uvicorn

    config = uvicorn.Config(
        create_asgi_app(slack),
        host=host,
        port=port,
        log_level=log_level.lower(),
        access_log=False,  # paths only, but noisy; errors still logged
        lifespan="on",
        timeout_graceful_shutdown=30,
        server_header=False,
    )
    uvicorn.Server(config).run()


def serve_socket(slack: SlackApp, app_token: str) -> None:
    """Run Socket Mode until interrupted."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(slack.bolt, app_token, web_client=slack.client)
    try:
        handler.start()
    finally:
        slack.close()


@dataclass
class BackgroundServer:
    """A uvicorn server in a daemon thread on an already-bound socket (tests, benchmarks)."""

    url: str
    server: object
    thread: threading.Thread

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True  # type: ignore[attr-defined]
        self.thread.join(timeout)


def start_background(asgi_app: Starlette, *, host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 10.0) -> BackgroundServer:
    """Start ``asgi_app`` under uvicorn in a thread; returns once it accepts connections."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    config = uvicorn.Config(asgi_app, log_level="warning", access_log=False, lifespan="on", backlog=512)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="kolpilot-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    if not server.started:
        server.should_exit = True
        raise RuntimeError("uvicorn did not start")
    bound_host, bound_port = sock.getsockname()[:2]
    return BackgroundServer(url=f"http://{bound_host}:{bound_port}", server=server, thread=thread)
