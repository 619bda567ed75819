"""The offline planner: kolpilot without a model.

One turn = parse the message → pick the best-matching intent from the intent registry →
its handler calls tools through ``tools.registry.run_tool`` → a reply composed from the
results. Conversation memory (the last results, the last search, the creator in focus, a
pending question) is persisted per conversation id through the langgraph checkpointer on
the application database, so "the second one" still works after a restart or from another
process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypedDict

from agent.planner.intents import IntentContext, IntentRegistry, IntentReply, load_intents
from agent.planner.references import Ref, set_focus
from agent.turn import ProgressCallback, ToolCallTrace, Turn
from tools.base import ConversationMemory, ToolResult

if TYPE_CHECKING:
    from agent.runtime import Runtime

log = logging.getLogger(__name__)

TRANSCRIPT_KEEP = 40  # messages kept per conversation (the planner needs few; humans like history)
NICHE_CACHE_S = 60.0  # how long the workspace's niche names are reused between turns


def _append_capped(old: list[dict[str, Any]] | None, new: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return ((old or []) + (new or []))[-TRANSCRIPT_KEEP:]


class PlannerState(TypedDict, total=False):
    """What the checkpointer keeps per conversation for the planner. ``kolpilot_memory`` is
    the same state key the LLM agent uses, so references survive a switch of brain within
    a conversation."""

    kolpilot_memory: dict[str, Any]
    kolpilot_transcript: Annotated[list[dict[str, Any]], _append_capped]


def _build_graph(checkpointer: Any) -> Any:
    """A one-node StateGraph whose only job is to persist state through the checkpointer."""
    from langgraph.graph import END, START, StateGraph

    graph = StateGraph(PlannerState)
    graph.add_node("save", lambda state: {})
    graph.add_edge(START, "save")
    graph.add_edge("save", END)
    return graph.compile(checkpointer=checkpointer)


class ConversationStore:
    """Planner state per conversation id, through the langgraph checkpointer."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._graph: Any = None
        self._lock = threading.Lock()

    @property
    def graph(self) -> Any:
        with self._lock:
            if self._graph is None:
                from agent.conversations import make_checkpointer

                self._graph = _build_graph(make_checkpointer(self._runtime.engine))
            return self._graph

    def close(self) -> None:
        """Release the checkpointer's database connection."""
        with self._lock:
            saver = getattr(self._graph, "checkpointer", None) if self._graph is not None else None
            self._graph = None
        conn = getattr(saver, "conn", None)
        if conn is not None and hasattr(conn, "close"):
            conn.close()

    def load(self, conversation_id: str) -> tuple[ConversationMemory, list[dict[str, Any]]]:
        """The conversation's memory and transcript (empty for a new conversation)."""
        from agent.conversations import conversation_config

        snapshot = self.graph.get_state(conversation_config(conversation_id))
        values = snapshot.values if snapshot is not None else {}
        memory = values.get("kolpilot_memory") if isinstance(values, dict) else None
        transcript = values.get("kolpilot_transcript") if isinstance(values, dict) else None
        return ConversationMemory.from_dict(memory if isinstance(memory, dict) else None), list(transcript or [])

    def save(self, conversation_id: str, memory: ConversationMemory, messages: list[dict[str, Any]]) -> None:
        """Persist the memory and append ``messages`` to the transcript."""
        from agent.conversations import conversation_config

        self.graph.invoke(
            {"kolpilot_memory": memory.to_dict(), "kolpilot_transcript": messages}, conversation_config(conversation_id)
        )


# --- remembering results ---------------------------------------------------------------------------

# Result kinds whose rows are creators; their order is what "the second one" refers to.
LIST_FIELDS = ("creators", "items", "results", "suggestions", "matches")


def _creator_rows(data: dict[str, Any]) -> list[dict[str, Any]] | None:
    for key in LIST_FIELDS:
        rows = data.get(key)
        if isinstance(rows, list) and rows and all(isinstance(r, dict) and r.get("handle") for r in rows):
            return rows
    return None


def remember_result(memory: ConversationMemory, result: ToolResult) -> None:
    """Update what "the second one" / "her" refer to from a tool result.

    A result that is about one creator (a profile, a classification) puts that creator in
    focus; a result that lists creators becomes the last list. Results that name creators
    in other ways (a creator mix) are turned into a list by their intent
    (``IntentReply.list_refs``).
    """
    data = result.model_dump(mode="json")
    rows = _creator_rows(data)
    if rows is not None:
        memory.last_handles = [str(r["handle"]) for r in rows]
        memory.last_creator_ids = [r.get("creator_id") for r in rows]
        memory.extra["last_platforms"] = [r.get("platform") for r in rows]
        memory.extra["last_list_kind"] = result.kind
        memory.extra.pop("focus_group", None)
        return
    creator = data.get("creator") if isinstance(data.get("creator"), dict) else data
    handle = creator.get("handle") if isinstance(creator, dict) else None
    if handle:
        set_focus(memory, Ref(str(handle), creator.get("creator_id"), creator.get("platform")))


