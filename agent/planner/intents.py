"""The intent registry, and the discovery intents.

An *intent* is one thing a marketer can ask for. Each capability registers its intents:

    from agent.planner.intents import IntentContext, intent

    @intent(
        "crm_stage",
        matcher=lambda ctx: 0.9 if ctx.matches(r"\\bmove\\b.*\\bto\\b") else 0.0,
        examples=["move @skin.by.sam to negotiating"],
        description="Move a collaboration to another stage",
        capability="CRM",
        tools=["move_stage"],
    )
    def crm_stage(ctx: IntentContext) -> IntentReply | str:
        ref = ctx.refs  # "her", "the second one", "@handle" from conversation memory
        outcome = ctx.call("move_stage", {"handle": ref.refs[0].handle, "stage": "negotiating"})
        return compose_generic(outcome, "move the stage")  # from agent.planner.reply

- ``matcher(ctx) -> float``: 0 = not this intent, 1 = certainly this intent. The planner
  runs every matcher and calls the handler of the best one (ties: registration order).
- ``handler(ctx) -> IntentReply | str``: calls tools with ``ctx.call(name, args)`` (which
  goes through ``tools.registry.run_tool``: validation, errors as text, tracing) and
  returns the reply. ``ctx.ask(...)`` returns a question and remembers what to resume.
- ``examples`` feed /help and the "I didn't understand" answer, so a new capability
  shows up there by itself.

Discovery intents are registered in this module. Other capabilities add a module named
``agent/planner/<capability>_intents.py``: ``load_intents()`` imports every such module,
so adding a capability never edits the planner core.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from agent.planner import parse as P
from agent.planner import reply as R
from agent.planner.references import Ref, Resolution, focus, last_list, resolve, set_focus, set_group
from memory.domain.money import Money, MoneyError, parse_money
from tools.base import ConversationMemory, ToolContext, ToolResult
from tools.registry import ToolOutcome, run_tool

MIN_SCORE = 0.35  # below this nothing matched: say so and show what we can do


# --- the registry API ------------------------------------------------------------------------------


@dataclass
class IntentReply:
    """What a handler returns.

    ``pending``: a question was asked; this state comes back in ``ctx.pending`` next turn.
    ``remember``: update the conversation's last list / focus from the results (default).
    ``list_refs``: set the last list explicitly (for results whose rows are not creators).
    """

    text: str
    intent: str = ""
    pending: dict[str, Any] | None = None
    remember: bool = True
    list_refs: list[Ref] | None = None
    list_kind: str | None = None


Matcher = Callable[["IntentContext"], float]
Handler = Callable[["IntentContext"], "IntentReply | str"]


@dataclass(frozen=True)
class Intent:
    """A registered intent."""

    name: str
    matcher: Matcher
    handler: Handler
    examples: tuple[str, ...]
    description: str = ""
    capability: str = "general"
    tools: tuple[str, ...] = ()
    show_in_help: bool = True


@dataclass
class IntentContext:
    """Everything a matcher or handler needs for one message."""

    text: str
    tool_ctx: ToolContext
    memory: ConversationMemory
    registry: IntentRegistry
    pending: dict[str, Any] | None = None
    known_niches: list[str] = field(default_factory=list)
    outcomes: list[ToolOutcome] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)

    @cached_property
    def low(self) -> str:
        """The message, lower case, whitespace collapsed."""
        return " ".join(self.text.lower().split())

    @cached_property
    def parsed(self) -> P.Parsed:
        """Search filters and other entities in the message."""
        return P.parse_filters(self.text, known_niches=self.known_niches)

    @cached_property
    def handles(self) -> list[str]:
        return P.parse_handles(self.text)

    @cached_property
    def refs(self) -> Resolution:
        """Which earlier creators the message refers to."""
        return resolve(self.text, self.memory)

    @property
    def now(self) -> datetime:
        return self.tool_ctx.clock()

    def matches(self, pattern: str) -> bool:
        """True if the regex ``pattern`` is found in the lower-cased message."""
        return re.search(pattern, self.low) is not None

    def pending_for(self, intent_name: str) -> dict[str, Any] | None:
        """The state saved by ``ask`` if last turn's question came from ``intent_name``."""
        if self.pending and self.pending.get("intent") == intent_name:
            return self.pending
        return None

    def call(self, tool: str, args: dict[str, Any]) -> ToolOutcome:
        """Run a tool (validated, errors as text, traced in the turn)."""
        clean = {k: v for k, v in args.items() if v is not None}
        outcome = run_tool(self.tool_ctx, tool, clean)
        self.outcomes.append(outcome)
        return outcome

    def ask(self, question: str, *, intent: str, slots: dict[str, Any] | None = None) -> IntentReply:
        """Ask the user something; ``slots`` come back in ``ctx.pending`` on the next turn."""
        return IntentReply(question, pending={"intent": intent, "slots": slots or {}}, remember=False)

    def supersede(self, outcome: ToolOutcome) -> None:
        """Keep ``outcome`` in the trace but not in the turn's results (a retry replaced it)."""
        self.superseded.append(id(outcome))

    @property
    def results(self) -> list[ToolResult]:
        """Results of the successful, not superseded calls, in order."""
        return [o.result for o in self.outcomes if o.ok and o.result is not None and id(o) not in self.superseded]


