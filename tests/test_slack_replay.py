"""Slack requests are checked before they are parsed, and act once.

- The signature is verified on the raw body before anything parses it: unsigned (or
  badly signed, or expired) requests get 401 whatever their body; signed bodies that do
  not parse get 400. Neither leaves a traceback (or the body) in the logs.
- Slash commands and interactive payloads carry no event id, so a delivery is identified
  by its signed basestring (timestamp + body): the same signed request delivered again
  within the signature window is acknowledged (200, empty) and does nothing. The same
  body re-signed with another timestamp is a new request — only Slack can sign, and
  Slack never re-signs a delivery (each invocation also carries a fresh trigger_id).

Runs on SQLite and PostgreSQL (the ``engine`` fixture); the last test runs two app
instances on one PostgreSQL database.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from slack_bolt.request import BoltRequest
from sqlalchemy import func, select, update

from memory.db import make_engine, session_factory, session_scope
from memory.models import Note
from memory.models.common import utcnow
from memory.models.system import ProcessedEvent
from memory.repo import actions as actions_repo
from tests.fakes.mock_slack import TEAM_ID, MockSlack
from tests.slack_helpers import (
    APPROVER,
    BOT_TOKEN,
    USER,
    SlackHarness,
    action_payload,
    command_form,
    signed_headers,
)
from tools.approvals import register_executor

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FORM = "application/x-www-form-urlencoded"
HANDLE = "replay.creator"
EXECUTED: list[str] = []


def _replay_executor(ctx, action) -> str:  # noqa: ANN001
    EXECUTED.append(action.id)
    return "replay noop done"


register_executor("replay_noop", _replay_executor)


def _have_planner() -> bool:
    try:
        from agent.planner import OfflinePlanner  # noqa: F401
        from tools.registry import get_tool

        return get_tool("log_note") is not None
    except (ImportError, AttributeError):
        return False


def _seed(engine) -> None:  # noqa: ANN001
    from memory.models import AccountCreate, CreatorCreate
    from memory.repo.creators import upsert_creator_account
    from memory.repo.workspaces import ensure_workspace

    with session_scope(session_factory(engine)) as s:
        ensure_workspace(s, workspace_id=TEAM_ID)
        upsert_creator_account(
            s, workspace_id=TEAM_ID, creator=CreatorCreate(name="Replay Creator", niches="beauty", country="FR"),
            account=AccountCreate(platform="instagram", handle=HANDLE, followers=20_000, engagement_rate=0.03,
                                  profile_url=f"https://instagram.com/{HANDLE}"),
        )


def _harness(engine, tmp, mock: MockSlack | None = None) -> SlackHarness:  # noqa: ANN001
    from agent.planner import OfflinePlanner
    from agent.runtime import Runtime
    from agent.settings import Settings

    runtime = Runtime(Settings(_env_file=None, data_dir=tmp / "data"), engine=engine)
    return SlackHarness(engine, tmp, agent=OfflinePlanner(runtime), mock=mock)


@pytest.fixture(scope="module")
def harness(engine, tmp_path_factory):  # noqa: ANN001
    if not _have_planner():
        pytest.skip("the offline planner or the CRM tools are not available")
    _seed(engine)
    with _harness(engine, tmp_path_factory.mktemp("replay")) as h:
        yield h


@pytest.fixture
def h(harness: SlackHarness):
    harness.mock.reset()
    EXECUTED.clear()
    yield harness
    harness.wait_idle()


@pytest.fixture
def server_logs(caplog):  # noqa: ANN001
    """caplog, also fed by uvicorn's own loggers (they do not propagate to the root)."""
    caplog.set_level(logging.DEBUG)
    uvicorn_log = logging.getLogger("uvicorn")
    uvicorn_log.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        uvicorn_log.removeHandler(caplog.handler)


def _notes(engine, text: str) -> int:  # noqa: ANN001
    with session_scope(session_factory(engine)) as s:
        return s.execute(select(func.count()).select_from(Note).where(Note.workspace_id == TEAM_ID,
                                                                      Note.text == text)).scalar_one()


def _note_command(text: str, h: SlackHarness) -> str:
    return urlencode(command_form(f"private note on @{HANDLE}: {text}", response_url=h.mock.response_url("cmd")))


