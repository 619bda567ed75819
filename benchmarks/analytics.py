"""Creator-analytics benchmark (memory.repo.analytics), SQLite.

    python benchmarks/analytics.py [--accounts 200000] [--posts-per-account 12]
                                   [--import-posts 100000] [--db-dir DIR]

1. **recompute**: ``seed_synthetic`` adds ``--accounts`` accounts, ``--posts-per-account``
   posts each are bulk-inserted (spread over the last 120 days, some outside the ER
   window), one follower snapshot per account 40 days ago; then
   ``recompute_accounts`` runs over the whole workspace (timed; target <= 30 s at 200,000
   accounts x 12 posts), and once more (nothing changes: the read-only cost).
2. **posts import**: two fresh workspaces with the same 10,000 accounts import the same
   posts.csv of ``--import-posts`` rows, one with analytics off (``Analytics(recompute=False)``)
   and one with it on; the ratio on/off is the cost of keeping analytics current
   (target <= 1.5). The order alternates over two rounds; the median is reported.

Prints progress, then one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from integrations.sources.csv_import import Analytics, import_posts  # noqa: E402
from memory.db import make_engine, session_factory, session_scope, upgrade  # noqa: E402
from memory.models import Account, FollowerSnapshot, Post  # noqa: E402
from memory.repo.analytics import recompute_accounts  # noqa: E402
from memory.repo.workspaces import ensure_workspace  # noqa: E402
from memory.seed.synthetic import seed_synthetic  # noqa: E402

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _seed_posts(engine, ws: str, per_account: int, rng: random.Random) -> tuple[int, list[tuple[int, str, str]]]:  # noqa: ANN001
    with engine.begin() as conn:
        accounts = [(int(r[0]), r[1], r[2]) for r in conn.execute(
            select(Account.id, Account.platform, Account.handle).where(Account.workspace_id == ws).order_by(Account.id))]
        rows, snaps, n = [], [], 0
        for aid, platform, _ in accounts:
            for j in range(per_account):
                rows.append({"workspace_id": ws, "account_id": aid, "platform": platform,
                             "url": f"https://bench.example/{aid}/{j}", "posted_at": NOW - timedelta(days=rng.uniform(0, 120)),
                             "likes": rng.randint(0, 5000), "comments": rng.randint(0, 300), "shares": rng.randint(0, 100),
                             "is_sponsored": False, "brands": "", "created_at": NOW})
            snaps.append({"workspace_id": ws, "account_id": aid, "date": (NOW - timedelta(days=40)).date(),
                          "followers": rng.randint(100, 100_000), "source": "import"})
            if len(rows) >= 100_000:
                conn.execute(insert(Post.__table__), rows)
                n += len(rows)
                rows = []
        if rows:
            conn.execute(insert(Post.__table__), rows)
            n += len(rows)
        for i in range(0, len(snaps), 50_000):
            conn.execute(insert(FollowerSnapshot.__table__), snaps[i:i + 50_000])
    return n, accounts


def bench_recompute(db_dir: Path, n_accounts: int, per_account: int) -> dict:
    engine = make_engine(f"sqlite:///{db_dir / 'recompute.db'}")
    upgrade(engine)
    t0 = time.perf_counter()
    seed_synthetic(engine, workspace_id="bench", n=n_accounts)
    n_posts, _ = _seed_posts(engine, "bench", per_account, random.Random(1))
    log(f"seeded {n_accounts:,} accounts and {n_posts:,} posts in {time.perf_counter() - t0:.1f}s")
    sessions = session_factory(engine)
    t0 = time.perf_counter()
    with session_scope(sessions) as s:
        changed = recompute_accounts(s, workspace_id="bench", now=NOW)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    with session_scope(sessions) as s:
        unchanged = recompute_accounts(s, workspace_id="bench", now=NOW)
    again = time.perf_counter() - t0
    log(f"recompute: {first:.2f}s ({changed:,} rows changed); again: {again:.2f}s ({unchanged} changed)")
    engine.dispose()
    return {"accounts": n_accounts, "posts": n_posts, "seconds": round(first, 2), "rows_changed": changed,
            "seconds_unchanged": round(again, 2), "target_seconds": 30, "ok": first <= 30}


def bench_import(db_dir: Path, n_posts: int) -> dict:
    n_accounts = 10_000
    rng = random.Random(2)
    csv_path = db_dir / "posts.csv"
    times: dict[bool, list[float]] = {False: [], True: []}
    for rnd, order in enumerate(((False, True), (True, False))):
        for recompute in order:
            engine = make_engine(f"sqlite:///{db_dir / f'import_{rnd}_{int(recompute)}.db'}")
            upgrade(engine)
            seed_synthetic(engine, workspace_id="bench", n=n_accounts)  # deterministic: the same handles every time
            if not csv_path.exists():
                with engine.connect() as conn:
                    accounts = [(r[0], r[1]) for r in conn.execute(
                        select(Account.platform, Account.handle).where(Account.workspace_id == "bench").order_by(Account.id))]
                with csv_path.open("w", encoding="utf-8") as out:
                    out.write("platform,handle,posted_at,url,likes,comments,shares\n")
                    for i in range(n_posts):
                        platform, handle = accounts[i % len(accounts)]
                        at = (NOW - timedelta(days=rng.uniform(0, 120))).strftime("%Y-%m-%dT%H:%M:%SZ")
                        out.write(f"{platform},{handle},{at},https://bench.example/p/{i},{rng.randint(0, 5000)},"
                                  f"{rng.randint(0, 300)},{rng.randint(0, 50)}\n")
            sessions = session_factory(engine)
            with session_scope(sessions) as s:
                ensure_workspace(s, workspace_id="bench")
            t0 = time.perf_counter()
            report = import_posts(sessions, workspace_id="bench", path=csv_path,
                                  analytics=Analytics(now=NOW, recompute=recompute))
            seconds = time.perf_counter() - t0
            assert report.inserted == n_posts, report.summary()
            times[recompute].append(seconds)
            log(f"import {n_posts:,} posts, analytics {'on' if recompute else 'off'}: {seconds:.2f}s")
            engine.dispose()
    off, on = statistics.median(times[False]), statistics.median(times[True])
    return {"posts": n_posts, "accounts": n_accounts, "seconds_without_analytics": round(off, 2),
            "seconds_with_analytics": round(on, 2), "ratio": round(on / off, 3), "target_ratio": 1.5,
            "ok": on / off <= 1.5}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=200_000)
    ap.add_argument("--posts-per-account", type=int, default=12)
    ap.add_argument("--import-posts", type=int, default=100_000)
    ap.add_argument("--db-dir", type=Path, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_dir = args.db_dir or Path(tmp)
        db_dir.mkdir(parents=True, exist_ok=True)
        result = {"recompute": bench_recompute(db_dir, args.accounts, args.posts_per_account),
                  "posts_import": bench_import(db_dir, args.import_posts)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
