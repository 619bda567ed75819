"""Campaign metric formulas (DESIGN section 1), pure and unit-tested.

Every ratio is a ``Metric``: a value, a display string, and — when it cannot be computed — the
reason instead of a division by zero ("n/a: no clicks"). Rates say their basis.

Definitions:
  engagements              = likes + comments + shares + saves
  ER by reach              = engagements / reach
  ER by followers          = engagements / (followers x deliverables)   (per post)
  CTR                      = clicks / impressions
  conversion rate          = conversions / clicks
  CPM = cost / impressions x 1000;  CPC = cost / clicks;  CPE = cost / engagements;
  CPA = cost / conversions; ROAS = revenue / cost;  ROI = (revenue - cost) / cost
  cost                     = agreed fees + product + shipping
  EMV (cpm_benchmark)      = impressions / 1000 x benchmark CPM   (the method is named in the output)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel

from memory.money import format_money


class Metric(BaseModel):
    """A computed figure with its display and, when not computable, the reason."""

    value: float | None
    display: str
    reason: str | None = None
    basis: str | None = None


def _na(reason: str, basis: str | None = None) -> Metric:
    return Metric(value=None, display=f"n/a ({reason})", reason=reason, basis=basis)


def ratio(num: float, den: float, *, zero_reason: str, kind: str = "pct", currency: str | None = None,
          basis: str | None = None, scale: float = 1.0) -> Metric:
    """num / den x scale, formatted as a percentage, a multiple ("x"), or money (cents → currency)."""
    if not den:
        return _na(zero_reason, basis)
    v = num / den * scale
    if kind == "pct":
        disp = f"{v * 100:.2f}%"
    elif kind == "x":
        disp = f"{v:.2f}x"
    elif kind == "money":
        cents = (Decimal(num) / Decimal(den) * Decimal(str(scale))).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        disp = format_money(int(cents), currency)
        v = v / 100  # cents → currency units
    else:
        disp = f"{v:,.2f}"
    return Metric(value=round(v, 6), display=disp, basis=basis)


@dataclass
class Totals:
    """Additive volumes of a group (money in cents of one currency)."""

    impressions: int = 0
    reach: int = 0
    views: int = 0
    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    clicks: int = 0
    conversions: int = 0
    revenue_cents: int = 0
    cost_cents: int = 0
    fee_cents: int = 0
    product_cents: int = 0
    shipping_cents: int = 0
    followers_x_deliverables: int = 0
    deliverables: int = 0
    creators: set[int] = field(default_factory=set)

    @property
    def engagements(self) -> int:
        return self.likes + self.comments + self.shares + self.saves

    def add(self, other: Totals) -> None:
        for f in ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks", "conversions",
                  "revenue_cents", "cost_cents", "fee_cents", "product_cents", "shipping_cents",
                  "followers_x_deliverables", "deliverables"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.creators |= other.creators


def compute(t: Totals, *, currency: str, emv_method: str = "cpm_benchmark", emv_cpm: Decimal = Decimal("5")) -> dict[str, Metric]:
    """All derived metrics of a group."""
    cost, rev, eng = t.cost_cents, t.revenue_cents, t.engagements
    m = {
        "er_by_reach": ratio(eng, t.reach, zero_reason="no reach reported", basis="engagements / reach"),
        "er_by_followers": ratio(eng, t.followers_x_deliverables, zero_reason="no follower counts",
                                 basis="engagements / (followers x posts)"),
        "ctr": ratio(t.clicks, t.impressions, zero_reason="no impressions", basis="clicks / impressions"),
        "conversion_rate": ratio(t.conversions, t.clicks, zero_reason="no clicks", basis="conversions / clicks"),
        "cpm": ratio(cost, t.impressions, zero_reason="no impressions" if cost else "no cost", kind="money",
                     currency=currency, scale=1000) if cost else _na("no cost recorded"),
        "cpc": ratio(cost, t.clicks, zero_reason="no clicks", kind="money", currency=currency) if cost else _na("no cost recorded"),
        "cpe": ratio(cost, eng, zero_reason="no engagements", kind="money", currency=currency) if cost else _na("no cost recorded"),
        "cpa": ratio(cost, t.conversions, zero_reason="no conversions", kind="money", currency=currency) if cost else _na("no cost recorded"),
        "roas": ratio(rev, cost, zero_reason="no cost recorded", kind="x", basis="revenue / cost"),
        "roi": ratio(rev - cost, cost, zero_reason="no cost recorded", basis="(revenue - cost) / cost"),
    }
    if emv_method == "cpm_benchmark":
        emv_cents = int(Decimal(t.impressions) / 1000 * emv_cpm * 100)
        m["emv"] = Metric(value=emv_cents / 100, display=format_money(emv_cents, currency),
                          basis=f"cpm_benchmark: impressions / 1000 x {format_money(int(emv_cpm * 100), currency)}")
    else:
        m["emv"] = _na("EMV disabled (KOLPILOT_EMV_METHOD=none)")
    return m


def pct_change(new: float | None, old: float | None) -> Metric:
    """Period-over-period change."""
    if new is None or old is None:
        return _na("not computable in one of the periods")
    if old == 0:
        return _na("previous period was zero")
    v = (new - old) / abs(old)
    return Metric(value=round(v, 6), display=f"{v * 100:+.1f}%")
