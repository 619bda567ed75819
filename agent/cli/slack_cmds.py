"""``kolpilot slack``: run the Slack app (HTTP with uvicorn, or Socket Mode)."""

from __future__ import annotations

from typing import Annotated

import typer

slack_app = typer.Typer(help="Run kolpilot as a Slack app (see docs/slack.md).", no_args_is_help=True)


def _configure_logging(level: str) -> None:
    import logging

    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")


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
    typer.echo(f"kolpilot Slack app listening on http://{host}:{port}/slack/events (health: /healthz)")
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
    typer.echo("kolpilot Slack app connecting in Socket Mode (Ctrl+C to stop)")
    serve_socket(slack, settings.slack_app_token.get_secret_value())


def register(app: typer.Typer) -> None:
    app.add_typer(slack_app, name="slack")
