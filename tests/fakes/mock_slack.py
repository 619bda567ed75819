"""A local mock of the Slack Web API for tests and benchmarks (in the style of
slack-bolt's own ``mock_web_api_server``).

A ``ThreadingHTTPServer`` on 127.0.0.1 (ephemeral port, background thread) that the real
``slack_sdk.WebClient`` talks to through ``base_url``. Every call is recorded (method,
merged params — form, query or JSON body — raw upload bytes, headers, time), and answered
the way Slack answers:

- ``auth.test``, ``chat.postMessage`` (unique ``ts`` per message), ``chat.update``,
  ``chat.postEphemeral``, ``assistant.threads.setStatus / setSuggestedPrompts / setTitle``,
  ``conversations.info``, ``conversations.replies``, ``users.info``;
- the ``files_upload_v2`` flow: ``files.getUploadURLExternal`` → ``POST /upload/<id>``
  (bytes recorded) → ``files.completeUploadExternal``;
- ``POST /response/<anything>``: a ``response_url`` (ephemeral replies of /kol and clicks);
- "Add to Slack": ``oauth_code(code, team_id=…)`` scripts an installation; ``oauth.v2.access``
  (HTTP Basic client id/secret) exchanges the code for a bot token of that team — a
  rotating one (``refresh_token``, ``expires_in``) with ``rotating=True`` — and refreshes
  rotating tokens (``grant_type=refresh_token``; the old token stops working). Each token
  acts as its team: ``auth.test`` answers with that team and bot user;
- shared files: ``add_file(name, content)`` registers one; ``files.info`` describes it and
  ``GET /files-pri/<id>/<name>`` (its ``url_private``) serves its bytes to bot tokens of the file's team only
  (anything else gets Slack's 302 to a login page, recorded as a ``download`` call).

Like Slack it refuses messages over the limits — more than 50 blocks, a section text over
3,000 characters, ``text`` over 40,000 characters — with ``invalid_blocks`` /
``msg_too_long``, and records them in ``violations``. It checks the bearer token.
``rate_limit_once(method, retry_after)`` answers the next call of ``method`` with HTTP 429
and ``Retry-After``; ``fail_next(method, error)`` answers it with ``ok: false``.

Tests wait with ``wait_for(predicate, timeout)`` (bounded polling of the recorded calls,
no fixed sleeps).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["BOT_ID", "BOT_USER_ID", "TEAM_ID", "Call", "MockSlack"]

TEAM_ID = "T0TEAM0001"
BOT_USER_ID = "U0KOLBOT01"
BOT_ID = "B0KOLBOT01"


@dataclass
class Call:
    """One recorded request."""

    method: str  # "chat.postMessage", "upload", "response_url"
    params: dict[str, Any]
    headers: dict[str, str]
    body: bytes = b""
    at: float = field(default_factory=time.monotonic)
    path: str = ""
    ok: bool = True
    error: str | None = None
    status: int = 200

    def blocks(self) -> list[dict[str, Any]]:
        raw = self.params.get("blocks")
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                return []
        return list(raw or [])

    def all_text(self) -> str:
        """Every text a user could see in this call (text, blocks, comments), joined."""
        parts = [str(self.params.get(k) or "") for k in ("text", "initial_comment", "title", "status")]
        parts.append(json.dumps(self.blocks(), ensure_ascii=False))
        return "\n".join(parts)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # listen() backlog: bursts of answers must not be reset


def _validate_message(params: dict[str, Any], blocks: list[dict[str, Any]]) -> str | None:
    text = params.get("text")
    if isinstance(text, str) and len(text) > 40_000:
        return "msg_too_long"
    if len(blocks) > 50:
        return "invalid_blocks"
    for b in blocks:
        if b.get("type") == "section":
            t = (b.get("text") or {}).get("text", "")
            fields = b.get("fields") or []
            # Like Slack: a section needs text or fields; at most 10 fields of 2,000 characters.
            if len(t) > 3000 or (len(t) == 0 and not fields):
                return "invalid_blocks"
            if len(fields) > 10 or any(len((f or {}).get("text", "")) > 2000 for f in fields):
                return "invalid_blocks"
        if b.get("type") == "actions" and len(b.get("elements") or []) > 25:
            return "invalid_blocks"
        if len(str(b.get("block_id", ""))) > 255:
            return "invalid_blocks"
        for el in b.get("elements") or []:
            if el.get("type") == "button":
                if len(el.get("value", "")) > 2000 or len((el.get("text") or {}).get("text", "")) > 75:
                    return "invalid_blocks"
    if len(json.dumps(blocks)) > 100_000:  # generous ceiling on the whole payload
        return "msg_too_long"
    return None


class MockSlack:
    """The mock server. Use as a context manager or call ``start()`` / ``stop()``."""

    def __init__(self, *, token: str = "xoxb-test-token", team_id: str = TEAM_ID, latency: float = 0.0) -> None:
        self.token = token
        self.team_id = team_id
        self.client_id = "1111.2222"
        self.client_secret = "test-client-secret"
        # token -> the team it acts for (auth.test); the constructor's token is the default team's.
        self.tokens: dict[str, dict[str, Any]] = {token: {"team_id": team_id, "team": "Test Team", "user_id": BOT_USER_ID,
                                                          "bot_id": BOT_ID}}
        self._codes: dict[str, dict[str, Any]] = {}
        self._refresh_tokens: dict[str, str] = {}  # refresh token -> the access token it replaces
        self._token_ids = itertools.count(1)
        self.latency = latency
        self.calls: list[Call] = []
        self.violations: list[Call] = []
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._rate_limits: dict[str, list[float]] = {}
        self._failures: dict[str, list[str]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.files: dict[str, dict[str, Any]] = {}

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> MockSlack:
        server = _Server(("127.0.0.1", 0), _make_handler(self))
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="mock-slack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> MockSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def root(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        """What to put in ``KOLPILOT_SLACK_API_URL``."""
        return self.root + "/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.root}/response/{name}"

    # --- scripting ----------------------------------------------------------------------------

    def rate_limit_once(self, method: str, retry_after: float = 1) -> None:
        """Answer the next call of ``method`` with 429 and ``Retry-After``."""
        with self._cond:
            self._rate_limits.setdefault(method, []).append(retry_after)

    def fail_next(self, method: str, error: str) -> None:
        """Answer the next call of ``method`` with ``{"ok": false, "error": error}``."""
        with self._cond:
            self._failures.setdefault(method, []).append(error)

    def add_file(self, name: str, content: bytes, *, user: str = "U0MARKETER1", size: int | None = None,
                 filetype: str | None = None, mimetype: str = "application/octet-stream",
                 team_id: str | None = None) -> dict[str, Any]:
        """Register a file shared in ``team_id`` (default: the constructor's team); returns its
        ``files.info`` object (``size`` may be overstated). Only that team's bot tokens download it."""
        fid = f"F{uuid.uuid4().hex[:10].upper()}"  # unique across mocks, like Slack's (tests share databases)
        info = {"id": fid, "name": name, "title": name, "user": user, "size": len(content) if size is None else size,
                "filetype": filetype or name.rsplit(".", 1)[-1].lower(), "mimetype": mimetype,
                "url_private": f"{self.root}/files-pri/{fid}/{name}",
                "url_private_download": f"{self.root}/files-pri/{fid}/download/{name}"}
        with self._cond:
            self.files[fid] = {"info": info, "content": content, "team_id": team_id or self.team_id}
        return info

    def oauth_code(self, code: str, *, team_id: str, team_name: str = "Other Team", bot_user_id: str = "U0OTHERBOT",
                   bot_id: str = "B0OTHERBOT", installer: str = "U0INSTALLER", rotating: bool = False,
                   expires_in: int = 43_200) -> None:
        """Script an "Add to Slack": ``oauth.v2.access`` with ``code`` installs in ``team_id``."""
        with self._cond:
            self._codes[code] = {"team_id": team_id, "team": team_name, "user_id": bot_user_id, "bot_id": bot_id,
                                 "installer": installer, "rotating": rotating, "expires_in": expires_in}

    def _issue(self, team: dict[str, Any]) -> dict[str, Any]:
        n = next(self._token_ids)
        rotating = team["rotating"]
        token = f"xoxe.xoxb-{team['team_id']}-{n}" if rotating else f"xoxb-{team['team_id']}-{n}"
        self.tokens[token] = team
        body: dict[str, Any] = {
            "ok": True, "app_id": "A0KOLPILOT", "access_token": token, "token_type": "bot",
            "scope": "app_mentions:read,chat:write,channels:history", "bot_user_id": team["user_id"],
            "team": {"id": team["team_id"], "name": team["team"]}, "enterprise": None, "is_enterprise_install": False,
            "authed_user": {"id": team["installer"]},
        }
        if rotating:
            refresh = f"xoxe-1-{team['team_id']}-{n}"
            self._refresh_tokens[refresh] = token
            body.update(refresh_token=refresh, expires_in=team["expires_in"])
        return body

    def _oauth_v2_access(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        import base64

        expected = "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if headers.get("authorization") != expected:
            return {"ok": False, "error": "invalid_client_id"}
        with self._cond:
            if params.get("grant_type") == "refresh_token":
                old = self._refresh_tokens.pop(str(params.get("refresh_token") or ""), None)
                if old is None:
                    return {"ok": False, "error": "invalid_refresh_token"}
                team = self.tokens.pop(old)  # rotated: the old token stops working
                return self._issue(team)
            team = self._codes.pop(str(params.get("code") or ""), None)  # a code is single use
            if team is None:
                return {"ok": False, "error": "invalid_code"}
            return self._issue(team)

    def reset(self) -> None:
        with self._cond:
            self.calls.clear()
            self.violations.clear()
            self._rate_limits.clear()
            self._failures.clear()

    # --- inspection ---------------------------------------------------------------------------

    def calls_to(self, *methods: str, where: Callable[[Call], bool] | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method in methods and c.ok and (where is None or where(c))]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked on every call); return its value."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate()
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out after {timeout}s; calls: {[c.method for c in self.calls]}")
                self._cond.wait(min(left, 0.05))

    def wait_calls(self, method: str, count: int = 1, *, timeout: float = 5.0,
                   where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Wait until at least ``count`` successful calls of ``method`` matched; return them."""
        return self.wait_for(lambda: (lambda cs: cs if len(cs) >= count else None)(self.calls_to(method, where=where)),
                             timeout=timeout)

    def in_thread(self, channel: str, thread_ts: str) -> list[Call]:
        """Messages kolpilot posted in a thread, plus updates of them."""
        with self._cond:
            posted = {c.params.get("ts_assigned") for c in self.calls if c.method == "chat.postMessage" and c.ok
                      and c.params.get("channel") == channel and c.params.get("thread_ts") == thread_ts}
            return [c for c in self.calls if c.ok and c.params.get("channel") == channel and (
                (c.method == "chat.postMessage" and c.params.get("thread_ts") == thread_ts)
                or (c.method == "chat.update" and c.params.get("ts") in posted))]

    def all_visible_text(self) -> str:
        with self._cond:
            return "\n".join(c.all_text() for c in self.calls)

    # --- answering ----------------------------------------------------------------------------

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            if call.error in ("invalid_blocks", "msg_too_long"):
                self.violations.append(call)
            self._cond.notify_all()

    def _take(self, table: dict[str, list], method: str) -> Any:
        with self._cond:
            queue = table.get(method)
            return queue.pop(0) if queue else None

    def answer(self, method: str, params: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str]]:
        """(status, JSON body, extra headers) for one Web API call."""
        retry_after = self._take(self._rate_limits, method)
        if retry_after is not None:
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
        if method == "oauth.v2.access":
            return 200, self._oauth_v2_access(params, headers), {}
        bearer = (headers.get("authorization") or "").removeprefix("Bearer ")
        team = self.tokens.get(bearer)
        if team is None:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        failure = self._take(self._failures, method)
        if failure is not None:
            return 200, {"ok": False, "error": failure}, {}
        channel = params.get("channel") or params.get("channel_id")
        if method == "auth.test":
            return 200, {"ok": True, "url": "https://test.slack.com/", "team": team["team"], "user": "kolpilot",
                         "team_id": team["team_id"], "user_id": team["user_id"], "bot_id": team["bot_id"],
                         "is_enterprise_install": False}, {}
        if method in ("chat.postMessage", "chat.update"):
            blocks = params.get("blocks")
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            problem = _validate_message(params, blocks or [])
            if problem:
                return 200, {"ok": False, "error": problem}, {}
            ts = params.get("ts") if method == "chat.update" else self._next_ts()
            params["ts_assigned"] = ts
            return 200, {"ok": True, "channel": channel, "ts": ts,
                         "message": {"text": params.get("text"), "ts": ts, "user": BOT_USER_ID, "bot_id": BOT_ID}}, {}
        if method == "chat.postEphemeral":
            return 200, {"ok": True, "message_ts": self._next_ts()}, {}
        if method.startswith("assistant.threads."):
            return 200, {"ok": True}, {}
        if method == "files.getUploadURLExternal":
            fid = f"F{next(self._file_ids):08d}"
            return 200, {"ok": True, "upload_url": f"{self.root}/upload/{fid}", "file_id": fid}, {}
        if method == "files.completeUploadExternal":
            files = params.get("files")
            files = json.loads(files) if isinstance(files, str) else files or []
            return 200, {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in files]}, {}
        if method == "files.info":
            entry = self.files.get(str(params.get("file") or ""))
            if entry is None:
                return 200, {"ok": False, "error": "file_not_found"}, {}
            return 200, {"ok": True, "file": entry["info"]}, {}
        if method == "conversations.info":
            ch = str(channel or "")
            return 200, {"ok": True, "channel": {"id": ch, "is_im": ch.startswith("D"), "is_channel": ch.startswith("C"),
                                                 "is_member": True, "name": ch.lower()}}, {}
        if method == "conversations.replies":
            return 200, {"ok": True, "messages": [], "has_more": False}, {}
        if method == "users.info":
            user = params.get("user")
            return 200, {"ok": True, "user": {"id": user, "team_id": self.team_id, "is_bot": False, "name": str(user).lower()}}, {}
        return 200, {"ok": False, "error": "unknown_method"}, {}


def _make_handler(mock: MockSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output clean
            pass

        def _read(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _send(self, status: int, payload: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802
            self.do_POST()

        def do_POST(self) -> None:  # noqa: N802
            if mock.latency:
                time.sleep(mock.latency)
            url = urlsplit(self.path)
            raw = self._read()
            headers = {k.lower(): v for k, v in self.headers.items()}
            if url.path.startswith("/upload/"):
                mock._record(Call("upload", {"file_id": url.path.rsplit("/", 1)[-1]}, headers, raw, path=url.path))
                self._send(200, f"OK - {len(raw)}".encode(), "text/plain")
                return
            if url.path.startswith("/files-pri/"):
                fid = url.path.split("/")[2]
                entry = mock.files.get(fid)
                bearer = (headers.get("authorization") or "").removeprefix("Bearer ")
                with mock._cond:
                    owner = mock.tokens.get(bearer) if bearer else None
                authorised = owner is not None and entry is not None and owner["team_id"] == entry["team_id"]
                mock._record(Call("download", {"file_id": fid, "authorised": authorised}, headers, path=url.path,
                                  ok=authorised and entry is not None))
                if entry is None:
                    self._send(404, b"not found", "text/plain")
                elif not authorised:  # Slack sends people without a token to the login page
                    self._send(302, b"", "text/html", {"Location": f"{mock.root}/login"})
                else:
                    self._send(200, entry["content"], entry["info"]["mimetype"])
                return
            if url.path.startswith("/response/"):
                params = json.loads(raw or b"{}")
                mock._record(Call("response_url", params, headers, raw, path=url.path))
                self._send(200, b"ok", "text/plain")
                return
            if not url.path.startswith("/api/"):
                self._send(404, b"not found", "text/plain")
                return
            method = url.path[len("/api/"):]
            params: dict[str, Any] = dict(parse_qsl(url.query))
            ctype = headers.get("content-type", "")
            if raw and "json" in ctype:
                params.update(json.loads(raw))
            elif raw:
                params.update(parse_qsl(raw.decode("utf-8")))
            status, body, extra = mock.answer(method, params, headers)
            mock._record(Call(method, params, headers, raw, path=url.path, ok=bool(body.get("ok")),
                              error=body.get("error"), status=status))
            self._send(status, json.dumps(body).encode(), "application/json; charset=utf-8", extra)

    return Handler


def iter_texts(calls: list[Call]) -> Iterator[str]:
    """Every visible text of ``calls`` (for assertions about what users could see)."""
    for c in calls:
        yield c.all_text()
