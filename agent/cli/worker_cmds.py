"""``kolpilot worker``: background jobs — deadline reminders (and, with outreach, due sends)."""

from __future__ import annotations

import time

import typer

# Each job is (name, fn(state) -> list[str] of lines to show). Other capabilities append theirs.
JOBS: list[tuple[str, str]] = [("reminders", "agent.jobs.reminders:run"), ("outreach", "agent.jobs.outreach:run"),
                               ("digest", "agent.jobs.digest:run")]
JOBS.append(("inbox", "agent.jobs.inbox:run"))  # creators' replies from KOLPILOT_IMAP_URL (docs/inbox.md)
JOBS.append(("post_detection", "agent.jobs.post_detection:run"))  # did approved/due content go live?


def _load(path: str):  # noqa: ANN202
    import importlib

    mod, fn = path.split(":")
    return getattr(importlib.import_module(mod), fn)


def run_once(state) -> list[str]:  # noqa: ANN001
    """One pass over every job; returns the lines it reported."""
    lines: list[str] = []
    for name, path in JOBS:
        try:
            lines += _load(path)(state.runtime, state.workspace_id)
        except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
            lines.append(f"[{name}] failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    return lines


def worker(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="One pass, then exit"),
    interval: float = typer.Option(60.0, help="Seconds between passes"),
) -> None:
    """Run background jobs: deadline reminders to the terminal and the configured Slack channel."""
    while True:
        for line in run_once(ctx.obj):
            typer.echo(line)
        if once:
            return
        from agent.jobs.inbox import wait_for_mail  # IMAP IDLE: a reply starts the next pass at once

        if not wait_for_mail(ctx.obj.runtime, interval):
            time.sleep(interval)


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