class IntentRegistry:
    """Intents by name, in registration order."""

    def __init__(self) -> None:
        self._intents: dict[str, Intent] = {}

    def register(self, intent: Intent) -> Intent:
        """Add (or replace, by name) an intent."""
        self._intents[intent.name] = intent
        return intent

    def get(self, name: str) -> Intent | None:
        return self._intents.get(name)

    def all(self) -> list[Intent]:
        return list(self._intents.values())

    def rank(self, ctx: IntentContext) -> list[tuple[float, Intent]]:
        """Every intent with a positive score, best first (stable for ties)."""
        scored = []
        for order, it in enumerate(self._intents.values()):
            score = float(it.matcher(ctx) or 0.0)
            if score > 0:
                scored.append((score, -order, it))
        scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
        return [(s, it) for s, _, it in scored]

    def dispatch(self, ctx: IntentContext) -> IntentReply:
        """Run the best intent's handler, or explain what we can do."""
        ranked = self.rank(ctx)
        if not ranked or ranked[0][0] < MIN_SCORE:
            return IntentReply(not_understood(ctx), intent="not_understood", remember=False)
        best = ranked[0][1]
        if len(ranked) > 1 and ranked[1][0] == ranked[0][0] and ranked[0][0] < 1.0:
            # two capabilities claim the message equally: ask rather than guess
            other = ranked[1][1]
            return IntentReply(
                f"Do you want me to {(best.description or best.name).lower()} or to {(other.description or other.name).lower()}? "
                f"For example: “{best.examples[0]}” or “{other.examples[0]}”.",
                intent="clarify", remember=False,
            )
        out = best.handler(ctx)
        reply = out if isinstance(out, IntentReply) else IntentReply(str(out))
        reply.intent = reply.intent or best.name
        return reply

    def examples(self, per_intent: int = 1) -> list[tuple[str, str]]:
        """(capability, example) pairs for help texts."""
        out = []
        for it in self._intents.values():
            if it.show_in_help:
                out.extend((it.capability, ex) for ex in it.examples[:per_intent])
        return out


REGISTRY = IntentRegistry()


def intent(
    name: str,
    *,
    matcher: Matcher,
    examples: list[str] | tuple[str, ...],
    description: str = "",
    capability: str = "general",
    tools: list[str] | tuple[str, ...] = (),
    show_in_help: bool = True,
    registry: IntentRegistry | None = None,
) -> Callable[[Handler], Handler]:
    """Decorator: register the decorated function as the handler of intent ``name``."""

    def deco(handler: Handler) -> Handler:
        (registry or REGISTRY).register(
            Intent(name, matcher, handler, tuple(examples), description, capability, tuple(tools), show_in_help)
        )
        return handler

    return deco


def load_intents() -> IntentRegistry:
    """The registry with every capability's intents: this module's, plus every
    ``agent.planner.*_intents`` module (imported once)."""
    import agent.planner as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.endswith("_intents"):
            importlib.import_module(f"agent.planner.{info.name}")
    return REGISTRY


def help_text(registry: IntentRegistry) -> str:
    """What the planner can do, grouped by capability, with examples."""
    groups: dict[str, list[str]] = {}
    for it in registry.all():
        if not it.show_in_help:
            continue
        line = f"• {it.description}: " + " · ".join(f"“{e}”" for e in it.examples[:2]) if it.description else " · ".join(it.examples[:2])
        groups.setdefault(it.capability, []).append(line)
    parts = ["Here is what I can do (offline mode understands plain English like these examples):"]
    for cap, lines in groups.items():
        parts.append(f"\n{cap}:")
        parts.extend(lines)
    parts.append("\nFollow-ups work too: “only those with email”, “now in Germany”, “show me the second one”, “more”.")
    return "\n".join(parts)


def not_understood(ctx: IntentContext) -> str:
    """The honest answer when no intent matched, with examples of what works."""
    shown = ctx.text.strip()
    if len(shown) > 80:
        shown = shown[:77] + "…"
    lines = [f"Sorry, I didn't understand “{shown}”." if shown else "I'm listening — tell me what you need."]
    acting = [t for it in ctx.registry.all() for t in it.tools if re.search(r"send|draft|outreach|payout|pay", t)]
    if not acting and ctx.matches(r"\b(?:send|email|e-mail|dm|message|write to|reach out|contact|pay|approve|draft)\b"):
        # say plainly that nothing of the kind can happen here (and nothing did)
        lines.append(
            "In offline mode I can't send, draft, approve or pay anything — nothing was done. "
            "I can find and compare creators and look up past collaborations."
        )
    lines.append("Try one of these:")
    seen = set()
    for _, ex in ctx.registry.examples(per_intent=1):
        if ex not in seen:
            seen.add(ex)
            lines.append(f"  • {ex}")
    lines.append("Type “help” for more.")
    return "\n".join(lines)


# =====================================================================================================
# Discovery intents
# =====================================================================================================

DISCOVERY = "Discovery"

