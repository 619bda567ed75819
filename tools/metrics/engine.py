"""The campaign summary engine: per-deliverable rows → grouped totals → metrics.

Attribution (DESIGN section 1): a discount code beats a link. For a collaboration whose codes
were redeemed in the period, conversions and revenue come from the redemptions and the
link-reported conversions of its deliverables are ignored. Link conversions count when their
snapshot falls inside the last-click window: up to ``attribution_window_days`` after the
campaign's end date (clicks happen during the campaign; a conversion within the window of the
last click is credited).

Currencies are never mixed silently: amounts in another currency are converted with
KOLPILOT_FX_RATES (units of the default currency per unit), or left out with a note.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from memory.repo import metrics as repo
from memory.tiers import tier_for
from tools.metrics.formulas import Totals

COMMITTED_STAGES = {"agreed", "product_shipped", "content_submitted", "content_approved", "posted", "paid", "closed"}
GROUPS = ("none", "creator", "tier", "platform", "kind", "niche", "country", "day", "week")


@dataclass
class Converter:
    """Converts cents between currencies with configured rates (or says it can't)."""

    default: str
    rates: dict[str, Decimal]
    missing: set[str] = field(default_factory=set)

    def __call__(self, cents: int, cur: str, target: str) -> int | None:
        cur, target = (cur or target).upper(), target.upper()
        if cur == target:
            return cents
        r = {**{k.upper(): Decimal(str(v)) for k, v in self.rates.items()}, self.default.upper(): Decimal(1)}
        if cur not in r or target not in r:
            self.missing.add(cur if cur not in r else target)
            return None
        return int((Decimal(cents) * r[cur] / r[target]).quantize(Decimal("1")))


def keys_for(group_by: str, row: dict[str, Any], cutoffs: dict[str, int]) -> list[str]:
    """Group keys of a row (a niche row can belong to several niches)."""
    if group_by not in GROUPS:
        raise ValueError(f"unknown grouping {group_by!r}; use one of {', '.join(GROUPS)}")
    if not row:
        return []
    if group_by == "none":
        return ["total"]
    if group_by == "creator":
        return [f"@{row['handle']}" if row.get("handle") else f"creator #{row['creator_id']}"]
    if group_by == "tier":
        return [tier_for(row.get("followers") or 0, cutoffs)]
    if group_by == "platform":
        return [row.get("platform") or "unknown"]
    if group_by == "kind":
        return [row.get("kind") or "influencer"]
    if group_by == "country":
        return [row.get("country") or "unknown"]
    if group_by == "niche":
        return [n for n in (row.get("niches") or "").split(";") if n] or ["unknown"]
    raise ValueError(f"unknown grouping {group_by!r}; use one of {', '.join(GROUPS)}")


# Additive fields, in the column order of the group matrix.
FIELDS = ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks", "conversions", "revenue_cents",
          "cost_cents", "fee_cents", "product_cents", "shipping_cents", "followers_x_deliverables", "deliverables")
IDX = {f: i for i, f in enumerate(FIELDS)}


@dataclass
class Aggregate:
    """Grouped sums as a matrix (one row per group, columns FIELDS) — vectorised so a
    10,000-creator breakdown costs milliseconds — plus the distinct creators per group."""

    keys: list[str]
    sums: np.ndarray
    creators: list[set[int]] | None
    total: Totals
    notes: list[str]
    as_of: date | None
    # (group, creator) pairs, used instead of ``creators`` on the fast path: building 10,000
    # small sets costs more than the whole aggregation.
    pairs: np.ndarray | None = None

    @property
    def groups(self) -> dict[str, Totals]:
        return {k: self.totals(i) for i, k in enumerate(self.keys)}

    def creators_of(self, i: int) -> set[int]:
        if self.creators is not None:
            return set(self.creators[i])
        assert self.pairs is not None
        return set(self.pairs[1][self.pairs[0] == i].tolist())

    def totals(self, i: int) -> Totals:
        row = self.sums[i]
        return Totals(**{f: int(row[j]) for j, f in enumerate(FIELDS)}, creators=self.creators_of(i))


