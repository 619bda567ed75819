"""Fee benchmarks from the workspace's own history: what agreed fees were, by tier, platform
and deliverable kind, in one currency (the one FX ``Converter``), with the basis always named."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from pydantic import Field, field_validator
from sqlmodel import Session, select

from memory.db import session_scope
from memory.domain.deliverables import KINDS, parse_deliverables, resolve_kind
from memory.domain.money import Converter, MoneyError, check_currency, format_money
from memory.domain.platforms import LABELS, resolve_platform
from memory.models import Account, Collaboration, NegotiationEvent
from memory.models import Deliverable as DeliverableRow
from memory.tiers import TIERS, tier_for
from tools.base import ToolContext, ToolInput, ToolResult, ToolTier, tool

MIN_BENCHMARK_FEES = 5  # fewer agreed fees than this: say so instead of calling it "usual"


@dataclass(frozen=True)
class AgreedFee:
    """One agreed fee with what it bought: the account's tier and platform, the deliverable kinds."""

    collaboration_id: int
    cents: int
    currency: str
    tier: str
    platform: str | None
    followers: int
    kinds: frozenset[str]
    at: datetime


def agreed_fees(s: Session, *, workspace_id: str, cutoffs: dict[str, int] | None) -> list[AgreedFee]:
    """Every collaboration with an agreed fee (declined ones left out). Its deliverable kinds come from
    the last accepted negotiation step's deliverables, else the collaboration's terms, else its
    Deliverable rows; its account is the collaboration's, else the creator's largest."""
    collabs = s.exec(select(Collaboration).where(
        Collaboration.workspace_id == workspace_id, Collaboration.agreed_fee_cents.is_not(None),  # type: ignore[union-attr]
        Collaboration.stage != "declined")).all()
    if not collabs:
        return []
    ids = [c.id for c in collabs]
    accepts: dict[int, NegotiationEvent] = {}
    said: dict[int, str] = {}  # the last deliverables on the table, accepted ones first
    for e in s.exec(select(NegotiationEvent).where(NegotiationEvent.workspace_id == workspace_id,
                                                   NegotiationEvent.collaboration_id.in_(ids)).order_by(NegotiationEvent.id)):  # type: ignore[attr-defined]
        if e.kind == "accept":
            accepts[e.collaboration_id] = e
        if e.deliverables and (e.kind == "accept" or accepts.get(e.collaboration_id) is None or not accepts[e.collaboration_id].deliverables):
            said[e.collaboration_id] = e.deliverables
    rows: dict[int, set[str]] = {}
    for d in s.exec(select(DeliverableRow).where(DeliverableRow.workspace_id == workspace_id, DeliverableRow.collaboration_id.in_(ids))):  # type: ignore[attr-defined]
        rows.setdefault(d.collaboration_id, set()).add(resolve_kind(d.type))
    out = []
    for c in collabs:
        acc = s.get(Account, c.account_id) if c.account_id else s.exec(
            select(Account).where(Account.creator_id == c.creator_id, Account.workspace_id == workspace_id)
            .order_by(Account.followers.desc())).first()  # type: ignore[attr-defined]
        ev = accepts.get(c.id)  # type: ignore[arg-type]
        kinds = {d.kind for d in parse_deliverables(said.get(c.id) or c.terms)} or rows.get(c.id, set())  # type: ignore[arg-type]
        out.append(AgreedFee(c.id, c.agreed_fee_cents, c.currency, tier_for(acc.followers if acc else 0, cutoffs),  # type: ignore[arg-type]
                             acc.platform if acc else None, acc.followers if acc else 0, frozenset(kinds), ev.at if ev else c.updated_at))
    return out


def label(tier: str | None, platform: str | None, kind: str | None) -> str:
    """"micro Instagram reels"; parts left out when not filtered ("micro creators", "all creators")."""
    words = [w for w in (tier, LABELS.get(platform or "", platform)) if w]
    noun = KINDS[kind].plural if kind in KINDS else (kind + "s" if kind else ("creators" if words else "all creators"))
    return " ".join([*words, noun])


@dataclass
class Benchmark:
    """Quartiles of the matching agreed fees in ``currency`` (minor units)."""

    what: str
    currency: str
    n: int
    median: int | None
    p25: int | None
    p75: int | None
    per_1k_median: int | None
    years: str
    left_out: dict[str, int]

    @property
    def enough(self) -> bool:
        return self.n >= MIN_BENCHMARK_FEES


