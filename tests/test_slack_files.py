"""Files in Slack: a CSV/XLSX shared with kolpilot is previewed (kind, rows, column mapping,
Import/Cancel), imported on a click with the CLI's importer and report, and refused in one
line when it is not tabular, too large or shared by someone not allowed; exports asked for
in Slack are uploaded into the thread (files_upload_v2)."""

from __future__ import annotations

import io
import uuid
from datetime import date

import pytest
from sqlmodel import select

from integrations.slack.files import CANCEL, IMPORT
from memory.db import session_factory, session_scope
from tests.fakes.mock_slack import TEAM_ID, Call
from tests.slack_helpers import APPROVER, DM_CHANNEL, USER, SlackHarness, action_payload, dm, mention, new_ts

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _creators_csv(prefix: str) -> bytes:
    # A YouTube export: no platform column ("Youtube channel" says it), two category columns.
    return (f"Youtube channel,Subscribers,Category,Category-2,Country\n"
            f"{prefix}_one,120000,Beauty,Skincare,FR\n"
            f"{prefix}_two,45.5K,Fitness,,US\n"
            f"{prefix}_bad,lots,Food,,DE\n").encode()


def _seed_campaign(engine) -> None:  # noqa: ANN001
    from memory.models import AccountCreate, Campaign, Collaboration, CreatorCreate, MetricSnapshot
    from memory.repo.creators import upsert_creator_account
    from memory.repo.metrics import refresh_latest
    from memory.repo.workspaces import ensure_workspace

    with session_scope(session_factory(engine)) as s:
        ensure_workspace(s, workspace_id=TEAM_ID)
        camp = Campaign(workspace_id=TEAM_ID, name="Glow Q3", brand="Lumière", budget_cents=1_000_000, currency="USD",
                        start_date=date(2026, 7, 1), end_date=date(2026, 9, 30), status="finished")
        s.add(camp)
        s.flush()
        _, acc = upsert_creator_account(s, workspace_id=TEAM_ID, creator=CreatorCreate(name="glow.sam"),
                                        account=AccountCreate(platform="instagram", handle="glow.sam", followers=40_000))
        c = Collaboration(workspace_id=TEAM_ID, campaign_id=camp.id, creator_id=acc.creator_id, account_id=acc.id,
                          stage="paid", agreed_fee_cents=100_000, currency="USD")
        s.add(c)
        s.flush()
        s.add(MetricSnapshot(workspace_id=TEAM_ID, campaign_id=camp.id, account_id=acc.id, collaboration_id=c.id,
                             deliverable_url="https://ig/glow.sam", date=date(2026, 7, 2), impressions=10_000,
                             reach=8_000, clicks=200, conversions=10, revenue_cents=60_000))
        s.flush()
        refresh_latest(s, campaign_ids=[camp.id])


@pytest.fixture(scope="module")
def harness(engine, tmp_path_factory):
    from agent.planner import OfflinePlanner
    from agent.runtime import Runtime
    from agent.settings import Settings

    _seed_campaign(engine)
    tmp = tmp_path_factory.mktemp("files")
    runtime = Runtime(Settings(_env_file=None, data_dir=tmp / "data"), engine=engine)
    with SlackHarness(engine, tmp, agent=OfflinePlanner(runtime),
                      settings_overrides={"slack_import_max_mb": 1}) as h:
        yield h


def _handles(engine, prefix: str) -> dict[str, int | None]:  # noqa: ANN001
    from memory.models import Account

    with session_factory(engine)() as s:
        rows = s.exec(select(Account).where(Account.workspace_id == TEAM_ID, Account.handle.startswith(prefix)))  # type: ignore[attr-defined]
        return {a.handle: a.followers for a in rows if a.platform == "youtube"}


def _share(h: SlackHarness, name: str, content: bytes, *, user: str = USER, **info) -> tuple[str, str]:  # noqa: ANN003
    f = h.mock.add_file(name, content, user=user, **info)
    ts = new_ts()
    h.send_event(dm("", user=user, ts=ts, subtype="file_share", files=[{"id": f["id"], "name": name}]))
    return f["id"], ts


def _preview(h: SlackHarness, ts: str) -> Call:
    return h.mock.wait_calls("chat.postMessage", timeout=30, where=lambda c: c.params.get("thread_ts") == ts
                             and any(b.get("type") == "actions" for b in c.blocks()))[0]


def _click(h: SlackHarness, preview: Call, ts: str, *, action: str = IMPORT, user: str = USER) -> None:
    actions = next(b for b in preview.blocks() if b.get("type") == "actions")
    value = actions["elements"][0]["value"]
    h.send_action(action_payload(action, value, user=user, channel=DM_CHANNEL, message_ts=preview.params["ts_assigned"],
                                 thread_ts=ts, blocks=preview.blocks()))


