"""Scenario evals: every ``tests/evals/*.yaml`` run against the offline planner.

A scenario seeds a fresh database (a copy of a demo database built once per test session),
plays its user turns, checks each turn's tool calls, reply and results, and then judges
the final database state and what must never happen. The schema is documented in
``tests/evals/README.md``; keys for other brains (``script``, ``llm``) are accepted and
ignored here.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

EVALS = Path(__file__).parent / "evals"
DEMO_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WORKSPACE = "local"
# Read at import: the autouse fixture in conftest clears KOLPILOT_* variables for each test.
EVAL_EMBEDDER = os.environ.get("KOLPILOT_EVAL_EMBEDDER", "hashing")
# Tables that are bookkeeping, not domain state (the conversation checkpointer's own tables).
IGNORED_TABLES = {"checkpoints", "writes", "checkpoint_blobs", "checkpoint_writes", "checkpoint_migrations", "alembic_version"}

SCENARIO_KEYS = {"name", "description", "tags", "seed", "extra", "clock", "turns", "end_state", "must_not", "brains", "script", "llm"}
TURN_KEYS = {"user", "expect", "offline", "llm", "script"}
EXPECT_KEYS = {"calls", "reply_contains", "reply_not_contains", "reply_matches", "results", "pending_actions", "error"}
RESULT_KEYS = {"kind", "min_items", "max_items", "items_include", "items_exclude", "first_item", "all_items", "records_include", "min_records"}


# --- loading ------------------------------------------------------------------------------------------


def load_scenarios() -> list[tuple[str, dict[str, Any]]]:
    """(id, scenario) for every scenario in every YAML file (a file holds one scenario, or
    several under ``scenarios:``)."""
    out = []
    for path in sorted(EVALS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        items = data["scenarios"] if isinstance(data, dict) and "scenarios" in data else [data]
        for i, sc in enumerate(items):
            out.append((f"{path.stem}" + (f"-{i}" if len(items) > 1 else ""), sc))
    return out


SCENARIOS = load_scenarios()


def test_scenario_files_are_well_formed() -> None:
    """Typos in a scenario would silently weaken it: unknown keys fail here."""
    from tools.registry import all_tools

    tools = set(all_tools())
    assert len(SCENARIOS) >= 12
    for sid, sc in SCENARIOS:
        unknown_tools = set((sc.get("must_not") or {}).get("tools") or []) - tools
        assert not unknown_tools, f"{sid}: must_not names unknown tools {unknown_tools}"
        assert set(sc) <= SCENARIO_KEYS, f"{sid}: unknown keys {set(sc) - SCENARIO_KEYS}"
        assert sc.get("name") and sc.get("turns"), f"{sid}: name and turns are required"
        assert sc.get("seed", "demo") in ("demo", "empty"), f"{sid}: seed must be demo or empty"
        for t in sc["turns"]:
            assert set(t) <= TURN_KEYS, f"{sid}: unknown turn keys {set(t) - TURN_KEYS}"
            for block in (t.get("expect") or {}, t.get("offline") or {}):
                assert set(block) <= EXPECT_KEYS, f"{sid}: unknown expect keys {set(block) - EXPECT_KEYS}"
                for r in block.get("results") or []:
                    assert set(r) <= RESULT_KEYS, f"{sid}: unknown result keys {set(r) - RESULT_KEYS}"
                for call in block.get("calls") or []:
                    assert call["name"] in tools, f"{sid}: expected call to unknown tool {call['name']}"


# --- the demo database, built once ------------------------------------------------------------------


class HashingEmbedder:
    """Deterministic bag-of-words embedder (texts sharing words are close). Evals judge the
    planner and the tools, not the embedding model, and must run in seconds; set
    KOLPILOT_EVAL_EMBEDDER=local to run them with the real local MiniLM model instead."""

    name = "eval-hashing"
    dimension = 256

    def embed(self, texts: list[str]) -> list[list[float]]:
        out = []
        for text in texts:
            v = [0.0] * self.dimension
            for word in re.findall(r"[^\W_]+", text.lower()):
                v[int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "big") % self.dimension] += 1.0
            norm = math.sqrt(sum(x * x for x in v)) or 1.0
            out.append([x / norm for x in v])
        return out


def _shared_embedder() -> Any:
    if EVAL_EMBEDDER == "local":
        from memory.embeddings import make_embedder

        return make_embedder("local")
    return HashingEmbedder()


def _vector_index(embedder: Any, path: Path) -> Any:
    from memory.vectors import VectorIndex

    if isinstance(embedder, HashingEmbedder):
        class HashingIndex(VectorIndex):
            # collection naming kept local: the embedder registry does not know this test embedder
            def collection_name(self, workspace_id: str, kind: str) -> str:
                self._check_kind(kind)
                return f"{kind}__{workspace_id}__hashing"

        return HashingIndex(embedder=embedder, path=path)
    return VectorIndex(embedder=embedder, path=path)


def seed_demo_into(runtime: Any) -> None:
    """The demo data set in the runtime's database, indexed into its vector store."""
    from memory.indexing import rebuild
    from memory.seed import demo

    demo.seed_demo(runtime.sessions, workspace_id=WORKSPACE)
    rebuild(runtime.sessions, runtime.vectors, workspace_id=WORKSPACE)