def _quartiles(values: list[int]) -> tuple[int, int, int]:
    """p25, median, p75 by linear interpolation between the sorted values (numpy's default)."""
    if len(values) == 1:
        return values[0], values[0], values[0]
    q = statistics.quantiles(values, n=4, method="inclusive")
    return round(q[0]), round(q[1]), round(q[2])


def benchmark(fees: list[AgreedFee], *, tier: str | None, platform: str | None, kind: str | None, currency: str,
              fx: Converter, exclude_collaboration: int | None = None) -> Benchmark:
    """The benchmark of ``fees`` matching tier/platform/kind (an agreement matches a kind when it
    includes one), converted to ``currency``; fees without an FX rate are counted in ``left_out``."""
    values: list[int] = []
    per_1k: list[float] = []
    left_out: dict[str, int] = {}
    years: list[int] = []
    for f in fees:
        if f.collaboration_id == exclude_collaboration or (tier and f.tier != tier) or (platform and f.platform != platform) \
                or (kind and kind not in f.kinds):
            continue
        cents = fx.convert(f.cents, f.currency, currency)
        if cents is None:
            left_out[f.currency] = left_out.get(f.currency, 0) + 1
            continue
        values.append(cents)
        years.append(f.at.year)
        if f.followers > 0:
            per_1k.append(cents * 1000 / f.followers)
    what = label(tier, platform, kind)
    span = "" if not years else (str(min(years)) if min(years) == max(years) else f"{min(years)}-{max(years)}")
    if not values:
        return Benchmark(what, currency, 0, None, None, None, None, span, left_out)
    p25, med, p75 = _quartiles(sorted(values))
    return Benchmark(what, currency, len(values), med, p25, p75, round(statistics.median(per_1k)) if per_1k else None, span, left_out)


def position(amount_cents: int, b: Benchmark) -> str:
    """Where an amount sits against a benchmark, in one line."""
    amount = format_money(amount_cents, b.currency)
    if not b.enough:
        return f"too few agreed fees for {b.what} to compare (n={b.n})"
    pct = round((amount_cents - b.median) * 100 / b.median) if b.median else 0  # type: ignore[operator]
    where = "at your median" if pct == 0 else f"{abs(pct)}% {'above' if pct > 0 else 'below'} your median"
    return f"{amount} is {where} for {b.what} (n={b.n}, median {format_money(b.median, b.currency)})"


def fee_position(s: Session, ctx: ToolContext, collab: Collaboration, amount_cents: int, currency: str,
                 deliverables: str | None) -> str | None:
    """Where a fee on the table sits against this workspace's agreed fees for the same tier, platform
    and (first) deliverable kind, the collaboration itself left out; None when nothing is known."""
    acc = s.get(Account, collab.account_id) if collab.account_id else None
    if not deliverables:
        deliverables = s.exec(select(NegotiationEvent.deliverables).where(
            NegotiationEvent.collaboration_id == collab.id, NegotiationEvent.deliverables.is_not(None))  # type: ignore[union-attr]
            .order_by(NegotiationEvent.id.desc())).first()  # type: ignore[union-attr]
    items = parse_deliverables(deliverables or collab.terms)
    if acc is None and not items:
        return None
    fees = agreed_fees(s, workspace_id=ctx.workspace_id, cutoffs=ctx.settings.tier_cutoffs)
    b = benchmark(fees, tier=tier_for(acc.followers, ctx.settings.tier_cutoffs) if acc else None, platform=acc.platform if acc else None,
                  kind=items[0].kind if items else None, currency=currency,
                  fx=Converter(ctx.settings.fx_rates, ctx.settings.default_currency), exclude_collaboration=collab.id)
    return position(amount_cents, b)


