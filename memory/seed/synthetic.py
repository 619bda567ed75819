"""Synthetic scale data: millions of believable creator accounts, fast.

``seed_synthetic(engine, workspace_id=..., n=1_000_000)`` adds ``n`` accounts (and their
creators and ``creator_niche`` rows, with the denormalised account columns country,
language, kind and has_email kept consistent) in **one transaction**. Nothing is
half-written: an interrupted run leaves the database as it was.

How it stays fast:

- random values come from numpy in chunks (``batch_size`` accounts at a time);
- rows go in through the driver's ``executemany`` (SQLite) or ``COPY`` (PostgreSQL),
  bypassing ORM objects;
- on SQLite, when the run is large compared with the table (``n`` ≥ 50,000 and ≥ the
  accounts already stored), the secondary indexes of ``creator``, ``account`` and
  ``creator_niche`` are dropped at the start of the transaction and re-created from
  their stored definitions before commit: one sort per index instead of a million random
  B-tree inserts. SQLite DDL is transactional, and WAL readers keep seeing the previous
  snapshot (with its indexes) until the commit. For such runs the connection's page cache
  ceiling is raised to 1 GiB (so the transaction does not spill to the WAL early) and index
  builds may sort on two threads; both settings are restored afterwards.

Handles are ``synth_0000001``, ``synth_0000002``, ...: a repeated run continues after the
highest ``synth_`` number already in the workspace, so runs add up (two runs of 500,000
give 1,000,000 accounts). Each account has its own number; a creator with two or three
accounts has consecutive numbers on different platforms. No posts are created, but
every creator gets a short bio (tagline of its niche, city) so semantic search has text.

Output is deterministic for a given ``seed`` and starting number; timestamps are relative
to the fixed demo reference date (``DEMO_NOW``, 2026-11-20 UTC).

The helpers :func:`lock_workspace` and :func:`reserve_ids` are shared with the demo seeder.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, Integer, Table, cast, func, insert, select, text, update

from memory.models import Account, Creator, Workspace
from memory.models.workspace import LOCAL_WORKSPACE
from memory.seed import vocab

#: Fixed reference "now" for generated timestamps (same as the demo's).
SYNTH_NOW = datetime(2026, 11, 20, tzinfo=UTC)
SYNTH_PREFIX = "synth_"
#: Below this many new accounts, indexes are maintained row by row (cheap enough).
INDEX_REBUILD_MIN = 50_000
#: SQLite page-cache ceiling (KiB) while a large run holds its transaction.
BIG_CACHE_KIB = 1_048_576

ProgressFn = Callable[[str, int, int], None]
"""``on_progress(stage, done, total)``; stage is ``"insert"`` (done/total in accounts) or
``"index"`` (done/total in indexes rebuilt)."""

PROFILE_URLS: dict[str, str] = {
    "instagram": "https://www.instagram.com/{h}/",
    "tiktok": "https://www.tiktok.com/@{h}",
    "youtube": "https://www.youtube.com/@{h}",
    "facebook": "https://www.facebook.com/{h}",
    "linkedin": "https://www.linkedin.com/in/{h}",
    # Blogs and podcasts live on reserved example domains: nothing real is ever fetched.
    "blog": "https://blog.example.com/{h}/",
    "podcast": "https://podcasts.example.com/{h}",
}


# --------------------------------------------------------------------------------------------
# Shared low-level helpers
# --------------------------------------------------------------------------------------------


def lock_workspace(conn: Connection, workspace_id: str, *, name: str | None = None) -> None:
    """Create the workspace row if missing, then hold a write lock for the rest of the
    transaction so that id reservation and "is it seeded already?" checks cannot race
    another seeder: SQLite takes its database write lock on the first write statement
    (hence the no-op UPDATE), PostgreSQL locks the workspace row."""
    ws = Workspace.__table__
    if conn.execute(select(ws.c.id).where(ws.c.id == workspace_id)).first() is None:
        conn.execute(insert(ws).values(id=workspace_id, name=name or workspace_id, timezone="UTC",
                                       created_at=datetime.now(UTC)))
    if conn.dialect.name == "sqlite":
        conn.execute(update(ws).where(ws.c.id == workspace_id).values(name=ws.c.name))
    else:
        conn.execute(select(ws.c.id).where(ws.c.id == workspace_id).with_for_update())


def reserve_ids(conn: Connection, table: Table, n: int) -> list[int]:
    """``n`` fresh primary-key values for ``table``, so rows can be inserted with explicit
    ids in bulk (no RETURNING round trips) while children reference them.

    SQLite: ``max(id)+1 ...`` — safe because the caller holds the write lock
    (:func:`lock_workspace`). PostgreSQL: drawn from the table's own sequence, so
    concurrent ordinary inserts never collide with them."""
    if n <= 0:
        return []
    if conn.dialect.name == "sqlite":
        start = (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
        return list(range(start, start + n))
    rows = conn.execute(
        text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
        {"t": table.name, "n": n},
    )
    return [r[0] for r in rows]


def _copy_rows(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL COPY FROM STDIN through psycopg, within the connection's transaction."""
    raw = conn.connection.driver_connection
    cols = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def _sqlite_rows(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    marks = ", ".join("?" for _ in columns)
    conn.exec_driver_sql(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})', list(rows))


