"""Benchmark: summarize_campaign on a campaign with N creators x D days of snapshots.

Compares kolpilot's summary (SQLite, and PostgreSQL when --postgres-url is given) with the
spreadsheet workflow: the same summary computed by pandas from a CSV export of the
snapshots, in the same run (read CSV → latest snapshot per deliverable → join creators → group).
Prints one JSON object on the last line:
{"creators", "days", "sqlite_ms": {"by_creator", "by_tier"}, "postgres_ms": {...} | null,
 "pandas_ms": {"by_creator", "by_tier"}, "ratio_vs_pandas"}.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from agent.settings import Settings  # noqa: E402
from memory.db import make_engine, session_factory, session_scope, upgrade  # noqa: E402
from memory.models import Account, Campaign, Collaboration, Creator, MetricSnapshot, Workspace  # noqa: E402
from memory.repo.metrics import refresh_latest  # noqa: E402
from tools.base import ConversationMemory, ToolContext  # noqa: E402
from tools.metrics.summary import SummarizeCampaignInput, summarize  # noqa: E402

WS = "bench"
START = date(2026, 7, 1)


def build(engine, creators: int, days: int, seed: int = 7) -> None:  # noqa: ANN001
    """Creators, accounts, one collaboration and one deliverable each, daily cumulative snapshots."""
    rng = np.random.default_rng(seed)
    now = datetime.now(UTC)
    followers = (10 ** rng.uniform(3, 6.5, creators)).astype(int)
    kinds = np.where(rng.random(creators) < 0.1, "kol", "influencer")
    platforms = rng.choice(["instagram", "tiktok", "youtube"], creators)
    countries = rng.choice(["FR", "DE", "US", "GB", "ES"], creators)
    with engine.begin() as c:
        c.execute(insert(Workspace).values(id=WS, name=WS, timezone="UTC", created_at=now))
        c.execute(insert(Campaign).values(id=1, workspace_id=WS, name="Bench", brand="B", goal="conversions", status="finished",
                                          budget_cents=10**11, currency="USD", start_date=START, end_date=START + timedelta(days=days - 1),
                                          language="en", tone="friendly", target_niches="", target_tiers="", settings={},
                                          created_at=now, updated_at=now))
        c.execute(insert(Creator), [dict(id=i + 1, workspace_id=WS, name=f"c{i}", kind=kinds[i], country=countries[i], niches="skincare",
                                         do_not_contact=False, created_at=now, updated_at=now) for i in range(creators)])
        c.execute(insert(Account), [dict(id=i + 1, workspace_id=WS, creator_id=i + 1, platform=platforms[i], handle=f"creator{i}",
                                         followers=int(followers[i]), engagement_basis="followers", kind=kinds[i], country=countries[i],
                                         has_email=False, created_at=now, updated_at=now) for i in range(creators)])
        c.execute(insert(Collaboration), [dict(id=i + 1, workspace_id=WS, campaign_id=1, creator_id=i + 1, account_id=i + 1, stage="paid",
                                               agreed_fee_cents=int(rng.integers(10_000, 500_000)), currency="USD", product_cost_cents=3_000,
                                               shipping_cost_cents=800, version=1, created_at=now, updated_at=now)
                                          for i in range(creators)])
        daily_imp = (followers * rng.uniform(0.05, 0.4, creators) / days).astype(int) + 1
        batch = []
        for d in range(days):
            k = d + 1
            for i in range(creators):
                imp = int(daily_imp[i]) * k
                clicks = imp // 100
                conv = clicks // 30
                batch.append(dict(workspace_id=WS, campaign_id=1, account_id=i + 1, collaboration_id=i + 1,
                                  deliverable_url=f"https://p/{i}", date=START + timedelta(days=d), impressions=imp, reach=imp * 7 // 10,
                                  views=imp // 2, likes=imp // 25, comments=imp // 400, shares=imp // 800, saves=imp // 600,
                                  clicks=clicks, conversions=conv, revenue_cents=conv * 4_500, currency="USD", is_latest=False,
                                  created_at=now))
                if len(batch) >= 50_000:
                    c.execute(insert(MetricSnapshot), batch)
                    batch = []
        if batch:
            c.execute(insert(MetricSnapshot), batch)
    with session_scope(session_factory(engine)) as s:
        refresh_latest(s, campaign_ids=[1])
    if engine.dialect.name == "postgresql":
        with engine.begin() as c:
            c.execute(text("ANALYZE"))


def time_summary(engine, group_by: str, repeat: int) -> float:  # noqa: ANN001
    ctx = ToolContext(workspace_id=WS, user_id="bench", sessions=session_factory(engine), settings=Settings(_env_file=None),
                      clock=lambda: datetime(2026, 11, 20, tzinfo=UTC), memory=ConversationMemory())
    args = SummarizeCampaignInput(campaign="Bench", group_by=group_by)  # type: ignore[arg-type]
    summarize(ctx, args)  # warm-up
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        summarize(ctx, args)
        runs.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(runs), 2)


def export_csv(engine, path: Path) -> None:  # noqa: ANN001
    """The spreadsheet workflow's input: every snapshot joined with its creator, as CSV."""
    import pandas as pd

    with engine.connect() as c:
        df = pd.read_sql(text(
            "SELECT a.handle, a.followers, a.platform, cr.kind, cr.country, m.deliverable_url, m.date, m.impressions, m.reach, m.views,"
            " m.likes, m.comments, m.shares, m.saves, m.clicks, m.conversions, m.revenue_cents, co.agreed_fee_cents,"
            " co.product_cost_cents, co.shipping_cost_cents FROM metric_snapshot m JOIN account a ON a.id = m.account_id"
            " JOIN creator cr ON cr.id = a.creator_id JOIN collaboration co ON co.id = m.collaboration_id"), c)
    df.to_csv(path, index=False)


