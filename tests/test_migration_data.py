"""Upgrading an existing database keeps its data (SQLite batch rebuilds must not cascade)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from memory.db import make_engine, session_factory, upgrade
from memory.seed.demo import seed_demo


def test_upgrade_from_0003_keeps_every_row(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0003")
    # Seed with the current models' columns that exist at 0003 (0004 only widens integer types).
    seed_demo(session_factory(engine), workspace_id="local", analytics=False)
    tables = ["creator", "account", "post", "campaign", "collaboration", "stage_event", "payout", "metric_snapshot"]
    with engine.connect() as c:
        before = {t: c.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in tables}
    assert before["collaboration"] > 0 and before["metric_snapshot"] > 0
    upgrade(engine)
    with engine.connect() as c:
        after = {t: c.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in tables}
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        # 0007: the stored rates were import-file rates, so they become the reported ones.
        rates = c.execute(text("SELECT engagement_rate, reported_engagement_rate, engagement_source FROM account")).all()
    assert after == before
    assert rates and all(r[0] is not None for r in rates)
    assert all(r[1] == r[0] and r[2] == "reported" for r in rates)
