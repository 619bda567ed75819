"""``kolpilot slack serve|socket``: one-line refusals without credentials, and the real
command serving HTTP in a subprocess."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from agent.cli import slack_cmds
from agent.cli.state import CliState
from memory.errors import UserError
from tests.fakes.mock_slack import MockSlack
from tests.slack_helpers import BOT_TOKEN, SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[1]
# The console script with the slack commands registered (main.py's COMMAND_MODULES is
# owned elsewhere): exactly what `kolpilot slack ...` runs once "slack_cmds" is listed.
BOOT = ("import sys; from agent.cli.main import app, main; from agent.cli import slack_cmds; "
        "slack_cmds.register(app) if 'slack' not in [g.name for g in app.registered_groups] else None; main()")


def _cli(tmp_path: Path) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context) -> None:
        ctx.obj = CliState(data_dir=tmp_path / "data")

    slack_cmds.register(app)
    return app


@pytest.mark.parametrize(("args", "missing"), [
    (["slack", "serve"], "KOLPILOT_SLACK_BOT_TOKEN"),
    (["slack", "socket"], "KOLPILOT_SLACK_APP_TOKEN"),
])
def test_commands_refuse_without_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
                                             missing: str) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    if missing == "KOLPILOT_SLACK_APP_TOKEN":
        monkeypatch.setenv("KOLPILOT_SLACK_BOT_TOKEN", BOT_TOKEN)
    result = CliRunner().invoke(_cli(tmp_path), args)
    assert isinstance(result.exception, UserError)
    message = str(result.exception)
    assert missing in message and "\n" not in message


def test_serve_requires_the_signing_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KOLPILOT_SLACK_BOT_TOKEN", BOT_TOKEN)
    result = CliRunner().invoke(_cli(tmp_path), ["slack", "serve"])
    assert "KOLPILOT_SLACK_SIGNING_SECRET" in str(result.exception)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOLPILOT_", "SLACK_", "OPENAI_"))}
    env.update({"KOLPILOT_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT)}, **extra)
    return env


def test_missing_token_is_a_one_line_error_from_the_console_script(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", BOOT, "slack", "serve"], cwd=tmp_path, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and proc.stderr.startswith("Error: Slack is not configured")


@pytest.mark.slow
def test_serve_runs_uvicorn_answers_health_and_stops_on_sigterm(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with MockSlack(token=BOT_TOKEN) as mock:
        env = _env(tmp_path, KOLPILOT_SLACK_BOT_TOKEN=BOT_TOKEN, KOLPILOT_SLACK_SIGNING_SECRET=SIGNING_SECRET,
                   KOLPILOT_SLACK_API_URL=mock.api_url)
        proc = subprocess.Popen([sys.executable, "-c", BOOT, "slack", "serve", "--port", str(port), "--offline"],
                                cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                    assert time.monotonic() < deadline, "server did not start"
                    time.sleep(0.1)
            assert r.status_code == 200 and r.json()["ok"] is True
            assert mock.calls_to("auth.test")  # the token was verified at start-up
            unsigned = httpx.post(f"http://127.0.0.1:{port}/slack/events", content=b"{}", timeout=5)
            assert unsigned.status_code == 401
        finally:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
        # uvicorn shuts down gracefully, then re-raises the signal it caught (exit by SIGTERM).
        assert proc.returncode in (0, -signal.SIGTERM), err
        assert "Traceback" not in err
        assert "listening on http://127.0.0.1" in out