_SEARCH_VERBS = (
    r"\b(?:find|search|look(?:ing)? for|show(?: me)?|list|get(?: me)?|give me|who are|any|i need|i want|we need|"
    r"recommend(?: me)?|suggest|discover|pull up|fetch|which|are there)\b"
)
_REFINE_START = (
    r"^(?:and\s+|but\s+|ok(?:ay)?[, ]+|great[, ]+|now\s+|then\s+)?(?:only|just|now|also|what about|how about|same (?:but|for|in|with|on)|instead|"
    r"filter|narrow|exclude|remove|drop|keep|limit|restrict|sort|order|show only|with|without|in|on|from|based in|who|that|"
    r"make (?:it|them)|switch to|change to|but|and|excluding|minus|except|among them|of (?:those|them|these))\b"
)
_OF_THEM = r"\b(?:(?:of|from|among|out of)\s+(?:them|those|these|the list|the results)|which of (?:them|those|these)|which ones|the ones|those|these)\b"


def _last_search(ctx: IntentContext) -> dict[str, Any] | None:
    s = ctx.memory.extra.get("last_search")
    return s if isinstance(s, dict) else None


def _search_args(ctx: IntentContext) -> dict[str, Any]:
    args = {k: v for k, v in ctx.parsed.filters.items()}
    if "exclude_campaign" in args and re.fullmatch(r"(?:this|that|the|our|current)(?: campaign)?", args["exclude_campaign"].lower()):
        if ctx.memory.last_campaign:
            args["exclude_campaign"] = ctx.memory.last_campaign
    return args


def _run_search(ctx: IntentContext, args: dict[str, Any], *, lead: str | None = None) -> IntentReply:
    args = dict(args)
    args.setdefault("limit", 10)
    notes = list(ctx.parsed.notes)
    outcome = ctx.call("search_creators", args)
    place = ctx.parsed.unknown_place
    if place and not outcome.ok and "unknown country" in (outcome.error or "") and "did you mean" not in (outcome.error or ""):
        # Not a country and nothing close to one: it is probably a city we do not know.
        args["countries"] = [c for c in args.get("countries", []) if c != place] or None
        args = {k: v for k, v in args.items() if v is not None}
        args["city"] = place
        outcome = ctx.call("search_creators", args)
        notes.append(f"“{place}” is not a country, so I searched it as a city")
    if outcome.ok:
        ctx.memory.extra["last_search"] = {"tool": "search_creators", "args": args}
    text = R.compose_search(outcome, notes=notes, lead=lead, unused=ctx.parsed.unused)
    return IntentReply(text)


def _m_search(ctx: IntentContext) -> float:
    p = ctx.parsed
    verb = ctx.matches(_SEARCH_VERBS)
    if p.more or ctx.matches(r"\b(?:similar|lookalikes?|look-alikes?|alternatives? to)\b"):
        return 0.0
    if ctx.handles and not p.has_filters():
        return 0.0
    if p.has_filters() and (verb or p.creators_noun):
        return 0.8
    if p.creators_noun and verb:
        return 0.6
    if set(p.filters) & _DISCOVERY_FILTERS and len(p.leftover) <= 1:
        # "micro skincare France" — filters alone still read as a search, unless it
        # reads as a follow-up to an earlier one (the refine intent scores higher then).
        # A place alone ("the weather in Paris") is not enough.
        return 0.5
    return 0.0


_DISCOVERY_FILTERS = {"tiers", "niches_any", "niches_all", "platforms", "engagement_min", "engagement_max", "followers_min",
                      "followers_max", "kind", "credentials", "topic", "brands", "audience_female_min", "audience_18_34_min",
                      "audience_countries", "posted_within_days", "active_only", "dormant_only", "min_growth_30d_pct",
                      "min_credibility"}


@intent(
    "search",
    matcher=_m_search,
    examples=[
        "find micro beauty creators in France with ER above 3% on Instagram",
        "dermatologists in Germany with email",
        "nano and micro fitness creators on TikTok with a mostly female audience, top 5 by engagement",
        "skincare creators we never worked with, not already in campaign Glow Q3",
        "YouTubers with 100k-1M subscribers who mention CeraVe",
        "fast-growing beauty creators with a mostly Indian audience who posted in the last 30 days",
    ],
    description="Find creators by platform, tier, followers, engagement, country/city/language, niche, KOL credentials, audience, "
                "email, brands, history, posting activity and follower growth",
    capability=DISCOVERY,
    tools=["search_creators"],
)
def search(ctx: IntentContext) -> IntentReply:
    """A new search from the filters in the message."""
    return _run_search(ctx, _search_args(ctx))


def _m_topic(ctx: IntentContext) -> float:
    if "topic" in ctx.parsed.filters and not ctx.matches(r"\b(?:similar|lookalikes?)\b") and not ctx.handles:
        return 0.82 if not (_last_search(ctx) and ctx.matches(_REFINE_START)) else 0.0
    return 0.0


@intent(
    "topic_search",
    matcher=_m_topic,
    examples=["creators who talk about sensitive skin", "French creators posting about vegan recipes"],
    description="Semantic search over bios and posts by topic",
    capability=DISCOVERY,
    tools=["search_creators"],
)
def topic_search(ctx: IntentContext) -> IntentReply:
    """A search whose main criterion is what creators talk about."""
    return _run_search(ctx, _search_args(ctx))


