"""Inbox intents: "any replies?", "what did @x say?", "accept @x's counter" (docs/inbox.md).
Accepting is the human's own message confirming the pending counter (the approver role is
re-checked in ``tools.approvals.decide``); a creator's e-mail can never reach it."""

from __future__ import annotations

from agent.planner.intents import IntentContext, IntentReply, intent
from agent.planner.reply import compose_generic
from agent.planner.workflow import campaign_for, mentioned_campaign, run, target_handles

INBOX = "Inbox"

_LIST = (r"\b(?:any|new|latest|recent|unread)\s+(?:e-?mail\s+)?(?:replies|answers|responses)\b|\bwho (?:has |have )?(?:replied|answered)\b|"
         r"\b(?:show|list|see|check)\b.*\b(?:replies|responses|inbox)\b|\b(?:did|has) any(?:one|body) (?:replied|reply|answered|answer|responded|respond|written back)\b|"
         r"^(?:replies|inbox)\??$")
_GET = r"\bwhat did\b.*\b(?:say|reply|answer|write|respond)\b|\b(?:show|read|open)\b.*(?:'s|’s)?\s*(?:reply|answer|response|e-?mail)\b"
_ACCEPT = r"\baccept\b.*\bcounter(?:-?offer)?\b"


@intent("list_replies", matcher=lambda c: 0.95 if c.matches(_LIST) and not c.handles else 0.0,
        examples=["any replies?", "who replied in Glow?"], description="Creators' replies read from the inbox",
        capability=INBOX, tools=["list_replies"])
def list_replies(ctx: IntentContext) -> IntentReply:
    return run(ctx, "list_replies", {"campaign": mentioned_campaign(ctx)}, "list the replies", intent="list_replies")


@intent("get_reply", matcher=lambda c: 0.96 if c.matches(_GET) and c.handles and not c.matches(_ACCEPT) else 0.0,
        examples=["what did @skin.by.sam say?"], description="Read a creator's reply", capability=INBOX, tools=["get_reply"])
def get_reply(ctx: IntentContext) -> IntentReply:
    hs = target_handles(ctx)
    return run(ctx, "get_reply", {"handle": "@" + hs[0], "campaign": campaign_for(ctx, allow_memory=False),
                                  "full": ctx.matches(r"\b(?:full|whole|entire|quoted)\b")}, "read the reply", intent="get_reply")


@intent("accept_counter", matcher=lambda c: 0.97 if c.matches(_ACCEPT) and c.handles else 0.0,
        examples=["accept @skin.by.sam's counter"], description="Accept a counter-offer made by e-mail (approvers)",
        capability=INBOX, tools=["accept_counter"])
def accept_counter(ctx: IntentContext) -> IntentReply:
    from tools.approvals import decide

    hs = target_handles(ctx)
    args = {"handle": "@" + hs[0], "campaign": campaign_for(ctx, allow_memory=False)}
    outcome = ctx.call("accept_counter", args)
    if not outcome.ok or outcome.result is None:
        if (outcome.error or "").lower().startswith("which campaign"):
            return run(ctx, "accept_counter", args, "find the counter", intent="accept_counter")
        return IntentReply(compose_generic(outcome, "find the counter"), remember=False)
    # The person typing is the human confirming; decide() re-checks that they are an approver.
    action_id = outcome.result.pending_action_ids[0]
    decision = decide(ctx.tool_ctx, action_id, approve=True)
    if not decision.ok:
        ctx.memory.extra["last_pending_actions"] = [action_id]
        return IntentReply(f"{outcome.result.summary}\n{decision.message}", intent="accept_counter", remember=False)
    return IntentReply(decision.message, intent="accept_counter", remember=False)