def make_runtime(data_dir: Path, embedder: Any) -> Any:
    from agent.runtime import Runtime
    from agent.settings import Settings

    settings = Settings(_env_file=None, data_dir=data_dir, workspace=WORKSPACE)
    return Runtime(settings, vectors=_vector_index(embedder, settings.resolved_chroma_path))


def close_runtime(runtime: Any) -> None:
    if "vectors" in runtime.__dict__:
        runtime.vectors.close()
    if "engine" in runtime.__dict__:
        runtime.engine.dispose()


@pytest.fixture(scope="session")
def embedder() -> Any:
    return _shared_embedder()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Callable[[str], Path]:
    """Data directories to copy per scenario, built on first use: ``demo`` (seeded and
    indexed) and ``empty`` (schema and workspace only)."""
    built: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in built:
            d = tmp_path_factory.mktemp(f"template-{name}") / "data"
            runtime = make_runtime(d, embedder)
            runtime.ensure_workspace(WORKSPACE)
            if name == "demo":
                seed_demo_into(runtime)
            close_runtime(runtime)
            built[name] = d
        return built[name]

    return get


# --- running a scenario -------------------------------------------------------------------------------


def table_counts(engine: Any) -> dict[str, int]:
    from sqlalchemy import inspect, text

    counts = {}
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            if table not in IGNORED_TABLES:
                counts[table] = conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
    return counts


def add_extra_rows(runtime: Any, extra: dict[str, Any]) -> None:
    """Scenario-specific rows on top of the seed (creators.csv / posts.csv shaped), indexed."""
    from memory.db import session_scope
    from memory.indexing import reindex_after_change
    from memory.models import AccountCreate, CreatorCreate, PostCreate
    from memory.repo.creators import upsert_creator_account, upsert_post

    creator_fields = set(CreatorCreate.model_fields)
    account_fields = set(AccountCreate.model_fields)
    touched: set[int] = set()
    with session_scope(runtime.sessions) as s:
        for row in extra.get("creators") or []:
            row = dict(row)
            if "display_name" in row:
                row["name"] = row.pop("display_name")
            unknown = set(row) - creator_fields - account_fields
            assert not unknown, f"unknown creator columns {unknown}"
            _, acc = upsert_creator_account(
                s, workspace_id=WORKSPACE,
                creator=CreatorCreate(**{k: v for k, v in row.items() if k in creator_fields}),
                account=AccountCreate(**{k: v for k, v in row.items() if k in account_fields}),
            )
            touched.add(acc.creator_id)
        for row in extra.get("posts") or []:
            _, post = upsert_post(s, workspace_id=WORKSPACE, post=PostCreate(**row))
    reindex_after_change(runtime.sessions, runtime.vectors, workspace_id=WORKSPACE, creator_ids=touched)


def _norm(v: Any) -> Any:
    if isinstance(v, list):
        return sorted(str(x).lower() for x in v)
    if isinstance(v, str):
        return v.lower()
    if isinstance(v, float):
        return round(v, 6)
    return v


