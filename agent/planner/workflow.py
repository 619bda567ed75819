"""Shared helpers for the workflow intents (CRM, metrics, outreach): finding the campaign a
message talks about, the creators it names, and asking instead of guessing."""

from __future__ import annotations

import re
from typing import Any

from agent.planner.intents import IntentContext, IntentReply
from agent.planner.reply import compose_generic


def campaign_names(ctx: IntentContext) -> list[str]:
    """The workspace's campaign names (cached for the turn)."""
    cache = ctx.__dict__.setdefault("_campaign_names", None)
    if cache is None:
        from memory.db import session_scope
        from memory.repo.crm import list_campaigns

        with session_scope(ctx.tool_ctx.sessions) as s:
            cache = [c.name for c in list_campaigns(s, workspace_id=ctx.tool_ctx.workspace_id)]
        ctx.__dict__["_campaign_names"] = cache
    return cache


def mentioned_campaign(ctx: IntentContext) -> str | None:
    """A campaign named in the message (longest name first, case-insensitive)."""
    for name in sorted(campaign_names(ctx), key=len, reverse=True):
        if re.search(rf"(?<![\w]){re.escape(name.lower())}(?![\w])", ctx.low):
            return name
    m = re.search(r"\bcampaign\s+[\"“']?([\w][\w &'’.-]{1,60}?)[\"”']?(?:$|[,.?!]| for | with | from | to | by )", ctx.text, re.I)
    return m.group(1).strip() if m else None


def campaign_for(ctx: IntentContext, *, allow_memory: bool = True) -> str | None:
    """The campaign of the message: named, else the conversation's current one, else the only one."""
    named = mentioned_campaign(ctx)
    if named:
        return named
    if allow_memory and ctx.memory.last_campaign:
        return ctx.memory.last_campaign
    names = campaign_names(ctx)
    return names[0] if len(names) == 1 else None


def which_campaign(ctx: IntentContext, *, intent: str, slots: dict[str, Any]) -> IntentReply:
    names = campaign_names(ctx)
    listed = ", ".join(names[:8]) if names else "there are no campaigns yet — create one first"
    return ctx.ask(f"Which campaign? ({listed})", intent=intent, slots=slots)


def campaign_or_ask(ctx: IntentContext, tool: str, args: dict[str, Any], doing: str) -> IntentReply | None:
    """Put the message's campaign into ``args``; without one, the question to ask (answering it
    resumes this same tool call)."""
    camp = campaign_for(ctx)
    if camp is None:
        return which_campaign(ctx, intent="resume_with_campaign", slots={"tool": tool, "args": args, "doing": doing})
    args["campaign"] = camp
    return None


def target_handles(ctx: IntentContext, *, allow_focus: bool = True) -> list[str]:
    """Handles the message names or refers to ("@x", "her", "the second one", "those three")."""
    if ctx.handles:
        return [h.lstrip("@") for h in ctx.handles]
    res = ctx.refs
    if res.found and (allow_focus or res.how != "focus"):
        return [r.handle.lstrip("@") for r in res.refs]
    return []


def run(ctx: IntentContext, tool: str, args: dict[str, Any], doing: str, *, intent: str) -> IntentReply:
    """Call a tool; a "Which campaign?" error becomes a question that resumes the same call."""
    outcome = ctx.call(tool, args)
    if not outcome.ok and (outcome.error or "").lower().startswith("which campaign"):
        return ctx.ask(outcome.error or "Which campaign?", intent="resume_with_campaign", slots={"tool": tool, "args": args, "doing": doing})
    if outcome.ok and outcome.result is not None:
        camp = getattr(outcome.result, "campaign", None)
        if isinstance(camp, str):
            ctx.memory.last_campaign = camp
        if outcome.result.pending_action_ids:
            # "approve it" / "reject that" in the next message refers to these.
            ctx.memory.extra["last_pending_actions"] = list(outcome.result.pending_action_ids)
    text = compose_generic(outcome, doing)
    if outcome.ok and outcome.result is not None and outcome.result.pending_action_ids:
        text += "\nAn approver can confirm with “approve it” (or Slack's Approve button / `kolpilot actions approve`)."
    return IntentReply(text, intent=intent, remember=False)
