"""``search_past_collaborations``: the memory of past work, answered from real rows.

The question is matched semantically against the "collaborations" vector collection
(filtered by kind / stage / year metadata), then the *current* SQL rows of the hits are
loaded and every filter is applied again in SQL — the vector store only ranks, the
numbers always come from the database. Rows that match the filters but were not among
the semantic hits are added after them (newest first), so "what did we pay
dermatologists last year" covers every such collaboration, not only the nearest
documents. With nothing indexed the search is SQL only, and the result says so.

Time words in the question ("last year", "this year", "in 2025") are read against the
tool clock; profession words ("dermatologists", "analysts") filter on the creator's
credentials or bio. A collaboration's year is its campaign's start year, else the year
it was created (as in the index).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import and_, exists, func, or_
from sqlmodel import select

from memory.domain.money import format_money
from memory.indexing import load_collaboration_records
from memory.models import Campaign, Collaboration, Creator, CreatorNiche
from memory.models.common import Stage
from memory.repo.creators import normalize_handle
from memory.repo.crm import creator_by_handle
from tools.base import CampaignName, ToolContext, ToolError, ToolInput, ToolResult, ToolTier, tool
from tools.discovery import vocab

PROFESSIONS: dict[str, str] = {
    r"dermatologists?|derms?": "dermatolog",
    r"doctors?|physicians?|md": "doctor|physician|dr|md|m.d.",
    r"nutritionists?|dietitians?|dieticians?": "nutrition|dietitian",
    r"pharmacists?": "pharmacist",
    r"analysts?": "analyst",
    r"researchers?|scientists?": "research|scientist",
    r"professors?|academics?": "professor",
    r"nurses?": "nurse",
    r"psychologists?|therapists?": "psycholog|therapist",
    r"dentists?": "dentist",
    r"cfas?|financial advisors?|financial advisers?": "cfa|financial",
    r"lawyers?|attorneys?": "lawyer|attorney",
    r"founders?|ceos?|executives?": "founder|ceo|executive",
    r"trainers?|coaches?": "trainer|coach",
}


class PastCollaborationsInput(ToolInput):
    """Search our past collaborations (fees, deliverables, stage, results) by question and filters."""

    query: str = Field(description="The question in words, e.g. 'what did we pay dermatologists last year and how did they perform?'")
    kind: Literal["influencer", "kol"] | None = Field(None, description="Only influencers or only KOLs")
    brand: str | None = Field(None, description="Only campaigns for this brand")
    campaign: CampaignName | None = Field(None, description="Only this campaign (name)")
    year: int | None = Field(None, ge=2000, le=2100, description="Only collaborations of this year (campaign start, else creation); 'last year' in the query also works")
    stage: str | None = Field(None, description="Only this pipeline stage (e.g. paid, closed, posted, negotiating)")
    niche: str | None = Field(None, description="Only creators in this niche")
    handles: list[str] = Field(default_factory=list, description="Only these creators, e.g. ['@skin.by.sam']")
    limit: int = Field(10, ge=1, le=50, description="How many records (max 50)")


class CollaborationRecord(BaseModel):
    collaboration_id: int
    campaign: str
    brand: str | None = None
    year: int
    creator: str = Field(description="Display name")
    handle: str | None = None
    creator_id: int
    kind: str
    credentials: str | None = None
    stage: str
    agreed_fee: str = "n/a"
    agreed_fee_cents: int | None = None
    currency: str = "USD"
    cost_cents: int = Field(0, description="Fee + product + shipping, in the collaboration's currency")
    deliverables: list[str] = Field(default_factory=list)
    impressions: int = 0
    reach: int = 0
    views: int = 0
    engagements: int = 0
    clicks: int = 0
    conversions: int = 0
    revenue: str = "n/a"
    revenue_cents: int = 0
    roas: float | None = Field(None, description="Revenue / cost (fee + product + shipping), when computable")
    has_results: bool = False
    relevance: float | None = None


class CollaborationRecordsResult(ToolResult):
    kind: Literal["collaboration_records"] = "collaboration_records"
    records: list[CollaborationRecord] = Field(default_factory=list)
    aggregate: str | None = Field(None, description="Totals/averages over the returned records")
    applied_filters: dict[str, Any] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    source: Literal["semantic+sql", "sql"] = "semantic+sql"


def _year_from_query(query: str, now: datetime) -> int | None:
    low = query.lower()
    if re.search(r"\b(?:last|previous|past) year\b", low):
        return now.year - 1
    if re.search(r"\bthis year\b|\bytd\b|\byear to date\b", low):
        return now.year
    m = re.search(r"\b(20\d{2})\b", low)
    return int(m.group(1)) if m else None


def _professions(query: str) -> list[str]:
    low = query.lower()
    out: list[str] = []
    for pat, words in PROFESSIONS.items():
        if re.search(rf"\b(?:{pat})\b", low):
            out += words.split("|")
    return list(dict.fromkeys(out))


def _year_condition(year: int) -> Any:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    t0, t1 = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    return or_(
        and_(Campaign.start_date.is_not(None), Campaign.start_date >= start, Campaign.start_date < end),  # type: ignore[union-attr,operator]
        and_(Campaign.start_date.is_(None), Collaboration.created_at >= t0, Collaboration.created_at < t1),  # type: ignore[union-attr,operator]
    )


@tool(ToolTier.read, progress="Searching past collaborations…")
def search_past_collaborations(ctx: ToolContext, args: PastCollaborationsInput) -> CollaborationRecordsResult:
    """Search the memory of past collaborations ("what did we pay dermatologists last year and
    how did they perform?"): records with campaign, creator, kind, credentials, agreed fee,
    deliverables, stage and results (impressions, clicks, conversions, revenue, ROAS), plus
    an aggregate line. Numbers always come from the current database rows."""
    now = ctx.clock()
    year = args.year or _year_from_query(args.query, now)
    words = _professions(args.query)
    kind = args.kind or ("kol" if words and not args.kind else None)
    stage = None
    if args.stage:
        stage = args.stage.strip().lower().replace(" ", "_")
        if stage not in {s.value for s in Stage}:
            raise vocab.suggest(args.stage, [s.value for s in Stage], "stage")
    echo: dict[str, Any] = {k: v for k, v in (("year", year), ("kind", args.kind), ("brand", args.brand),
                                               ("campaign", args.campaign), ("stage", stage), ("niche", args.niche)) if v}
    notes: list[str] = []
    ws = ctx.workspace_id
    creator_ids: list[int] = []
    with ctx.sessions() as s:
        for h in args.handles:
            try:
                creator_ids.append(creator_by_handle(s, workspace_id=ws, handle=h)[0].id)
            except LookupError as exc:
                raise ToolError(str(exc)) from None
        if args.handles:
            echo["handles"] = ["@" + normalize_handle(h) for h in args.handles]
        niche = None
        if args.niche:
            niche = vocab.normalize_niche(args.niche)
            known = [r for r in s.exec(select(CreatorNiche.niche).where(CreatorNiche.workspace_id == ws).distinct())]
            if niche not in known:
                raise vocab.suggest(args.niche, known, "niche")
        if args.campaign:
            names = list(s.exec(select(Campaign.name).where(Campaign.workspace_id == ws)))
            if args.campaign.strip().lower() not in {n.lower() for n in names}:
                raise vocab.suggest(args.campaign, names, "campaign")
        if args.brand:
            brands = [b for b in s.exec(select(Campaign.brand).where(Campaign.workspace_id == ws).distinct()) if b]
            if args.brand.strip().lower() not in {b.lower() for b in brands}:
                raise vocab.suggest(args.brand, brands, "brand (no campaign of ours was for it)")

        def filtered(extra_words: list[str]) -> Any:
            q = (
                select(Collaboration.id)
                .join(Campaign, Campaign.id == Collaboration.campaign_id)
                .join(Creator, Creator.id == Collaboration.creator_id)
                .where(Collaboration.workspace_id == ws)
            )
            if kind and not extra_words:
                q = q.where(Creator.kind == kind)
            if extra_words:
                text = func.lower(func.coalesce(Creator.credentials, "") + " " + func.coalesce(Creator.bio, ""))
                q = q.where(or_(*[text.contains(w) for w in extra_words]))
            if args.brand:
                q = q.where(func.lower(Campaign.brand) == args.brand.strip().lower())
            if args.campaign:
                q = q.where(func.lower(Campaign.name) == args.campaign.strip().lower())
            if year:
                q = q.where(_year_condition(year))
            if stage:
                q = q.where(Collaboration.stage == stage)
            if creator_ids:
                q = q.where(Collaboration.creator_id.in_(creator_ids))  # type: ignore[attr-defined]
            if niche:
                q = q.where(exists(select(CreatorNiche.creator_id).where(
                    CreatorNiche.creator_id == Collaboration.creator_id, CreatorNiche.niche == niche)))
            return q.order_by(Collaboration.created_at.desc(), Collaboration.id.desc())  # type: ignore[attr-defined]

        sql_ids = list(s.exec(filtered(words)))
        if words and not sql_ids:
            # No credential text matches: fall back to the kind alone (e.g. all KOLs).
            sql_ids = list(s.exec(filtered([])))
            if sql_ids:
                notes.append(f"no creator's credentials mention {words[0]}…: showing {kind or 'all'} collaborations instead")
        elif words:
            echo["credentials"] = words[0]
        allowed = set(sql_ids)
        scores: dict[int, float] = {}
        source: Literal["semantic+sql", "sql"] = "semantic+sql"
        vectors = ctx.vectors
        indexed = vectors is not None and vectors.count(ws, "collaborations") > 0
        if indexed and allowed:
            where: dict[str, Any] = {}
            if kind and not words:
                where["kind"] = kind
            if stage:
                where["stage"] = stage
            if year:
                where["year"] = year
            for h in vectors.query(ws, "collaborations", args.query, n=max(50, args.limit * 5), where=where or None):  # type: ignore[union-attr]
                try:
                    cid = int(h.metadata.get("collaboration_id") or h.id)
                except (TypeError, ValueError):
                    continue
                if cid in allowed:
                    scores[cid] = h.score
        elif not indexed:
            source = "sql"
            notes.append("past collaborations are not indexed for semantic search: answered from SQL filters only")
        ordered = sorted(scores, key=lambda i: -scores[i]) + [i for i in sql_ids if i not in scores]
        chosen = ordered[: args.limit]
        records = {r.collab.id: r for r in load_collaboration_records(s, workspace_id=ws, ids=chosen)} if chosen else {}
    out: list[CollaborationRecord] = []
    for cid in chosen:
        rec = records.get(cid)
        if rec is None:
            continue
        out.append(_record(rec, scores.get(cid)))
    aggregate = _aggregate(out)
    if out:
        summary = f"{len(out)} collaboration{'s' if len(out) != 1 else ''}" + (f" in {year}" if year else "") + \
            (f" with {kind.upper() if kind == 'kol' else kind + 's'}" if kind else "") + (f". {aggregate}" if aggregate else ".")
    else:
        summary = "No past collaborations match" + (f" in {year}" if year else "") + "."
    if len(ordered) > len(chosen):
        notes.append(f"{len(ordered)} collaborations match; showing {len(chosen)} (raise limit for more)")
    return CollaborationRecordsResult(summary=summary, records=out, aggregate=aggregate, applied_filters=echo, notes=notes,
                                      source=source)


def _record(rec: Any, relevance: float | None) -> CollaborationRecord:
    c, camp, person = rec.collab, rec.campaign, rec.creator
    currency = (c.currency or "USD").upper()
    snaps = rec.snapshots
    totals = {k: sum(getattr(x, k) or 0 for x in snaps) for k in ("impressions", "reach", "views", "clicks", "conversions")}
    engagements = sum((x.likes or 0) + (x.comments or 0) + (x.shares or 0) + (x.saves or 0) for x in snaps)
    revenue: dict[str, int] = defaultdict(int)
    for x in snaps:
        revenue[(x.currency or currency).upper()] += x.revenue_cents or 0
    cost = (c.agreed_fee_cents or 0) + (c.product_cost_cents or 0) + (c.shipping_cost_cents or 0)
    roas = None
    if snaps and c.agreed_fee_cents and cost > 0 and set(revenue) <= {currency}:
        roas = round(revenue.get(currency, 0) / cost, 2)
    started = (camp.start_date if camp is not None and camp.start_date else None) or c.created_at
    deliverables = [f"{d.count} × {d.type} ({d.status.replace('_', ' ')})" for d in rec.deliverables]
    rev_cents = sum(revenue.values())
    return CollaborationRecord(
        collaboration_id=c.id, campaign=camp.name if camp else "?", brand=(camp.brand or None) if camp else None,
        year=started.year, creator=(person.name if person else "") or (rec.accounts[0].handle if rec.accounts else "?"),
        handle=rec.accounts[0].handle if rec.accounts else None, creator_id=c.creator_id,
        kind=person.kind if person else "influencer", credentials=person.credentials if person else None, stage=c.stage,
        agreed_fee=format_money(c.agreed_fee_cents, currency), agreed_fee_cents=c.agreed_fee_cents, currency=currency,
        cost_cents=cost, deliverables=deliverables, impressions=totals["impressions"], reach=totals["reach"],
        views=totals["views"], engagements=engagements, clicks=totals["clicks"], conversions=totals["conversions"],
        revenue=", ".join(format_money(v, k) for k, v in sorted(revenue.items())) if revenue else "n/a",
        revenue_cents=rev_cents, roas=roas, has_results=bool(snaps), relevance=None if relevance is None else round(relevance, 4),
    )


def _aggregate(records: list[CollaborationRecord]) -> str | None:
    """'Average agreed fee $2,500.00 over 3 records; total revenue $18,000.00 on $8,100.00 cost (ROAS 2.22).'"""
    if not records:
        return None
    parts: list[str] = []
    by_cur: dict[str, list[CollaborationRecord]] = defaultdict(list)
    for r in records:
        by_cur[r.currency].append(r)
    for cur, rows in sorted(by_cur.items()):
        fees = [r.agreed_fee_cents for r in rows if r.agreed_fee_cents is not None]
        if fees:
            parts.append(f"average agreed fee {format_money(sum(fees) // len(fees), cur)} over {len(fees)} record{'s' if len(fees) != 1 else ''}")
        measured = [r for r in rows if r.has_results and r.cost_cents > 0 and r.roas is not None]
        if measured:
            revenue = sum(r.revenue_cents for r in measured)
            cost = sum(r.cost_cents for r in measured)
            parts.append(
                f"{sum(r.impressions for r in measured):,} impressions, {sum(r.clicks for r in measured):,} clicks, "
                f"{sum(r.conversions for r in measured):,} conversions, revenue {format_money(revenue, cur)} on "
                f"{format_money(cost, cur)} cost (ROAS {revenue / cost:.2f} over {len(measured)} with results)"
            )
    if not parts:
        return None
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


__all__ = ["PastCollaborationsInput", "search_past_collaborations"]
