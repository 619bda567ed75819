"""Parsing of the values found in creator, post and metric CSV files.

Pure functions, no I/O. Each parser takes the raw cell text and returns the normalised
value, ``None`` for an empty cell, or raises ``ValueError`` whose message explains the
problem in terms of the value (``"'12x' is not a number"``); the importer prefixes the
field name. Rules that are a choice rather than a standard:

- **Counts** (followers, likes, views...) accept ``12.5K``, ``1.2M``, ``3.4B``, ``1,234``,
  ``12 500`` and ``1.234.567``. A single ``.`` or ``,`` followed by exactly three digits and
  no suffix is a thousands separator (``1.234`` = 1234: nobody has 1.234 followers);
  ``12,5K`` is a decimal comma. Fractions are rounded half-up. **Averages** (avg_likes...)
  read the same way, except that ``1.234`` is 1.234 (a fraction, so exports read back).
- **Rates and shares** (engagement rate, audience shares): ``3.4%`` is 0.034 and ``0.034``
  is 0.034; a bare number above 1 is read as a percent (``3.4`` = 3.4% = 0.034). So a bare
  ``1`` means 100%: write ``1%`` for one percent.
- **Dates** are ISO 8601 (``2024-05-01``, ``2024-05-01 10:00``, ``2024-05-01T10:00:00+02:00``,
  ``...Z``). Times without an offset are taken as UTC; results are aware UTC datetimes.
  Day/month orders such as ``05/01/2024`` are rejected: they are ambiguous.
- **Countries** are ISO 3166-1 alpha-2 codes out: names, alpha-2 and alpha-3 codes and common
  aliases (``UK``, ``USA``, ``Holland``) in, case- and accent-insensitive. **Languages** are
  ISO 639-1 codes out: English or native names (``Français``), 639-1/639-2 codes or locale
  tags (``pt-BR``) in. Unknown values fail with close matches suggested.
- Empty cells and the placeholders ``-``, ``n/a``, ``null``, ``none``, ``nan`` are empty
  (``None``) for typed values; free text is kept as written.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from urllib.parse import urlsplit

from memory.domain import languages, people, places
from memory.domain import money as core_money
from memory.domain.numbers import parse_number as parse_core_number
from memory.domain.numbers import parse_rate
from memory.domain.platforms import PLATFORMS, resolve_platform
from memory.models.common import CreatorKind
from memory.repo.creators import normalize_handle, split_niches

__all__ = [
    "country_name", "is_empty", "is_plain_number", "normalize_header", "parse_bool", "parse_count",
    "parse_country", "parse_currency", "parse_date", "parse_datetime", "parse_email", "parse_fraction",
    "parse_handle", "parse_kind", "parse_language", "parse_list", "parse_money", "parse_number",
    "parse_platform", "parse_text", "parse_url",
]

_EMPTY = {"", "-", "--", "—", "–", "n/a", "na", "n.a.", "null", "none", "nan", "#n/a"}
_PLAIN_NUMBER_RE = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")


def is_empty(text: str | None) -> bool:
    """True for a missing cell, blanks, or a placeholder such as ``-`` or ``n/a``."""
    return text is None or text.strip().casefold() in _EMPTY


def is_plain_number(text: str | None) -> bool:
    """True when the cell is a bare number (``229500000``, ``0.034``): no suffix, separator or unit."""
    return text is not None and bool(_PLAIN_NUMBER_RE.match(text.strip()))


def _decimal(text: str, *, grouping: str, suffixes: bool) -> Decimal:
    """A human-written number as a Decimal (memory.domain.numbers.parse_number, never via float);
    ``ValueError`` naming the value when it is not one."""
    value = parse_core_number(text, grouping=grouping, suffixes=suffixes)
    if value is None:
        raise ValueError(f"{text.strip()!r} is not a number")
    return value


def parse_count(text: str | None) -> int | None:
    """A non-negative whole count: ``"12.5K"`` -> 12500, ``"1,234"`` -> 1234, ``"1.2M"`` -> 1200000."""
    if is_empty(text):
        return None
    assert text is not None
    value = _decimal(text, grouping=",.", suffixes=True)
    if value < 0:
        raise ValueError(f"{text.strip()!r} is negative")
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def parse_number(text: str | None) -> float | None:
    """A non-negative average that may have a fraction (``"199.5"``, ``"2.8K"``, ``"1,234"``).
    Unlike counts, ``"1.234"`` is 1.234 here: averages have fractions, and exported files
    must read back exactly."""
    if is_empty(text):
        return None
    assert text is not None
    value = _decimal(text, grouping=",", suffixes=True)
    if value < 0:
        raise ValueError(f"{text.strip()!r} is negative")
    return float(value)


def parse_fraction(text: str | None, *, max_value: float | None = 1.0) -> float | None:
    """A rate or share as a fraction: ``"3.4%"`` -> 0.034, ``"0.034"`` -> 0.034, and a bare
    number above 1 read as a percent (``"3.4"`` -> 0.034). ``max_value`` caps the result
    (``None``: no cap, for engagement rates that legitimately exceed 100%)."""
    if is_empty(text):
        return None
    return parse_rate(text, max_value=max_value)


def parse_money(text: str | None, default_currency: str = "USD") -> tuple[Decimal, str | None] | None:
    """An amount as an exact Decimal plus the currency written in the cell, if any (the one
    parser, ``memory.domain.money``): ``"$1,234.50"`` -> (Decimal("1234.50"), "USD"),
    ``"1.234,50 EUR"`` -> (..., "EUR"), ``"99"`` -> (Decimal("99"), None); zero is allowed.
    ``default_currency`` only decides how many decimals a bare number may have."""
    if is_empty(text):
        return None
    assert text is not None
    money = core_money.parse_money(text, default_currency, allow_zero=True)
    return money.amount, money.currency if money.explicit else None


def parse_currency(text: str | None) -> str | None:
    """An ISO 4217 code (``"eur"`` -> ``"EUR"``); a lone symbol (``€``, ``$``) is accepted too."""
    if is_empty(text):
        return None
    assert text is not None
    s = text.strip()
    try:
        return core_money.check_currency(s)
    except core_money.MoneyError:
        raise ValueError(f"{s!r} is not a currency code (expected e.g. USD, EUR)") from None


_TRUE = {"yes", "y", "true", "t", "1", "on", "x", "oui", "si", "sí", "ja"}
_FALSE = {"no", "n", "false", "f", "0", "off", "non", "nein", "nee"}


def parse_bool(text: str | None) -> bool | None:
    """yes/no, true/false, 1/0, y/n, on/off (case-insensitive); empty is None."""
    if text is None or not text.strip():
        return None
    s = text.strip().casefold()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError(f"{text.strip()!r} is not yes/no")


_DATE_ONLY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_HINT = "expected ISO 8601, e.g. 2024-05-01 or 2024-05-01T10:00:00Z"


def parse_datetime(text: str | None) -> datetime | None:
    """An ISO 8601 date or date-time as an aware UTC datetime. A date alone is midnight
    UTC; a time without offset is taken as UTC."""
    if is_empty(text):
        return None
    assert text is not None
    s = text.strip()
    try:
        if _DATE_ONLY_RE.match(s):
            d = date.fromisoformat(s)
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        if not re.match(r"^\d{4}-?\d{2}-?\d{2}[T ]", s):
            raise ValueError
        value = datetime.fromisoformat(s[:-1] + "+00:00" if s[-1:] in "Zz" else s)
    except ValueError:
        raise ValueError(f"{s!r} is not a date ({_ISO_HINT})") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_date(text: str | None) -> date | None:
    """An ISO 8601 calendar date. A date-time is accepted and gives its date as written
    (``2024-05-01T23:30-05:00`` is 2024-05-01: the day the report was about)."""
    if is_empty(text):
        return None
    assert text is not None
    s = text.strip()
    if _DATE_ONLY_RE.match(s):
        try:
            return date.fromisoformat(s)
        except ValueError:
            raise ValueError(f"{s!r} is not a date ({_ISO_HINT})") from None
    parse_datetime(s)  # validates, with the same message
    return datetime.fromisoformat(s[:-1] + "+00:00" if s[-1:] in "Zz" else s).date()


_EMAIL_RE = re.compile(r"^[^@\s,;<>()\[\]]+@[^@\s,;<>()\[\]]+\.[A-Za-z]{2,}$")


def parse_email(text: str | None) -> str | None:
    """A loosely validated e-mail address, lower-cased (``mailto:`` and <> are stripped)."""
    if text is None or not text.strip():
        return None
    s = text.strip().removeprefix("mailto:").strip().strip("<>").strip()
    if not _EMAIL_RE.match(s) or ".." in s:
        raise ValueError(f"{text.strip()!r} is not an e-mail address")
    if len(s) > 320:
        raise ValueError("is longer than 320 characters")
    return s.lower()


_DOMAIN_START_RE = re.compile(r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(/|$)", re.IGNORECASE)


def parse_url(text: str | None, *, max_length: int = 1000) -> str | None:
    """An http(s) URL. ``instagram.com/x`` and ``www.x.com`` get ``https://`` in front."""
    if text is None or not text.strip():
        return None
    s = text.strip()
    if "://" not in s and _DOMAIN_START_RE.match(s):
        s = "https://" + s
    parts = urlsplit(s)
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not ("." in host or host == "localhost") or re.search(r"\s", s):
        raise ValueError(f"{text.strip()!r} is not a URL")
    if len(s) > max_length:
        raise ValueError(f"is longer than {max_length} characters")
    return s


