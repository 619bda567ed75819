"""Export of a workspace's creators to creators.csv (DESIGN section 5), the format
``import_creators`` reads: exporting and importing into another workspace gives the same
creators, accounts and grouping of accounts into people.

One row per platform account, the person's fields repeated on each of their accounts.
Rates and shares are fractions (``0.034``); an engagement rate above 100% is written as a
percent (``150%``) because a bare number above 1 reads back as a percent. The last columns
are the analytics' basis (``engagement_source``: posts, averages, views or reported;
``engagement_posts``; ``posts_per_week``; ``growth_30d_pct``, a fraction): derived figures,
shown for reading and not imported. ``creator_id`` is
the person's import id when they have one; a person with several accounts and neither
import id nor e-mail gets ``kolpilot-<id>`` so that the accounts stay together on re-import.

Text cells a spreadsheet would run as a formula (first character ``=``, ``+``, ``-``, ``@``,
tab or CR; OWASP "CSV injection") are written with a leading ``'`` unless they are plain
numbers (``-12.5`` stays a number). Imports keep cell text as it is, so exporting again
does not add a second ``'`` (``'=`` does not start with a trigger); ``raw=True`` (the CLI's
``--raw``) writes the exact text, for round trips into kolpilot.
"""

from __future__ import annotations

import csv
import os
import re
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from sqlalchemy import func
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from memory.errors import UserError
from memory.models import Account, Creator

CREATOR_COLUMNS: tuple[str, ...] = (
    "platform", "handle", "display_name", "followers", "engagement_rate", "avg_likes", "avg_comments", "avg_views",
    "country", "city", "language", "niches", "bio", "email", "kind", "credentials", "profile_url",
    "audience_top_country", "audience_female_pct", "audience_age_18_34_pct", "creator_id",
    # analytics, for reading (memory.domain.analytics): derived from posts and follower
    # history, so an import skips them (silently: they are ours)
    "engagement_source", "engagement_posts", "posts_per_week", "growth_30d_pct",
)
ANALYTICS_COLUMNS: tuple[str, ...] = CREATOR_COLUMNS[-4:]


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_RE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?%?")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet opening ``text`` as a cell would evaluate it (not for numbers)."""
    return text.startswith(FORMULA_TRIGGERS) and _NUMBER_RE.fullmatch(text) is None


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would run it as a formula."""
    return "'" + text if looks_like_formula(text) else text


def _number(x: float | None) -> str:
    """Shortest exact text of a float, without exponent (``1e-05`` would not read back)."""
    if x is None:
        return ""
    if float(x).is_integer():
        return str(int(x))
    return format(Decimal(repr(float(x))), "f")


def _rate(x: float | None) -> str:
    if x is not None and x > 1:
        return format((Decimal(repr(float(x))) * 100).normalize(), "f") + "%"
    return _number(x)


def _row(acc: Account, person: Creator, creator_id: str) -> list[str]:
    values = {
        "platform": acc.platform, "handle": acc.handle, "display_name": person.name,
        "followers": str(acc.followers), "engagement_rate": _rate(acc.engagement_rate),
        "avg_likes": _number(acc.avg_likes), "avg_comments": _number(acc.avg_comments),
        "avg_views": _number(acc.avg_views), "country": person.country, "city": person.city,
        "language": person.language, "niches": person.niches, "bio": person.bio, "email": person.email,
        "kind": person.kind, "credentials": person.credentials, "profile_url": acc.profile_url,
        "audience_top_country": person.audience_top_country,
        "audience_female_pct": _number(person.audience_female_pct),
        "audience_age_18_34_pct": _number(person.audience_age_18_34_pct), "creator_id": creator_id,
        "engagement_source": acc.engagement_source,
        "engagement_posts": None if acc.engagement_posts is None else str(acc.engagement_posts),
        "posts_per_week": _number(None if acc.posts_per_week is None else round(acc.posts_per_week, 2)),
        "growth_30d_pct": _number(None if acc.growth_30d_pct is None else round(acc.growth_30d_pct, 4)),
    }
    return [v if v is not None else "" for v in (values[c] for c in CREATOR_COLUMNS)]


def write_creators_csv(session: Session, *, workspace_id: str, out: TextIO,
                       on_progress: Callable[[int], None] | None = None, raw: bool = False) -> int:
    """Write the workspace's creators as CSV to an open text stream; returns the number of rows.
    Formula-like cells get a leading ``'`` unless ``raw``."""
    counts = dict(session.exec(  # type: ignore[call-overload]
        select(Account.creator_id, func.count()).where(Account.workspace_id == workspace_id).group_by(Account.creator_id)
    ).all())
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CREATOR_COLUMNS)
    stmt = (
        select(Account, Creator)
        .join(Creator, Creator.id == Account.creator_id)  # type: ignore[arg-type]
        .where(Account.workspace_id == workspace_id)
        .order_by(Creator.id, Account.id)  # type: ignore[arg-type]
        .execution_options(yield_per=2000)
    )
    n = 0
    for acc, person in session.exec(stmt):
        creator_id = person.external_id or ""
        if not creator_id and not person.email and counts.get(person.id, 0) > 1:
            creator_id = f"kolpilot-{person.id}"
        row = _row(acc, person, creator_id)
        writer.writerow(row if raw else [neutralise(v) for v in row])
        n += 1
        if on_progress and n % 1000 == 0:
            on_progress(n)
    return n


def export_creators(
    session_factory: sessionmaker[Session], *, workspace_id: str, path: str | Path,
    on_progress: Callable[[int], None] | None = None, raw: bool = False,
) -> int:
    """Export the workspace's creators to ``path`` (``-`` for standard output) in the
    creators.csv import format, one row per account; returns the number of rows written.
    The file is replaced atomically, so a failed export never leaves half a file. ``raw``:
    formula-like cells are written as they are, without the leading ``'``."""
    if str(path) == "-":
        with session_factory() as s:
            return write_creators_csv(s, workspace_id=workspace_id, out=sys.stdout, on_progress=on_progress, raw=raw)
    target = Path(path)
    if target.is_dir():
        raise UserError(f"{target} is a directory; give a file name such as {target / 'creators.csv'}")
    if not target.parent.exists():
        raise UserError(f"directory not found: {target.parent}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out, session_factory() as s:
            n = write_creators_csv(s, workspace_id=workspace_id, out=out, on_progress=on_progress, raw=raw)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600 files; an export is an ordinary file
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n
