"""Outreach drafting throughput.

1. Model drafting: ``draft_outreach_bulk`` for N creators against the scripted
   OpenAI-compatible server (tests/fakes/scripted_llm.py, a threading server) answering every
   completion after a fixed latency (default 500 ms), with C model calls in flight (default
   16). The ideal wall time is N / C × latency; the ratio to it shows the overhead of the
   pool, the client, validation and the database writes (target ≤ 1.15).
2. Offline drafting: the same N creators with no model (template engine, local MiniLM
   relevance), drafts per second (the embedding model's one-time load is excluded).

Everything runs in a temporary SQLite database. Prints one JSON object on the last line:
{"drafts", "concurrency", "wall_s", "ideal_s", "ratio", "offline_drafts_per_s"}.

    .venv/bin/python benchmarks/outreach.py [--drafts 200] [--concurrency 16] [--latency 0.5]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import SecretStr  # noqa: E402

from agent.runtime import Runtime  # noqa: E402
from agent.settings import Settings  # noqa: E402
from memory.db import session_scope  # noqa: E402
from memory.models import AccountCreate, CreatorCreate, PostCreate  # noqa: E402
from memory.repo.creators import upsert_creator_account, upsert_post  # noqa: E402
from tests.fakes.scripted_llm import Delay, Final, ScriptedLLM  # noqa: E402
from tools.registry import run_tool  # noqa: E402

NOW = datetime(2026, 3, 20, 10, tzinfo=UTC)
TOPICS = ["vitamin C serum morning routine", "sunscreen test on oily skin", "retinol night routine", "hiking in the Alps",
          "five-minute makeup look", "ramen for friends", "hydrating mask review", "gym leg day"]


def seed(rt: Runtime, n: int) -> list[str]:
    handles = [f"creator{i:04d}" for i in range(n)]
    with session_scope(rt.sessions) as s:
        for i, h in enumerate(handles):
            upsert_creator_account(s, workspace_id="local", creator=CreatorCreate(name=f"Alex {i}", email=f"{h}@example.com"),
                                   account=AccountCreate(platform="instagram", handle=h, followers=20_000 + i))
            for j in range(4):
                upsert_post(s, workspace_id="local", post=PostCreate(
                    platform="instagram", handle=h, url=f"https://instagram.example/{h}/{j}",
                    posted_at=NOW - timedelta(days=2 + 3 * j), caption=f"{TOPICS[(i + j) % len(TOPICS)].capitalize()} — day {j}"))
    return handles


def responder(latency: float):
    """A valid draft citing the first listed post, after ``latency`` seconds."""

    def respond(body: dict) -> Delay:
        user = body["messages"][-1]["content"]
        m = re.search(r"\[post (\d+)\][^\n]*\ncaption: ([^\n]*)", user)
        text = json.dumps({"subject": "Collab idea", "post_ids_used": [int(m.group(1))] if m else [],
                           "body": f"Hi!\n\nLoved your post: {m.group(2) if m else ''}.\n\nShall we work together?\n\nAlex"})
        return Delay(latency, then=Final(text))

    return respond


def main() -> None:
    # ScriptedLLM is a ThreadingHTTPServer, whose listen backlog defaults to 5: 16 clients
    # connecting at once would see refused/retried SYNs. A real provider accepts them all.
    import http.server

    http.server.ThreadingHTTPServer.request_queue_size = 128
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drafts", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--latency", type=float, default=0.5, help="Seconds per completion")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kolpilot-bench-outreach-"))
    base = Settings(_env_file=None, data_dir=tmp)
    rt = Runtime(base)
    rt.ensure_workspace("local")
    handles = seed(rt, a.drafts)

    with ScriptedLLM(responder=responder(a.latency), record=False) as server:
        settings = base.model_copy(update={"llm_base_url": server.base_url, "llm_api_key": SecretStr("bench"),
                                           "llm_max_retries": 0, "llm_timeout_s": 60.0})
        ctx = rt.tool_context(user_id="bench", conversation_id="bench")
        ctx.settings = settings
        # Drafting throughput only: re-indexing the new prospects into the vector store is a
        # separate, later step (it embeds one document per collaboration).
        ctx.vectors_factory = None
        from integrations.llm import build_chat_model

        build_chat_model(settings)  # import langchain/openai once, outside the measurement
        out = run_tool(ctx, "create_campaign", {"name": "Model", "brand": "Lumière", "brief": "vitamin C serum launch"})
        assert out.ok, out.error
        t0 = time.perf_counter()
        out = run_tool(ctx, "draft_outreach_bulk", {"campaign": "Model", "handles": handles, "concurrency": a.concurrency})
        wall = time.perf_counter() - t0
        assert out.ok, out.error
        model_result = out.result
    assert len(model_result.drafted) == a.drafts and model_result.fallbacks == 0, model_result.summary  # type: ignore[union-attr]

    offline = rt.tool_context(user_id="bench", conversation_id="bench-offline")
    offline.vectors_factory = None
    from tools.outreach.text import default_embedder

    default_embedder().embed(["warm up"])  # the model's one-time load is not drafting throughput
    out = run_tool(offline, "create_campaign", {"name": "Offline", "brand": "Lumière", "brief": "vitamin C serum launch"})
    assert out.ok, out.error
    t0 = time.perf_counter()
    out = run_tool(offline, "draft_outreach_bulk", {"campaign": "Offline", "handles": handles})
    offline_s = time.perf_counter() - t0
    assert out.ok and len(out.result.drafted) == a.drafts, out.error  # type: ignore[union-attr]

    ideal = a.drafts / a.concurrency * a.latency
    print(f"model: {a.drafts} drafts, concurrency {a.concurrency}, {a.latency * 1000:.0f} ms/completion: "
          f"{wall:.2f} s (ideal {ideal:.2f} s)")
    print(f"offline: {a.drafts} drafts in {offline_s:.2f} s ({type(default_embedder()).__name__})")
    print(json.dumps({"drafts": a.drafts, "concurrency": a.concurrency, "wall_s": round(wall, 3), "ideal_s": round(ideal, 3),
                      "ratio": round(wall / ideal, 3), "offline_drafts_per_s": round(a.drafts / offline_s, 1)}))


if __name__ == "__main__":
    main()
