"""``kolpilot import`` / ``kolpilot export`` through the real command line: JSON output,
human summary, workspace options, one-line errors and exit codes (the console entry point
in a subprocess), on SQLite and, through --database-url, PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from agent.cli.main import app
from memory.errors import UserError
from tests.conftest import SHARED

DATA = Path(__file__).parent / "data"
YOUTUBE = SHARED / "data" / "youtube_top1000_dec2022.csv"
YOUTUBE_MAP = "handle=Youtube channel,display_name=youtuber name,niches=Category+Category-2,audience_top_country=Country"


@pytest.fixture
def db_args(engine, tmp_path: Path) -> list[str]:
    """Global options pointing the CLI at the test database (its own PostgreSQL schema)."""
    if engine.dialect.name == "sqlite":
        return ["--data-dir", str(tmp_path / "data"), "--database-url", engine.url.render_as_string(hide_password=False)]
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    url = engine.url.update_query_dict({"options": f"-csearch_path={schema}"})
    return ["--data-dir", str(tmp_path / "data"), "--database-url", url.render_as_string(hide_password=False)]


def _run(args: list[str], *, index: bool = False):
    # The search index has its own tests; here it is skipped unless a test checks the wiring.
    if not index and "import" in args:
        args = [*args, "--no-index"]
    result = CliRunner().invoke(app, args)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_import_json_prints_exactly_one_object_and_reimport_is_unchanged(db_args: list[str], workspace_id: str) -> None:
    args = [*db_args, "--workspace", workspace_id, "import", "creators", str(DATA / "creators_messy.csv"), "--json"]
    result = _run(args)
    assert result.exit_code == 0
    report = json.loads(result.stdout)  # the whole of stdout is one JSON object
    assert (report["inserted"], report["updated"], report["unchanged"]) == (5, 0, 0)
    assert [r["line"] for r in report["rejected"]] == [6, 7, 8, 9, 10]
    assert report["rejected"][0]["reason"] == "followers: '12x' is not a number"
    assert report["duplicates"] == [{"line": 12, "duplicate_of": 2}]
    assert isinstance(report["warnings"], list) and "changed_account_ids" not in report
    again = json.loads(_run(args).stdout)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 5)


def test_workspace_option_on_the_command_wins(db_args: list[str], workspace_id: str) -> None:
    result = _run([*db_args, "--workspace", "elsewhere", "import", "creators", str(DATA / "creators_messy.csv"),
                   "--workspace", workspace_id, "--json"])
    assert json.loads(result.stdout)["workspace_id"] == workspace_id


def test_human_summary_lists_rejected_rows_with_lines(db_args: list[str], workspace_id: str) -> None:
    result = _run([*db_args, "-w", workspace_id, "import", "creators", str(DATA / "creators_messy.csv")])
    assert result.exit_code == 0
    assert "11 rows: 5 inserted, 0 updated, 0 unchanged, 1 duplicates, 5 rejected" in result.stdout
    assert "line 6: followers: '12x' is not a number" in result.stdout
    assert "line 12 repeats line 2" in result.stdout
    assert "ignored unknown column(s): Notes" in result.stdout


def test_real_youtube_file_with_map_and_platform(db_args: list[str], workspace_id: str) -> None:
    args = [*db_args, "-w", workspace_id, "import", "creators", str(YOUTUBE), "--platform", "youtube", "--map", YOUTUBE_MAP,
            "--json"]
    report = json.loads(_run(args).stdout)
    assert (report["rows"], report["inserted"], len(report["duplicates"]), report["rejected"]) == (1003, 999, 4, [])
    assert json.loads(_run(args).stdout)["unchanged"] == 999


def test_posts_metrics_and_export_commands(db_args: list[str], workspace_id: str, tmp_path: Path) -> None:
    base = [*db_args, "-w", workspace_id]
    _run([*base, "import", "creators", str(DATA / "creators_messy.csv"), "--json"])
    posts = json.loads(_run([*base, "import", "posts", str(DATA / "posts.csv"), "--json"]).stdout)
    assert (posts["inserted"], [r["line"] for r in posts["rejected"]]) == (3, [5, 6, 8])
    metrics = json.loads(_run([*base, "import", "metrics", str(DATA / "metrics.csv"), "--json"]).stdout)
    assert metrics["inserted"] == 0 and metrics["rejected"][0]["reason"] == "unknown campaign 'Summer SPF'"
    out = tmp_path / "export.csv"
    result = _run([*base, "export", "creators", str(out)])
    assert "Exported 5 accounts" in result.stdout
    fresh = json.loads(_run([*db_args, "-w", workspace_id + "b", "import", "creators", str(out), "--json"]).stdout)
    assert (fresh["inserted"], fresh["rejected"]) == (5, [])


def test_import_updates_the_search_index_with_what_changed(db_args: list[str], workspace_id: str, monkeypatch) -> None:
    import memory.indexing

    calls: list[dict] = []
    monkeypatch.setattr(memory.indexing, "reindex_after_change",
                        lambda sessions, vectors, **kw: calls.append(kw))
    args = [*db_args, "-w", workspace_id, "import", "creators", str(DATA / "creators_messy.csv"), "--json"]
    _run(args, index=True)
    assert len(calls) == 1 and calls[0]["workspace_id"] == workspace_id and len(calls[0]["creator_ids"]) == 4
    _run(args, index=True)
    assert len(calls) == 1  # nothing changed, nothing to re-embed


def test_a_failing_search_index_is_a_warning_not_a_failed_import(db_args: list[str], workspace_id: str, monkeypatch) -> None:
    import memory.indexing

    def broken(*_a, **_kw) -> None:
        raise RuntimeError("cannot reach the Chroma server at http://127.0.0.1:9")

    monkeypatch.setattr(memory.indexing, "reindex_after_change", broken)
    result = _run([*db_args, "-w", workspace_id, "import", "creators", str(DATA / "creators_messy.csv"), "--json"], index=True)
    report = json.loads(result.stdout)
    assert result.exit_code == 0 and report["inserted"] == 5
    assert report["warnings"][-1] == ("search index not updated (cannot reach the Chroma server at http://127.0.0.1:9); "
                                      "run `kolpilot index rebuild`")


def test_bad_files_raise_one_line_user_errors(db_args: list[str], workspace_id: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,city\nSam,Paris\n", encoding="utf-8")
    for args, message in (
        (["import", "creators", str(tmp_path / "missing.csv")], "file not found"),
        (["import", "creators", str(bad)], "lacks required column(s): platform, handle, followers"),
        (["import", "creators", str(DATA / "creators_messy.csv"), "--map", "nope=X"], "unknown field 'nope'"),
        (["import", "creators", str(YOUTUBE), "--platform", "myspace"], "--platform: unknown platform 'myspace'"),
    ):
        result = CliRunner().invoke(app, [*db_args, "-w", workspace_id, *args, "--no-index"])
        assert isinstance(result.exception, UserError), result.output
        assert message in str(result.exception) and "\n" not in str(result.exception)


def _kolpilot(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOLPILOT_")}
    return subprocess.run([sys.executable, "-m", "agent.cli.main", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_console_entry_point_gives_one_line_errors_and_exit_code_2(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    missing = _kolpilot("--data-dir", str(data_dir), "import", "creators", "missing.csv", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == ["Error: file not found: missing.csv"]
    assert missing.stdout == "" and not data_dir.exists()  # nothing created for a typo
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = _kolpilot("--data-dir", str(data_dir), "import", "creators", str(empty), "--json", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.strip().splitlines() == ["Error: empty.csv is empty"]