def _bulk(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        _sqlite_rows(conn, table, columns, rows)
    else:
        _copy_rows(conn, table, columns, rows)


def _db_datetime(conn: Connection, column: Any) -> Callable[[datetime], Any]:
    """The value the driver is given for an aware datetime in ``column``: what SQLAlchemy
    itself would bind (SQLite stores UTC text; psycopg takes the datetime as is)."""
    if conn.dialect.name != "sqlite":
        return lambda d: d
    proc = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return proc if proc is not None else (lambda d: d)


# --------------------------------------------------------------------------------------------
# Numbering and index management
# --------------------------------------------------------------------------------------------


def next_synthetic_number(conn: Connection, workspace_id: str) -> int:
    """1 + the highest ``synth_<digits>`` handle number in the workspace (1 if none)."""
    acc = Account.__table__
    number = cast(func.substr(acc.c.handle, len(SYNTH_PREFIX) + 1), Integer)
    q = select(func.max(number)).where(acc.c.workspace_id == workspace_id)
    if conn.dialect.name == "sqlite":
        q = q.where(acc.c.handle.op("GLOB")(f"{SYNTH_PREFIX}[0-9]*"))
    else:
        q = q.where(acc.c.handle.like(f"{SYNTH_PREFIX}%"), acc.c.handle.op("~")(f"^{SYNTH_PREFIX}[0-9]+$"))
    return (conn.execute(q).scalar() or 0) + 1


def _drop_sqlite_indexes(conn: Connection) -> list[tuple[str, str]]:
    """Drop the secondary indexes of the three tables and return their CREATE statements.
    Unique constraints and primary keys (auto-indexes, ``sql IS NULL``) stay."""
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('creator', 'account', 'creator_niche') ORDER BY name"
    ).all()
    for name, _sql in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [(r[0], r[1]) for r in rows]


def _big_transaction_pragmas(conn: Connection) -> list[str]:
    """Raise this connection's page cache (so a big transaction does not spill dirty pages
    to the WAL before commit) and let index builds sort on two threads; returns the
    statements that restore the previous values. Both are upper bounds, not allocations."""
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    threads = conn.exec_driver_sql("PRAGMA threads").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-BIG_CACHE_KIB}")
    conn.exec_driver_sql("PRAGMA threads = 2")
    return [f"PRAGMA cache_size = {int(cache)}", f"PRAGMA threads = {int(threads)}"]


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------


class _Tables:
    """Lookup arrays derived from the vocabulary once per run."""

    def __init__(self) -> None:
        self.niches = list(vocab.NICHES.values())
        self.niche_names = [n.name for n in self.niches]
        w = np.array([n.weight for n in self.niches], dtype=float)
        self.p_niche_inf = w / w.sum()
        k = np.array([n.kol_weight for n in self.niches], dtype=float)
        self.p_niche_kol = k / k.sum()
        index = {name: i for i, name in enumerate(self.niche_names)}
        self.related = [np.array([index[r] for r in n.related if r in index]) for n in self.niches]
        self.female_pct = np.array([n.female_pct for n in self.niches])
        self.countries = list(vocab.COUNTRIES)
        cw = np.array([c.weight for c in self.countries], dtype=float)
        self.p_country = cw / cw.sum()
        self.platforms = list(vocab.INFLUENCER_PLATFORMS)
        self.log_w_inf = np.log(np.array([vocab.INFLUENCER_PLATFORMS[p] for p in self.platforms], dtype=float))
        self.log_w_kol = np.log(np.array([vocab.KOL_PLATFORMS[p] for p in self.platforms], dtype=float))
        self.f_factor = np.log10(np.array([vocab.PLATFORM_FOLLOWER_FACTOR[p] for p in self.platforms]))
        self.er_factor = np.array([vocab.PLATFORM_ER_FACTOR[p] for p in self.platforms])
        self.view_factor = np.array([vocab.PLATFORM_VIEW_FACTOR[p] for p in self.platforms])
        self.young = np.array([vocab.PLATFORM_YOUNG_PCT[p] for p in self.platforms])
        self.url_templates = [PROFILE_URLS[p] for p in self.platforms]