class FeeBenchmarksInput(ToolInput):
    """What we usually pay: median, interquartile range and count of the fees agreed in this
    workspace's own collaborations, optionally for one tier, platform and deliverable kind."""

    tier: str | None = Field(None, max_length=20, description="Follower tier: emerging, nano, micro, macro, mega or celebrity; omit for all")
    platform: str | None = Field(None, max_length=40, description="Platform of the creator's account, e.g. instagram, tiktok, youtube; omit for all")
    deliverable: str | None = Field(None, max_length=60, description="Deliverable kind the agreement includes, e.g. reel, story, video, short, post; omit for all")
    currency: str | None = Field(None, max_length=3, description="ISO 4217 code to report in; default: the workspace's default currency")

    @field_validator("tier")
    @classmethod
    def _tier(cls, v: str | None) -> str | None:
        if v is None:
            return None
        t = v.strip().lower().removesuffix("s")
        t = "celebrity" if t.startswith("celeb") else t
        if t not in TIERS:
            raise ValueError(f"unknown tier {v!r}; tiers are {', '.join(TIERS)}")
        return t

    @field_validator("platform")
    @classmethod
    def _platform(cls, v: str | None) -> str | None:
        if v is None:
            return None
        p = resolve_platform(v)
        if p is None:
            raise ValueError(f"unknown platform {v!r}")
        return p

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str | None) -> str | None:
        try:
            return check_currency(v) if v else None
        except MoneyError as exc:
            raise ValueError(str(exc)) from None


class FeeBenchmarksResult(ToolResult):
    kind: str = "fee_benchmarks"
    tier: str | None = None
    platform: str | None = None
    deliverable: str | None = None
    currency: str
    n: int = Field(description="Agreed fees the figures are computed from")
    enough_data: bool = Field(description=f"False below {MIN_BENCHMARK_FEES} fees: the figures are shown but are not a benchmark")
    median: str | None = None
    p25: str | None = Field(None, description="25th percentile (lower quartile)")
    p75: str | None = Field(None, description="75th percentile (upper quartile)")
    median_cents: int | None = None
    p25_cents: int | None = None
    p75_cents: int | None = None
    per_1k_followers_median: str | None = Field(None, description="Median of fee / (followers / 1,000)")
    basis: str = Field(description="What the figures are computed from")
    left_out: dict[str, int] = Field(default_factory=dict, description="Fees left out for lack of an FX rate, by currency")


@tool(ToolTier.read, progress="Computing fee benchmarks…")
def fee_benchmarks(ctx: ToolContext, args: FeeBenchmarksInput) -> FeeBenchmarksResult:
    """Fee benchmarks from our own history ("what do we usually pay micro influencers for a reel?"):
    median, 25th-75th percentile range, count and median per 1,000 followers of the fees agreed in
    this workspace, by tier, platform and deliverable kind (an agreement counts for a kind when it
    includes one), converted with the configured FX rates. Fees in a currency without a rate are
    left out and counted. With fewer than 5 fees it says there are too few to benchmark and shows
    what there is, labelled. Quote the basis line with the figures."""
    kind = resolve_kind(args.deliverable) if args.deliverable else None
    currency = args.currency or ctx.settings.default_currency
    with session_scope(ctx.sessions) as s:
        fees = agreed_fees(s, workspace_id=ctx.workspace_id, cutoffs=ctx.settings.tier_cutoffs)
    b = benchmark(fees, tier=args.tier, platform=args.platform, kind=kind, currency=currency,
                  fx=Converter(ctx.settings.fx_rates, ctx.settings.default_currency))
    basis = f"from {b.n} agreed fee{'s' if b.n != 1 else ''}, {b.what}" + (f", {b.years}" if b.years else "")
    note = ""
    if b.left_out:
        parts = ", ".join(f"{n} in {c}" for c, n in sorted(b.left_out.items()))
        note = f" Left out for lack of an FX rate to {currency}: {parts} (set KOLPILOT_FX_RATES)."
    money = lambda v: format_money(v, currency) if v is not None else None  # noqa: E731
    if b.n == 0:
        summary = f"No agreed fees for {b.what} yet."
    else:
        figures = f"median {money(b.median)}, middle half {money(b.p25)}–{money(b.p75)}" + (
            f", {money(b.per_1k_median)} per 1K followers" if b.per_1k_median is not None else "")
        summary = (f"Fee benchmark for {b.what}: {figures} ({basis})." if b.enough else
                   f"Too few agreed fees for {b.what} to benchmark (n={b.n}, at least {MIN_BENCHMARK_FEES} needed); "
                   f"what there is: {figures} ({basis}).")
    return FeeBenchmarksResult(
        summary=summary + note, tier=args.tier, platform=args.platform, deliverable=kind, currency=currency, n=b.n,
        enough_data=b.enough, median=money(b.median), p25=money(b.p25), p75=money(b.p75), median_cents=b.median,
        p25_cents=b.p25, p75_cents=b.p75, per_1k_followers_median=money(b.per_1k_median), basis=basis, left_out=b.left_out,
    )