def _m_refine(ctx: IntentContext) -> float:
    last = _last_search(ctx)
    if not last:
        return 0.0
    p = ctx.parsed
    if p.more or ctx.handles or ctx.matches(r"\b(?:similar|lookalikes?|look-alikes?)\b"):
        return 0.0
    removals = _removals(ctx)
    changes = p.has_filters() or "sort" in p.filters or "limit" in p.filters or removals
    if not changes:
        return 0.0
    if removals and not p.creators_noun:
        return 0.9  # "any country", "drop the email filter"
    cue = ctx.matches(_REFINE_START) or ctx.matches(_OF_THEM) or ctx.matches(r"\b(?:instead|as well|too|also)\b")
    # "find fitness creators in Germany", "who are the biggest gaming creators?": a new search
    fresh = p.creators_noun and not ctx.matches(_OF_THEM) and (
        ctx.matches(r"\b(?:find|search|look(?:ing)? for|new search)\b")
        or ctx.matches(r"^(?:now\s+|ok(?:ay)?[, ]+)?(?:who|which|what) (?:are|is)\b|^(?:now\s+)?(?:show|list|give|get)\b(?! (?:me )?(?:only|just))")
    )
    if cue and not fresh and len(p.leftover) <= 3:
        return 0.9
    if not fresh and not p.creators_noun and not ctx.matches(_SEARCH_VERBS) and len(p.leftover) <= 1:
        return 0.7  # "in Germany", "ER above 5%": filters only, right after a search
    return 0.0


_REMOVABLE: dict[str, str] = {
    "countries": r"countr(?:y|ies)|location|place|geo",
    "city": r"city|location",
    "platforms": r"platforms?|channels?",
    "tiers": r"tiers?|size",
    "followers_min": r"followers?|size",
    "has_email": r"e-?mails?",
    "niches_any": r"niches?|topics?|categor(?:y|ies)",
    "kind": r"kols?|kind|type",
    "credentials": r"credentials?",
    "exclude_campaign": r"campaigns?",
    "collaborated": r"collab(?:oration)?s?|history",
    "topic": r"topics?",
    "brands": r"brands?",
    "engagement_min": r"engagement|er",
    "languages": r"languages?",
    "audience_country": r"audience",
    "audience_countries": r"audience",
    "posted_within_days": r"activity|active|posting|posted|recency|dormant|inactive",
    "active_only": r"activity|active|posting|posted|recency",
    "dormant_only": r"activity|dormant|inactive|posting",
    "min_growth_30d_pct": r"growth|growing",
    "min_credibility": r"credib(?:le|ility)|fake",
    "audience_female_min": r"audience|gender",
    "audience_18_34_min": r"audience|age",
}


def _removals(ctx: IntentContext) -> list[str]:
    """Filters the user asks to drop: "any country", "drop the email filter", "forget the tier"."""
    out = []
    m = re.search(r"\b(?:drop|remove|forget|clear|ignore|without the|no more|lose)\s+(?:the\s+)?(?P<what>[\w\s-]+?)(?:\s+(?:filter|requirement|constraint|condition|limit))?s?\s*$", ctx.low)
    any_of = re.findall(r"\b(?:any|all)\s+(countr(?:y|ies)|platforms?|tiers?|sizes?|niches?|languages?)\b", ctx.low)
    for key, pat in _REMOVABLE.items():
        if m and re.search(rf"\b(?:{pat})\b", m.group("what")):
            out.append(key)
        elif any(re.fullmatch(pat, w) for w in any_of):
            out.append(key)
    if ctx.matches(r"\b(?:anywhere|worldwide|globally|any country)\b"):
        out.extend(["countries", "city"])
    return list(dict.fromkeys(out))


_LIST_KEYS = {"countries", "platforms", "tiers", "languages", "niches_any", "niches_all", "brands", "credentials",
              "audience_countries"}
_GROUPS = [
    {"followers_min", "followers_max", "tiers"},  # a new size criterion replaces the old one
    {"posted_within_days", "active_only", "dormant_only"},  # so does a new activity criterion
]


def merge_filters(old: dict[str, Any], new: dict[str, Any], *, add: bool = False, remove: list[str] | None = None) -> dict[str, Any]:
    """Apply a follow-up ("only those with email", "now in Germany") to the last search's
    arguments: new values replace old ones of the same filter; with ``add`` ("also in
    Spain") list filters are extended instead."""
    merged = {k: v for k, v in old.items() if k not in ("offset",)}
    for group in _GROUPS:
        if group & set(new):
            for k in group - set(new):
                merged.pop(k, None)
    for k, v in new.items():
        if add and k in _LIST_KEYS and isinstance(merged.get(k), list):
            merged[k] = list(dict.fromkeys([*merged[k], *v]))
        else:
            merged[k] = v
    for k in remove or []:
        merged.pop(k, None)
        if k == "followers_min":
            merged.pop("followers_max", None)
        if k == "engagement_min":
            merged.pop("engagement_max", None)
    return merged


@intent(
    "refine",
    matcher=_m_refine,
    examples=["only those with email", "now in Germany", "sort by engagement", "only KOLs"],
    description="Refine the last search",
    capability=DISCOVERY,
    tools=["search_creators"],
)
def refine(ctx: IntentContext) -> IntentReply:
    """Re-run the last search (or lookalike search) with the new filters merged in."""
    last = _last_search(ctx) or {}
    add = ctx.matches(r"\b(?:also|as well|too|plus|and also)\b")
    new = _search_args(ctx)
    merged = merge_filters(last.get("args", {}), new, add=add, remove=_removals(ctx))
    if "limit" not in new:
        merged["limit"] = last.get("args", {}).get("limit", 10)
    if last.get("tool") == "find_similar_creators":
        merged = {k: v for k, v in merged.items() if k not in ("topic", "sort")}
        outcome = ctx.call("find_similar_creators", merged)
        if outcome.ok:
            ctx.memory.extra["last_search"] = {"tool": "find_similar_creators", "args": merged}
        return IntentReply(R.compose_search(outcome, notes=ctx.parsed.notes, unused=ctx.parsed.unused))
    return _run_search(ctx, merged)


