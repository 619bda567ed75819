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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from memory.domain.money import Converter, format_money
from memory.repo import metrics as repo
from memory.tiers import tier_for
from tools.metrics.formulas import Totals

COMMITTED_STAGES = {"agreed", "product_shipped", "content_submitted", "content_approved", "posted", "paid", "closed"}
GROUPS = ("none", "creator", "tier", "platform", "kind", "niche", "country", "day", "week")


# Additive fields, in the column order of the group matrix.
FIELDS = ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks", "conversions", "revenue_cents",
          "cost_cents", "fee_cents", "product_cents", "shipping_cents", "followers_x_deliverables", "deliverables")
IDX = {f: i for i, f in enumerate(FIELDS)}


@dataclass
class Aggregate:
    """Grouped sums as a matrix (one row per group, columns FIELDS) — vectorised so a
    10,000-creator breakdown costs milliseconds — and the (group, creator) pairs behind
    each group's distinct-creator count (cheaper than 10,000 small sets)."""

    keys: list[str]
    sums: np.ndarray
    pairs: np.ndarray
    total: Totals
    notes: list[str]
    as_of: date | None

    @property
    def groups(self) -> dict[str, Totals]:
        return {k: self.totals(i) for i, k in enumerate(self.keys)}

    def totals(self, i: int) -> Totals:
        row = self.sums[i]
        return Totals(**{f: int(row[j]) for j, f in enumerate(FIELDS)},
                      creators=set(self.pairs[1][self.pairs[0] == i].tolist()))


