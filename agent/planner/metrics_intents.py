"""Metrics intents: campaign summaries, top performers, comparisons, charts, exports, and
numbers reported in conversation."""

from __future__ import annotations

import re
from typing import Any

from agent.planner import parse as P
from agent.planner.intents import IntentContext, IntentReply, intent
from agent.planner.reply import compose_generic
from agent.planner.workflow import campaign_for, campaign_or_ask, mentioned_campaign, run, target_handles
from memory.domain.money import Money, MoneyError, parse_money
from tools.metrics.summary import LOWER_IS_BETTER

METRICS = "Metrics"

METRIC_WORDS = {
    "cpa": r"cpa|cost per (?:acquisition|conversion|sale|order)",
    "cpc": r"cpc|cost per click",
    "cpe": r"cpe|cost per engagement",
    "cpm": r"cpm|cost per (?:thousand|mille)",
    "roas": r"roas|return on ad spend",
    "roi": r"roi|return on investment",
    "ctr": r"ctr|click[- ]?through(?: rate)?",
    "conversion_rate": r"conversion rate",
    "er_by_reach": r"engagement rate(?: by reach)?|\ber\b",
    "er_by_followers": r"engagement rate by followers",
    "conversions": r"conversions|sales|orders",
    "revenue": r"revenue|sales value|income",
    "clicks": r"clicks",
    "impressions": r"impressions",
    "reach": r"reach",
    "engagements": r"engagements",
    "emv": r"emv|earned media value|media value",
}
GROUPS = {"creator": r"creators?|influencers? each|per creator|by creator", "tier": r"tiers?", "platform": r"platforms?|channels?",
          "kind": r"kols? vs\.? influencers?|influencers? vs\.? kols?|kind|kols? and influencers?", "niche": r"niches?",
          "country": r"countr(?:y|ies)|markets?", "week": r"week(?:ly)?|per week", "day": r"day|daily|per day"}


def metric_in(text: str) -> str | None:
    """The metric named in the text (most specific first)."""
    for name in ("er_by_followers", "conversion_rate", "cpa", "cpc", "cpe", "cpm", "roas", "roi", "ctr", "emv", "er_by_reach",
                 "revenue", "conversions", "clicks", "impressions", "reach", "engagements"):
        if re.search(rf"\b(?:{METRIC_WORDS[name]})\b", text):
            return name
    return None


def group_in(text: str) -> str | None:
    m = re.search(r"\b(?:by|per|for each|broken down by|split by|grouped by)\s+(\w+(?:\s+vs\.?\s+\w+)?)", text)
    if m:
        for g, pat in GROUPS.items():
            if re.search(rf"\b(?:{pat})\b", m.group(1)):
                return g
    return None


def _m_summary(c: IntentContext) -> float:
    if c.matches(r"\b(?:how (?:is|was|are|did)|how'?s)\b.*\b(?:campaign|doing|perform|going|results?)\b") or \
            c.matches(r"\b(?:summar(?:y|ise|ize)|results|report|performance|metrics|numbers|kpis?|stats)\b.*\b(?:campaign|for|of)\b") or \
            (mentioned_campaign(c) and c.matches(r"\b(?:summar(?:y|ise|ize)|results|report|performance|metrics|doing|numbers)\b")):
        return 0.8
    return 0.0


@intent("summarize_campaign", matcher=_m_summary,
        examples=["how is the Glow Q3 campaign doing?", "Glow Q3 results by tier", "summary of Fit Fall by week"],
        description="Summarise campaign metrics", capability=METRICS, tools=["summarize_campaign"])