def _m_more(ctx: IntentContext) -> float:
    if ctx.parsed.more:
        return 0.95
    return 0.0


@intent(
    "more",
    matcher=_m_more,
    examples=["more", "next page"],
    description="Next page of the last search",
    capability=DISCOVERY,
    tools=["search_creators"],
    show_in_help=False,
)
def more(ctx: IntentContext) -> IntentReply:
    """The next page of the last search."""
    last = _last_search(ctx)
    if not last:
        return IntentReply("There is no earlier search to continue. Try “find micro skincare creators in France”.", remember=False)
    args = dict(last.get("args", {}))
    limit = int(args.get("limit") or 10)
    m = re.search(r"\bnext\s+(\d{1,3})\b", ctx.low)
    if m:
        limit = int(m.group(1))
    args["offset"] = int(args.get("offset") or 0) + int(last.get("args", {}).get("limit") or 10)
    args["limit"] = limit
    shown = last_list(ctx.memory)
    outcome = ctx.call(last.get("tool", "search_creators"), args)
    reply = IntentReply(R.compose_search(outcome, notes=[], page=True))
    if outcome.ok and outcome.result is not None:
        ctx.memory.extra["last_search"] = {"tool": last.get("tool", "search_creators"), "args": args}
        items = getattr(outcome.result, "items", [])
        if len(shown) == args["offset"]:
            # keep numbering continuous: "#12" is the 12th creator shown, as in the reply
            reply.list_refs = shown + [Ref(i.handle, i.creator_id, i.platform) for i in items]
            reply.list_kind = outcome.result.kind
    return reply


# --- single creator: profile, lookalikes, classification -----------------------------------------


def _one_creator(ctx: IntentContext, *, what: str) -> Ref | IntentReply:
    """The one creator the message is about, or a question back."""
    res = ctx.refs
    if res.question:
        return IntentReply(res.question, remember=False)
    if res.refs:
        if len(res.refs) > 1 and res.how not in ("handle",):
            return IntentReply(
                f"That's {len(res.refs)} creators — which one should I {what}? Say e.g. “the second one” or give the @handle.",
                remember=False,
            )
        return res.refs[0]
    f = focus(ctx.memory)
    if f is not None:
        return f
    items = last_list(ctx.memory)
    if len(items) == 1:
        return items[0]
    if items:
        return IntentReply(
            f"Which creator should I {what}? " + ", ".join(f"{i + 1}. @{r.handle}" for i, r in enumerate(items[:6]))
            + " — say e.g. “the second one” or give the @handle.",
            remember=False,
        )
    return IntentReply(f"Which creator should I {what}? Give me the @handle (e.g. “tell me about @skin.by.sam”).", remember=False)


def _creator_args(ref: Ref, *, explicit: bool = False) -> dict[str, Any]:
    """Tool arguments naming one creator. A row picked from a list ("the second one") keeps
    its platform; an @handle typed by the user does not (the tool takes the main account)."""
    args: dict[str, Any] = {"handle": ref.handle}
    if ref.platform and not explicit:
        args["platform"] = ref.platform
    return args


_PROFILE = (
    r"\b(?:tell me (?:more )?about|more (?:info |details )?(?:on|about)|who(?:'s| is)|show(?: me)?|open|details?(?: on| for| about)?|"
    r"profile(?: of| for)?|info(?:rmation)? (?:on|about)|look up|lookup|what about|describe|stats (?:on|for|of)|pull up|get|view)\b"
)


def _m_profile(ctx: IntentContext) -> float:
    if ctx.matches(r"\b(?:similar|lookalikes?|look-alikes?|like (?:her|him|them|this|that|@)|alternatives?)\b"):
        return 0.0
    if ctx.matches(r"\b(?:what tier|which tier|classify|a kol\b|an influencer\b|kol or|influencer or)"):
        return 0.0
    if ctx.parsed.more:
        return 0.0
    verb = ctx.matches(_PROFILE)
    if ctx.handles:
        if verb:
            return 0.9
        rest = P.HANDLE_RE.sub("", ctx.text).strip(" ?!.,")
        return 0.75 if len(rest) < 12 else 0.4
    res = ctx.refs
    if res.how in ("index", "focus", "group") and (verb or len(ctx.parsed.leftover) <= 1):
        return 0.85 if res.how != "group" else 0.6
    return 0.0


