"""Export intents: "export these creators" (the last list shown, or the @handles named) as a
CSV or Excel file in the creators.csv format. Campaign metric exports are in
``metrics_intents`` ("export Glow Q3 to Excel")."""

from __future__ import annotations

from typing import Any

from agent.planner.intents import IntentContext, IntentReply, intent
from agent.planner.workflow import run

EXPORTS = "Exports"

_CREATORS = r"\b(?:creators?|influencers?|kols?|accounts?|(?:this|that|the) list|them|these|those)\b"
_METRICS = r"\b(?:metrics?|results?|campaign|performance|roas|cpa|report|summary|(?:by|per) creator)\b"


def _m_export_creators(c: IntentContext) -> float:
    if not c.matches(r"\b(?:export|download)\b") or c.matches(_METRICS):
        return 0.0
    if c.matches(_CREATORS) or c.handles:
        return 0.95  # above metrics' "export …" (0.9): these words name creators, not a campaign
    return 0.0


@intent("export_creators", matcher=_m_export_creators,
        examples=["export these creators", "export them to Excel", "export @skin.by.sam and @dewy.owen as csv"],
        description="Export creators (the last list, or named ones) to CSV or XLSX", capability=EXPORTS,
        tools=["export_creators"])
def export_creators(ctx: IntentContext) -> IntentReply:
    fmt = "xlsx" if ctx.matches(r"\b(?:xlsx|excel|spreadsheet)\b") else "csv"
    args: dict[str, Any] = {"format": fmt, "handles": [h.lstrip("@") for h in ctx.handles]}
    return run(ctx, "export_creators", args, "export the creators", intent="export_creators")