class _Groups:
    """Accumulates additive rows into groups (numpy add.at over a row matrix)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.row_group: list[int] = []
        self.row_vals: list[tuple[int, ...]] = []
        self.row_creator: list[int] = []

    def add(self, keys: list[str], values: dict[str, int], creator_id: int | None) -> None:
        vec = tuple(int(values.get(f, 0) or 0) for f in FIELDS)
        for k in keys:
            gi = self.index.setdefault(k, len(self.index))
            self.row_group.append(gi)
            self.row_vals.append(vec)
            self.row_creator.append(creator_id if creator_id is not None else -1)

    def build(self) -> tuple[list[str], np.ndarray, list[set[int]]]:
        keys = list(self.index)
        sums = np.zeros((len(keys), len(FIELDS)), dtype=np.int64)
        creators: list[set[int]] = [set() for _ in keys]
        if self.row_vals:
            idx = np.asarray(self.row_group, dtype=np.int64)
            np.add.at(sums, idx, np.asarray(self.row_vals, dtype=np.int64))
            for gi, cid in zip(self.row_group, self.row_creator, strict=True):
                if cid >= 0:
                    creators[gi].add(cid)
        return keys, sums, creators


def aggregate(
    session,  # noqa: ANN001
    *,
    workspace_id: str,
    campaign: Any,
    group_by: str,
    start: date | None,
    end: date | None,
    today: date,
    window_days: int,
    convert: Converter,
    cutoffs: dict[str, int],
) -> Aggregate:
    """Totals per group for a campaign and period, with attribution and currency rules applied."""
    target = campaign.currency
    notes: list[str] = []
    # Which snapshot is "as of" the end of the period (or the end of the attribution window).
    as_of = end
    if as_of is None and campaign.end_date is not None:
        window_end = campaign.end_date + timedelta(days=window_days)
        if today > window_end:
            as_of = window_end
    if group_by in ("day", "week"):
        return _aggregate_daily(session, workspace_id=workspace_id, campaign=campaign, group_by=group_by, start=start,
                                end=as_of, convert=convert, notes=notes)
    keys_for(group_by, {}, cutoffs)  # validates group_by before any work
    read_as_of = as_of
    if as_of is not None:
        _, newest = repo.snapshot_dates(session, campaign_id=campaign.id)
        if newest is None or newest <= as_of:
            # Nothing newer than the cut-off: the flagged latest rows are the answer, without
            # ranking every snapshot of the campaign.
            read_as_of = None
    if start is None and group_by != "niche":
        with _gc_paused():
            return _aggregate_fast(session, workspace_id=workspace_id, campaign=campaign, group_by=group_by, as_of=as_of,
                                   read_as_of=read_as_of, end=end, window_days=window_days, convert=convert,
                                   cutoffs=cutoffs, notes=notes)
    rows = repo.deliverable_rows(session, workspace_id=workspace_id, campaign_id=campaign.id, as_of=read_as_of)
    if start is not None:
        before = {(r["account_id"], r["deliverable_url"]): r
                  for r in repo.deliverable_rows(session, workspace_id=workspace_id, campaign_id=campaign.id,
                                                 as_of=start - timedelta(days=1))}
        for r in rows:
            b = before.get((r["account_id"], r["deliverable_url"]))
            if b:
                for f in repo.VOLUME_FIELDS:
                    r[f] = (r[f] or 0) - (b[f] or 0)
    costs = repo.collaboration_costs(session, workspace_id=workspace_id, campaign_id=campaign.id)
    costs_by_id = {c["id"]: c for c in costs}
    redemptions = repo.code_redemptions(session, workspace_id=workspace_id, campaign_id=campaign.id, start=start, end=as_of)
    coded = {r["collaboration_id"] for r in redemptions}
    collab_by_account = {c["account_id"]: c for c in costs if c["account_id"]}
    acc = _Groups()
    unconverted: dict[str, int] = defaultdict(int)
    for r in rows:
        collab = collab_by_account.get(r["account_id"])
        cid = r.get("collaboration_id") or (collab["id"] if collab else None)
        values = {f: r[f] for f in ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks")}
        values["followers_x_deliverables"], values["deliverables"] = r["followers"] or 0, 1
        if cid not in coded:  # code beats link
            values["conversions"] = r["conversions"]
            if r["revenue_cents"]:
                rev = convert(r["revenue_cents"], r["currency"], target)
                if rev is None:
                    unconverted[r["currency"]] += r["revenue_cents"]
                else:
                    values["revenue_cents"] = rev
        acc.add(keys_for(group_by, r, cutoffs), values, r["creator_id"])
    for red in redemptions:
        collab = costs_by_id.get(red["collaboration_id"])
        if collab is None:
            continue
        rev = convert(red["revenue_cents"] or 0, red["currency"], target)
        if rev is None:
            unconverted[red["currency"]] += red["revenue_cents"]
        acc.add(keys_for(group_by, collab, cutoffs), {"conversions": red["orders"] or 0, "revenue_cents": rev or 0}, None)
    for c in costs:
        fee = c["agreed_fee_cents"] if (c["agreed_fee_cents"] and c["stage"] in COMMITTED_STAGES) else 0
        parts = {"fee_cents": fee, "product_cents": c["product_cost_cents"] or 0, "shipping_cents": c["shipping_cost_cents"] or 0}
        converted = {k: convert(v, c["currency"], target) if v else 0 for k, v in parts.items()}
        if any(v is None for v in converted.values()):
            unconverted[c["currency"]] += sum(parts.values())
            continue
        if not any(converted.values()):
            continue
        acc.add(keys_for(group_by, c, cutoffs), {**converted, "cost_cents": sum(converted.values())}, None)  # type: ignore[arg-type]
    for cur, cents in unconverted.items():
        notes.append(f"{cents / 100:,.2f} {cur} left out: no exchange rate to {target} (set KOLPILOT_FX_RATES)")
    if coded:
        notes.append(f"attribution: discount-code redemptions used for {len(coded)} collaboration(s) (code beats link)")
    if as_of is not None and end is None:
        notes.append(f"link conversions counted up to {as_of} ({window_days}-day last-click window after the campaign end)")
    if start is not None:
        notes.append("costs are the campaign's committed costs, not pro-rated to the period")
    keys, sums, creators = acc.build()
    if group_by == "niche":
        # Creators with several niches appear in several groups: the total is computed once, not summed.
        total = aggregate(session, workspace_id=workspace_id, campaign=campaign, group_by="none", start=start, end=end,
                          today=today, window_days=window_days, convert=convert, cutoffs=cutoffs).total
        notes.append("niche groups overlap (creators with several niches count in each)")
    else:
        col = sums.sum(axis=0) if len(keys) else np.zeros(len(FIELDS), dtype=np.int64)
        total = Totals(**{f: int(col[j]) for j, f in enumerate(FIELDS)}, creators=set().union(*creators) if creators else set())
    return Aggregate(keys, sums, creators, total, notes, as_of)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of row tuples are fetched and
    folded: they hold no reference cycles, and the collector's generation scans triggered by
    those allocations cost more (~80 ms per 10,000-creator summary) than the work itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _aggregate_fast(session, *, workspace_id: str, campaign: Any, group_by: str, as_of: date | None,  # noqa: ANN001, C901
                    read_as_of: date | None, end: date | None, window_days: int, convert: Converter,
                    cutoffs: dict[str, int], notes: list[str]) -> Aggregate:
    """The same rules as the generic path, on plain row tuples with fixed column positions:
    the whole-campaign summary of 10,000 creators is the hot path (one key per row)."""
    target = campaign.currency
    D = {c: i for i, c in enumerate(repo.DELIVERABLE_COLUMNS)}
    C = {c: i for i, c in enumerate(repo.COST_COLUMNS)}
    rows = repo.deliverable_rows(session, workspace_id=workspace_id, campaign_id=campaign.id, as_of=read_as_of, as_tuples=True)
    costs = repo.collaboration_costs(session, workspace_id=workspace_id, campaign_id=campaign.id, as_tuples=True)
    redemptions = repo.code_redemptions(session, workspace_id=workspace_id, campaign_id=campaign.id, start=None, end=as_of)
    coded = {r["collaboration_id"] for r in redemptions}
    collab_of_account = {c[C["account_id"]]: c[C["id"]] for c in costs if c[C["account_id"]]}
    cost_by_id = {c[C["id"]]: c for c in costs}
    tiers = sorted((v, k) for k, v in cutoffs.items())

    def key(account_like: Any, idx: dict[str, int]) -> str:
        if group_by == "none":
            return "total"
        if group_by == "creator":
            h = account_like[idx["handle"]]
            return f"@{h}" if h else f"creator #{account_like[idx['creator_id']]}"
        if group_by == "tier":
            f = account_like[idx["followers"]] or 0
            name = "emerging"
            for cut, t in tiers:
                if f >= cut:
                    name = t
            return name
        if group_by == "kind":
            return account_like[idx["kind"]] or "influencer"
        return account_like[idx[group_by]] or "unknown"  # platform, country

    index: dict[str, int] = {}
    gidx: list[int] = []
    vecs: list[tuple[int, ...]] = []
    creator_of: list[int] = []
    unconverted: dict[str, int] = defaultdict(int)
    iv = [D[f] for f in ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks")]
    i_conv, i_rev, i_cur, i_fol = D["conversions"], D["revenue_cents"], D["currency"], D["followers"]
    i_cid, i_acc, i_creator = D["collaboration_id"], D["account_id"], D["creator_id"]
    for r in rows:
        cid = r[i_cid] or collab_of_account.get(r[i_acc])
        conv = rev = 0
        if cid not in coded:  # code beats link
            conv = r[i_conv] or 0
            if r[i_rev]:
                got = r[i_rev] if r[i_cur] == target else convert(r[i_rev], r[i_cur], target)
                if got is None:
                    unconverted[r[i_cur]] += r[i_rev]
                else:
                    rev = got
        k = key(r, D)
        gidx.append(index.setdefault(k, len(index)))
        vecs.append((*(r[j] or 0 for j in iv), conv, rev, 0, 0, 0, 0, r[i_fol] or 0, 1))
        creator_of.append(r[i_creator])
    for red in redemptions:
        c = cost_by_id.get(red["collaboration_id"])
        if c is None:
            continue
        got = convert(red["revenue_cents"] or 0, red["currency"], target)
        if got is None:
            unconverted[red["currency"]] += red["revenue_cents"]
        gidx.append(index.setdefault(key(c, C), len(index)))
        vecs.append((0, 0, 0, 0, 0, 0, 0, 0, red["orders"] or 0, got or 0, 0, 0, 0, 0, 0, 0))
        creator_of.append(-1)
    for c in costs:
        fee = c[C["agreed_fee_cents"]] if (c[C["agreed_fee_cents"]] and c[C["stage"]] in COMMITTED_STAGES) else 0
        product, shipping = c[C["product_cost_cents"]] or 0, c[C["shipping_cost_cents"]] or 0
        if not (fee or product or shipping):
            continue
        cur = c[C["currency"]]
        parts = [fee, product, shipping] if cur == target else [convert(v, cur, target) if v else 0 for v in (fee, product, shipping)]
        if any(v is None for v in parts):
            unconverted[cur] += fee + product + shipping
            continue
        gidx.append(index.setdefault(key(c, C), len(index)))
        vecs.append((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, sum(parts), parts[0], parts[1], parts[2], 0, 0))  # type: ignore[arg-type]
        creator_of.append(-1)
    keys = list(index)
    sums = np.zeros((len(keys), len(FIELDS)), dtype=np.int64)
    g_arr, c_arr = np.asarray(gidx, dtype=np.int64), np.asarray(creator_of, dtype=np.int64)
    if vecs:
        np.add.at(sums, g_arr, np.asarray(vecs, dtype=np.int64))
    keep = c_arr >= 0
    pairs = np.unique(np.stack([g_arr[keep], c_arr[keep]]), axis=1) if keep.any() else np.zeros((2, 0), dtype=np.int64)
    for cur, cents in unconverted.items():
        notes.append(f"{cents / 100:,.2f} {cur} left out: no exchange rate to {target} (set KOLPILOT_FX_RATES)")
    if coded:
        notes.append(f"attribution: discount-code redemptions used for {len(coded)} collaboration(s) (code beats link)")
    if as_of is not None and end is None:
        notes.append(f"link conversions counted up to {as_of} ({window_days}-day last-click window after the campaign end)")
    col = sums.sum(axis=0) if len(keys) else np.zeros(len(FIELDS), dtype=np.int64)
    total = Totals(**{f: int(col[j]) for j, f in enumerate(FIELDS)}, creators=set(np.unique(pairs[1]).tolist()))
    return Aggregate(keys, sums, None, total, notes, as_of, pairs=pairs)


def _aggregate_daily(session, *, workspace_id: str, campaign: Any, group_by: str, start: date | None, end: date | None,  # noqa: ANN001
                     convert: Converter, notes: list[str]) -> Aggregate:
    """Per-day (or ISO week) increments from cumulative snapshots. Costs are not dated, so cost
    metrics are n/a per day; the total carries them."""
    rows = repo.daily_rows(session, workspace_id=workspace_id, campaign_id=campaign.id, start=start, end=end)
    acc = _Groups()
    prev: dict[tuple, dict] = {}
    for r in sorted(rows, key=lambda r: r["date"]):
        key = (r["account_id"], r["deliverable_url"])
        p = prev.get(key)
        delta = {f: (r[f] or 0) - ((p[f] or 0) if p else 0) for f in repo.VOLUME_FIELDS}
        prev[key] = r
        if start is not None and r["date"] < start:
            continue
        rev = convert(delta["revenue_cents"], r["currency"], campaign.currency) if delta["revenue_cents"] else 0
        delta["revenue_cents"] = rev or 0
        d: date = r["date"]
        k = d.isoformat() if group_by == "day" else f"{d.isocalendar().year}-W{d.isocalendar().week:02d}"
        acc.add([k], delta, r["account_id"])
    keys, sums, creators = acc.build()
    col = sums.sum(axis=0) if len(keys) else np.zeros(len(FIELDS), dtype=np.int64)
    total = Totals(**{f: int(col[j]) for j, f in enumerate(FIELDS)})
    notes.append("per-day values are increments of cumulative snapshots; costs are not dated, so cost metrics are n/a per period")
    return Aggregate(keys, sums, creators, total, notes, end)


def previous_period(start: date, end: date) -> tuple[date, date]:
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def sort_groups(groups: Iterable[tuple[str, Any]], key: Callable[[Any], float | None]) -> list[tuple[str, Any]]:
    return sorted(groups, key=lambda kv: (key(kv[1]) is None, -(key(kv[1]) or 0)))
