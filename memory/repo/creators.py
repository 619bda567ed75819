"""Creators, accounts, niches, posts and brand mentions.

Upserts return ``"inserted" | "updated" | "unchanged"`` so imports can report exactly what
a file changed, and a re-run of the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from sqlalchemy import delete, func
from sqlmodel import Session, select

from memory.models import (
    Account,
    AccountBrand,
    AccountCreate,
    Creator,
    CreatorCreate,
    CreatorNiche,
    Post,
    PostCreate,
)
from memory.models.common import utcnow
from memory.repo.analytics import stored_engagement

UpsertStatus = Literal["inserted", "updated", "unchanged"]


def normalize_handle(handle: str) -> str:
    """Handles are stored without a leading @ and in lower case."""
    return handle.strip().lstrip("@").strip().lower()


def split_niches(niches: str | Iterable[str] | None) -> list[str]:
    """Normalise a niche list: lower case, trimmed, de-duplicated, order kept."""
    if niches is None:
        return []
    parts = niches.replace(",", ";").split(";") if isinstance(niches, str) else list(niches)
    out: list[str] = []
    for p in parts:
        n = " ".join(p.strip().lower().split())
        if n and n not in out:
            out.append(n)
    return out


def _apply(obj: object, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _denorm(person: object) -> dict:
    """The creator fields search filters read, as copied onto each account. ``country`` is
    the creator's country or, when that is unknown, the audience's top country (so
    "creators in India" finds a channel whose file only says its audience is mostly Indian;
    search results say which one matched)."""
    p: Any = person
    return {"country": p.country or p.audience_top_country, "language": p.language, "kind": p.kind,
            "has_email": bool(p.email)}


def _as_reported(values: dict) -> dict:
    """An engagement rate given with an account is the reported one; the effective
    ``engagement_rate`` follows the precedence rule (memory.domain.analytics)."""
    if "engagement_rate" in values:
        rate = values.pop("engagement_rate")
        values.setdefault("reported_engagement_rate", rate)
    return values


def _settle_engagement(acc: object) -> bool:
    """Apply the effective rate of ``acc`` from its own columns; True when it changed."""
    eng = stored_engagement(acc)
    return _apply(acc, {"engagement_rate": eng.rate, "engagement_source": eng.source, "engagement_posts": eng.posts,
                        "engagement_basis": eng.basis})


def sync_account_denorm(session: Session, *, creator: Creator) -> None:
    """Copy the creator fields that search filters on onto each of the creator's accounts."""
    for acc in session.exec(select(Account).where(Account.creator_id == creator.id)):
        _apply(
            acc,
            _denorm(creator),
        )
    session.flush()


def set_creator_niches(session: Session, *, creator: Creator) -> None:
    """Rebuild the creator_niche rows from ``creator.niches``."""
    session.exec(delete(CreatorNiche).where(CreatorNiche.creator_id == creator.id))  # type: ignore[call-overload]
    for n in split_niches(creator.niches):
        session.add(CreatorNiche(creator_id=creator.id, niche=n, workspace_id=creator.workspace_id))


def get_account(session: Session, *, workspace_id: str, platform: str, handle: str) -> Account | None:
    return session.exec(
        select(Account).where(
            Account.workspace_id == workspace_id,
            Account.platform == platform,
            Account.handle == normalize_handle(handle),
        )
    ).first()


def find_accounts_by_handle(session: Session, *, workspace_id: str, handle: str) -> list[Account]:
    """Accounts with this handle on any platform, biggest first."""
    return list(
        session.exec(
            select(Account)
            .where(Account.workspace_id == workspace_id, Account.handle == normalize_handle(handle))
            .order_by(Account.followers.desc())  # type: ignore[attr-defined]
        )
    )


def get_creator(session: Session, *, workspace_id: str, creator_id: int) -> Creator | None:
    c = session.get(Creator, creator_id)
    return c if c is not None and c.workspace_id == workspace_id else None