def parse_text(text: str | None, *, max_length: int | None = None, single_line: bool = True) -> str | None:
    """Free text, trimmed; ``single_line`` folds line breaks and runs of spaces into one space,
    otherwise line breaks are kept as ``\n``. A leading tab is data and is kept: it is what
    keeps ``\t=1+2`` text rather than a formula in a spreadsheet."""
    if text is None:
        return None
    # Multi-line cells keep their breaks as \n whatever the file's line endings (CRLF exports).
    s = " ".join(text.split()) if single_line else text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not s:
        return None
    if text.lstrip(" ").startswith("\t"):
        s = "\t" + s
    if max_length is not None and len(s) > max_length:
        raise ValueError(f"is longer than {max_length} characters")
    return s


def parse_list(text: str | None, *, item_max: int = 60, total_max: int = 500, lower: bool = True) -> str | None:
    """A semicolon-separated list (commas accepted too), trimmed and de-duplicated, joined
    with ``;``: ``"Beauty, Skincare;beauty"`` -> ``"beauty;skincare"``."""
    if text is None:
        return None
    items = split_niches(text) if lower else _split_keep_case(text)
    if not items:
        return None
    for item in items:
        if len(item) > item_max:
            raise ValueError(f"{item!r} is longer than {item_max} characters")
    joined = ";".join(items)
    if len(joined) > total_max:
        raise ValueError(f"is longer than {total_max} characters")
    return joined