def _post(h: SlackHarness, body: str | bytes, headers: dict[str, str]):  # noqa: ANN202
    return h.http.post("/slack/events", content=body.encode() if isinstance(body, str) else body, headers=headers)


def _no_traceback_and_no_body(logs, *fragments: str) -> None:  # noqa: ANN001
    for record in logs.records:
        assert record.exc_info is None and not record.exc_text, f"traceback logged: {record.getMessage()}"
        for fragment in fragments:
            assert fragment not in record.getMessage()


# --- replays ----------------------------------------------------------------------------------


def test_signed_slash_command_delivered_three_times_saves_one_note(h: SlackHarness) -> None:
    text = f"prefers email {uuid.uuid4().hex[:8]}"
    body = _note_command(text, h)
    headers = signed_headers(body, content_type=FORM)
    responses = [_post(h, body, headers) for _ in range(3)]
    h.wait_idle()
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert responses[1].content == b"" and responses[2].content == b""  # acknowledged, nothing said
    assert _notes(h.engine, text) == 1
    assert len(h.mock.calls_to("chat.postEphemeral")) + len(h.mock.calls_to("response_url")) <= 1


def test_same_command_resigned_with_a_new_timestamp_is_a_new_request(h: SlackHarness) -> None:
    # Only Slack holds the signing secret and it never re-signs a delivery: a new timestamp
    # means a new invocation, which acts again.
    text = f"re-signed {uuid.uuid4().hex[:8]}"
    body = _note_command(text, h)
    now = int(time.time())
    assert _post(h, body, signed_headers(body, content_type=FORM, timestamp=now)).status_code == 200
    assert _post(h, body, signed_headers(body, content_type=FORM, timestamp=now - 30)).status_code == 200
    h.wait_idle()
    assert _notes(h.engine, text) == 2


def test_approve_click_delivered_twice_executes_once_and_answers_once(h: SlackHarness) -> None:
    with session_scope(session_factory(h.engine)) as s:
        action_id = actions_repo.create(s, workspace_id=TEAM_ID, kind="replay_noop", summary="Pay @replay.creator",
                                        payload={"amount": 500, "currency": "EUR"}, requested_by=USER).id
    blocks = [{"type": "actions", "block_id": f"pa:{action_id}", "elements": []}]
    body = urlencode({"payload": json.dumps(action_payload("kol_approve", action_id, user=APPROVER, blocks=blocks))})
    headers = signed_headers(body, content_type=FORM)
    first, second = _post(h, body, headers), _post(h, body, headers)
    h.wait_idle()
    assert (first.status_code, second.status_code, second.content) == (200, 200, b"")
    assert EXECUTED == [action_id]
    assert len(h.mock.calls_to("chat.update")) == 1
    assert h.mock.calls_to("chat.postEphemeral") == []  # no "already executed" for the replay


def test_socket_mode_payload_delivered_twice_acts_once(h: SlackHarness) -> None:
    text = f"over the socket {uuid.uuid4().hex[:8]}"
    payload = command_form(f"private note on @{HANDLE}: {text}", response_url=h.mock.response_url("cmd"))
    statuses = [h.slack.bolt.dispatch(BoltRequest(mode="socket_mode", body=dict(payload))).status for _ in range(2)]
    h.wait_idle()
    assert statuses == [200, 200]
    assert _notes(h.engine, text) == 1


# --- rejected before parsing ------------------------------------------------------------------

GARBAGE = [
    pytest.param("application/json", b'{"type": "event_callback", "event": ', id="truncated-json"),
    pytest.param("application/json", b"[1, 2, 3]", id="json-array"),
    pytest.param("application/json", b"null", id="json-null"),
    pytest.param(FORM, b"payload=%7Bnot-json%20GARBAGE", id="form-payload-not-json"),
]
NOT_UTF8 = b"command=/kol&text=\xff\xfe\xfd GARBAGE"


@pytest.mark.parametrize(("content_type", "body"), [*GARBAGE, pytest.param(FORM, NOT_UTF8, id="not-utf8")])
def test_unsigned_malformed_body_is_401_without_a_traceback(h: SlackHarness, server_logs, content_type: str,
                                                            body: bytes) -> None:  # noqa: ANN001
    unsigned = _post(h, body, {"Content-Type": content_type})
    badly_signed = _post(h, body, signed_headers(body, secret="not-the-secret", content_type=content_type))
    assert (unsigned.status_code, badly_signed.status_code) == (401, 401)
    _no_traceback_and_no_body(server_logs, "GARBAGE", "event_callback")
    assert len([r for r in server_logs.records if r.name.startswith("integrations.slack")]) <= 2