def summarize(ctx: IntentContext) -> IntentReply:
    args: dict[str, Any] = {"group_by": group_in(ctx.low) or ("creator" if ctx.matches(r"\bper creator|each creator\b") else "none")}
    dates = re.findall(r"\b20\d{2}-\d{2}-\d{2}\b", ctx.text)
    if len(dates) >= 2:
        args["start"], args["end"] = dates[0], dates[1]
    ask = campaign_or_ask(ctx, "summarize_campaign", args, "summarise the campaign")
    if ask:
        return ask
    args["chart"] = "roas_by_creator" if args["group_by"] == "creator" else "cumulative" if args["group_by"] in ("none", "day", "week") else "none"
    outcome = ctx.call("summarize_campaign", args)
    if not outcome.ok or outcome.result is None:
        return IntentReply(compose_generic(outcome, "summarise the campaign"), remember=False)
    ctx.memory.last_campaign = outcome.result.campaign
    return IntentReply(compose_summary(outcome.result), intent="summarize_campaign", remember=False)


def compose_summary(r: Any) -> str:
    t = r.totals
    m = t.metrics
    lines = [r.narrative, "",
             f"Impressions {t.impressions:,} · reach {t.reach:,} · views {t.views:,} · engagements {t.engagements:,}",
             f"ER {m['er_by_reach'].display} (by reach) · {m['er_by_followers'].display} (by followers, per post)",
             f"Clicks {t.clicks:,} · CTR {m['ctr'].display} · conversions {t.conversions:,} · conversion rate {m['conversion_rate'].display}",
             f"Revenue {t.revenue} · cost {t.cost} (fees + product + shipping)",
             f"CPM {m['cpm'].display} · CPC {m['cpc'].display} · CPE {m['cpe'].display} · CPA {m['cpa'].display}",
             f"ROAS {m['roas'].display} · ROI {m['roi'].display} · EMV {m['emv'].display} ({r.emv_method})"]
    if r.groups:
        lines.append("")
        lines.append(f"By {r.group_by} ({r.groups_total} group{'s' if r.groups_total != 1 else ''}{', top ' + str(len(r.groups)) if r.groups_total > len(r.groups) else ''}):")
        for g in r.groups[:15]:
            gm = g.metrics
            lines.append(f"  {g.key}: {g.impressions:,} impr · {g.clicks:,} clicks · {g.conversions:,} conv · {g.revenue} rev · "
                         f"cost {g.cost} · ROAS {gm['roas'].display} · CPA {gm['cpa'].display}")
    if r.change_vs_previous:
        lines.append("vs previous period: " + ", ".join(f"{k} {v.display}" for k, v in r.change_vs_previous.items()))
    if r.notes:
        lines.append("Notes: " + "; ".join(r.notes) + ".")
    for f in r.files:
        lines.append(f"Chart: {f}")
    return "\n".join(lines)


def ranking_order(low: str, metric: str) -> str:
    """'worst performers' / 'weakest' / 'bottom 3' → worst first; 'lowest ROAS' is the worst ROAS,
    but 'lowest CPA' is the best CPA (cost metrics: lower is better)."""
    if re.search(r"\b(?:worst|weakest|bottom|underperform\w*|least (?:efficient|effective))\b", low):
        return "worst"
    lower_is_better = metric in LOWER_IS_BETTER
    if re.search(r"\blowest\b", low):
        return "best" if lower_is_better else "worst"
    if re.search(r"\bhighest\b", low):
        return "worst" if lower_is_better else "best"
    return "best"


@intent("top_performers", matcher=lambda c: 0.85 if c.matches(r"\b(?:best|top|highest|lowest|worst|strongest|weakest|most efficient)\b") and (metric_in(c.low) or c.matches(r"\bperform")) and not c.matches(r"\bfind\b|\bsearch\b") else 0.0,
        examples=["which creators had the best ROAS?", "top 5 creators by CPA in Glow Q3"],
        description="Rank creators by a metric", capability=METRICS, tools=["top_performers"])
