"""Where creators' recent posts come from, behind one interface, and the sync that stores them.

A ``PostsSource`` turns an account into its recent posts (``fetch(account) ->
list[PostCreate]``); a source may also report fresh account statistics
(``account_update(account) -> dict | None``, e.g. YouTube subscriber counts). Sources:

- ``DatabaseSource`` ("db"): the posts already stored (CSV imports); syncing changes nothing;
- ``integrations.sources.feeds.FeedSource`` ("rss"): RSS/Atom feeds — blogs, podcasts,
  YouTube channel feeds;
- ``integrations.sources.youtube.YouTubeSource`` ("youtube"): the YouTube Data API v3.

``sync_posts`` fetches account by account and writes each account in its own transaction:
an account whose fetch fails (timeout, bad XML, quota) gets a one-line error and nothing
half-written; the others are stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from memory.db import session_scope
from memory.domain import analytics as rule
from memory.errors import UserError
from memory.models import Account, PostCreate
from memory.models.common import utcnow
from memory.repo.analytics import recompute_accounts, record_follower_snapshots
from memory.repo.creators import normalize_handle, recent_posts, upsert_posts


class SourceError(UserError):
    """Fetching one account's posts failed; the message is one line for the user."""


@runtime_checkable
class PostsSource(Protocol):
    """Recent posts of an account."""

    name: str

    def supports(self, account: Account) -> bool:
        """Whether this source can fetch this account at all (e.g. has a feed URL)."""
        ...

    def fetch(self, account: Account) -> list[PostCreate]:
        """The account's recent posts, newest first; raises SourceError (one line) on failure."""
        ...


class DatabaseSource:
    """The posts already in the database (imported from posts.csv)."""

    name = "db"

    def __init__(self, sessions: sessionmaker[Session], limit: int = 20) -> None:
        self.sessions = sessions
        self.limit = limit

    def supports(self, account: Account) -> bool:
        return True

    def fetch(self, account: Account) -> list[PostCreate]:
        with session_scope(self.sessions) as s:
            return [PostCreate(handle=account.handle, **p.model_dump(include=set(PostCreate.model_fields) - {"handle"}))
                    for p in recent_posts(s, account_id=account.id, limit=self.limit)]


@dataclass
class SyncReport:
    """What a sync did, per account and in total."""

    source: str
    accounts: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    followers_updated: int = 0
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.source}: {self.accounts} account(s) synced — {self.inserted} new post(s), {self.updated} updated, "
               f"{self.unchanged} unchanged" + (f", followers updated for {self.followers_updated}" if self.followers_updated else "")]
        out += [f"  skipped {s}" for s in self.skipped[:20]]
        out += [f"  error: {e}" for e in self.errors]
        return out


def _accounts(s: Session, workspace_id: str, handles: Iterable[str] | None) -> list[Account]:
    q = select(Account).where(Account.workspace_id == workspace_id)
    if handles:
        q = q.where(Account.handle.in_([normalize_handle(h) for h in handles]))  # type: ignore[attr-defined]
    return list(s.exec(q.order_by(Account.handle)))


