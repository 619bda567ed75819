"""The one interface both brains implement: ``run_turn(conversation_id, user, text) -> Turn``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from tools.base import ToolResult


@dataclass
class ToolCallTrace:
    """One tool call in a turn: what was asked, whether it worked, how long it took."""

    name: str
    args: dict[str, Any]
    ok: bool
    error: str | None = None
    duration_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "args": self.args, "ok": self.ok, "error": self.error, "duration_ms": round(self.duration_ms, 2)}


@dataclass
class Usage:
    """LLM usage in a turn (all zero for the offline planner)."""

    model_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def to_dict(self) -> dict[str, int]:
        return {"model_calls": self.model_calls, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens, "total_tokens": self.total_tokens}


@dataclass
class Turn:
    """The outcome of one user message."""

    conversation_id: str
    reply: str
    results: list[ToolResult] = field(default_factory=list)
    pending_actions: list[dict[str, Any]] = field(default_factory=list)
    tool_calls: list[ToolCallTrace] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    brain: str = "offline"
    error: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """The ``kolpilot ask --json`` shape."""
        return {
            "reply": self.reply,
            "tool_calls": [{"name": t.name, "args": t.args, "ok": t.ok} for t in self.tool_calls],
            "pending_actions": self.pending_actions,
            "results": [r.model_dump(mode="json") for r in self.results],
            "brain": self.brain,
            "usage": self.usage.to_dict(),
        }


ProgressCallback = Callable[[str], None]


class Agent(Protocol):
    """A brain: the LLM agent or the offline planner."""

    name: str

    def run_turn(
        self,
        conversation_id: str,
        user: str,
        text: str,
        *,
        workspace_id: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Turn:
        """Handle one user message in a conversation and return what happened."""
        ...
