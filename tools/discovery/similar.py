"""``find_similar_creators``: lookalikes of a creator.

Candidates come from the vector index (the creator's own stored vector → nearest
creators), topped up from SQL with creators sharing the seed's niches when the filters
leave too few; every search filter applies (the same ``CreatorFilters`` and builder as
``search_creators``). Each candidate account is scored:

    score = 0.60 · content similarity (cosine of creator vectors)
          + 0.25 · niche overlap (Jaccard of niche sets)
          + 0.10 · tier proximity (1 − tier distance / 5)
          + 0.05 · same platform as the seed's account

and each person appears once (their best-scoring account). Without a vector index the
content term is left out and the result says so.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from pydantic import Field

from memory.repo import search as repo
from memory.repo.search import AccountHit, SearchFilters
from memory.tiers import TIERS, tier_for
from tools.base import Handle, Id, Offset, ToolContext, ToolTier, tool
from tools.discovery.profile import find_creator
from tools.discovery.search import CreatorFilters, CreatorListResult, build_filters, remember, to_item

CANDIDATES = 300
SQL_TOP_UP = 1000
WEIGHTS = {"content": 0.60, "niches": 0.25, "tier": 0.10, "platform": 0.05}


class FindSimilarInput(CreatorFilters):
    """Find creators similar to one creator (content, niches, tier, platform); all search filters work too."""

    handle: Handle | None = Field(None, description="Seed creator's handle, with or without @")
    platform: str | None = Field(None, description="Platform of the seed handle, when the same handle exists on several")
    creator_id: Id | None = Field(None, description="Seed creator id (instead of a handle)")
    limit: int = Field(10, ge=1, le=100, description="How many lookalikes (max 100)")
    offset: Offset = Field(0, description="Skip this many (for the next page)")


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(y * y for y in b)) or 1.0
    return dot / (na * nb)


def _tier_index(followers: int, cuts: dict[str, int]) -> int:
    return TIERS.index(tier_for(followers, cuts))


@tool(ToolTier.read, progress="Finding lookalikes…")
def find_similar_creators(ctx: ToolContext, args: FindSimilarInput) -> CreatorListResult:
    """Creators similar to a given creator (@handle or creator_id): close in content (vector
    similarity), sharing niches, in a nearby tier, on the same platform. The seed creator is
    excluded. Accepts every search_creators filter (platforms, tiers, countries, ...)."""
    cuts = ctx.settings.tier_cutoffs
    notes: list[str] = []
    with ctx.sessions() as s:
        seed, seed_accounts, focus = find_creator(s, ctx, handle=args.handle, platform=args.platform, creator_id=args.creator_id)
        conn = s.connection()
        f, echo = build_filters(ctx, conn, args)
        seed_id = int(seed.id)  # type: ignore[arg-type]
        seed_niches = set(repo.niches_of(conn, workspace_id=ctx.workspace_id, creator_ids=[seed_id]).get(seed_id, []))
        seed_focus = focus or (seed_accounts[0] if seed_accounts else None)
        seed_tier = _tier_index(seed_focus.followers, cuts) if seed_focus else None
        base = replace(f, exclude_creator_ids=(*f.exclude_creator_ids, seed_id))
        content: dict[int, float] = {}
        vectors = ctx.vectors
        seed_vec: list[float] | None = None
        if vectors is not None:
            seed_vec = vectors.get_vectors(ctx.workspace_id, "creators", [str(seed_id)]).get(str(seed_id))
        if seed_vec is not None:
            where: dict[str, Any] = {}
            if f.kind:
                where["kind"] = f.kind
            if len(f.countries) == 1:
                where["country"] = f.countries[0]
            if len(f.languages) == 1:
                where["language"] = f.languages[0]
            for h in vectors.query_by_vector(ctx.workspace_id, "creators", seed_vec, n=CANDIDATES + 1, where=where or None):  # type: ignore[union-attr]
                try:
                    cid = int(h.metadata.get("creator_id") or h.id)
                except (TypeError, ValueError):
                    continue
                if cid != seed_id:
                    content[cid] = h.score
        else:
            notes.append("content similarity unavailable (creator not in the vector index); ranked by niches, tier and platform")
        hits: list[AccountHit] = []
        if content:
            hits = repo.search_accounts(conn, workspace_id=ctx.workspace_id, filters=replace(base, creator_ids=tuple(content)),
                                        limit=None).hits
        need = args.offset + args.limit + 1
        if len({h.creator_id for h in hits}) < need:
            top_up = base if (f.niches_any or f.niches_all or not seed_niches) else replace(base, niches_any=tuple(sorted(seed_niches)))
            more = repo.search_accounts(conn, workspace_id=ctx.workspace_id, filters=top_up, limit=SQL_TOP_UP).hits
            seen = {h.account_id for h in hits}
            fresh = [h for h in more if h.account_id not in seen]
            missing = sorted({h.creator_id for h in fresh} - set(content))
            if seed_vec is not None and missing:
                stored = vectors.get_vectors(ctx.workspace_id, "creators", [str(i) for i in missing])  # type: ignore[union-attr]
                for cid_text, vec in stored.items():
                    content[int(cid_text)] = _cosine(seed_vec, vec)
            hits += fresh
    seed_platforms = {a.platform for a in seed_accounts}
    best: dict[int, tuple[float, AccountHit, list[str]]] = {}
    for h in hits:
        niches = set(h.niches)
        union = niches | seed_niches
        jaccard = len(niches & seed_niches) / len(union) if union else 0.0
        tier_gap = abs(_tier_index(h.followers, cuts) - seed_tier) if seed_tier is not None else 3
        tier_score = max(0.0, 1 - tier_gap / 5)
        same_platform = 1.0 if (seed_focus and h.platform == seed_focus.platform) else (0.5 if h.platform in seed_platforms else 0.0)
        sim = content.get(h.creator_id)
        score = (WEIGHTS["content"] * (sim or 0.0) + WEIGHTS["niches"] * jaccard + WEIGHTS["tier"] * tier_score
                 + WEIGHTS["platform"] * same_platform)
        why = []
        if sim is not None:
            why.append(f"similar content {sim:.2f}")
        shared = sorted(niches & seed_niches)
        if shared:
            why.append("shares niches: " + ", ".join(shared))
        if tier_gap == 0:
            why.append(f"same tier ({tier_for(h.followers, cuts)})")
        elif tier_gap == 1:
            why.append(f"neighbouring tier ({tier_for(h.followers, cuts)})")
        if same_platform == 1.0:
            why.append(f"also on {h.platform}")
        prev = best.get(h.creator_id)
        if prev is None or score > prev[0]:
            best[h.creator_id] = (score, h, why)
    ranked = sorted(best.values(), key=lambda t: (-t[0], -t[1].followers, -t[1].account_id))
    page = ranked[args.offset : args.offset + args.limit]
    items = [to_item(h, f, cuts, extra=why, now=ctx.clock()) for _, h, why in page]
    for item, (score, _, _) in zip(items, page, strict=True):
        item.score = round(score, 4)
    remember(ctx, items)
    echo["similar_to"] = f"@{seed_focus.handle}" if seed_focus else f"creator {seed_id}"
    total = len(ranked)
    label = echo["similar_to"]
    summary = (f"{len(items)} creators similar to {label} (of {total} candidates), best first." if items
               else f"No creators similar to {label} match these filters.")
    return CreatorListResult(
        summary=summary, items=items, total=total, has_more=total > args.offset + args.limit, offset=args.offset,
        limit=args.limit, sort="similarity", applied_filters=echo, notes=notes,
    )


__all__ = ["FindSimilarInput", "SearchFilters", "find_similar_creators"]
