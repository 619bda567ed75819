"""Post-detection intents: "did @x post yet?", "check for new posts" — run detection now
(``tools.crm.post_detection.detect_posts``): sync recent posts, match them to the campaign."""

from __future__ import annotations

from agent.planner.intents import IntentContext, IntentReply, intent
from agent.planner.workflow import mentioned_campaign, run, target_handles

_DID_POST = r"\b(?:did|has|have)\b.*\b(?:post|posted|publish|published|go live|gone live|went live)\b"
_CHECK = (r"\b(?:check|look|scan|detect|any)\b.*\b(?:new |recent )?posts?\b(?!.*\b(?:about|on|in the last)\b)|"
          r"\bpost detection\b|\bdetect posts\b")


def _match(c: IntentContext) -> float:
    if c.matches(_DID_POST) and (c.handles or c.refs.found) and c.matches(r"\byet\b|\balready\b|\?$"):
        return 0.93
    if c.matches(_CHECK) and not c.matches(r"\b(?:creators?|influencers?|who posted)\b"):
        return 0.9
    return 0.0


@intent("detect_posts", matcher=_match, examples=["did @skin.by.sam post yet?", "check for new posts"],
        description="Check whether approved or due content went live (matched by code, link, brand or hashtag)",
        capability="CRM", tools=["detect_posts"])
def detect_posts(ctx: IntentContext) -> IntentReply:
    hs = target_handles(ctx) if (ctx.handles or ctx.refs.found) and ctx.matches(_DID_POST) else []
    args = {"handle": "@" + hs[0] if hs else None, "campaign": mentioned_campaign(ctx)}
    return run(ctx, "detect_posts", args, "check for new posts", intent="detect_posts")
