"""Files in: a CSV or XLSX shared with kolpilot is previewed, then imported on a click.

Where: a file dropped in a DM with kolpilot (``message`` event with ``files``, subtype
``file_share``, or a ``file_shared`` event in a DM), or in a channel thread in a message
that mentions @kolpilot (``app_mention`` with ``files``). Each Slack file is handled once
(a ``processed_event`` claim ``file:<team>:<file id>``), whichever event arrives first.

1. ``files.info`` describes the file; anything but CSV/XLSX, or a file over
   ``KOLPILOT_SLACK_IMPORT_MAX_MB`` (default 20), is refused in one line before download.
2. The file is downloaded from its ``url_private`` with the bot token (only from Slack's
   file host, or the host of ``KOLPILOT_SLACK_API_URL``), an XLSX sheet is read into rows,
   and its kind (creators, posts, metrics, redemptions) and column mapping are recognised
   with the importers' own header matching (``integrations.sources.imports.detect``).
3. A preview ("1,003 rows; handle ← Youtube channel, niches ← Category + Category-2, …;
   import?") with *Import* / *Cancel* buttons is posted in the thread; the file, its kind
   and mapping are stored in a ``PendingAction`` of kind ``import_file`` (no money involved;
   ``tools.approvals`` has no executor for it, so only these buttons decide it).
4. *Import* claims the action (``pending`` → ``approved``, a conditional update: a double
   click or a second instance imports once), runs ``integrations.sources.imports.import_file``
   — the code path and report of ``kolpilot import`` — and posts the report in the thread.

Who may import: the user allow-list (``KOLPILOT_SLACK_ALLOWED_USERS``) applies to sharing
and to clicking. In addition the click must come from the person who shared the file or an
approver (``KOLPILOT_APPROVERS``), so that with no allow-list set a bystander in a thread
cannot import someone else's file.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from slack_sdk.errors import SlackApiError

from integrations.slack import blocks as bk
from integrations.slack.context import SlackContext
from integrations.slack.mrkdwn import safe, user_mention
from integrations.slack.replies import APOLOGY
from memory.errors import UserError

if TYPE_CHECKING:
    from slack_bolt import App

    from integrations.slack.services import SlackServices

log = logging.getLogger(__name__)

IMPORT = "kolpilot_import_file"
CANCEL = "kolpilot_import_cancel"
ACTION_KIND = "import_file"
EVENT_SOURCE = "slack_file"
MAX_FILES_PER_MESSAGE = 5
TABULAR = {"csv": ".csv", "xlsx": ".xlsx"}
_REPORT_LIMIT = 3500  # characters of report in one message; the rest is counted, not shown


class FileRefused(UserError):
    """A shared file kolpilot will not import; the message is the one line the user sees."""


@dataclass(frozen=True)
class SharedFile:
    id: str
    name: str
    size: int
    suffix: str  # ".csv" or ".xlsx"
    url: str


# --- what Slack tells us about a file ------------------------------------------------------------


def describe(info: dict[str, Any], *, max_bytes: int) -> SharedFile:
    """Check a ``files.info`` object: tabular, not too large, downloadable. Raises FileRefused."""
    name = str(info.get("name") or info.get("title") or info.get("id") or "the file")
    suffix = Path(name).suffix.lower()
    filetype = str(info.get("filetype") or "").lower()
    if suffix not in TABULAR.values():
        suffix = TABULAR.get(filetype, "")
    if not suffix:
        kind = (filetype or Path(name).suffix.lstrip(".") or "unknown").upper()
        raise FileRefused(f"I can only import CSV or XLSX files; {name} is a {kind} file.")
    size = int(info.get("size") or 0)
    if size > max_bytes:
        raise FileRefused(f"{name} is {size / 1_000_000:.1f} MB; I import files up to {max_bytes / 1_000_000:g} MB "
                          "(split it, or use `kolpilot import` on the server).")
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if not url:
        raise FileRefused(f"Slack gave me no download link for {name}.")
    return SharedFile(str(info.get("id") or ""), name, size, suffix, url)


def _allowed_host(url: str, api_url: str) -> bool:
    parts, api = urlsplit(url), urlsplit(api_url)
    host = (parts.hostname or "").lower()
    if host == (api.hostname or "").lower() and parts.scheme == api.scheme:
        return True  # the configured Web API host (a local mock in tests), on its own scheme
    # The bot token travels only over TLS to Slack's own hosts.
    return parts.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com"))


def download(f: SharedFile, dest: Path, *, token: str, api_url: str, max_bytes: int, timeout: float = 60.0) -> str:
    """Download ``f`` to ``dest`` with the bot token (streamed, size-capped); returns its SHA-256.
    The token is only ever sent to Slack's file host (or the configured API host)."""
    if not _allowed_host(f.url, api_url):
        raise FileRefused(f"{f.name} is not hosted by Slack; I only download files from Slack.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with httpx.stream("GET", f.url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout,
                          follow_redirects=False) as resp:
            # Without access Slack redirects to its login page instead of failing.
            if resp.status_code != 200 or "text/html" in resp.headers.get("content-type", ""):
                raise FileRefused(f"Slack did not let me download {f.name} (HTTP {resp.status_code}); "
                                  "the app needs the files:read scope.")
            with dest.open("wb") as out:
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileRefused(f"{f.name} is larger than {max_bytes / 1_000_000:g} MB; I import files up to "
                                          f"{max_bytes / 1_000_000:g} MB.")
                    digest.update(chunk)
                    out.write(chunk)
    except httpx.HTTPError as exc:
        raise FileRefused(f"Could not download {f.name} from Slack ({type(exc).__name__}).") from None
    except FileRefused:
        dest.unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "file"
    return cleaned[-120:]


