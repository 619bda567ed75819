"""search_past_collaborations filters by creator in the query itself (no client-side trimming)."""

from __future__ import annotations

from agent.runtime import Runtime
from agent.settings import Settings
from memory.seed.demo import seed_demo
from tools.registry import run_tool


def test_handles_filter_and_unknown_handle(tmp_path) -> None:
    rt = Runtime(Settings(_env_file=None, data_dir=tmp_path))
    rt.ensure_workspace("local")
    seed_demo(rt.sessions, workspace_id="local")
    ctx = rt.tool_context(user_id="local")
    ctx.vectors_factory = None  # SQL path: the filter must hold without the vector index
    out = run_tool(ctx, "search_past_collaborations", {"query": "what did we agree last time?", "handles": ["@skin.by.sam"]})
    assert out.ok, out.error
    assert out.result.records and {r.handle for r in out.result.records} == {"skin.by.sam"}
    assert out.result.records[0].agreed_fee == "$1,200.00"
    bad = run_tool(ctx, "search_past_collaborations", {"query": "x", "handles": ["@skin.by.sm"]})
    assert not bad.ok and "did you mean @skin.by.sam" in bad.error
