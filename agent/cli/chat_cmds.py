"""``kolpilot chat`` (the REPL) and ``kolpilot ask`` (one turn, optionally as JSON)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from agent.cli.state import CliState
    from agent.turn import Agent

CLI_USER = "local"  # the terminal's acting user (the default approver)
HISTORY_FILE = ".chat_history"

SLASH_HELP = (
    "/help  this help and examples   ·   /new  start a new conversation   ·   /quit  leave (also /exit, Ctrl-D)"
)


def new_conversation_id() -> str:
    """A fresh terminal conversation id."""
    return f"cli:{uuid.uuid4().hex[:12]}"


def _agent(state: CliState, offline: bool) -> Agent:
    from agent.factory import build_agent

    return build_agent(state.runtime, offline=offline)


def _one_line(exc: BaseException) -> str:
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return first


def log_to_file(state: CliState) -> None:
    """Send log records to ``<data dir>/kolpilot.log`` instead of the terminal, so a tool's
    internal error shows as the one-line reply, not as a traceback in the conversation."""
    import logging

    root = logging.getLogger()
    if root.handlers:
        return  # someone (tests, an embedding app) already decided where logs go
    settings = state.settings
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(settings.data_dir / "kolpilot.log", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(getattr(logging, str(settings.log_level).upper(), logging.WARNING))


def _setup_history(path: Path) -> bool:
    """Enable line editing and a persistent input history (where readline exists)."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input() still works
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            readline.read_history_file(str(path))
        readline.set_history_length(1000)
    except OSError:
        return False
    return True


def _save_history(path: Path) -> None:
    try:
        import readline

        readline.write_history_file(str(path))
    except (ImportError, OSError):
        pass


def print_banner(console: Console, state: CliState, *, offline: bool, conversation_id: str) -> None:
    """Who is answering (model or offline planner), how to change it, and the slash commands."""
    from rich.panel import Panel
    from rich.text import Text

    from agent.factory import describe_brain

    body = Text()
    body.append("kolpilot", style="bold")
    body.append(" — influencer & KOL marketing assistant\n")
    body.append(describe_brain(state.runtime, offline=offline) + "\n", style="yellow")
    body.append(f"Workspace: {state.workspace_id}   Conversation: {conversation_id}\n", style="dim")
    body.append(SLASH_HELP, style="dim")
    console.print(Panel(body, expand=False))


def print_help(console: Console, agent: Agent) -> None:
    """Slash commands plus what the brain understands."""
    from rich.text import Text

    console.print(Text(SLASH_HELP, style="dim"))
    if getattr(agent, "name", "") == "offline":
        from agent.planner.intents import help_text

        console.print(Text(help_text(agent.registry)))  # type: ignore[attr-defined]
    else:
        console.print(Text("Ask in plain English, e.g. “find micro skincare creators in France”, “tell me about @skin.by.sam”."))


def run_chat(
    state: CliState, *, offline: bool, console: Console | None = None, conversation_id: str | None = None
) -> None:
    """The REPL: read a line, run a turn, render the reply and results, until /quit or EOF."""
    from rich.console import Console

    from agent.cli.render import render_turn
    from agent.settings import SettingsError
    from memory.errors import UserError

    console = console or Console(highlight=False)
    log_to_file(state)
    agent = _agent(state, offline)
    conv = conversation_id or new_conversation_id()
    history = state.settings.data_dir / HISTORY_FILE
    has_history = _setup_history(history)
    print_banner(console, state, offline=offline, conversation_id=conv)
    try:
        while True:
            try:
                line = console.input("[bold cyan]you ›[/] ").strip()
            except EOFError:
                console.print()
                break
            except KeyboardInterrupt:
                console.print("\n(Ctrl-D or /quit to leave)")
                continue
            if not line:
                continue
            cmd = line.lower()
            if cmd in ("/quit", "/exit", "/q", "quit", "exit"):
                break
            if cmd in ("/help", "/?"):
                print_help(console, agent)
                continue
            if cmd == "/new":
                conv = new_conversation_id()
                console.print(f"New conversation: {conv}", style="dim", markup=False)
                continue
            if cmd.startswith("/"):
                console.print(f"Unknown command {line.split()[0]} — try /help", style="red", markup=False)
                continue
            try:
                with console.status("Thinking…") as status:
                    turn = agent.run_turn(
                        conv, CLI_USER, line, workspace_id=state.workspace_id,
                        on_progress=lambda msg: status.update(str(msg)),
                    )
            except (UserError, SettingsError) as exc:
                console.print(f"Error: {_one_line(exc)}", style="red", markup=False)
                continue
            except KeyboardInterrupt:
                console.print("Interrupted.", style="dim")
                continue
            except Exception as exc:  # noqa: BLE001 - the REPL survives anything a turn throws
                console.print(f"Error: {type(exc).__name__}: {_one_line(exc)}", style="red", markup=False)
                continue
            render_turn(console, turn)
    finally:
        if has_history:
            _save_history(history)
    console.print("Bye.", style="dim")


def chat(
    ctx: typer.Context,
    offline: Annotated[bool, typer.Option("--offline", help="Use the offline planner even if a model is configured")] = False,
    conversation: Annotated[str | None, typer.Option("--conversation", "-c", help="Continue this conversation id")] = None,
) -> None:
    """Chat with kolpilot in the terminal (/help, /new, /quit)."""
    run_chat(ctx.obj, offline=offline, conversation_id=conversation)


def ask(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Your message, e.g. \"find micro skincare creators in France\"")],
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object: reply, tool_calls, pending_actions, results")] = False,
    conversation: Annotated[str | None, typer.Option("--conversation", "-c", help="Conversation id to continue (default: a new one)")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Use the offline planner even if a model is configured")] = False,
) -> None:
    """Ask one question (one turn) and print the answer."""
    state: CliState = ctx.obj
    log_to_file(state)
    agent = _agent(state, offline)
    conv = conversation or new_conversation_id()
    turn = agent.run_turn(conv, CLI_USER, text, workspace_id=state.workspace_id)
    if json_out:
        payload = turn.to_json_dict()
        payload["conversation_id"] = conv
        typer.echo(json.dumps(payload, ensure_ascii=False, default=str))
        return
    from rich.console import Console

    from agent.cli.render import render_turn

    console = Console(highlight=False)
    render_turn(console, turn)
    if not conversation:
        typer.echo(f"(continue this conversation with --conversation {conv})", err=True)


def register(app: typer.Typer) -> None:
    """Add ``chat`` and ``ask`` to the CLI."""
    app.command("chat")(chat)
    app.command("ask")(ask)