def _find_person(session: Session, *, workspace_id: str, data: CreatorCreate, account: Account | None) -> Creator | None:
    if data.external_id:
        c = session.exec(
            select(Creator).where(Creator.workspace_id == workspace_id, Creator.external_id == data.external_id)
            .order_by(Creator.id)  # deterministic when several people share it (the oldest wins)
        ).first()
        if c:
            return c
    if account is not None:
        return session.get(Creator, account.creator_id)
    if data.email:
        return session.exec(
            select(Creator).where(Creator.workspace_id == workspace_id, func.lower(Creator.email) == data.email.lower())
            .order_by(Creator.id)  # deterministic when several people share it (the oldest wins)
        ).first()
    return None


def upsert_creator_account(
    session: Session, *, workspace_id: str, creator: CreatorCreate, account: AccountCreate
) -> tuple[UpsertStatus, Account]:
    """Insert or update one platform account and its person.

    The person is matched by ``external_id``, then by the existing (platform, handle),
    then by e-mail, so one creator's accounts on several platforms end up on one row.
    Fields that are ``None`` in the input never erase stored values.
    """
    handle = normalize_handle(account.handle)
    acc = get_account(session, workspace_id=workspace_id, platform=account.platform, handle=handle)
    person = _find_person(session, workspace_id=workspace_id, data=creator, account=acc)
    changed = False
    creator_values = {k: v for k, v in creator.model_dump(exclude_unset=True).items() if v is not None}
    if "niches" in creator_values:
        creator_values["niches"] = ";".join(split_niches(creator_values["niches"]))
    if person is None:
        person = Creator(workspace_id=workspace_id, **creator_values)
        session.add(person)
        session.flush()
        set_creator_niches(session, creator=person)
        changed = True
    else:
        niches_before = person.niches
        if _apply(person, creator_values):
            person.updated_at = utcnow()
            changed = True
            if person.niches != niches_before:
                set_creator_niches(session, creator=person)
    account_values = {k: v for k, v in account.model_dump(exclude_unset=True).items() if v is not None}
    account_values["handle"] = handle
    _as_reported(account_values)
    denorm = _denorm(person)
    if acc is None:
        acc = Account(workspace_id=workspace_id, creator_id=person.id, **account_values, **denorm)
        _settle_engagement(acc)
        session.add(acc)
        session.flush()
        if changed:
            sync_account_denorm(session, creator=person)
        return "inserted", acc
    acc_changed = _apply(acc, {**account_values, **denorm, "creator_id": person.id})
    acc_changed = _settle_engagement(acc) or acc_changed
    if acc_changed:
        acc.updated_at = utcnow()
    if changed:
        sync_account_denorm(session, creator=person)
    return ("updated" if (changed or acc_changed) else "unchanged"), acc


def upsert_post(session: Session, *, workspace_id: str, post: PostCreate) -> tuple[UpsertStatus, Post]:
    """Insert or update a post (keyed by URL) on an existing account; keeps the account's
    brand mentions and last-post time current. Raises LookupError for an unknown account.
    One-row front of ``upsert_posts`` so the two can never disagree."""
    (result,) = upsert_posts(session, workspace_id=workspace_id, posts=[post])
    if isinstance(result, LookupError):
        raise result
    row = session.exec(select(Post).where(Post.workspace_id == workspace_id, Post.url == post.url)).one()
    return result[0], row


def _note_brands(session: Session, *, account: Account, post: Post) -> None:
    for brand in {b.strip().lower() for b in post.brands.split(";") if b.strip()}:
        row = session.get(AccountBrand, (account.id, brand))
        if row is None:
            row = AccountBrand(account_id=account.id, brand=brand, workspace_id=account.workspace_id, mentions=0)
            session.add(row)
        row.mentions += 1
        row.sponsored_mentions += int(post.is_sponsored)
        if row.last_mentioned_at is None or post.posted_at > row.last_mentioned_at:
            row.last_mentioned_at = post.posted_at


