"""Metrics tools: summarize_campaign, top_performers, compare_segments, log_metrics."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from memory.db import session_scope
from memory.domain.money import format_money, to_minor
from memory.repo import crm
from tools.base import BigCount, CampaignName, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.metrics.engine import IDX, Converter, aggregate, previous_period
from tools.metrics.formulas import Metric, Totals, compute, metric_arrays, pct_change

GroupBy = Literal["none", "creator", "tier", "platform", "kind", "niche", "country", "day", "week"]
MetricName = Literal["roas", "roi", "cpa", "cpc", "cpe", "cpm", "ctr", "conversion_rate", "er_by_reach", "er_by_followers",
                     "revenue", "conversions", "clicks", "impressions", "reach", "engagements", "emv"]
LOWER_IS_BETTER = {"cpa", "cpc", "cpe", "cpm"}


class MetricsRow(ToolResult):
    kind: str = "metrics_row"
    summary: str = ""
    key: str
    creators: int
    deliverables: int
    impressions: int
    reach: int
    views: int
    engagements: int
    clicks: int
    conversions: int
    revenue: str
    revenue_cents: int
    cost: str
    cost_cents: int
    metrics: dict[str, Metric]


def _row(key: str, t: Totals, currency: str, ctx: ToolContext, *, per_period: bool = False) -> MetricsRow:
    m = compute(t, currency=currency, emv_method=ctx.settings.emv_method, emv_cpm=ctx.settings.emv_cpm)
    if per_period:
        for k in ("cpm", "cpc", "cpe", "cpa", "roas", "roi"):
            m[k] = Metric(value=None, display="n/a (costs are not dated)", reason="costs are not dated")
    return MetricsRow.model_construct(kind="metrics_row", summary="", pending_action_ids=[], key=key, creators=len(t.creators), deliverables=t.deliverables, impressions=t.impressions, reach=t.reach,
                      views=t.views, engagements=t.engagements, clicks=t.clicks, conversions=t.conversions,
                      revenue=format_money(t.revenue_cents, currency), revenue_cents=t.revenue_cents,
                      cost=format_money(t.cost_cents, currency), cost_cents=t.cost_cents, metrics=m)


def metric_value(row: MetricsRow, name: str) -> float | str | None:
    if name in row.metrics:
        return row.metrics[name].value
    if name == "revenue":
        return row.revenue  # formatted in the campaign's currency (minor units differ: ¥ has none)
    return float(getattr(row, name))


class CampaignSummary(ToolResult):
    kind: str = "campaign_summary"
    campaign: str
    brand: str
    currency: str
    period: dict[str, str | None]
    group_by: str
    totals: MetricsRow
    groups: list[MetricsRow]
    groups_total: int = 0
    pacing: dict[str, Any]
    change_vs_previous: dict[str, Metric] | None = None
    emv_method: str
    attribution: str
    notes: list[str] = Field(default_factory=list)
    narrative: str


class SummarizeCampaignInput(ToolInput):
    """Summarise a campaign's results, optionally for a period and grouped by a dimension."""

    campaign: CampaignName = Field(description="Campaign name")
    start: date | None = Field(None, description="First day of the period (YYYY-MM-DD); omit for the whole campaign")
    end: date | None = Field(None, description="Last day of the period (YYYY-MM-DD)")
    group_by: GroupBy = Field("none", description="Break down by creator, tier, platform, kind (KOL vs influencer), niche, country, day or week")
    limit: int = Field(50, ge=1, le=100_000, description="Most groups to list (largest revenue first); the totals always cover all")
    chart: Literal["none", "roas_by_creator", "cumulative", "spend_vs_budget"] = Field(
        "none", description="Also draw this chart as a PNG (attached in Slack, saved to a file in the terminal)")


def _converter(ctx: ToolContext) -> Converter:
    return Converter(ctx.settings.fx_rates, ctx.settings.default_currency)


