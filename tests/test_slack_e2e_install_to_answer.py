"""From "Add to Slack" to the first useful answer, end to end (issue 16).

A real ``kolpilot slack serve`` process (subprocess, offline planner, Add to Slack mode) on
the test database, its Web API pointed at tests/fakes/mock_slack.py, driven as Slack and a
browser would drive it:

1. install through /slack/install → /slack/oauth_redirect (the mock issues the team's token);
2. a creators CSV dropped in a DM → preview with the column mapping → Import click → report;
3. a channel mention asking for creators in the file's country → answered with them;
4. a follow-up in that thread without a mention → answered, narrowed;
5. "export these creators" in the thread → a CSV of exactly those uploaded into the thread.

Every Slack request is signed; answers are read from the mock's recorded calls with bounded
waits (no timing assertions).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from integrations.slack.files import IMPORT
from tests.fakes.mock_slack import BOT_ID, BOT_USER_ID, Call, MockSlack
from tests.slack_helpers import (
    CHANNEL,
    DM_CHANNEL,
    SIGNING_SECRET,
    USER,
    action_payload,
    dm,
    event_body,
    mention,
    new_ts,
    signed_headers,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parents[1]
TEAM = "T0E2ETEAM1"  # the installed team: its own workspace, named by its id
WAIT = 60.0  # bounded waits for the subprocess's answers (not a timing assertion)

# Three creators in France (one under 50k followers) and one in Germany.
CREATORS_CSV = (
    b"platform,handle,followers,country,niches\n"
    b"instagram,e2e.lea.glow,12000,FR,beauty\n"
    b"instagram,e2e.manon.skin,80000,FR,skincare\n"
    b"tiktok,e2e.camille.fit,150000,FR,fitness\n"
    b"instagram,e2e.jonas.berlin,90000,DE,beauty\n"
)
SMALL_FR, BIG_FR = "e2e.lea.glow", ("e2e.manon.skin", "e2e.camille.fit")
GERMAN = "e2e.jonas.berlin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """The running ``kolpilot slack serve`` and how to talk to it as Slack does."""

    def __init__(self, url: str, mock: MockSlack, proc: subprocess.Popen) -> None:
        self.url = url
        self.mock = mock
        self.proc = proc
        self.http = httpx.Client(base_url=url, timeout=15)

    def _post(self, body: str, content_type: str) -> httpx.Response:
        r = self.http.post("/slack/events", content=body.encode(),
                           headers=signed_headers(body, secret=SIGNING_SECRET, content_type=content_type))
        assert r.status_code == 200, r.text
        return r

    def event(self, event: dict[str, Any]) -> None:
        self._post(json.dumps(event_body(event, team=TEAM)), "application/json")

    def click(self, payload: dict[str, Any]) -> None:
        self._post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def idle(self) -> None:
        """Wait until the server's background worker has nothing queued or running."""
        deadline = time.monotonic() + WAIT
        while self.http.get("/healthz").json()["worker"]["pending"]:
            assert time.monotonic() < deadline, "the server's background work did not finish"
            time.sleep(0.05)