def rebuild_account_brands(session: Session, *, account: Account) -> None:
    """Recompute an account's brand mentions from its posts (after an edited post)."""
    session.exec(delete(AccountBrand).where(AccountBrand.account_id == account.id))  # type: ignore[call-overload]
    session.flush()
    for post in session.exec(select(Post).where(Post.account_id == account.id)):
        _note_brands(session, account=account, post=post)


def recent_posts(session: Session, *, account_id: int, limit: int = 10) -> list[Post]:
    """The account's latest posts, newest first."""
    return list(
        session.exec(
            select(Post).where(Post.account_id == account_id).order_by(Post.posted_at.desc()).limit(limit)  # type: ignore[attr-defined]
        )
    )


def count_accounts(session: Session, *, workspace_id: str) -> int:
    return session.exec(select(func.count()).select_from(Account).where(Account.workspace_id == workspace_id)).one()


# --- batch upsert (imports) -----------------------------------------------------------------


class _Pending:
    """A creator or account that the batch upsert inserts at the end (attribute access like
    the ORM object, so the matching code treats both alike)."""

    def __init__(self, seq: int, **values: object) -> None:
        self.__dict__.update(values)
        self.id: int | None = None
        self.seq = seq


def _chunks(values: Iterable, size: int = 5000) -> Iterable[list]:
    # Bounded IN lists (SQLite allows 32766 parameters, PostgreSQL 65535); one chunk per
    # import batch, because the case-insensitive e-mail match cannot use an index.
    items = list(values)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _insert_returning_ids(session: Session, model: type, rows: list[dict]) -> list[int]:
    """Bulk INSERT and the new primary keys, in the order of ``rows``."""
    from sqlalchemy import insert

    table = model.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "sqlite":
        # SQLAlchemy runs sort_by_parameter_order one row at a time on SQLite. Without it the
        # rows go in multi-row INSERTs, and SQLite gives each new row max(rowid) + 1 in VALUES
        # order (the tables have no AUTOINCREMENT), so the ascending ids are the rows' ids.
        return sorted(session.execute(insert(table).returning(table.c.id), rows).scalars().all())
    # Pages of 100 rows: psycopg re-parses every long statement client-side; shorter ones were faster.
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True).execution_options(insertmanyvalues_page_size=100)
    return list(session.execute(stmt, rows).scalars().all())


def _column_defaults(model: type) -> dict[str, object]:
    """Column name -> the model's default value (factories called), for bulk inserts that
    bypass model construction."""
    fields = model.model_fields  # type: ignore[attr-defined]
    return {
        col.name: fields[col.name].get_default(call_default_factory=True) if col.name in fields else None
        for col in model.__table__.columns  # type: ignore[attr-defined]
        if col.name != "id"
    }


