"""The reminders job: deliverables due within 48 h, overdue ones, payouts waiting for approval,
listed in the terminal and posted to the configured Slack channel, each once."""

from __future__ import annotations

import logging

from agent.runtime import Runtime

log = logging.getLogger(__name__)


def run(runtime: Runtime, workspace_id: str) -> list[str]:
    """One pass; returns the lines shown in the terminal."""
    from tools.crm.reminders import claim_new, due_reminders

    runtime.ensure_workspace(workspace_id)
    ctx = runtime.tool_context(user_id="worker", workspace_id=workspace_id)
    fresh = claim_new(ctx, runtime.engine, due_reminders(ctx))
    settings = runtime.settings
    if fresh and settings.slack_reminder_channel and settings.slack_bot_token:
        from integrations.slack.notify import post_text

        post_text(settings, channel=settings.slack_reminder_channel,
                  text="*kolpilot reminders*\n" + "\n".join(f"• {r.text}" for r in fresh))
    return [f"[reminder] {r.text}" for r in fresh]