@pytest.mark.parametrize(("content_type", "body"), GARBAGE)
def test_signed_garbage_is_400_without_a_traceback(h: SlackHarness, server_logs, content_type: str,
                                                   body: bytes) -> None:  # noqa: ANN001
    r = _post(h, body, signed_headers(body, content_type=content_type))
    assert r.status_code == 400
    _no_traceback_and_no_body(server_logs, "GARBAGE", "event_callback")
    assert len([rec for rec in server_logs.records if rec.name.startswith("integrations.slack")]) <= 1
    h.wait_idle()
    assert not h.mock.calls_to("chat.postMessage")


def test_signed_body_that_is_not_utf8_is_401_without_a_traceback(h: SlackHarness, server_logs) -> None:  # noqa: ANN001
    # Slack signs UTF-8 text and slack_sdk's verifier cannot check anything else: such a body
    # is unverifiable, hence unauthenticated (401), even with a correct HMAC over its bytes.
    r = _post(h, NOT_UTF8, signed_headers(NOT_UTF8, content_type=FORM))
    assert r.status_code == 401
    _no_traceback_and_no_body(server_logs, "GARBAGE")


def test_expired_or_unparseable_timestamp_is_401_and_does_nothing(h: SlackHarness, server_logs) -> None:  # noqa: ANN001
    text = f"too late {uuid.uuid4().hex[:8]}"
    body = _note_command(text, h)
    expired = _post(h, body, signed_headers(body, content_type=FORM, timestamp=int(time.time()) - 6 * 60))
    headers = signed_headers(body, content_type=FORM)
    headers["X-Slack-Request-Timestamp"] = "soon"
    nonsense = _post(h, body, headers)
    assert (expired.status_code, nonsense.status_code) == (401, 401)
    h.wait_idle()
    assert _notes(h.engine, text) == 0
    _no_traceback_and_no_body(server_logs, text)


# --- keeping request claims -------------------------------------------------------------------


def test_request_claims_are_kept_for_the_signature_window_then_pruned(h: SlackHarness) -> None:
    requests = h.slack.request_deduplicator
    fresh, old = f"req:fresh-{uuid.uuid4().hex}", f"req:old-{uuid.uuid4().hex}"
    event = f"Ev-kept-{uuid.uuid4().hex}"
    assert requests.claim(fresh) and requests.claim(old) and h.slack.deduplicator.claim(event)
    with h.engine.begin() as conn:
        conn.execute(update(ProcessedEvent).where(ProcessedEvent.id.in_([old, event]))
                     .values(received_at=utcnow() - timedelta(minutes=30)))
    requests.prune()
    assert requests.claim(old) is True  # forgotten: past any signature window
    assert requests.claim(fresh) is False  # still inside it
    assert h.slack.deduplicator.claim(event) is False  # event claims live on their own clock


# --- two instances, one PostgreSQL ------------------------------------------------------------


@pytest.mark.postgres
def test_two_instances_on_one_postgres_run_a_replayed_command_once(pg_engine, tmp_path) -> None:  # noqa: ANN001
    if not _have_planner():
        pytest.skip("the offline planner or the CRM tools are not available")
    _seed(pg_engine)
    other = make_engine(pg_engine.url.render_as_string(hide_password=False))  # a second pool, like a second process
    try:
        with MockSlack(token=BOT_TOKEN) as mock, _harness(pg_engine, tmp_path / "a", mock) as a, \
                _harness(other, tmp_path / "b", mock) as b:
            text = f"two instances {uuid.uuid4().hex[:8]}"
            body = _note_command(text, a)
            headers = signed_headers(body, content_type=FORM)
            barrier = threading.Barrier(6)
            statuses: list[int] = []
            lock = threading.Lock()

            def deliver(target: SlackHarness) -> None:
                barrier.wait()
                status = _post(target, body, headers).status_code
                with lock:
                    statuses.append(status)

            threads = [threading.Thread(target=deliver, args=(x,)) for x in (a, b) * 3]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            a.wait_idle()
            b.wait_idle()
            assert statuses == [200] * 6
            assert _notes(pg_engine, text) == 1
    finally:
        other.dispose()