def args_match(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    """Every expected argument is present with an equal value (lists as sets, strings case-blind;
    ``null`` means the argument must be absent)."""
    for key, want in expected.items():
        if want is None:
            if key in actual:
                return False
        elif key not in actual or _norm(actual[key]) != _norm(want):
            return False
    return True


def check_results(sid: str, turn_no: int, results: list[Any], checks: list[dict[str, Any]]) -> None:
    dumped = [r.model_dump(mode="json") for r in results]
    for check in checks:
        candidates = [d for d in dumped if d.get("kind") == check.get("kind", d.get("kind"))]
        assert candidates, f"{sid} turn {turn_no}: no result of kind {check.get('kind')} in {[d['kind'] for d in dumped]}"
        d = candidates[0]
        items = d.get("items") or []
        handles = [i["handle"] for i in items]
        where = f"{sid} turn {turn_no} ({d['kind']}: {handles})"
        if "min_items" in check:
            assert len(items) >= check["min_items"], where
        if "max_items" in check:
            assert len(items) <= check["max_items"], where
        for h in check.get("items_include") or []:
            assert h in handles, f"{where}: missing @{h}"
        for h in check.get("items_exclude") or []:
            assert h not in handles, f"{where}: unexpected @{h}"
        if "first_item" in check:
            assert handles and handles[0] == check["first_item"], where
        for field, want in (check.get("all_items") or {}).items():
            for i in items:
                got = i.get(field)
                ok = (_norm(want) in _norm(got)) if isinstance(got, list) else _norm(got) == _norm(want)
                assert ok, f"{where}: @{i['handle']} has {field}={got!r}, expected {want!r}"
        records = d.get("records") or []
        if "min_records" in check:
            assert len(records) >= check["min_records"], f"{sid} turn {turn_no}: {len(records)} records"
        for h in check.get("records_include") or []:
            assert h in [r.get("handle") for r in records], f"{sid} turn {turn_no}: no record for @{h}"


def check_turn(sid: str, n: int, turn: Any, expect: dict[str, Any]) -> None:
    where = f"{sid} turn {n}"
    reply = turn.reply
    if not expect.get("error"):
        assert turn.error is None, f"{where}: planner error {turn.error}"
    if "calls" in expect:
        want = expect["calls"] or []
        got = [(c.name, c.args, c.ok) for c in turn.tool_calls]
        assert len(got) == len(want), f"{where}: expected {[w['name'] for w in want]}, got {[(g[0], g[1]) for g in got]}; reply:\n{reply}"
        for w, (name, args, ok) in zip(want, got, strict=True):
            assert name == w["name"], f"{where}: expected {w['name']}, got {name}"
            assert args_match(w.get("args") or {}, args), f"{where}: {name} args {args} do not match {w.get('args')}"
            if "ok" in w:
                assert ok == w["ok"], f"{where}: {name} ok={ok}"
    low = reply.lower()
    for s in expect.get("reply_contains") or []:
        assert s.lower() in low, f"{where}: reply lacks {s!r}:\n{reply}"
    for s in expect.get("reply_not_contains") or []:
        assert s.lower() not in low, f"{where}: reply has {s!r}:\n{reply}"
    if expect.get("reply_matches"):
        assert re.search(expect["reply_matches"], reply, re.IGNORECASE | re.DOTALL), f"{where}: reply does not match:\n{reply}"
    if "pending_actions" in expect:
        assert len(turn.pending_actions) == expect["pending_actions"], where
    check_results(sid, n, turn.results, expect.get("results") or [])


def judge_end_state(sid: str, before: dict[str, int], after: dict[str, int], sc: dict[str, Any], turns: list[Any]) -> None:
    end = sc.get("end_state") or {}
    for table, want in (end.get("counts") or {}).items():
        got = after.get(table)
        if isinstance(want, dict):
            assert got is not None and want.get("min", got) <= got <= want.get("max", got), f"{sid}: {table}={got}, expected {want}"
        else:
            assert got == want, f"{sid}: {table} has {got} rows, expected {want}"
    unchanged = end.get("unchanged") or []
    for table in (before if unchanged == "all" else unchanged):
        assert after.get(table) == before.get(table), f"{sid}: {table} changed {before.get(table)} → {after.get(table)}"
    must_not = sc.get("must_not") or {}
    called = {c.name for t in turns for c in t.tool_calls}
    for name in must_not.get("tools") or []:
        assert name not in called, f"{sid}: tool {name} was called"
    if must_not.get("pending_actions"):
        assert after.get("pending_action", 0) == before.get("pending_action", 0), f"{sid}: a PendingAction was created"
        assert all(not t.pending_actions for t in turns), f"{sid}: a turn proposed an action"
    if must_not.get("writes"):
        changed = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
        assert not changed, f"{sid}: tables changed: {changed}"
    for s in must_not.get("reply_contains") or []:
        for i, t in enumerate(turns, 1):
            assert s.lower() not in t.reply.lower(), f"{sid} turn {i}: reply has {s!r}"


@pytest.mark.parametrize(("sid", "scenario"), SCENARIOS, ids=[s for s, _ in SCENARIOS])
def test_scenario(sid: str, scenario: dict[str, Any], templates: Callable[[str], Path], embedder: Any, tmp_path: Path) -> None:
    from agent.planner import OfflinePlanner

    if "offline" not in scenario.get("brains", ["offline"]):
        pytest.skip("scenario is not for the offline planner")
    data = tmp_path / "data"
    shutil.copytree(templates(scenario.get("seed", "demo")), data)
    runtime = make_runtime(data, embedder)
    try:
        if scenario.get("extra"):
            add_extra_rows(runtime, scenario["extra"])
        clock = datetime.fromisoformat(str(scenario["clock"])) if scenario.get("clock") else DEMO_NOW
        planner = OfflinePlanner(runtime, clock=lambda: clock)
        before = table_counts(runtime.engine)
        turns = []
        for n, t in enumerate(scenario["turns"], 1):
            turn = planner.run_turn(f"eval:{sid}", "local", str(t["user"]), workspace_id=WORKSPACE)
            turns.append(turn)
            check_turn(sid, n, turn, {**(t.get("expect") or {}), **(t.get("offline") or {})})
        judge_end_state(sid, before, table_counts(runtime.engine), scenario, turns)
    finally:
        if "planner" in locals():
            planner.close()
        close_runtime(runtime)


def _script_steps(items: list[dict[str, Any]]) -> list[Any]:
    """YAML steps → ScriptedLLM steps: {tool_call: {name, args}}, {tool_calls: [...]}, {final: text}."""
    from tests.fakes import scripted_llm as S

    steps = []
    for item in items:
        if "tool_call" in item:
            steps.append(S.tool_call(item["tool_call"]["name"], item["tool_call"].get("args") or {}))
        elif "tool_calls" in item:
            steps.append(S.tool_calls(*[(c["name"], c.get("args") or {}) for c in item["tool_calls"]]))
        elif "final" in item:
            steps.append(S.final(str(item["final"])))
        else:
            raise AssertionError(f"unknown script step {item}")
    return steps


@pytest.mark.parametrize(("sid", "scenario"), SCENARIOS, ids=[s for s, _ in SCENARIOS])
def test_scenario_llm(sid: str, scenario: dict[str, Any], templates: Callable[[str], Path], embedder: Any, tmp_path: Path) -> None:
    """The same scenario through the real LLM agent (langchain + the openai client) driven by a
    scripted OpenAI-compatible server; every scripted step must be used."""
    from agent.llm_agent import LLMAgent
    from agent.runtime import Runtime
    from tests.fakes.scripted_llm import ScriptedLLM

    if "llm" not in scenario.get("brains", ["offline"]):
        pytest.skip("scenario is not for the LLM agent")
    steps = []
    for t in scenario["turns"]:
        steps += _script_steps(t.get("script") or [])
    steps += _script_steps(scenario.get("script") or [])
    data = tmp_path / "data"
    shutil.copytree(templates(scenario.get("seed", "demo")), data)
    base = make_runtime(data, embedder)
    with ScriptedLLM(steps) as llm:
        from pydantic import SecretStr

        settings = base.settings.model_copy(update={"llm_base_url": llm.base_url, "llm_api_key": SecretStr("test-key"),
                                                    "llm_max_retries": 0})
        runtime = Runtime(settings, vectors=base.vectors)
        agent = LLMAgent(runtime)
        try:
            if scenario.get("extra"):
                add_extra_rows(runtime, scenario["extra"])
            before = table_counts(runtime.engine)
            turns = []
            for n, t in enumerate(scenario["turns"], 1):
                turn = agent.run_turn(f"eval-llm:{sid}", "local", str(t["user"]), workspace_id=WORKSPACE)
                turns.append(turn)
                check_turn(sid, n, turn, {**(t.get("expect") or {}), **(t.get("llm") or {})})
            judge_end_state(sid, before, table_counts(runtime.engine), scenario, turns)
            llm.assert_all_steps_used()
            # Creators' text reached the model only inside data blocks.
            for req in llm.requests:
                for m in req.messages:
                    if m.get("role") == "tool":
                        assert "<untrusted_data" in str(m.get("content")), f"{sid}: a tool result was not delimited as data"
        finally:
            agent.close()
            close_runtime(runtime)
