"""Every metric formula against hand-computed figures; no division by zero."""

from decimal import Decimal

import pytest

from tools.metrics.formulas import Totals, compute, pct_change, ratio


def _t(**kw) -> Totals:
    return Totals(**kw)


def test_hand_computed_campaign() -> None:
    # 200,000 impressions, 150,000 reach, 9,000 likes, 600 comments, 300 shares, 100 saves,
    # 2,000 clicks, 80 conversions, $6,400 revenue, cost $2,000 fee + $150 product + $50 shipping = $2,200,
    # 2 posts by creators with 40,000 and 60,000 followers.
    t = _t(impressions=200_000, reach=150_000, likes=9_000, comments=600, shares=300, saves=100, clicks=2_000,
           conversions=80, revenue_cents=640_000, cost_cents=220_000, followers_x_deliverables=100_000, deliverables=2)
    m = compute(t, currency="USD", emv_cpm=Decimal("5"))
    assert t.engagements == 10_000
    assert m["er_by_reach"].value == pytest.approx(10_000 / 150_000, rel=1e-5) and m["er_by_reach"].display == "6.67%"
    assert m["er_by_followers"].display == "10.00%" and "followers" in m["er_by_followers"].basis
    assert m["ctr"].display == "1.00%"
    assert m["conversion_rate"].display == "4.00%"
    assert m["cpm"].display == "$11.00" and m["cpm"].value == pytest.approx(11.0)       # 2200 / 200000 * 1000
    assert m["cpc"].display == "$1.10"                                                   # 2200 / 2000
    assert m["cpe"].display == "$0.22"                                                   # 2200 / 10000
    assert m["cpa"].display == "$27.50"                                                  # 2200 / 80
    assert m["roas"].display == "2.91x" and m["roas"].value == pytest.approx(6400 / 2200, rel=1e-5)
    assert m["roi"].display == "190.91%"                                                 # (6400-2200)/2200
    assert m["emv"].display == "$1,000.00" and "cpm_benchmark" in m["emv"].basis          # 200 x $5


@pytest.mark.parametrize(
    ("metric", "reason"),
    [("ctr", "no impressions"), ("conversion_rate", "no clicks"), ("cpa", "no cost recorded"), ("roas", "no cost recorded"),
     ("roi", "no cost recorded"), ("er_by_reach", "no reach reported"), ("cpm", "no cost recorded")],
)
def test_zero_denominators_show_na_with_reason(metric: str, reason: str) -> None:
    m = compute(_t(), currency="EUR")
    assert m[metric].value is None
    assert m[metric].display == f"n/a ({reason})"


def test_cost_without_volume() -> None:
    m = compute(_t(cost_cents=50_000), currency="EUR")
    assert m["cpa"].display == "n/a (no conversions)"
    assert m["roas"].display == "0.00x" and m["roi"].display == "-100.00%"


def test_emv_can_be_disabled() -> None:
    assert compute(_t(impressions=1000), currency="USD", emv_method="none")["emv"].value is None


def test_ratio_money_and_change() -> None:
    assert ratio(12_345, 10, zero_reason="x", kind="money", currency="EUR").display == "€12.35"
    assert pct_change(3.0, 2.0).display == "+50.0%"
    assert pct_change(1.0, 0).display.startswith("n/a")
    assert pct_change(None, 2).value is None


def test_totals_add() -> None:
    a, b = _t(clicks=1, creators={1}), _t(clicks=2, creators={2, 1})
    a.add(b)
    assert a.clicks == 3 and a.creators == {1, 2}


def test_vectorised_metrics_match_compute() -> None:
    import math

    import numpy as np

    from tools.metrics.engine import FIELDS, IDX
    from tools.metrics.formulas import metric_arrays

    rng = np.random.default_rng(3)
    sums = rng.integers(0, 50_000, size=(200, len(FIELDS)))
    sums[::7, IDX["cost_cents"]] = 0
    sums[::5, IDX["clicks"]] = 0
    arrays = metric_arrays(sums, IDX)
    for i in range(len(sums)):
        t = Totals(**{f: int(sums[i, j]) for j, f in enumerate(FIELDS)})
        m = compute(t, currency="USD")
        for name in ("er_by_reach", "er_by_followers", "ctr", "conversion_rate", "cpm", "cpc", "cpe", "cpa", "roas", "roi"):
            v = arrays[name][i]
            if m[name].value is None:
                assert math.isnan(v), (name, i)
            else:
                assert v == pytest.approx(m[name].value, rel=1e-4, abs=1e-6), (name, i)


def test_money_metrics_use_the_currency_exponent_yen_has_no_minor_units() -> None:
    """Amounts are stored in the currency's minor units (¥ has none): a ¥150,000 fee for 10
    conversions is a CPA of ¥15,000, not ¥150; the vectorised twin agrees."""
    import numpy as np

    from tools.metrics.engine import FIELDS, IDX
    from tools.metrics.formulas import metric_arrays

    t = _t(impressions=100_000, clicks=500, conversions=10, likes=1_000, revenue_cents=600_000, cost_cents=150_000)
    m = compute(t, currency="JPY", emv_cpm=Decimal("500"))
    assert m["cpa"].display == "¥15,000" and m["cpa"].value == pytest.approx(15_000)
    assert m["cpm"].display == "¥1,500" and m["cpc"].value == pytest.approx(300)
    assert m["roas"].display == "4.00x"
    assert m["emv"].display == "¥50,000" and m["emv"].value == pytest.approx(50_000)  # 100 x ¥500
    sums = np.array([[getattr(t, f) for f in FIELDS]])
    arrays = metric_arrays(sums, IDX, "JPY")
    assert arrays["cpa"][0] == pytest.approx(15_000) and arrays["revenue"][0] == pytest.approx(600_000)
    assert metric_arrays(sums, IDX, "USD")["cpa"][0] == pytest.approx(150)  # the same numbers as cents of a dollar
