"""Fee benchmark intents: "what do we usually pay micro influencers for a reel?", "typical fee
for a tiktok video from a macro creator", "fee benchmarks for nano instagram" → ``fee_benchmarks``."""

from __future__ import annotations

import re
from typing import Any

from agent.planner.intents import IntentContext, IntentReply, intent
from agent.planner.workflow import run
from memory.domain.deliverables import mentioned_kind
from memory.domain.money import COMMON_CODES, WORDS, is_currency

CRM = "CRM"

_USUAL = r"\b(?:usual(?:ly)?|typical(?:ly)?|normal(?:ly)?|average|median|going rate|market rate|benchmarks?|how much do we (?:pay|spend))\b"
_FEE = r"\b(?:pay|paid|paying|fees?|rates?|cost|costs|charge|charges|price|prices)\b"


def _m_benchmarks(c: IntentContext) -> float:
    if c.matches(r"\bfee benchmarks?\b") or (c.matches(_USUAL) and c.matches(_FEE) and not c.matches(r"\bengagement|\ber\b|\bcpm\b|\broas\b")):
        return 0.96  # above search's reading of "micro influencers": the question is about fees
    return 0.0


def _currency(ctx: IntentContext) -> str | None:
    m = re.search(r"\bin\s+([A-Za-z]{3,7})\b", ctx.text)
    if not m:
        return None
    word = m.group(1)
    if word.lower() in WORDS:
        return WORDS[word.lower()]
    return word.upper() if len(word) == 3 and is_currency(word) and (word.isupper() or word.upper() in COMMON_CODES) else None


@intent("fee_benchmarks", matcher=_m_benchmarks,
        examples=["what do we usually pay micro influencers for a reel?", "typical fee for a tiktok video from a macro creator",
                  "fee benchmarks for nano instagram"],
        description="Fee benchmarks from our agreed fees", capability=CRM, tools=["fee_benchmarks"])
def fee_benchmarks(ctx: IntentContext) -> IntentReply:
    f = ctx.parsed.filters
    tiers, platforms = f.get("tiers") or [], f.get("platforms") or []
    args: dict[str, Any] = {"tier": tiers[0] if tiers else None, "platform": platforms[0] if platforms else None,
                            "deliverable": mentioned_kind(ctx.text), "currency": _currency(ctx)}
    return run(ctx, "fee_benchmarks", args, "compute the fee benchmarks", intent="fee_benchmarks")
