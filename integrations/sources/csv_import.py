"""CSV import of creators, posts and campaign metrics (DESIGN section 5).

``import_creators``, ``import_posts`` and ``import_metrics`` read one UTF-8 CSV file and
upsert its rows into a workspace, returning an ``ImportReport``: counts of inserted,
updated and unchanged rows, rejected rows with their physical line number (the header is
line 1; a quoted cell spanning lines moves later rows down) and a reason, duplicate rows,
and warnings. Good rows are imported and bad rows reported; re-importing the same file
reports every row unchanged.

The file is checked as a whole before anything is written: a file that is missing, empty,
binary, has no header or lacks a required column raises ``CsvImportError`` (a
``UserError``, one line) and leaves the database untouched. Rows are then written in
batches of ``BATCH_SIZE``, one transaction each.

Columns are matched case-, space- and punctuation-insensitively, with common synonyms
("Subscribers" -> followers, "ER" -> engagement_rate, "Views (Avg.)" -> avg_views). A
``mapping`` such as ``{"handle": ["Youtube channel"], "niches": ["Category", "Category-2"]}``
(the CLI's ``--map handle=Youtube channel,niches=Category+Category-2``) overrides that. When a
field gets several columns, list fields (niches, brands) join their values with ``;``; other
fields take the first non-empty value, preferring a plain number (``229500000``) over a
formatted copy (``229.5M``) for numeric fields. Unknown columns are ignored with a warning.
``platform`` (the CLI's ``--platform``) fills the platform of rows that have none, for files
about one platform.

A stray quote (``x,"Broken name,13000``) does not swallow the rest of the file: the line is
rejected ("unclosed quote") and the lines after it are read again as rows (``csv_records``);
when no row can be found after it, those lines are reported as ``unread``. Every report
accounts for every data line (``ImportReport.accounting``). Cell text is imported as it is,
formula-like cells (``=1+2``) and leading tabs included, with one warning counting them;
exports neutralise them (``csv_export``).

A row repeating the key of an earlier row (platform + handle, post URL, metric snapshot) is
a duplicate: reported and skipped, the first row wins. Creators rows whose avg_views,
avg_likes and avg_comments are all 0 get unknown averages (exports write 0 for "no data").
Value formats are documented in ``csv_normalize``. Functions in ``IMPORT_HOOKS`` are told of
every import (``changed_account_ids``, ``changed_creator_ids``, ``changed_collaboration_ids``:
e.g. to re-embed what changed; the CLI calls ``memory.indexing.reindex_after_change``).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import BigInteger
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from integrations.sources import csv_normalize as nz
from integrations.sources.csv_export import ANALYTICS_COLUMNS, looks_like_formula
from integrations.sources.csv_records import Broken, Record, Unread, is_blank, records_from, scan, split_lines
from memory.db import session_scope
from memory.domain import analytics as analytics_rule
from memory.domain.money import to_minor
from memory.errors import UserError
from memory.models import (
    Account,
    AccountCreate,
    Campaign,
    Collaboration,
    CreatorCreate,
    MetricSnapshot,
    Post,
    PostCreate,
)
from memory.models.common import utcnow
from memory.repo.analytics import recompute_accounts, record_follower_snapshots
from memory.repo.creators import upsert_creator_accounts, upsert_posts
from memory.repo.metrics import refresh_latest
from memory.repo.workspaces import ensure_workspace

BATCH_SIZE = 1000
ImportKind = Literal["creators", "posts", "metrics", "redemptions"]
ProgressCallback = Callable[[int, int], None]
"""Called as ``on_progress(rows_done, rows_total)`` after each batch."""
MappingSpec = str | Sequence[str] | Mapping[str, str | Sequence[str]] | None
"""``"field=Header,field2=A+B"``, a list of such strings, or ``{"field": "Header" | ["A", "B"]}``."""


class CsvImportError(UserError):
    """The file cannot be imported at all (missing, empty, not CSV, missing columns, bad
    mapping). Nothing was written."""


# --- report ---------------------------------------------------------------------------------


class RejectedRow(BaseModel):
    line: int = Field(description="Physical line of the row in the file (header = 1)")
    reason: str


class DuplicateRow(BaseModel):
    line: int = Field(description="Line of the repeated row, which was skipped")
    duplicate_of: int = Field(description="Line of the first row with the same key, which was imported")


class UnreadLines(BaseModel):
    first: int = Field(description="First physical line not read")
    last: int = Field(description="Last physical line not read (the end of the file)")
    lines: int = Field(description="Data lines in first..last")
    reason: str


class ImportReport(BaseModel):
    """What one import did. ``inserted + updated + unchanged + len(duplicates) + len(rejected)
    == rows``, and every data line is accounted for (``accounted``): those rows, plus the
    continuation lines of multi-line cells, plus the unread lines, make ``lines``."""

    kind: ImportKind
    file: str
    workspace_id: str
    rows: int = Field(0, description="Data rows in the file (blank lines not counted)")
    lines: int = Field(0, description="Data lines: physical lines after the header, blank lines not counted")
    continuation_lines: int = Field(0, description="Lines continuing a quoted multi-line cell of the row above")
    unread: UnreadLines | None = Field(None, description="Lines not read: after a broken quote the reader could "
                                                         "not find where rows start again")
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: list[DuplicateRow] = Field(default_factory=list)
    rejected: list[RejectedRow] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    changed_account_ids: list[int] = Field(
        default_factory=list,
        description="Accounts inserted or updated (or whose posts/metrics were), for incremental re-indexing",
    )
    changed_creator_ids: list[int] = Field(default_factory=list, description="The people of changed_account_ids")
    changed_collaboration_ids: list[int] = Field(
        default_factory=list, description="Collaborations whose metric snapshots were inserted or updated"
    )

    @property
    def accounted(self) -> int:
        """Data lines the report accounts for; equal to ``lines`` unless rows went missing."""
        return (self.inserted + self.updated + self.unchanged + len(self.rejected) + len(self.duplicates)
                + self.continuation_lines + (self.unread.lines if self.unread else 0))

    def accounting(self) -> str:
        """``"all 50 data lines accounted for: 49 imported + 1 rejected + 0 duplicates + 0 unread"``."""
        parts = (f"{self.inserted + self.updated + self.unchanged} imported + {len(self.rejected)} rejected + "
                 f"{len(self.duplicates)} duplicates + {self.unread.lines if self.unread else 0} unread")
        if self.continuation_lines:
            parts += f" + {self.continuation_lines} continuation lines of multi-line cells"
        if self.accounted == self.lines:
            return f"all {self.lines} data lines accounted for: {parts}"
        return f"{self.lines} data lines but {self.accounted} accounted for: {parts}"

    def summary_dict(self) -> dict[str, Any]:
        """The report as printed by ``kolpilot import --json`` (without the id list)."""
        out = self.model_dump(exclude={"changed_account_ids", "changed_creator_ids", "changed_collaboration_ids"})
        out["accounting"] = self.accounting()
        return out

    def summary(self) -> str:
        """One line of counts, e.g. ``"997 rows: 990 inserted, 0 updated, 3 unchanged, 3 duplicates, 1 rejected"``."""
        return (
            f"{self.rows} rows: {self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.duplicates)} duplicates, {len(self.rejected)} rejected"
        )


ImportHook = Callable[[ImportReport], None]
IMPORT_HOOKS: list[ImportHook] = []
"""Functions called with every successful ``ImportReport`` (e.g. the vector index re-embeds
``report.changed_account_ids``). A failing hook does not undo the import: it is re-raised
after all hooks ran."""


def _run_hooks(report: ImportReport) -> None:
    errors: list[Exception] = []
    for hook in list(IMPORT_HOOKS):
        try:
            hook(report)
        except Exception as exc:  # noqa: BLE001 - every hook gets its turn
            errors.append(exc)
    if errors:
        raise errors[0]


def new_report(kind: ImportKind, src: CsvText, *, workspace_id: str, file: str, warnings: Sequence[str] = ()) -> ImportReport:
    """A report for ``src`` with its line counts, its broken rows rejected and unread lines."""
    report = ImportReport(
        kind=kind, file=file, workspace_id=workspace_id, rows=src.rows, lines=src.data_lines,
        continuation_lines=src.continuation_lines, warnings=[*src.warnings, *warnings],
        rejected=[RejectedRow(line=b.line, reason=b.reason) for b in src.broken],
        unread=UnreadLines(first=src.unread.first, last=src.unread.last, lines=src.unread.lines,
                           reason=src.unread.reason) if src.unread else None,
    )
    return report


class FormulaCells:
    """Counts cells a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab or CR
    first). They are imported as they are; exports neutralise them (``csv_export``)."""

    def __init__(self, columns: Sequence[int]) -> None:
        self.columns = sorted(set(columns))
        self.count = 0
        self.rows = 0
        self.lines: list[int] = []

    def check(self, line: int, cells: Sequence[str]) -> None:
        n = sum(1 for i in self.columns if i < len(cells) and looks_like_formula(cells[i].lstrip(" ")))
        if n:
            self.count += n
            self.rows += 1
            if len(self.lines) < 5:
                self.lines.append(line)

    def warn(self, report: ImportReport, name: str) -> None:
        if self.count:
            more = " ..." if self.rows > len(self.lines) else ""
            report.warnings.append(
                f"{self.count} cell(s) in {name} start with =, +, -, @, tab or CR, which spreadsheets run as formulas "
                f"(line {', '.join(map(str, self.lines))}{more}): imported as they are; `kolpilot export` writes them "
                "with a leading ' (use --raw for the exact text)")


# --- reading the file -----------------------------------------------------------------------

_DELIMITERS = (",", ";", "\t", "|")


@dataclass
class CsvText:
    """A decoded CSV file whose structure was checked end to end (no rows parsed into values).
    ``rows`` counts the data records, broken ones (``broken``: a stray quote, see
    ``csv_records``) included; ``unread`` is the tail the reader could not resynchronise on."""

    path: Path
    text: str
    delimiter: str
    header: list[str]
    header_end_line: int
    rows: int
    warnings: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list, repr=False)
    data_lines: int = 0
    continuation_lines: int = 0
    broken: list[Broken] = field(default_factory=list)
    unread: Unread | None = None

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """``(line, cells)`` for each data row; ``line`` is the physical line the row starts on.
        Blank rows (no cell with text), broken rows and unread lines are skipped."""
        for event in scan(self.lines, start=self.header_end_line, width=len(self.header), delimiter=self.delimiter):
            if isinstance(event, Record):
                yield event.line, event.cells

    def _survey(self) -> None:
        for event in scan(self.lines, start=self.header_end_line, width=len(self.header), delimiter=self.delimiter):
            if isinstance(event, Record):
                self.rows += 1
                self.data_lines += event.end - event.line + 1
                self.continuation_lines += event.end - event.line
            elif isinstance(event, Broken):
                self.rows += 1
                self.data_lines += 1
                self.broken.append(event)
            else:
                self.data_lines += event.lines
                self.unread = event


def _decode(path: Path, data: bytes, warnings: list[str]) -> str:
    name = path.name
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"PK\x03\x04"):
        raise CsvImportError(f"{name} is a ZIP/Excel file, not CSV: save it as 'CSV UTF-8' first")
    if b"\x00" in data[:65536]:
        raise CsvImportError(f"{name} is not a CSV file (binary content)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise CsvImportError(f"{name} is not a CSV file (not UTF-8 text, byte {exc.start})") from None
        warnings.append(f"{name} is not UTF-8; read it as Windows-1252 (save as 'CSV UTF-8' to avoid this)")
    sample = text[:65536]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    if controls > max(2, len(sample) // 100):
        raise CsvImportError(f"{name} is not a CSV file (binary content)")
    return text


def read_csv(path: str | Path) -> CsvText:
    """Read and check a CSV file: UTF-8 (BOM, UTF-16 and a Windows-1252 fallback accepted),
    delimiter detected among ``, ; tab |``, a header row, every record well-formed.
    Raises CsvImportError with a one-line message otherwise."""
    p = Path(path)
    if not p.exists():
        raise CsvImportError(f"file not found: {p}")
    if p.is_dir():
        raise CsvImportError(f"{p} is a directory, not a CSV file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise CsvImportError(f"cannot read {p}: {exc.strerror or exc}") from None
    if not data.strip():
        raise CsvImportError(f"{p.name} is empty")
    warnings: list[str] = []
    text = _decode(p, data, warnings)
    if not text.strip():
        raise CsvImportError(f"{p.name} is empty")

    # Long bios are legitimate; the csv module's default cell limit (128 KiB) is not a CSV rule.
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))
    forced = None
    first_line, nl, rest = text.partition("\n")
    if first_line.strip().lower().startswith("sep=") and len(first_line.strip()) == 5:
        # Excel's "sep=;" hint line: honour it, and keep it as a blank line so line numbers stay physical.
        forced, text = first_line.strip()[4], nl + rest

    def first_record(delim: str) -> list[str]:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
            if any(c.strip(" ,;\t|") for c in cells):  # a row of delimiters is blank for every guess
                return cells
        return []

    try:
        delimiter = forced or max(_DELIMITERS, key=lambda d: len(first_record(d)))
    except csv.Error as exc:
        raise CsvImportError(f"{p.name} is not a CSV file: {exc}") from None
    lines = split_lines(text)
    src = CsvText(p, text, delimiter, [], 0, 0, warnings, lines)
    try:
        for rec in records_from(lines, 0, delimiter):
            if not is_blank(rec.cells):
                src.header, src.header_end_line = rec.cells, rec.end
                break
        if not src.header:
            raise CsvImportError(f"{p.name} has no header row")
        src._survey()
    except ValueError as exc:  # a csv.Error, with its line
        raise CsvImportError(f"{p.name} {exc}") from None
    return src


# --- columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schema:
    """The fields of one import kind and how headers map onto them."""

    kind: ImportKind
    fields: tuple[str, ...]
    required: tuple[str, ...]
    synonyms: Mapping[str, tuple[str, ...]]
    list_fields: frozenset[str] = frozenset()
    numeric_fields: frozenset[str] = frozenset()
    derived: frozenset[str] = frozenset()  # columns our export writes and an import skips without a warning

    def header_lookup(self) -> dict[str, str]:
        out = {nz.normalize_header(f): f for f in self.fields}
        for fld, names in self.synonyms.items():
            for name in names:
                out.setdefault(nz.normalize_header(name), fld)
        return out


CREATORS = Schema(
    kind="creators",
    fields=(
        "platform", "handle", "display_name", "followers", "engagement_rate", "avg_likes", "avg_comments",
        "avg_views", "country", "city", "language", "niches", "bio", "email", "kind", "credentials",
        "profile_url", "audience_top_country", "audience_female_pct", "audience_age_18_34_pct", "creator_id",
    ),
    required=("platform", "handle", "followers"),
    synonyms={
        "platform": ("network", "social network", "social media", "site", "channel type"),
        "handle": ("username", "user name", "user", "account", "channel", "youtube channel", "instagram handle",
                   "instagram username", "tiktok handle", "tiktok username", "ig handle", "screen name", "@handle"),
        "display_name": ("name", "display name", "full name", "creator name", "influencer name", "youtuber name",
                         "youtuber", "tiktoker name", "channel title", "channel name"),
        "followers": ("followers count", "follower count", "follower", "subscribers", "subscriber count", "subs",
                      "fans", "audience size", "number of followers", "no of followers", "followers total"),
        "engagement_rate": ("er", "er %", "engagement", "engagement %", "engagement rate %", "eng rate",
                            "avg engagement rate", "average engagement rate"),
        "avg_likes": ("likes avg", "average likes", "likes", "avg likes per post", "mean likes"),
        "avg_comments": ("comments avg", "average comments", "comments", "mean comments"),
        "avg_views": ("views avg", "average views", "views", "avg video views", "mean views"),
        "country": ("location country", "creator country", "country code", "nation"),
        "city": ("location city", "town", "location"),
        "language": ("lang", "content language", "primary language"),
        "niches": ("niche", "category", "categories", "category 2", "category2", "subcategory", "sub category",
                   "topics", "topic", "vertical", "verticals", "genre"),
        "bio": ("biography", "description", "about"),
        "email": ("e mail", "email address", "e mail address", "contact email", "mail"),
        "kind": ("type", "creator type", "influencer type"),
        "credentials": ("credential", "qualifications", "expertise"),
        "profile_url": ("url", "link", "profile link", "profile", "channel url", "page url", "profile url"),
        "audience_top_country": ("top audience country", "audience country", "main audience country", "top country"),
        "audience_female_pct": ("audience female", "female audience", "female", "female %", "% female",
                                "audience female %", "female share"),
        "audience_age_18_34_pct": ("audience 18 34", "age 18 34", "18 34", "audience age 18 34", "18 34 %"),
        "creator_id": ("person id", "external id"),
    },
    list_fields=frozenset({"niches"}),
    numeric_fields=frozenset({"followers", "engagement_rate", "avg_likes", "avg_comments", "avg_views",
                              "audience_female_pct", "audience_age_18_34_pct"}),
    derived=frozenset(nz.normalize_header(c) for c in ANALYTICS_COLUMNS),
)

POSTS = Schema(
    kind="posts",
    fields=("platform", "handle", "posted_at", "url", "caption", "likes", "comments", "views", "shares", "saves",
            "is_sponsored", "brands"),
    required=("platform", "handle", "posted_at", "url"),
    synonyms={
        "platform": ("network", "social network"),
        "handle": ("username", "user name", "account", "channel", "author", "creator"),
        "posted_at": ("date", "published at", "published", "publish date", "post date", "posted", "timestamp",
                      "created at", "datetime", "time"),
        "url": ("link", "post url", "permalink", "post link", "video url"),
        "caption": ("text", "description", "title", "content"),
        "likes": ("like count", "hearts"),
        "comments": ("comment count",),
        "views": ("plays", "video views", "view count"),
        "shares": ("share count", "reposts"),
        "saves": ("bookmarks", "save count"),
        "is_sponsored": ("sponsored", "paid", "ad", "paid partnership", "branded content"),
        "brands": ("brand", "brand mentions", "mentions", "tagged brands", "sponsors"),
    },
    list_fields=frozenset({"brands"}),
    numeric_fields=frozenset({"likes", "comments", "views", "shares", "saves"}),
)

METRICS = Schema(
    kind="metrics",
    fields=("campaign", "platform", "handle", "date", "deliverable_url", "impressions", "reach", "views", "likes",
            "comments", "shares", "saves", "clicks", "conversions", "revenue", "currency"),
    required=("campaign", "platform", "handle", "date"),
    synonyms={
        "campaign": ("campaign name",),
        "platform": ("network",),
        "handle": ("username", "account", "channel", "creator"),
        "date": ("day", "snapshot date", "as of", "report date"),
        "deliverable_url": ("url", "post url", "link", "content url", "deliverable"),
        "clicks": ("link clicks",),
        "conversions": ("orders", "purchases", "sales"),
        "revenue": ("sales amount", "gmv", "revenue amount"),
    },
    numeric_fields=frozenset({"impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks",
                              "conversions"}),
)


def parse_mapping(spec: MappingSpec) -> dict[str, list[str]]:
    """``"handle=Youtube channel,niches=Category+Category-2"`` (or a list of such strings, or
    a dict) -> ``{"handle": ["Youtube channel"], "niches": ["Category", "Category-2"]}``."""
    if not spec:
        return {}
    if isinstance(spec, Mapping):
        return {k.strip(): [v] if isinstance(v, str) else list(v) for k, v in spec.items()}
    parts = [spec] if isinstance(spec, str) else list(spec)
    out: dict[str, list[str]] = {}
    for part in parts:
        for item in part.split(","):
            if not item.strip():
                continue
            fld, eq, headers = item.partition("=")
            names = [h.strip() for h in headers.split("+") if h.strip()]
            if not eq or not fld.strip() or not names:
                raise CsvImportError(f"bad --map entry {item.strip()!r}: expected field=Header or field=Header1+Header2")
            out.setdefault(fld.strip(), []).extend(names)
    return out


@dataclass
class ColumnPlan:
    """Which columns feed which field, plus the warnings the choice produced."""

    schema: Schema
    columns: dict[str, list[int]]
    warnings: list[str]

    def values(self, cells: list[str]) -> dict[str, str | None]:
        """The raw text of each mapped field for one row (``None`` when every source cell is empty)."""
        out: dict[str, str | None] = {}
        n = len(cells)
        for fld, idxs in self.columns.items():
            if len(idxs) == 1:
                i = idxs[0]
                v = cells[i] if i < n else ""
                out[fld] = v if v.strip() else None
                continue
            texts = [cells[i] for i in idxs if i < n and cells[i].strip()]
            if fld in self.schema.list_fields:
                out[fld] = ";".join(texts) or None
            elif fld in self.schema.numeric_fields:
                plain = [t for t in texts if nz.is_plain_number(t)]
                out[fld] = (plain or texts or [None])[0]
            else:
                out[fld] = texts[0] if texts else None
        return out


def plan_columns(
    header: list[str], schema: Schema, *, mapping: Mapping[str, list[str]] | None = None,
    constants: Sequence[str] = (), file_name: str = "the file",
) -> ColumnPlan:
    """Match header cells to fields (explicit ``mapping`` first, then names and synonyms).
    Raises CsvImportError for an unknown field or header in ``mapping``, a file with no known
    column, or a missing required column (``constants`` are fields supplied another way)."""
    keys = [nz.normalize_header(h) for h in header]
    columns: dict[str, list[int]] = {}
    used: set[int] = set()
    shown = ", ".join(repr(" ".join(h.split())) for h in header if h.strip())
    for fld, names in (mapping or {}).items():
        if fld not in schema.fields:
            raise CsvImportError(f"unknown field {fld!r} in --map; {schema.kind} fields are: {', '.join(schema.fields)}")
        for name in names:
            idxs = [i for i, k in enumerate(keys) if k == nz.normalize_header(name)]
            if not idxs:
                hint = f"; for one platform for every row use --platform {name}" if fld == "platform" else ""
                raise CsvImportError(f"--map {fld}={name}: {file_name} has no column {name!r}{hint} (columns: {shown})")
            columns.setdefault(fld, []).extend(i for i in idxs if i not in columns.get(fld, []))
            used.update(idxs)
    lookup = schema.header_lookup()
    ignored: list[str] = []
    for i, key in enumerate(keys):
        if i in used:
            continue
        fld = lookup.get(key)
        if fld is None and key in schema.derived:
            continue
        if fld is None or (mapping and fld in mapping):
            ignored.append(" ".join(header[i].split()) or f"column {i + 1} (no header)")
            continue
        columns.setdefault(fld, []).append(i)
    if not columns:
        raise CsvImportError(
            f"{file_name} does not look like a {schema.kind} CSV: no known column in its header ({shown or 'empty'})"
        )
    missing = [f for f in schema.required if f not in columns and f not in constants]
    if missing:
        hint = " (use --platform for a file about one platform)" if missing == ["platform"] else ""
        raise CsvImportError(
            f"{file_name} lacks required column(s): {', '.join(missing)}{hint}; columns are: {shown} "
            f"(map them with --map {missing[0]}=Header)"
        )
    warnings: list[str] = []
    if ignored:
        warnings.append(f"ignored unknown column(s): {', '.join(ignored)}")
    repeated: list[str] = []
    for fld, idxs in columns.items():
        if len(idxs) < 2 or fld in schema.list_fields:
            continue
        names = [" ".join(header[i].split()) for i in idxs]
        if len({keys[i] for i in idxs}) == 1 and fld in schema.numeric_fields:
            repeated.append(names[0])
        else:
            how = "plain numbers preferred, then" if fld in schema.numeric_fields else "using"
            warnings.append(f"{fld} has several columns ({', '.join(map(repr, names))}): {how} the first non-empty value")
    if repeated:
        warnings.append(f"repeated column(s) {', '.join(map(repr, repeated))}: the plain-number copy is used, "
                        "else the first non-empty value")
    return ColumnPlan(schema, columns, warnings)


# --- row parsing ----------------------------------------------------------------------------


class _Row:
    """Collects parse errors for one row so all of its problems are reported at once."""

    def __init__(self, values: dict[str, str | None]) -> None:
        self.values = values
        self.errors: list[str] = []

    def get(self, fld: str, parser: Callable[..., Any], **kw: Any) -> Any:
        raw = self.values.get(fld)
        if raw is None:
            return None
        try:
            return parser(raw, **kw)
        except ValueError as exc:
            self.errors.append(f"{fld}: {exc}")
            return None

    def require(self, fld: str, value: Any) -> Any:
        if value is None and not any(e.startswith(f"{fld}:") for e in self.errors):
            self.errors.append(f"{fld}: missing")
        return value

    def platform(self, default: str | None) -> str | None:
        return self.require("platform", self.get("platform", nz.parse_platform) or default)

    def count(self, fld: str, model: type, column: str | None = None) -> int | None:
        """A count that must also fit its database column (INTEGER on PostgreSQL is 32-bit)."""
        value = self.get(fld, nz.parse_count)
        limit = _int_limit(model, column or fld)
        if value is not None and value > limit:
            self.errors.append(f"{fld}: {value} is more than the largest storable value {limit}")
            return None
        return value


def _int_limit(model: type, column: str) -> int:
    col = model.__table__.c[column]  # type: ignore[attr-defined]
    return 2**63 - 1 if isinstance(col.type, BigInteger) else 2**31 - 1


def _non_none(**kw: Any) -> dict[str, Any]:
    return {k: v for k, v in kw.items() if v is not None}


def _validation_reason(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(x) for x in err["loc"])
    return f"{loc}: {err['msg']}" if loc else str(err["msg"])


@dataclass
class _CreatorRow:
    line: int
    creator: CreatorCreate
    account: AccountCreate


def _parse_creator(row: _Row, line: int, default_platform: str | None) -> _CreatorRow | None:
    platform = row.platform(default_platform)
    handle = row.require("handle", row.get("handle", nz.parse_handle))
    followers = row.require("followers", row.count("followers", Account))
    avg = {k: row.get(k, nz.parse_number) for k in ("avg_likes", "avg_comments", "avg_views")}
    if all(v == 0 for v in avg.values()):
        # Exports write 0 where they have no data (see shared/data/README.md): unknown, not zero.
        avg = dict.fromkeys(avg)
    account = _non_none(
        platform=platform, handle=handle, followers=followers,
        engagement_rate=row.get("engagement_rate", nz.parse_fraction, max_value=None),
        profile_url=row.get("profile_url", nz.parse_url, max_length=500), **avg,
    )
    creator = _non_none(
        name=row.get("display_name", nz.parse_text, max_length=200),
        kind=row.get("kind", nz.parse_kind),
        credentials=row.get("credentials", nz.parse_text, max_length=500),
        email=row.get("email", nz.parse_email),
        country=row.get("country", nz.parse_country),
        city=row.get("city", nz.parse_text, max_length=120),
        language=row.get("language", nz.parse_language),
        niches=row.get("niches", nz.parse_list),
        bio=row.get("bio", nz.parse_text, single_line=False),
        audience_top_country=row.get("audience_top_country", nz.parse_country),
        audience_female_pct=row.get("audience_female_pct", nz.parse_fraction),
        audience_age_18_34_pct=row.get("audience_age_18_34_pct", nz.parse_fraction),
        external_id=row.get("creator_id", nz.parse_text, max_length=120),
    )
    if row.errors:
        return None
    try:
        return _CreatorRow(line, CreatorCreate(**creator), AccountCreate(**account))
    except ValidationError as exc:
        row.errors.append(_validation_reason(exc))
        return None


# --- the import loop ------------------------------------------------------------------------


@dataclass(frozen=True)
class Analytics:
    """How creators and posts imports keep creator analytics current (memory.domain.analytics):
    follower snapshots in each batch's transaction, then, once the file is read, engagement,
    activity and growth of every account the import touched (one pass per account, however
    many of its posts the file holds). ``now``: the time of the import (None = the clock);
    ``recompute=False`` leaves the derived figures alone (benchmarks compare the two)."""

    now: datetime | None = None
    er_posts: int = analytics_rule.ER_POSTS_DEFAULT
    er_window_days: int = analytics_rule.ER_WINDOW_DAYS_DEFAULT
    recompute: bool = True


@dataclass
class _Context:
    factory: sessionmaker[Session]
    workspace_id: str
    report: ImportReport
    analytics: Analytics = field(default_factory=Analytics)
    changed: set[int] = field(default_factory=set)
    stale: set[int] = field(default_factory=set)
    changed_collaborations: set[int] = field(default_factory=set)

    def count(self, status: str, account_id: int | None) -> None:
        setattr(self.report, status, getattr(self.report, status) + 1)
        if status != "unchanged" and account_id is not None:
            self.changed.add(account_id)


def _run(
    kind: ImportKind, schema: Schema, factory: sessionmaker[Session], *, workspace_id: str, path: str | Path,
    mapping: MappingSpec, platform: str | None, on_progress: ProgressCallback | None,
    parse: Callable[[_Row, int], Any], key: Callable[[Any], Any],
    write: Callable[[Session, list[Any], _Context], None], batch_size: int,
    prepare: Callable[[CsvText, ColumnPlan, ImportReport], None] | None = None, analytics: Analytics | None = None,
) -> ImportReport:
    src = read_csv(path)
    plan = plan_columns(src.header, schema, mapping=parse_mapping(mapping),
                        constants=("platform",) if platform else (), file_name=src.path.name)
    report = new_report(kind, src, workspace_id=workspace_id, file=str(path), warnings=plan.warnings)
    formulas = FormulaCells([i for fld, idxs in plan.columns.items()
                             if fld != "handle" and fld not in schema.numeric_fields for i in idxs])
    if prepare is not None:
        prepare(src, plan, report)
    ctx = _Context(factory, workspace_id, report, analytics or Analytics())
    with session_scope(factory) as s:
        ensure_workspace(s, workspace_id=workspace_id)
    if src.rows == 0:
        report.warnings.append(f"{src.path.name} has a header but no data rows")
    seen: dict[Any, tuple[int, int]] = {}
    conflicting: list[int] = []
    width = len(src.header)
    batch: list[Any] = []
    done = 0

    def flush() -> None:
        nonlocal done
        if batch:
            with session_scope(factory) as s:
                write(s, batch, ctx)
            done += len(batch)
            batch.clear()
        if on_progress:
            on_progress(done, src.rows)

    for line, cells in src.records():
        formulas.check(line, cells)
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            report.rejected.append(RejectedRow(
                line=line, reason=f"{len(cells)} cells but the header has {width} (an unquoted delimiter in a value?)"))
            done += 1
            continue
        row = _Row(plan.values(cells))
        parsed = parse(row, line)
        if parsed is None:
            report.rejected.append(RejectedRow(line=line, reason="; ".join(row.errors)))
            done += 1
            continue
        k = key(parsed)
        fingerprint = hash(tuple(c.strip() for c in cells))
        if k in seen:
            first, first_fp = seen[k]
            report.duplicates.append(DuplicateRow(line=line, duplicate_of=first))
            if fingerprint != first_fp:
                conflicting.append(line)
            done += 1
            continue
        seen[k] = (line, fingerprint)
        batch.append(parsed)
        if len(batch) >= batch_size:
            flush()
    flush()
    if ctx.stale:
        a = ctx.analytics
        ids = sorted(ctx.stale)
        for i in range(0, len(ids), 5000):
            with session_scope(factory) as s:
                recompute_accounts(s, workspace_id=workspace_id, account_ids=ids[i : i + 5000], now=a.now or utcnow(),
                                   er_posts=a.er_posts, er_window_days=a.er_window_days)
    formulas.warn(report, src.path.name)
    if conflicting:
        lines = ", ".join(map(str, conflicting[:10])) + (" ..." if len(conflicting) > 10 else "")
        report.warnings.append(
            f"{len(conflicting)} duplicate row(s) differ from the earlier row with the same key, which was kept: line {lines}")
    report.rejected.sort(key=lambda r: r.line)
    report.changed_account_ids = sorted(ctx.changed)
    report.changed_creator_ids = _creators_of(factory, report.changed_account_ids)
    report.changed_collaboration_ids = sorted(ctx.changed_collaborations)
    _run_hooks(report)
    return report


def _creators_of(factory: sessionmaker[Session], account_ids: list[int]) -> list[int]:
    out: set[int] = set()
    with factory() as s:
        for i in range(0, len(account_ids), 5000):
            chunk = account_ids[i : i + 5000]
            out.update(s.exec(select(Account.creator_id).where(Account.id.in_(chunk))))  # type: ignore[attr-defined]
    return sorted(out)


def import_creators(
    session_factory: sessionmaker[Session], *, workspace_id: str, path: str | Path,
    mapping: MappingSpec = None, platform: str | None = None, on_progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE, analytics: Analytics | None = None,
) -> ImportReport:
    """Import a creators.csv (one row per platform account) into ``workspace_id``.

    Columns (DESIGN 5): platform, handle, followers (required), display_name,
    engagement_rate, avg_likes, avg_comments, avg_views, country, city, language, niches,
    bio, email, kind, credentials, profile_url, audience_top_country, audience_female_pct,
    audience_age_18_34_pct, creator_id. Accounts are upserted by (platform, handle); rows with
    the same ``email`` or ``creator_id`` become one person, whose fields are merged over
    their rows (last non-empty value, niches united) so that re-imports are stable. Empty
    cells never erase stored values. ``mapping``: see ``parse_mapping``; ``platform``: the
    platform of rows without one. The file's engagement rate is kept as the reported one;
    follower counts are snapshotted (first import, and whenever they change) and the
    accounts' analytics recomputed (``analytics``).
    """
    default_platform = _default_platform(platform)
    people: dict[int, dict[str, Any]] = {}

    def prepare(src: CsvText, plan: ColumnPlan, report: ImportReport) -> None:
        people.update(_merge_people(src, plan, report, default_platform))

    def parse(row: _Row, line: int) -> _CreatorRow | None:
        parsed = _parse_creator(row, line, default_platform)
        if parsed is not None and line in people:
            # The merged person, but each row keeps its own creator_id (matched first).
            own = parsed.creator.model_dump(exclude_unset=True, include={"external_id"})
            parsed.creator = CreatorCreate(**people[line], **own)
        return parsed

    return _run("creators", CREATORS, session_factory, workspace_id=workspace_id, path=path, mapping=mapping,
                platform=default_platform, on_progress=on_progress, parse=parse,
                key=lambda r: (r.account.platform, r.account.handle), write=_write_creators, batch_size=batch_size,
                prepare=prepare, analytics=analytics)


def _merge_people(
    src: CsvText, plan: ColumnPlan, report: ImportReport, default_platform: str | None,
) -> dict[int, dict[str, Any]]:
    """Rows of one person (same e-mail or creator_id) must agree, or every import would move
    the person back and forth between their rows' values. Returns, for each row of a
    multi-row person, the merged person: the last non-empty value of each field, niches
    united. Differences are reported as one warning."""
    if "email" not in plan.columns and "creator_id" not in plan.columns:
        return {}
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(k: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    row_keys: list[tuple[int, tuple[str, str]]] = []
    for line, cells in src.records():
        values = plan.values(cells)
        keys: list[tuple[str, str]] = []
        try:
            if (email := nz.parse_email(values.get("email"))) is not None:
                keys.append(("email", email))
        except ValueError:
            pass
        if values.get("creator_id") and values["creator_id"].strip():  # type: ignore[union-attr]
            keys.append(("creator_id", values["creator_id"].strip()))  # type: ignore[union-attr]
        for k in keys[1:]:
            parent[find(k)] = find(keys[0])
        if keys:
            row_keys.append((line, keys[0]))
    sizes: dict[tuple[str, str], int] = {}
    for _, k in row_keys:
        sizes[find(k)] = sizes.get(find(k), 0) + 1
    grouped = {line: find(k) for line, k in row_keys if sizes[find(k)] > 1}
    if not grouped:
        return {}
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    lines: dict[tuple[str, str], list[int]] = {}
    conflicts: dict[tuple[str, str], set[str]] = {}
    seen_accounts: set[tuple[str, str]] = set()
    for line, cells in src.records():
        if line not in grouped:
            continue
        parsed = _parse_creator(_Row(plan.values(cells)), line, default_platform)
        if parsed is None or (parsed.account.platform, parsed.account.handle) in seen_accounts:
            continue  # rejected and duplicate rows are not imported, so they do not count
        seen_accounts.add((parsed.account.platform, parsed.account.handle))
        group = grouped[line]
        acc = merged.setdefault(group, {})
        lines.setdefault(group, []).append(line)
        for fld, value in parsed.creator.model_dump(exclude_unset=True, exclude={"external_id"}).items():
            if value is None:
                continue
            if fld == "niches" and acc.get("niches"):
                value = ";".join(nz.split_niches(f"{acc['niches']};{value}"))
            elif fld in acc and acc[fld] != value:
                conflicts.setdefault(group, set()).add(fld)
            acc[fld] = value
    out = {line: merged[group] for line, group in grouped.items() if group in merged}
    if conflicts:
        examples = "; ".join(
            f"lines {', '.join(map(str, lines[g]))} differ in {', '.join(sorted(f))}" for g, f in list(conflicts.items())[:5]
        )
        more = f" (and {len(conflicts) - 5} more people)" if len(conflicts) > 5 else ""
        report.warnings.append(
            f"{len(conflicts)} person(s) have rows that disagree; the last non-empty value is used for all their "
            f"accounts: {examples}{more}")
    return out


def _default_platform(platform: str | None) -> str | None:
    try:
        return nz.parse_platform(platform)
    except ValueError as exc:
        raise CsvImportError(f"--platform: {exc}") from None


def _write_creators(s: Session, rows: list[_CreatorRow], ctx: _Context) -> None:
    results = upsert_creator_accounts(s, workspace_id=ctx.workspace_id, items=[(r.creator, r.account) for r in rows])
    for status, account_id in results:
        ctx.count(status, account_id)
    if ctx.analytics.recompute:
        now = ctx.analytics.now or utcnow()
        seen = {account_id: r.account.followers for r, (_, account_id) in zip(rows, results, strict=True)}
        record_follower_snapshots(s, workspace_id=ctx.workspace_id, rows=seen.items(), on=now.date())
        ctx.stale.update(seen)


# --- posts ----------------------------------------------------------------------------------


@dataclass
class _PostRow:
    line: int
    values: dict[str, Any]


_POST_OPTIONAL = ("caption", "likes", "comments", "views", "shares", "saves", "is_sponsored", "brands")


def _parse_post(row: _Row, line: int, default_platform: str | None) -> _PostRow | None:
    values = {
        "platform": row.platform(default_platform),
        "handle": row.require("handle", row.get("handle", nz.parse_handle)),
        "posted_at": row.require("posted_at", row.get("posted_at", nz.parse_datetime)),
        "url": row.require("url", row.get("url", nz.parse_url)),
        "caption": row.get("caption", nz.parse_text, single_line=False),
        "is_sponsored": row.get("is_sponsored", nz.parse_bool),
        "brands": row.get("brands", nz.parse_list, item_max=120, lower=False),
        **{k: row.count(k, Post) for k in ("likes", "comments", "views", "shares", "saves")},
    }
    return None if row.errors else _PostRow(line, values)


def import_posts(
    session_factory: sessionmaker[Session], *, workspace_id: str, path: str | Path,
    mapping: MappingSpec = None, platform: str | None = None, on_progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE, analytics: Analytics | None = None,
) -> ImportReport:
    """Import a posts.csv into ``workspace_id``: platform, handle, posted_at (ISO 8601), url
    (required), caption, likes, comments, views, shares, saves, is_sponsored, brands
    (semicolon-separated). Posts are upserted by URL onto existing accounts (a row for an
    unknown account is rejected: import creators first). Empty cells keep stored values.
    The accounts' engagement (from their posts) and activity are recomputed (``analytics``)."""
    default_platform = _default_platform(platform)

    def parse(row: _Row, line: int) -> _PostRow | None:
        return _parse_post(row, line, default_platform)

    return _run("posts", POSTS, session_factory, workspace_id=workspace_id, path=path, mapping=mapping,
                platform=default_platform, on_progress=on_progress, parse=parse,
                key=lambda r: r.values["url"], write=_write_posts, batch_size=batch_size, analytics=analytics)


