"""The registry of every tool and the one place tools are executed.

``run_tool`` validates arguments, runs the tool, and turns every failure into text the
model can read and correct ("Error: ..."), never a crash.
"""

from __future__ import annotations

import importlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from memory.errors import UserError
from tools.base import ToolContext, ToolError, ToolResult, ToolSpec

log = logging.getLogger(__name__)

# Modules that define tools; each capability is one module (or package) under tools/.
TOOL_MODULES: list[str] = [
    "tools.discovery",
    "tools.crm",
    "tools.metrics",
    "tools.outreach",
]


@dataclass
class ToolOutcome:
    """What happened when a tool ran (also the agent's trace entry)."""

    name: str
    args: dict[str, Any]
    ok: bool
    result: ToolResult | None
    error: str | None
    duration_ms: float

    @property
    def text(self) -> str:
        """What the model reads back."""
        if self.ok and self.result is not None:
            return self.result.model_dump_json(exclude_none=True)
        return f"Error: {self.error}"


_REGISTRY: dict[str, ToolSpec] | None = None


def all_tools() -> dict[str, ToolSpec]:
    """Every registered tool by name (modules are imported once, on first call)."""
    global _REGISTRY
    if _REGISTRY is None:
        reg: dict[str, ToolSpec] = {}
        for mod_name in TOOL_MODULES:
            mod = importlib.import_module(mod_name)
            for obj in vars(mod).values():
                spec = getattr(obj, "__tool_spec__", None)
                if isinstance(spec, ToolSpec):
                    if spec.name in reg and reg[spec.name].func is not spec.func:
                        raise RuntimeError(f"duplicate tool name {spec.name}")
                    reg[spec.name] = spec
        _REGISTRY = reg
    return _REGISTRY


def get_tool(name: str) -> ToolSpec | None:
    return all_tools().get(name)


def _format_validation_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"]) or "arguments"
        parts.append(f"{loc}: {err['msg']}")
    return "invalid arguments — " + "; ".join(parts)


def run_tool(ctx: ToolContext, name: str, args: dict[str, Any] | None) -> ToolOutcome:
    """Validate and run one tool call. Unknown tools, bad arguments and tool errors come back
    as an unsuccessful outcome whose text starts with "Error:"."""
    started = time.perf_counter()
    args = dict(args or {})
    spec = get_tool(name)
    if spec is None:
        known = ", ".join(sorted(all_tools()))
        return ToolOutcome(name, args, False, None, f"unknown tool {name!r}; available tools: {known}", 0.0)
    try:
        parsed = spec.input_model.model_validate(args)
        ctx.progress(spec.progress_label)
        result = spec.func(ctx, parsed)
        ok, error = True, None
    except ValidationError as exc:
        result, ok, error = None, False, _format_validation_error(exc)
    except (ToolError, UserError, LookupError, ValueError) as exc:
        result, ok, error = None, False, str(exc)
    except Exception as exc:  # noqa: BLE001 - the model must get text, not a crash
        log.exception("tool %s failed", name)
        result, ok, error = None, False, f"internal error in {name} ({type(exc).__name__}); the team has been notified"
    return ToolOutcome(name, args, ok, result, error, (time.perf_counter() - started) * 1000)
