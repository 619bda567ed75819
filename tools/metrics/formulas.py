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

from memory.domain.money import exponent, format_money, to_minor


class Metric(BaseModel):
    """A computed figure with its display and, when not computable, the reason."""

    value: float | None
    display: str
    reason: str | None = None
    basis: str | None = None


def _metric(value: float | None, display: str, reason: str | None = None, basis: str | None = None) -> Metric:
    # model_construct: these values come from our own arithmetic, and validating thousands of
    # them per summary would cost more than computing them.
    return Metric.model_construct(value=value, display=display, reason=reason, basis=basis)


def _na(reason: str, basis: str | None = None) -> Metric:
    return _metric(None, f"n/a ({reason})", reason, basis)


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
        v = v / 10 ** exponent(currency or "USD")  # minor units → currency units (¥ has none, $ has cents)
    else:
        disp = f"{v:,.2f}"
    return _metric(round(v, 6), disp, None, basis)


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
        unit = 10 ** exponent(currency or "USD")
        emv_minor = int(Decimal(t.impressions) / 1000 * Decimal(str(emv_cpm)) * unit)
        m["emv"] = _metric(emv_minor / unit, format_money(emv_minor, currency), None,
                           f"cpm_benchmark: impressions / 1000 x {format_money(to_minor(str(emv_cpm), currency or 'USD'), currency)}")
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
    return _metric(round(v, 6), f"{v * 100:+.1f}%")


def metric_arrays(sums, idx: dict[str, int], currency: str = "USD") -> dict[str, object]:  # noqa: ANN001 - numpy in, numpy out
    """Vectorised twin of ``compute`` for ranking many groups at once: metric name → float array
    (NaN where ``compute`` says n/a). Money metrics are in currency units. Tested against ``compute``."""
    import numpy as np

    s = sums.astype(np.float64)

    def col(name: str):  # noqa: ANN202
        return s[:, idx[name]]

    eng = col("likes") + col("comments") + col("shares") + col("saves")
    cost, rev = col("cost_cents"), col("revenue_cents")

    def div(a, b):  # noqa: ANN001, ANN202
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(b > 0, a / np.where(b > 0, b, 1), np.nan)

    has_cost = cost > 0
    unit = 10 ** exponent(currency)  # minor units per currency unit
    return {
        "er_by_reach": div(eng, col("reach")),
        "er_by_followers": div(eng, col("followers_x_deliverables")),
        "ctr": div(col("clicks"), col("impressions")),
        "conversion_rate": div(col("conversions"), col("clicks")),
        "cpm": np.where(has_cost, div(cost, col("impressions")) * 1000 / unit, np.nan),
        "cpc": np.where(has_cost, div(cost, col("clicks")) / unit, np.nan),
        "cpe": np.where(has_cost, div(cost, eng) / unit, np.nan),
        "cpa": np.where(has_cost, div(cost, col("conversions")) / unit, np.nan),
        "roas": div(rev, cost),
        "roi": div(rev - cost, cost),
        "revenue": rev / unit,
        "conversions": col("conversions"),
        "clicks": col("clicks"),
        "impressions": col("impressions"),
        "reach": col("reach"),
        "engagements": eng,
    }