def _set_list(memory: ConversationMemory, refs: list[Ref], kind: str) -> None:
    memory.last_handles = [r.handle for r in refs]
    memory.last_creator_ids = [r.creator_id for r in refs]  # type: ignore[misc]
    memory.extra["last_platforms"] = [r.platform for r in refs]
    memory.extra["last_list_kind"] = kind
    memory.extra.pop("focus_group", None)


# --- the planner -----------------------------------------------------------------------------------


class OfflinePlanner:
    """The deterministic brain: plain-English requests → the same tool calls the LLM agent makes."""

    name = "offline"

    def __init__(
        self,
        runtime: Runtime,
        *,
        clock: Callable[[], datetime] | None = None,
        registry: IntentRegistry | None = None,
    ) -> None:
        self.runtime = runtime
        self.clock = clock
        self.registry = registry or load_intents()
        self.store = ConversationStore(runtime)
        self._niches: dict[str, tuple[float, list[str]]] = {}

    def run_turn(
        self,
        conversation_id: str,
        user: str,
        text: str,
        *,
        workspace_id: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Turn:
        """Handle one message: choose an intent, run its tool calls, compose the reply, persist memory."""
        ws = workspace_id or self.runtime.settings.workspace
        self.runtime.ensure_workspace(ws)
        store_error: str | None = None
        try:
            memory, _ = self.store.load(conversation_id)
        except Exception as exc:  # noqa: BLE001 - answer without memory rather than not at all
            log.warning("could not load conversation memory: %s", type(exc).__name__)
            memory, store_error = ConversationMemory(), f"conversation memory unavailable ({type(exc).__name__})"
        tool_ctx = self.runtime.tool_context(
            user_id=user, workspace_id=ws, conversation_id=conversation_id, memory=memory, on_progress=on_progress
        )
        if self.clock is not None:
            tool_ctx.clock = self.clock
        pending = memory.extra.pop("pending", None)
        ctx = IntentContext(
            text=text, tool_ctx=tool_ctx, memory=memory, registry=self.registry, pending=pending,
            known_niches=self._known_niches(tool_ctx),
        )
        error: str | None = None
        try:
            reply = self.registry.dispatch(ctx)
        except Exception as exc:  # noqa: BLE001 - a turn never crashes the interface
            log.exception("offline planner failed")
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".strip()
            reply = IntentReply(f"Sorry — something went wrong while handling that ({error}). Nothing was changed by me.")

        results = ctx.results
        if reply.remember:
            for result in results:
                remember_result(memory, result)
        if reply.list_refs is not None:
            _set_list(memory, reply.list_refs, reply.list_kind or "list")
        if reply.pending is not None:
            memory.extra["pending"] = reply.pending
        turn = Turn(
            conversation_id=conversation_id,
            reply=reply.text,
            results=results,
            pending_actions=self._pending_actions(tool_ctx, results),
            tool_calls=[ToolCallTrace(o.name, o.args, o.ok, o.error, o.duration_ms) for o in ctx.outcomes],
            brain=self.name,
            error=error or store_error,
        )
        try:
            self.store.save(
                conversation_id,
                memory,
                [{"role": "user", "content": text}, {"role": "assistant", "content": turn.reply, "intent": reply.intent}],
            )
        except Exception as exc:  # noqa: BLE001 - the answer is still worth showing
            log.warning("could not save conversation memory: %s", type(exc).__name__)
            turn.error = turn.error or f"conversation memory not saved ({type(exc).__name__})"
        return turn

    def close(self) -> None:
        """Release the conversation store's connection (the runtime's resources stay open)."""
        self.store.close()

    def memory(self, conversation_id: str) -> ConversationMemory:
        """The stored memory of a conversation (for interfaces and tests)."""
        return self.store.load(conversation_id)[0]

    def _known_niches(self, tool_ctx: Any) -> list[str]:
        """The workspace's niche names, cached briefly (a DISTINCT over a big table is not free)."""
        ws = tool_ctx.workspace_id
        cached = self._niches.get(ws)
        now = time.monotonic()
        if cached is not None and now - cached[0] < NICHE_CACHE_S:
            return cached[1]
        from memory.repo.search import known_niches

        try:
            with tool_ctx.sessions() as session:
                niches = sorted(known_niches(session, workspace_id=ws))
        except Exception as exc:  # noqa: BLE001 - parsing still works with the built-in vocabulary
            log.warning("could not load niches: %s", type(exc).__name__)
            niches = []
        self._niches[ws] = (now, niches)
        return niches

    def _pending_actions(self, tool_ctx: Any, results: list[ToolResult]) -> list[dict[str, Any]]:
        ids = [i for r in results for i in r.pending_action_ids]
        if not ids:
            return []
        from memory.models import PendingAction
        from tools.approvals import describe

        out = []
        with tool_ctx.sessions() as session:
            for action_id in ids:
                row = session.get(PendingAction, action_id)
                if row is not None and row.workspace_id == tool_ctx.workspace_id:
                    out.append(describe(row))
        return out