def _pacing(camp: Any, spent_cents: int, today: date) -> dict[str, Any]:
    if not camp.budget_cents:
        return {"status": "no budget set"}
    spent_pct = spent_cents / camp.budget_cents
    out: dict[str, Any] = {"budget": format_money(camp.budget_cents, camp.currency), "spent": format_money(spent_cents, camp.currency),
                           "spent_pct": round(spent_pct * 100, 1)}
    if camp.start_date and camp.end_date:
        days = (camp.end_date - camp.start_date).days + 1
        elapsed = min(max((today - camp.start_date).days + 1, 0), days)
        time_pct = elapsed / days
        out["time_elapsed_pct"] = round(time_pct * 100, 1)
        if spent_pct > 1:
            out["status"] = "over budget"
        elif time_pct >= 1:
            out["status"] = "finished within budget"
        elif spent_pct > time_pct + 0.15:
            out["status"] = "spending ahead of schedule"
        elif spent_pct < time_pct - 0.15:
            out["status"] = "spending behind schedule"
        else:
            out["status"] = "on track"
    else:
        out["status"] = "over budget" if spent_pct > 1 else "within budget"
    return out


def summarize(ctx: ToolContext, args: SummarizeCampaignInput) -> CampaignSummary:
    """The engine behind summarize_campaign (also used by charts and exports)."""
    if args.start and args.end and args.end < args.start:
        raise ToolError("end is before start")
    today = ctx.clock().date()
    conv = _converter(ctx)
    with session_scope(ctx.sessions) as s:
        try:
            camp = crm.campaign_or_error(s, workspace_id=ctx.workspace_id, name=args.campaign)
        except LookupError as exc:
            raise ToolError(str(exc)) from None
        common = dict(workspace_id=ctx.workspace_id, campaign=camp, today=today, window_days=ctx.settings.attribution_window_days,
                      convert=conv, cutoffs=ctx.settings.tier_cutoffs)
        agg = aggregate(s, group_by=args.group_by, start=args.start, end=args.end, **common)
        grand = agg.total if args.group_by not in ("day", "week") else aggregate(
            s, group_by="none", start=args.start, end=args.end, **common).total
        change = None
        if args.start and args.end:
            ps, pe = previous_period(args.start, args.end)
            prev = aggregate(s, group_by="none", start=ps, end=pe, **common).total
            new_m, old_m = compute(grand, currency=camp.currency), compute(prev, currency=camp.currency)
            change = {
                "impressions": pct_change(grand.impressions, prev.impressions),
                "clicks": pct_change(grand.clicks, prev.clicks),
                "conversions": pct_change(grand.conversions, prev.conversions),
                "revenue": pct_change(grand.revenue_cents, prev.revenue_cents),
                "ctr": pct_change(new_m["ctr"].value, old_m["ctr"].value),
            }
    per_period = args.group_by in ("day", "week")
    totals = _row("total", grand, camp.currency, ctx)
    order = list(range(len(agg.keys)))
    if not per_period and agg.keys:
        # Largest revenue first, then impressions, then name — on the matrix, before building any rows.
        import numpy as np

        rev, imp = agg.sums[:, IDX["revenue_cents"]], agg.sums[:, IDX["impressions"]]
        names = np.array(agg.keys, dtype=object)
        # np.lexsort: last key is primary — revenue desc, then impressions desc, then name.
        order = np.lexsort((np.argsort(np.argsort(names, kind="stable")), -imp, -rev)).tolist()
    groups = [_row(agg.keys[i], agg.totals(i), camp.currency, ctx, per_period=per_period) for i in order[: args.limit]]
    notes = list(dict.fromkeys(agg.notes + [f"{c}: no exchange rate" for c in sorted(conv.missing)]))
    narrative = _narrative(camp, totals, groups, args, _pacing(camp, grand.cost_cents, today))
    return CampaignSummary(
        summary=narrative.split("\n")[0], campaign=camp.name, brand=camp.brand, currency=camp.currency,
        period={"start": args.start.isoformat() if args.start else (camp.start_date.isoformat() if camp.start_date else None),
                "end": args.end.isoformat() if args.end else (agg.as_of.isoformat() if agg.as_of else None)},
        group_by=args.group_by, totals=totals, groups=groups if args.group_by != "none" else [],
        groups_total=len(agg.keys) if args.group_by != "none" else 0,
        pacing=_pacing(camp, grand.cost_cents, today), change_vs_previous=change,
        emv_method=f"{ctx.settings.emv_method} ({format_money(to_minor(str(ctx.settings.emv_cpm), camp.currency), camp.currency)} CPM)"
        if ctx.settings.emv_method == "cpm_benchmark" else "none",
        attribution=f"discount code beats link; link = last click within {ctx.settings.attribution_window_days} days",
        notes=notes, narrative=narrative,
    )


