"""Tool arguments are bounded: ids, counts and pages have ranges the database can hold, and
an absurd value anywhere on the path JSON → pydantic → SQL comes back as a tool error the
model (or the planner's user) can act on; the turn goes on."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pydantic import Field, SecretStr
from sqlalchemy import text

import tools.registry as registry
from agent.llm_agent import LLMAgent
from agent.runtime import Runtime
from integrations.llm import build_chat_model
from memory.db import session_factory, session_scope
from memory.models import AccountCreate, CreatorCreate
from memory.repo.creators import upsert_creator_account
from tests.fakes.scripted_llm import ScriptedLLM, final, scripted_llm_fixture, tool_call  # noqa: F401
from tools.base import (
    INT32_MAX,
    MAX_TEXT,
    ConversationMemory,
    ToolContext,
    ToolInput,
    ToolResult,
    ToolTier,
    storable,
    tool,
)
from tools.registry import all_tools, run_tool

HUGE = 99999999999999999999999  # beyond 64 bits: SQLite raises OverflowError, msgpack refuses it
TOOLS = all_tools()


# --- the contract ------------------------------------------------------------------------------
def _numbers(schema: dict[str, Any], defs: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    """Every integer sub-schema of ``schema`` with its path."""
    if "$ref" in schema:
        return _numbers(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, path)
    out: list[tuple[str, dict[str, Any]]] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            out += _numbers(sub, defs, path)
    if schema.get("type") == "integer":
        out.append((path, schema))
    if "items" in schema:
        out += _numbers(schema["items"], defs, f"{path}[]")
    for name, sub in (schema.get("properties") or {}).items():
        out += _numbers(sub, defs, f"{path}.{name}" if path else name)
    return out


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_every_integer_argument_of_every_tool_is_bounded(name: str) -> None:
    model = TOOLS[name].input_model
    schema = model.model_json_schema()
    for path, sub in _numbers(schema, schema.get("$defs", {}), ""):
        low = sub.get("minimum", sub.get("exclusiveMinimum"))
        high = sub.get("maximum", sub.get("exclusiveMaximum"))
        assert low is not None and high is not None, f"{name}.{path} is an unbounded integer: use tools.base.Id/Count/..."
        assert high <= 2**63 - 1, f"{name}.{path} allows more than a BIGINT holds"
        if path.endswith("_id") or path.endswith("_ids[]"):
            assert low >= 1 and high <= INT32_MAX, f"{name}.{path}: ids are INTEGER primary keys (tools.base.Id)"
    assert issubclass(model, ToolInput) and model.model_config.get("str_max_length") == MAX_TEXT, \
        f"{name}: input models derive from ToolInput, which caps every string"
    for field in ("handle", "campaign"):
        if field in schema.get("properties", {}):
            prop = schema["properties"][field]
            lengths = [s.get("maxLength") for s in prop.get("anyOf", [prop]) if s.get("type") == "string"]
            assert lengths and all(n is not None and n <= 200 for n in lengths), \
                f"{name}.{field}: bounded like its column (tools.base.Handle / CampaignName)"


# --- the registry ------------------------------------------------------------------------------
@pytest.fixture
def ctx(engine, workspace_id: str, settings) -> ToolContext:
    return ToolContext(workspace_id=workspace_id, user_id="U1", sessions=session_factory(engine), settings=settings)


ID_FIELDS = sorted(
    (name, field)
    for name, spec in TOOLS.items()
    for field, info in spec.input_model.model_fields.items()
    if field.endswith("_id")
)


@pytest.mark.parametrize(("name", "field"), ID_FIELDS, ids=[f"{n}.{f}" for n, f in ID_FIELDS])
def test_a_huge_id_is_a_tool_error_naming_the_bound(ctx: ToolContext, name: str, field: str) -> None:
    out = run_tool(ctx, name, {field: HUGE})
    assert not out.ok
    assert f"{field}: must be at most {INT32_MAX}" in out.text and out.text.startswith("Error: invalid arguments")


def test_get_creator_with_a_huge_id_reads_exactly(ctx: ToolContext) -> None:
    out = run_tool(ctx, "get_creator", {"creator_id": HUGE})
    assert out.text == f"Error: invalid arguments — creator_id: must be at most {INT32_MAX}"


def test_bounded_lists_strings_and_pages_are_tool_errors(ctx: ToolContext) -> None:
    assert run_tool(ctx, "search_creators", {"offset": 10**9}).text == \
        "Error: invalid arguments — offset: must be at most 10000"
    assert run_tool(ctx, "search_creators", {"followers_min": -1}).text == \
        "Error: invalid arguments — followers_min: must be at least 0"
    assert run_tool(ctx, "get_creator", {"handle": "x" * 201}).text == \
        "Error: invalid arguments — handle: must be at most 200 characters"
    assert run_tool(ctx, "search_creators", {"topic": "x" * (MAX_TEXT + 1)}).text == \
        f"Error: invalid arguments — topic: must be at most {MAX_TEXT} characters"
    assert run_tool(ctx, "approve_outreach", {"message_ids": [1, HUGE]}).text == \
        f"Error: invalid arguments — message_ids.1: must be at most {INT32_MAX}"


class CastIn(ToolInput):
    """(test) a deliberately unbounded integer that reaches SQL."""

    value: int = Field(description="Any integer")


@tool(ToolTier.read)
def cast_to_integer(ctx: ToolContext, args: CastIn) -> ToolResult:
    """(test) Casts the value to a SQL INTEGER in the database."""
    with session_scope(ctx.sessions) as s:
        got = s.execute(text("SELECT CAST(:v AS INTEGER)"), {"v": args.value}).scalar_one()
    return ToolResult(kind="cast", summary=str(got))


def test_a_value_the_database_cannot_hold_is_a_tool_error_not_an_internal_error(
    ctx: ToolContext, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Defensive net behind the bounded types: SQLite raises OverflowError beyond 64 bits,
    # PostgreSQL a DataError ("integer out of range").
    monkeypatch.setattr(registry, "_REGISTRY", {**TOOLS, "cast_to_integer": cast_to_integer.__tool_spec__})  # type: ignore[attr-defined]
    out = run_tool(ctx, "cast_to_integer", {"value": 2**70})
    assert not out.ok
    assert out.text.startswith("Error: a ") and "out of range" in out.text and "internal error" not in out.text
    assert "\n" not in out.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"]  # not logged as a crash
    assert run_tool(ctx, "cast_to_integer", {"value": 7}).result.summary == "7"  # type: ignore[union-attr]


# --- the LLM agent -----------------------------------------------------------------------------
def test_a_model_sending_a_huge_id_gets_an_error_and_the_turn_goes_on(
    settings, scripted_llm: ScriptedLLM, sqlite_engine
) -> None:
    ws = f"T{uuid.uuid4().hex[:8]}"
    with session_scope(session_factory(sqlite_engine)) as s:
        from memory.repo.workspaces import ensure_workspace

        ensure_workspace(s, workspace_id=ws)
        upsert_creator_account(s, workspace_id=ws, creator=CreatorCreate(name="Ana", niches="skincare"),
                               account=AccountCreate(platform="instagram", handle="ana.glow", followers=12_000))
    s = settings.model_copy(update={"llm_base_url": scripted_llm.base_url, "llm_api_key": SecretStr("test"),
                                    "llm_max_retries": 0})
    agent = LLMAgent(Runtime(s, engine=sqlite_engine), chat_model=build_chat_model(s, backoff_scale=0.01))
    scripted_llm.add(
        tool_call("get_creator", {"creator_id": HUGE}),
        tool_call("get_creator", {"handle": "ana.glow"}),
        final("Ana has 12K followers."),
    )
    try:
        turn = agent.run_turn(f"T1:C1:{uuid.uuid4().hex[:8]}", "U1", "show me creator 99999999999999999999999",
                              workspace_id=ws)
    finally:
        agent.close()
    assert turn.error is None and turn.reply == "Ana has 12K followers."
    assert [(t.name, t.ok) for t in turn.tool_calls] == [("get_creator", False), ("get_creator", True)]
    [err] = [m for m in scripted_llm.chat_requests[1].messages if m["role"] == "tool"]
    assert f"Error: invalid arguments — creator_id: must be at most {INT32_MAX}" in err["content"]


# --- the offline planner -----------------------------------------------------------------------
def test_the_planner_answers_a_huge_number_in_one_line_and_keeps_its_memory(settings, sqlite_engine) -> None:
    from agent.planner import OfflinePlanner

    planner = OfflinePlanner(Runtime(settings, engine=sqlite_engine))
    conv = f"test:{uuid.uuid4().hex[:8]}"
    try:
        turn = planner.run_turn(conv, "local", "find skincare creators with more than 99999999999999999999999 followers")
        assert turn.reply == f"I couldn't run that search: Invalid arguments — followers_min: must be at most {INT32_MAX}."
        assert turn.error is None
        # A pending question keeps the number the user typed; saving it must not fail.
        turn = planner.run_turn(conv, "local", "top 99999999999999999999999 performers")
        assert turn.error is None and "\n" not in turn.reply
        turn = planner.run_turn(conv, "local", "find skincare creators")
        assert turn.error is None
    finally:
        planner.close()


def test_storable_turns_only_integers_beyond_64_bits_into_strings() -> None:
    value = {"a": [1, HUGE, {"b": -(2**63) - 1}], "c": 2**63 - 1, "d": True, "e": "x"}
    assert storable(value) == ({"a": [1, str(HUGE), {"b": str(-(2**63) - 1)}], "c": 2**63 - 1, "d": True, "e": "x"}, True)
    same = {"a": [1, 2], "b": None}
    assert storable(same) == (same, False) and storable(same)[0] is same
    memory = ConversationMemory(extra={"pending": {"slots": {"limit": HUGE}}})
    assert memory.to_dict()["extra"] == {"pending": {"slots": {"limit": str(HUGE)}}}
