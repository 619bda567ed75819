"""Metric exports: the per-creator summary of a campaign as CSV or XLSX."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Literal

from pydantic import Field

from memory.domain.money import from_minor
from tools.base import CampaignName, Handle, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.metrics.summary import MetricsRow, SummarizeCampaignInput, summarize

PERCENT_COLUMNS = {"er_by_reach", "er_by_followers", "ctr", "conversion_rate", "roi"}  # fractions, shown as %
MONEY_COLUMNS = {"revenue", "cost", "cpm", "cpc", "cpe", "cpa", "emv"}
METRIC_COLUMNS = ["er_by_reach", "er_by_followers", "ctr", "conversion_rate", "cpm", "cpc", "cpe", "cpa", "roas", "roi", "emv"]
BASE_COLUMNS = ["key", "creators", "deliverables", "impressions", "reach", "views", "engagements", "clicks", "conversions",
                "revenue", "cost"]


def _record(r: MetricsRow, currency: str) -> dict[str, object]:
    rec: dict[str, object] = {c: getattr(r, c) for c in BASE_COLUMNS}
    rec["revenue"] = float(from_minor(r.revenue_cents, currency))
    rec["cost"] = float(from_minor(r.cost_cents, currency))
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
    rows = [{k: _cell(v, raw) for k, v in r.items()} for r in [_record(g, sm.currency) for g in sm.groups] + [{**_record(sm.totals, sm.currency), "key": "TOTAL"}]]
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

    campaign: CampaignName = Field(description="Campaign name")
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
    from tools.metrics.charts import file_slug

    out = Path(ctx.settings.data_dir) / "exports" / f"{file_slug(args.campaign)}-{args.group_by}.{args.format}"
    export(ctx, args.campaign, args.format, out, args.group_by)
    return ExportResult(summary=f"Exported {args.campaign} by {args.group_by} to {out}", campaign=args.campaign, file=str(out),
                        format=args.format, files=[str(out)])


# --- creators ---------------------------------------------------------------------------------

CREATOR_EXPORT_COLUMNS = [
    "platform", "handle", "display_name", "followers", "engagement_rate", "avg_likes", "avg_comments", "avg_views",
    "country", "city", "language", "niches", "bio", "email", "kind", "credentials", "profile_url",
    "audience_top_country", "audience_female_pct", "audience_age_18_34_pct",
]  # the columns of creators.csv (DESIGN 5), so the file imports back as it is


class ExportCreatorsInput(ToolInput):
    """Export creators as a CSV or Excel file in the creators.csv import format: the creators of the
    last list shown ("export these creators"), or the handles named."""

    handles: list[Handle] = Field(default_factory=list, max_length=1000,
                                  description="Handles to export; empty = the creators of the last list shown")
    format: Literal["csv", "xlsx"] = Field("csv", description="csv or xlsx")


class ExportCreatorsResult(ToolResult):
    kind: str = "creators_export"
    file: str
    format: str
    rows: int


def _creator_rows(ctx: ToolContext, handles: list[str]) -> list[dict[str, object]]:
    from sqlmodel import select

    from memory.db import session_scope
    from memory.models import Account, Creator

    wanted = [h.strip().lstrip("@").lower() for h in handles if h.strip().lstrip("@")]
    with session_scope(ctx.sessions) as s:
        q = select(Account, Creator).join(Creator, Creator.id == Account.creator_id).where(  # type: ignore[arg-type]
            Account.workspace_id == ctx.workspace_id)
        if wanted:
            pairs = list(s.exec(q.where(Account.handle.in_(wanted))))  # type: ignore[attr-defined]
            found = {a.handle for a, _ in pairs}
            missing = [h for h in wanted if h not in found]
            if missing:
                raise ToolError(f"creator @{missing[0]} not found" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
            order = {h: i for i, h in enumerate(wanted)}
            pairs.sort(key=lambda p: (order.get(p[0].handle, len(order)), p[0].platform))
        else:
            ids = list(dict.fromkeys(ctx.memory.last_creator_ids))
            if not ids:
                raise ToolError("which creators? Search for creators first, or name them with @handles")
            pairs = list(s.exec(q.where(Account.creator_id.in_(ids))))  # type: ignore[attr-defined]
            order = {cid: i for i, cid in enumerate(ids)}
            pairs.sort(key=lambda p: (order.get(p[0].creator_id, len(order)), p[0].platform, p[0].handle))
        rows = []
        for acc, person in pairs:
            rows.append({
                "platform": acc.platform, "handle": acc.handle, "display_name": person.name, "followers": acc.followers,
                "engagement_rate": acc.engagement_rate, "avg_likes": acc.avg_likes, "avg_comments": acc.avg_comments,
                "avg_views": acc.avg_views, "country": person.country, "city": person.city, "language": person.language,
                "niches": person.niches, "bio": person.bio, "email": person.email, "kind": person.kind,
                "credentials": person.credentials, "profile_url": acc.profile_url,
                "audience_top_country": person.audience_top_country, "audience_female_pct": person.audience_female_pct,
                "audience_age_18_34_pct": person.audience_age_18_34_pct,
            })
    return rows


@tool(ToolTier.read, progress="Exporting creators…")
def export_creators(ctx: ToolContext, args: ExportCreatorsInput) -> ExportCreatorsResult:
    """Export creators (the last list shown, or the handles named) to a CSV or XLSX file in the
    creators.csv import format; in Slack the file is attached to the thread."""
    import uuid

    rows = [{k: _cell(v, False) for k, v in r.items()} for r in _creator_rows(ctx, list(args.handles))]
    out = Path(ctx.settings.data_dir) / "exports" / f"creators-{len(rows)}-{uuid.uuid4().hex[:8]}.{args.format}"
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.format == "csv":
        with out.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=CREATOR_EXPORT_COLUMNS)
            w.writeheader()
            w.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    else:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "creators"
        ws.append(CREATOR_EXPORT_COLUMNS)
        for r in rows:
            ws.append([r.get(c) for c in CREATOR_EXPORT_COLUMNS])
        for row in ws.iter_rows():  # text is text: openpyxl would store "=..." as a live formula
            for c in row:
                if isinstance(c.value, str):
                    c.data_type = "s"
        wb.save(out)
    return ExportCreatorsResult(summary=f"Exported {len(rows)} creator account(s) to {out}", file=str(out),
                                format=args.format, rows=len(rows), files=[str(out)])
