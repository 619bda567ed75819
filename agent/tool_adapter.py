"""kolpilot tools inside a langchain agent.

How a tool call runs:

1. ``as_langchain_tool(spec)`` exposes a ToolSpec to the model: name, description (the
   tool's docstring, plus the input model's own docstring if it has one) and
   ``args_schema`` = the tool's pydantic input model, so the field descriptions are the
   prompt. The model never sees — and cannot supply — the ToolContext.
2. ``ToolExecutionMiddleware.wrap_tool_call`` intercepts every tool call the ToolNode
   would run and executes it itself through ``tools.registry.run_tool`` with a ToolContext
   built from the turn (``TurnContext``, passed to the graph as langgraph's ``context``):
   workspace and user come from the interface. Validation, unknown tools and tool errors
   all come back as ``Error: ...`` text. langchain's own argument parsing is never used,
   so the model gets the same messages the offline planner's users see.
3. The outcome text goes back to the model inside a data block (``prompts.wrap_untrusted``):
   tool results carry creators' bios, captions and emails, which are data, never
   instructions.
4. The turn's ``TurnCollector`` records a ToolCallTrace, the structured ToolResult and any
   pending action ids, in the order the model asked for the calls.

Conversation memory (``tools.base.ConversationMemory``, what "the second one" refers to)
lives in the graph state under ``kolpilot_memory``, so the same checkpointer that keeps
the messages keeps it, per conversation (thread), across processes. Each tool call gets a
ConversationMemory built from the state; what the tool changed is returned as a partial
update through a ``Command``, and the ``merge_memory`` reducer applies the updates of one
step in tool-call order (parallel calls: the later call in the model's list wins, field by
field).

Commit-tier tools cannot be bypassed here: the adapter only ever calls ``run_tool`` (the
tool creates a PendingAction; nothing here can approve or execute one), and a commit-tier
tool that reports success without a pending action is logged as a bug.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, NotRequired

from langchain.agents.middleware import AgentMiddleware, AgentState, ModelRequest, ModelResponse, hook_config
from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.tools import BaseTool
from langgraph.types import Command
from pydantic import BaseModel

from agent.turn import ToolCallTrace
from prompts import wrap_untrusted
from tools.base import ConversationMemory, ToolResult, ToolSpec, ToolTier, storable

if TYPE_CHECKING:
    from langgraph.prebuilt.tool_node import ToolCallRequest
    from langgraph.runtime import Runtime as GraphRuntime

    from agent.runtime import Runtime

log = logging.getLogger(__name__)

MEMORY_KEY = "kolpilot_memory"


# --- conversation memory in the graph state ------------------------------------------------
def merge_memory(current: dict[str, Any] | None, update: dict[str, Any] | None) -> dict[str, Any]:
    """Reducer of the ``kolpilot_memory`` state field: a field-wise overwrite."""
    return {**(current or {}), **(update or {})}


class KolpilotState(AgentState):
    """The agent state: langchain's messages plus the conversation memory for references."""

    kolpilot_memory: NotRequired[Annotated[dict[str, Any], merge_memory]]


def memory_from_state(state: Any) -> ConversationMemory:
    """The ConversationMemory stored in an agent state (empty if none yet)."""
    raw = state.get(MEMORY_KEY) if isinstance(state, dict) else getattr(state, MEMORY_KEY, None)
    return ConversationMemory.from_dict(raw)


def memory_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``after`` that differ from ``before``."""
    return {k: v for k, v in after.items() if before.get(k) != v}


# --- the turn ------------------------------------------------------------------------------
@dataclass
class TurnCollector:
    """Everything a turn produced, filled from the graph's threads (thread-safe)."""

    traces: list[tuple[int, ToolCallTrace]] = field(default_factory=list)
    results: list[tuple[int, ToolResult]] = field(default_factory=list)
    pending_action_ids: list[tuple[int, str]] = field(default_factory=list)
    model_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    _order: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def register_calls(self, call_ids: list[str | None]) -> None:
        """Remember the order in which the model asked for tool calls."""
        with self._lock:
            for cid in call_ids:
                if cid is not None and cid not in self._order:
                    self._order[cid] = len(self._order)

    def _pos(self, call_id: str | None) -> int:
        return self._order.get(call_id or "", 1_000_000 + len(self.traces))

    def add(self, call_id: str | None, trace: ToolCallTrace, result: ToolResult | None = None) -> None:
        with self._lock:
            pos = self._pos(call_id)
            self.traces.append((pos, trace))
            if result is not None:
                self.results.append((pos, result))
                self.pending_action_ids.extend((pos, pid) for pid in result.pending_action_ids)

    def add_usage(self, prompt_tokens: int, completion_tokens: int) -> None:
        with self._lock:
            self.prompt_tokens += prompt_tokens
            self.completion_tokens += completion_tokens

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def ordered_traces(self) -> list[ToolCallTrace]:
        return [t for _, t in sorted(self.traces, key=lambda x: x[0])]

    def ordered_results(self) -> list[ToolResult]:
        return [r for _, r in sorted(self.results, key=lambda x: x[0])]

    def ordered_pending_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for _, pid in sorted(self.pending_action_ids, key=lambda x: x[0]):
            seen.setdefault(pid, None)
        return list(seen)


