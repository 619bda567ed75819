"""A scripted OpenAI-compatible chat server for tests and benchmarks.

The real ``openai`` client and ``langchain_openai.ChatOpenAI`` talk to it over HTTP on
127.0.0.1 (ephemeral port, background thread). ``POST /v1/chat/completions`` plays a list
of steps in order, one per request:

- ``tool_call(name, arguments)`` / ``tool_calls(call, call, ...)``: the assistant asks
  for tool calls; ``arguments`` is a dict (sent as JSON) or a raw string (e.g. malformed
  JSON);
- ``final(text)``: the assistant answers;
- ``error(status, retry_after=..., body=...)``: an HTTP error (429, 500, ...);
- ``delay(seconds, then=step)``: sleep, then answer with ``then`` (timeouts);
- ``content_filter(text)``: ``finish_reason="content_filter"``.

Streaming requests (``"stream": true``) get Server-Sent-Event chunks, with a usage chunk
when ``stream_options.include_usage`` is set. Every request is recorded (messages, tools,
headers, arrival time) for assertions; ``assert_all_steps_used()`` fails if a scripted
step was never requested. ``responder=`` replaces the script with a function of the
request (benchmarks: answer instantly, forever).

Usage::

    with ScriptedLLM([tool_call("search_creators", {"niche": "skincare"}), final("Done")]) as llm:
        settings = Settings(llm_base_url=llm.base_url, llm_api_key="test")
        ...
        assert llm.requests[1].messages[-1]["role"] == "tool"
        llm.assert_all_steps_used()
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

__all__ = [
    "ContentFilter", "Delay", "ErrorStep", "Final", "RecordedRequest", "ScriptedLLM", "Step", "ToolCall",
    "ToolCalls", "content_filter", "delay", "error", "final", "scripted_llm_fixture", "tool_call", "tool_calls",
]


# --- steps ----------------------------------------------------------------------------------
@dataclass
class ToolCall:
    """One tool call the assistant makes. ``arguments`` as a str is sent verbatim."""

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)
    id: str | None = None


@dataclass
class ToolCalls:
    """An assistant message with one or more tool calls (and optional text)."""

    calls: list[ToolCall]
    content: str | None = None
    usage: tuple[int, int] | None = None  # (prompt_tokens, completion_tokens) override


@dataclass
class Final:
    """An assistant message with text and no tool calls."""

    text: str
    usage: tuple[int, int] | None = None


@dataclass
class ContentFilter:
    """A response stopped by the provider's content filter."""

    text: str = ""
    usage: tuple[int, int] | None = None


@dataclass
class ErrorStep:
    """An HTTP error response."""

    status: int
    body: dict[str, Any] | str | None = None
    retry_after: float | str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Delay:
    """Sleep ``seconds`` before answering with ``then`` (a client timeout abandons it)."""

    seconds: float
    then: Step | None = None


Step = ToolCalls | Final | ContentFilter | ErrorStep | Delay


def tool_call(name: str, arguments: dict[str, Any] | str | None = None, *, id: str | None = None,
              content: str | None = None, usage: tuple[int, int] | None = None) -> ToolCalls:
    """A step with a single tool call."""
    return ToolCalls([ToolCall(name, {} if arguments is None else arguments, id)], content=content, usage=usage)


def tool_calls(*calls: ToolCall | tuple[str, dict[str, Any] | str], content: str | None = None,
               usage: tuple[int, int] | None = None) -> ToolCalls:
    """A step with several tool calls in one assistant message (parallel tool calls)."""
    items = [c if isinstance(c, ToolCall) else ToolCall(c[0], c[1]) for c in calls]
    return ToolCalls(items, content=content, usage=usage)


def final(text: str, *, usage: tuple[int, int] | None = None) -> Final:
    return Final(text, usage)


def content_filter(text: str = "", *, usage: tuple[int, int] | None = None) -> ContentFilter:
    return ContentFilter(text, usage)