class _Acc:
    """Folds rows (a FIELDS-ordered tuple each) into groups with one numpy ``add.at``. A row
    that belongs to several groups (niches) counts once in the total."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.gidx: list[int] = []
        self.vecs: list[tuple[int, ...]] = []
        self.creator: list[int] = []
        self.total = np.zeros(len(FIELDS), dtype=np.int64)
        self.total_rows: list[tuple[int, ...]] = []

    def add(self, keys: list[str], vec: tuple[int, ...], creator_id: int = -1) -> None:
        for k in keys:
            self.gidx.append(self.index.setdefault(k, len(self.index)))
            self.vecs.append(vec)
            self.creator.append(creator_id)
        self.total_rows.append(vec)

    def build(self, notes: list[str], as_of: date | None) -> Aggregate:
        keys = list(self.index)
        sums = np.zeros((len(keys), len(FIELDS)), dtype=np.int64)
        g, c = np.asarray(self.gidx, dtype=np.int64), np.asarray(self.creator, dtype=np.int64)
        if self.vecs:
            np.add.at(sums, g, np.asarray(self.vecs, dtype=np.int64))
        keep = c >= 0
        pairs = np.unique(np.stack([g[keep], c[keep]]), axis=1) if keep.any() else np.zeros((2, 0), dtype=np.int64)
        col = np.asarray(self.total_rows, dtype=np.int64).sum(axis=0) if self.total_rows else np.zeros(len(FIELDS), np.int64)
        total = Totals(**{f: int(col[j]) for j, f in enumerate(FIELDS)}, creators=set(np.unique(pairs[1]).tolist()))
        return Aggregate(keys, sums, pairs, total, notes, as_of)


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


def _key_function(group_by: str, cutoffs: dict[str, int]) -> Callable[[Any, dict[str, int]], list[str]]:
    """Group keys of a row (deliverable or collaboration tuple, with its column positions)."""
    if group_by not in GROUPS or group_by in ("day", "week"):
        raise ValueError(f"unknown grouping {group_by!r}; use one of {', '.join(GROUPS)}")

    def key(row: Any, idx: dict[str, int]) -> list[str]:
        if group_by == "none":
            return ["total"]
        if group_by == "creator":
            h = row[idx["handle"]]
            return [f"@{h}" if h else f"creator #{row[idx['creator_id']]}"]
        if group_by == "tier":
            return [tier_for(row[idx["followers"]] or 0, cutoffs)]
        if group_by == "kind":
            return [row[idx["kind"]] or "influencer"]
        if group_by == "niche":
            return [n for n in (row[idx["niches"]] or "").split(";") if n] or ["unknown"]
        return [row[idx[group_by]] or "unknown"]  # platform, country

    return key


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
    notes: list[str] = []
    # Which snapshot is "as of" the end of the period (or the end of the attribution window).
    as_of = end
    if as_of is None and campaign.end_date is not None:
        window_end = campaign.end_date + timedelta(days=window_days)
        if today > window_end:
            as_of = window_end
    with _gc_paused():
        if group_by in ("day", "week"):
            return _aggregate_daily(session, workspace_id=workspace_id, campaign=campaign, group_by=group_by, start=start,
                                    end=as_of, convert=convert, notes=notes)
        key = _key_function(group_by, cutoffs)
        read_as_of = as_of
        if as_of is not None:
            _, newest = repo.snapshot_dates(session, campaign_id=campaign.id)
            if newest is None or newest <= as_of:
                # Nothing newer than the cut-off: the flagged latest rows are the answer, without
                # ranking every snapshot of the campaign.
                read_as_of = None
        acc = _fold(session, workspace_id=workspace_id, campaign=campaign, key=key, start=start, as_of=as_of,
                    read_as_of=read_as_of, convert=convert, notes=notes)
    if as_of is not None and end is None:
        notes.append(f"link conversions counted up to {as_of} ({window_days}-day last-click window after the campaign end)")
    if start is not None:
        notes.append("costs are the campaign's committed costs, not pro-rated to the period")
    if group_by == "niche":
        notes.append("niche groups overlap (creators with several niches count in each)")
    return acc.build(notes, as_of)


def _fold(session, *, workspace_id: str, campaign: Any, key: Callable[[Any, dict[str, int]], list[str]],  # noqa: ANN001, C901
          start: date | None, as_of: date | None, read_as_of: date | None, convert: Converter, notes: list[str]) -> _Acc:
    """Deliverable volumes (period deltas when ``start`` is set), code redemptions and costs,
    on plain row tuples with fixed column positions (the 10,000-creator summary is a hot path)."""
    target = campaign.currency
    D = {c: i for i, c in enumerate(repo.DELIVERABLE_COLUMNS)}
    C = {c: i for i, c in enumerate(repo.COST_COLUMNS)}
    rows = repo.deliverable_rows(session, workspace_id=workspace_id, campaign_id=campaign.id, as_of=read_as_of, as_tuples=True)
    vol = [D[f] for f in ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks", "conversions",
                          "revenue_cents")]
    before: dict[tuple[int, str], tuple[int, ...]] = {}
    if start is not None:  # a period: subtract each deliverable's cumulative numbers the day before it starts
        for b in repo.deliverable_rows(session, workspace_id=workspace_id, campaign_id=campaign.id,
                                       as_of=start - timedelta(days=1), as_tuples=True):
            before[(b[D["account_id"]], b[D["deliverable_url"]])] = tuple(b[j] or 0 for j in vol)
    costs = repo.collaboration_costs(session, workspace_id=workspace_id, campaign_id=campaign.id, as_tuples=True)
    redemptions = repo.code_redemptions(session, workspace_id=workspace_id, campaign_id=campaign.id, start=start, end=as_of)
    coded = {r["collaboration_id"] for r in redemptions}
    collab_of_account = {c[C["account_id"]]: c[C["id"]] for c in costs if c[C["account_id"]]}
    cost_by_id = {c[C["id"]]: c for c in costs}
    acc = _Acc()
    unconverted: dict[str, int] = defaultdict(int)
    i_cur, i_fol = D["currency"], D["followers"]
    i_cid, i_acc, i_creator, i_url = D["collaboration_id"], D["account_id"], D["creator_id"], D["deliverable_url"]
    for r in rows:
        v = [r[j] or 0 for j in vol]
        prior = before.get((r[i_acc], r[i_url]))
        if prior:
            v = [a - b for a, b in zip(v, prior, strict=True)]
        conv, rev = v[8], v[9]
        if (r[i_cid] or collab_of_account.get(r[i_acc])) in coded:  # code beats link
            conv = rev = 0
        elif rev and r[i_cur] != target:
            got = convert(rev, r[i_cur], target)
            if got is None:
                unconverted[r[i_cur]] += rev
            rev = got or 0
        acc.add(key(r, D), (*v[:8], conv, rev, 0, 0, 0, 0, r[i_fol] or 0, 1), r[i_creator])
    for red in redemptions:
        c = cost_by_id.get(red["collaboration_id"])
        if c is None:
            continue
        got = convert(red["revenue_cents"] or 0, red["currency"], target)
        if got is None:
            unconverted[red["currency"]] += red["revenue_cents"]
        acc.add(key(c, C), (0, 0, 0, 0, 0, 0, 0, 0, red["orders"] or 0, got or 0, 0, 0, 0, 0, 0, 0))
    for c in costs:
        fee = c[C["agreed_fee_cents"]] if (c[C["agreed_fee_cents"]] and c[C["stage"]] in COMMITTED_STAGES) else 0
        product, shipping = c[C["product_cost_cents"]] or 0, c[C["shipping_cost_cents"]] or 0
        if not (fee or product or shipping):
            continue
        cur = c[C["currency"]]
        parts = [fee, product, shipping] if cur == target else [convert(x, cur, target) if x else 0 for x in (fee, product, shipping)]
        if any(x is None for x in parts):
            unconverted[cur] += fee + product + shipping
            continue
        acc.add(key(c, C), (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, sum(parts), parts[0], parts[1], parts[2], 0, 0))  # type: ignore[arg-type]
    for cur, cents in unconverted.items():
        notes.append(f"{format_money(cents, cur)} left out: no exchange rate to {target} (set KOLPILOT_FX_RATES)")
    if coded:
        notes.append(f"attribution: discount-code redemptions used for {len(coded)} collaboration(s) (code beats link)")
    return acc


def _aggregate_daily(session, *, workspace_id: str, campaign: Any, group_by: str, start: date | None, end: date | None,  # noqa: ANN001
                     convert: Converter, notes: list[str]) -> Aggregate:
    """Per-day (or ISO week) increments from cumulative snapshots. Costs are not dated, so cost
    metrics are n/a per day; the total carries them."""
    rows = repo.daily_rows(session, workspace_id=workspace_id, campaign_id=campaign.id, start=start, end=end)
    acc = _Acc()
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
        acc.add([k], tuple(int(delta.get(f, 0)) for f in FIELDS), r["account_id"])
    notes.append("per-day values are increments of cumulative snapshots; costs are not dated, so cost metrics are n/a per period")
    return acc.build(notes, end)


def previous_period(start: date, end: date) -> tuple[date, date]:
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)