@dataclass
class TurnContext:
    """The per-turn context handed to the graph (langgraph ``context``): who is asking,
    where, and where the turn's traces go. Never visible to the model."""

    runtime: Runtime
    user_id: str
    workspace_id: str
    conversation_id: str
    on_progress: Callable[[str], None] | None = None
    collector: TurnCollector = field(default_factory=TurnCollector)
    stop: str | None = None  # why the turn was stopped early (content_filter, step_limit, token_budget)

    def tool_context(self, memory: ConversationMemory):  # noqa: ANN201 - ToolContext (lazy import)
        return self.runtime.tool_context(
            user_id=self.user_id,
            workspace_id=self.workspace_id,
            conversation_id=self.conversation_id,
            memory=memory,
            on_progress=self.on_progress,
        )

    def progress(self, message: str) -> None:
        if self.on_progress is not None:
            try:
                self.on_progress(message)
            except Exception:  # noqa: BLE001 - a broken status line must not break the turn
                log.debug("progress callback failed", exc_info=True)


# --- tools as langchain tools ---------------------------------------------------------------
class KolpilotTool(BaseTool):
    """A kolpilot tool as the model sees it. Execution happens in ToolExecutionMiddleware,
    which has the turn's ToolContext; running this object directly is a programming error."""

    spec: Any = None  # ToolSpec (Any: a frozen dataclass with a callable, not a pydantic type)

    def _run(self, *args: Any, **kwargs: Any) -> str:
        raise RuntimeError(
            f"kolpilot tool {self.name!r} runs only inside the agent (ToolExecutionMiddleware supplies its ToolContext)"
        )


def tool_description(spec: ToolSpec) -> str:
    """The tool's docstring, plus its input model's own docstring when that says more."""
    desc = (spec.description or "").strip()
    model_doc = (vars(spec.input_model).get("__doc__") or "").strip()
    if model_doc and model_doc not in desc:
        desc = f"{desc}\n\n{model_doc}" if desc else model_doc
    return desc or spec.name


def as_langchain_tool(spec: ToolSpec) -> KolpilotTool:
    """The langchain tool for ``spec`` (schema = the tool's pydantic input model)."""
    schema: type[BaseModel] = spec.input_model
    return KolpilotTool(name=spec.name, description=tool_description(spec), args_schema=schema, spec=spec)


def as_langchain_tools(specs: dict[str, ToolSpec]) -> list[KolpilotTool]:
    return [as_langchain_tool(s) for _, s in sorted(specs.items())]


# --- execution ------------------------------------------------------------------------------
def storable_tool_calls(ai: AIMessage) -> AIMessage:
    """``ai`` with tool-call arguments the checkpointer can store (``tools.base.storable``: an
    integer beyond 64 bits becomes its digits, which still fail the tool's bounded field with a
    message the model can act on); the same object when nothing needs changing."""
    calls = []
    changed = False
    for call in ai.tool_calls:
        args, c = storable(call.get("args"))
        changed = changed or c
        calls.append({**call, "args": args} if c else call)
    return ai.model_copy(update={"tool_calls": calls}) if changed else ai


def _json_error(raw: str) -> str:
    try:
        json.loads(raw)
    except ValueError as exc:
        return str(exc)
    return "not a JSON object"