def error(status: int, *, retry_after: float | str | None = None, body: dict[str, Any] | str | None = None,
          headers: dict[str, str] | None = None) -> ErrorStep:
    return ErrorStep(status, body, retry_after, dict(headers or {}))


def delay(seconds: float, then: Step | None = None) -> Delay:
    return Delay(seconds, then if then is not None else Final("(after delay)"))


# --- recording ------------------------------------------------------------------------------
@dataclass
class RecordedRequest:
    """One request the server received."""

    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    received_at: float  # time.monotonic()
    step_index: int | None  # which scripted step answered (None: responder or no step left)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def tools(self) -> list[dict[str, Any]]:
        return list(self.body.get("tools") or [])

    @property
    def tool_names(self) -> list[str]:
        return [t.get("function", {}).get("name", "") for t in self.tools]

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))

    def text(self) -> str:
        """Every message's content joined (for "does the prompt contain ..." checks)."""
        parts = []
        for m in self.messages:
            c = m.get("content")
            if isinstance(c, list):
                parts.extend(str(b.get("text", "")) for b in c if isinstance(b, dict))
            elif c:
                parts.append(str(c))
        return "\n".join(parts)


# --- the server -----------------------------------------------------------------------------
def _estimate_tokens(obj: Any) -> int:
    # Roughly 4 characters per token, like English text through a BPE tokenizer.
    return max(1, len(json.dumps(obj, ensure_ascii=False)) // 4)


class ScriptedLLM:
    """The server; a context manager. See the module docstring."""

    def __init__(
        self,
        steps: list[Step] | None = None,
        *,
        responder: Callable[[dict[str, Any]], Step] | None = None,
        record: bool = True,
        model: str = "scripted-model",
    ) -> None:
        self.steps: list[Step] = list(steps or [])
        self.responder = responder
        self.record = record
        self.model = model
        self.requests: list[RecordedRequest] = []
        self._next = 0
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> ScriptedLLM:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="scripted-llm", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> ScriptedLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL (``http://127.0.0.1:<port>/v1``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    # script
    def add(self, *steps: Step) -> None:
        """Append steps to the script."""
        with self._lock:
            self.steps.extend(steps)

    @property
    def unused_steps(self) -> list[Step]:
        with self._lock:
            return self.steps[self._next:]

    def assert_all_steps_used(self) -> None:
        """Fail if the client did not request every scripted step."""
        left = self.unused_steps
        if left:
            raise AssertionError(f"{len(left)} scripted LLM step(s) never requested: {left!r}")

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def _take(self, body: dict[str, Any]) -> tuple[Step | None, int | None]:
        if self.responder is not None:
            return self.responder(body), None
        with self._lock:
            if self._next >= len(self.steps):
                return None, None
            idx = self._next
            self._next += 1
            return self.steps[idx], idx

    def _record(self, req: RecordedRequest) -> None:
        if self.record:
            with self._lock:
                self.requests.append(req)

    # responses
    def completion(self, step: ToolCalls | Final | ContentFilter, body: dict[str, Any]) -> dict[str, Any]:
        """The ``chat.completion`` object for a step."""
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
        if isinstance(step, ToolCalls):
            message["content"] = step.content
            message["tool_calls"] = [self._tool_call_json(c) for c in step.calls]
            finish = "tool_calls"
        elif isinstance(step, ContentFilter):
            message["content"] = step.text
            finish = "content_filter"
        else:
            message["content"] = step.text
            finish = "stop"
        if step.usage is not None:
            prompt_tokens, completion_tokens = step.usage
        else:
            prompt_tokens = _estimate_tokens(body.get("messages", []))
            if body.get("tools"):
                prompt_tokens += _estimate_tokens(body["tools"])
            completion_tokens = _estimate_tokens(message)
        return {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", self.model),
            "system_fingerprint": "fp_scripted",
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }

    def _tool_call_json(self, call: ToolCall) -> dict[str, Any]:
        args = call.arguments if isinstance(call.arguments, str) else json.dumps(call.arguments)
        return {"id": call.id or f"call_{next(self._ids)}", "type": "function",
                "function": {"name": call.name, "arguments": args}}

    def chunks(self, completion: dict[str, Any], include_usage: bool) -> Iterator[dict[str, Any]]:
        """The SSE chunk objects that stream ``completion`` the way OpenAI does."""
        base = {k: completion[k] for k in ("id", "created", "model", "system_fingerprint")}
        base["object"] = "chat.completion.chunk"
        choice = completion["choices"][0]
        msg = choice["message"]

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}

        yield chunk({"role": "assistant", "content": "", "refusal": None})
        text = msg.get("content") or ""
        for i in range(0, len(text), 16):
            yield chunk({"content": text[i:i + 16]})
        for idx, tc in enumerate(msg.get("tool_calls") or []):
            yield chunk({"tool_calls": [{"index": idx, "id": tc["id"], "type": "function",
                                         "function": {"name": tc["function"]["name"], "arguments": ""}}]})
            args = tc["function"]["arguments"]
            for i in range(0, len(args), 24):
                yield chunk({"tool_calls": [{"index": idx, "function": {"arguments": args[i:i + 24]}}]})
        yield chunk({}, choice["finish_reason"])
        if include_usage:
            yield {**base, "choices": [], "usage": completion["usage"]}


def _make_handler(server: ScriptedLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like real providers
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm
        # and the client's delayed ACK add ~40 ms to every response on loopback.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr logging
            pass

        def do_GET(self) -> None:  # noqa: N802
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": server.model, "object": "model", "owned_by": "test"}]})
            else:
                self._json(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                self._json(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
                return
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._json(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})
                return
            step, idx = server._take(body)
            server._record(RecordedRequest(self.path, body, dict(self.headers.items()), time.monotonic(), idx))
            if step is None:
                self._json(500, {"error": {"message": "scripted LLM: no step left for this request",
                                           "type": "server_error"}}, extra={"x-should-retry": "false"})
                return
            self._answer(step, body)

        def _answer(self, step: Step, body: dict[str, Any]) -> None:
            while isinstance(step, Delay):
                time.sleep(step.seconds)
                step = step.then or Final("")
            if isinstance(step, ErrorStep):
                payload = step.body if step.body is not None else {
                    "error": {"message": f"scripted error {step.status}",
                              "type": "rate_limit_error" if step.status == 429 else "server_error", "code": None}}
                extra = dict(step.headers)
                if step.retry_after is not None:
                    extra["Retry-After"] = str(step.retry_after)
                if isinstance(payload, str):
                    self._send(step.status, payload.encode(), "text/plain", extra)
                else:
                    self._json(step.status, payload, extra)
                return
            completion = server.completion(step, body)
            if body.get("stream"):
                include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
                self._sse(server.chunks(completion, include_usage))
            else:
                self._json(200, completion)

        def _json(self, status: int, obj: Any, extra: dict[str, str] | None = None) -> None:
            self._send(status, json.dumps(obj).encode(), "application/json", extra)

        def _send(self, status: int, data: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout): nothing to answer

        def _sse(self, chunks: Iterator[dict[str, Any]]) -> None:
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                for c in chunks:
                    self.wfile.write(f"data: {json.dumps(c)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

    return Handler


@pytest.fixture(name="scripted_llm")
def scripted_llm_fixture() -> Iterator[ScriptedLLM]:
    """A running ScriptedLLM with an empty script (``scripted_llm.add(...)`` steps).

    Import it into a test module (``from tests.fakes.scripted_llm import
    scripted_llm_fixture  # noqa: F401``) and request ``scripted_llm``. At teardown the
    test errors if a scripted step was never requested.
    """
    with ScriptedLLM() as server:
        yield server
        server.assert_all_steps_used()
