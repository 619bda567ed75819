"""The data records of a CSV file, with physical line numbers, surviving broken quotes.

The stdlib ``csv`` reader does the parsing. What it cannot do is notice that a stray quote
(``instagram,x,"Broken name,13000``) made one cell swallow the rest of the file, or every
line up to the next quote. ``scan`` checks each record that spans several physical lines
and calls it broken when

- its quote never closes (the record runs to the end of the file),
- it runs over more than ``MAX_CELL_LINES`` lines, or
- a line inside the quoted cell has as many cells as the header (it looks like a record),
- or the record has more cells than the header.

The broken record's first line is reported (``Broken``) and reading starts again on the
next physical line. The reader has resynchronised when the first record read there is a
one-line record with the usual number of cells; if not, the rest of the file is ``Unread``
rather than guessed at.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

MAX_CELL_LINES = 50
"""A quoted cell over more lines than this is taken for an unclosed quote. Not 20: Instagram
captions with one hashtag per line run to 30 lines."""


@dataclass(frozen=True)
class Record:
    line: int
    """Physical line the record starts on (header = 1)."""
    end: int
    """Physical line it ends on (``> line`` when a quoted cell holds line breaks)."""
    cells: list[str]


@dataclass(frozen=True)
class Broken:
    line: int
    reason: str


@dataclass(frozen=True)
class Unread:
    first: int
    last: int
    lines: int
    """Non-blank lines in ``first..last``."""
    reason: str


def split_lines(text: str) -> list[str]:
    """Physical lines as the csv reader sees them (``\\n``, ``\\r\\n`` or ``\\r``), ends kept."""
    return io.StringIO(text, newline="").readlines()


def is_blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells)


def _one_line(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _unclosed(lines: list[str], delimiter: str) -> bool:
    try:
        for _ in csv.reader(lines, delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _broken(lines: list[str], rec: Record, width: int, delimiter: str) -> str | None:
    """Why ``rec`` is not a real record, or None."""
    span = lines[rec.line - 1 : rec.end]
    if rec.end == len(lines) and _unclosed(span, delimiter):
        return f"unclosed quote: the quoted cell opened on this line never closes (lines {rec.line}-{rec.end})"
    if rec.end == rec.line:
        return None
    n = rec.end - rec.line + 1
    if n > MAX_CELL_LINES:
        return f"unclosed quote? a quoted cell runs over {n} lines ({rec.line}-{rec.end})"
    if width >= 2:
        for k, inner in enumerate(span[1:-1], start=rec.line + 1):
            if len(_one_line(inner, delimiter)) >= width:
                return f"unclosed quote? the quoted cell opened on this line swallows line {k}, which looks like a row"
    if len(rec.cells) > width:
        return (f"unclosed quote? a quoted cell runs over lines {rec.line}-{rec.end} and the row has "
                f"{len(rec.cells)} cells but the header has {width}")
    return None


def records_from(lines: list[str], start: int, delimiter: str) -> Iterator[Record]:
    """Records (blank ones included) read from 0-based line index ``start``. A csv.Error is
    re-raised as ValueError naming the physical line."""
    reader = csv.reader(map(lines.__getitem__, range(start, len(lines))), delimiter=delimiter)
    last = 0
    try:
        for cells in reader:
            yield Record(start + last + 1, start + reader.line_num, cells)
            last = reader.line_num
    except csv.Error as exc:
        raise ValueError(f"line {start + reader.line_num}: not valid CSV ({exc})") from None


def scan(lines: list[str], *, start: int, width: int, delimiter: str) -> Iterator[Record | Broken | Unread]:
    """Non-blank records from 0-based line index ``start`` (the line after the header), broken
    ones reported and skipped, and at most one ``Unread`` at the end."""
    usual = {width}
    resyncing_after: int | None = None
    while True:
        restart = None
        for rec in records_from(lines, start, delimiter):
            if is_blank(rec.cells):
                continue
            if resyncing_after is not None:
                if rec.end != rec.line or len(rec.cells) not in usual:
                    rest = lines[resyncing_after:]
                    yield Unread(resyncing_after + 1, len(lines), sum(1 for x in rest if not is_blank(_one_line(x, delimiter))),
                                 f"cannot find where rows start again after the broken line {resyncing_after}")
                    return
                resyncing_after = None
            reason = _broken(lines, rec, width, delimiter)
            if reason is not None:
                yield Broken(rec.line, reason)
                resyncing_after = restart = rec.line
                break
            if len(rec.cells) <= width:
                usual.add(len(rec.cells))
            yield rec
        if restart is None:
            return
        start = restart
