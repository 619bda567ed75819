"""Benchmark: the LLM agent's own cost per turn, with the model taken out.

A scripted OpenAI-compatible server (tests/fakes/scripted_llm.py) runs in a separate
process and answers instantly. The agent is the real one (openai client, langchain,
langgraph checkpointer on a SQLite file, tools through the registry) over a seeded
database: the real discovery tools and ``memory.seed.demo.seed_demo`` when they are
available, otherwise two stand-in tools over a small generated dataset (reported in
``"tools"``). Every timed turn is a new conversation, so history length is constant.

Measured:

- ``overhead_ms``: per-turn wall time of ``run_turn`` minus the time spent inside the HTTP
  calls to the model (measured on the openai client's HTTP transport), p50/p95, for a
  single-tool question (2 model calls) and a three-tool question (search, then two
  parallel lookups: 3 model calls). ``total_ms`` gives the plain wall time with the
  instant server as well.
- ``model_calls_single_tool``: model calls for the single-tool question (minimum 2).
- ``first_prompt_chars``: characters of the first request's prompt (messages + tool
  schemas, as JSON). No token count: counting tokens offline would need a tokenizer
  download, so only ``first_prompt_tokens_est_chars_div_4`` (clearly an estimate) is given.
- ``help_startup_s``: median wall time of ``kolpilot --help`` in a subprocess; when it is
  over 0.5 s, the heaviest imports (``python -X importtime``) are listed.

Run: ``.venv/bin/python benchmarks/agent.py [--turns 60]``. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.fakes is not an installed package



# --- the scripted model (runs in a child process) ------------------------------------------
def _policy(plan: dict[str, Any]):  # noqa: ANN202
    """A responder: call the planned tools by scenario, then answer."""
    from tests.fakes.scripted_llm import ToolCall, final, tool_call, tool_calls

    def respond(body: dict[str, Any]) -> Any:
        msgs = body.get("messages") or []
        last_user = max(i for i, m in enumerate(msgs) if m.get("role") == "user")
        scenario = "three" if "three:" in str(msgs[last_user].get("content")) else "single"
        tool_msgs = [m for m in msgs[last_user:] if m.get("role") == "tool"]
        if not tool_msgs:
            return tool_call(plan["search"]["name"], plan["search"]["args"])
        if scenario == "single" or len(tool_msgs) >= 3:
            return final("Here is what I found.")
        handles = plan["handles"]
        return tool_calls(*(ToolCall(plan["get"]["name"], {**plan["get"]["args"], plan["get"]["key"]: h})
                            for h in handles[:2]))

    return respond


def _serve(plan: dict[str, Any], conn: Any) -> None:
    from tests.fakes.scripted_llm import ScriptedLLM

    with ScriptedLLM(responder=_policy(plan), record=False) as server:
        conn.send(server.base_url)
        conn.recv()  # wait for "stop"


# --- data and tools -------------------------------------------------------------------------
# Two stand-in discovery tools over the SQL model (used until tools.discovery exists). At
# module level: the @tool decorator resolves the annotations from module globals.
from pydantic import Field  # noqa: E402

from tools.base import ToolContext, ToolInput, ToolResult, ToolTier, tool  # noqa: E402


class FallbackSearchIn(ToolInput):
    """Filters for a creator search."""

    platform: str = Field("instagram", description="Platform")
    min_followers: int = Field(10_000, description="Minimum followers")
    limit: int = Field(20, le=50, description="How many")


class FallbackFound(ToolResult):
    creators: list[dict[str, Any]]


@tool(ToolTier.read, progress="Searching creators…")
def search_creators(ctx: ToolContext, args: FallbackSearchIn) -> ToolResult:
    """Search creators by platform and followers, biggest first."""
    from sqlmodel import select

    from memory.db import session_scope
    from memory.models import Account

    with session_scope(ctx.sessions) as s:
        rows = s.exec(select(Account).where(Account.workspace_id == ctx.workspace_id, Account.platform == args.platform,
                                            Account.followers >= args.min_followers)
                      .order_by(Account.followers.desc()).limit(args.limit)).all()  # type: ignore[attr-defined]
        found = [{"handle": r.handle, "followers": r.followers, "engagement_rate": r.engagement_rate} for r in rows]
    ctx.memory.last_handles = [f["handle"] for f in found]
    return FallbackFound(kind="creators", summary=f"{len(found)} creators.", creators=found)


class FallbackGetIn(ToolInput):
    handle: str = Field(description="Handle")


@tool(ToolTier.read)
def get_creator(ctx: ToolContext, args: FallbackGetIn) -> ToolResult:
    """One creator's accounts."""
    from sqlmodel import select

    from memory.db import session_scope
    from memory.models import Account

    with session_scope(ctx.sessions) as s:
        rows = s.exec(select(Account).where(Account.workspace_id == ctx.workspace_id,
                                            Account.handle == args.handle.lstrip("@"))).all()
        accounts = [{"platform": r.platform, "followers": r.followers} for r in rows]
    if not accounts:
        raise LookupError(f"creator @{args.handle} not found")
    return FallbackFound(kind="creator", summary=f"@{args.handle}", creators=accounts)


