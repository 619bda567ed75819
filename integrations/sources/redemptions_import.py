"""Discount-code redemptions CSV: ``code, orders, revenue, currency, date`` (one row per
code and day; a re-import of the same file changes nothing).

Redemptions feed attribution (DESIGN section 1: a discount code beats a link): campaign
summaries credit a collaboration's conversions and revenue from its codes' redemptions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from integrations.sources.csv_import import (
    CsvImportError,
    DuplicateRow,
    FormulaCells,
    ImportReport,
    RejectedRow,
    new_report,
    read_csv,
)
from integrations.sources.csv_normalize import (
    normalize_header,
    parse_count,
    parse_currency,
    parse_date,
    parse_money,
)
from memory.db import session_scope
from memory.domain.money import to_minor
from memory.models import CodeRedemption, Collaboration, DiscountCode
from memory.repo.metrics import refresh_latest

REQUIRED = ("code", "orders", "date")
SYNONYMS = {"code": {"code", "discount code", "coupon", "coupon code", "promo code", "discount_code"},
            "orders": {"orders", "order count", "uses", "redemptions", "times used"},
            "revenue": {"revenue", "sales", "total sales", "order value", "amount"},
            "currency": {"currency", "cur"},
            "date": {"date", "day", "order date"}}


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, h in enumerate(header):
        norm = normalize_header(h)
        for field, names in SYNONYMS.items():
            if field not in found and norm in {normalize_header(n) for n in names}:
                found[field] = i
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        raise CsvImportError(f"missing required column(s): {', '.join(missing)} (found: {', '.join(header)})")
    return found


def import_redemptions(
    session_factory: sessionmaker[Session],
    *,
    workspace_id: str,
    path: str | Path,
    default_currency: str = "USD",
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Upsert redemptions by (code, date). Unknown codes, bad values and lines broken by a stray
    quote are rejected rows with their line number; the rest is imported in one transaction."""
    csv_text = read_csv(path)
    cols = _columns(csv_text.header)
    report = new_report("redemptions", csv_text, workspace_id=workspace_id, file=str(path))
    formulas = FormulaCells([cols["code"]])
    with session_scope(session_factory) as s:
        codes = {c.code.upper(): c for c in s.exec(select(DiscountCode).where(DiscountCode.workspace_id == workspace_id))}
        seen: dict[tuple[str, date], int] = {}
        campaigns: set[int] = set()
        done = 0
        for line, cells in csv_text.records():
            formulas.check(line, cells)
            done += 1
            if on_progress:
                on_progress(done, csv_text.rows)

            def cell(field: str, cells: list[str] = cells) -> str | None:
                i = cols.get(field)
                return cells[i] if i is not None and i < len(cells) else None

            try:
                code = (cell("code") or "").strip().upper()
                if not code:
                    raise ValueError("code: empty")
                if code not in codes:
                    raise ValueError(f"code: unknown discount code {code!r} (create it first)")
                day = parse_date(cell("date"))
                if day is None:
                    raise ValueError("date: empty")
                orders = parse_count(cell("orders"))
                if orders is None:
                    raise ValueError("orders: empty")
                money = parse_money(cell("revenue")) if cell("revenue") else None
                currency = parse_currency(cell("currency")) or (money[1] if money else None) or default_currency
                revenue_cents = to_minor(money[0], currency) if money else 0
            except ValueError as exc:
                report.rejected.append(RejectedRow(line=line, reason=str(exc).splitlines()[0]))
                continue
            key = (code, day)
            if key in seen:
                report.duplicates.append(DuplicateRow(line=line, duplicate_of=seen[key]))
                continue
            seen[key] = line
            row = s.exec(select(CodeRedemption).where(CodeRedemption.workspace_id == workspace_id, CodeRedemption.code == code,
                                                      CodeRedemption.date == day)).first()
            values = {"orders": int(orders), "revenue_cents": revenue_cents, "currency": currency}
            if row is None:
                s.add(CodeRedemption(workspace_id=workspace_id, code=code, date=day, **values))
                report.inserted += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                report.updated += 1
            else:
                report.unchanged += 1
            collab = s.get(Collaboration, codes[code].collaboration_id)
            if collab is not None:
                campaigns.add(collab.campaign_id)
                if collab.id not in report.changed_collaboration_ids:
                    report.changed_collaboration_ids.append(collab.id)
        s.flush()
        refresh_latest(s, campaign_ids=campaigns)
    formulas.warn(report, csv_text.path.name)
    report.rejected.sort(key=lambda r: r.line)
    return report