def sync_posts(
    sessions: sessionmaker[Session],
    *,
    workspace_id: str,
    source: PostsSource | Callable[[Account], PostsSource | None],
    handles: Iterable[str] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
    er_posts: int = rule.ER_POSTS_DEFAULT,
    er_window_days: int = rule.ER_WINDOW_DAYS_DEFAULT,
) -> SyncReport:
    """Fetch and store recent posts for the workspace's accounts (or only ``handles``).

    ``source`` is one source, or a function choosing one per account (None = skip it).
    Each account is written in its own transaction, after its fetch succeeded, with its
    follower snapshot and analytics (memory.domain.analytics) as of ``now`` (None = the clock).
    """
    handles = list(handles or [])
    with session_scope(sessions) as s:
        accounts = _accounts(s, workspace_id, handles)
    name = getattr(source, "name", "auto")
    report = SyncReport(source=name)
    if handles:
        found = {a.handle for a in accounts}
        report.errors += [f"@{normalize_handle(h)}: no such account" for h in handles if normalize_handle(h) not in found]
    for i, acc in enumerate(accounts, start=1):
        src = source(acc) if callable(source) and not isinstance(source, PostsSource) else source
        label = f"@{acc.handle} ({acc.platform})"
        if src is None or not src.supports(acc):  # type: ignore[union-attr]
            (report.errors if handles else report.skipped).append(f"{label}: no {name} source for this account"
                                                                  + (" (set its profile_url to its RSS/Atom feed)" if name in ("rss", "auto") else ""))
            continue
        try:
            posts = src.fetch(acc)  # type: ignore[union-attr]
            update: dict[str, Any] | None = getattr(src, "account_update", lambda a: None)(acc)
        except SourceError as exc:
            report.errors.append(f"{label}: {exc}")
            continue
        try:
            with session_scope(sessions) as s:
                counts = {"inserted": 0, "updated": 0, "unchanged": 0}
                for result in upsert_posts(s, workspace_id=workspace_id, posts=posts):
                    if isinstance(result, LookupError):
                        raise result  # the account itself: roll this account back, report it
                    counts[result[0]] += 1
                if update:
                    row = s.get(Account, acc.id)
                    changed = {k: v for k, v in update.items() if getattr(row, k) != v}
                    if changed:
                        for k, v in changed.items():
                            setattr(row, k, v)
                        row.updated_at = utcnow()
                        s.add(row)
                        report.followers_updated += int("followers" in changed)
                at = now or utcnow()
                if update and "followers" in update:
                    record_follower_snapshots(s, workspace_id=workspace_id, rows=[(acc.id, update["followers"])],
                                              on=at.date(), source="sync")
                if update or counts["inserted"] or counts["updated"]:
                    recompute_accounts(s, workspace_id=workspace_id, account_ids=[acc.id], now=at, er_posts=er_posts,
                                       er_window_days=er_window_days)
        except Exception as exc:  # noqa: BLE001 - this account is rolled back; the others go on
            report.errors.append(f"{label}: could not store the posts ({type(exc).__name__}: {str(exc).splitlines()[0][:150]})")
            continue
        report.accounts += 1
        report.inserted += counts["inserted"]
        report.updated += counts["updated"]
        report.unchanged += counts["unchanged"]
        if on_progress is not None:
            on_progress(i, len(accounts))
    return report


def build_source(settings: Any, sessions: sessionmaker[Session], name: str = "auto") -> PostsSource | Callable[[Account], PostsSource | None]:
    """The post source ``kolpilot sync posts --source NAME`` uses (also the worker's post
    detection): db, rss, youtube (needs ``KOLPILOT_YOUTUBE_API_KEY``), or auto (the YouTube API
    for YouTube accounts when a key is set, else the account's RSS/Atom feed)."""
    from integrations.sources.feeds import YOUTUBE_FEED_URL, FeedSource
    from integrations.sources.youtube import YOUTUBE_API_URL, YouTubeSource

    key = settings.youtube_api_key
    key_value = key.get_secret_value() if key is not None else None
    api_url = settings.youtube_api_url or YOUTUBE_API_URL
    feeds = FeedSource(youtube_feed_url=settings.youtube_feed_url or YOUTUBE_FEED_URL)
    if name == "db":
        return DatabaseSource(sessions)
    if name == "rss":
        return feeds
    if name == "youtube":
        if not key_value:
            raise UserError("the youtube source needs an API key: set KOLPILOT_YOUTUBE_API_KEY")
        return YouTubeSource(api_key=key_value, api_url=api_url)
    youtube = YouTubeSource(api_key=key_value, api_url=api_url) if key_value else None

    def choose(account: Account) -> PostsSource | None:
        if youtube is not None and youtube.supports(account):
            return youtube
        return feeds if feeds.supports(account) else None

    choose.name = "auto"  # type: ignore[attr-defined]
    return choose


def posts_sync(settings: Any, sessions: sessionmaker[Session], *, workspace_id: str,
               source: PostsSource | Callable[[Account], PostsSource | None] | None = None) -> Callable[[list[str]], list[str]]:
    """``sync(handles) -> error lines``: the sync of ``kolpilot sync posts`` bound to a workspace,
    injected into post detection (``tools.crm.post_detection``). Sources are built on first use."""

    def sync(handles: list[str]) -> list[str]:
        src = source if source is not None else build_source(settings, sessions, "auto")
        report = sync_posts(sessions, workspace_id=workspace_id, source=src, handles=handles,
                            er_posts=settings.er_posts, er_window_days=settings.er_window_days)
        # accounts with no feed are simply not synced (their stored posts still count)
        return [e for e in report.errors if "source for this account" not in e]

    return sync
