"""A fake OpenAI-compatible HTTP API for tests (127.0.0.1 only, no network).

Usage::

    with FakeOpenAIServer(dimension=8, api_key="sk-test") as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
        client.embeddings.create(model="text-embedding-3-small", input=["hi"])
        assert server.requests[0].path == "/v1/embeddings"

See :class:`FakeOpenAIServer` for routing, error injection and extension.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import struct
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeOpenAIServer", "FakeResponse", "RecordedRequest", "Handler", "openai_error"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str  # without the query string, e.g. "/v1/embeddings"
    headers: dict[str, str]  # header names lower-cased
    body: Any  # parsed JSON, or None when the body was empty or not JSON
    raw_body: bytes = b""
    query: str = ""


@dataclass
class FakeResponse:
    """What a route handler returns: a status, a JSON-serialisable body and extra headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[RecordedRequest], FakeResponse]


def openai_error(
    status: int, message: str, *, type_: str | None = None, code: str | None = None
) -> FakeResponse:
    """An error response in OpenAI's shape: ``{"error": {"message", "type", "param", "code"}}``."""
    default_type = {400: "invalid_request_error", 401: "invalid_request_error", 404: "invalid_request_error"}
    body = {
        "error": {
            "message": message,
            "type": type_ or default_type.get(status, "server_error"),
            "param": None,
            "code": code,
        }
    }
    return FakeResponse(status=status, body=body)


