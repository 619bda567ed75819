"""summarize_campaign / top_performers / compare_segments / log_metrics on hand-computed data,
identical on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from agent.settings import Settings
from memory.db import session_scope
from memory.models import (
    AccountCreate,
    Campaign,
    CodeRedemption,
    Collaboration,
    CreatorCreate,
    DiscountCode,
    MetricSnapshot,
)
from memory.repo.creators import upsert_creator_account
from memory.repo.metrics import refresh_latest
from memory.repo.workspaces import ensure_workspace
from tools.base import ConversationMemory, ToolContext
from tools.registry import run_tool

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)


def _ctx(sessions, ws: str, **settings) -> ToolContext:
    return ToolContext(workspace_id=ws, user_id="U1", sessions=sessions, settings=Settings(_env_file=None, **settings),
                       conversation_id="m", clock=lambda: NOW, memory=ConversationMemory())


@pytest.fixture
def ws(sessions) -> str:
    """Campaign "Glow Q3" (USD, budget $10,000, Jul 1–Sep 30):
    - @sam (influencer, micro 40k, instagram): fee $1,000 + $100 product; reel cumulative on 07-10: 10,000 imp,
      8,000 reach, 500 likes, 50 comments, 200 clicks, 10 conv, $500 rev; on 07-20: 20,000 imp, 15,000 reach,
      900 likes, 100 comments, 400 clicks, 20 conv, $1,000 rev.
    - @drlena (KOL, macro 200k, linkedin): fee $3,000; post on 07-15: 50,000 imp, 30,000 reach, 1,500 likes,
      300 comments, 200 shares, 1,000 clicks, 30 conv (link), $2,400 rev; her code LENA10 redeemed 25 orders / $2,000
      on 07-16 → code beats link: 25 conversions, $2,000.
    - @nopost (influencer, nano 5k): fee $400 agreed, nothing posted; @prospect: no fee (not committed)."""
    wid = f"M{uuid.uuid4().hex[:8]}"
    with session_scope(sessions) as s:
        ensure_workspace(s, workspace_id=wid)
        accs = {}
        for h, kind, f, plat in (("sam", "influencer", 40_000, "instagram"), ("drlena", "kol", 200_000, "linkedin"),
                                 ("nopost", "influencer", 5_000, "tiktok"), ("prospect", "influencer", 50_000, "instagram")):
            _, acc = upsert_creator_account(s, workspace_id=wid, creator=CreatorCreate(name=h, kind=kind, country="FR", niches="skincare"),
                                            account=AccountCreate(platform=plat, handle=h, followers=f))
            accs[h] = acc
        camp = Campaign(workspace_id=wid, name="Glow Q3", brand="Lumière", budget_cents=1_000_000, currency="USD",
                        start_date=date(2026, 7, 1), end_date=date(2026, 9, 30), status="finished")
        s.add(camp)
        s.flush()
        collabs = {}
        for h, fee, stage, product in (("sam", 100_000, "paid", 10_000), ("drlena", 300_000, "posted", 0),
                                       ("nopost", 40_000, "agreed", 0), ("prospect", None, "prospect", 0)):
            c = Collaboration(workspace_id=wid, campaign_id=camp.id, creator_id=accs[h].creator_id, account_id=accs[h].id,
                              stage=stage, agreed_fee_cents=fee, currency="USD", product_cost_cents=product)
            s.add(c)
            s.flush()
            collabs[h] = c

        def snap(h, d, url, **v):
            s.add(MetricSnapshot(workspace_id=wid, campaign_id=camp.id, account_id=accs[h].id, collaboration_id=collabs[h].id,
                                 deliverable_url=url, date=d, currency="USD", **v))

        snap("sam", date(2026, 7, 10), "https://ig/reel1", impressions=10_000, reach=8_000, likes=500, comments=50, clicks=200,
             conversions=10, revenue_cents=50_000)
        snap("sam", date(2026, 7, 20), "https://ig/reel1", impressions=20_000, reach=15_000, likes=900, comments=100, clicks=400,
             conversions=20, revenue_cents=100_000)
        snap("drlena", date(2026, 7, 15), "https://li/post1", impressions=50_000, reach=30_000, likes=1_500, comments=300,
             shares=200, clicks=1_000, conversions=30, revenue_cents=240_000)
        s.add(DiscountCode(workspace_id=wid, collaboration_id=collabs["drlena"].id, code="LENA10"))
        s.add(CodeRedemption(workspace_id=wid, code="LENA10", date=date(2026, 7, 16), orders=25, revenue_cents=200_000))
        s.flush()
        refresh_latest(s, campaign_ids=[camp.id])
    return wid


def run(ctx, tool_name, **args):
    out = run_tool(ctx, tool_name, args)
    assert out.ok, out.error
    return out.result


def test_totals_are_hand_computed(sessions, ws) -> None:
    r = run(_ctx(sessions, ws), "summarize_campaign", campaign="glow q3")
    t = r.totals
    # impressions 20,000 + 50,000; clicks 400 + 1,000; conversions 20 + 25 (code beats link); revenue $1,000 + $2,000
    assert (t.impressions, t.reach, t.clicks, t.conversions) == (70_000, 45_000, 1_400, 45)
    assert t.revenue == "$3,000.00"
    # cost: fees 1,000 + 3,000 + 400 (agreed, nothing posted) + product 100; the prospect costs nothing
    assert t.cost == "$4,500.00"
    assert t.engagements == 900 + 100 + 1_500 + 300 + 200
    m = t.metrics
    assert m["roas"].display == "0.67x"                  # 3000 / 4500
    assert m["roi"].display == "-33.33%"
    assert m["cpa"].display == "$100.00"                 # 4500 / 45
    assert m["cpm"].display == "$64.29"                  # 4500 / 70000 * 1000
    assert m["ctr"].display == "2.00%"                   # 1400 / 70000
    assert m["er_by_reach"].display == "6.67%"           # 3000 / 45000
    assert m["er_by_followers"].display == "1.25%"       # 3000 / (40000 + 200000)
    assert "reach" in m["er_by_reach"].basis and "followers" in m["er_by_followers"].basis
    assert "cpm_benchmark" in r.emv_method and m["emv"].display == "$350.00"
    assert r.pacing["spent"] == "$4,500.00" and r.pacing["status"] == "finished within budget"
    assert any("code beats link" in n for n in r.notes)
    assert "ROAS 0.67x" in r.narrative


def test_group_by_creator_and_kind(sessions, ws) -> None:
    ctx = _ctx(sessions, ws)
    by_creator = {g.key: g for g in run(ctx, "summarize_campaign", campaign="Glow Q3", group_by="creator").groups}
    assert by_creator["@sam"].metrics["roas"].display == "0.91x"         # 1000 / 1100
    assert by_creator["@drlena"].metrics["cpa"].display == "$120.00"     # 3000 / 25
    assert by_creator["@nopost"].metrics["roas"].display == "0.00x"
    assert by_creator["@nopost"].metrics["ctr"].display == "n/a (no impressions)"
    by_kind = {g.key: g for g in run(ctx, "compare_segments", dimension="kind", campaign="Glow Q3", metric="cpa").rows}
    assert by_kind["kol"].metrics["cpa"].display == "$120.00"
    assert by_kind["influencer"].metrics["cpa"].display == "$75.00"      # (1100 + 400) / 20
    by_tier = {g.key for g in run(ctx, "summarize_campaign", campaign="Glow Q3", group_by="tier").groups}
    assert by_tier == {"micro", "macro", "nano"}


def test_period_and_day_grouping(sessions, ws) -> None:
    ctx = _ctx(sessions, ws)
    r = run(ctx, "summarize_campaign", campaign="Glow Q3", start="2026-07-11", end="2026-07-20")
    # sam's reel grew from 10,000 to 20,000 impressions in the period; drlena's post is all in it
    assert r.totals.impressions == 10_000 + 50_000
    assert r.change_vs_previous["impressions"].display == "+500.0%"   # previous 10 days: 10,000
    days = {g.key: g for g in run(ctx, "summarize_campaign", campaign="Glow Q3", group_by="day").groups}
    assert days["2026-07-10"].impressions == 10_000 and days["2026-07-20"].impressions == 10_000
    assert days["2026-07-15"].clicks == 1_000
    assert days["2026-07-20"].metrics["roas"].display == "n/a (costs are not dated)"


def test_top_performers_with_volume_guard(sessions, ws) -> None:
    r = run(_ctx(sessions, ws), "top_performers", campaign="Glow Q3", metric="roas", min_impressions=1000)
    assert [g.key for g in r.rows] == ["@sam", "@drlena"] and r.excluded == 1
    cpa = run(_ctx(sessions, ws), "top_performers", campaign="Glow Q3", metric="cpa")
    assert [g.key for g in cpa.rows] == ["@sam", "@drlena"]  # lower CPA first
    worst = run(_ctx(sessions, ws), "top_performers", campaign="Glow Q3", metric="roas", order="worst")
    assert [g.key for g in worst.rows] == ["@drlena", "@sam"] and worst.summary.startswith("Bottom 2 by roas")
    worst_cpa = run(_ctx(sessions, ws), "top_performers", campaign="Glow Q3", metric="cpa", order="worst")
    assert [g.key for g in worst_cpa.rows] == ["@drlena", "@sam"]  # the highest CPA is the worst


def test_currencies_are_converted_or_flagged(sessions, ws) -> None:
    with session_scope(sessions) as s:
        from sqlmodel import select

        camp = s.exec(select(Campaign).where(Campaign.workspace_id == ws)).one()
        snap = s.exec(select(MetricSnapshot).where(MetricSnapshot.workspace_id == ws, MetricSnapshot.deliverable_url == "https://ig/reel1",
                                                   MetricSnapshot.date == date(2026, 7, 20))).one()
        snap.currency = "EUR"
        s.add(snap)
        assert camp.currency == "USD"
    flagged = run(_ctx(sessions, ws), "summarize_campaign", campaign="Glow Q3")
    assert flagged.totals.revenue == "$2,000.00"
    assert any("€1,000.00 left out" in n for n in flagged.notes)
    converted = run(_ctx(sessions, ws, fx_rates={"EUR": "1.10"}), "summarize_campaign", campaign="Glow Q3")
    assert converted.totals.revenue == "$3,100.00"


def test_log_metrics_in_conversation(sessions, ws) -> None:
    ctx = _ctx(sessions, ws)
    r = run(ctx, "log_metrics", handle="@sam", campaign="Glow Q3", deliverable="https://ig/reel1", on="2026-07-25",
            views=48_000, clicks=1_240)
    assert r.values["clicks"] == 1_240 and r.values["impressions"] == 20_000  # carried over
    t = run(ctx, "summarize_campaign", campaign="Glow Q3").totals
    assert t.clicks == 1_240 + 1_000 and t.views == 48_000
    out = run_tool(ctx, "log_metrics", {"handle": "@sam", "campaign": "Glow Q3", "deliverable": "https://ig/reel1",
                                        "on": "2026-07-26", "clicks": 10})
    assert not out.ok and "running totals" in out.error
    assert not run_tool(ctx, "summarize_campaign", {"campaign": "Glow Q9"}).ok


def test_no_data_campaign_gives_na_not_errors(sessions, ws) -> None:
    ctx = _ctx(sessions, ws)
    run(ctx, "create_campaign", name="Empty", brand="B")
    r = run(ctx, "summarize_campaign", campaign="Empty")
    assert r.totals.metrics["roas"].display == "n/a (no cost recorded)"
    assert r.totals.metrics["ctr"].display == "n/a (no impressions)"


def test_charts_are_png_files(sessions, ws, tmp_path) -> None:
    ctx = _ctx(sessions, ws, data_dir=tmp_path)
    r = run(ctx, "chart_campaign", campaign="Glow Q3")
    assert len(r.files) == 3
    for f in r.files:
        data = open(f, "rb").read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000


def test_exports_csv_and_xlsx(sessions, ws, tmp_path) -> None:
    import csv

    from openpyxl import load_workbook

    ctx = _ctx(sessions, ws, data_dir=tmp_path)
    csv_path = run(ctx, "export_metrics", campaign="Glow Q3", format="csv").file
    rows = list(csv.DictReader(open(csv_path, encoding="utf-8")))
    by_key = {r["key"]: r for r in rows}
    assert by_key["TOTAL"]["impressions"] == "70000" and float(by_key["TOTAL"]["cost"]) == 4500.0
    assert float(by_key["'@drlena"]["cpa"]) == pytest.approx(120.0)
    assert by_key["'@nopost"]["ctr"] == ""  # n/a stays empty, never a fake zero
    xlsx = run(ctx, "export_metrics", campaign="Glow Q3", format="xlsx").file
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Glow Q3", "notes"]
    sheet = wb["Glow Q3"]
    assert [c.value for c in sheet[1]][:3] == ["key", "creators", "deliverables"]
    header = [c.value for c in sheet[1]]
    total = [r for r in sheet.iter_rows(min_row=2) if r[0].value == "TOTAL"][0]
    ctr = total[header.index("ctr")]
    assert ctr.number_format == "0.00%" and 0 < ctr.value < 1  # a rate is a fraction shown as a percentage
    assert total[header.index("cost")].number_format == "#,##0.00"
    assert total[header.index("roas")].number_format == '0.00"x"'


def test_xlsx_sheet_name_drops_characters_excel_forbids(sessions, ws, tmp_path) -> None:
    from openpyxl import load_workbook

    ctx = _ctx(sessions, ws, data_dir=tmp_path)
    run(ctx, "update_campaign", campaign="Glow Q3", new_name="Glow Q3/Q4: [EU]?")
    xlsx = run(ctx, "export_metrics", campaign="Glow Q3/Q4: [EU]?", format="xlsx").file
    assert load_workbook(xlsx).sheetnames[0] == "Glow Q3-Q4- -EU--"


def test_latest_flag_matches_newest_snapshot_in_demo(tmp_path) -> None:
    """Every seeded deliverable has exactly one is_latest snapshot, its newest."""
    from sqlalchemy import text

    from agent.runtime import Runtime
    from memory.seed.demo import seed_demo

    rt = Runtime(Settings(_env_file=None, data_dir=tmp_path))
    rt.ensure_workspace("local")
    seed_demo(rt.sessions, workspace_id="local")
    with rt.engine.connect() as c:
        bad = c.execute(text(
            "SELECT COUNT(*) FROM (SELECT account_id, deliverable_url, SUM(is_latest) AS n, MAX(date) AS newest,"
            " MAX(CASE WHEN is_latest THEN date END) AS flagged FROM metric_snapshot GROUP BY campaign_id, account_id,"
            " deliverable_url) t WHERE n != 1 OR newest != flagged")).scalar()
        total = c.execute(text("SELECT COUNT(*) FROM metric_snapshot")).scalar()
    assert total > 0 and bad == 0
