"""One entry point for importing a tabular file, shared by ``kolpilot import`` and Slack.

- :func:`import_file` runs the import of one kind (creators, posts, metrics, redemptions)
  from a CSV or XLSX file with the same importers, analytics settings and report the CLI
  uses; an XLSX file is first read with openpyxl into rows (:func:`as_csv`).
- :func:`detect` recognises a file's kind from its header with the importers' own column
  matching (``csv_import.plan_columns`` and the redemptions synonyms) and returns the
  mapping it found, e.g. ``handle ← Youtube channel, niches ← Category + Category-2``.
- :func:`report_lines` is the human report: counts, the accounting line, duplicates,
  rejected lines, warnings and unread lines.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from integrations.sources import csv_import
from integrations.sources.csv_import import CsvImportError, ImportKind, ImportReport, ProgressCallback
from integrations.sources.csv_normalize import normalize_header
from memory.domain.platforms import resolve_platform

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker
    from sqlmodel import Session

KINDS: tuple[ImportKind, ...] = ("creators", "posts", "metrics", "redemptions")
TABULAR_SUFFIXES = (".csv", ".xlsx")
SHOWN = 20  # rejected/duplicate rows listed in the human report
# Tried in this order; the first kind whose required columns are all present wins ties.
_SCHEMAS = (csv_import.METRICS, csv_import.POSTS, csv_import.CREATORS)


# --- XLSX -----------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def xlsx_to_csv(path: str | Path, out: str | Path) -> Path:
    """Write the first worksheet of an XLSX workbook as a UTF-8 CSV file (values, not formulas:
    cached results are read) and return ``out``. Raises CsvImportError for a file openpyxl
    cannot read."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    src, dst = Path(path), Path(out)
    try:
        wb = load_workbook(src, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise CsvImportError(f"{src.name} is not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            raise CsvImportError(f"{src.name} has no worksheet")
        dst.parent.mkdir(parents=True, exist_ok=True)
        with dst.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            for row in ws.iter_rows(values_only=True):
                cells = [_cell_text(v) for v in row]
                while cells and cells[-1] == "":
                    cells.pop()
                w.writerow(cells)
    finally:
        wb.close()
    return dst


def as_csv(path: str | Path, workdir: str | Path | None = None) -> Path:
    """``path`` itself for a CSV file; for an ``.xlsx`` file, its first sheet converted to
    ``<workdir or the file's folder>/<name>.csv``."""
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        return p
    return xlsx_to_csv(p, Path(workdir or p.parent) / f"{p.name}.csv")


# --- detection ------------------------------------------------------------------------------


@dataclass
class Detection:
    """What :func:`detect` recognised in a file."""

    kind: ImportKind
    mapping: dict[str, list[str]]
    rows: int
    platform: str | None = None
    platform_from: str | None = None
    warnings: list[str] = field(default_factory=list)

    def mapping_text(self, limit: int = 12) -> str:
        """``handle ← Youtube channel, niches ← Category + Category-2, …``"""
        parts = [f"{fld} ← {' + '.join(names)}" for fld, names in self.mapping.items()]
        if self.platform:
            parts.insert(0, f"platform = {self.platform} ({self.platform_from})")
        shown = ", ".join(parts[:limit])
        return shown + (", …" if len(parts) > limit else "")


def _platform_hint(header: Sequence[str], file_name: str) -> tuple[str, str] | None:
    """A platform named in a header cell ("Youtube channel") or in the file name."""
    for source, texts in (("from the header", header), ("from the file name", [Path(file_name).stem])):
        for text in texts:
            for word in re.split(r"[^A-Za-z]+", text):
                # whole platform names only: "x" or "ig" inside a header says nothing
                if len(word) >= 5 and (p := resolve_platform(word)):
                    return p, source
    return None


def _redemptions_mapping(header: list[str]) -> dict[str, list[str]] | None:
    from integrations.sources.redemptions_import import REQUIRED, SYNONYMS

    found: dict[str, list[str]] = {}
    for h in header:
        norm = normalize_header(h)
        for fld, names in SYNONYMS.items():
            if fld not in found and norm in {normalize_header(n) for n in names}:
                found[fld] = [" ".join(h.split())]
    return found if all(f in found for f in REQUIRED) else None


def detect(path: str | Path, *, file_name: str | None = None) -> Detection:
    """Recognise the kind of a CSV file (creators, posts, metrics or redemptions) from its
    header and return the column mapping the import will use. A creators/posts/metrics file
    without a platform column gets the platform named in its headers or file name. Raises
    CsvImportError (one line) when no kind fits."""
    src = csv_import.read_csv(path)
    name = file_name or src.path.name
    header = src.header
    best: tuple[int, Detection] | None = None
    problems: list[str] = []
    hint = _platform_hint(header, name)
    for schema in _SCHEMAS:
        constants: tuple[str, ...] = ()
        for attempt in (False, True):
            if attempt and not hint:
                break
            constants = ("platform",) if attempt else ()
            try:
                plan = csv_import.plan_columns(header, schema, constants=constants, file_name=name)
            except CsvImportError as exc:
                if attempt or not hint:
                    problems.append(str(exc))
                continue
            mapping = {fld: [" ".join(header[i].split()) for i in idxs] for fld, idxs in plan.columns.items()}
            det = Detection(schema.kind, mapping, src.rows, warnings=[*src.warnings, *plan.warnings])
            if attempt and hint:
                det.platform, det.platform_from = hint
            score = len(plan.columns)
            if best is None or score > best[0]:
                best = (score, det)
            break
    red = _redemptions_mapping(header)
    if red is not None and (best is None or len(red) > best[0]):
        best = (len(red), Detection("redemptions", red, src.rows, warnings=list(src.warnings)))
    if best is None:
        shown = ", ".join(" ".join(h.split()) for h in header if h.strip())[:300]
        raise CsvImportError(
            f"{name} does not look like creators, posts, metrics or redemptions: its columns are {shown or 'empty'} "
            "(creators need platform, handle, followers)")
    return best[1]


# --- importing ------------------------------------------------------------------------------


def import_file(
    sessions: sessionmaker[Session], kind: ImportKind, *, workspace_id: str, path: str | Path,
    mapping: csv_import.MappingSpec = None, platform: str | None = None, er_posts: int = 12, er_window_days: int = 90,
    default_currency: str = "USD", on_progress: ProgressCallback | None = None, workdir: str | Path | None = None,
) -> ImportReport:
    """Import a CSV or XLSX file of ``kind`` into ``workspace_id`` (``kolpilot import`` and the
    Slack file import both come here). ``mapping``/``platform`` as ``csv_import``; the
    analytics and currency settings come from Settings (``er_posts``, ``er_window_days``,
    ``default_currency``)."""
    from integrations.sources.redemptions_import import import_redemptions

    if kind not in KINDS:
        raise CsvImportError(f"unknown import kind {kind!r}: use {', '.join(KINDS)}")
    csv_path = as_csv(path, workdir)
    if kind == "redemptions":
        return import_redemptions(sessions, workspace_id=workspace_id, path=csv_path, on_progress=on_progress,
                                  default_currency=default_currency)
    analytics = csv_import.Analytics(er_posts=er_posts, er_window_days=er_window_days)
    run = {"creators": partial(csv_import.import_creators, analytics=analytics),
           "posts": partial(csv_import.import_posts, analytics=analytics),
           "metrics": csv_import.import_metrics}[kind]
    return run(sessions, workspace_id=workspace_id, path=csv_path, mapping=mapping, platform=platform,
               on_progress=on_progress)


def report_lines(report: ImportReport, *, shown: int = SHOWN, file: str | None = None,
                 more_hint: str = "--json lists all") -> list[str]:
    """The human report of an import (what ``kolpilot import`` prints)."""
    out = [f"Imported {report.kind} from {file or report.file} into workspace {report.workspace_id}:",
           f"  {report.summary()}", f"  {report.accounting()}"]
    if report.duplicates:
        out.append("Duplicate rows (skipped; the first row with the same key was imported):")
        out += [f"  line {d.line} repeats line {d.duplicate_of}" for d in report.duplicates[:shown]]
        if len(report.duplicates) > shown:
            out.append(f"  ... and {len(report.duplicates) - shown} more ({more_hint})")
    if report.rejected:
        out.append("Rejected rows (not imported):")
        out += [f"  line {r.line}: {r.reason}" for r in report.rejected[:shown]]
        if len(report.rejected) > shown:
            out.append(f"  ... and {len(report.rejected) - shown} more ({more_hint})")
    if report.warnings:
        out.append("Warnings:")
        out += [f"  {w}" for w in report.warnings]
    if report.unread:
        u = report.unread
        out.append(f"Not read: lines {u.first}-{u.last} ({u.lines} data lines): {u.reason}")
    return out


def mapping_dict(mapping: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """A JSON-safe copy of a mapping (for storing it with a pending import)."""
    return {str(k): [str(v) for v in vs] for k, vs in mapping.items()}
