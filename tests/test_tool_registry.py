"""Every tool is a proper prompt: unique name, docstring, a description on every parameter,
a tier; commit-tier tools never run anything the model can trigger by itself."""

from __future__ import annotations

import inspect

import pytest

from tools.base import ToolResult, ToolTier
from tools.registry import TOOL_MODULES, all_tools, run_tool

TOOLS = all_tools()


def test_tools_are_registered_from_every_capability() -> None:
    assert TOOL_MODULES == ["tools.discovery", "tools.crm", "tools.metrics", "tools.outreach", "tools.inbox"]
    assert len(TOOLS) >= 35
    for expected in ("search_creators", "log_negotiation", "summarize_campaign", "draft_outreach", "propose_payout"):
        assert expected in TOOLS


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_tool_is_documented_and_tiered(name: str) -> None:
    spec = TOOLS[name]
    assert spec.name == name == spec.func.__name__
    assert isinstance(spec.tier, ToolTier)
    assert len(spec.description) >= 30, f"{name}: the docstring is the prompt; write one"
    assert inspect.getdoc(spec.input_model), f"{name}: the input model needs a docstring"
    for field, info in spec.input_model.model_fields.items():
        assert info.description and len(info.description) >= 3, f"{name}.{field} has no description"
    schema = spec.input_model.model_json_schema()
    assert "workspace_id" not in schema.get("properties", {}) and "user_id" not in schema.get("properties", {}), \
        f"{name}: workspace/user are injected, never supplied by the model"
    ret = inspect.signature(spec.func).return_annotation
    assert isinstance(ret, str) or issubclass(ret, ToolResult)


def test_commit_tier_tools_only_create_pending_actions() -> None:
    commit = {n for n, s in TOOLS.items() if s.tier == ToolTier.commit}
    assert commit >= {"propose_payout", "mark_payout_paid", "review_content", "approve_outreach"}
    # Nothing that decides an action is a tool: deciding is the human's step (tools.approvals.decide).
    assert not any("decide" in n or n.startswith("approve_action") for n in TOOLS)


def test_unknown_tool_and_bad_arguments_come_back_as_text(settings) -> None:
    from tools.base import ToolContext

    ctx = ToolContext(workspace_id="w", user_id="u", sessions=None, settings=settings)  # type: ignore[arg-type]
    out = run_tool(ctx, "send_everything", {})
    assert not out.ok and out.text.startswith("Error: unknown tool 'send_everything'")
    out = run_tool(ctx, "search_creators", {"limit": "many", "colour": "red"})
    assert not out.ok and out.text.startswith("Error: invalid arguments")