def upsert_creator_accounts(
    session: Session, *, workspace_id: str, items: Sequence[tuple[CreatorCreate, AccountCreate]]
) -> list[tuple[UpsertStatus, int]]:
    """``upsert_creator_account`` for many rows at once: the same person matching (external
    id, then existing account, then e-mail), the same rule that ``None`` never erases, and
    the same per-row status as if the rows were upserted one after the other, but with a
    few batched queries and bulk inserts instead of several round trips per row (imports of
    100k rows). Returns ``(status, account_id)`` for each item, in order."""
    from sqlalchemy import insert

    if not items:
        return []
    session.flush()
    prepared = []
    for c, a in items:
        cv = {k: v for k, v in c.model_dump(exclude_unset=True).items() if v is not None}
        if "niches" in cv:
            cv["niches"] = ";".join(split_niches(cv["niches"]))
        av = _as_reported({k: v for k, v in a.model_dump(exclude_unset=True).items() if v is not None})
        av["handle"] = normalize_handle(a.handle)
        prepared.append((c, a, cv, av))

    # Load the rows the matching reads: the accounts by key, and the people they belong to or
    # that share an external id / e-mail with an item. Other accounts of people that change
    # are loaded once at the end (their denormalised columns follow the person).
    keys = {(av["platform"], av["handle"]) for *_, av in prepared}
    ext_ids = {c.external_id for c, *_ in prepared if c.external_id}
    emails = {c.email.lower() for c, *_ in prepared if c.email}
    accounts: dict[int, Account] = {}
    # By handle, then filtered: (workspace_id, handle) is indexed, while a row-value IN on
    # (platform, handle) makes SQLite scan the workspace.
    for chunk in _chunks({h for _, h in keys}):
        for acc in session.exec(select(Account).where(Account.workspace_id == workspace_id, Account.handle.in_(chunk))):  # type: ignore[attr-defined]
            if (acc.platform, acc.handle) in keys:
                accounts[acc.id] = acc
    persons: dict[int, Creator] = {}
    ws = Creator.workspace_id == workspace_id
    for where, values in (
        (lambda ch: Creator.id.in_(ch), {a.creator_id for a in accounts.values()}),  # type: ignore[attr-defined]
        (lambda ch: Creator.external_id.in_(ch), ext_ids),  # type: ignore[union-attr]
        (lambda ch: func.lower(Creator.email).in_(ch), emails),
    ):
        for chunk in _chunks(values):
            for p in session.exec(select(Creator).where(ws, where(chunk))):
                persons[p.id] = p

    def order(p: object) -> tuple[int, int]:
        return (1, p.seq) if isinstance(p, _Pending) else (0, p.id)  # type: ignore[attr-defined]

    by_key: dict[tuple[str, str], object] = {}
    owner: dict[int, object] = {}
    accounts_of: dict[int, list[object]] = {}
    by_ext: dict[str, list[object]] = {}
    by_email: dict[str, list[object]] = {}

    def index(idx: dict[str, list[object]], key: str | None, p: object) -> None:
        if key:
            idx.setdefault(key, []).append(p)
            idx[key].sort(key=order)

    def unindex(idx: dict[str, list[object]], key: str | None, p: object) -> None:
        # By identity: pydantic's == compares field values.
        if key and key in idx:
            idx[key] = [q for q in idx[key] if q is not p]

    for p in sorted(persons.values(), key=lambda p: p.id):
        index(by_ext, p.external_id, p)
        index(by_email, p.email.lower() if p.email else None, p)
        accounts_of[id(p)] = []
    for acc in sorted(accounts.values(), key=lambda a: a.id):
        by_key[(acc.platform, acc.handle)] = acc
        owner[id(acc)] = persons[acc.creator_id]
        accounts_of[id(persons[acc.creator_id])].append(acc)

    def denorm(p: object) -> dict:
        return _denorm(p)

    changed_people: dict[int, object] = {}

    def sync(p: object) -> None:
        for acc in accounts_of[id(p)]:
            _apply(acc, denorm(p))
        if not isinstance(p, _Pending):
            changed_people[id(p)] = p

    new_persons: list[_Pending] = []
    new_accounts: list[_Pending] = []
    niche_dirty: dict[int, object] = {}
    results: list[tuple[UpsertStatus, object]] = []
    for c, a, cv, av in prepared:
        key = (av["platform"], av["handle"])
        acc = by_key.get(key)
        person = by_ext[c.external_id][0] if c.external_id and by_ext.get(c.external_id) else None
        if person is None and acc is not None:
            person = owner[id(acc)]
        if person is None and c.email and by_email.get(c.email.lower()):
            person = by_email[c.email.lower()][0]
        changed = False
        if person is None:
            now = utcnow()
            person = _Pending(len(new_persons), **{**c.model_dump(), **cv, "workspace_id": workspace_id,
                                                   "created_at": now, "updated_at": now})
            new_persons.append(person)
            accounts_of[id(person)] = []
            index(by_ext, person.external_id, person)
            index(by_email, person.email.lower() if person.email else None, person)
            niche_dirty[id(person)] = person
            changed = True
        else:
            before = (person.niches, person.external_id, person.email)  # type: ignore[attr-defined]
            if _apply(person, cv):
                person.updated_at = utcnow()  # type: ignore[attr-defined]
                changed = True
                if person.niches != before[0]:  # type: ignore[attr-defined]
                    niche_dirty[id(person)] = person
                if person.external_id != before[1]:  # type: ignore[attr-defined]
                    unindex(by_ext, before[1], person)
                    index(by_ext, person.external_id, person)  # type: ignore[attr-defined]
                if person.email != before[2]:  # type: ignore[attr-defined]
                    unindex(by_email, before[2].lower() if before[2] else None, person)
                    index(by_email, person.email.lower() if person.email else None, person)  # type: ignore[attr-defined]
        if acc is None:
            now = utcnow()
            acc = _Pending(len(new_accounts), **{**a.model_dump(), **av, **denorm(person), "workspace_id": workspace_id,
                                                 "last_post_at": None, "engagement_source": None, "engagement_posts": None,
                                                 "created_at": now, "updated_at": now})
            _settle_engagement(acc)
            new_accounts.append(acc)
            by_key[key] = acc
            owner[id(acc)] = person
            accounts_of[id(person)].append(acc)
            if changed:
                sync(person)
            results.append(("inserted", acc))
            continue
        moved = owner[id(acc)] is not person
        if moved:
            accounts_of[id(owner[id(acc)])] = [x for x in accounts_of[id(owner[id(acc)])] if x is not acc]
            accounts_of[id(person)].append(acc)
            owner[id(acc)] = person
        acc_changed = _apply(acc, {**av, **denorm(person)}) or moved
        acc_changed = _settle_engagement(acc) or acc_changed
        if acc_changed:
            acc.updated_at = utcnow()  # type: ignore[attr-defined]
        if changed:
            sync(person)
        results.append(("updated" if (changed or acc_changed) else "unchanged", acc))

    creator_defaults = _column_defaults(Creator)
    for chunk in _chunks(new_persons):
        ids = _insert_returning_ids(
            session, Creator, [{col: getattr(p, col, default) for col, default in creator_defaults.items()} for p in chunk]
        )
        for p, pid in zip(chunk, ids, strict=True):
            p.id = pid
    for acc in accounts.values():
        if acc.creator_id != owner[id(acc)].id:  # type: ignore[attr-defined]
            acc.creator_id = owner[id(acc)].id  # type: ignore[attr-defined]
    session.flush()
    for chunk in _chunks(changed_people.values()):
        by_id = {p.id: p for p in chunk}  # type: ignore[attr-defined]
        for acc in session.exec(select(Account).where(Account.creator_id.in_(by_id))):  # type: ignore[attr-defined]
            _apply(acc, denorm(by_id[acc.creator_id]))
    session.flush()
    account_defaults = _column_defaults(Account)
    for chunk in _chunks(new_accounts):
        rows = []
        for acc in chunk:
            acc.creator_id = owner[id(acc)].id  # type: ignore[attr-defined]
            rows.append({col: getattr(acc, col, default) for col, default in account_defaults.items()})
        ids = _insert_returning_ids(session, Account, rows)
        for acc, aid in zip(chunk, ids, strict=True):
            acc.id = aid
    old = [p.id for p in niche_dirty.values() if not isinstance(p, _Pending)]  # type: ignore[attr-defined]
    for chunk in _chunks(old):
        session.exec(delete(CreatorNiche).where(CreatorNiche.creator_id.in_(chunk)))  # type: ignore[call-overload,attr-defined]
    niche_rows = [
        {"creator_id": p.id, "niche": n, "workspace_id": workspace_id}  # type: ignore[attr-defined]
        for p in niche_dirty.values() for n in split_niches(p.niches)  # type: ignore[attr-defined]
    ]
    for chunk in _chunks(niche_rows):
        session.execute(insert(CreatorNiche.__table__), chunk)  # type: ignore[attr-defined]
    return [(status, acc.id) for status, acc in results]  # type: ignore[attr-defined]


