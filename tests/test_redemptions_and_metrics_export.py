"""Code redemptions import (attribution input) and `kolpilot export metrics`, from the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli.main import app
from agent.runtime import Runtime
from agent.settings import Settings
from memory.db import session_scope
from memory.models import AccountCreate, CreatorCreate
from memory.repo.creators import upsert_creator_account
from tools.registry import run_tool

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    rt = Runtime(Settings(_env_file=None, data_dir=data))
    rt.ensure_workspace("local")
    with session_scope(rt.sessions) as s:
        upsert_creator_account(s, workspace_id="local", creator=CreatorCreate(name="Sam"),
                               account=AccountCreate(platform="instagram", handle="skin.by.sam", followers=40_000))
    ctx = rt.tool_context(user_id="local", conversation_id="t")
    for name, args in [("create_campaign", {"name": "Glow Q3", "brand": "Lumière", "budget": {"amount": 5000}}),
                       ("add_to_campaign", {"campaign": "Glow Q3", "handles": ["@skin.by.sam"]}),
                       ("log_negotiation", {"handle": "skin.by.sam", "campaign": "Glow Q3", "kind": "accept", "amount": {"amount": 1000}}),
                       ("create_discount_code", {"handle": "skin.by.sam", "campaign": "Glow Q3", "code": "SAM15"}),
                       ("log_metrics", {"handle": "skin.by.sam", "campaign": "Glow Q3", "on": "2026-07-10", "impressions": 50_000,
                                        "clicks": 900, "conversions": 12, "revenue": {"amount": 600, "currency": "USD"}})]:
        out = run_tool(ctx, name, args)
        assert out.ok, out.error
    rt.engine.dispose()
    return data


def test_redemptions_import_reports_rows_and_drives_attribution(store: Path, tmp_path: Path) -> None:
    f = tmp_path / "redemptions.csv"
    f.write_text("code,orders,revenue,currency,date\nsam15,20,\"$1,500.00\",USD,2026-07-11\nNOPE,3,90,USD,2026-07-11\n"
                 "SAM15,5,250.50,USD,2026-07-12\nSAM15,x,1,USD,2026-07-13\nsam15,20,1500,USD,2026-07-11\n", encoding="utf-8")
    res = runner.invoke(app, ["--data-dir", str(store), "import", "redemptions", str(f), "--json", "--no-index"])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    assert (rep["inserted"], rep["updated"], rep["unchanged"]) == (2, 0, 0)
    assert [r["line"] for r in rep["rejected"]] == [3, 5]
    assert "unknown discount code 'NOPE'" in rep["rejected"][0]["reason"]
    assert rep["duplicates"] == [{"line": 6, "duplicate_of": 2}]
    again = json.loads(runner.invoke(app, ["--data-dir", str(store), "import", "redemptions", str(f), "--json", "--no-index"]).stdout)
    assert (again["inserted"], again["unchanged"]) == (0, 2)
    # Code beats link: 25 orders / $1,750.50 from the code replace the link's 12 conversions / $600.
    rt = Runtime(Settings(_env_file=None, data_dir=store))
    t = run_tool(rt.tool_context(user_id="local"), "summarize_campaign", {"campaign": "Glow Q3"}).result.totals
    assert (t.conversions, t.revenue) == (25, "$1,750.50")


def test_redemptions_file_without_required_columns_is_one_line_error(store: Path, tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("coupon,when\nSAM15,2026-07-11\n", encoding="utf-8")
    res = runner.invoke(app, ["--data-dir", str(store), "import", "redemptions", str(f)])
    assert res.exit_code != 0
    assert "missing required column(s): orders" in str(res.exception or res.output)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_metrics_cli(store: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"glow.{fmt}"
    res = runner.invoke(app, ["--data-dir", str(store), "export", "metrics", str(out), "--campaign", "Glow Q3"])
    assert res.exit_code == 0, res.output
    assert out.exists() and out.stat().st_size > 100
    if fmt == "csv":
        rows = {r["key"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
        assert rows["TOTAL"]["impressions"] == "50000" and float(rows["'@skin.by.sam"]["roas"]) == pytest.approx(0.6)
    bad = runner.invoke(app, ["--data-dir", str(store), "export", "metrics", str(out), "--campaign", "Nope"])
    assert bad.exit_code != 0