def _report(h: SlackHarness, ts: str, needle: str) -> str:
    calls = h.mock.wait_calls("chat.postMessage", timeout=60,
                              where=lambda c: c.params.get("thread_ts") == ts and needle in str(c.params.get("text")))
    return str(calls[-1].params["text"])


def test_csv_dropped_in_a_dm_is_previewed_then_imported_and_a_reimport_changes_nothing(harness: SlackHarness, engine) -> None:  # noqa: ANN001
    prefix = f"yt{uuid.uuid4().hex[:6]}"
    content = _creators_csv(prefix)
    fid, ts = _share(harness, "top-channels.csv", content, mimetype="text/csv")
    preview = _preview(harness, ts)
    text = preview.all_text()
    assert "creators" in text and "3 rows" in text
    assert "handle ← Youtube channel" in text and "niches ← Category + Category-2" in text
    assert "followers ← Subscribers" in text and "platform = youtube" in text
    labels = [e["text"]["text"] for b in preview.blocks() if b.get("type") == "actions" for e in b["elements"]]
    assert labels == ["Import", "Cancel"]
    downloads = harness.mock.calls_to("download", where=lambda c: c.params["file_id"] == fid)
    assert downloads and downloads[0].headers["authorization"] == "Bearer xoxb-test-token"
    assert _handles(engine, prefix) == {}  # nothing imported before the click

    _click(harness, preview, ts)
    report = _report(harness, ts, "inserted")
    assert "3 rows: 2 inserted, 0 updated, 0 unchanged, 0 duplicates, 1 rejected" in report
    assert "all 3 data lines accounted for" in report
    assert "line 4: followers" in report  # the rejected line, as the CLI lists it
    assert _handles(engine, prefix) == {f"{prefix}_one": 120_000, f"{prefix}_two": 45_500}
    harness.mock.wait_calls("chat.update", timeout=30, where=lambda c: "Imported top-channels.csv" in c.all_text())

    # A second click on the same preview imports nothing more.
    _click(harness, preview, ts)
    harness.mock.wait_calls("chat.postEphemeral", timeout=30, where=lambda c: "already" in str(c.params.get("text")))

    # The same file shared again: a new preview, and importing it changes nothing.
    _, ts2 = _share(harness, "top-channels.csv", content, mimetype="text/csv")
    _click(harness, _preview(harness, ts2), ts2)
    again = _report(harness, ts2, "inserted")
    assert "0 inserted, 0 updated, 2 unchanged" in again
    assert harness.mock.violations == []


def test_an_xlsx_file_is_read_into_rows_and_imported(harness: SlackHarness, engine) -> None:  # noqa: ANN001
    from openpyxl import Workbook

    prefix = f"xl{uuid.uuid4().hex[:6]}"
    wb = Workbook()
    ws = wb.active
    ws.append(["Youtube channel", "Subscribers", "Category", "Category-2"])
    ws.append([f"{prefix}_a", 250000, "Gaming", "Tech"])
    ws.append([f"{prefix}_b", 12000.0, "Travel", None])
    buf = io.BytesIO()
    wb.save(buf)
    _, ts = _share(harness, "channels.xlsx", buf.getvalue(),
                   mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    preview = _preview(harness, ts)
    assert "2 rows" in preview.all_text() and "handle ← Youtube channel" in preview.all_text()
    _click(harness, preview, ts)
    assert "2 inserted" in _report(harness, ts, "inserted")
    assert _handles(engine, prefix) == {f"{prefix}_a": 250_000, f"{prefix}_b": 12_000}


def test_cancel_imports_nothing(harness: SlackHarness, engine) -> None:  # noqa: ANN001
    prefix = f"cx{uuid.uuid4().hex[:6]}"
    _, ts = _share(harness, "cancel-me.csv", _creators_csv(prefix))
    preview = _preview(harness, ts)
    _click(harness, preview, ts, action=CANCEL)
    harness.mock.wait_calls("chat.update", timeout=30, where=lambda c: "cancelled by" in c.all_text())
    _click(harness, preview, ts)
    harness.mock.wait_calls("chat.postEphemeral", timeout=30, where=lambda c: "already rejected" in str(c.params.get("text")))
    assert _handles(engine, prefix) == {}


@pytest.mark.parametrize(("name", "content", "info", "expected"), [
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, {"mimetype": "image/png"},
     "I can only import CSV or XLSX files; photo.png is a PNG file."),
    ("huge.csv", b"handle,followers\n", {"size": 5_000_000},
     "huge.csv is 5.0 MB; I import files up to 1 MB"),
])
def test_non_tabular_and_oversized_files_are_refused_in_one_line_without_download(
    harness: SlackHarness, name: str, content: bytes, info: dict, expected: str,
) -> None:
    fid, ts = _share(harness, name, content, **info)
    calls = harness.mock.wait_calls("chat.postMessage", timeout=30, where=lambda c: c.params.get("thread_ts") == ts)
    text = str(calls[0].params["text"])
    assert text.startswith(expected) and "\n" not in text
    assert not calls[0].blocks() or not any(b.get("type") == "actions" for b in calls[0].blocks())
    assert harness.mock.calls_to("download", where=lambda c: c.params["file_id"] == fid) == []


