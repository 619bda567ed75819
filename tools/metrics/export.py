"""Metric exports: the per-creator summary of a campaign as CSV or XLSX."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Literal

from pydantic import Field

from tools.base import ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.metrics.summary import MetricsRow, SummarizeCampaignInput, summarize

PERCENT_COLUMNS = {"er_by_reach", "er_by_followers", "ctr", "conversion_rate", "roi"}  # fractions, shown as %
MONEY_COLUMNS = {"revenue", "cost", "cpm", "cpc", "cpe", "cpa", "emv"}
METRIC_COLUMNS = ["er_by_reach", "er_by_followers", "ctr", "conversion_rate", "cpm", "cpc", "cpe", "cpa", "roas", "roi", "emv"]
BASE_COLUMNS = ["key", "creators", "deliverables", "impressions", "reach", "views", "engagements", "clicks", "conversions",
                "revenue", "cost"]


def _record(r: MetricsRow) -> dict[str, object]:
    rec: dict[str, object] = {c: getattr(r, c) for c in BASE_COLUMNS}
    rec["revenue"] = r.revenue_cents / 100
    rec["cost"] = r.cost_cents / 100
    for m in METRIC_COLUMNS:
        rec[m] = r.metrics[m].value  # numbers in files; n/a stays empty
    return rec


_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # as integrations.sources.csv_export (tools cannot import it)


def _cell(value: object, raw: bool) -> object:
    """Text a spreadsheet would run as a formula gets a leading ' (OWASP); numbers stay numbers."""
    if isinstance(value, str) and not raw and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


def export(ctx: ToolContext, campaign: str, fmt: Literal["csv", "xlsx"], path: Path, group_by: str = "creator",
           raw: bool = False) -> Path:
    """Write the campaign summary grouped by ``group_by`` (plus a total row) to ``path``; text
    cells are neutralised against formula injection unless ``raw``."""
    sm = summarize(ctx, SummarizeCampaignInput(campaign=campaign, group_by=group_by, limit=100_000))  # type: ignore[arg-type]
    rows = [{k: _cell(v, raw) for k, v in r.items()} for r in [_record(g) for g in sm.groups] + [{**_record(sm.totals), "key": "TOTAL"}]]
    header = BASE_COLUMNS + METRIC_COLUMNS
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=header)
            w.writeheader()
            w.writerows(rows)
    elif fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = re.sub(r"[\\/*?:\[\]]", "-", sm.campaign)[:31] or "summary"  # characters Excel forbids in sheet names
        ws.append(header)
        for r in rows:
            ws.append([r.get(c) for c in header])
        for col, name in enumerate(header, start=1):  # rates as percentage cells, money with two decimals
            fmt_code = "0.00%" if name in PERCENT_COLUMNS else "#,##0.00" if name in MONEY_COLUMNS else '0.00"x"' if name == "roas" else None
            if fmt_code:
                for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                    cell.number_format = fmt_code
        notes = wb.create_sheet("notes")
        for line in [f"currency: {sm.currency}", f"EMV method: {sm.emv_method}", f"attribution: {sm.attribution}", *sm.notes,
                     "er_by_reach = engagements / reach; er_by_followers = engagements / (followers x posts)"]:
            notes.append([_cell(line, raw)])
        for sheet in (ws, notes):  # text is text: openpyxl would store "=..." as a live formula
            for row in sheet.iter_rows():
                for c in row:
                    if isinstance(c.value, str):
                        c.data_type = "s"
        wb.save(path)
    else:
        raise ToolError(f"unknown format {fmt!r}: use csv or xlsx")
    return path


class ExportInput(ToolInput):
    """Export a campaign's metrics to a CSV or Excel file."""

    campaign: str = Field(description="Campaign name")
    format: Literal["csv", "xlsx"] = Field("csv", description="csv or xlsx")
    group_by: Literal["creator", "tier", "platform", "kind", "niche", "country", "day", "week"] = Field("creator", description="Rows of the file")


class ExportResult(ToolResult):
    kind: str = "export"
    campaign: str
    file: str
    format: str


@tool(ToolTier.read, progress="Exporting…")
def export_metrics(ctx: ToolContext, args: ExportInput) -> ExportResult:
    """Export the campaign summary (one row per creator by default, plus a total) as CSV or XLSX."""
    from tools.metrics.charts import _slug

    out = Path(ctx.settings.data_dir) / "exports" / f"{_slug(args.campaign)}-{args.group_by}.{args.format}"
    export(ctx, args.campaign, args.format, out, args.group_by)
    return ExportResult(summary=f"Exported {args.campaign} by {args.group_by} to {out}", campaign=args.campaign, file=str(out),
                        format=args.format, files=[str(out)])
