"""The offline planner: kolpilot's brain when no model is configured (or ``--offline``).

Deterministic parsing of marketer requests into the same tool calls the LLM agent makes;
see ``planner.py`` (the turn loop and conversation memory), ``intents.py`` (the intent
registry other capabilities extend), ``parse.py`` (entities) and ``references.py``
("the second one", "her").
"""

from agent.planner.planner import OfflinePlanner

__all__ = ["OfflinePlanner"]
