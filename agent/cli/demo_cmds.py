"""``kolpilot demo``: seed the demo data into the local store when it is empty, index it for
semantic search, then open the chat."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from agent.cli.state import CliState


def _index(state: CliState, console: Console) -> None:
    """Index creators and past collaborations into the vector store, with a progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from memory.indexing import rebuild

    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    ) as progress:
        tasks: dict[str, int] = {}

        def on_progress(kind: str, done: int, total: int) -> None:
            if kind not in tasks:
                tasks[kind] = progress.add_task(f"Indexing {kind}", total=total or 1)
            progress.update(tasks[kind], completed=done if total else 1, total=total or 1)

        rebuild(state.runtime.sessions, state.runtime.vectors, workspace_id=state.workspace_id, on_progress=on_progress)


def prepare_demo(state: CliState, console: Console, *, reindex: bool = False) -> str:
    """Seed (if the workspace is empty) and index (if the index is empty or ``reindex``).
    Returns what happened, in words."""
    from memory.seed.demo import has_demo, is_empty, seed_demo

    runtime = state.runtime
    ws = state.workspace_id
    runtime.ensure_workspace(ws)
    did: list[str] = []
    if is_empty(runtime.sessions, ws):
        with console.status("Seeding the demo data (creators, posts, campaigns)…"):
            summary = seed_demo(runtime.sessions, workspace_id=ws)
        did.append(f"seeded {summary.get('creators', 0):,} creators and {summary.get('campaigns', 0)} campaigns")
    elif not has_demo(runtime.sessions, ws):
        did.append(f"workspace {ws!r} already has data; left as it is")
    try:
        vectors = runtime.vectors
        if reindex or vectors.count(ws, "creators") == 0:
            _index(state, console)
            did.append("indexed creators and past collaborations for semantic search")
    except Exception as exc:  # noqa: BLE001 - the chat works without the index (no topic search / lookalikes)
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        did.append(f"semantic search is unavailable ({first}); run `kolpilot index rebuild` once it is fixed")
    return "; ".join(did) or "demo data already in place"


def demo(
    ctx: typer.Context,
    offline: Annotated[bool, typer.Option("--offline", help="Use the offline planner even if a model is configured")] = False,
    reindex: Annotated[bool, typer.Option("--reindex", help="Rebuild the vector index even if it exists")] = False,
    no_chat: Annotated[bool, typer.Option("--no-chat", help="Only seed and index; do not open the chat")] = False,
) -> None:
    """Seed the demo data into the local store if it is empty (and index it), then open the chat."""
    from rich.console import Console

    from agent.cli.chat_cmds import run_chat

    state: CliState = ctx.obj
    console = Console(highlight=False)
    done = prepare_demo(state, Console(stderr=True, highlight=False), reindex=reindex)
    console.print(f"Demo: {done}.", style="dim", markup=False)
    if no_chat:
        return
    console.print(
        "Try: “find micro skincare creators in France” · “tell me about @skin.by.sam” · “find creators similar to her” · "
        "“recommend a creator mix for a $20,000 awareness campaign in skincare” · "
        "“what did we pay dermatologists last year and how did they perform?”",
        style="dim", markup=False,
    )
    run_chat(state, offline=offline, console=console)


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the CLI."""
    app.command("demo")(demo)