def pandas_summary(path: Path, group_by: str) -> object:
    """The strongest reasonable pandas version: typed read, categoricals, vectorised latest + groupby."""
    import pandas as pd

    df = pd.read_csv(path, dtype={"handle": "category", "platform": "category", "kind": "category", "country": "category",
                                  "deliverable_url": "category"}, parse_dates=["date"])
    latest = df.loc[df.groupby(["handle", "deliverable_url"], observed=True)["date"].idxmax()]
    latest = latest.assign(engagements=latest.likes + latest.comments + latest.shares + latest.saves,
                           cost=latest.agreed_fee_cents + latest.product_cost_cents + latest.shipping_cost_cents)
    if group_by == "tier":
        bins = [0, 1_000, 10_000, 100_000, 500_000, 1_000_000, np.inf]
        latest["tier"] = pd.cut(latest.followers, bins, right=False, labels=["emerging", "nano", "micro", "macro", "mega", "celebrity"])
        key = "tier"
    else:
        key = "handle"
    g = latest.groupby(key, observed=True)[["impressions", "reach", "engagements", "clicks", "conversions", "revenue_cents", "cost"]].sum()
    g["roas"] = g.revenue_cents / g.cost
    g["cpa"] = (g.cost / g.conversions.replace(0, np.nan)) / 100
    g["ctr"] = g.clicks / g.impressions
    return g


def time_pandas(path: Path, group_by: str, repeat: int) -> float:
    pandas_summary(path, group_by)
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        pandas_summary(path, group_by)
        runs.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(runs), 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--creators", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--postgres-url", default=None)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        upgrade(engine)
        build(engine, a.creators, a.days)
        print(f"built {a.creators * a.days:,} snapshots on SQLite in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
        sqlite_ms = {"by_creator": time_summary(engine, "creator", a.repeat), "by_tier": time_summary(engine, "tier", a.repeat)}
        csv_path = Path(tmp) / "snapshots.csv"
        export_csv(engine, csv_path)
        pandas_ms = {"by_creator": time_pandas(csv_path, "creator", a.repeat), "by_tier": time_pandas(csv_path, "tier", a.repeat)}
        # Same numbers both ways (sanity check on the totals).
        ctx_total = pandas_summary(csv_path, "tier")
        ctx = ToolContext(workspace_id=WS, user_id="bench", sessions=session_factory(engine), settings=Settings(_env_file=None),
                          clock=lambda: datetime(2026, 11, 20, tzinfo=UTC))
        ours = summarize(ctx, SummarizeCampaignInput(campaign="Bench")).totals
        assert int(ctx_total.impressions.sum()) == ours.impressions and int(ctx_total.cost.sum()) == ours.cost_cents
        engine.dispose()
    postgres_ms = None
    if a.postgres_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(a.postgres_url)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            pg = make_engine(a.postgres_url, schema=schema)
            upgrade(pg)
            build(pg, a.creators, a.days)
            postgres_ms = {"by_creator": time_summary(pg, "creator", a.repeat), "by_tier": time_summary(pg, "tier", a.repeat)}
            pg.dispose()
        finally:
            with admin.begin() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    print(json.dumps({"creators": a.creators, "days": a.days, "sqlite_ms": sqlite_ms, "postgres_ms": postgres_ms,
                      "pandas_ms": pandas_ms, "ratio_vs_pandas": round(sqlite_ms["by_creator"] / pandas_ms["by_creator"], 3)}))


if __name__ == "__main__":
    main()
