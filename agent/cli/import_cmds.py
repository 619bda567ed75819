"""``kolpilot import creators|posts|metrics FILE`` and ``kolpilot export creators FILE``.

Imports show a progress bar on stderr and print a summary, or with ``--json`` exactly one
JSON object on stdout::

    {"kind": "creators", "file": "...", "workspace_id": "local", "rows": 1003, "inserted": 999,
     "updated": 0, "unchanged": 0, "duplicates": [{"line": 1004, "duplicate_of": 973}],
     "rejected": [{"line": 5, "reason": "followers: '12x' is not a number"}], "warnings": [...]}

Rejected rows do not make the command fail (exit 0: the good rows were imported); a file
that cannot be imported at all (missing, empty, not CSV, missing required columns, bad
``--map``) is a one-line error with exit code 2 and nothing imported. A line with a stray
quote is a rejected row and the lines after it are read again as rows; when the reader
cannot find where rows start again, the rows before are imported, the report names the
unread lines and the exit code is 1. Every report accounts for every data line
(``accounting``: imported + rejected + duplicates + unread).

Imports keep cell text as it is, formula-like cells included (a warning counts them);
exports write cells starting with ``=``, ``+``, ``-``, ``@``, tab or CR with a leading ``'``
so spreadsheets show them as text, and ``--raw`` writes the exact text.

Column mapping: ``--map field=Header,field2=Header A+Header B`` (repeatable). ``+`` gives a
field several columns: list fields (niches, brands) join them with ``;``, other fields take
the first non-empty one. ``--platform youtube`` sets the platform of rows that have none (a
file about one platform needs no platform column).

After an import the search index is updated incrementally with the creators and
collaborations that changed (``--no-index`` skips it, e.g. before ``kolpilot index rebuild``);
if that fails the import stands and a warning says so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from agent.cli.state import CliState
    from integrations.sources.csv_import import ImportReport

import_app = typer.Typer(
    help="Import creators, posts or campaign metrics from CSV files (see DESIGN section 5 for the columns).",
    no_args_is_help=True,
)
export_app = typer.Typer(help="Export data to CSV files.", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="CSV file: UTF-8, header row", show_default=False, metavar="FILE")]
WorkspaceOption = Annotated[
    str | None,
    typer.Option("--workspace", "-w", metavar="WORKSPACE", help="Workspace (default: the global --workspace / KOLPILOT_WORKSPACE)"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object with the result; no progress bar")]
MapOption = Annotated[
    list[str] | None,
    typer.Option("--map", metavar="FIELD=HEADER,...", show_default=False,
                 help="Column mapping: field=Header[,field=Header1+Header2...]; repeatable"),
]
NoIndexOption = Annotated[
    bool,
    typer.Option("--no-index", help="Do not update the search index (faster bulk loads; run `kolpilot index rebuild` later)"),
]
PlatformOption = Annotated[
    str | None,
    typer.Option("--platform", metavar="PLATFORM", help="Platform of rows without one, e.g. youtube (for single-platform files)"),
]
RawOption = Annotated[
    bool,
    typer.Option("--raw", help="Write text cells exactly; by default cells starting with = + - @ tab or CR get a "
                               "leading ' so spreadsheets do not run them as formulas"),
]

_SHOWN = 20  # rejected/duplicate rows listed in the human summary; --json lists them all


def _workspace(ctx: typer.Context, workspace: str | None) -> str:
    state: CliState = ctx.obj
    return workspace or state.workspace_id


def _check_file(file: Path) -> None:
    # Before the database is opened: a typo in the path should not create a data directory.
    from memory.errors import UserError

    if not file.exists():
        raise UserError(f"file not found: {file}")
    if file.is_dir():
        raise UserError(f"{file} is a directory, not a CSV file")


def _print_report(report: ImportReport) -> None:
    from integrations.sources.imports import report_lines

    for line in report_lines(report, shown=_SHOWN):
        typer.echo(line)


def _reindex(ctx: typer.Context, report: ImportReport, console: Console, quiet: bool) -> None:
    """Bring the vector index up to date with what the import changed (DESIGN: writers
    reindex incrementally). The import is committed already, so a failure here is a
    warning with the way out, not an error."""
    if not (report.changed_creator_ids or report.changed_collaboration_ids):
        return
    from contextlib import nullcontext

    from memory.indexing import reindex_after_change

    n = len(report.changed_creator_ids)
    status = nullcontext() if quiet else console.status(f"Updating the search index ({n} creators)...")
    try:
        with status:
            reindex_after_change(ctx.obj.runtime.sessions, ctx.obj.runtime.vectors, workspace_id=report.workspace_id,
                                 creator_ids=report.changed_creator_ids,
                                 collaboration_ids=report.changed_collaboration_ids)
    except Exception as exc:  # noqa: BLE001 - any store/embedder failure becomes one warning line
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        report.warnings.append(f"search index not updated ({first}); run `kolpilot index rebuild`")


def _run_import(
    ctx: typer.Context, kind: str, file: Path, workspace: str | None, as_json: bool,
    mapping: list[str] | None, platform: str | None, no_index: bool,
) -> None:
    _check_file(file)
    from functools import partial

    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from integrations.sources.imports import import_file

    settings = ctx.obj.settings
    run = partial(import_file, kind=kind, er_posts=settings.er_posts, er_window_days=settings.er_window_days,
                  default_currency=settings.default_currency, workdir=Path(settings.data_dir) / "imports")
    workspace_id = _workspace(ctx, workspace)
    sessions = ctx.obj.runtime.sessions
    console = Console(stderr=True)
    progress = Progress(
        TextColumn(f"[bold]Importing {kind}[/bold] {escape(file.name)}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=True,
        disable=as_json or not console.is_terminal,  # no bar frames in logs and pipes
    )
    with progress:
        task = progress.add_task("import", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = run(sessions, workspace_id=workspace_id, path=file, mapping=mapping, platform=platform,
                     on_progress=on_progress)
    if not no_index:
        _reindex(ctx, report, console, quiet=as_json or not console.is_terminal)
    if as_json:
        typer.echo(json.dumps(report.summary_dict(), ensure_ascii=False))
    else:
        _print_report(report)
    if report.unread:
        u = report.unread
        typer.echo(f"error: {file.name}: lines {u.first}-{u.last} were not read ({u.reason}); "
                   "fix the quote and import the file again", err=True)
        raise typer.Exit(1)


@import_app.command("creators")
def import_creators_cmd(
    ctx: typer.Context, file: FileArg, workspace: WorkspaceOption = None, as_json: JsonOption = False,
    mapping: MapOption = None, platform: PlatformOption = None, no_index: NoIndexOption = False,
) -> None:
    """Import creators.csv: one row per platform account (required: platform, handle, followers).

    Rows with the same email or creator_id become one person; re-importing the same file
    changes nothing. Example for a YouTube export:

    \b
      kolpilot import creators top.csv --platform youtube \\
        --map "handle=Youtube channel,niches=Category+Category-2"
    """
    _run_import(ctx, "creators", file, workspace, as_json, mapping, platform, no_index)


@import_app.command("posts")
def import_posts_cmd(
    ctx: typer.Context, file: FileArg, workspace: WorkspaceOption = None, as_json: JsonOption = False,
    mapping: MapOption = None, platform: PlatformOption = None, no_index: NoIndexOption = False,
) -> None:
    """Import posts.csv (required: platform, handle, posted_at, url); posts are keyed by URL
    and must belong to accounts imported before."""
    _run_import(ctx, "posts", file, workspace, as_json, mapping, platform, no_index)


@import_app.command("metrics")
def import_metrics_cmd(
    ctx: typer.Context, file: FileArg, workspace: WorkspaceOption = None, as_json: JsonOption = False,
    mapping: MapOption = None, platform: PlatformOption = None, no_index: NoIndexOption = False,
) -> None:
    """Import metrics.csv snapshots (required: campaign, platform, handle, date), one per
    campaign, account, deliverable URL and date; campaigns are matched by name."""
    _run_import(ctx, "metrics", file, workspace, as_json, mapping, platform, no_index)


@import_app.command("redemptions")
def import_redemptions_cmd(
    ctx: typer.Context, file: FileArg, workspace: WorkspaceOption = None, as_json: JsonOption = False,
    no_index: NoIndexOption = False,
) -> None:
    """Import discount-code redemptions (code, orders, revenue, currency, date), one row per code
    and day; used for attribution (a code beats a link)."""
    _run_import(ctx, "redemptions", file, workspace, as_json, None, None, no_index)


@export_app.command("metrics")
def export_metrics_cmd(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Output file (.csv or .xlsx)"),
    campaign: str = typer.Option(..., "--campaign", "-c", help="Campaign name"),
    fmt: str = typer.Option(None, "--format", "-f", help="csv or xlsx (default: from the file name)"),
    group_by: str = typer.Option("creator", "--by", help="creator, tier, platform, kind, niche, country, day or week"),
    workspace: WorkspaceOption = None,
    raw: RawOption = False,
) -> None:
    """Export a campaign's metrics summary (one row per creator by default, plus a TOTAL row)."""
    from memory.errors import UserError
    from tools.base import ToolError
    from tools.metrics.export import export

    chosen = (fmt or file.suffix.lstrip(".") or "csv").lower()
    if chosen not in ("csv", "xlsx"):
        raise UserError(f"unknown format {chosen!r}: use csv or xlsx")
    rt = ctx.obj.runtime
    tctx = rt.tool_context(user_id="local", workspace_id=_workspace(ctx, workspace))
    try:
        out = export(tctx, campaign, chosen, file, group_by, raw=raw)  # type: ignore[arg-type]
    except ToolError as exc:
        raise UserError(str(exc)) from None
    typer.echo(f"Exported {campaign} by {group_by} to {out}")


@export_app.command("creators")
def export_creators_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Output CSV file ('-' for standard output); replaced if it exists", metavar="FILE")],
    workspace: WorkspaceOption = None,
    raw: RawOption = False,
) -> None:
    """Export the workspace's creators as creators.csv, one row per account, in the format
    `kolpilot import creators` reads."""
    from integrations.sources.csv_export import export_creators

    workspace_id = _workspace(ctx, workspace)
    n = export_creators(ctx.obj.runtime.sessions, workspace_id=workspace_id, path=str(file), raw=raw)
    if str(file) != "-":
        typer.echo(f"Exported {n} accounts of workspace {workspace_id} to {file}.")


def register(app: typer.Typer) -> None:
    """Add the ``import`` and ``export`` command groups to the root app."""
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")
