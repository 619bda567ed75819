"""The LLM brain: langchain ``create_agent`` over ``ChatOpenAI``, with kolpilot's tools,
prompts and a langgraph checkpointer on the application database.

What langchain/langgraph do by themselves:

- the model → tools → model loop, parallel tool calls (one graph task per call), binding
  the tools' JSON schemas, unknown tool names (the ToolNode answers
  ``Error: x is not a valid tool, try one of [...]``), checkpointing every step of a
  thread (``thread_id`` = conversation id) and langgraph's hard ``recursion_limit``;
- the ``openai`` client's timeout, retries, backoff and ``Retry-After`` handling
  (configured in ``integrations.llm``).

What kolpilot adds, as middleware (``agent.tool_adapter`` and ``TurnGuardMiddleware``):

- tool execution through ``tools.registry.run_tool`` with the turn's ToolContext, results
  wrapped as untrusted data, traces/results/pending actions collected for the ``Turn``;
- malformed tool-call JSON answered with the JSON error and sent back to the model (langchain
  would end the turn with an empty reply when a response has only invalid calls);
- conversation memory for references in the graph state (``kolpilot_memory``);
- per call: the system prompt (with today's date and the configuration in force), history
  repair and trimming to a budget (never separating a tool call from its results), usage
  accounting, a clear stop on ``finish_reason == "content_filter"``, on the per-turn token
  budget (``llm_max_turn_tokens``), and before langgraph's recursion limit
  (``llm_recursion_limit``, passed through as langgraph's ``recursion_limit``) would abort
  the turn: the model call that would need another round gets a plain "I stopped" answer
  instead of its tool calls, so the saved history stays valid;
- a history budget of ``llm_max_turn_tokens // 6`` tokens (estimated at 4 characters per
  token) for the messages of earlier turns; the current turn is always sent whole;
- every failure of a turn becomes a one-line reply with ``Turn.error`` set, never a
  traceback.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from agent.tool_adapter import KolpilotState, TurnContext
from agent.turn import ProgressCallback, Turn, Usage

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agent.runtime import Runtime
    from agent.settings import Settings

log = logging.getLogger(__name__)

CHARS_PER_TOKEN = 4  # estimate for budgets only (no tokenizer download); usage comes from the API
# Graph steps per tool round: model, the after-model check, tools. Used to stop gracefully
# before langgraph's recursion limit would abort the turn with GraphRecursionError.
STEPS_PER_ROUND = 3

UNAVAILABLE_TEMPLATE = "The model is unavailable right now ({reason}). Try again, or use --offline."


# --- the system prompt ---------------------------------------------------------------------
def _count(n: int) -> str:
    return f"{n:,}"


def configuration_section(settings: Settings, today: date) -> str:
    """The "Configuration in force" part of the system prompt, from Settings."""
    cuts = settings.tier_cutoffs
    tiers = (
        f"emerging < {_count(cuts['nano'])} ≤ nano < {_count(cuts['micro'])} ≤ micro < {_count(cuts['macro'])}"
        f" ≤ macro < {_count(cuts['mega'])} ≤ mega < {_count(cuts['celebrity'])} ≤ celebrity"
    )
    if settings.emv_method == "cpm_benchmark":
        emv = (f"CPM benchmark — impressions / 1000 × {settings.emv_cpm} {settings.default_currency}; "
               "always name this method next to an EMV figure")
    else:
        emv = "none — do not report EMV"
    return "\n".join([
        "# Configuration in force",
        "",
        f"- Today is {today.isoformat()} (UTC).",
        f"- Tiers (followers of one account): {tiers}.",
        f"- Attribution: discount code first; tracking links by last click within {settings.attribution_window_days} days.",
        f"- EMV method: {emv}.",
        f"- Default currency: {settings.default_currency}.",
    ])


@lru_cache(maxsize=8)
def _static_prompt() -> str:
    from prompts import load_prompt

    return "\n\n".join(load_prompt(n).strip() for n in ("system", "tool_policy", "untrusted_data"))


def compose_system_prompt(settings: Settings, today: date | None = None) -> str:
    """The full system prompt: who kolpilot is and the domain (system.md), the tool policy
    (tool_policy.md), the untrusted-data rule (untrusted_data.md), and the configuration."""
    today = today or datetime.now(UTC).date()
    return f"{_static_prompt()}\n\n{configuration_section(settings, today)}\n"


# --- history: repair and trimming (pure functions) ----------------------------------------
def _call_ids(msg: AIMessage) -> list[str]:
    ids = [tc.get("id") for tc in msg.tool_calls] + [tc.get("id") for tc in msg.invalid_tool_calls]
    return [i for i in ids if i]


def _has_calls(msg: BaseMessage) -> bool:
    return isinstance(msg, AIMessage) and bool(msg.tool_calls or msg.invalid_tool_calls)


def repair_tool_pairs(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """Make a history valid for the Chat Completions API.

    Every assistant tool call is followed by exactly one tool message with its id: missing
    answers (a turn that was interrupted between the model and the tools) get a synthetic
    error answer; tool messages that answer nothing before them are dropped.
    """
    out: list[BaseMessage] = []
    i, n = 0, len(messages)
    while i < n:
        msg = messages[i]
        if isinstance(msg, ToolMessage):
            i += 1  # orphan: no assistant call right before it
            continue
        out.append(msg)
        i += 1
        if not _has_calls(msg):
            continue
        wanted = _call_ids(msg)  # type: ignore[arg-type]
        seen: set[str] = set()
        while i < n and isinstance(messages[i], ToolMessage):
            tm = messages[i]
            if tm.tool_call_id in wanted and tm.tool_call_id not in seen:  # type: ignore[union-attr]
                out.append(tm)
                seen.add(tm.tool_call_id)  # type: ignore[union-attr]
            i += 1
        for cid in wanted:
            if cid not in seen:
                out.append(ToolMessage("Error: this tool call was not executed (the turn was interrupted).",
                                       tool_call_id=cid, status="error"))
    return out


def message_chars(msg: BaseMessage) -> int:
    """Size of a message as sent (content plus tool-call arguments), in characters."""
    content = msg.content if isinstance(msg.content, str) else json.dumps(msg.content, ensure_ascii=False)
    size = len(content) + 16  # role and framing
    if isinstance(msg, AIMessage):
        for tc in msg.tool_calls:
            size += len(tc.get("name") or "") + len(json.dumps(tc.get("args") or {}, ensure_ascii=False)) + 32
        for tc in msg.invalid_tool_calls:
            size += len(tc.get("name") or "") + len(str(tc.get("args") or "")) + 32
    return size


def _units(messages: Sequence[BaseMessage]) -> list[list[BaseMessage]]:
    """Group a (repaired) history: an assistant message with tool calls and its tool
    messages form one unit; every other message is a unit of its own."""
    units: list[list[BaseMessage]] = []
    for msg in messages:
        if isinstance(msg, ToolMessage) and units and _has_calls(units[-1][0]):
            units[-1].append(msg)
        else:
            units.append([msg])
    return units


def trim_history(messages: Sequence[BaseMessage], max_chars: int) -> list[BaseMessage]:
    """The most recent part of ``messages`` that fits in ``max_chars``.

    - The current turn (from the last user message on) is always kept, whatever its size.
    - Older messages are dropped oldest first, a whole unit at a time, so an assistant
      message with tool calls is never separated from its tool messages.
    - The kept history starts with a user message (no answer without its question).
    - System messages are kept.
    """
    system = [m for m in messages if isinstance(m, SystemMessage)]
    rest = [m for m in messages if not isinstance(m, SystemMessage)]
    last_user = max((i for i, m in enumerate(rest) if isinstance(m, HumanMessage)), default=0)
    current = rest[last_user:]
    budget = max_chars - sum(message_chars(m) for m in system) - sum(message_chars(m) for m in current)
    kept: list[list[BaseMessage]] = []
    for unit in reversed(_units(rest[:last_user])):
        size = sum(message_chars(m) for m in unit)
        if size > budget:
            break
        kept.append(unit)
        budget -= size
    kept.reverse()
    while kept and not isinstance(kept[0][0], HumanMessage):
        kept.pop(0)
    return [*system, *(m for unit in kept for m in unit), *current]


# --- the per-call guard ----------------------------------------------------------------------
def step_limited_model_calls(recursion_limit: int) -> int:
    """How many model calls fit in one turn under langgraph's ``recursion_limit``.

    Each round is STEPS_PER_ROUND graph steps and the run must end below the limit (checked
    against the real graph for limits 3..24 in the tests).
    """
    return max(1, recursion_limit // STEPS_PER_ROUND)


class TurnGuardMiddleware(AgentMiddleware):
    """Around every model call: prompt, history, usage, and the turn's stop conditions."""

    def __init__(self, settings: Settings, *, history_budget_chars: int) -> None:
        super().__init__()
        self.settings = settings
        self.history_budget_chars = history_budget_chars
        self.max_model_calls = step_limited_model_calls(settings.llm_recursion_limit)

    def wrap_model_call(self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]) -> ModelResponse:
        turn: TurnContext = request.runtime.context
        turn.progress("Thinking…")
        messages = trim_history(repair_tool_pairs(request.messages), self.history_budget_chars)
        request = request.override(
            messages=messages, system_message=SystemMessage(compose_system_prompt(self.settings))
        )
        response = handler(request)
        col = turn.collector
        col.model_calls += 1
        ai = next((m for m in response.result if isinstance(m, AIMessage)), None)
        if ai is None:
            return response
        usage = ai.usage_metadata or {}
        col.add_usage(int(usage.get("input_tokens") or 0), int(usage.get("output_tokens") or 0))
        col.register_calls([tc.get("id") for tc in ai.tool_calls] + [tc.get("id") for tc in ai.invalid_tool_calls])

        if (ai.response_metadata or {}).get("finish_reason") == "content_filter":
            turn.stop = "content_filter"
            return self._stop(response, ai, (
                "The model provider's content filter stopped this answer, so I can't show it. "
                "Try rephrasing the request."))
        if not _has_calls(ai):
            return response
        if col.model_calls >= self.max_model_calls:
            turn.stop = "step_limit"
            return self._stop(response, ai, (
                f"I stopped before finishing: this request needs more steps than one turn allows "
                f"({self.max_model_calls} model calls under KOLPILOT_LLM_RECURSION_LIMIT="
                f"{self.settings.llm_recursion_limit}). {_done(col)}Ask me to continue, or narrow the request."))
        if col.total_tokens >= self.settings.llm_max_turn_tokens:
            turn.stop = "token_budget"
            return self._stop(response, ai, (
                f"I stopped before finishing: this turn used {col.total_tokens:,} tokens, over its budget of "
                f"{self.settings.llm_max_turn_tokens:,} (KOLPILOT_LLM_MAX_TURN_TOKENS). {_done(col)}"
                "Ask me to continue, or narrow the request."))
        return response

    @staticmethod
    def _stop(response: ModelResponse, ai: AIMessage, text: str) -> ModelResponse:
        # The model's pending tool calls are dropped (never executed), so the saved history
        # stays valid: the turn ends with this plain answer.
        stop = AIMessage(content=text, id=ai.id, response_metadata=ai.response_metadata, usage_metadata=ai.usage_metadata)
        return ModelResponse(result=[stop], structured_response=response.structured_response)