def _split_keep_case(text: str) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for part in text.split(";"):
        item = " ".join(part.split())
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


# --- handles, platforms, kinds --------------------------------------------------------------

@lru_cache(maxsize=4096)
def parse_platform(text: str | None) -> str | None:
    """A platform name with common synonyms: ``IG``/``Insta`` -> instagram, ``YT`` -> youtube,
    ``Twitter`` -> x, ``instagram.com`` -> instagram."""
    if text is None or not text.strip():
        return None
    platform = resolve_platform(text)
    if platform is None:
        raise ValueError(f"unknown platform {text.strip()!r} (known: {', '.join(PLATFORMS)})")
    return platform


@lru_cache(maxsize=4096)
def parse_kind(text: str | None) -> str | None:
    """``influencer`` or ``kol``; ``expert``, ``KOL``, ``key opinion leader`` -> kol, ``creator`` -> influencer."""
    if text is None or not text.strip():
        return None
    match = people.resolve_kind(text)
    if match is not None:
        return match.value
    raise ValueError(f"{text.strip()!r} is not a kind ({', '.join(k.value for k in CreatorKind)})")


_PROFILE_PATH_SKIP = {"c", "user", "channel", "in", "company", "u", "profile", "people", "pub"}


def parse_handle(text: str | None) -> str | None:
    """A handle without ``@``, lower case. A profile URL gives its handle
    (``https://www.instagram.com/Skin.By.Sam/`` -> ``skin.by.sam``, ``youtube.com/@mkbhd`` -> ``mkbhd``)."""
    if text is None or not text.strip():
        return None
    s = text.strip()
    if "://" in s or _DOMAIN_START_RE.match(s) and "/" in s:
        parts = [p for p in urlsplit(s if "://" in s else "https://" + s).path.split("/") if p]
        parts = [p for p in parts if p.casefold() not in _PROFILE_PATH_SKIP]
        if not parts:
            raise ValueError(f"{s!r} is a URL without a handle")
        s = parts[0]
    handle = normalize_handle(s)
    if not handle:
        raise ValueError(f"{text.strip()!r} is not a handle")
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in handle):
        raise ValueError(f"{text.strip()!r} contains a line break or control character")
    if len(handle) > 200:
        raise ValueError("is longer than 200 characters")
    return handle