@intent(
    "profile",
    matcher=_m_profile,
    examples=["tell me about @skin.by.sam", "show me the second one", "more about her"],
    description="A creator's profile: accounts, audience, recent posts, brands, past collaborations",
    capability=DISCOVERY,
    tools=["get_creator"],
)
def profile(ctx: IntentContext) -> IntentReply:
    """Show one creator (or a few, when a group was named)."""
    res = ctx.refs
    if res.found and len(res.refs) > 1 and res.how != "all":
        texts = [R.compose_profile(ctx.call("get_creator", _creator_args(r))) for r in res.refs[:5]]
        set_group(ctx.memory, res.refs)
        ctx.memory.extra.pop("focus", None)  # "her" after two profiles is ambiguous: ask
        return IntentReply("\n\n".join(texts), remember=False)
    target = _one_creator(ctx, what="show")
    if isinstance(target, IntentReply):
        return target
    outcome = ctx.call("get_creator", _creator_args(target, explicit=ctx.refs.how == "handle"))
    if outcome.ok:
        set_focus(ctx.memory, target)
    return IntentReply(R.compose_profile(outcome), remember=outcome.ok)


def _m_lookalike(ctx: IntentContext) -> float:
    if ctx.matches(r"\b(?:similar|lookalikes?|look-alikes?|alternatives? to|others like|more like|creators like|people like|influencers like|accounts like|someone like|like (?:her|him|this one|that one|them|@))"):
        return 0.92
    return 0.0


@intent(
    "lookalikes",
    matcher=_m_lookalike,
    examples=["find creators similar to @skin.by.sam", "more like her", "similar to the second one but in Germany"],
    description="Lookalikes of a creator (same filters work)",
    capability=DISCOVERY,
    tools=["find_similar_creators"],
)
def lookalikes(ctx: IntentContext) -> IntentReply:
    """Creators similar to one creator, with any filters in the message."""
    target = _one_creator(ctx, what="find lookalikes for")
    if isinstance(target, IntentReply):
        return target
    # find_similar_creators takes the search filters but ranks by similarity itself
    args = {k: v for k, v in ctx.parsed.filters.items() if k not in ("topic", "sort")}
    args.update(_creator_args(target, explicit=ctx.refs.how == "handle"))
    args.setdefault("limit", 10)
    outcome = ctx.call("find_similar_creators", args)
    if outcome.ok:
        ctx.memory.extra["last_search"] = {"tool": "find_similar_creators", "args": args}
        set_focus(ctx.memory, target)
    return IntentReply(R.compose_search(outcome, notes=ctx.parsed.notes, lead=None))


def _m_classify(ctx: IntentContext) -> float:
    about_someone = bool(ctx.handles) or ctx.refs.how != "none"
    if ctx.matches(r"\b(?:what|which) (?:tier|kind|type|category)\b|\bclassify\b|\bcategori[sz]e\b"):
        return 0.9
    if about_someone and ctx.matches(r"\b(?:kol|influencer) or (?:an? )?(?:kol|influencer)\b"):
        return 0.9  # "is she a KOL or an influencer?" (without a creator it is a mix question)
    if ctx.matches(r"^(?:is|are)\b.*\b(?:an? )?(?:kols?|key opinion leaders?|influencers?|nano|micro|macro|mega|celebrit(?:y|ies)|expert)\b"):
        if ctx.matches(r"^are (?:there|any)\b"):
            return 0.0
        return 0.88
    if ctx.matches(r"\bwhich of (?:them|those|these) (?:are|is)\b") and not _last_search(ctx):
        return 0.88
    return 0.0


@intent(
    "classify",
    matcher=_m_classify,
    examples=["is @dr.lena.derm a KOL?", "what tier is @fitwithmarco"],
    description="Influencer or KOL, and tier, with the reasons",
    capability=DISCOVERY,
    tools=["classify_creator"],
)
def classify(ctx: IntentContext) -> IntentReply:
    """Classify one creator, or each creator of a group ("which of them are KOLs?")."""
    res = ctx.refs
    if res.found and len(res.refs) > 1:
        refs = res.refs[:10]
        outcomes = [ctx.call("classify_creator", {"handle": r.handle}) for r in refs]
        set_group(ctx.memory, refs)
        ctx.memory.extra.pop("focus", None)  # the tool focused each in turn; none of them is "her" now
        return IntentReply(R.compose_classifications(outcomes, question=ctx.low), remember=False)
    target = _one_creator(ctx, what="classify")
    if isinstance(target, IntentReply):
        return target
    outcome = ctx.call("classify_creator", {"handle": target.handle})
    if outcome.ok:
        set_focus(ctx.memory, target)
    return IntentReply(R.compose_classification(outcome), remember=outcome.ok)


def _m_compare(ctx: IntentContext) -> float:
    if ctx.matches(r"\b(?:kols?|influencers?) (?:or|vs\.?|versus) (?:kols?|influencers?)\b"):
        return 0.0  # influencers vs KOLs is a creator-mix question
    if ctx.matches(r"\bcompare\b|\bcomparison\b|\bside by side\b|\bdifference between\b|\b(?:vs\.?|versus)\b"):
        return 0.9
    return 0.0


@intent(
    "compare",
    matcher=_m_compare,
    examples=["compare the first two", "compare @skin.by.sam and @dr.lena.derm"],
    description="Compare creators side by side",
    capability=DISCOVERY,
    tools=["get_creator"],
)
def compare(ctx: IntentContext) -> IntentReply:
    """Profiles of two to five creators, summarised side by side."""
    res = ctx.refs
    if res.question:
        return IntentReply(res.question, remember=False)
    refs = res.refs
    if len(refs) < 2:
        return IntentReply("Which creators should I compare? Say e.g. “compare the first two” or give two @handles.", remember=False)
    if len(refs) > 5:
        return IntentReply(f"That's {len(refs)} creators — I compare up to five at a time. Say e.g. “compare the first three”.", remember=False)
    outcomes = [ctx.call("get_creator", _creator_args(r, explicit=res.how == "handle")) for r in refs]
    set_group(ctx.memory, refs)
    ctx.memory.extra.pop("focus", None)
    return IntentReply(R.compose_comparison(outcomes), remember=False)