def test_a_file_kolpilot_cannot_read_as_a_known_kind_is_refused_in_one_line(harness: SlackHarness) -> None:
    _, ts = _share(harness, "notes.csv", b"Colour,Mood\nred,happy\n")
    calls = harness.mock.wait_calls("chat.postMessage", timeout=30, where=lambda c: c.params.get("thread_ts") == ts)
    text = str(calls[0].params["text"])
    assert "does not look like creators, posts, metrics or redemptions" in text and "\n" not in text


def test_a_file_in_a_channel_thread_mentioning_kolpilot_is_previewed(harness: SlackHarness) -> None:
    prefix = f"ch{uuid.uuid4().hex[:6]}"
    f = harness.mock.add_file("creators.csv", _creators_csv(prefix))
    root = new_ts()
    harness.send_event(mention("import this", ts=new_ts(), thread_ts=root, files=[{"id": f["id"]}]))
    preview = _preview(harness, root)
    assert "handle ← Youtube channel" in preview.all_text()


def test_only_the_sharer_or_an_approver_can_click_import(harness: SlackHarness, engine) -> None:  # noqa: ANN001
    prefix = f"ot{uuid.uuid4().hex[:6]}"
    _, ts = _share(harness, "someone-elses.csv", _creators_csv(prefix))
    preview = _preview(harness, ts)
    _click(harness, preview, ts, user="U0BYSTANDER")
    harness.mock.wait_calls("chat.postEphemeral", timeout=30,
                            where=lambda c: "only the person who shared the file" in str(c.params.get("text")))
    assert _handles(engine, prefix) == {}
    _click(harness, preview, ts, user=APPROVER)
    assert "2 inserted" in _report(harness, ts, "inserted")


def test_users_outside_the_allow_list_cannot_share_or_import(sqlite_engine, tmp_path) -> None:  # noqa: ANN001
    with SlackHarness(sqlite_engine, tmp_path, settings_overrides={"slack_allowed_users": [USER]}) as h:
        prefix = f"al{uuid.uuid4().hex[:6]}"
        fid, _ = _share(h, "outsider.csv", _creators_csv(prefix), user="U0OUTSIDER1")
        refusal = h.mock.wait_calls("chat.postEphemeral", timeout=30)[0]
        assert "not enabled for your account" in str(refusal.params["text"])
        # The allowed user shares it; the outsider's click is refused too.
        _, ts = _share(h, "outsider.csv", _creators_csv(prefix))
        preview = _preview(h, ts)
        _click(h, preview, ts, user="U0OUTSIDER1")
        h.mock.wait_calls("chat.postEphemeral", 2, timeout=30)
        h.wait_idle(30)
        assert h.mock.calls_to("download", where=lambda c: c.params["file_id"] == fid) == []
        assert _handles(sqlite_engine, prefix) == {}


def test_export_asked_in_slack_is_uploaded_into_the_thread(harness: SlackHarness) -> None:
    ts = new_ts()
    harness.send_event(mention("export metrics for Glow Q3 as csv", ts=ts))
    complete = harness.mock.wait_calls("files.completeUploadExternal", timeout=60,
                                       where=lambda c: c.params.get("thread_ts") == ts)[0]
    assert "glow-q3" in complete.all_text().lower() or "glow-q3" in str(complete.params).lower()
    uploads = harness.mock.calls_to("upload")
    body = b"".join(c.body for c in uploads)
    assert b"key,creators,deliverables,impressions" in body and b"glow.sam" in body
    harness.wait_idle(60)
    said = "\n".join(c.all_text() for c in harness.mock.in_thread("C0CHANNEL01", ts))
    assert "(attached in this thread)" in said and "/exports/" not in said


