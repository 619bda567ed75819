"""The post-detection job of ``kolpilot worker``: did approved or due content go live?

Each pass runs ``tools.crm.post_detection.detect`` for the workspace: collaborations with
content approved, or deliverables due within ``DUE_WITHIN_DAYS`` (or past due), have their
creators' recent posts synced (the ``kolpilot sync posts`` path, auto source; at most once an
hour per workspace, claimed in ``processed_event``, so feeds are not fetched every minute) and
matched to the campaign. Each match and each "due and no matching post" flag is told to the
marketer in Slack (the reminder channel) once. The notifier, the sync and ``now`` are
injectable for tests.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from agent.jobs.inbox import Notifier, slack_notifier
from agent.runtime import Runtime

log = logging.getLogger(__name__)

DUE_WITHIN_DAYS = 7


def run(runtime: Runtime, workspace_id: str, *, now: datetime | None = None, notify: Notifier | None = None,
        sync=None) -> list[str]:  # noqa: ANN001 - sync(handles) -> error lines
    """One pass; returns the lines shown in the terminal."""
    from memory.repo import events
    from tools.crm.post_detection import detect

    runtime.ensure_workspace(workspace_id)
    ctx = runtime.tool_context(user_id="worker", workspace_id=workspace_id)
    when = now or datetime.now(UTC)
    ctx.clock = lambda: when
    if sync is None:
        hour = when.strftime("%Y-%m-%dT%H")
        if events.claim(runtime.engine, key=f"post:{workspace_id}:sync:{hour}", source="post_detection", workspace_id=workspace_id):
            sync = runtime.posts_sync(workspace_id)
    report = detect(ctx, sync=sync, due_within_days=DUE_WITHIN_DAYS)
    lines = [f"[posts] {n.text}" for n in report.notices] + [f"[posts] sync: {e}" for e in report.errors]
    notify = notify or slack_notifier(runtime.settings)
    if notify is not None:
        for n in report.notices:
            try:
                notify(n.text, [])
            except Exception:  # noqa: BLE001 - the terminal line is still shown
                log.warning("could not post a post-detection notice to Slack", exc_info=True)
    return lines
