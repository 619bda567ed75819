"""Creator/account repository on SQLite and PostgreSQL: upserts, person matching,
denormalised search columns, niches, posts and brand mentions, workspace scoping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from memory.db import session_scope
from memory.models import Account, AccountBrand, AccountCreate, CreatorCreate, CreatorNiche, PostCreate
from memory.repo.creators import (
    count_accounts,
    find_accounts_by_handle,
    get_account,
    recent_posts,
    upsert_creator_account,
    upsert_post,
)
from memory.repo.workspaces import ensure_workspace


def _sam(**kw) -> tuple[CreatorCreate, AccountCreate]:
    c = CreatorCreate(name="Sam Rivera", country="FR", language="fr", niches="Skincare; Beauty", email="sam@example.com", **kw)
    a = AccountCreate(platform="instagram", handle="@Skin.By.Sam", followers=45_200, engagement_rate=0.041)
    return c, a


def test_upsert_is_idempotent_and_reports_status(sessions, workspace_id: str) -> None:
    with session_scope(sessions) as s:
        c, a = _sam()
        assert upsert_creator_account(s, workspace_id=workspace_id, creator=c, account=a)[0] == "inserted"
        assert upsert_creator_account(s, workspace_id=workspace_id, creator=c, account=a)[0] == "unchanged"
        a2 = AccountCreate(platform="instagram", handle="skin.by.sam", followers=46_000)
        status, acc = upsert_creator_account(s, workspace_id=workspace_id, creator=CreatorCreate(), account=a2)
        assert status == "updated"
        assert acc.followers == 46_000
        assert acc.engagement_rate == pytest.approx(0.041)  # None never erases


def test_same_email_means_same_person_and_denormalised_columns_follow(sessions, workspace_id: str) -> None:
    with session_scope(sessions) as s:
        c, a = _sam()
        _, ig = upsert_creator_account(s, workspace_id=workspace_id, creator=c, account=a)
        _, tt = upsert_creator_account(
            s, workspace_id=workspace_id, creator=CreatorCreate(email="SAM@example.com", country="BE"),
            account=AccountCreate(platform="tiktok", handle="skinbysam", followers=120_000),
        )
        assert ig.creator_id == tt.creator_id
        s.refresh(ig)
        assert (ig.country, tt.country) == ("BE", "BE")
        assert ig.has_email and ig.language == "fr"
        niches = s.exec(select(CreatorNiche.niche).where(CreatorNiche.creator_id == ig.creator_id)).all()
        assert sorted(niches) == ["beauty", "skincare"]


def test_workspaces_never_see_each_other(sessions, workspace_id: str) -> None:
    with session_scope(sessions) as s:
        other = workspace_id + "x"
        ensure_workspace(s, workspace_id=other)
        c, a = _sam()
        upsert_creator_account(s, workspace_id=workspace_id, creator=c, account=a)
        assert get_account(s, workspace_id=other, platform="instagram", handle="skin.by.sam") is None
        assert find_accounts_by_handle(s, workspace_id=other, handle="@skin.by.sam") == []
        assert count_accounts(s, workspace_id=workspace_id) == 1
        assert count_accounts(s, workspace_id=other) == 0


def test_posts_upsert_by_url_and_track_brands(sessions, workspace_id: str) -> None:
    with session_scope(sessions) as s:
        c, a = _sam()
        _, acc = upsert_creator_account(s, workspace_id=workspace_id, creator=c, account=a)
        p1 = PostCreate(platform="instagram", handle="skin.by.sam", url="https://instagram.com/p/1",
                        posted_at=datetime(2026, 10, 1, tzinfo=UTC), caption="SPF every day", brands="La Roche-Posay; CeraVe",
                        is_sponsored=True)
        p2 = PostCreate(platform="instagram", handle="skin.by.sam", url="https://instagram.com/p/2",
                        posted_at=datetime(2026, 10, 5, tzinfo=UTC), caption="Night routine", brands="CeraVe")
        assert upsert_post(s, workspace_id=workspace_id, post=p1)[0] == "inserted"
        assert upsert_post(s, workspace_id=workspace_id, post=p2)[0] == "inserted"
        assert upsert_post(s, workspace_id=workspace_id, post=p2)[0] == "unchanged"
        brands = {b.brand: b for b in s.exec(select(AccountBrand).where(AccountBrand.account_id == acc.id))}
        assert brands["cerave"].mentions == 2
        assert brands["la roche-posay"].sponsored_mentions == 1
        assert s.get(Account, acc.id).last_post_at == datetime(2026, 10, 5, tzinfo=UTC)
        assert [p.url for p in recent_posts(s, account_id=acc.id)] == ["https://instagram.com/p/2", "https://instagram.com/p/1"]
        edited = p1.model_copy(update={"brands": "CeraVe"})
        assert upsert_post(s, workspace_id=workspace_id, post=edited)[0] == "updated"
        brands = {b.brand: b for b in s.exec(select(AccountBrand).where(AccountBrand.account_id == acc.id))}
        assert set(brands) == {"cerave"} and brands["cerave"].mentions == 2


def test_post_for_unknown_account_is_a_clear_error(sessions, workspace_id: str) -> None:
    with session_scope(sessions) as s, pytest.raises(LookupError, match="unknown account instagram/@nobody"):
        upsert_post(s, workspace_id=workspace_id, post=PostCreate(
            platform="instagram", handle="@nobody", url="u", posted_at=datetime(2026, 1, 1, tzinfo=UTC)))


def test_concurrent_first_use_of_a_workspace_both_succeed(sessions, monkeypatch) -> None:
    """Two processes seeing a new Slack team at once: both get the workspace, nobody crashes."""
    import threading
    import uuid

    from sqlmodel import Session

    wid = f"R{uuid.uuid4().hex[:8]}"
    barrier = threading.Barrier(2)
    real_get = Session.get

    def racing_get(self, entity, ident, **kw):  # noqa: ANN001, ANN202
        row = real_get(self, entity, ident, **kw)
        if ident == wid and not kw.get("populate_existing"):
            barrier.wait(timeout=10)  # both have looked and seen nothing before either inserts
        return row

    monkeypatch.setattr(Session, "get", racing_get)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with session_scope(sessions) as s:
                assert ensure_workspace(s, workspace_id=wid).id == wid
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []


def test_post_moved_to_another_account_takes_its_brand_mentions_along(sessions, workspace_id: str) -> None:
    with session_scope(sessions) as s:
        _, a = upsert_creator_account(s, workspace_id=workspace_id, creator=CreatorCreate(name="A"),
                                      account=AccountCreate(platform="instagram", handle="aaa", followers=10))
        _, b = upsert_creator_account(s, workspace_id=workspace_id, creator=CreatorCreate(name="B"),
                                      account=AccountCreate(platform="instagram", handle="bbb", followers=10))
        p = PostCreate(platform="instagram", handle="aaa", url="https://i/moved", posted_at=datetime(2026, 1, 1, tzinfo=UTC),
                       brands="CeraVe")
        upsert_post(s, workspace_id=workspace_id, post=p)
        assert upsert_post(s, workspace_id=workspace_id, post=p.model_copy(update={"handle": "bbb"}))[0] == "updated"
        owners = {r.account_id for r in s.exec(select(AccountBrand).where(AccountBrand.brand == "cerave",
                                                                        AccountBrand.workspace_id == workspace_id))}
        assert owners == {b.id}
