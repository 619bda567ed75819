"""``kolpilot workspaces``: every workspace, what it holds, and the Slack team behind it."""

from __future__ import annotations

import json

import typer


def workspaces(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON list"),
) -> None:
    """List workspaces with their creator and campaign counts (and the Slack team, when installed).

    Address one with the global option: ``kolpilot --workspace T0123ABCD import creators …``.
    """
    from dataclasses import asdict

    from memory.db import session_scope
    from memory.repo.workspaces import list_workspaces

    state = ctx.obj
    with session_scope(state.runtime.sessions) as s:
        rows = list_workspaces(s)
    current = state.workspace_id
    if as_json:
        typer.echo(json.dumps([asdict(r) | {"current": r.id == current} for r in rows]))
        return
    if not rows:
        typer.echo(f"No workspaces yet. The terminal uses '{current}'; import creators into it with "
                   "`kolpilot import creators FILE`.")
        return
    from rich.console import Console
    from rich.table import Table

    from agent.cli.render import T

    table = Table("workspace", "name", "Slack team", "creators", "campaigns")
    for r in rows:
        marker = " *" if r.id == current else ""
        table.add_row(T(r.id + marker), T(r.name if r.name != r.id else ""), T(r.slack_team or ""),
                      f"{r.creators:,}", f"{r.campaigns:,}")
    Console().print(table)
    typer.echo(f"* = the terminal's workspace ('{current}'); pick another with --workspace ID or KOLPILOT_WORKSPACE.")


def register(app: typer.Typer) -> None:
    app.command("workspaces")(workspaces)