def _done(col: Any) -> str:
    n = len(col.traces)
    return f"{n} tool call{'s' if n != 1 else ''} ran so far. " if n else ""


# --- the agent -------------------------------------------------------------------------------
class LLMAgent:
    """The LLM brain behind ``agent.turn.Agent``.

    One instance per process: the compiled graph, the chat client and the checkpointer are
    built on first use and shared by every turn (turns may run concurrently, e.g. Slack
    threads; everything per turn travels in a TurnContext). A conversation is a langgraph
    thread (``thread_id = conversation_id``) in the checkpointer on the application
    database, so it continues in another process on the same database.
    """

    name = "llm"

    def __init__(
        self,
        runtime: Runtime,
        *,
        chat_model: BaseChatModel | None = None,
        history_budget_tokens: int | None = None,
    ) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self._chat_model = chat_model
        budget = history_budget_tokens or max(1_000, self.settings.llm_max_turn_tokens // 6)
        self.history_budget_chars = budget * CHARS_PER_TOKEN
        self._graph: Any = None
        self._checkpointer: Any = None
        self._lock = threading.Lock()

    @property
    def brain(self) -> str:
        return f"llm:{self.settings.llm_model}"

    # construction
    def _build(self) -> Any:
        from langchain.agents import create_agent

        from agent.conversations import make_checkpointer
        from agent.tool_adapter import ToolExecutionMiddleware, as_langchain_tools
        from integrations.llm import build_chat_model
        from tools.registry import all_tools

        model = self._chat_model or build_chat_model(self.settings)
        self._checkpointer = make_checkpointer(self.runtime.engine)
        return create_agent(
            model,
            as_langchain_tools(all_tools()),
            system_prompt=compose_system_prompt(self.settings),  # replaced per call (date)
            middleware=[
                TurnGuardMiddleware(self.settings, history_budget_chars=self.history_budget_chars),
                ToolExecutionMiddleware(),
            ],
            state_schema=KolpilotState,
            context_schema=TurnContext,
            checkpointer=self._checkpointer,
            name="kolpilot",
        )

    @property
    def graph(self) -> Any:
        """The compiled agent graph (built on first use)."""
        if self._graph is None:
            with self._lock:
                if self._graph is None:
                    self._graph = self._build()
        return self._graph

    def close(self) -> None:
        """Release the checkpointer's connections (PostgreSQL pool / SQLite connection)."""
        saver, self._checkpointer, self._graph = self._checkpointer, None, None
        if saver is None:
            return
        pool = getattr(saver, "conn", None)
        try:
            if hasattr(pool, "close"):
                pool.close()
        except Exception:  # noqa: BLE001 - closing is best effort
            log.debug("closing the checkpointer failed", exc_info=True)

    def __enter__(self) -> LLMAgent:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_workspace(self, workspace_id: str) -> None:
        self.runtime.ensure_workspace(workspace_id)

    # the turn
    def run_turn(
        self,
        conversation_id: str,
        user: str,
        text: str,
        *,
        workspace_id: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Turn:
        """Handle one user message. Never raises for model, tool or network trouble: the
        reply says what happened and ``Turn.error`` is set."""
        from langgraph.errors import GraphRecursionError

        from agent.conversations import conversation_config

        ws = workspace_id or self.settings.workspace
        turn_ctx = TurnContext(self.runtime, user, ws, conversation_id, on_progress)
        reply, error = "", None
        try:
            self._ensure_workspace(ws)
            graph = self.graph
            human = HumanMessage(text, id=str(uuid.uuid4()))
            config = conversation_config(conversation_id, recursion_limit=self.settings.llm_recursion_limit)
            state = graph.invoke({"messages": [human]}, config, context=turn_ctx)
            reply = _final_reply(state.get("messages") or [], human.id)
            error = turn_ctx.stop
            if not reply:
                reply, error = "The model returned an empty answer. Try rephrasing the question.", "empty_reply"
        except GraphRecursionError:
            reply = (f"I stopped before finishing: this request needs more steps than one turn allows "
                     f"(KOLPILOT_LLM_RECURSION_LIMIT={self.settings.llm_recursion_limit}). Ask me to continue, "
                     "or narrow the request.")
            error = "step_limit"
        except Exception as exc:  # noqa: BLE001 - the user gets one line, the log gets the details
            reply, error = self._failure(exc)
        return self._turn(turn_ctx, conversation_id, reply, error)

    def _failure(self, exc: BaseException) -> tuple[str, str]:
        from integrations.llm import describe_model_error

        cause: BaseException | None = exc
        while cause is not None:
            described = describe_model_error(cause, self.settings)
            if described is not None:
                reason, unavailable = described
                log.warning("model call failed: %s (%s)", reason, type(cause).__name__)
                if unavailable:
                    return UNAVAILABLE_TEMPLATE.format(reason=reason), f"model_unavailable: {reason}"
                return f"The model could not answer: {reason}. Fix the setting, or use --offline.", f"model_error: {reason}"
            cause = cause.__cause__ or cause.__context__
        log.exception("agent turn failed")
        name = type(exc).__name__
        return (f"Something went wrong while answering ({name}); the details are in the log. "
                "Try again, or use --offline."), f"internal_error: {name}"

    def _turn(self, turn_ctx: TurnContext, conversation_id: str, reply: str, error: str | None) -> Turn:
        col = turn_ctx.collector
        return Turn(
            conversation_id=conversation_id,
            reply=reply,
            results=col.ordered_results(),
            pending_actions=self._pending_actions(turn_ctx.workspace_id, col.ordered_pending_ids()),
            tool_calls=col.ordered_traces(),
            usage=Usage(model_calls=col.model_calls, prompt_tokens=col.prompt_tokens,
                        completion_tokens=col.completion_tokens),
            brain=self.brain,
            error=error,
        )

    def _pending_actions(self, workspace_id: str, ids: list[str]) -> list[dict[str, Any]]:
        if not ids:
            return []
        from memory.db import session_scope
        from memory.repo import actions as actions_repo
        from tools.approvals import describe

        out: list[dict[str, Any]] = []
        try:
            with session_scope(self.runtime.sessions) as s:
                for pid in ids:
                    row = actions_repo.get(s, workspace_id=workspace_id, action_id=pid)
                    if row is not None:
                        out.append(describe(row))
        except Exception:  # noqa: BLE001 - the reply is still useful without the action cards
            log.exception("could not load pending actions")
        return out


def _final_reply(messages: Sequence[BaseMessage], human_id: str | None) -> str:
    """The text of the last assistant message after this turn's user message."""
    start = next((i for i, m in enumerate(messages) if m.id == human_id), -1)
    for msg in reversed(messages[start + 1:]):
        if isinstance(msg, AIMessage):
            return msg.text.strip()
    return ""
