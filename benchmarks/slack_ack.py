"""Slack acknowledgement latency under load, and exactly-once answers.

Starts the real ``kolpilot slack serve`` in a subprocess (uvicorn + Starlette + bolt, on
SQLite in a temporary data dir) whose Web API URL points at the mock Slack server, with
agent turns that take ≥ 2 s: by default the real LLM agent against the scripted
OpenAI-compatible server answering every completion after a 2 s delay (``--agent sleep``:
a fake agent that sleeps 2 s, for when the LLM agent is unavailable). Then it sends
``--events`` signed ``app_mention`` events at once (plus ``--redeliveries`` of them again
with ``X-Slack-Retry-Num``, in the same burst), measures the acknowledgement latency of
every request, waits for the answers at the mock Slack API, and counts each event's
answers (a placeholder replaced by chat.update).

Prints one JSON object on the last line:
{"events", "ack_ms": {"p50", "p99", "max"}, "answered", "answered_twice", "unanswered", ...}

Run: .venv/bin/python benchmarks/slack_ack.py [--events 100] [--workers 16] [--agent llm|sleep]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts benchmarks/ first on sys.path, where benchmarks/agent.py would
# shadow the `agent` package; the repository root goes first instead (tests.fakes lives there).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
TEAM = "T0BENCH001"
TURN_SECONDS = 2.0
# The console script with the slack commands registered, as `kolpilot slack serve` runs once
# agent/cli/main.py lists "slack_cmds" in COMMAND_MODULES.
BOOT = ("import faulthandler, signal; faulthandler.register(signal.SIGUSR1); "  # thread dump on demand (diagnostics)
        "from agent.cli.main import app, main; from agent.cli import slack_cmds; "
        "slack_cmds.register(app) if 'slack' not in [g.name for g in app.registered_groups] else None; main()")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _child_sleep_agent(port: int, workers: int) -> None:
    """``--agent sleep``: the same server code as `kolpilot slack serve`, with a fake agent."""
    from agent.runtime import Runtime
    from agent.settings import load_settings
    from agent.turn import Turn
    from integrations.slack.app import build_app
    from integrations.slack.server import serve_http

    class SleepAgent:
        name = "sleep"

        def run_turn(self, conversation_id, user, text, *, workspace_id=None, on_progress=None):  # noqa: ANN001, ANN201
            time.sleep(TURN_SECONDS)
            return Turn(conversation_id, f"Answer to: {text}")

    runtime = Runtime(load_settings())
    slack = build_app(runtime.settings, runtime, SleepAgent, max_workers=workers)
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    serve_http(slack, host="127.0.0.1", port=port)


def _sign(body: bytes) -> dict[str, str]:
    import hashlib
    import hmac

    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig, "Content-Type": "application/json"}


def _event(i: int, channel: str, ts: str, event_id: str) -> bytes:
    from tests.fakes.mock_slack import BOT_USER_ID

    event = {"type": "app_mention", "user": f"U0USER{i % 7:04d}", "text": f"<@{BOT_USER_ID}> question number {i}",
             "ts": ts, "channel": channel, "event_ts": ts}
    body = {"token": "x", "team_id": TEAM, "api_app_id": "A0BENCH", "type": "event_callback", "event": event,
            "event_id": event_id, "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER_ID, "is_bot": True}]}
    return json.dumps(body).encode()


def _raw_post(port: int, body: bytes, headers: dict[str, str]) -> bytes:
    """A complete HTTP/1.1 request, prepared before the clock starts (as Slack's would be)."""
    head = {"Host": f"127.0.0.1:{port}", "Content-Length": str(len(body)), "Connection": "close", **headers}
    return ("POST /slack/events HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in head.items()) + "\r\n").encode() + body


async def _fire(port: int, requests: list[bytes]) -> list[tuple[float, int]]:
    gate = asyncio.Event()

    async def one(data: bytes) -> tuple[float, int]:
        await gate.wait()
        t0 = time.perf_counter()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)  # a new connection each, like Slack
        writer.write(data)
        await writer.drain()
        status_line = await reader.readline()  # the acknowledgement: status line received
        elapsed = (time.perf_counter() - t0) * 1000
        await reader.read()
        writer.close()
        return elapsed, int(status_line.split()[1])

    tasks = [asyncio.create_task(one(r)) for r in requests]
    await asyncio.sleep(0.05)  # every task is connected to the gate
    gate.set()
    return list(await asyncio.gather(*tasks))


def client_burst(port: int, requests: list[bytes]) -> list[tuple[float, int]]:
    """Send all requests at once; (latency ms, status) each. Runs in its own process so the
    mock Slack server's threads in the parent never hold up the measurement."""
    return asyncio.run(_fire(port, requests))


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return round(s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))], 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100)
    ap.add_argument("--redeliveries", type=int, default=20, help="events sent a second time with X-Slack-Retry-Num")
    ap.add_argument("--channels", type=int, default=25)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--agent", choices=["llm", "sleep"], default="llm")
    ap.add_argument("--timeout", type=float, default=180)
    ap.add_argument("--database-url", help="default: a fresh SQLite file; e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--child-sleep-agent", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_sleep_agent:
        _child_sleep_agent(args.child_sleep_agent, args.workers)
        return

    from tests.fakes.mock_slack import MockSlack
    from tests.fakes.scripted_llm import ScriptedLLM, delay, final

    port = _free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="kolpilot-bench-slack-"))
    with MockSlack(token=TOKEN) as mock, \
            ScriptedLLM(responder=lambda body: delay(TURN_SECONDS, then=final("Here is what I found."))) as llm:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KOLPILOT_", "SLACK_", "OPENAI_"))}
        env.update({
            "PYTHONPATH": str(ROOT), "KOLPILOT_DATA_DIR": str(data_dir), "KOLPILOT_SLACK_BOT_TOKEN": TOKEN,
            "KOLPILOT_SLACK_SIGNING_SECRET": SECRET, "KOLPILOT_SLACK_API_URL": mock.api_url,
            "KOLPILOT_LOG_LEVEL": "WARNING",
        })
        if args.database_url:
            env["KOLPILOT_DATABASE_URL"] = args.database_url
        if args.agent == "llm":
            env.update({"KOLPILOT_LLM_BASE_URL": llm.base_url, "KOLPILOT_LLM_API_KEY": "bench", "KOLPILOT_LLM_MODEL": "scripted"})
            cmd = [sys.executable, "-c", BOOT, "slack", "serve", "--port", str(port), "--workers", str(args.workers)]
        else:
            cmd = [sys.executable, __file__, "--child-sleep-agent", str(port), "--workers", str(args.workers)]
        proc = subprocess.Popen(cmd, cwd=data_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            _wait_healthy(port, proc)
            client = multiprocessing.get_context("spawn").Pool(1)
            # Warm-up outside the measurement: the first requests pay for lazy imports.
            for i in range(3):
                body = _event(10_000 + i, "C0WARMUP", f"1600000000.{i:06d}", f"EvWARM{i}")
                client.apply(client_burst, (port, [_raw_post(port, body, _sign(body))]))
            # Let the warm-up turns finish (the first one also builds the agent).
            try:
                mock.wait_for(lambda: len(mock.calls_to("chat.update", where=lambda c: c.params.get("channel") == "C0WARMUP")) >= 3,
                              timeout=60)
            except AssertionError:
                proc.send_signal(signal.SIGUSR1)  # dump every thread's stack to stderr
                time.sleep(1)
                proc.send_signal(signal.SIGTERM)
                raise SystemExit("warm-up turns were not answered; server stderr:\n" + proc.communicate(timeout=60)[1][-20000:]) from None
            time.sleep(0.5)

            events = []
            for i in range(args.events):
                channel = f"C0BENCH{i % args.channels:03d}"
                events.append((channel, f"1700000000.{i:06d}", f"Ev{uuid.uuid4().hex[:14].upper()}"))
            requests = [_raw_post(port, body, _sign(body)) for body in (_event(i, *e) for i, e in enumerate(events))]
            for i, (channel, ts, event_id) in enumerate(events[: args.redeliveries]):
                body = _event(i, channel, ts, event_id)
                retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
                requests.append(_raw_post(port, body, {**_sign(body), **retry}))
            t0 = time.monotonic()
            measured = client.apply(client_burst, (port, requests))
            client.close()
            latencies, statuses = [m[0] for m in measured], [m[1] for m in measured]
            counts = _wait_answers(mock, events, args.timeout)
            elapsed = time.monotonic() - t0
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                _out, err = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                _out, err = proc.communicate()
        llm_calls = len(llm.requests) if args.agent == "llm" else None
    shutil.rmtree(data_dir, ignore_errors=True)

    answered = sum(1 for c in counts.values() if c["answers"] >= 1)
    twice = sum(1 for c in counts.values() if c["answers"] > 1 or c["placeholders"] > 1)
    result = {
        "events": args.events,
        "requests": len(requests),
        "redeliveries": args.redeliveries,
        "ack_ms": {"p50": _pct(latencies, 50), "p99": _pct(latencies, 99), "max": round(max(latencies), 1),
                   "mean": round(statistics.fmean(latencies), 1)},
        "non_2xx": sum(1 for s in statuses if not 200 <= s < 300),
        "answered": answered,
        "answered_twice": twice,
        "unanswered": args.events - answered,
        "apologies": sum(c["apologies"] for c in counts.values()),
        "agent": "llm (LLMAgent + scripted OpenAI-compatible server, 2 s per completion)" if args.agent == "llm"
                 else "sleep (fake agent, time.sleep(2) per turn)",
        "llm_completions": llm_calls,
        "workers": args.workers,
        "seconds_to_all_answers": round(elapsed, 1),
        "server_stderr_lines": len([ln for ln in err.splitlines() if ln.strip()]),
    }
    if result["server_stderr_lines"]:
        result["server_stderr_tail"] = [ln[:200] for ln in err.splitlines() if ln.strip()][-5:]
    print(json.dumps(result))


def _wait_healthy(port: int, proc: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("server did not become healthy")


def _wait_answers(mock, events: list[tuple[str, str, str]], timeout: float) -> dict[str, dict[str, int]]:  # noqa: ANN001
    """Per event: placeholders posted in its thread, and chat.update answers of them."""

    def count() -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        posts = mock.calls_to("chat.postMessage")
        updates = mock.calls_to("chat.update")
        for channel, ts, event_id in events:
            mine = [p for p in posts if p.params.get("channel") == channel and p.params.get("thread_ts") == ts]
            placeholder_ts = {p.params.get("ts_assigned") for p in mine}
            answers = [u for u in updates if u.params.get("channel") == channel and u.params.get("ts") in placeholder_ts]
            out[event_id] = {"placeholders": len(mine), "answers": len(answers),
                             "apologies": sum(1 for u in answers if str(u.params.get("text", "")).startswith("Sorry"))}
        return out

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = count()
        if all(c["answers"] >= 1 for c in counts.values()):
            time.sleep(1.0)  # a duplicate answer would show up right behind the first
            return count()
        time.sleep(0.2)
    return count()


if __name__ == "__main__":
    main()