def _fallback_tools() -> dict[str, Any]:
    return {"search_creators": search_creators.__tool_spec__, "get_creator": get_creator.__tool_spec__}  # type: ignore[attr-defined]


def _seed_fallback(runtime: Any, n: int = 2000) -> None:
    import random

    from memory.db import session_scope
    from memory.models import AccountCreate, CreatorCreate
    from memory.repo.creators import upsert_creator_accounts

    rnd = random.Random(7)
    niches = ["skincare", "fitness", "food", "travel", "tech", "fashion"]
    items = [(CreatorCreate(name=f"Creator {i}", niches=rnd.choice(niches), country=rnd.choice(["US", "FR", "DE"])),
              AccountCreate(platform=rnd.choice(["instagram", "tiktok", "youtube"]), handle=f"creator_{i}",
                            followers=int(10 ** rnd.uniform(3, 6.5)), engagement_rate=rnd.uniform(0.005, 0.08)))
             for i in range(n)]
    with session_scope(runtime.sessions) as s:
        upsert_creator_accounts(s, workspace_id=runtime.settings.workspace, items=items)


def _real_plan(runtime: Any) -> dict[str, Any] | None:
    """Tool calls for the real discovery tools on the demo data, if both exist and work."""
    try:
        from memory.seed.demo import seed_demo  # type: ignore[import-not-found]
        from tools.registry import all_tools, run_tool

        specs = all_tools()
    except Exception:  # noqa: BLE001 - not written yet: use the fallback
        return None
    if "search_creators" not in specs or "get_creator" not in specs:
        return None
    try:
        runtime.ensure_workspace(runtime.settings.workspace)
        seed_demo(runtime.sessions, workspace_id=runtime.settings.workspace)
        ctx = runtime.tool_context(user_id="bench")
        search_args = {"niches_any": ["skincare"], "countries": ["FR"], "limit": 10}
        outcome = run_tool(ctx, "search_creators", search_args)
        handles = _handles(outcome.result.model_dump(mode="json")) if outcome.ok and outcome.result else []
        get_fields = specs["get_creator"].input_model.model_fields
        key = next((k for k in ("handle", "creator", "creator_handle", "who") if k in get_fields), None)
        if key is None or len(handles) < 2 or not run_tool(ctx, "get_creator", {key: handles[0]}).ok:
            raise RuntimeError(f"could not script the real tools (search ok={outcome.ok}, handles={handles[:2]}, key={key})")
    except Exception as exc:  # noqa: BLE001 - the benchmark still runs, on the fallback
        print(f"note: real discovery tools not usable for the benchmark: {exc}", file=sys.stderr)
        return None
    return {"search": {"name": "search_creators", "args": search_args},
            "get": {"name": "get_creator", "args": {}, "key": key}, "handles": handles[:2]}


def _handles(obj: Any) -> list[str]:
    """Creator handles anywhere in a tool result (values of "handle" keys), in order."""
    found: list[str] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "handle" and isinstance(v, str):
                found.append(v)
            else:
                found.extend(_handles(v))
    elif isinstance(obj, list):
        for v in obj:
            found.extend(_handles(v))
    return list(dict.fromkeys(found))


def _fill(spec: Any, candidates: dict[str, Any]) -> dict[str, Any]:
    fields = spec.input_model.model_fields
    return {k: v for k, v in candidates.items() if k in fields}


# --- measurements ---------------------------------------------------------------------------
def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return round(s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))], 2)


