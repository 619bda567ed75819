"""Per-invocation CLI state: the global options, and the Settings/Runtime built from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.runtime import Runtime
    from agent.settings import Settings


@dataclass
class CliState:
    data_dir: Path | None = None
    database_url: str | None = None
    workspace: str | None = None
    _runtime: Runtime | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            from agent.runtime import Runtime
            from agent.settings import load_settings

            settings = load_settings(data_dir=self.data_dir, database_url=self.database_url, workspace=self.workspace)
            self._runtime = Runtime(settings)
        return self._runtime

    @property
    def workspace_id(self) -> str:
        return self.settings.workspace
