"""What every tool is made of: an injected context, a typed input model, a tier, and a
structured result with a short text summary.

Tools are plain functions ``fn(ctx: ToolContext, args: SomeInput) -> ToolResult``. The
input model's docstring and field descriptions are the prompt the model sees; the
context (workspace, acting user, stores, clock) is injected by the runtime and never
supplied by the model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker
    from sqlmodel import Session

    from agent.settings import Settings
    from memory.vectors import VectorIndex


class ToolTier(StrEnum):
    """read: looks only. draft: creates drafts/proposals/internal records. commit: external
    or financial effect — only ever through a PendingAction a human confirms."""

    read = "read"
    draft = "draft"
    commit = "commit"


class ToolError(Exception):
    """A problem the model (or user) can fix: returned to the model as text, never a crash."""


INT32_MAX = 2**31 - 1  # SQL INTEGER: primary keys and most counts
INT64_MAX = 2**63 - 1  # SQL BIGINT: money in cents, impressions, reach, views
_INT64_MIN = -(2**63)


def storable(value: Any) -> tuple[Any, bool]:
    """``value`` with every integer beyond 64 bits (in nested dicts and lists) replaced by its
    digits as a string, and whether anything changed. Checkpointers (msgpack) and SQL cannot
    hold such an integer; a model or a user can still type one."""
    if isinstance(value, bool):
        return value, False
    if isinstance(value, int):
        return (str(value), True) if not _INT64_MIN <= value <= INT64_MAX else (value, False)
    if isinstance(value, dict):
        pairs = [(k, storable(v)) for k, v in value.items()]
        if any(c for _, (_, c) in pairs):
            return {k: v for k, (v, _) in pairs}, True
        return value, False
    if isinstance(value, (list, tuple)):
        items = [storable(v) for v in value]
        if any(c for _, c in items):
            return [v for v, _ in items], True
        return value, False
    return value, False


@dataclass
class ConversationMemory:
    """What a conversation remembers between turns for resolving references
    ("the second one", "those three", "her"): the last result lists, in order."""

    last_handles: list[str] = field(default_factory=list)
    last_creator_ids: list[int] = field(default_factory=list)
    last_campaign: str | None = None
    last_collaboration_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The memory as plain data a checkpointer can store (huge integers a user typed, kept
        e.g. in a pending question's slots, become strings: see ``storable``)."""
        return {
            "last_handles": self.last_handles,
            "last_creator_ids": self.last_creator_ids,
            "last_campaign": self.last_campaign,
            "last_collaboration_id": self.last_collaboration_id,
            "extra": storable(self.extra)[0],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> ConversationMemory:
        d = d or {}
        return cls(
            last_handles=list(d.get("last_handles") or []),
            last_creator_ids=list(d.get("last_creator_ids") or []),
            last_campaign=d.get("last_campaign"),
            last_collaboration_id=d.get("last_collaboration_id"),
            extra=dict(d.get("extra") or {}),
        )


def _utc_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class ToolContext:
    """Injected into every tool call. The model never sees or sets these."""

    workspace_id: str
    user_id: str
    sessions: sessionmaker[Session]
    settings: Settings
    vectors_factory: Callable[[], VectorIndex] | None = None
    conversation_id: str | None = None
    clock: Callable[[], datetime] = _utc_clock
    memory: ConversationMemory = field(default_factory=ConversationMemory)
    on_progress: Callable[[str], None] | None = None
    # sync(handles) -> error lines: refreshes creators' posts (post detection); built at the edge
    posts_sync: Callable[[list[str]], list[str]] | None = None
    _vectors: VectorIndex | None = field(default=None, repr=False)

    @property
    def vectors(self) -> VectorIndex | None:
        """The vector index, created on first use (None when not configured)."""
        if self._vectors is None and self.vectors_factory is not None:
            self._vectors = self.vectors_factory()
        return self._vectors

    def progress(self, message: str) -> None:
        """Report progress ("Searching creators…") to whoever is listening (Slack status, terminal)."""
        if self.on_progress is not None:
            self.on_progress(message)


# --- bounded argument types -----------------------------------------------------------------
# Every integer a model can send is bounded to what its column holds (an int beyond 64 bits
# overflows SQLite; beyond a column's range PostgreSQL raises DataError), so an absurd value
# is a validation error the model can correct. Use these in input models instead of bare int.
MAX_OFFSET = 10_000  # paging deeper than this is not a conversation
MAX_TEXT = 20_000  # any string argument (an email body is far shorter)

Id = Annotated[int, Field(ge=1, le=INT32_MAX)]
"""A row id (primary keys are INTEGER columns)."""
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
"""A non-negative count stored in (or compared with) an INTEGER column: followers, likes, ..."""
BigCount = Annotated[int, Field(ge=0, le=INT64_MAX)]
"""A non-negative count stored in a BIGINT column: impressions, reach, views."""
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
"""How many results to skip when paging."""
Days = Annotated[int, Field(ge=0, le=3650)]
"""A number of days (follow-up schedules, windows)."""
Handle = Annotated[str, Field(max_length=200)]
"""A creator handle (the account.handle column)."""
CampaignName = Annotated[str, Field(max_length=200)]
"""A campaign name (the campaign.name column)."""


class ToolInput(BaseModel):
    """Base of every tool input model: unknown arguments are an error the model can fix, and
    no string argument is longer than MAX_TEXT (fields bound to a column use a tighter type)."""

    model_config = ConfigDict(extra="forbid", str_max_length=MAX_TEXT)


class ToolResult(BaseModel):
    """Base of every tool result: a short text summary plus structured fields."""

    kind: str = Field(description="Result type, used by interfaces to choose a rendering")
    summary: str = Field(description="One or two sentences for the conversation")
    pending_action_ids: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list, description="Files produced (charts, exports): Slack uploads them, the terminal shows their paths")


@dataclass(frozen=True)
class ToolSpec:
    """A registered tool."""

    name: str
    tier: ToolTier
    func: Callable[[ToolContext, Any], ToolResult]
    input_model: type[ToolInput]
    description: str
    progress_label: str = "Working…"


def tool(tier: ToolTier, *, progress: str = "Working…") -> Callable[[Callable], Callable]:
    """Mark a function as a tool. Its name, docstring and input model (the annotation of its
    second parameter) become the tool's schema."""

    def deco(fn: Callable) -> Callable:
        import inspect
        import typing

        hints = typing.get_type_hints(fn)
        params = list(inspect.signature(fn).parameters)
        if len(params) != 2:
            raise TypeError(f"tool {fn.__name__} must take (ctx, args)")
        model = hints[params[1]]
        fn.__tool_spec__ = ToolSpec(  # type: ignore[attr-defined]
            name=fn.__name__,
            tier=tier,
            func=fn,
            input_model=model,
            description=inspect.getdoc(fn) or "",
            progress_label=progress,
        )
        return fn

    return deco
