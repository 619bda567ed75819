"""``kolpilot index``: rebuild the retrieval index and compare it with SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from agent.cli.state import CliState
    from memory.vectors import VectorIndex

index_app = typer.Typer(help="Retrieval index (vector store) of creators and past collaborations.", no_args_is_help=True)

WhatOption = Annotated[
    str, typer.Option("--what", help="What to rebuild: creators, collaborations or all", case_sensitive=False)
]
WorkspaceOption = Annotated[
    str | None, typer.Option("--workspace", "-w", help="Workspace (default: the global --workspace / KOLPILOT_WORKSPACE)")
]


def _vectors(state: CliState) -> VectorIndex:
    # A runtime that already owns a vector index (one writer per embedded store) wins.
    existing = getattr(state.runtime, "vectors", None)
    if existing is not None:
        return existing
    from memory.vectors import VectorIndex

    return VectorIndex.from_settings(state.settings)


@index_app.command("rebuild")
def rebuild_cmd(ctx: typer.Context, workspace: WorkspaceOption = None, what: WhatOption = "all") -> None:
    """Drop and rebuild the vector index of a workspace from the database."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from memory.errors import UserError
    from memory.indexing import WHAT_CHOICES, rebuild

    what = what.lower()
    if what not in WHAT_CHOICES:
        raise UserError(f"--what must be one of {', '.join(WHAT_CHOICES)}, got {what!r}")
    state: CliState = ctx.obj
    workspace_id = workspace or state.workspace_id
    sessions = state.runtime.sessions
    vectors = _vectors(state)
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        tasks: dict[str, int] = {}

        def on_progress(kind: str, done: int, total: int) -> None:
            if kind not in tasks:
                tasks[kind] = progress.add_task(f"Indexing {kind}", total=total or 1)
            progress.update(tasks[kind], completed=done if total else 1, total=total or 1)

        counts = rebuild(sessions, vectors, workspace_id=workspace_id, what=what, on_progress=on_progress)
    summary = ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
    typer.echo(f"Indexed {summary} in workspace {workspace_id} ({vectors.embedder.name}).")


@index_app.command("status")
def status_cmd(ctx: typer.Context, workspace: WorkspaceOption = None) -> None:
    """Compare how many creators and collaborations SQL holds with what the index holds."""
    from rich.console import Console
    from rich.table import Table

    from memory.indexing import sql_counts

    state: CliState = ctx.obj
    workspace_id = workspace or state.workspace_id
    vectors = _vectors(state)
    sql = sql_counts(state.runtime.sessions, workspace_id=workspace_id)
    where = vectors.url or str(vectors.path)
    table = Table(title=f"Index of workspace {workspace_id}", caption=f"{vectors.embedder.name} vectors at {where}")
    table.add_column("kind")
    table.add_column("in SQL", justify="right")
    table.add_column("in index", justify="right")
    table.add_column("status")
    stale = False
    for kind, n_sql in sql.items():
        n_vec = vectors.count(workspace_id, kind)
        ok = n_sql == n_vec
        stale |= not ok
        table.add_row(kind, f"{n_sql:,}", f"{n_vec:,}", "in sync" if ok else "out of sync")
    Console().print(table)
    if stale:
        typer.echo("Run `kolpilot index rebuild` to bring the index in line with the database.")


def register(app: typer.Typer) -> None:
    """Add the ``index`` command group to the root CLI."""
    app.add_typer(index_app, name="index")
