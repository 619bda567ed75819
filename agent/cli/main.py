"""The ``kolpilot`` command line. Imports are lazy so ``kolpilot --help`` starts fast."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from agent.cli.state import CliState

app = typer.Typer(
    name="kolpilot",
    help="kolpilot — influencer & KOL marketing assistant (discovery, outreach, CRM, metrics).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the embedded stores live [env KOLPILOT_DATA_DIR; default ./kolpilot-data]")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="SQLAlchemy URL [env KOLPILOT_DATABASE_URL]")
    ] = None,
    workspace: Annotated[str | None, typer.Option("--workspace", "-w", help="Workspace [env KOLPILOT_WORKSPACE; default local]")] = None,
) -> None:
    ctx.obj = CliState(data_dir=data_dir, database_url=database_url, workspace=workspace)


COMMAND_MODULES = [
    "db_cmds", "import_cmds", "seed_cmds", "index_cmds", "chat_cmds", "demo_cmds", "actions_cmds", "worker_cmds",
    "outreach_cmds", "slack_cmds", "workspaces_cmds",
]


def _register() -> None:
    # Each module adds its own commands; their heavy imports happen inside the commands.
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"agent.cli.{name}").register(app)


_register()


def main() -> None:
    """Console-script entry point: one-line errors for anything a user can cause."""
    from agent.settings import SettingsError
    from memory.errors import UserError

    try:
        app()
    except SettingsError as exc:
        # Already one line naming the variable: "Invalid setting KOLPILOT_X: reason".
        typer.echo(str(exc), err=True)
        sys.exit(2)
    except UserError as exc:
        typer.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last-resort: one line unless debugging
        if os.environ.get("KOLPILOT_DEBUG"):
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        typer.echo(f"Error: unexpected {type(exc).__name__}: {first} (set KOLPILOT_DEBUG=1 for details)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
