"""The application's shared resources, built once from Settings and passed down.

Heavy pieces (engine, vector store, embedder) are created lazily on first use so that
``kolpilot --help`` and other light commands start fast.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from agent.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import sessionmaker
    from sqlmodel import Session

    from memory.vectors import VectorIndex
    from tools.base import ConversationMemory, ToolContext


class Runtime:
    """Settings + database + vector index for one process."""

    def __init__(self, settings: Settings, *, engine: Engine | None = None, vectors: VectorIndex | None = None) -> None:
        self.settings = settings
        self._ready_workspaces: set[str] = set()
        if engine is not None:
            self.__dict__["engine"] = engine
        if vectors is not None:
            self.__dict__["vectors"] = vectors

    @cached_property
    def engine(self) -> Engine:
        from memory.db import ensure_schema, make_engine

        if self.settings.database_url is None:
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(self.settings.resolved_database_url)
        ensure_schema(engine)
        return engine

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        from memory.db import session_factory

        return session_factory(self.engine)

    @cached_property
    def vectors(self) -> VectorIndex:
        from memory.vectors import VectorIndex

        return VectorIndex.from_settings(self.settings)

    def ensure_workspace(self, workspace_id: str) -> None:
        """Create the workspace row on first use (once per process; safe when processes race)."""
        if workspace_id in self._ready_workspaces:
            return
        from memory.db import session_scope
        from memory.repo.workspaces import ensure_workspace

        with session_scope(self.sessions) as s:
            ensure_workspace(s, workspace_id=workspace_id)
        self._ready_workspaces.add(workspace_id)

    def tool_context(
        self,
        *,
        user_id: str,
        workspace_id: str | None = None,
        conversation_id: str | None = None,
        memory: ConversationMemory | None = None,
        on_progress: Callable[[str], None] | None = None,
    ) -> ToolContext:
        """A ToolContext for one turn. Workspace and user come from the interface, never the model."""
        from tools.base import ConversationMemory, ToolContext

        return ToolContext(
            workspace_id=workspace_id or self.settings.workspace,
            user_id=user_id,
            sessions=self.sessions,
            settings=self.settings,
            vectors_factory=lambda: self.vectors,
            conversation_id=conversation_id,
            memory=memory or ConversationMemory(),
            on_progress=on_progress,
            posts_sync=self.posts_sync(workspace_id or self.settings.workspace),
        )

    def posts_sync(self, workspace_id: str) -> Callable[[list[str]], list[str]]:
        """The ``kolpilot sync posts`` sync (auto source) for a workspace, for post detection;
        nothing is fetched or imported until it is called."""

        def sync(handles: list[str]) -> list[str]:
            from integrations.sources.posts_source import posts_sync

            return posts_sync(self.settings, self.sessions, workspace_id=workspace_id)(handles)

        return sync
