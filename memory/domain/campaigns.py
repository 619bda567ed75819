"""Campaign goals and collaboration pipeline stages, with what people call them.

Goals are the ones the creator-mix recommendation plans for. Stages are
:class:`memory.models.common.Stage`; this module only adds their everyday names.
``*_SYNONYMS`` mean the value anywhere in a sentence; ``GOAL_ARGUMENT_ALIASES`` only as a whole
value ("engagement" in a sentence is usually a metric, not a goal).
"""

from __future__ import annotations

from memory.domain.matching import Match, fuzzy_values, near_values
from memory.models.common import Stage

GOALS: tuple[str, ...] = ("awareness", "consideration", "conversions", "credibility", "education", "launch",
                          "young_audience")

GOAL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "awareness": ("brand awareness", "reach", "visibility", "exposure", "buzz"),
    "consideration": ("engagement campaign", "traffic"),
    "conversions": ("conversion", "sales", "performance", "drive purchases", "drive sales", "acquisition"),
    "credibility": ("trust", "authority", "expert endorsement", "expert credibility"),
    "education": ("educate", "educational", "explain"),
    "launch": ("launches", "launching", "new product", "product launch"),
    "young_audience": ("gen z", "genz", "young audience", "younger audience", "young people", "younger people",
                       "digital natives", "youth"),
}
GOAL_ARGUMENT_ALIASES: dict[str, str] = {"young": "young_audience", "consider": "consideration",
                                         "engagement": "consideration", "purchases": "conversions"}

STAGE_SYNONYMS: dict[Stage, tuple[str, ...]] = {
    Stage.prospect: ("prospect", "prospects", "shortlisted"),
    Stage.contacted: ("contacted", "reached out"),
    Stage.negotiating: ("negotiating", "negotiation", "in negotiation"),
    Stage.agreed: ("agreed", "signed", "closed the deal"),
    Stage.product_shipped: ("product shipped", "shipped"),
    Stage.content_submitted: ("content submitted", "submitted"),
    Stage.content_approved: ("content approved", "approved"),
    Stage.posted: ("posted", "live", "published"),
    Stage.paid: ("paid",),
    Stage.closed: ("closed", "done", "wrapped up"),
    Stage.declined: ("declined", "rejected", "lost"),
    Stage.on_hold: ("on hold", "paused", "hold"),
}


def _key(text: str) -> str:
    return " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())


def _goal_table() -> dict[str, str]:
    table = {g.replace("_", " "): g for g in GOALS}
    table.update({s: g for g, words in GOAL_SYNONYMS.items() for s in words})
    table.update(GOAL_ARGUMENT_ALIASES)
    return table


def resolve_goal(text: str | None, *, fuzzy: bool = True) -> Match | None:
    """A goal or what people call it -> canonical goal ("reach" -> awareness, "Gen Z" -> young_audience)."""
    if not text or not text.strip():
        return None
    k = _key(text)
    table = _goal_table()
    if k in table:
        return Match(table[k], table[k], "exact" if k.replace(" ", "_") in GOALS else "alias", text)
    if fuzzy:
        found = fuzzy_values(k, table)
        if len(found) == 1:
            return Match(found[0], found[0], "fuzzy", text)
    return None


def suggest_goal(text: str, *, n: int = 3) -> list[str]:
    return near_values(_key(text), _goal_table(), n=n)


def resolve_stage(text: str | None) -> Match | None:
    """A stage or what people call it -> the stage value ("reached out" -> contacted, "on-hold" -> on_hold)."""
    if not text or not text.strip():
        return None
    k = _key(text)
    for stage in Stage:
        if k == stage.value.replace("_", " "):
            return Match(stage.value, stage.value, "exact", text)
    for stage, words in STAGE_SYNONYMS.items():
        if k in words:
            return Match(stage.value, stage.value, "alias", text)
    return None
