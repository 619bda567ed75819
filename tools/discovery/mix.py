"""``recommend_creator_mix``: how to split a budget between influencer tiers and KOLs.

It encodes the product brief's guidance (DESIGN section 1):

- awareness / reach / young digital-native audiences → influencers: mega (and celebrity)
  for maximum exposure, nano/micro for engaged niche communities;
- credibility in an industry, high-value purchases that need research, education about
  complex products → KOLs;
- most campaigns → a mix (e.g. lifestyle influencers for awareness + dermatologists for
  expert credibility).

Allocation templates per goal (percent of budget):

| goal           | mega/celebrity | macro | micro | nano | KOLs |
|----------------|---------------:|------:|------:|-----:|-----:|
| awareness      | 35 | 20 | 25 | 10 | 10 |
| young_audience | 30 | 15 | 30 | 20 |  5 |
| launch         | 25 | 20 | 25 | 10 | 20 |
| consideration  | 10 | 15 | 35 | 10 | 30 |
| conversions    |  0 | 15 | 45 | 20 | 20 |
| credibility    |  0 | 10 | 20 |  5 | 65 |
| education      |  0 |  5 | 25 | 10 | 60 |

Complex or high-consideration niches (finance, health, medicine, dermatology, skincare,
tech, crypto, law, real estate, …) move 10 points from the biggest influencer segment to
KOLs: buyers there research and trust experts.

Typical fee per creator for one campaign package (USD; converted with the configured FX
rates when the budget is in another currency). Market rates vary widely; these are
planning assumptions, not quotes:

| segment          | low      | high       |
|------------------|---------:|-----------:|
| nano influencer  |      100 |        500 |
| micro influencer |      500 |      5,000 |
| macro influencer |    5,000 |     25,000 |
| mega influencer  |   25,000 |    100,000 |
| KOL              |    1,000 |     15,000 |

Expected creator counts per segment are the segment budget divided by the high and the
low fee (a range). Example creators come from the database through the search builder.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from memory.domain import campaigns
from memory.domain.money import Converter, MoneyError, MoneyInput, format_money
from memory.repo import search as repo
from memory.repo.search import SearchFilters
from memory.tiers import followers_range
from tools.base import ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.discovery import vocab
from tools.discovery.search import CreatorItem, resolve_niches, to_item

GOALS: dict[str, dict[str, int]] = {
    "awareness": {"mega": 35, "macro": 20, "micro": 25, "nano": 10, "kol": 10},
    "young_audience": {"mega": 30, "macro": 15, "micro": 30, "nano": 20, "kol": 5},
    "launch": {"mega": 25, "macro": 20, "micro": 25, "nano": 10, "kol": 20},
    "consideration": {"mega": 10, "macro": 15, "micro": 35, "nano": 10, "kol": 30},
    "conversions": {"mega": 0, "macro": 15, "micro": 45, "nano": 20, "kol": 20},
    "credibility": {"mega": 0, "macro": 10, "micro": 20, "nano": 5, "kol": 65},
    "education": {"mega": 0, "macro": 5, "micro": 25, "nano": 10, "kol": 60},
}
COMPLEX_NICHES = {"finance", "investing", "crypto", "health", "medicine", "dermatology", "skincare", "tech", "law",
                  "real estate", "science", "nutrition", "business", "automotive", "mental health"}

FEES_USD: dict[str, tuple[int, int]] = {
    "nano": (100, 500),
    "micro": (500, 5_000),
    "macro": (5_000, 25_000),
    "mega": (25_000, 100_000),
    "kol": (1_000, 15_000),
}
SEGMENT_LABELS = {
    "mega": "mega/celebrity influencers", "macro": "macro influencers", "micro": "micro influencers",
    "nano": "nano influencers", "kol": "KOLs (experts)",
}
SEGMENT_WHY = {
    "mega": "maximum exposure: mega and celebrity accounts reach the widest audience",
    "macro": "broad reach with more targeting than mega accounts",
    "micro": "engaged niche communities: higher engagement and trust per follower",
    "nano": "the most engaged, relatable niche voices at low cost per creator",
    "kol": "expert credibility: KOLs drive trust for research-heavy purchases and explain complex products",
}


class RecommendMixInput(ToolInput):
    """Recommend how to split a campaign budget between influencer tiers and KOLs, with examples."""

    goal: str = Field(description="Campaign goal: awareness (or reach), young_audience, launch, consideration, conversions, credibility or education")
    budget: MoneyInput = Field(description="Total creator budget; currency default: the workspace's")
    niche: str = Field(description="The campaign's niche, e.g. 'skincare', 'fintech', 'fitness'")
    countries: list[str] | None = Field(None, description="Countries to pick example creators from (names or ISO codes)")
    platforms: list[str] | None = Field(None, description="Platforms to pick example creators from")

    @field_validator("countries", "platforms", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [p.strip() for p in v.split(",") if p.strip()] if isinstance(v, str) else v


class MixSegment(BaseModel):
    segment: str = Field(description="e.g. 'micro influencers'")
    key: str = Field(description="nano, micro, macro, mega or kol")
    share_pct: int
    budget_cents: int
    budget: str
    fee_range: str = Field(description="Assumed fee per creator")
    expected_creators: str = Field(description="Rough count range the budget buys")
    why: str
    examples: list[CreatorItem] = Field(default_factory=list)


class CreatorMixResult(ToolResult):
    kind: Literal["creator_mix"] = "creator_mix"
    goal: str
    niche: str
    budget: str
    currency: str
    segments: list[MixSegment] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list, description="The guidance behind the split")
    fee_assumptions: dict[str, str] = Field(default_factory=dict, description="Fee per creator assumed for each segment")
    notes: list[str] = Field(default_factory=list)


def resolve_goal(goal: str) -> str:
    """A goal or alias → one of ``GOALS`` (``ToolError`` listing the goals otherwise)."""
    match = campaigns.resolve_goal(goal, fuzzy=False)
    if match is not None and match.value in GOALS:
        return match.value
    options = campaigns.suggest_goal(goal)
    hint = f" — did you mean {', '.join(options)}?" if options else ""
    raise ToolError(f"unknown goal {goal!r}{hint} Goals: {', '.join(GOALS)}")


@tool(ToolTier.read, progress="Planning the creator mix…")
def recommend_creator_mix(ctx: ToolContext, args: RecommendMixInput) -> CreatorMixResult:
    """Recommend an influencer/KOL mix for a campaign goal, budget and niche: budget split by
    segment (mega, macro, micro, nano influencers, KOLs) with amounts, rough creator counts
    from typical fees, the reasons (awareness → influencers, credibility/education/complex
    purchases → KOLs, most campaigns → a mix) and 2-3 example creators per segment."""
    goal = resolve_goal(args.goal)
    try:
        budget = args.budget.to_money(ctx.settings.default_currency)
    except MoneyError as exc:
        raise ToolError(f"budget: {exc}") from None
    total_cents, currency = budget.minor_units, budget.currency
    shares = dict(GOALS[goal])
    niche_key = vocab.normalize_niche(args.niche)
    reasons: list[str] = []
    notes: list[str] = []
    if goal in ("awareness", "young_audience"):
        reasons.append("Awareness and young digital-native audiences: influencers first — mega accounts for maximum exposure, nano/micro for engaged niche communities.")
    elif goal in ("credibility", "education"):
        reasons.append("Credibility in an industry and education about complex products: KOLs carry expert trust, so they get most of the budget.")
    else:
        reasons.append("Like most campaigns this one works best as a mix: influencers for reach and relatability, KOLs for expert credibility.")
    if niche_key in COMPLEX_NICHES:
        biggest = max((k for k in shares if k != "kol"), key=lambda k: shares[k])
        move = min(10, shares[biggest])
        shares[biggest] -= move
        shares["kol"] += move
        reasons.append(f"{niche_key} is a research-heavy, high-consideration niche: +{move} points to KOLs (from {SEGMENT_LABELS[biggest]}).")
    if shares["kol"] and shares["kol"] < 100:
        reasons.append("Mix example from the brief: lifestyle influencers for awareness + experts (e.g. dermatologists for skincare) for credibility.")
    fx = Converter(ctx.settings.fx_rates, ctx.settings.default_currency)
    no_fx = fx.rate("USD", currency) is None
    if no_fx:  # never read $1,000 as ¥1,000: without a rate there is no creator count to give
        notes.append(f"no FX rate for {currency} (KOLPILOT_FX_RATES): typical fees are in USD, so the number of "
                     f"creators each part pays for is not estimated")
    cuts = ctx.settings.tier_cutoffs
    segments: list[MixSegment] = []
    with ctx.sessions() as s:
        conn = s.connection()
        niches = resolve_niches(ctx, conn, [args.niche])
        countries = tuple(dict.fromkeys(vocab.resolve_country(c) for c in args.countries or []))
        platforms = tuple(dict.fromkeys(vocab.resolve_platform(p) for p in args.platforms or []))
        allocated = 0
        keys = [k for k in ("mega", "macro", "micro", "nano", "kol") if shares[k] > 0]
        for i, key in enumerate(keys):
            # The last segment takes the rounding remainder so the parts add up to the budget.
            cents = total_cents - allocated if i == len(keys) - 1 else total_cents * shares[key] // 100
            allocated += cents
            low_usd, high_usd = FEES_USD[key]
            if no_fx:
                low, high, expected = low_usd * 100, high_usd * 100, "n/a (no FX rate)"
                fee_cur = "USD"
            else:
                low = fx.convert(low_usd * 100, "USD", currency) or 0
                high = fx.convert(high_usd * 100, "USD", currency) or 0
                fee_cur = currency
                most, fewest = cents // max(low, 1), cents // max(high, 1)
                expected = f"{fewest}–{most}" if fewest != most else f"{most}"
                if most == 0:
                    expected = "0 (budget below one typical fee)"
            if key == "kol":
                f = SearchFilters(kind="kol", niches_any=niches, countries=countries, platforms=platforms)
                sort = "followers"
            else:
                tiers = ("mega", "celebrity") if key == "mega" else (key,)
                f = SearchFilters(kind="influencer", niches_any=niches, countries=countries, platforms=platforms,
                                  follower_ranges=tuple(followers_range(t, cuts) for t in tiers))
                sort = "engagement" if key in ("micro", "nano") else "followers"
            page = repo.search_accounts(conn, workspace_id=ctx.workspace_id, filters=f, sort=sort, limit=3)  # type: ignore[arg-type]
            examples = [to_item(h, f, cuts, now=ctx.clock()) for h in page.hits]
            if not examples and key == "kol" and niches:
                f = SearchFilters(kind="kol", countries=countries, platforms=platforms)
                examples = [to_item(h, f, cuts, now=ctx.clock()) for h in repo.search_accounts(conn, workspace_id=ctx.workspace_id, filters=f, limit=3).hits]
                if examples:
                    notes.append(f"no KOLs tagged {niches[0]} yet: KOL examples are from other niches")
            segments.append(MixSegment(
                segment=SEGMENT_LABELS[key], key=key, share_pct=shares[key], budget_cents=cents,
                budget=format_money(cents, currency), fee_range=f"{format_money(low, fee_cur)}–{format_money(high, fee_cur)}",
                expected_creators=expected, why=SEGMENT_WHY[key], examples=examples,
            ))
    fee_assumptions = {SEGMENT_LABELS[k]: f"${lo:,}–${hi:,} per creator (USD)" for k, (lo, hi) in FEES_USD.items()}
    split = ", ".join(f"{sg.segment} {sg.share_pct}%" for sg in segments)
    return CreatorMixResult(
        summary=f"For a {format_money(total_cents, currency)} {goal.replace('_', ' ')} campaign in {niche_key}: {split}.",
        goal=goal, niche=niche_key, budget=format_money(total_cents, currency), currency=currency, segments=segments,
        reasons=reasons, fee_assumptions=fee_assumptions, notes=notes,
    )