class FakeOpenAIServer:
    """Fake OpenAI-compatible server running in a background thread on an ephemeral port.

    * ``base_url`` is ``http://127.0.0.1:<port>/v1`` - pass it to ``openai.OpenAI``.
    * ``requests`` records every request (method, path, lower-cased headers, JSON body)
      in arrival order; :meth:`requests_to` filters by path.
    * Use as a context manager, or call :meth:`start` / :meth:`stop`.

    Routing is table-driven: ``routes`` maps ``(METHOD, path)`` to a handler
    ``Callable[[RecordedRequest], FakeResponse]``. Built in:

    ========  =================  ==========================================
    method    path               handler
    ========  =================  ==========================================
    POST      /v1/embeddings     :meth:`handle_embeddings`
    ========  =================  ==========================================

    To add an endpoint (e.g. scripted ``/v1/chat/completions`` steps), either
    call ``server.add_route("POST", "/v1/chat/completions", handler)`` or
    subclass and extend ``routes`` in ``__init__``. Unknown routes get an
    OpenAI-style 404.

    Before routing, each request goes through two checks, in order:

    1. queued failures from :meth:`fail_next` (e.g. a 500 for the next call);
    2. when ``api_key`` is set, ``Authorization: Bearer <api_key>`` is required
       (401 ``invalid_api_key`` otherwise), like the real API.

    Embeddings are deterministic: :meth:`vector_for` derives a unit vector
    from the sha256 of the text, so tests can compute expected results.
    Like OpenAI, the endpoint rejects empty-string inputs with a 400 (turn off
    with ``reject_empty_input=False``), honours ``dimensions`` and answers in
    float lists or base64 float32 per ``encoding_format`` (the ``openai``
    client asks for base64 by default).
    """

    def __init__(
        self,
        *,
        dimension: int = 8,
        api_key: str | None = None,
        reject_empty_input: bool = True,
    ) -> None:
        self.dimension = dimension
        self.api_key = api_key
        self.reject_empty_input = reject_empty_input
        self.requests: list[RecordedRequest] = []
        self.routes: dict[tuple[str, str], Handler] = {
            ("POST", "/v1/embeddings"): self.handle_embeddings,
        }
        self._failures: deque[tuple[str | None, FakeResponse]] = deque()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # -- lifecycle -------------------------------------------------------

    def start(self) -> FakeOpenAIServer:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        if self._httpd is not None:
            return self
        server = self

        class _RequestHandler(_Handler):
            fake = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _RequestHandler)
        self._httpd.daemon_threads = True
        host, port = self._httpd.server_address[:2]
        self.base_url = f"http://{host}:{port}/v1"
        # A short poll interval keeps stop() fast (shutdown waits for the next poll).
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- configuration ---------------------------------------------------

    def add_route(self, method: str, path: str, handler: Handler) -> None:
        """Register (or replace) the handler for ``method`` + ``path``."""
        self.routes[(method.upper(), path)] = handler

    def fail_next(
        self, status: int, message: str = "injected failure", *, path: str | None = None, times: int = 1
    ):
        """Answer the next ``times`` requests (to ``path``, or to any path) with an OpenAI-style error."""
        with self._lock:
            for _ in range(times):
                self._failures.append((path, openai_error(status, message)))

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """Recorded requests whose path equals ``path``."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # -- request processing ---------------------------------------------

    def dispatch(self, request: RecordedRequest) -> FakeResponse:
        """Record ``request`` and produce its response (failures, auth, then the route table)."""
        with self._lock:
            self.requests.append(request)
            for i, (path, response) in enumerate(self._failures):
                if path is None or path == request.path:
                    del self._failures[i]
                    return response
        if self.api_key is not None and request.headers.get("authorization") != f"Bearer {self.api_key}":
            return openai_error(401, "Incorrect API key provided.", code="invalid_api_key")
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            return openai_error(404, f"Unknown route {request.method} {request.path}", code="unknown_url")
        return handler(request)

    @staticmethod
    def vector_for(text: str, dimension: int = 8) -> list[float]:
        """Deterministic unit vector for ``text`` (values exactly representable in float32)."""
        rng = random.Random(hashlib.sha256(text.encode("utf-8")).digest())
        raw = [rng.gauss(0.0, 1.0) for _ in range(dimension)]
        norm = sum(v * v for v in raw) ** 0.5 or 1.0
        # Round-trip through float32 so float and base64 responses carry identical values.
        return list(struct.unpack(f"<{dimension}f", struct.pack(f"<{dimension}f", *(v / norm for v in raw))))

    def handle_embeddings(self, request: RecordedRequest) -> FakeResponse:
        """``POST /v1/embeddings`` in the real response shape."""
        body = request.body if isinstance(request.body, dict) else None
        if body is None or "input" not in body or "model" not in body:
            return openai_error(400, "Request body must be JSON with 'model' and 'input'.")
        inputs = body["input"]
        if isinstance(inputs, str):
            inputs = [inputs]
        if not isinstance(inputs, list) or not inputs or not all(isinstance(t, str) for t in inputs):
            return openai_error(400, "'input' must be a non-empty string or array of strings.")
        if self.reject_empty_input and any(t == "" for t in inputs):
            return openai_error(400, "'$.input' is invalid: empty strings are not allowed.")
        dimension = body.get("dimensions") or self.dimension
        as_base64 = body.get("encoding_format") == "base64"
        data = []
        for index, text in enumerate(inputs):
            vector = self.vector_for(text, dimension)
            embedding: Any = vector
            if as_base64:
                embedding = base64.b64encode(struct.pack(f"<{dimension}f", *vector)).decode("ascii")
            data.append({"object": "embedding", "index": index, "embedding": embedding})
        tokens = sum(max(1, len(t.split())) for t in inputs)
        return FakeResponse(
            body={
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        )


class _Handler(BaseHTTPRequestHandler):
    """Adapts http.server to :meth:`FakeOpenAIServer.dispatch`."""

    fake: FakeOpenAIServer
    protocol_version = "HTTP/1.1"  # keep-alive like a real API; every response sets Content-Length

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        path, _, query = self.path.partition("?")
        request = RecordedRequest(
            method=self.command,
            path=path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=parsed,
            raw_body=raw,
            query=query,
        )
        try:
            response = self.fake.dispatch(request)
        except Exception as exc:  # noqa: BLE001 - a buggy handler should fail the request, not hang it
            response = openai_error(500, f"fake server handler crashed: {exc!r}")
        payload = json.dumps(response.body).encode("utf-8") if response.body is not None else b""
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Silence per-request stderr logging (tests inspect ``requests`` instead)."""
