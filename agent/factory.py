"""Choose the brain: the LLM agent when a model is configured, else the offline planner."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.runtime import Runtime
    from agent.turn import Agent


def build_agent(runtime: Runtime, *, offline: bool = False) -> Agent:
    """The LLM agent if a model is configured and ``offline`` is not set, else the offline planner."""
    if not offline and runtime.settings.llm_configured:
        from agent.llm_agent import LLMAgent

        return LLMAgent(runtime)
    from agent.planner import OfflinePlanner

    return OfflinePlanner(runtime)


def describe_brain(runtime: Runtime, *, offline: bool = False) -> str:
    """One line for the chat banner: which brain runs and how to change it."""
    s = runtime.settings
    if not offline and s.llm_configured:
        where = s.llm_base_url or "OpenAI"
        return f"Model: {s.llm_model} via {where}"
    return (
        "Offline mode (no model): a deterministic planner over the same tools. "
        "To use a model set KOLPILOT_LLM_API_KEY (and KOLPILOT_LLM_BASE_URL / KOLPILOT_LLM_MODEL for "
        "Azure, vLLM, Ollama, llama.cpp)."
    )
