"""``kolpilot seed``: the demo dataset (``--demo``) or synthetic scale data (``--synthetic N``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from agent.cli.state import CliState


def _print_summary(title: str, summary: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    typer.echo(title)
    table = Table(show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    for key, value in summary.items():
        shown = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)
        table.add_row(key.replace("_", " "), shown)
    Console().print(table)


def _seed_synthetic(state: CliState, workspace_id: str, n: int, seed: int) -> dict[str, Any]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from memory.seed.synthetic import seed_synthetic

    engine = state.runtime.engine
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TimeRemainingColumn(), console=Console(stderr=True), transient=False,
    ) as progress:
        tasks: dict[str, Any] = {}
        labels = {"insert": "Inserting accounts", "index": "Rebuilding indexes"}

        def on_progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(labels.get(stage, stage), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        return seed_synthetic(engine, workspace_id=workspace_id, n=n, seed=seed, on_progress=on_progress)


def seed(
    ctx: typer.Context,
    demo: Annotated[bool, typer.Option("--demo", help="Seed the demo dataset (2,000+ creators, posts, campaigns); "
                                       "does nothing if it is already there")] = False,
    synthetic: Annotated[int | None, typer.Option("--synthetic", metavar="N", help="Add N synthetic accounts "
                                                  "(handles synth_0000001...) for scale tests")] = None,
    workspace: Annotated[str | None, typer.Option("--workspace", "-w", help="Workspace (default: the global "
                                                  "--workspace / KOLPILOT_WORKSPACE, i.e. local)")] = None,
    random_seed: Annotated[int, typer.Option("--seed", help="Random seed for --synthetic")] = 0,
) -> None:
    """Seed demo data or synthetic scale data into the database."""
    from memory.errors import UserError

    if demo == (synthetic is not None):
        raise UserError("choose one of --demo or --synthetic N")
    if synthetic is not None and synthetic <= 0:
        raise UserError(f"--synthetic needs a positive number of accounts, got {synthetic}")
    state: CliState = ctx.obj
    workspace_id = workspace or state.workspace_id
    if demo:
        from rich.console import Console

        from memory.seed.demo import seed_demo

        with Console(stderr=True).status(f"Seeding the demo data into workspace {workspace_id}…"):
            summary = seed_demo(state.runtime.sessions, workspace_id=workspace_id)
        if summary["status"] == "already seeded":
            typer.echo(f"Demo data is already in workspace {workspace_id}: nothing to do "
                       f"({summary['creators']:,} creators, {summary['campaigns']} campaigns).")
            return
        _print_summary(f"Demo data seeded into workspace {workspace_id}", summary)
        return
    assert synthetic is not None
    summary = _seed_synthetic(state, workspace_id, synthetic, random_seed)
    _print_summary(f"Synthetic data added to workspace {workspace_id}", summary)


def register(app: typer.Typer) -> None:
    """Add ``seed`` to the CLI."""
    app.command("seed")(seed)