def execute_tool_call(turn: TurnContext, call: dict[str, Any], state: Any) -> ToolMessage | Command:
    """Run one tool call of the model for ``turn`` and return what goes back to the model."""
    from tools.registry import get_tool, run_tool

    name = str(call.get("name") or "")
    call_id = call.get("id")
    args = call.get("args")
    if not isinstance(args, dict):
        trace = ToolCallTrace(name, {"_raw": args}, False, "arguments must be a JSON object")
        turn.collector.add(call_id, trace)
        return ToolMessage(f"Error: the arguments of {name} must be a JSON object matching its parameters.",
                           tool_call_id=call_id, name=name, status="error")

    memory = memory_from_state(state)
    before = memory.to_dict()
    ctx = turn.tool_context(memory)
    spec = get_tool(name)
    started = time.perf_counter()
    try:
        outcome = run_tool(ctx, name, args)
    except Exception as exc:  # noqa: BLE001 - run_tool already catches; this is belt and braces
        log.exception("tool %s crashed outside run_tool", name)
        from tools.registry import ToolOutcome

        outcome = ToolOutcome(name, args, False, None, f"internal error in {name} ({type(exc).__name__})",
                              (time.perf_counter() - started) * 1000)

    if spec is not None and spec.tier == ToolTier.commit and outcome.ok and outcome.result is not None \
            and not outcome.result.pending_action_ids:
        # Commit tools must only propose; a success without a pending action means the tool
        # (not the model) is broken. Log loudly; the approval path is the only executor.
        log.error("commit-tier tool %s returned success without a pending action", name)

    trace = ToolCallTrace(name, dict(args), outcome.ok, outcome.error, outcome.duration_ms)
    turn.collector.add(call_id, trace, outcome.result if outcome.ok else None)

    content = wrap_untrusted(f"tool {name}", outcome.text)
    message = ToolMessage(content, tool_call_id=call_id, name=name, status="success" if outcome.ok else "error")
    changes = memory_changes(before, ctx.memory.to_dict())
    if changes:
        return Command(update={"messages": [message], MEMORY_KEY: changes})
    return message


def invalid_call_message(turn: TurnContext, invalid: dict[str, Any]) -> ToolMessage | None:
    """The error a model gets back for a tool call whose arguments were not valid JSON."""
    call_id = invalid.get("id")
    if call_id is None:
        return None
    name = str(invalid.get("name") or "unknown")
    raw = invalid.get("args")
    reason = _json_error(raw) if isinstance(raw, str) else "missing arguments"
    turn.collector.add(call_id, ToolCallTrace(name, {"_raw": raw}, False, f"malformed arguments: {reason}"))
    return ToolMessage(
        f"Error: the arguments of this {name} call are not valid JSON ({reason}). "
        f"Call {name} again with a single JSON object that matches its parameters.",
        tool_call_id=call_id, name=name, status="error",
    )


class ToolExecutionMiddleware(AgentMiddleware):
    """Runs kolpilot tools with the turn's ToolContext and turns malformed tool calls into
    error messages the model can correct (see the module docstring)."""

    state_schema = KolpilotState

    def wrap_model_call(self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]) -> ModelResponse:
        # A model may send a number no database column (nor the checkpointer) can hold, e.g.
        # creator_id=99999999999999999999999; saving that message would abort the whole turn.
        # Store it as its digits instead: the tool call then fails validation ("must be at
        # most ...") and the model gets an error it can correct.
        response = handler(request)
        result = [storable_tool_calls(m) if isinstance(m, AIMessage) and m.tool_calls else m for m in response.result]
        if all(a is b for a, b in zip(result, response.result, strict=True)):
            return response
        return ModelResponse(result=result, structured_response=response.structured_response)

    def wrap_tool_call(self, request: ToolCallRequest, handler: Callable[[ToolCallRequest], Any]) -> ToolMessage | Command:
        turn = request.runtime.context
        if not isinstance(turn, TurnContext):
            raise RuntimeError("kolpilot tools need a TurnContext as the graph context")
        # The handler (langchain's own execution) is deliberately not called.
        return execute_tool_call(turn, dict(request.tool_call), request.state)

    @hook_config(can_jump_to=["model"])
    def after_model(self, state: KolpilotState, runtime: GraphRuntime[TurnContext]) -> dict[str, Any] | None:
        # langchain answers invalid tool calls only on the *next* model call, and when a
        # response has nothing but invalid calls it ends the turn with an empty reply. Answer
        # them here, with the JSON error, and go back to the model so it can correct itself.
        last = state["messages"][-1] if state["messages"] else None
        if not isinstance(last, AIMessage) or not last.invalid_tool_calls:
            return None
        turn = runtime.context
        answered = {m.tool_call_id for m in state["messages"] if isinstance(m, ToolMessage)}
        messages = [m for inv in last.invalid_tool_calls if inv.get("id") not in answered
                    and (m := invalid_call_message(turn, dict(inv))) is not None]
        if not messages:
            return None
        update: dict[str, Any] = {"messages": messages}
        if not last.tool_calls:
            update["jump_to"] = "model"
        return update