def _narrative(camp: Any, t: MetricsRow, groups: list[MetricsRow], args: SummarizeCampaignInput, pacing: dict) -> str:
    m = t.metrics
    period = f" ({args.start} to {args.end})" if args.start or args.end else ""
    line = (f"{camp.name} ({camp.brand}){period}: {t.impressions:,} impressions, {t.clicks:,} clicks (CTR {m['ctr'].display}), "
            f"{t.conversions:,} conversions, {t.revenue} revenue on {t.cost} cost → ROAS {m['roas'].display}, ROI {m['roi'].display}.")
    extra = []
    if groups and args.group_by not in ("none", "day", "week"):
        best = [g for g in groups if g.metrics["roas"].value is not None]
        if best:
            b = max(best, key=lambda g: g.metrics["roas"].value or 0)
            extra.append(f"Best ROAS by {args.group_by}: {b.key} ({b.metrics['roas'].display}).")
    if pacing.get("status") and pacing.get("budget"):
        extra.append(f"Budget: {pacing['spent']} of {pacing['budget']} spent — {pacing['status']}.")
    return "\n".join([line, *extra])


@tool(ToolTier.read, progress="Crunching campaign metrics…")
def summarize_campaign(ctx: ToolContext, args: SummarizeCampaignInput) -> CampaignSummary:
    """Campaign results: impressions, reach, views, engagements, engagement rate by reach and by
    followers, clicks, CTR, conversions, conversion rate, revenue, cost (fees + product + shipping),
    CPM, CPC, CPE, CPA, ROAS, ROI and EMV (method named), budget pacing, and change against the
    previous period of the same length. Every ratio says its basis; impossible ratios say n/a and why."""
    ctx.memory.last_campaign = args.campaign
    result = summarize(ctx, args)
    if args.chart != "none":
        from tools.metrics.charts import chart_dir, render

        try:
            result.files = [str(p) for p in render(ctx, result.campaign, args.chart, chart_dir(ctx))]
        except ToolError as exc:  # no data to chart yet: the numbers still stand
            result.notes.append(f"no chart: {exc}")
    return result


class TopPerformersInput(ToolInput):
    """Rank creators (or another dimension) of a campaign by a metric, with minimum-volume guards."""

    campaign: CampaignName = Field(description="Campaign name")
    metric: MetricName = Field("roas", description="Metric to rank by (cpa/cpc/cpe/cpm: lower is better)")
    by: GroupBy = Field("creator", description="What to rank: creator (default), tier, platform, kind, niche or country")
    limit: int = Field(5, ge=1, le=50, description="How many to show")
    min_impressions: BigCount = Field(1000, description="Ignore rows with fewer impressions (too little volume to judge)")
    min_cost: float = Field(0, ge=0, description="Ignore rows that cost less than this (in the campaign currency)")
    order: Literal["best", "worst"] = Field("best", description="best first (default) or worst first; "
                                            "'best' already knows that a lower CPA/CPC/CPE/CPM is better")


class RankingResult(ToolResult):
    kind: str = "metrics_ranking"
    campaign: str
    metric: str
    by: str
    rows: list[MetricsRow]
    excluded: int
    basis: str | None = None


