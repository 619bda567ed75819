"""``kolpilot slack``: run the Slack app (HTTP with uvicorn, or Socket Mode)."""

from __future__ import annotations

from typing import Annotated

import typer

slack_app = typer.Typer(help="Run kolpilot as a Slack app (see docs/slack.md).", no_args_is_help=True)


def _configure_logging(level: str) -> None:
    import logging

    from agent.settings import LOG_LEVELS, SettingsError

    name = str(level).strip().upper()
    if name not in LOG_LEVELS:  # load_settings refuses these; Settings built in code may not
        raise SettingsError(f"Invalid setting KOLPILOT_LOG_LEVEL: unknown log level {level!r}; use one of {', '.join(LOG_LEVELS)}")
    logging.basicConfig(level=name, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def describe_service(slack) -> str:  # noqa: ANN001 - integrations.slack.app.SlackApp, imported lazily
    """One line for the start of ``slack serve|socket``: which workspace(s) it serves and what they hold.

    Single-token mode asks Slack which team the bot token belongs to (``auth.test``) and
    names the bound workspace after it, so ``kolpilot workspaces`` shows the team.
    """
    from slack_sdk.errors import SlackApiError

    from memory.db import session_scope
    from memory.errors import UserError
    from memory.repo.workspaces import counts, name_workspace, slack_teams

    def held(s, workspace_id: str) -> str:  # noqa: ANN001
        creators, campaigns = counts(s, workspace_id=workspace_id)
        return f"{creators:,} creator{'s' * (creators != 1)}, {campaigns:,} campaign{'s' * (campaigns != 1)}"

    runtime = slack.services.runtime
    workspace = slack.services.binding.workspace
    with session_scope(runtime.sessions) as s:
        if workspace is not None:
            try:
                auth = slack.client.auth_test()
            except SlackApiError as exc:
                raise UserError(f"Slack rejected the bot token: {exc.response.get('error')}") from None
            team = str(auth.get("team") or auth.get("team_id") or "?")
            name_workspace(s, workspace_id=workspace, name=team)
            return (f"Serving workspace '{workspace}' for Slack team {team} ({auth.get('team_id') or '?'}): "
                    f"{held(s, workspace)} (KOLPILOT_WORKSPACE or --workspace picks another).")
        teams = slack_teams(s)
        shown = "; ".join(f"{name} ({tid}): {held(s, tid)}" for tid, name in list(teams.items())[:5])
        more = f"; and {len(teams) - 5} more (kolpilot workspaces)" if len(teams) > 5 else ""
        installed = f"{len(teams)} installed team{'s' * (len(teams) != 1)}" + (f" — {shown}{more}" if teams else "")
        return f"Serving Add-to-Slack installs, each team its own workspace: {installed}."


@slack_app.command("serve")
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", "-p", help="TCP port for Slack's Request URL")] = 3000,
    host: Annotated[str, typer.Option("--host", help="Interface to bind (0.0.0.0 in a container)")] = "127.0.0.1",
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Agent turns running at once")] = 8,
    offline: Annotated[bool, typer.Option("--offline", help="Use the offline planner even if a model is configured")] = False,
) -> None:
    """HTTP mode: POST /slack/events (events, /kol, buttons) and GET /healthz, served by uvicorn."""
    from agent.factory import build_agent
    from integrations.slack.app import build_app, check_credentials
    from integrations.slack.server import serve_http

    runtime = ctx.obj.runtime
    settings = runtime.settings
    check_credentials(settings, "http")
    _configure_logging(settings.log_level)
    slack = build_app(settings, runtime, lambda: build_agent(runtime, offline=offline), mode="http", max_workers=workers)
    typer.echo(describe_service(slack))
    typer.echo(f"kolpilot Slack app listening on http://{host}:{port}/slack/events (health: /healthz)")
    if slack.oauth_flow is not None:
        typer.echo(f"Add to Slack: http://{host}:{port}{slack.oauth_flow.install_path} (serve it over HTTPS at your public address)")
    serve_http(slack, host=host, port=port, log_level=settings.log_level)


@slack_app.command("socket")
def socket_mode(
    ctx: typer.Context,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Agent turns running at once")] = 8,
    offline: Annotated[bool, typer.Option("--offline", help="Use the offline planner even if a model is configured")] = False,
) -> None:
    """Socket Mode: connect out to Slack with the app-level token (no public URL needed)."""
    from agent.factory import build_agent
    from integrations.slack.app import build_app, check_credentials
    from integrations.slack.server import serve_socket

    runtime = ctx.obj.runtime
    settings = runtime.settings
    check_credentials(settings, "socket")
    _configure_logging(settings.log_level)
    slack = build_app(settings, runtime, lambda: build_agent(runtime, offline=offline), mode="socket", max_workers=workers)
    typer.echo(describe_service(slack))
    typer.echo("kolpilot Slack app connecting in Socket Mode (Ctrl+C to stop)")
    serve_socket(slack, settings.slack_app_token.get_secret_value())


def register(app: typer.Typer) -> None:
    app.add_typer(slack_app, name="slack")
