"""Campaign charts as PNG files, rendered headless (matplotlib Agg)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field

from memory.domain.money import exponent
from tools.base import CampaignName, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.metrics.summary import SummarizeCampaignInput, summarize

ChartKind = Literal["roas_by_creator", "cumulative", "spend_vs_budget", "all"]


def _plt():  # noqa: ANN202 - matplotlib is imported lazily and headless
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def file_slug(text: str) -> str:
    """A file-name-safe slug of a campaign name ("Glow Q3" → "glow-q3")."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "campaign"


def roas_by_creator(ctx: ToolContext, campaign: str, out: Path, limit: int = 15) -> Path:
    sm = summarize(ctx, SummarizeCampaignInput(campaign=campaign, group_by="creator", limit=100_000))
    rows = [g for g in sm.groups if g.metrics["roas"].value is not None]
    rows.sort(key=lambda g: g.metrics["roas"].value or 0, reverse=True)
    rows = rows[:limit]
    if not rows:
        raise ToolError(f"no creator in {sm.campaign} has a computable ROAS yet (needs cost and revenue)")
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, max(3, 0.4 * len(rows) + 1.5)), dpi=110)
    ax.barh([g.key for g in reversed(rows)], [g.metrics["roas"].value for g in reversed(rows)], color="#6c5ce7")
    ax.axvline(1.0, color="#d63031", linestyle="--", linewidth=1, label="break-even (1.0x)")
    ax.set_xlabel("ROAS (revenue / cost)")
    ax.set_title(f"{sm.campaign}: ROAS by creator")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def cumulative_series(ctx: ToolContext, campaign: str) -> tuple[list[str], list[int], list[float], str, str]:
    """Day by day running totals of conversions and revenue over the whole campaign period.

    Every day is included (the summary is asked for all its day groups, then put in date order),
    so the last point equals the campaign summary's totals. Returns (days, conversions, revenue,
    currency, campaign name)."""
    sm = summarize(ctx, SummarizeCampaignInput(campaign=campaign, group_by="day", limit=100_000))
    if not sm.groups:
        raise ToolError(f"{sm.campaign} has no metric snapshots yet")
    days, conv, rev = [], [], []
    c = r = 0
    unit = 10 ** exponent(sm.currency)  # minor units per currency unit
    for g in sorted(sm.groups, key=lambda g: g.key):
        c += g.conversions
        r += g.revenue_cents
        days.append(g.key)
        conv.append(c)
        rev.append(r / unit)
    return days, conv, rev, sm.currency, sm.campaign


def cumulative(ctx: ToolContext, campaign: str, out: Path) -> Path:
    days, conv, rev, currency, name = cumulative_series(ctx, campaign)
    plt = _plt()
    import datetime as dt

    x = [dt.date.fromisoformat(d) for d in days]
    fig, ax1 = plt.subplots(figsize=(9, 4), dpi=110)
    ax1.plot(x, conv, color="#0984e3", label="conversions")
    ax1.set_ylabel("cumulative conversions")
    ax2 = ax1.twinx()
    ax2.plot(x, rev, color="#00b894", label=f"revenue ({currency})")
    ax2.set_ylabel(f"cumulative revenue ({currency})")
    ax1.set_title(f"{name}: cumulative conversions and revenue")
    fig.autofmt_xdate()
    fig.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def spend_vs_budget(ctx: ToolContext, campaign: str, out: Path) -> Path:
    sm = summarize(ctx, SummarizeCampaignInput(campaign=campaign))
    if "budget" not in sm.pacing:
        raise ToolError(f"{sm.campaign} has no budget set")
    t = sm.totals
    from memory.db import session_scope
    from memory.repo import crm

    with session_scope(ctx.sessions) as s:
        budget = crm.campaign_or_error(s, workspace_id=ctx.workspace_id, name=campaign).budget_cents or 0
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4), dpi=110)
    unit = 10 ** exponent(sm.currency)
    ax.bar(["budget", "spent"], [budget / unit, t.cost_cents / unit], color=["#b2bec3", "#e17055"])
    ax.set_ylabel(sm.currency)
    ax.set_title(f"{sm.campaign}: spend vs budget ({sm.pacing.get('status', '')})")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def render(ctx: ToolContext, campaign: str, kind: ChartKind, out_dir: Path) -> list[Path]:
    """Render the requested chart(s) into ``out_dir``; returns the PNG paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    makers = {"roas_by_creator": roas_by_creator, "cumulative": cumulative, "spend_vs_budget": spend_vs_budget}
    chosen = list(makers) if kind == "all" else [kind]
    paths, errors = [], []
    for name in chosen:
        try:
            paths.append(makers[name](ctx, campaign, out_dir / f"{file_slug(campaign)}-{name}.png"))
        except ToolError as exc:
            if kind != "all":
                raise
            errors.append(str(exc))
    if not paths:
        raise ToolError("; ".join(errors) or "nothing to chart")
    return paths


class ChartInput(ToolInput):
    """Draw campaign charts as PNG images."""

    campaign: CampaignName = Field(description="Campaign name")
    chart: ChartKind = Field("all", description="roas_by_creator, cumulative (conversions and revenue over time), spend_vs_budget, or all")


class ChartResult(ToolResult):
    kind: str = "charts"
    campaign: str


@tool(ToolTier.read, progress="Drawing charts…")
def chart_campaign(ctx: ToolContext, args: ChartInput) -> ChartResult:
    """Render ROAS by creator, cumulative conversions and revenue, and spend vs budget as PNG files
    (attached in Slack, saved to files in the terminal)."""
    out_dir = Path(ctx.settings.data_dir) / "charts"
    paths = render(ctx, args.campaign, args.chart, out_dir)
    return ChartResult(summary=f"{len(paths)} chart(s) for {args.campaign}: " + ", ".join(str(p) for p in paths),
                       campaign=args.campaign, files=[str(p) for p in paths])


def chart_dir(ctx: ToolContext) -> Path:
    return Path(ctx.settings.data_dir) / "charts"