@pytest.fixture
def served(engine, tmp_path: Path) -> Iterator[Served]:  # noqa: ANN001
    port = _free_port()
    with MockSlack(token="xoxb-unused-single-token") as mock:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KOLPILOT_", "SLACK_", "OPENAI_"))}
        env.update({
            "PYTHONPATH": str(ROOT), "KOLPILOT_DATA_DIR": str(tmp_path / "data"),
            "KOLPILOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "KOLPILOT_SLACK_CLIENT_ID": mock.client_id, "KOLPILOT_SLACK_CLIENT_SECRET": mock.client_secret,
            "KOLPILOT_SLACK_SIGNING_SECRET": SIGNING_SECRET, "KOLPILOT_SLACK_API_URL": mock.api_url,
        })
        proc = subprocess.Popen([sys.executable, "-m", "agent.cli.main", "slack", "serve", "--port", str(port),
                                 "--offline", "--workers", "2"],
                                cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        url = f"http://127.0.0.1:{port}"
        served = Served(url, mock, proc)
        try:
            deadline = time.monotonic() + WAIT
            while True:
                try:
                    if served.http.get("/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "kolpilot slack serve did not start"
                time.sleep(0.1)
            yield served
        finally:
            served.http.close()
            proc.send_signal(signal.SIGTERM)
            try:
                _, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
            assert "Traceback" not in err, err


def _thread_posts(mock: MockSlack, channel: str, thread_ts: str, where=lambda c: True) -> list[Call]:  # noqa: ANN001
    return mock.calls_to("chat.postMessage",
                         where=lambda c: c.params.get("channel") == channel and c.params.get("thread_ts") == thread_ts
                         and where(c))


def _answer(s: Served, thread_ts: str, n: int) -> str:
    """What kolpilot said for the ``n``-th question (1-based) in a channel thread: the
    ``n``-th "Working on it…" placeholder's update plus anything posted after it."""
    placeholders = s.mock.wait_for(lambda: (lambda ps: ps if len(ps) >= n else None)(
        _thread_posts(s.mock, CHANNEL, thread_ts, where=lambda c: c.params.get("text") == "Working on it…")), timeout=WAIT)
    placeholder = placeholders[n - 1]
    s.mock.wait_calls("chat.update", timeout=WAIT, where=lambda c: c.params.get("ts") == placeholder.params["ts_assigned"])
    s.idle()
    later = [c for c in s.mock.in_thread(CHANNEL, thread_ts) if c.at >= placeholder.at and c is not placeholder]
    return "\n".join(c.all_text() for c in later)


def _stored(engine) -> tuple[list[str], dict[str, int | None]]:  # noqa: ANN001
    """The installed teams and the team's accounts, read from the test's own database (schema)."""
    from sqlmodel import select

    from memory.db import session_factory
    from memory.models import Account
    from memory.models.slack import slack_installations

    with session_factory(engine)() as s:
        teams = [row.team_id for row in s.connection().execute(select(slack_installations.c.team_id))]
        accounts = {a.handle: a.followers for a in s.exec(select(Account).where(Account.workspace_id == TEAM))}
    return teams, accounts


def test_install_import_a_csv_in_a_dm_then_ask_follow_up_and_export_in_a_thread(served: Served, engine) -> None:  # noqa: ANN001
    mock = served.mock

    # 1. Add to Slack: the browser visits /slack/install, Slack's consent page sends it back
    #    to /slack/oauth_redirect with a code; the server exchanges it for the team's token.
    code = f"code-{new_ts()}"
    mock.oauth_code(code, team_id=TEAM, team_name="E2E Beauty", bot_user_id=BOT_USER_ID, bot_id=BOT_ID, installer=USER)
    start = httpx.get(f"{served.url}/slack/install", follow_redirects=False, timeout=15)
    assert start.status_code == 302
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    assert f"slack-app-oauth-state={state}" in start.headers["set-cookie"]
    done = httpx.get(f"{served.url}/slack/oauth_redirect", params={"code": code, "state": state},
                     headers={"Cookie": f"slack-app-oauth-state={state}"}, timeout=15)
    assert done.status_code == 200, done.text
    assert [c.params.get("code") for c in mock.calls_to("oauth.v2.access")] == [code]
    (team_token,) = [t for t, team in mock.tokens.items() if team["team_id"] == TEAM]
    assert _stored(engine) == ([TEAM], {})  # the server uses the test's database (and schema)

    # 2. A creators CSV dropped in a DM: preview with the mapping, Import, the report.
    shared = mock.add_file("creators.csv", CREATORS_CSV, user=USER, mimetype="text/csv", team_id=TEAM)
    dm_ts = new_ts()
    served.event(dm("", ts=dm_ts, subtype="file_share", files=[{"id": shared["id"], "name": "creators.csv"}]))
    preview = mock.wait_for(lambda: _thread_posts(mock, DM_CHANNEL, dm_ts, where=lambda c: any(
        b.get("type") == "actions" for b in c.blocks())), timeout=WAIT)[0]
    text = preview.all_text()
    assert "creators.csv: 4 creators rows" in text
    for column in ("platform", "handle", "followers", "country", "niches"):
        assert f"{column} ← {column}" in text, (column, text)
    assert mock.calls_to("download", where=lambda c: c.params["file_id"] == shared["id"]), "the file was not read"
    assert preview.headers["authorization"] == f"Bearer {team_token}"  # answered with the team's own token
    actions = next(b for b in preview.blocks() if b.get("type") == "actions")
    (import_button,) = [e for e in actions["elements"] if e["action_id"] == IMPORT]
    served.click(action_payload(IMPORT, import_button["value"], team=TEAM, channel=DM_CHANNEL,
                                message_ts=preview.params["ts_assigned"], thread_ts=dm_ts, blocks=preview.blocks()))
    report = mock.wait_for(lambda: _thread_posts(mock, DM_CHANNEL, dm_ts,
                                                 where=lambda c: "inserted" in str(c.params.get("text"))), timeout=WAIT)
    assert "4 rows: 4 inserted, 0 updated, 0 unchanged, 0 duplicates, 0 rejected" in report[-1].params["text"]
    served.idle()
    assert _stored(engine)[1] == {SMALL_FR: 12_000, BIG_FR[0]: 80_000, BIG_FR[1]: 150_000, GERMAN: 90_000}

    # 3. A question in a channel: creators from that file, in its country.
    root = new_ts()
    served.event(mention("find creators in France", ts=root))
    first = _answer(served, root, 1)
    for handle in (SMALL_FR, *BIG_FR):
        assert handle in first, (handle, first)
    assert GERMAN not in first

    # 4. A follow-up in the thread, without a mention.
    served.event({"type": "message", "channel_type": "channel", "user": USER, "text": "only the ones over 50k",
                  "ts": new_ts(), "thread_ts": root, "channel": CHANNEL})
    second = _answer(served, root, 2)
    for handle in BIG_FR:
        assert handle in second, (handle, second)
    assert SMALL_FR not in second and GERMAN not in second

    # 5. Export them: a CSV of exactly those creators uploaded into the thread.
    served.event({"type": "message", "channel_type": "channel", "user": USER, "text": "export these creators",
                  "ts": new_ts(), "thread_ts": root, "channel": CHANNEL})
    complete = mock.wait_calls("files.completeUploadExternal", timeout=WAIT,
                               where=lambda c: c.params.get("thread_ts") == root)[0]
    assert complete.params["channel_id"] == CHANNEL
    assert complete.headers["authorization"] == f"Bearer {team_token}"
    served.idle()
    uploaded = b"".join(c.body for c in mock.calls_to("upload"))
    assert uploaded.startswith(b"platform,handle,")
    for handle in BIG_FR:
        assert handle.encode() in uploaded, uploaded
    assert SMALL_FR.encode() not in uploaded and GERMAN.encode() not in uploaded
    said = "\n".join(c.all_text() for c in mock.in_thread(CHANNEL, root))
    assert "(attached in this thread)" in said
    assert mock.violations == []