def top(ctx: IntentContext) -> IntentReply:
    metric = metric_in(ctx.low) or "roas"
    lim = re.search(r"\b(?:top|bottom|worst)\s+(\d+)\b", ctx.low)
    args: dict[str, Any] = {"metric": metric, "by": group_in(ctx.low) if group_in(ctx.low) not in (None, "day", "week") else "creator",
                            "limit": int(lim.group(1)) if lim else 5, "order": ranking_order(ctx.low, metric)}
    ask = campaign_or_ask(ctx, "top_performers", args, "rank the creators")
    if ask:
        return ask
    outcome = ctx.call("top_performers", args)
    if not outcome.ok or outcome.result is None:
        return IntentReply(compose_generic(outcome, "rank the creators"), remember=False)
    r = outcome.result
    lines = [r.summary]
    for i, g in enumerate(r.rows, 1):
        val = g.metrics[metric].display if metric in g.metrics else f"{getattr(g, metric, '')}"
        lines.append(f"{i}. {g.key} — {metric.upper()} {val} · revenue {g.revenue} · cost {g.cost} · {g.impressions:,} impressions")
    if r.basis:
        lines.append(f"({metric.upper()} = {r.basis})")
    return IntentReply("\n".join(lines), intent="top_performers", remember=False)


def _m_compare(c: IntentContext) -> float:
    if c.matches(r"\bcompare (?:the|them|those|@)"):
        return 0.0
    versus = c.matches(r"\bvs\.?\b|\bversus\b|\bcompare(?:d)? (?:kols?|influencers?|tiers?|platforms?|campaigns?)\b|\bcompare\b.*\band\b")
    if versus and metric_in(c.low):
        return 0.95  # "KOLs vs influencers on CPA" is about results, not a mix recommendation
    if versus and c.matches(r"\bkols?\b|\btiers?\b|\bplatforms?\b|campaign"):
        return 0.87
    return 0.0


@intent("compare_segments", matcher=_m_compare,
        examples=["KOLs vs influencers on cost per acquisition", "compare Glow Q3 and Fit Fall"],
        description="Compare KOLs vs influencers, tiers, platforms or campaigns", capability=METRICS, tools=["compare_segments"])
def compare(ctx: IntentContext) -> IntentReply:
    from agent.planner.workflow import campaign_names

    metric = metric_in(ctx.low)
    named = [n for n in campaign_names(ctx) if n.lower() in ctx.low]
    if len(named) >= 2:
        args: dict[str, Any] = {"dimension": "campaign", "campaigns": named, "metric": metric}
    else:
        dim = "kind" if ctx.matches(r"\bkols?\b|\binfluencers?\b|\bexperts?\b") else "tier" if ctx.matches(r"\btiers?\b|\bnano|micro|macro|mega") \
            else "platform" if ctx.matches(r"\bplatforms?\b|instagram|tiktok|youtube") else "country" if ctx.matches(r"\bcountr") else "kind"
        args = {"dimension": dim, "metric": metric}
        ask = campaign_or_ask(ctx, "compare_segments", args, "compare")
        if ask:
            return ask
    outcome = ctx.call("compare_segments", args)
    if not outcome.ok or outcome.result is None:
        return IntentReply(compose_generic(outcome, "compare"), remember=False)
    r = outcome.result
    lines = [r.summary]
    for g in r.rows:
        gm = g.metrics
        lines.append(f"  {g.key}: {g.creators} creator(s) · {g.impressions:,} impr · {g.conversions:,} conv · revenue {g.revenue} · "
                     f"cost {g.cost} · CPA {gm['cpa'].display} · ROAS {gm['roas'].display} · CTR {gm['ctr'].display}")
    return IntentReply("\n".join(lines), intent="compare_segments", remember=False)


@intent("export_metrics", matcher=lambda c: 0.9 if c.matches(r"^(?:please\s+)?export\b|\b(?:export|download)\b.*\b(?:csv|xlsx|excel|spreadsheet|metrics|results|it|that)\b") else 0.0,
        examples=["export it", "export Glow Q3 to Excel"], description="Export campaign metrics to CSV or XLSX", capability=METRICS,
        tools=["export_metrics"])