# --- Block Kit -------------------------------------------------------------------------------


def preview_blocks(action_id: str, name: str, detection: Any) -> list[bk.Block]:
    """The preview: kind, rows and mapping, with Import / Cancel buttons."""
    rows = detection.rows
    text = (f"*{safe(name, limit=200)}* looks like *{detection.kind}*: {rows:,} row{'s' if rows != 1 else ''}; "
            f"{safe(detection.mapping_text(), limit=2000)}; import?")
    blocks = [bk.section(text[: bk.SECTION_TEXT_LIMIT])]
    if detection.warnings:
        blocks.append(bk.context_block(safe("; ".join(detection.warnings), limit=1500)))
    blocks.append({"type": "actions", "block_id": f"imp:{action_id}", "elements": [
        bk.button("Import", IMPORT, action_id, style="primary"),
        bk.button("Cancel", CANCEL, action_id),
    ]})
    return blocks


def _preview_text(name: str, detection: Any) -> str:
    return safe(f"{name}: {detection.rows:,} {detection.kind} rows; {detection.mapping_text()}; import?", limit=2000)


def report_text(report: Any, name: str) -> str:
    """The import report (the lines ``kolpilot import`` prints) as one code block."""
    from integrations.sources.imports import report_lines

    lines = report_lines(report, file=name, more_hint="the full list is in `kolpilot import --json`")
    body, used, cut = [], 0, 0
    for line in lines:
        if used + len(line) > _REPORT_LIMIT:
            cut += 1
            continue
        body.append(line)
        used += len(line) + 1
    if cut:
        body.append(f"... {cut} more line(s)")
    return "```\n" + safe("\n".join(body)) + "\n```"


# --- the flow --------------------------------------------------------------------------------


def offer(svc: SlackServices, sctx: SlackContext, file_ids: list[str], *, thread_ts: str | None) -> None:
    """Preview each shared file in the background (called by the listeners; no I/O here)."""
    for fid in [f for f in file_ids if f][:MAX_FILES_PER_MESSAGE]:
        def job(fid: str = fid) -> None:
            _preview(svc, sctx, fid, thread_ts)

        def apologise(_exc: BaseException) -> None:
            svc.responder_for(sctx).post(sctx.channel_id, APOLOGY, thread_ts=thread_ts)

        if not svc.worker.submit(sctx.conversation_id, job, on_error=apologise, label="file"):
            svc.refuse(sctx, "Sorry, I'm handling a lot of requests right now. Please share the file again in a minute.")


def file_ids_of(event: dict[str, Any]) -> list[str]:
    """The ids of the files attached to a message event."""
    return [str(f.get("id")) for f in event.get("files") or [] if isinstance(f, dict) and f.get("id")]


def _max_bytes(svc: SlackServices) -> int:
    return int(svc.settings.slack_import_max_mb * 1_000_000)


def _workdir(svc: SlackServices, workspace_id: str, file_id: str) -> Path:
    return Path(svc.settings.data_dir) / "slack-files" / _safe_name(workspace_id) / _safe_name(file_id)


def _fetch(svc: SlackServices, sctx: SlackContext, file_id: str) -> tuple[SharedFile, Path]:
    client = svc.responder_for(sctx).client  # the installation's bot token (OAuth: per workspace)
    try:
        info = client.files_info(file=file_id).get("file") or {}
    except SlackApiError as exc:
        raise FileRefused(f"Slack would not describe that file ({exc.response.get('error')}).") from None
    f = describe(info, max_bytes=_max_bytes(svc))
    dest = _workdir(svc, sctx.workspace_id, file_id) / ("upload" + f.suffix)
    download(f, dest, token=client.token or "", api_url=svc.settings.slack_api_url,
             max_bytes=_max_bytes(svc))
    return f, dest