def test_export_these_creators_in_slack_uploads_the_listed_creators(harness: SlackHarness) -> None:
    root = new_ts()
    harness.send_event(mention("find instagram creators", ts=root))
    harness.mock.wait_calls("chat.update", timeout=60, where=lambda c: "glow.sam" in c.all_text())
    harness.wait_idle(60)
    harness.mock.reset()
    harness.send_event(mention("export these creators", ts=new_ts(), thread_ts=root))
    harness.mock.wait_calls("files.completeUploadExternal", timeout=60, where=lambda c: c.params.get("thread_ts") == root)
    body = b"".join(c.body for c in harness.mock.calls_to("upload"))
    assert body.startswith(b"platform,handle,display_name,followers") and b"instagram,glow.sam," in body
    harness.wait_idle(60)
    said = "\n".join(c.all_text() for c in harness.mock.in_thread("C0CHANNEL01", root))
    assert "Exported 1 creator account(s) to creators-1-" in said and "(attached in this thread)" in said


def test_a_file_dropped_in_kolpilots_channel_thread_without_a_mention_is_previewed(harness: SlackHarness) -> None:
    root = new_ts()
    harness.send_event(mention("help", ts=root))
    harness.mock.wait_calls("chat.update", timeout=60, where=lambda c: c.params.get("channel") == "C0CHANNEL01")
    harness.wait_idle(60)
    f = harness.mock.add_file("more.csv", _creators_csv(f"th{uuid.uuid4().hex[:6]}"))
    harness.send_event({"type": "message", "subtype": "file_share", "channel_type": "channel", "user": USER, "text": "",
                        "ts": new_ts(), "thread_ts": root, "channel": "C0CHANNEL01", "files": [{"id": f["id"]}]})
    assert "handle ← Youtube channel" in _preview(harness, root).all_text()


def test_message_and_file_shared_events_for_one_file_give_one_preview(harness: SlackHarness) -> None:
    f = harness.mock.add_file("once.csv", _creators_csv(f"on{uuid.uuid4().hex[:6]}"))
    ts = new_ts()
    harness.send_event({"type": "file_shared", "file_id": f["id"], "user_id": USER, "channel_id": DM_CHANNEL,
                        "file": {"id": f["id"]}, "event_ts": new_ts()})
    harness.send_event(dm("", ts=ts, subtype="file_share", files=[{"id": f["id"]}]))
    harness.mock.wait_calls("download", timeout=30, where=lambda c: c.params["file_id"] == f["id"])
    harness.wait_idle(60)
    previews = harness.mock.calls_to("chat.postMessage", where=lambda c: "once.csv" in c.all_text())
    assert len(previews) == 1
    assert len(harness.mock.calls_to("download", where=lambda c: c.params["file_id"] == f["id"])) == 1


def test_replies_name_attached_files_instead_of_server_paths(tmp_path) -> None:  # noqa: ANN001
    from agent.turn import Turn
    from integrations.slack.replies import attached_files_note
    from tools.base import ToolResult

    path = tmp_path / "glow-q3-creator.csv"
    path.write_text("key\n")
    gone = str(tmp_path / "deleted.png")
    turn = Turn("c", f"Exported Glow Q3 by creator to {path}", results=[ToolResult(kind="export", summary="x", files=[str(path), gone])])
    assert attached_files_note(turn).reply == "Exported Glow Q3 by creator to glow-q3-creator.csv (attached in this thread)"
    private = attached_files_note(turn, attached=False).reply
    assert str(tmp_path) not in private and "ask me in a DM or a thread" in private


@pytest.mark.parametrize(("header", "kind"), [
    ("platform,handle,posted_at,url,caption,likes", "posts"),
    ("campaign,platform,handle,date,deliverable_url,impressions,clicks", "metrics"),
    ("Coupon code,Orders,Revenue,Currency,Date", "redemptions"),
    ("Platform, Username ,Display Name,Followers,ER,Country", "creators"),
])
def test_the_kind_of_a_file_is_recognised_from_its_header(tmp_path, header: str, kind: str) -> None:  # noqa: ANN001
    from integrations.sources.imports import detect

    f = tmp_path / "file.csv"
    f.write_text(header + "\n" + ",".join("x" for _ in header.split(",")) + "\n")
    assert detect(f).kind == kind


def test_cli_imports_an_xlsx_file_like_a_csv(tmp_path) -> None:  # noqa: ANN001
    import json

    from openpyxl import Workbook
    from typer.testing import CliRunner

    from agent.cli.main import app

    wb = Workbook()
    wb.active.append(["platform", "handle", "followers", "niches"])
    wb.active.append(["instagram", "xl.cli", 15000, "beauty"])
    wb.save(tmp_path / "creators.xlsx")
    args = ["--data-dir", str(tmp_path / "data"), "import", "creators", str(tmp_path / "creators.xlsx"), "--json", "--no-index"]
    first = json.loads(CliRunner().invoke(app, args).stdout)
    again = json.loads(CliRunner().invoke(app, args).stdout)
    assert (first["inserted"], again["inserted"], again["unchanged"]) == (1, 0, 1)