# --- creator mix ------------------------------------------------------------------------------------

_MIX = (
    r"\bmix\b|\bcreator mix\b|\bhow should (?:i|we) (?:split|spend|allocate)|\ballocat(?:e|ion)\b|\bbudget split\b|"
    r"\b(?:kols?|influencers?) (?:or|vs\.?|versus) (?:kols?|influencers?)\b|\bwhich (?:kind|type)s? of creators\b|\bwhat creators should\b|"
    r"\bplan (?:a|an|the|my|our)\b.*\bcampaign\b|\bcampaign plan\b"
)


def _m_mix(ctx: IntentContext) -> float:
    if ctx.pending_for("mix") and (
        _budget(ctx) or P.parse_goal(ctx.text) or ctx.parsed.filters.get("niches_any")
    ):
        return 0.96
    if ctx.matches(_MIX):
        return 0.9
    if ctx.matches(r"\b(?:recommend|suggest|propose)\b") and ctx.matches(r"\bcampaign\b") and _budget(ctx, bare=False):
        return 0.85
    return 0.0


@intent(
    "mix",
    matcher=_m_mix,
    examples=[
        "recommend a creator mix for a $20,000 awareness campaign in skincare",
        "influencers or KOLs for a €50k credibility campaign in fintech in Germany?",
    ],
    description="Recommend an influencer / KOL mix and budget split for a campaign goal",
    capability=DISCOVERY,
    tools=["recommend_creator_mix"],
)
def mix(ctx: IntentContext) -> IntentReply:
    """Recommend a creator mix; asks for whatever is missing (budget, niche, goal)."""
    pending = ctx.pending_for("mix")
    slots: dict[str, Any] = dict(pending.get("slots", {})) if pending else {}
    try:
        money = _budget(ctx, strict=True)
    except MoneyError as exc:
        return IntentReply(f"I couldn't read the budget: {exc}", remember=False)
    if money is not None:
        slots["budget"] = str(money.amount)
        if money.explicit:
            slots["currency"] = money.currency
    goal = P.parse_goal(ctx.text)
    if goal:
        slots["goal"] = goal
    f = ctx.parsed.filters
    niches = f.get("niches_any") or f.get("niches_all")
    if niches:
        slots["niche"] = niches[0]
    elif f.get("credentials") == ["dermatologist"] and "niche" not in slots:
        slots["niche"] = "skincare"
    for key in ("countries", "platforms"):
        if f.get(key):
            slots[key] = f[key]
    missing = [k for k in ("budget", "niche", "goal") if not slots.get(k)]
    if missing:
        asks = {
            "budget": "the budget (e.g. “$20k”)",
            "niche": "the niche (e.g. skincare, fitness, fintech)",
            "goal": "the goal (awareness, consideration, conversions, credibility, education or launch)",
        }
        return ctx.ask(
            "To recommend a mix I need " + _join([asks[m] for m in missing]) + ".",
            intent="mix",
            slots=slots,
        )
    args = {
        "goal": slots["goal"],
        "budget": {"amount": slots["budget"], "currency": slots.get("currency") or ctx.tool_ctx.settings.default_currency},
        "niche": slots["niche"],
        "countries": slots.get("countries"),
        "platforms": slots.get("platforms"),
    }
    outcome = ctx.call("recommend_creator_mix", args)
    text, refs = R.compose_mix(outcome)
    if outcome.ok and not slots.get("currency"):
        text += f"\nNote: no currency given, so the budget is read as {args['budget']['currency']} (your default currency)."
    return IntentReply(text, remember=False, list_refs=refs or None, list_kind="creator_mix")


def _budget(ctx: IntentContext, *, bare: bool = True, strict: bool = False) -> Money | None:
    """The budget of a mix request (memory.domain.money): an amount with a currency, else with
    ``bare`` a plain "with 30k" (no follower or percent words around it). A malformed amount is
    None, or a ``MoneyError`` when ``strict``."""
    default = ctx.tool_ctx.settings.default_currency
    try:
        money = P.find_amount(ctx.text, default)
        if money is None and bare:
            pat = r"(?<![\w$€£.])(\d+(?:[.,]\d+)?\s?(?:k|m|thousand|million))\b(?!\s*(?:followers?|subs|subscribers|%))"
            m = re.search(pat, ctx.low)
            money = parse_money(m.group(1), default) if m else None
    except MoneyError:
        if strict:
            raise
        return None
    return money


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# --- past collaborations -----------------------------------------------------------------------------