def _preview(svc: SlackServices, sctx: SlackContext, file_id: str, thread_ts: str | None) -> None:
    from integrations.sources.imports import as_csv, detect, mapping_dict
    from memory.db import session_scope
    from memory.repo import actions as actions_repo
    from memory.repo.events import claim

    svc.runtime.ensure_workspace(sctx.workspace_id)
    if not claim(svc.runtime.engine, key=f"file:{sctx.workspace_id}:{file_id}", source=EVENT_SOURCE,
                 workspace_id=sctx.workspace_id):
        return  # the other event about the same file (message + file_shared), or a retry
    try:
        f, path = _fetch(svc, sctx, file_id)
        detection = detect(as_csv(path), file_name=f.name)
    except UserError as exc:  # FileRefused, CsvImportError: one line
        svc.responder_for(sctx).post(sctx.channel_id, safe(str(exc).splitlines()[0], limit=500), thread_ts=thread_ts)
        return
    payload = {"file_id": file_id, "name": f.name, "path": str(path), "kind": detection.kind,
               "mapping": mapping_dict(detection.mapping), "platform": detection.platform, "rows": detection.rows,
               "shared_by": sctx.user_id, "channel": sctx.channel_id}
    with session_scope(svc.runtime.sessions) as s:
        action = actions_repo.create(
            s, workspace_id=sctx.workspace_id, kind=ACTION_KIND, requested_by=sctx.user_id,
            summary=f"Import {detection.rows:,} {detection.kind} rows from {f.name}"[:1000], payload=payload,
            conversation_id=sctx.conversation_id)
        action_id = action.id
    svc.responder_for(sctx).post(sctx.channel_id, _preview_text(f.name, detection), thread_ts=thread_ts,
                       blocks=preview_blocks(action_id, f.name, detection))


def decide(svc: SlackServices, sctx: SlackContext, action_id: str, *, do_import: bool, body: dict[str, Any]) -> None:
    """An Import or Cancel click on a preview (in the background)."""
    message = body.get("message") or {}

    def job() -> None:
        _decide(svc, sctx, action_id, do_import=do_import, message=message)

    def apologise(_exc: BaseException) -> None:
        svc.responder_for(sctx).post(sctx.channel_id, APOLOGY, thread_ts=sctx.thread_ts)

    svc.worker.submit(f"{sctx.conversation_id}:import", job, on_error=apologise, label="import")


def _decide(svc: SlackServices, sctx: SlackContext, action_id: str, *, do_import: bool, message: dict[str, Any]) -> None:
    from memory.db import session_scope
    from memory.models.common import ActionStatus
    from memory.repo import actions as actions_repo
    from memory.repo import audit

    responder = svc.responder_for(sctx)

    def tell(text: str) -> None:
        responder.ephemeral(sctx.channel_id, sctx.user_id, text, thread_ts=sctx.thread_ts)

    with session_scope(svc.runtime.sessions) as s:
        action = actions_repo.get(s, workspace_id=sctx.workspace_id, action_id=action_id)
        if action is None or action.kind != ACTION_KIND:
            tell("This import is no longer available; share the file again.")
            return
        payload = dict(action.payload)
        if sctx.user_id != payload.get("shared_by") and sctx.user_id not in set(svc.settings.approvers):
            audit.record(s, workspace_id=sctx.workspace_id, actor=sctx.user_id, action="import_refused",
                         entity="pending_action", entity_id=action.id, after={"reason": "not the sharer or an approver"},
                         conversation_id=sctx.conversation_id)
            tell("Sorry, only the person who shared the file (or an approver) can import it.")
            return
        new = ActionStatus.approved if do_import else ActionStatus.rejected
        if not actions_repo.claim(s, workspace_id=sctx.workspace_id, action_id=action.id, decided_by=sctx.user_id,
                                  new_status=new):
            tell(f"This file was already {'imported or cancelled' if action.status == 'pending' else action.status}.")
            return
    name = str(payload.get("name") or "the file")
    if not do_import:
        _settle(svc, sctx, action_id, message, f"Import of {safe(name, limit=200)} cancelled by {user_mention(sctx.user_id)}.")
        return
    _settle(svc, sctx, action_id, message, f"Importing {safe(name, limit=200)} (started by {user_mention(sctx.user_id)})…")
    status, result = ActionStatus.failed, "failed"
    try:
        report = _import(svc, sctx, payload)
        status, result = ActionStatus.executed, report.summary()
        responder.post(sctx.channel_id, report_text(report, name), thread_ts=sctx.thread_ts)
        outcome = f"Imported {safe(name, limit=200)}: {safe(report.summary())} (by {user_mention(sctx.user_id)})."
    except UserError as exc:
        result = str(exc).splitlines()[0]
        responder.post(sctx.channel_id, f"Could not import {safe(name, limit=200)}: {safe(result, limit=500)}",
                           thread_ts=sctx.thread_ts)
        outcome = f"Import of {safe(name, limit=200)} failed."
    finally:
        with session_scope(svc.runtime.sessions) as s:
            action = actions_repo.get(s, workspace_id=sctx.workspace_id, action_id=action_id)
            if action is not None:
                actions_repo.finish(s, action=action, status=status, result=result)
    _settle(svc, sctx, action_id, message, outcome)