def _write_posts(s: Session, rows: list[_PostRow], ctx: _Context) -> None:
    urls = [r.values["url"] for r in rows]
    existing = {p.url: p for p in s.exec(select(Post).where(Post.workspace_id == ctx.workspace_id, Post.url.in_(urls)))}  # type: ignore[attr-defined]
    creates = []
    for r in rows:
        values = dict(r.values)
        old = existing.get(values["url"])
        for k in _POST_OPTIONAL:
            if values[k] is None:
                # An empty cell keeps what is stored, as for creators; new posts get the defaults.
                if old is not None:
                    values[k] = getattr(old, k)
                else:
                    values.pop(k)
        creates.append(PostCreate(**values))
    touched: set[int] = set()
    for r, result in zip(rows, upsert_posts(s, workspace_id=ctx.workspace_id, posts=creates), strict=True):
        if isinstance(result, LookupError):
            ctx.report.rejected.append(RejectedRow(line=r.line, reason=str(result)))
        else:
            ctx.count(*result)
            if result[0] != "unchanged":
                touched.add(result[1])
    if ctx.analytics.recompute:
        ctx.stale.update(touched)


# --- metrics --------------------------------------------------------------------------------

_METRIC_COUNTS = ("impressions", "reach", "views", "likes", "comments", "shares", "saves", "clicks", "conversions")