def upsert_posts(
    session: Session, *, workspace_id: str, posts: Sequence[PostCreate]
) -> list[tuple[UpsertStatus, int] | LookupError]:
    """``upsert_post`` for many posts at once, with the same result as one after the other:
    upsert by URL, brand mentions and last-post times kept current. Returns, per post,
    ``(status, account_id)``, or the ``LookupError`` that ``upsert_post`` would raise for an
    unknown account (that post is skipped, the others are written)."""
    from sqlalchemy import insert

    if not posts:
        return []
    session.flush()
    handles = {normalize_handle(p.handle) for p in posts}
    accounts: dict[tuple[str, str], Account] = {}
    for chunk in _chunks(handles):
        for acc in session.exec(select(Account).where(Account.workspace_id == workspace_id, Account.handle.in_(chunk))):  # type: ignore[attr-defined]
            accounts[(acc.platform, acc.handle)] = acc
    existing: dict[str, object] = {}
    for chunk in _chunks({p.url for p in posts}):
        for row in session.exec(select(Post).where(Post.workspace_id == workspace_id, Post.url.in_(chunk))):  # type: ignore[attr-defined]
            existing[row.url] = row
    brands: dict[tuple[int, str], AccountBrand] = {}
    for chunk in _chunks({a.id for a in accounts.values()}):
        for b in session.exec(select(AccountBrand).where(AccountBrand.account_id.in_(chunk))):  # type: ignore[attr-defined]
            brands[(b.account_id, b.brand)] = b

    post_defaults = _column_defaults(Post)
    new_rows: list[dict] = []
    rebuild: dict[int, Account] = {}
    results: list[tuple[UpsertStatus, int] | LookupError] = []
    for p in posts:
        acc = accounts.get((p.platform, normalize_handle(p.handle)))
        if acc is None:
            results.append(LookupError(f"unknown account {p.platform}/@{normalize_handle(p.handle)} (import creators first)"))
            continue
        values = p.model_dump(exclude={"handle"})
        values["brands"] = ";".join(b.strip() for b in (values.get("brands") or "").split(";") if b.strip())
        old = existing.get(p.url)
        if old is None:
            row = {**post_defaults, **values, "workspace_id": workspace_id, "account_id": acc.id}
            new_rows.append(row)
            existing[p.url] = _Pending(len(new_rows), **row)
            for brand in {b.strip().lower() for b in values["brands"].split(";") if b.strip()}:
                b = brands.get((acc.id, brand))  # type: ignore[arg-type]
                if b is None:
                    b = brands[(acc.id, brand)] = AccountBrand(  # type: ignore[index]
                        account_id=acc.id, brand=brand, workspace_id=acc.workspace_id, mentions=0)
                    session.add(b)
                b.mentions += 1
                b.sponsored_mentions += int(values["is_sponsored"])
                if b.last_mentioned_at is None or values["posted_at"] > b.last_mentioned_at:
                    b.last_mentioned_at = values["posted_at"]
            if acc.last_post_at is None or values["posted_at"] > acc.last_post_at:
                acc.last_post_at = values["posted_at"]
            results.append(("inserted", acc.id))  # type: ignore[arg-type]
        elif (moved_from := old.account_id) is not None and _apply(old, {**values, "account_id": acc.id}):  # type: ignore[attr-defined]
            if moved_from != acc.id:
                # The URL now belongs to another account: the old one loses the mentions too.
                prev = session.get(Account, moved_from)
                if prev is not None:
                    rebuild[moved_from] = prev
            if isinstance(old, _Pending):
                new_rows[old.seq - 1].update(values, account_id=acc.id)
            rebuild[acc.id] = acc  # type: ignore[index]
            results.append(("updated", acc.id))  # type: ignore[arg-type]
        else:
            results.append(("unchanged", acc.id))  # type: ignore[arg-type]
    session.flush()
    for chunk in _chunks(new_rows):
        session.execute(insert(Post.__table__), chunk)  # type: ignore[attr-defined]
    for acc in rebuild.values():
        # An edited post can drop or add brands: recount from the account's posts, as upsert_post does.
        rebuild_account_brands(session, account=acc)
    return results
