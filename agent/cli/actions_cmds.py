"""``kolpilot actions``: list, approve and reject pending actions as the local user."""

from __future__ import annotations

import json

import typer

actions_app = typer.Typer(help="Pending actions (payouts, content approvals, sends) waiting for an approver.",
                          invoke_without_command=True)

LOCAL_USER = "local"


def _ctx(state):  # noqa: ANN001, ANN202
    import tools.registry  # noqa: F401 - importing the tools registers their executors

    tools.registry.all_tools()
    rt = state.runtime
    rt.ensure_workspace(state.workspace_id)
    return rt.tool_context(user_id=LOCAL_USER, workspace_id=state.workspace_id, conversation_id="cli")


@actions_app.callback()
def list_actions(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON list"),
    status: str = typer.Option("pending", help="pending, executed, rejected, failed or all"),
) -> None:
    """List pending actions (default when no subcommand is given)."""
    if ctx.invoked_subcommand is not None:
        return
    from memory.db import session_scope
    from memory.repo import actions as repo
    from tools.approvals import describe

    tctx = _ctx(ctx.obj)
    with session_scope(tctx.sessions) as s:
        rows = [describe(a) for a in repo.list_actions(s, workspace_id=tctx.workspace_id, status=None if status == "all" else status)]
    if as_json:
        typer.echo(json.dumps(rows, default=str))
        return
    if not rows:
        typer.echo(f"No {status} actions.")
        return
    from rich.console import Console
    from rich.table import Table

    from agent.cli.render import T, pending_action_text

    table = Table("id", "kind", "status", "summary", "requested by")
    for r in rows:
        table.add_row(r["id"][:8], r["kind"], r["status"], T(pending_action_text(r)), r["requested_by"])
    Console().print(table)


def _decide(ctx: typer.Context, action_id: str, approve: bool) -> None:
    from tools.approvals import decide

    tctx = _ctx(ctx.obj)
    result = decide(tctx, action_id, approve=approve)
    typer.echo(result.message)
    if not result.ok:
        raise typer.Exit(1)


@actions_app.command("approve")
def approve(ctx: typer.Context, action_id: str = typer.Argument(..., help="Action id (or its first 8 characters)")) -> None:
    """Approve and execute a pending action (you must be in KOLPILOT_APPROVERS; the terminal user is 'local')."""
    _decide(ctx, action_id, True)


@actions_app.command("reject")
def reject(ctx: typer.Context, action_id: str = typer.Argument(..., help="Action id (or its first 8 characters)")) -> None:
    """Reject a pending action; nothing is executed."""
    _decide(ctx, action_id, False)


def register(app: typer.Typer) -> None:
    app.add_typer(actions_app, name="actions")