def _import(svc: SlackServices, sctx: SlackContext, payload: dict[str, Any]) -> Any:
    from integrations.sources.imports import import_file

    path = Path(str(payload.get("path") or ""))
    if not path.is_file():  # another instance previewed it: fetch it again
        _, path = _fetch(svc, sctx, str(payload.get("file_id")))
    settings = svc.settings
    report = import_file(svc.runtime.sessions, payload["kind"], workspace_id=sctx.workspace_id, path=path,
                         mapping=payload.get("mapping") or None, platform=payload.get("platform"),
                         er_posts=settings.er_posts, er_window_days=settings.er_window_days,
                         default_currency=settings.default_currency, workdir=path.parent)
    report.file = str(payload.get("name") or path.name)
    _reindex(svc, report)
    return report


def _reindex(svc: SlackServices, report: Any) -> None:
    """As ``kolpilot import``: bring the search index up to date; a failure is a warning."""
    if not (report.changed_creator_ids or report.changed_collaboration_ids):
        return
    from memory.indexing import reindex_after_change

    try:
        reindex_after_change(svc.runtime.sessions, svc.runtime.vectors, workspace_id=report.workspace_id,
                             creator_ids=report.changed_creator_ids,
                             collaboration_ids=report.changed_collaboration_ids)
    except Exception as exc:  # noqa: BLE001 - any store/embedder failure becomes one warning line
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        report.warnings.append(f"search index not updated ({first}); run `kolpilot index rebuild`")


def _settle(svc: SlackServices, sctx: SlackContext, action_id: str, message: dict[str, Any], text: str) -> None:
    """Replace the preview's buttons by what happened."""
    ts = message.get("ts")
    if not ts:
        return
    new = bk.context_block(text)
    new["block_id"] = f"imp:{action_id}"
    blocks = bk.replace_block(message.get("blocks") or [], f"imp:{action_id}", new)
    if not any(b is new for b in blocks):
        blocks.append(new)
    try:
        svc.responder_for(sctx).update(sctx.channel_id, ts, message.get("text") or text, blocks=blocks)
    except SlackApiError as exc:
        log.info("could not update an import preview: %s", exc.response.get("error"))


# --- listeners -------------------------------------------------------------------------------


def register(app: App, svc: SlackServices) -> None:
    """The Import / Cancel buttons and the ``file_shared`` event (DMs only: it names no thread)."""
    from slack_bolt import Ack, BoltContext

    from integrations.slack.context import from_action, from_event, is_dm_channel

    def on_click(ack: Ack, body: dict, action: dict, context: BoltContext, *, do_import: bool) -> None:
        ack()
        sctx = from_action(context, body)
        if sctx is None:
            return
        if refusal := svc.policy.check(sctx):
            svc.refuse(sctx, refusal, thread_ts=sctx.thread_ts)
            return
        decide(svc, sctx, str(action.get("value") or ""), do_import=do_import, body=body)

    @app.action(IMPORT)
    def on_import(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        on_click(ack, body, action, context, do_import=True)

    @app.action(CANCEL)
    def on_cancel(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
        on_click(ack, body, action, context, do_import=False)

    @app.event("file_shared")
    def on_file_shared(body: dict, event: dict, context: BoltContext) -> None:
        channel, user = event.get("channel_id"), event.get("user_id")
        fid = event.get("file_id") or (event.get("file") or {}).get("id")
        if not (channel and user and fid) or not is_dm_channel(str(channel)):
            return  # in channels a file comes with a message (a mention, or in kolpilot's thread)
        if context.bot_user_id and user == context.bot_user_id:
            return
        sctx = from_event(context, body, {"channel": channel, "user": user, "ts": event.get("event_ts") or fid,
                                          "channel_type": "im"})
        if sctx is None:
            return
        if refusal := svc.policy.check(sctx):
            svc.refuse(sctx, refusal)
            return
        offer(svc, sctx, [str(fid)], thread_ts=None)
