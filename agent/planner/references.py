"""Resolving references to earlier results: "the second one", "#3", "those three",
"the first two", "her" / "him" / "them" / "this creator", "@handle".

The conversation memory keeps the last list of creators shown (``last_handles`` /
``last_creator_ids`` and, in ``extra``, their platforms), the creator in focus (the last
one looked at on its own) and the last group referred to. A reference that cannot be
resolved with certainty comes back with a *question* for the user, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agent.planner.parse import ORDINALS, WORD_NUMBERS, parse_handles
from tools.base import ConversationMemory

_ORD_ALT = "|".join(sorted(list(ORDINALS) + ["last"], key=len, reverse=True))
_NUM_ALT = r"\d{1,2}|" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
_ITEM_NOUN = (
    r"(?:one|ones|creator|creators|result|results|influencer|influencers|kol|kols|person|people|account|accounts|profile|profiles"
    r"|entry|entries|item|items|name|names|guy|girl|woman|man|option|options|candidate|candidates|expert|experts|pick)"
)


@dataclass
class Ref:
    """One creator referred to: a handle, plus its id and platform when known from a result."""

    handle: str
    creator_id: int | None = None
    platform: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"handle": self.handle, "creator_id": self.creator_id, "platform": self.platform}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Ref:
        return cls(handle=d["handle"], creator_id=d.get("creator_id"), platform=d.get("platform"))


@dataclass
class Resolution:
    """What a message refers to. ``how`` is none | handle | index | group | focus | all.
    When ``question`` is set the reference was ambiguous and the user must be asked."""

    refs: list[Ref] = field(default_factory=list)
    how: str = "none"
    question: str | None = None

    @property
    def found(self) -> bool:
        return bool(self.refs) and self.question is None


def last_list(memory: ConversationMemory) -> list[Ref]:
    """The last list of creators shown, in order."""
    platforms = memory.extra.get("last_platforms") or []
    ids = memory.last_creator_ids
    out = []
    for i, h in enumerate(memory.last_handles):
        out.append(Ref(h, ids[i] if i < len(ids) else None, platforms[i] if i < len(platforms) else None))
    return out


def focus(memory: ConversationMemory) -> Ref | None:
    """The creator in focus (the last one shown on its own), if any."""
    f = memory.extra.get("focus")
    return Ref.from_dict(f) if isinstance(f, dict) and f.get("handle") else None


def set_focus(memory: ConversationMemory, ref: Ref) -> None:
    """Make ``ref`` the creator that "her" / "him" / "this creator" refer to."""
    memory.extra["focus"] = ref.to_dict()


def set_group(memory: ConversationMemory, refs: list[Ref]) -> None:
    """Remember a group ("the first two") so that "those two" can refer back to it."""
    memory.extra["focus_group"] = [r.to_dict() for r in refs]


def _listing(refs: list[Ref], limit: int = 6) -> str:
    shown = ", ".join(f"{i + 1}. @{r.handle}" for i, r in enumerate(refs[:limit]))
    return shown + (", …" if len(refs) > limit else "")


def _pick(items: list[Ref], positions: list[int], how: str) -> Resolution:
    if not items:
        return Resolution(how=how, question="I have no list of creators in this conversation yet — search first (e.g. “find micro skincare creators in France”) or give me an @handle.")
    bad = [p for p in positions if p < 1 or p > len(items)]
    if bad:
        return Resolution(
            how=how,
            question=f"The last list has only {len(items)} creator{'s' if len(items) != 1 else ''} ({_listing(items)}). Which one do you mean?",
        )
    return Resolution([items[p - 1] for p in positions], how)


def _num(s: str) -> int | None:
    s = s.lower()
    if s.isdigit():
        return int(s)
    return WORD_NUMBERS.get(s)


_PERIOD = re.compile(r"\b(?:the\s+)?(?:last|past|next|first|previous)\s+(?:\w+\s+)?"
                     r"(?:days?|weeks?|months?|years?|quarters?|hours?|time|campaign|period)\b")


def resolve(text: str, memory: ConversationMemory) -> Resolution:
    """Find which creators ``text`` refers to, using the conversation memory.

    Explicit @handles win; then positions ("#3", "the second one", "the second and
    fourth"), groups ("the first two", "those three"), the creator in focus ("her", "this
    creator") and finally the whole last list ("them", "those", "all of them").
    """
    # "the last week", "the past 30 days", "first two months" are periods, not positions in a list
    low = _PERIOD.sub(" ", " " + text.lower() + " ")
    items = last_list(memory)
    by_handle = {r.handle: r for r in items}
    f = focus(memory)
    if f is not None:
        by_handle.setdefault(f.handle, f)

    handles = parse_handles(text)
    if handles:
        return Resolution([by_handle.get(h, Ref(h)) for h in handles], "handle")

    # "#3", "number 3", "no. 3", "#1 and #3"
    nums = re.findall(r"(?:#|\bnumber\s+|\bno\.?\s*|\bnr\.?\s*)(\d{1,2})\b", low)
    if nums:
        return _pick(items, [int(n) for n in nums], "index")

    # "the first two", "the top 3", "the last two", "first three of them"
    m = re.search(rf"\b(?:the\s+)?(?P<end>first|top|last|bottom)\s+(?P<n>{_NUM_ALT})\b(?!\s*(?:%|k\b|followers))", low)
    if m and (m.group(0).startswith("the") or re.search(rf"{re.escape(m.group(0))}\s+(?:{_ITEM_NOUN}|of (?:them|those|these|the list))", low)):
        n = _num(m.group("n")) or 0
        if not items:
            return _pick(items, [1], "group")
        if n > len(items):
            return Resolution(how="group", question=f"The last list has only {len(items)} creators ({_listing(items)}). Which ones do you mean?")
        chosen = items[-n:] if m.group("end") in ("last", "bottom") else items[:n]
        return Resolution(chosen, "group")

    # "those three", "these 2", "all three", "the three of them", "both"
    m = re.search(rf"\b(?:those|these|the|all|all of the)\s+(?P<n>{_NUM_ALT})\b(?!\s*(?:%|k\b|followers))", low)
    both = re.search(r"\bboth(?:\s+of\s+them)?\b", low)
    if m or both:
        n = 2 if both and not m else (_num(m.group("n")) if m else None) or 0
        group = [Ref.from_dict(d) for d in memory.extra.get("focus_group") or []]
        if len(group) == n:
            return Resolution(group, "group")
        if len(items) == n:
            return Resolution(items, "group")
        if items:
            return Resolution(how="group", question=f"Which {n} do you mean? The last list was {_listing(items)} — say e.g. “the first {n}” or give the @handles.")
        return _pick(items, [1], "group")

    # ordinals: "the second one", "the 3rd creator", "second and fourth", "the last one"
    ords = re.findall(rf"\b(?P<o>{_ORD_ALT})\b", low)
    if ords:
        has_context = re.search(rf"\bthe\s+(?:{_ORD_ALT})\b|\b(?:{_ORD_ALT})\s+(?:{_ITEM_NOUN}|(?:and|&|,)\s+(?:the\s+)?(?:{_ORD_ALT}))\b|\b(?:{_ORD_ALT})\s*[?.!]?\s*$", low)
        if has_context:
            positions = [len(items) if o == "last" else ORDINALS[o] for o in ords]
            if not items:
                return _pick(items, positions, "index")
            return _pick(items, list(dict.fromkeys(positions)), "index")

    # the creator in focus: "her", "him", "this creator", "that one"
    if re.search(r"\b(?:her|him|she|he|his|hers|herself|himself|this (?:creator|one|person|account|influencer|kol|profile|expert)|that (?:creator|one|person|account|influencer|kol|profile|expert)|the same (?:creator|one|person))\b", low):
        if f is not None:
            return Resolution([f], "focus")
        if len(items) == 1:
            return Resolution(items, "focus")
        if items:
            return Resolution(how="focus", question=f"Who do you mean? The last list was {_listing(items)} — say e.g. “the second one” or give the @handle.")
        return Resolution(how="focus", question="Which creator do you mean? Give me the @handle, or search first.")

    # the whole last list: "them", "those", "these", "all of them"
    if re.search(r"\b(?:them|those|these|they|all of them|each of them|every one of them|the list|these creators|those creators|the results|everyone)\b", low):
        group = [Ref.from_dict(d) for d in memory.extra.get("focus_group") or []]
        if re.search(r"\bthose\b", low) and group and not items:
            return Resolution(group, "group")
        if items:
            return Resolution(items, "all")
        if group:
            return Resolution(group, "group")
        return Resolution(how="all", question="I have no list of creators in this conversation yet — search first, or give me the @handles.")
    return Resolution()