@dataclass
class _MetricRow:
    line: int
    campaign: str
    platform: str
    handle: str
    date: date
    deliverable_url: str
    counts: dict[str, int | None]
    revenue: Decimal | None
    currency: str | None


def _parse_metric(row: _Row, line: int, default_platform: str | None) -> _MetricRow | None:
    campaign = row.require("campaign", row.get("campaign", nz.parse_text, max_length=200))
    platform = row.platform(default_platform)
    handle = row.require("handle", row.get("handle", nz.parse_handle))
    day = row.require("date", row.get("date", nz.parse_date))
    url = row.get("deliverable_url", nz.parse_url) or ""
    counts = {k: row.count(k, MetricSnapshot) for k in _METRIC_COUNTS}
    money = row.get("revenue", nz.parse_money)
    currency = row.get("currency", nz.parse_currency)
    if money is not None and money[1] and currency and money[1] != currency:
        row.errors.append(f"revenue: {row.values['revenue']!r} is in {money[1]} but currency is {currency}")
    if money is not None and to_minor(money[0], currency or money[1] or "USD") > _int_limit(MetricSnapshot, "revenue_cents"):
        row.errors.append(f"revenue: {row.values['revenue']!r} is too large")
    if row.errors:
        return None
    return _MetricRow(line, campaign, platform, handle, day, url, counts,
                      money[0] if money else None, currency or (money[1] if money else None))


