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
    "tools.inbox",
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


_BOUND_MESSAGES = {
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be greater than {gt}",
    "string_too_long": "must be at most {max_length} characters",
    "too_long": "must have at most {max_length} items",
}


def _error_message(err: Any) -> str:
    template = _BOUND_MESSAGES.get(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if template is not None:
        try:
            return template.format(**ctx)
        except (KeyError, IndexError):
            pass
    return str(err["msg"])


def _format_validation_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False)[:5]:
        loc = ".".join(str(p) for p in err["loc"]) or "arguments"
        parts.append(f"{loc}: {_error_message(err)}")
    return "invalid arguments — " + "; ".join(parts)


def _out_of_range(exc: BaseException) -> str | None:
    """The message for a value the database cannot hold (an int beyond 64 bits on SQLite, a
    number or text beyond its column on PostgreSQL), or None when ``exc`` is something else.
    Input models bound their fields, so this is the defensive net behind them."""
    from sqlalchemy.exc import DataError, StatementError

    if isinstance(exc, OverflowError):
        return "a number in the arguments is out of range; use a smaller value"
    if isinstance(exc, DataError):
        detail = str(getattr(exc, "orig", None) or "").strip().splitlines()
        return f"a value in the arguments is out of range for the database ({detail[0]})" if detail \
            else "a value in the arguments is out of range for the database"
    if isinstance(exc, StatementError) and isinstance(getattr(exc, "orig", None), OverflowError):
        return "a number in the arguments is out of range; use a smaller value"
    return None


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
        result, ok, error = None, False, _out_of_range(exc)
        if error is None:
            log.exception("tool %s failed", name)
            error = f"internal error in {name} ({type(exc).__name__}); the team has been notified"
        else:
            log.warning("tool %s: argument out of range (%s)", name, type(exc).__name__)
    return ToolOutcome(name, args, ok, result, error, (time.perf_counter() - started) * 1000)