def export(ctx: IntentContext) -> IntentReply:
    fmt = "xlsx" if ctx.matches(r"\b(?:xlsx|excel|spreadsheet)\b") else "csv"
    args: dict[str, Any] = {"format": fmt, "group_by": group_in(ctx.low) or "creator"}
    ask = campaign_or_ask(ctx, "export_metrics", args, "export")
    if ask:
        return ask
    return run(ctx, "export_metrics", args, "export", intent="export_metrics")


@intent("chart_campaign", matcher=lambda c: 0.9 if c.matches(r"\b(?:chart|graph|plot|visuali[sz]e)\b") else 0.0,
        examples=["chart the Glow Q3 results"], description="Draw campaign charts (PNG)", capability=METRICS, tools=["chart_campaign"])
def chart(ctx: IntentContext) -> IntentReply:
    kind = "roas_by_creator" if ctx.matches(r"\broas\b") else "cumulative" if ctx.matches(r"\b(?:over time|cumulative|trend)\b") \
        else "spend_vs_budget" if ctx.matches(r"\b(?:budget|spend)\b") else "all"
    args: dict[str, Any] = {"chart": kind}
    ask = campaign_or_ask(ctx, "chart_campaign", args, "draw the charts")
    if ask:
        return ask
    return run(ctx, "chart_campaign", args, "draw the charts", intent="chart_campaign")


_NUM = r"(\d[\d,.]*\s*[km]?)"
_VOLUME = {"views": r"views?", "impressions": r"impressions?", "reach": r"reach", "likes": r"likes?", "comments": r"comments?",
           "shares": r"shares?", "saves": r"saves?", "clicks": r"(?:link\s+)?clicks?", "conversions": r"conversions?|sales|orders"}


def _volumes(text: str) -> dict[str, int]:
    from agent.planner.parse import parse_number

    out = {}
    for field, pat in _VOLUME.items():
        m = re.search(rf"{_NUM}\s+(?:{pat})\b", text) or re.search(rf"\b(?:{pat})\s*(?:of|:|=)?\s*{_NUM}", text)
        if m:
            v = parse_number(m.group(1).replace(" ", ""))
            if v is not None:
                out[field] = int(v)
    return out


def _revenue(text: str) -> Money | None:
    """"$1,200 in revenue" / "1.200 € sales": the amount with a currency right before the word
    (memory.domain.money), else None."""
    m = re.search(r"\s+(?:in\s+)?(?:revenue|sales)\b", text, re.I)
    if not m:
        return None
    head = text[:m.start()]
    for i in [0] + [w.end() for w in re.finditer(r"\s", head)]:  # the longest tail that is an amount
        try:
            money = parse_money(head[i:], "USD")
        except MoneyError:
            continue
        if money.explicit:
            return money
    return None


@intent("log_metrics", matcher=lambda c: 0.9 if (c.handles or c.refs.found) and len(_volumes(c.low)) >= 1 and c.matches(r"\b(?:has|have|got|reached|is at|now at|hit|did)\b") and not c.matches(r"\bfind\b|\bover\b") else 0.0,
        examples=["@skin.by.sam's reel has 48k views and 1,240 link clicks"], description="Log reported numbers for a deliverable",
        capability=METRICS, tools=["log_metrics"])
def log_metrics(ctx: IntentContext) -> IntentReply:
    hs = target_handles(ctx)
    if len(hs) != 1:
        return IntentReply("Whose numbers are these? Name one creator with @handle.", remember=False)
    m = re.search(r"\b(reel|story|post|video|short|tiktok|article|episode)\b", ctx.low)
    revenue = _revenue(ctx.text)
    args = {"handle": "@" + hs[0], "campaign": campaign_for(ctx, allow_memory=False), "deliverable": m.group(1) if m else None,
            **_volumes(ctx.low), "revenue": P.money_arg(revenue)}
    return run(ctx, "log_metrics", args, "log the numbers", intent="log_metrics")