@tool(ToolTier.read, progress="Finding top performers…")
def top_performers(ctx: ToolContext, args: TopPerformersInput) -> RankingResult:
    """The best creators (or tiers, platforms…) of a campaign by ROAS, CPA, CTR, engagement rate
    or any other metric. Rows below the minimum volume are left out and counted."""
    if args.by in ("day", "week", "none"):
        raise ToolError("rank by creator, tier, platform, kind, niche or country")
    import numpy as np

    today = ctx.clock().date()
    with session_scope(ctx.sessions) as sess:
        try:
            camp = crm.campaign_or_error(sess, workspace_id=ctx.workspace_id, name=args.campaign)
        except LookupError as exc:
            raise ToolError(str(exc)) from None
        agg = aggregate(sess, workspace_id=ctx.workspace_id, campaign=camp, group_by=args.by, start=None, end=None, today=today,
                        window_days=ctx.settings.attribution_window_days, convert=_converter(ctx), cutoffs=ctx.settings.tier_cutoffs)
    if not agg.keys:
        return RankingResult(summary=f"{camp.name} has no results to rank yet.", campaign=camp.name, metric=args.metric, by=args.by,
                             rows=[], excluded=0)
    values = metric_arrays(agg.sums, IDX, camp.currency)[args.metric] if args.metric != "emv" else agg.sums[:, IDX["impressions"]].astype(float)
    ok = (agg.sums[:, IDX["impressions"]] >= args.min_impressions) & (agg.sums[:, IDX["cost_cents"]] >= to_minor(str(args.min_cost), camp.currency)) \
        & ~np.isnan(values)
    excluded = int((~ok).sum())
    candidates = np.flatnonzero(ok)
    lower_first = (args.metric in LOWER_IS_BETTER) != (args.order == "worst")
    ranked = sorted(candidates, key=lambda i: (values[i] if lower_first else -values[i], agg.keys[i]))[: args.limit]
    top = [_row(agg.keys[i], agg.totals(i), camp.currency, ctx) for i in ranked]
    if args.by == "creator":
        ctx.memory.last_handles = [g.key for g in top if g.key.startswith("@")]
    shown = ", ".join(f"{g.key} {g.metrics[args.metric].display if args.metric in g.metrics else metric_value(g, args.metric)}" for g in top)
    basis = top[0].metrics[args.metric].basis if top and args.metric in top[0].metrics else None
    return RankingResult(
        summary=(f"{'Top' if args.order == 'best' else 'Bottom'} {len(top)} by {args.metric} in {camp.name}"
                 f"{' (worst first)' if args.order == 'worst' else ''}: {shown}." if top else
                 f"No {args.by} in {camp.name} has enough volume to rank by {args.metric}.")
        + (f" ({excluded} left out below the volume guard or without a value.)" if excluded else ""),
        campaign=camp.name, metric=args.metric, by=args.by, rows=top, excluded=excluded, basis=basis)


class CompareInput(ToolInput):
    """Compare segments: KOLs vs influencers, tiers, platforms (within a campaign), or campaigns."""

    dimension: Literal["kind", "tier", "platform", "country", "niche", "campaign"] = Field(
        description="kind = KOLs vs influencers; campaign = compare whole campaigns")
    campaign: CampaignName | None = Field(None, description="Campaign to compare within (not for dimension=campaign)")
    campaigns: list[str] = Field(default_factory=list, description="Campaigns to compare when dimension=campaign")
    metric: MetricName | None = Field(None, description="Metric to highlight, e.g. cpa")


class ComparisonResult(ToolResult):
    kind: str = "metrics_comparison"
    dimension: str
    metric: str | None
    rows: list[MetricsRow]
    currency: str


@tool(ToolTier.read, progress="Comparing segments…")
def compare_segments(ctx: ToolContext, args: CompareInput) -> ComparisonResult:
    """Side-by-side metrics for KOLs vs influencers, tiers, platforms, countries or niches of a
    campaign, or for several campaigns."""
    if args.dimension == "campaign":
        if len(args.campaigns) < 2:
            raise ToolError("name at least two campaigns to compare")
        rows, currencies = [], set()
        for name in args.campaigns:
            sm = summarize(ctx, SummarizeCampaignInput(campaign=name))
            r = sm.totals.model_copy(update={"key": sm.campaign})
            rows.append(r)
            currencies.add(sm.currency)
        if len(currencies) > 1:
            raise ToolError(f"campaigns use different currencies ({', '.join(sorted(currencies))}); money metrics would mix")
        currency = currencies.pop()
    else:
        if not args.campaign:
            raise ToolError("which campaign?")
        sm = summarize(ctx, SummarizeCampaignInput(campaign=args.campaign, group_by=args.dimension))
        rows, currency = sm.groups, sm.currency
    metric = args.metric
    if metric:
        shown = "; ".join(f"{r.key}: {r.metrics[metric].display if metric in r.metrics else metric_value(r, metric)}" for r in rows)
        summary = f"{metric.upper()} by {args.dimension}: {shown}."
    else:
        shown = "; ".join(f"{r.key}: ROAS {r.metrics['roas'].display}, CPA {r.metrics['cpa'].display}" for r in rows)
        summary = f"By {args.dimension}: {shown}."
    return ComparisonResult(summary=summary, dimension=args.dimension, metric=metric, rows=rows, currency=currency)