# --- countries and languages ----------------------------------------------------------------


def country_name(code: str) -> str:
    """The English short name of an ISO alpha-2 code (the code itself if unknown)."""
    return places.country_name(code)


@lru_cache(maxsize=4096)
def parse_country(text: str | None) -> str | None:
    """A country as an ISO 3166-1 alpha-2 code (memory.domain.places): ``"France"``, ``"fr"``,
    ``"FRA"`` -> ``"FR"``; ``"United States"``, ``"USA"`` -> ``"US"``; ``"UK"`` -> ``"GB"``;
    ``"Bosnia"`` -> ``"BA"``; ``"Kosovo"`` -> ``"XK"``. A typo fails with the close matches."""
    if is_empty(text):
        return None
    assert text is not None
    raw = text.strip()
    match = places.resolve_country(raw, fuzzy=False)
    if match is not None:
        return match.value
    hint = [places.country_name(c) for c in places.suggest_country(raw)]
    raise ValueError(f"unknown country {raw!r}" + (f" (did you mean {' or '.join(hint)}?)" if hint else ""))


@lru_cache(maxsize=4096)
def parse_language(text: str | None) -> str | None:
    """A language as an ISO 639-1 code (memory.domain.languages): ``"English"``, ``"en"``,
    ``"eng"``, ``"en-US"`` -> ``"en"``; ``"Français"`` -> ``"fr"``; ``"Nepali"`` -> ``"ne"``."""
    if is_empty(text):
        return None
    assert text is not None
    raw = text.strip()
    match = languages.resolve_language(raw, fuzzy=False)
    if match is not None:
        return match.value
    hint = [languages.language_name(c) for c in languages.suggest_language(raw)]
    raise ValueError(f"unknown language {raw!r}" + (f" (did you mean {' or '.join(hint)}?)" if hint else ""))


# --- headers --------------------------------------------------------------------------------


def normalize_header(text: str) -> str:
    """A header cell as a comparison key: case-, accent- and punctuation-insensitive, line
    breaks and stray spaces folded (``"\\nViews (Avg.)"`` -> ``"views avg"``)."""
    s = unicodedata.normalize("NFKC", text).replace("\ufeff", "").casefold()
    return " ".join(re.sub(r"[^\w%]+|_", " ", s).split())
