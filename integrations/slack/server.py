"""Serving the Slack app: HTTP (uvicorn + Starlette) or Socket Mode.

HTTP mode — ``kolpilot slack serve --port P``:

- ``POST /slack/events``: Events API, slash commands and interactivity (one Request URL
  for all three in the manifest);
- ``GET /healthz``: liveness plus the background worker's load.

bolt's ``dispatch`` is synchronous (it verifies the signature, claims the event id in the
database and acknowledges), so it runs on a small thread pool rather than on the event
loop: one slow database write must not hold up every other acknowledgement.

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
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from integrations.slack.app import SlackApp

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY_BYTES = 1_000_000  # Slack payloads are a few KB; anything huge is not Slack.


def create_asgi_app(slack: SlackApp, *, path: str = EVENTS_PATH, dispatch_threads: int = 4) -> Starlette:
    """The ASGI application serving ``slack`` (events, commands, interactions, health).

    ``dispatch_threads``: bolt's synchronous dispatch runs on a small dedicated pool. Few
    threads on purpose: dispatch takes well under a millisecond of CPU, and with the GIL a
    large pool only adds contention (measured: p99 acknowledgement of 100 simultaneous
    events roughly halves against Starlette's default 40-thread pool).
    """
    pool = ThreadPoolExecutor(max_workers=dispatch_threads, thread_name_prefix="kolpilot-dispatch")

    async def events(request: Request) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return Response(status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return Response(status_code=413)
        loop = asyncio.get_running_loop()
        with slack.gate.acknowledging():
            bolt_response = await loop.run_in_executor(pool, slack.bolt.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"ok": True, "worker": slack.worker.stats()})

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        # Shutting down: stop accepting turns, let running ones post their answers.
        await run_in_threadpool(slack.close)
        pool.shutdown(wait=False)

    return Starlette(
        routes=[Route(path, events, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])],
        lifespan=lifespan,
    )


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