def _help_startup(runs: int) -> tuple[float, float, list[str]]:
    exe = Path(sys.executable).parent / "kolpilot"
    cmd = [str(exe), "--help"] if exe.exists() else [sys.executable, "-m", "agent.cli.main", "--help"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOLPILOT_")}
    import resource

    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT, env=env)
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    median = statistics.median(times)
    heavy: list[str] = []
    if median > 0.5:
        out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import agent.cli.main"],
                             capture_output=True, text=True, cwd=ROOT, env=env).stderr
        rows = []
        for line in out.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[1].strip().isdigit():
                rows.append((int(parts[1]), parts[2].strip()))
        heavy = [f"{name} {us / 1000:.0f} ms" for us, name in sorted(rows, reverse=True)[:12]]
    return round(median, 3), round(statistics.median(cpu), 3), heavy


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=60, help="timed turns per scenario")
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--help-runs", type=int, default=7)
    opts = ap.parse_args()

    import tools.registry as registry
    from agent.llm_agent import LLMAgent
    from agent.runtime import Runtime
    from agent.settings import Settings
    from integrations.llm import build_chat_model

    tmp = Path(tempfile.mkdtemp(prefix="kolpilot-bench-"))
    base = Settings(_env_file=None, data_dir=tmp / "data")
    runtime = Runtime(base)
    runtime.ensure_workspace(base.workspace)
    plan = _real_plan(runtime)
    tools_used = "discovery+seed_demo"
    if plan is None:
        tools_used = "fallback (tools.discovery / memory.seed.demo not available)"
        registry._REGISTRY = _fallback_tools()
        _seed_fallback(runtime)
        plan = {"search": {"name": "search_creators", "args": {"platform": "instagram", "min_followers": 50_000}},
                "get": {"name": "get_creator", "args": {}, "key": "handle"}, "handles": []}
        ctx = runtime.tool_context(user_id="bench")
        found = registry.run_tool(ctx, "search_creators", plan["search"]["args"])
        plan["handles"] = [c["handle"] for c in found.result.creators[:2]]  # type: ignore[union-attr]

    parent, child = mp.get_context("fork").Pipe()
    server = mp.get_context("fork").Process(target=_serve, args=(plan, child), daemon=True)
    server.start()
    base_url = parent.recv()
    try:
        settings = base.model_copy(update={"llm_base_url": base_url, "llm_api_key": None})
        model = build_chat_model(settings)
        http_time = [0.0]
        first_body: list[bytes] = []
        transport = model.root_client._client  # the openai client's HTTP client
        send = transport.send

        def timed_send(request: Any, *a: Any, **kw: Any) -> Any:
            t = time.perf_counter()
            try:
                response = send(request, *a, **kw)
                response.read()
                return response
            finally:
                http_time[0] += time.perf_counter() - t
                if not first_body:
                    first_body.append(request.content)

        transport.send = timed_send
        agent = LLMAgent(Runtime(settings, engine=runtime.engine), chat_model=model)

        def run(scenario: str, n: int) -> tuple[list[float], list[float], list[int]]:
            overhead, total, calls = [], [], []
            for i in range(n):
                http_time[0] = 0.0
                t = time.perf_counter()
                turn = agent.run_turn(f"bench-{scenario}-{i}-{time.time_ns()}", "bench", f"{scenario}: find skincare creators")
                wall = time.perf_counter() - t
                if turn.error:
                    raise SystemExit(f"benchmark turn failed: {turn.error}: {turn.reply}")
                total.append(wall * 1000)
                overhead.append((wall - http_time[0]) * 1000)
                calls.append(turn.usage.model_calls)
            return overhead, total, calls

        run("single", opts.warmup)
        run("three", opts.warmup)
        first = json.loads(first_body[0])
        prompt_chars = len(json.dumps(first["messages"], ensure_ascii=False)) + len(json.dumps(first.get("tools", []), ensure_ascii=False))
        system_chars = len(first["messages"][0]["content"])
        tools_chars = len(json.dumps(first.get("tools", []), ensure_ascii=False))
        single_o, single_t, single_calls = run("single", opts.turns)
        three_o, three_t, three_calls = run("three", opts.turns)
        agent.close()
    finally:
        parent.send("stop")
        server.join(timeout=5)

    help_s, help_cpu_s, heavy = _help_startup(opts.help_runs)
    result: dict[str, Any] = {
        "overhead_ms": {
            "single_tool": {"p50": _pct(single_o, 0.5), "p95": _pct(single_o, 0.95)},
            "three_tools": {"p50": _pct(three_o, 0.5), "p95": _pct(three_o, 0.95)},
        },
        "overhead_method": "run_turn wall time minus time inside HTTP calls to the model (instant scripted server in another process)",
        "total_ms": {
            "single_tool": {"p50": _pct(single_t, 0.5), "p95": _pct(single_t, 0.95)},
            "three_tools": {"p50": _pct(three_t, 0.5), "p95": _pct(three_t, 0.95)},
        },
        "model_calls_single_tool": max(single_calls),
        "model_calls_three_tools": max(three_calls),
        "first_prompt_chars": prompt_chars,
        "first_prompt_system_chars": system_chars,
        "first_prompt_tool_schema_chars": tools_chars,
        "first_prompt_tokens_est_chars_div_4": prompt_chars // 4,
        "help_startup_s": help_s,
        "help_startup_cpu_s": help_cpu_s,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "turns_per_scenario": opts.turns,
        "tools": tools_used,
        "tool_count": len(first.get("tools", [])),
    }
    if heavy:
        result["help_heavy_imports"] = heavy
    print(json.dumps(result))


if __name__ == "__main__":
    main()