def import_metrics(
    session_factory: sessionmaker[Session], *, workspace_id: str, path: str | Path,
    mapping: MappingSpec = None, platform: str | None = None, on_progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import a metrics.csv of per-deliverable snapshots into ``workspace_id``: campaign,
    platform, handle, date (required), deliverable_url, impressions, reach, views, likes,
    comments, shares, saves, clicks, conversions, revenue, currency.

    One ``MetricSnapshot`` per (campaign, account, deliverable_url, date): a re-import with
    the same numbers is unchanged, changed numbers update it. The campaign is looked up by
    name in the workspace (unknown campaign: row rejected); the collaboration is filled in
    when the creator has one in that campaign. Revenue is stored as exact integer cents in
    the row's currency (default: the campaign's)."""
    default_platform = _default_platform(platform)

    def parse(row: _Row, line: int) -> _MetricRow | None:
        return _parse_metric(row, line, default_platform)

    return _run("metrics", METRICS, session_factory, workspace_id=workspace_id, path=path, mapping=mapping,
                platform=default_platform, on_progress=on_progress, parse=parse,
                key=lambda r: (r.campaign.casefold(), r.platform, r.handle, r.deliverable_url, r.date),
                write=_write_metrics, batch_size=batch_size)


def _find_campaigns(s: Session, workspace_id: str) -> dict[str, Campaign]:
    """Campaigns by exact name and by case-folded name (when that is unambiguous)."""
    by_name: dict[str, Campaign] = {}
    folded: dict[str, list[Campaign]] = {}
    for c in s.exec(select(Campaign).where(Campaign.workspace_id == workspace_id)):
        by_name[c.name] = c
        folded.setdefault(" ".join(c.name.casefold().split()), []).append(c)
    for k, cs in folded.items():
        if len(cs) == 1:
            by_name.setdefault(k, cs[0])
    return by_name


def _accounts_for(s: Session, workspace_id: str, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Account]:
    """Accounts of the workspace for (platform, handle) keys, in one query."""
    if not keys:
        return {}
    # By handle, then filtered: a row-value IN on (platform, handle) makes SQLite scan the workspace.
    stmt = select(Account).where(Account.workspace_id == workspace_id, Account.handle.in_({h for _, h in keys}))  # type: ignore[attr-defined]
    return {(a.platform, a.handle): a for a in s.exec(stmt) if (a.platform, a.handle) in keys}


def _write_metrics(s: Session, rows: list[_MetricRow], ctx: _Context) -> None:
    wid = ctx.workspace_id
    campaigns = _find_campaigns(s, wid)
    accounts = _accounts_for(s, wid, {(r.platform, r.handle) for r in rows})
    resolved: list[tuple[_MetricRow, Campaign, Account]] = []
    for r in rows:
        camp = campaigns.get(r.campaign) or campaigns.get(" ".join(r.campaign.casefold().split()))
        acc = accounts.get((r.platform, r.handle))
        if camp is None:
            ctx.report.rejected.append(RejectedRow(line=r.line, reason=f"unknown campaign {r.campaign!r}"))
        elif acc is None:
            ctx.report.rejected.append(RejectedRow(
                line=r.line, reason=f"unknown account {r.platform}/@{r.handle} (import creators first)"))
        else:
            resolved.append((r, camp, acc))
    if not resolved:
        return
    camp_ids = {c.id for _, c, _ in resolved}
    collabs = {
        (c.campaign_id, c.creator_id): c.id
        for c in s.exec(select(Collaboration).where(
            Collaboration.workspace_id == wid, Collaboration.campaign_id.in_(camp_ids),  # type: ignore[attr-defined]
            Collaboration.creator_id.in_({a.creator_id for _, _, a in resolved})))  # type: ignore[attr-defined]
    }
    existing = {
        (m.campaign_id, m.account_id, m.deliverable_url, m.date): m
        for m in s.exec(select(MetricSnapshot).where(
            MetricSnapshot.workspace_id == wid, MetricSnapshot.campaign_id.in_(camp_ids),  # type: ignore[attr-defined]
            MetricSnapshot.account_id.in_({a.id for _, _, a in resolved}),  # type: ignore[attr-defined]
            MetricSnapshot.date.in_({r.date for r, _, _ in resolved})))  # type: ignore[attr-defined]
    }
    touched: set[int] = set()
    for r, camp, acc in resolved:
        values: dict[str, Any] = {k: v for k, v in r.counts.items() if v is not None}
        if r.revenue is not None:
            values["revenue_cents"] = to_minor(r.revenue, r.currency or camp.currency)
        if r.currency is not None:
            values["currency"] = r.currency
        collab_id = collabs.get((camp.id, acc.creator_id))
        if collab_id is not None:
            values["collaboration_id"] = collab_id
        snap = existing.get((camp.id, acc.id, r.deliverable_url, r.date))
        if snap is None:
            values.setdefault("currency", camp.currency)
            snap = MetricSnapshot(workspace_id=wid, campaign_id=camp.id, account_id=acc.id,
                                  deliverable_url=r.deliverable_url, date=r.date, **values)
            s.add(snap)
            existing[(camp.id, acc.id, r.deliverable_url, r.date)] = snap
            ctx.count("inserted", acc.id)
            touched.add(camp.id)  # type: ignore[arg-type]
            if snap.collaboration_id is not None:
                ctx.changed_collaborations.add(snap.collaboration_id)
        elif any(getattr(snap, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(snap, k, v)
            ctx.count("updated", acc.id)
            touched.add(camp.id)  # type: ignore[arg-type]
            if snap.collaboration_id is not None:
                ctx.changed_collaborations.add(snap.collaboration_id)
        else:
            ctx.count("unchanged", acc.id)
    if touched:
        s.flush()
        refresh_latest(s, campaign_ids=touched)  # summaries read the newest snapshot per deliverable