def engagement_rate(followers: np.ndarray, platform_factor: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Engagement rate by followers: falls with audience size (about 4.3% at 1K, 2.9% at
    10K, 2.0% at 100K, 1.3% at 1M on Instagram), scaled per platform, with noise."""
    return np.clip(0.14 * np.power(followers, -0.17) * platform_factor * noise, 0.002, 0.30)


def _generate_chunk(rng: np.random.Generator, t: _Tables, first_number: int, m: int) -> dict[str, Any]:
    """Arrays and strings for ``m`` accounts numbered from ``first_number``."""
    # Accounts per creator: 70% one, 22% two, 8% three (same person on several platforms).
    per = rng.choice([1, 2, 3], size=m, p=[0.70, 0.22, 0.08])
    ends = np.cumsum(per)
    c = int(np.searchsorted(ends, m) + 1)
    per = per[:c]
    per[-1] -= int(ends[c - 1] - m)  # trim the last creator so the chunk has exactly m accounts
    kol = rng.random(c) < 0.10
    niche1 = np.where(kol, rng.choice(len(t.niches), c, p=t.p_niche_kol), rng.choice(len(t.niches), c, p=t.p_niche_inf))
    niche2 = np.full(c, -1)
    has2 = rng.random(c) < 0.40
    for j, rel in enumerate(t.related):
        mask = has2 & (niche1 == j)
        if rel.size and mask.any():
            niche2[mask] = rel[rng.integers(0, rel.size, int(mask.sum()))]
    country = rng.choice(len(t.countries), c, p=t.p_country)
    lang = np.empty(c, dtype=object)
    city = np.empty(c, dtype=object)
    for j, ctry in enumerate(t.countries):
        mask = country == j
        k = int(mask.sum())
        if not k:
            continue
        codes = [code for code, _ in ctry.languages]
        pw = np.array([w for _, w in ctry.languages])
        lang[mask] = np.array(codes, dtype=object)[rng.choice(len(codes), k, p=pw / pw.sum())]
        city[mask] = np.array(ctry.cities, dtype=object)[rng.integers(0, len(ctry.cities), k)]
    female = rng.random(c) < (0.15 + 0.75 * t.female_pct[niche1])
    name_r = rng.integers(0, 1 << 30, size=(c, 4))
    has_email = rng.random(c) < np.where(kol, 0.85, 0.68)
    aud_home = rng.random(c) < 0.8
    aud_female = np.round(np.clip(t.female_pct[niche1] + rng.normal(0, 0.07, c), 0.02, 0.98), 3)

    # Platforms: a weighted sample without replacement per creator (Gumbel top-k).
    logits = np.where(kol[:, None], t.log_w_kol[None, :], t.log_w_inf[None, :]) + rng.gumbel(size=(c, len(t.platforms)))
    order = np.argsort(-logits, axis=1)
    owner = np.repeat(np.arange(c), per)
    starts = np.repeat(np.cumsum(per) - per, per)
    pos = np.arange(m) - starts
    platform = order[owner, pos]
    base = np.where(kol, rng.normal(3.8, 0.75, c), rng.normal(4.0, 0.8, c))
    log_f = base[owner] + t.f_factor[platform] + np.where(pos > 0, rng.normal(-0.4, 0.45, m), 0.0)
    followers = np.maximum(np.power(10.0, log_f), 20).astype(np.int64)
    er = engagement_rate(followers, t.er_factor[platform], rng.lognormal(0, 0.25, m))
    engaged = followers * er
    views = followers * t.view_factor[platform] * rng.lognormal(0, 0.4, m)
    last_post_min = np.minimum(rng.exponential(6 * 24 * 60, m), 180 * 24 * 60).astype(np.int64)
    aud_young = np.round(np.clip(t.young[platform[np.cumsum(per) - per]] + rng.normal(0, 0.08, c), 0.05, 0.95), 3)
    return {
        "c": c, "per": per, "kol": kol, "niche1": niche1, "niche2": niche2, "country": country, "lang": lang,
        "city": city, "female": female, "name_r": name_r, "has_email": has_email, "aud_home": aud_home,
        "aud_female": aud_female, "aud_young": aud_young, "owner": owner, "platform": platform,
        "followers": followers, "er": np.round(er, 5), "avg_likes": np.round(engaged * 0.93, 1),
        "avg_comments": np.round(engaged * 0.07, 1), "avg_views": np.round(views, 1),
        "last_post_min": last_post_min,
    }


def seed_synthetic(
    engine: Engine,
    *,
    workspace_id: str = LOCAL_WORKSPACE,
    n: int,
    seed: int = 0,
    on_progress: ProgressFn | None = None,
    batch_size: int = 100_000,
    now: datetime = SYNTH_NOW,
) -> dict[str, Any]:
    """Add ``n`` synthetic accounts (plus their creators and niche rows) to ``workspace_id``
    in one transaction; returns a summary with counts, the handle range and seconds taken.

    Works on SQLite and PostgreSQL. ``on_progress(stage, done, total)`` is called after
    each batch (stage ``"insert"``) and each rebuilt index (stage ``"index"``). The same
    ``seed`` and starting handle number give the same rows."""
    if n <= 0:
        raise ValueError("n must be positive")
    t0 = time.perf_counter()
    tables = _Tables()
    creators_total = niches_total = 0
    rebuilt: list[tuple[str, str]] = []
    with engine.begin() as conn:
        lock_workspace(conn, workspace_id)
        first = next_synthetic_number(conn, workspace_id)
        rng = np.random.default_rng([seed, first])
        sqlite = conn.dialect.name == "sqlite"
        restore: list[str] = []
        if sqlite:
            stored = conn.execute(select(func.count()).select_from(Account.__table__)).scalar() or 0
            if n >= INDEX_REBUILD_MIN and n >= stored:
                restore = _big_transaction_pragmas(conn)
        try:
            if restore:
                rebuilt = _drop_sqlite_indexes(conn)
            to_db = _db_datetime(conn, Account.__table__.c.last_post_at)
            now_db = to_db(now)
            # Last-post times are whole minutes before `now`: convert each distinct value once.
            minute_pool: dict[int, Any] = {}

            def last_post(minutes: int) -> Any:
                v = minute_pool.get(minutes)
                if v is None:
                    v = minute_pool[minutes] = to_db(now - timedelta(minutes=minutes))
                return v

            done = 0
            while done < n:
                m = min(batch_size, n - done)
                g = _generate_chunk(rng, tables, first + done, m)
                c = g["c"]
                ids = reserve_ids(conn, Creator.__table__, c)
                creators, accounts, niche_rows = _rows(g, tables, ids, first + done, workspace_id, now_db, last_post)
                _bulk(conn, "creator", _CREATOR_COLS, creators)
                _bulk(conn, "account", _ACCOUNT_COLS, accounts)
                _bulk(conn, "creator_niche", ("creator_id", "niche", "workspace_id"), niche_rows)
                creators_total += c
                niches_total += len(niche_rows)
                done += m
                if on_progress:
                    on_progress("insert", done, n)
            for i, (_name, sql) in enumerate(rebuilt, 1):
                conn.exec_driver_sql(sql)
                if on_progress:
                    on_progress("index", i, len(rebuilt))
        finally:
            for stmt in restore:  # the pooled connection goes back with its usual settings
                conn.exec_driver_sql(stmt)
    if engine.dialect.name == "sqlite":
        # Fold the (large) WAL back into the database file now rather than at some later reader.
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        "workspace": workspace_id,
        "backend": engine.dialect.name,
        "accounts": n,
        "creators": creators_total,
        "creator_niches": niches_total,
        "first_handle": f"{SYNTH_PREFIX}{first:07d}",
        "last_handle": f"{SYNTH_PREFIX}{first + n - 1:07d}",
        "indexes_rebuilt": len(rebuilt),
        "seconds": round(time.perf_counter() - t0, 2),
    }


_CREATOR_COLS = (
    "id", "workspace_id", "external_id", "name", "kind", "credentials", "email", "country", "city", "language",
    "niches", "bio", "audience_top_country", "audience_female_pct", "audience_age_18_34_pct", "do_not_contact",
    "created_at", "updated_at",
)
_ACCOUNT_COLS = (
    "workspace_id", "creator_id", "platform", "handle", "followers", "engagement_rate", "engagement_basis",
    "avg_likes", "avg_comments", "avg_views", "profile_url", "country", "language", "kind", "has_email",
    "last_post_at", "created_at", "updated_at",
)


def _rows(
    g: dict[str, Any], t: _Tables, ids: list[int], first_number: int, workspace_id: str, now_db: Any,
    last_post: Callable[[int], Any],
) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Turn one generated chunk into creator, account and creator_niche row tuples."""
    c, per = g["c"], g["per"].tolist()
    first_acc = (np.cumsum(g["per"]) - g["per"]).tolist()
    kol, niche1, niche2 = g["kol"].tolist(), g["niche1"].tolist(), g["niche2"].tolist()
    country, lang, city = g["country"].tolist(), g["lang"].tolist(), g["city"].tolist()
    female, name_r, has_email = g["female"].tolist(), g["name_r"].tolist(), g["has_email"].tolist()
    aud_home, aud_female, aud_young = g["aud_home"].tolist(), g["aud_female"].tolist(), g["aud_young"].tolist()
    niches, countries, names = t.niches, t.countries, t.niche_names
    creators: list[tuple] = []
    niche_rows: list[tuple] = []
    denorm: list[tuple[str, str, str, bool]] = []
    for i in range(c):
        cid = ids[i]
        lg = lang[i]
        ctry = countries[country[i]]
        r = name_r[i]
        firsts = vocab.FIRST_NAMES[lg]["f" if female[i] else "m"]
        lasts = vocab.LAST_NAMES[lg]
        niche = niches[niche1[i]]
        is_kol = kol[i]
        credential = niche.credentials[r[2] % len(niche.credentials)] if is_kol and niche.credentials else None
        title = "Dr. " if credential and ("(MD)" in credential or "(PhD)" in credential or "(DVM)" in credential
                                          or "(PsyD)" in credential or "dermatologist" in credential) else ""
        name = f"{title}{firsts[r[0] % len(firsts)]} {lasts[r[1] % len(lasts)]}"
        tl = vocab.text_language(lg)
        taglines = niche.taglines[tl]
        tagline = taglines[r[3] % len(taglines)]
        bio = f"{credential}. {tagline} 📍 {city[i]}" if credential else f"{tagline} 📍 {city[i]}"
        number = first_number + first_acc[i]
        email = f"{SYNTH_PREFIX}{number:07d}@example.com" if has_email[i] else None
        n2 = niche2[i]
        niche_list = [names[niche1[i]]] + ([names[n2]] if n2 >= 0 and n2 != niche1[i] else [])
        top = ctry.code if aud_home[i] else ("GB" if ctry.code == "US" else "US")
        kind = "kol" if is_kol else "influencer"
        creators.append((
            cid, workspace_id, None, name, kind, credential, email, ctry.code, city[i], lg, ";".join(niche_list),
            bio, top, aud_female[i], aud_young[i], False, now_db, now_db,
        ))
        for nm in niche_list:
            niche_rows.append((cid, nm, workspace_id))
        denorm.append((ctry.code, lg, kind, email is not None))
    owner, platform = g["owner"].tolist(), g["platform"].tolist()
    followers, er = g["followers"].tolist(), g["er"].tolist()
    likes, comments, views = g["avg_likes"].tolist(), g["avg_comments"].tolist(), g["avg_views"].tolist()
    last_min = g["last_post_min"].tolist()
    plat_names, urls = t.platforms, t.url_templates
    accounts: list[tuple] = []
    for j in range(len(owner)):
        o = owner[j]
        handle = f"{SYNTH_PREFIX}{first_number + j:07d}"
        p = platform[j]
        ctry_code, lg, kind, has = denorm[o]
        accounts.append((
            workspace_id, ids[o], plat_names[p], handle, followers[j], er[j], "followers", likes[j], comments[j],
            views[j], urls[p].format(h=handle), ctry_code, lg, kind, has, last_post(last_min[j]), now_db, now_db,
        ))
    assert sum(per) == len(accounts)
    return creators, accounts, niche_rows
