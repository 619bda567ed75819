"""``kolpilot sync posts`` and ``kolpilot outreach …``: recent posts from feeds / the YouTube API,
reviewing outreach, and one sending pass."""

from __future__ import annotations

import typer

sync_app = typer.Typer(help="Fetch fresh data from outside sources.", no_args_is_help=True)
outreach_app = typer.Typer(help="Outreach: review drafts and sends, run one sending pass.", no_args_is_help=True)

SOURCES = ("auto", "db", "rss", "youtube")


def _source(state, name: str):  # noqa: ANN001, ANN202 - built lazily (httpx/feedparser imports)
    from integrations.sources.posts_source import build_source

    return build_source(state.settings, state.runtime.sessions, name)


@sync_app.command("posts")
def sync_posts_cmd(
    ctx: typer.Context,
    handle: list[str] = typer.Option([], "--handle", "-h", help="Only this account (repeatable); default: every account"),
    source: str = typer.Option("auto", "--source", help="auto (YouTube API with a key, else RSS/Atom), db, rss or youtube"),
) -> None:
    """Fetch creators' recent posts (RSS/Atom feeds, YouTube Data API) into the database."""
    from integrations.sources.posts_source import sync_posts
    from memory.errors import UserError

    if source not in SOURCES:
        raise UserError(f"unknown source {source!r}: use one of {', '.join(SOURCES)}")
    state = ctx.obj
    state.runtime.ensure_workspace(state.workspace_id)
    report = sync_posts(state.runtime.sessions, workspace_id=state.workspace_id, source=_source(state, source),
                        handles=handle or None, er_posts=state.settings.er_posts,
                        er_window_days=state.settings.er_window_days)
    for line in report.lines():
        typer.echo(line)
    if report.errors and not report.accounts:
        raise typer.Exit(1)


@outreach_app.command("review")
def review_cmd(
    ctx: typer.Context,
    campaign: str = typer.Argument(..., help="Campaign name"),
    status: str = typer.Option("all", help="draft, scheduled, sent, failed, cancelled, received or all"),
    full: bool = typer.Option(False, "--full", help="Whole bodies"),
) -> None:
    """List a campaign's outreach messages (drafts, scheduled, sent, failed with the reason)."""
    from rich.console import Console
    from rich.table import Table

    from memory.errors import UserError
    from tools.registry import run_tool

    state = ctx.obj
    state.runtime.ensure_workspace(state.workspace_id)
    tctx = state.runtime.tool_context(user_id="local", workspace_id=state.workspace_id, conversation_id="cli")
    out = run_tool(tctx, "review_drafts", {"campaign": campaign, "status": status, "full_text": full, "limit": 500})
    if not out.ok:
        raise UserError(out.error or "review failed")
    result = out.result
    table = Table("id", "handle", "step", "status", "when", "subject / text", show_lines=True)
    for m in result.messages:  # type: ignore[union-attr]
        when = m.sent_at or m.scheduled_at or ""
        text = (m.subject + "\n" if m.subject else "") + m.body + (f"\n[failed: {m.last_error}]" if m.status == "failed" else "")
        table.add_row(str(m.message_id), m.handle, str(m.step), m.status, when, text)
    Console().print(table)
    typer.echo(result.summary)  # type: ignore[union-attr]


@outreach_app.command("send")
def send_cmd(ctx: typer.Context) -> None:
    """One sending pass now (what `kolpilot worker` does for outreach): sends the approved messages that are due."""
    from agent.jobs.outreach import run

    state = ctx.obj
    lines = run(state.runtime, state.workspace_id)
    for line in lines or ["[outreach] nothing due"]:
        typer.echo(line)


def register(app: typer.Typer) -> None:
    app.add_typer(sync_app, name="sync")
    app.add_typer(outreach_app, name="outreach")
