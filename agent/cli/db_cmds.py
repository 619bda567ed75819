"""``kolpilot db``: schema migrations."""

from __future__ import annotations

import typer

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(ctx: typer.Context, revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Apply schema migrations to the configured database."""
    from memory.db import current_revision, make_engine
    from memory.db import upgrade as do_upgrade

    settings = ctx.obj.settings
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    do_upgrade(engine, revision)
    typer.echo(f"Database at revision {current_revision(engine)}.")


@db_app.command("status")
def status(ctx: typer.Context) -> None:
    """Show the database URL (without password) and its schema revision."""
    from sqlalchemy.engine import make_url

    from memory.db import current_revision, make_engine

    settings = ctx.obj.settings
    url = settings.resolved_database_url
    engine = make_engine(url)
    typer.echo(f"{make_url(url).render_as_string(hide_password=True)}: revision {current_revision(engine) or 'none'}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