_COLLAB = (
    r"\bwhat did we (?:pay|agree|spend|negotiate|offer|give|do)\b|\bhow much did we (?:pay|spend)\b|\bwhat (?:we|have we) paid\b|"
    r"\bhow did (?:they|it|she|he|the campaign|the collab(?:oration)?|@\S+|our)\b.*\bperform|\bperform(?:ed|ance)? of (?:our|past)\b|"
    r"\bpast (?:collab(?:oration)?s?|deals|campaigns|partnerships|work)\b|\bprevious (?:collab(?:oration)?s?|deals|campaigns|partnerships)\b|"
    r"\bcollab(?:oration)? (?:history|records?)\b|\blast time\b|\bhistory with\b|\bdeals? (?:with|we)\b|\brates? (?:we|did we) pa(?:y|id)\b|"
    r"\bwhat were the (?:results|terms|fees|rates)\b|\bwho have we (?:worked|collaborated) with\b"
)


def _m_collab(ctx: IntentContext) -> float:
    if ctx.matches(_COLLAB):
        return 0.9
    return 0.0


@intent(
    "past_collaborations",
    matcher=_m_collab,
    examples=[
        "what did we pay dermatologists last year and how did they perform?",
        "what did we agree with @skin.by.sam last time?",
    ],
    description="Past collaborations: fees, deliverables, terms and results",
    capability="Memory of past work",
    tools=["search_past_collaborations"],
)
def past_collaborations(ctx: IntentContext) -> IntentReply:
    """Search the memory of past collaborations."""
    f = ctx.parsed.filters
    args: dict[str, Any] = {"query": ctx.text.strip(), "limit": 10}
    if f.get("kind") == "kol" or f.get("credentials"):
        args["kind"] = "kol"
    elif f.get("kind") == "influencer":
        args["kind"] = "influencer"
    niches = [n for n in (f.get("niches_any") or f.get("niches_all") or []) if n not in ctx.parsed.guessed_niches]
    if niches:
        args["niche"] = niches[0]
    year = P.parse_year(ctx.text, ctx.now)
    if year:
        args["year"] = year
    m = re.search(r"\bcampaign\s+[\"'“]?(?P<c>[A-Z0-9][\w'’\- ]*?)[\"'”]?(?=\s+(?:last|this|in|and|with|for)\b|[?,.!]|$)", ctx.text)
    if m:
        args["campaign"] = m.group("c").strip()
    m = re.search(r"\bfor\s+(?P<b>[A-Z][\w'’&\-]*(?:\s+[A-Z][\w'’&\-]*)*)", ctx.text)
    if m and m.group("b").lower() not in ("campaign",):
        args["brand"] = m.group("b")
    res = ctx.refs
    if res.question and res.how in ("index", "focus", "group"):
        return IntentReply(res.question, remember=False)
    about = [r.handle for r in res.refs] if res.found and res.how != "all" else []
    if about:
        args["handles"] = ["@" + h for h in about]
    outcome = ctx.call("search_past_collaborations", args)
    lead = None
    if outcome.ok and outcome.result is not None and not getattr(outcome.result, "records", None) and args.get("year"):
        # Nothing in that year: say so, and show the nearest years instead of a dead end.
        year = args.pop("year")
        args["query"] = " ".join(re.sub(r"\b(?:last|this|previous|past) year\b|\b(?:in )?20\d\d\b", "", args["query"]).split())
        retry = ctx.call("search_past_collaborations", args)
        if retry.ok and retry.result is not None and getattr(retry.result, "records", None):
            lead = f"Nothing matches in {year}. Here are the matching collaborations from other years:"
            ctx.supersede(outcome)
            outcome = retry
        else:
            ctx.supersede(retry)
    if about and outcome.ok and outcome.result is not None and ctx.matches(r"\blast time\b|\blatest\b|\bmost recent\b"):
        records = sorted(outcome.result.records, key=lambda r: (r.year, r.collaboration_id), reverse=True)
        outcome.result = outcome.result.model_copy(update={"records": records})
    text = R.compose_collaborations(outcome, about=about)
    return IntentReply(f"{lead}\n{text}" if lead else text, remember=False)


# --- help and small talk ------------------------------------------------------------------------------


def _m_help(ctx: IntentContext) -> float:
    if ctx.matches(r"^/?(?:help|\?|commands|examples|menu)[!?.]*$|\bwhat can you do\b|\bhow (?:do|can) i use\b|\bwhat do you do\b|\bhelp me\b$"):
        return 1.0
    return 0.0


@intent(
    "help",
    matcher=_m_help,
    examples=["help", "what can you do?"],
    description="This list",
    capability="General",
    show_in_help=False,
)
def help_intent(ctx: IntentContext) -> IntentReply:
    """List capabilities with examples."""
    return IntentReply(help_text(ctx.registry), remember=False)


def _m_smalltalk(ctx: IntentContext) -> float:
    if ctx.matches(r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|thanks?(?: you)?|thx|cheers|ok(?:ay)?|cool|great|nice)\b[\s!.,]*(?:there|kolpilot|a lot|so much)?[\s!.]*$"):
        return 0.95
    return 0.0


@intent(
    "smalltalk",
    matcher=_m_smalltalk,
    examples=["hi"],
    capability="General",
    show_in_help=False,
)
def smalltalk(ctx: IntentContext) -> IntentReply:
    """Greetings and thanks."""
    if ctx.matches(r"^(?:thanks?|thx|cheers)"):
        return IntentReply("You're welcome! Anything else? (e.g. “find similar creators”, “only those with email”, “help”)", remember=False)
    return IntentReply(
        "Hi! I help you find creators and KOLs and look up past collaborations. Try “find micro skincare creators in France”, or type “help”.",
        remember=False,
    )
