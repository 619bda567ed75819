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

import difflib
import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache, lru_cache
from urllib.parse import urlsplit

from memory.models.common import CreatorKind, Platform
from memory.money import SYMBOLS as MONEY_SYMBOLS
from memory.repo.creators import normalize_handle, split_niches

__all__ = [
    "country_name", "is_empty", "is_plain_number", "normalize_header", "parse_bool", "parse_count",
    "parse_country", "parse_currency", "parse_date", "parse_datetime", "parse_email", "parse_fraction",
    "parse_handle", "parse_kind", "parse_language", "parse_list", "parse_money", "parse_number",
    "parse_platform", "parse_text", "parse_url",
]

_EMPTY = {"", "-", "--", "—", "–", "n/a", "na", "n.a.", "null", "none", "nan", "#n/a"}
# Spaces used as thousands separators: regular, no-break, narrow no-break, thin; and the Swiss '.
_GROUP_CHARS = str.maketrans("", "", " \u00a0\u202f\u2009'’")
_SUFFIXES = {
    "k": 10**3, "thousand": 10**3, "m": 10**6, "mn": 10**6, "mio": 10**6, "million": 10**6,
    "millions": 10**6, "b": 10**9, "bn": 10**9, "billion": 10**9, "billions": 10**9,
}
_NUMBER_RE = re.compile(r"^([+-]?[0-9][0-9.,]*|[+-]?[.,][0-9]+)\s*([a-z]*)\+?$")
_PLAIN_NUMBER_RE = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")


def is_empty(text: str | None) -> bool:
    """True for a missing cell, blanks, or a placeholder such as ``-`` or ``n/a``."""
    return text is None or text.strip().casefold() in _EMPTY


def is_plain_number(text: str | None) -> bool:
    """True when the cell is a bare number (``229500000``, ``0.034``): no suffix, separator or unit."""
    return text is not None and bool(_PLAIN_NUMBER_RE.match(text.strip()))


def _to_decimal(digits: str, *, grouping: str) -> Decimal:
    """``digits`` holds only digits, ``.`` and ``,`` (and a sign). A lone separator listed in
    ``grouping`` and followed by exactly three digits is a thousands separator."""
    sign = ""
    if digits[:1] in "+-":
        sign, digits = digits[0], digits[1:]
    if "," in digits and "." in digits:
        # Both present: the last one is the decimal separator ("1,234.5" / "1.234,5").
        dec = "," if digits.rfind(",") > digits.rfind(".") else "."
        grp = "." if dec == "," else ","
        if digits.count(dec) > 1:
            raise ValueError
        digits = digits.replace(grp, "").replace(dec, ".")
    elif "," in digits or "." in digits:
        sep = "," if "," in digits else "."
        parts = digits.split(sep)
        if len(parts) > 2:
            if not all(len(p) == 3 for p in parts[1:]) or not parts[0]:
                raise ValueError
            digits = "".join(parts)
        elif sep in grouping and len(parts[1]) == 3 and parts[0] not in ("", "0"):
            digits = "".join(parts)
        else:
            digits = ".".join(parts)
    return Decimal(sign + digits)


def _decimal(text: str, *, grouping: str, suffixes: bool) -> Decimal:
    """Parse a human-written number to a Decimal (never via float)."""
    raw = text.strip()
    s = raw.translate(_GROUP_CHARS).casefold()
    m = _NUMBER_RE.match(s)
    if not m:
        raise ValueError(f"{raw!r} is not a number")
    body, suffix = m.groups()
    mult = 1
    if suffix:
        if not suffixes or suffix not in _SUFFIXES:
            raise ValueError(f"{raw!r} is not a number")
        mult = _SUFFIXES[suffix]
    try:
        value = _to_decimal(body, grouping="" if suffix else grouping)
    except (ValueError, InvalidOperation):
        raise ValueError(f"{raw!r} is not a number") from None
    return value * mult


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
    assert text is not None
    raw = text.strip()
    body = raw.removesuffix("%").strip()
    percent = raw.endswith("%")
    try:
        value = _decimal(body, grouping="", suffixes=False)
    except ValueError:
        raise ValueError(f"{raw!r} is not a rate (expected e.g. 0.034 or 3.4%)") from None
    if value < 0:
        raise ValueError(f"{raw!r} is negative")
    if not percent and value > 1:
        if value > 100:
            raise ValueError(f"{raw!r} is not a rate (expected a fraction like 0.034 or a percent like 3.4%)")
        percent = True
    if percent:
        value = value / 100
    if max_value is not None and value > Decimal(str(max_value)):
        raise ValueError(f"{raw!r} is more than {max_value:.0%}")
    return float(value)


_CURRENCY_SYMBOLS = MONEY_SYMBOLS  # one table for the whole project (memory.money): "A$", "C$", "R$" included
_MONEY_CODE_RE = re.compile(r"^(?P<pre>[A-Za-z]{3})?\s*(?P<num>.*?)\s*(?P<post>[A-Za-z]{3})?$")


def parse_money(text: str | None) -> tuple[Decimal, str | None] | None:
    """An amount as an exact Decimal plus the currency written in the cell, if any:
    ``"$1,234.50"`` -> (Decimal("1234.50"), "USD"), ``"1.234,50 EUR"`` -> (..., "EUR"),
    ``"99"`` -> (Decimal("99"), None). Never goes through float."""
    if is_empty(text):
        return None
    assert text is not None
    raw = text.strip()
    s = raw
    currency: str | None = None
    for sym in sorted(_CURRENCY_SYMBOLS, key=len, reverse=True):
        if sym in s:
            currency = _CURRENCY_SYMBOLS[sym]
            s = s.replace(sym, "")
            break
    m = _MONEY_CODE_RE.match(s.strip())
    if m and (m["pre"] or m["post"]):
        code = (m["pre"] or m["post"]).upper()
        if currency and currency != code:
            raise ValueError(f"{raw!r} names two currencies")
        currency, s = code, m["num"]
    try:
        value = _decimal(s, grouping=",.", suffixes=False)
    except ValueError:
        raise ValueError(f"{raw!r} is not an amount") from None
    if value < 0:
        raise ValueError(f"{raw!r} is negative")
    return value, currency


def parse_currency(text: str | None) -> str | None:
    """An ISO 4217 code (``"eur"`` -> ``"EUR"``); a lone symbol (``€``, ``$``) is accepted too."""
    if is_empty(text):
        return None
    assert text is not None
    s = text.strip()
    if s in _CURRENCY_SYMBOLS:
        return _CURRENCY_SYMBOLS[s]
    if not re.fullmatch(r"[A-Za-z]{3}", s):
        raise ValueError(f"{s!r} is not a currency code (expected e.g. USD, EUR)")
    return s.upper()


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

_PLATFORM_SYNONYMS = {
    "instagram": "instagram", "ig": "instagram", "insta": "instagram", "instagr.am": "instagram",
    "tiktok": "tiktok", "tt": "tiktok", "tik tok": "tiktok",
    "youtube": "youtube", "yt": "youtube", "you tube": "youtube", "youtube shorts": "youtube", "youtu.be": "youtube",
    "facebook": "facebook", "fb": "facebook",
    "x": "x", "twitter": "x", "tw": "x", "x (twitter)": "x", "twitter/x": "x", "x/twitter": "x",
    "linkedin": "linkedin", "li": "linkedin", "linked in": "linkedin",
    "blog": "blog", "website": "blog", "web": "blog", "substack": "blog",
    "podcast": "podcast", "podcasts": "podcast",
    "twitch": "twitch", "pinterest": "pinterest", "pin": "pinterest",
    "threads": "threads", "snapchat": "snapchat", "snap": "snapchat",
}


@lru_cache(maxsize=4096)
def parse_platform(text: str | None) -> str | None:
    """A platform name with common synonyms: ``IG``/``Insta`` -> instagram, ``YT`` -> youtube,
    ``Twitter`` -> x, ``instagram.com`` -> instagram."""
    if text is None or not text.strip():
        return None
    s = " ".join(text.strip().casefold().split())
    s = s.removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")
    s = s.removesuffix(".com")
    if s in _PLATFORM_SYNONYMS:
        return _PLATFORM_SYNONYMS[s]
    if s in Platform.__members__:
        return s
    known = ", ".join(p.value for p in Platform)
    raise ValueError(f"unknown platform {text.strip()!r} (known: {known})")


_KIND_SYNONYMS = {
    "influencer": "influencer", "creator": "influencer", "content creator": "influencer", "ugc": "influencer",
    "ugc creator": "influencer", "blogger": "influencer", "vlogger": "influencer",
    "kol": "kol", "key opinion leader": "kol", "expert": "kol", "specialist": "kol", "professional": "kol",
    "thought leader": "kol", "industry expert": "kol",
}


@lru_cache(maxsize=4096)
def parse_kind(text: str | None) -> str | None:
    """``influencer`` or ``kol``; ``expert``, ``KOL``, ``key opinion leader`` -> kol, ``creator`` -> influencer."""
    if text is None or not text.strip():
        return None
    s = " ".join(text.strip().casefold().replace("_", " ").replace("-", " ").split())
    if s in _KIND_SYNONYMS:
        return _KIND_SYNONYMS[s]
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


def _fold(text: str) -> str:
    """Case-, accent-, space- and punctuation-insensitive key: ``"Côte d'Ivoire"`` -> ``"cotedivoire"``."""
    s = unicodedata.normalize("NFKD", text.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("&", " and ").replace("'", "").replace("’", "").replace(".", "")
    s = " ".join(re.sub(r"[^\w]+", " ", s).split())
    s = re.sub(r"\bst\b", "saint", s.removeprefix("the "))
    # Spaces dropped last, so "Cote d Ivoire" and "Côte d'Ivoire" meet.
    return s.replace(" ", "")


@cache
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    """(lookup key -> alpha-2, alpha-2 -> display name)."""
    lookup: dict[str, str] = {}
    names: dict[str, str] = {}
    for line in _COUNTRY_DATA.strip().splitlines():
        a2, a3, *aliases = line.split("|")
        names[a2] = aliases[0]
        lookup[a2.casefold()] = a2
        lookup[a3.casefold()] = a2
        for alias in aliases:
            lookup.setdefault(_fold(alias), a2)
    for alias, a2 in _COUNTRY_ALIASES.items():
        lookup[_fold(alias)] = a2
    return lookup, names


def country_name(code: str) -> str:
    """The English short name of an ISO alpha-2 code (the code itself if unknown)."""
    return _countries()[1].get(code.upper(), code)


@lru_cache(maxsize=4096)
def parse_country(text: str | None) -> str | None:
    """A country as an ISO 3166-1 alpha-2 code: ``"France"``, ``"fr"``, ``"FRA"`` -> ``"FR"``;
    ``"United States"``, ``"USA"`` -> ``"US"``; ``"UK"`` -> ``"GB"``."""
    if is_empty(text):
        return None
    assert text is not None
    lookup, names = _countries()
    raw = text.strip()
    key = _fold(raw)
    if key in lookup:
        return lookup[key]
    guesses = difflib.get_close_matches(key, [k for k in lookup if len(k) > 3], n=3, cutoff=0.75)
    hint = sorted({names[lookup[g]] for g in guesses})
    raise ValueError(f"unknown country {raw!r}" + (f" (did you mean {' or '.join(hint)}?)" if hint else ""))


@cache
def _languages() -> tuple[dict[str, str], dict[str, str]]:
    lookup: dict[str, str] = {}
    names: dict[str, str] = {}
    for line in _LANGUAGE_DATA.strip().splitlines():
        a2, codes, *aliases = line.split("|")
        names[a2] = aliases[0]
        lookup[a2] = a2
        for code in codes.split(","):
            lookup[code] = a2
        for alias in aliases:
            lookup.setdefault(_fold(alias), a2)
    for alias, a2 in _LANGUAGE_ALIASES.items():
        lookup[_fold(alias)] = a2
    return lookup, names


@lru_cache(maxsize=4096)
def parse_language(text: str | None) -> str | None:
    """A language as an ISO 639-1 code: ``"English"``, ``"en"``, ``"eng"``, ``"en-US"`` -> ``"en"``;
    ``"Français"`` -> ``"fr"``."""
    if is_empty(text):
        return None
    assert text is not None
    lookup, names = _languages()
    raw = text.strip()
    key = _fold(raw)
    if key in lookup:
        return lookup[key]
    tag = re.match(r"^([a-z]{2,3})[-_ ][a-z0-9]{2,8}$", raw.casefold())
    if tag and tag[1] in lookup:
        return lookup[tag[1]]
    guesses = difflib.get_close_matches(key, [k for k in lookup if len(k) > 3], n=3, cutoff=0.75)
    hint = sorted({names[lookup[g]] for g in guesses})
    raise ValueError(f"unknown language {raw!r}" + (f" (did you mean {' or '.join(hint)}?)" if hint else ""))


# --- headers --------------------------------------------------------------------------------


def normalize_header(text: str) -> str:
    """A header cell as a comparison key: case-, accent- and punctuation-insensitive, line
    breaks and stray spaces folded (``"\\nViews (Avg.)"`` -> ``"views avg"``)."""
    s = unicodedata.normalize("NFKC", text).replace("\ufeff", "").casefold()
    return " ".join(re.sub(r"[^\w%]+|_", " ", s).split())


_COUNTRY_ALIASES = {
    "UK": "GB", "U.K.": "GB", "Great Britain": "GB", "Britain": "GB", "England": "GB", "Scotland": "GB",
    "Wales": "GB", "Northern Ireland": "GB", "Royaume-Uni": "GB", "Reino Unido": "GB",
    "U.S.": "US", "U.S.A.": "US", "America": "US", "United States of America": "US", "États-Unis": "US",
    "Estados Unidos": "US", "Vereinigte Staaten": "US",
    "Russia": "RU", "Россия": "RU", "Holland": "NL", "Nederland": "NL", "Pays-Bas": "NL",
    "UAE": "AE", "Emirates": "AE", "KSA": "SA", "Turkey": "TR", "Turkiye": "TR",
    "Ivory Coast": "CI", "Cape Verde": "CV", "Swaziland": "SZ", "Macedonia": "MK", "Burma": "MM",
    "East Timor": "TL", "Czech Republic": "CZ", "Česko": "CZ", "Korea": "KR", "Republic of Korea": "KR",
    "한국": "KR", "대한민국": "KR", "DRC": "CD", "DR Congo": "CD", "Congo-Kinshasa": "CD",
    "Congo-Brazzaville": "CG", "Vatican": "VA", "Macau": "MO", "Bosnia": "BA", "Trinidad": "TT",
    "Deutschland": "DE", "Allemagne": "DE", "Alemania": "DE", "Germania": "DE",
    "España": "ES", "Espagne": "ES", "Spanien": "ES", "Brasil": "BR", "Brésil": "BR", "Italia": "IT",
    "Italie": "IT", "Italien": "IT", "Österreich": "AT", "Autriche": "AT", "Schweiz": "CH", "Suisse": "CH",
    "Svizzera": "CH", "Belgique": "BE", "België": "BE", "Belgien": "BE", "Sverige": "SE", "Norge": "NO",
    "Danmark": "DK", "Polska": "PL", "Suomi": "FI", "Éire": "IE", "Ελλάδα": "GR", "Magyarország": "HU",
    "Frankreich": "FR", "Francia": "FR", "Méjico": "MX", "日本": "JP", "中国": "CN", "Mainland China": "CN",
    "Perú": "PE", "Türkiye": "TR", "Viet Nam": "VN", "Hrvatska": "HR", "România": "RO",
}

_LANGUAGE_ALIASES = {
    "Mandarin": "zh", "Cantonese": "zh", "Chinese (Simplified)": "zh", "Chinese (Traditional)": "zh",
    "Farsi": "fa", "Filipino": "tl", "Brazilian Portuguese": "pt", "Hinglish": "hi", "Panjabi": "pa",
}


# ISO 3166-1 (from the Debian iso-codes data): alpha-2|alpha-3|display name|other names.
# XK (Kosovo) is not in ISO 3166-1; it is the user-assigned code the EU and most data sources use.
_COUNTRY_DATA = """
AD|AND|Andorra|Principality of Andorra
AE|ARE|United Arab Emirates
AF|AFG|Afghanistan|Islamic Republic of Afghanistan
AG|ATG|Antigua and Barbuda
AI|AIA|Anguilla
AL|ALB|Albania|Republic of Albania
AM|ARM|Armenia|Republic of Armenia
AO|AGO|Angola|Republic of Angola
AQ|ATA|Antarctica
AR|ARG|Argentina|Argentine Republic
AS|ASM|American Samoa
AT|AUT|Austria|Republic of Austria
AU|AUS|Australia
AW|ABW|Aruba
AX|ALA|Åland Islands
AZ|AZE|Azerbaijan|Republic of Azerbaijan
BA|BIH|Bosnia and Herzegovina|Republic of Bosnia and Herzegovina
BB|BRB|Barbados
BD|BGD|Bangladesh|People's Republic of Bangladesh
BE|BEL|Belgium|Kingdom of Belgium
BF|BFA|Burkina Faso
BG|BGR|Bulgaria|Republic of Bulgaria
BH|BHR|Bahrain|Kingdom of Bahrain
BI|BDI|Burundi|Republic of Burundi
BJ|BEN|Benin|Republic of Benin
BL|BLM|Saint Barthélemy
BM|BMU|Bermuda
BN|BRN|Brunei|Brunei Darussalam
BO|BOL|Bolivia|Bolivia, Plurinational State of|Plurinational State of Bolivia
BQ|BES|Bonaire, Sint Eustatius and Saba
BR|BRA|Brazil|Federative Republic of Brazil
BS|BHS|Bahamas|Commonwealth of the Bahamas
BT|BTN|Bhutan|Kingdom of Bhutan
BV|BVT|Bouvet Island
BW|BWA|Botswana|Republic of Botswana
BY|BLR|Belarus|Republic of Belarus
BZ|BLZ|Belize
CA|CAN|Canada
CC|CCK|Cocos (Keeling) Islands
CD|COD|DR Congo|Democratic Republic of the Congo|Congo, The Democratic Republic of the
CF|CAF|Central African Republic
CG|COG|Congo|Republic of the Congo
CH|CHE|Switzerland|Swiss Confederation
CI|CIV|Côte d'Ivoire|Republic of Côte d'Ivoire
CK|COK|Cook Islands
CL|CHL|Chile|Republic of Chile
CM|CMR|Cameroon|Republic of Cameroon
CN|CHN|China|People's Republic of China
CO|COL|Colombia|Republic of Colombia
CR|CRI|Costa Rica|Republic of Costa Rica
CU|CUB|Cuba|Republic of Cuba
CV|CPV|Cabo Verde|Republic of Cabo Verde
CW|CUW|Curaçao
CX|CXR|Christmas Island
CY|CYP|Cyprus|Republic of Cyprus
CZ|CZE|Czechia|Czech Republic
DE|DEU|Germany|Federal Republic of Germany
DJ|DJI|Djibouti|Republic of Djibouti
DK|DNK|Denmark|Kingdom of Denmark
DM|DMA|Dominica|Commonwealth of Dominica
DO|DOM|Dominican Republic
DZ|DZA|Algeria|People's Democratic Republic of Algeria
EC|ECU|Ecuador|Republic of Ecuador
EE|EST|Estonia|Republic of Estonia
EG|EGY|Egypt|Arab Republic of Egypt
EH|ESH|Western Sahara
ER|ERI|Eritrea|the State of Eritrea
ES|ESP|Spain|Kingdom of Spain
ET|ETH|Ethiopia|Federal Democratic Republic of Ethiopia
FI|FIN|Finland|Republic of Finland
FJ|FJI|Fiji|Republic of Fiji
FK|FLK|Falkland Islands (Malvinas)
FM|FSM|Micronesia|Federated States of Micronesia|Micronesia, Federated States of
FO|FRO|Faroe Islands
FR|FRA|France|French Republic
GA|GAB|Gabon|Gabonese Republic
GB|GBR|United Kingdom|United Kingdom of Great Britain and Northern Ireland
GD|GRD|Grenada
GE|GEO|Georgia
GF|GUF|French Guiana
GG|GGY|Guernsey
GH|GHA|Ghana|Republic of Ghana
GI|GIB|Gibraltar
GL|GRL|Greenland
GM|GMB|Gambia|Republic of the Gambia
GN|GIN|Guinea|Republic of Guinea
GP|GLP|Guadeloupe
GQ|GNQ|Equatorial Guinea|Republic of Equatorial Guinea
GR|GRC|Greece|Hellenic Republic
GS|SGS|South Georgia and the South Sandwich Islands
GT|GTM|Guatemala|Republic of Guatemala
GU|GUM|Guam
GW|GNB|Guinea-Bissau|Republic of Guinea-Bissau
GY|GUY|Guyana|Republic of Guyana
HK|HKG|Hong Kong|Hong Kong Special Administrative Region of China
HM|HMD|Heard Island and McDonald Islands
HN|HND|Honduras|Republic of Honduras
HR|HRV|Croatia|Republic of Croatia
HT|HTI|Haiti|Republic of Haiti
HU|HUN|Hungary
ID|IDN|Indonesia|Republic of Indonesia
IE|IRL|Ireland
IL|ISR|Israel|State of Israel
IM|IMN|Isle of Man
IN|IND|India|Republic of India
IO|IOT|British Indian Ocean Territory
IQ|IRQ|Iraq|Republic of Iraq
IR|IRN|Iran|Iran, Islamic Republic of|Islamic Republic of Iran
IS|ISL|Iceland|Republic of Iceland
IT|ITA|Italy|Italian Republic
JE|JEY|Jersey
JM|JAM|Jamaica
JO|JOR|Jordan|Hashemite Kingdom of Jordan
JP|JPN|Japan
KE|KEN|Kenya|Republic of Kenya
KG|KGZ|Kyrgyzstan|Kyrgyz Republic
KH|KHM|Cambodia|Kingdom of Cambodia
KI|KIR|Kiribati|Republic of Kiribati
KM|COM|Comoros|Union of the Comoros
KN|KNA|Saint Kitts and Nevis
KP|PRK|North Korea|Korea, Democratic People's Republic of|Democratic People's Republic of Korea
KR|KOR|South Korea|Korea, Republic of
KW|KWT|Kuwait|State of Kuwait
KY|CYM|Cayman Islands
KZ|KAZ|Kazakhstan|Republic of Kazakhstan
LA|LAO|Laos|Lao People's Democratic Republic
LB|LBN|Lebanon|Lebanese Republic
LC|LCA|Saint Lucia
LI|LIE|Liechtenstein|Principality of Liechtenstein
LK|LKA|Sri Lanka|Democratic Socialist Republic of Sri Lanka
LR|LBR|Liberia|Republic of Liberia
LS|LSO|Lesotho|Kingdom of Lesotho
LT|LTU|Lithuania|Republic of Lithuania
LU|LUX|Luxembourg|Grand Duchy of Luxembourg
LV|LVA|Latvia|Republic of Latvia
LY|LBY|Libya
MA|MAR|Morocco|Kingdom of Morocco
MC|MCO|Monaco|Principality of Monaco
MD|MDA|Moldova|Moldova, Republic of|Republic of Moldova
ME|MNE|Montenegro
MF|MAF|Saint Martin (French part)
MG|MDG|Madagascar|Republic of Madagascar
MH|MHL|Marshall Islands|Republic of the Marshall Islands
MK|MKD|North Macedonia|Republic of North Macedonia
ML|MLI|Mali|Republic of Mali
MM|MMR|Myanmar|Republic of Myanmar
MN|MNG|Mongolia
MO|MAC|Macao|Macao Special Administrative Region of China
MP|MNP|Northern Mariana Islands|Commonwealth of the Northern Mariana Islands
MQ|MTQ|Martinique
MR|MRT|Mauritania|Islamic Republic of Mauritania
MS|MSR|Montserrat
MT|MLT|Malta|Republic of Malta
MU|MUS|Mauritius|Republic of Mauritius
MV|MDV|Maldives|Republic of Maldives
MW|MWI|Malawi|Republic of Malawi
MX|MEX|Mexico|United Mexican States
MY|MYS|Malaysia
MZ|MOZ|Mozambique|Republic of Mozambique
NA|NAM|Namibia|Republic of Namibia
NC|NCL|New Caledonia
NE|NER|Niger|Republic of the Niger
NF|NFK|Norfolk Island
NG|NGA|Nigeria|Federal Republic of Nigeria
NI|NIC|Nicaragua|Republic of Nicaragua
NL|NLD|Netherlands|Kingdom of the Netherlands
NO|NOR|Norway|Kingdom of Norway
NP|NPL|Nepal|Federal Democratic Republic of Nepal
NR|NRU|Nauru|Republic of Nauru
NU|NIU|Niue
NZ|NZL|New Zealand
OM|OMN|Oman|Sultanate of Oman
PA|PAN|Panama|Republic of Panama
PE|PER|Peru|Republic of Peru
PF|PYF|French Polynesia
PG|PNG|Papua New Guinea|Independent State of Papua New Guinea
PH|PHL|Philippines|Republic of the Philippines
PK|PAK|Pakistan|Islamic Republic of Pakistan
PL|POL|Poland|Republic of Poland
PM|SPM|Saint Pierre and Miquelon
PN|PCN|Pitcairn
PR|PRI|Puerto Rico
PS|PSE|Palestine|State of Palestine|Palestine, State of
PT|PRT|Portugal|Portuguese Republic
PW|PLW|Palau|Republic of Palau
PY|PRY|Paraguay|Republic of Paraguay
QA|QAT|Qatar|State of Qatar
RE|REU|Réunion
RO|ROU|Romania
RS|SRB|Serbia|Republic of Serbia
RU|RUS|Russia|Russian Federation
RW|RWA|Rwanda|Rwandese Republic
SA|SAU|Saudi Arabia|Kingdom of Saudi Arabia
SB|SLB|Solomon Islands
SC|SYC|Seychelles|Republic of Seychelles
SD|SDN|Sudan|Republic of the Sudan
SE|SWE|Sweden|Kingdom of Sweden
SG|SGP|Singapore|Republic of Singapore
SH|SHN|Saint Helena, Ascension and Tristan da Cunha
SI|SVN|Slovenia|Republic of Slovenia
SJ|SJM|Svalbard and Jan Mayen
SK|SVK|Slovakia|Slovak Republic
SL|SLE|Sierra Leone|Republic of Sierra Leone
SM|SMR|San Marino|Republic of San Marino
SN|SEN|Senegal|Republic of Senegal
SO|SOM|Somalia|Federal Republic of Somalia
SR|SUR|Suriname|Republic of Suriname
SS|SSD|South Sudan|Republic of South Sudan
ST|STP|Sao Tome and Principe|Democratic Republic of Sao Tome and Principe
SV|SLV|El Salvador|Republic of El Salvador
SX|SXM|Sint Maarten (Dutch part)
SY|SYR|Syria|Syrian Arab Republic
SZ|SWZ|Eswatini|Kingdom of Eswatini
TC|TCA|Turks and Caicos Islands
TD|TCD|Chad|Republic of Chad
TF|ATF|French Southern Territories
TG|TGO|Togo|Togolese Republic
TH|THA|Thailand|Kingdom of Thailand
TJ|TJK|Tajikistan|Republic of Tajikistan
TK|TKL|Tokelau
TL|TLS|Timor-Leste|Democratic Republic of Timor-Leste
TM|TKM|Turkmenistan
TN|TUN|Tunisia|Republic of Tunisia
TO|TON|Tonga|Kingdom of Tonga
TR|TUR|Türkiye|Republic of Türkiye
TT|TTO|Trinidad and Tobago|Republic of Trinidad and Tobago
TV|TUV|Tuvalu
TW|TWN|Taiwan|Taiwan, Province of China
TZ|TZA|Tanzania|Tanzania, United Republic of|United Republic of Tanzania
UA|UKR|Ukraine
UG|UGA|Uganda|Republic of Uganda
UM|UMI|United States Minor Outlying Islands
US|USA|United States|United States of America
UY|URY|Uruguay|Eastern Republic of Uruguay
UZ|UZB|Uzbekistan|Republic of Uzbekistan
VA|VAT|Vatican City|Holy See|Holy See (Vatican City State)
VC|VCT|Saint Vincent and the Grenadines
VE|VEN|Venezuela|Venezuela, Bolivarian Republic of|Bolivarian Republic of Venezuela
VG|VGB|Virgin Islands, British|British Virgin Islands
VI|VIR|Virgin Islands, U.S.|Virgin Islands of the United States
VN|VNM|Vietnam|Viet Nam|Socialist Republic of Viet Nam
VU|VUT|Vanuatu|Republic of Vanuatu
WF|WLF|Wallis and Futuna
WS|WSM|Samoa|Independent State of Samoa
YE|YEM|Yemen|Republic of Yemen
YT|MYT|Mayotte
ZA|ZAF|South Africa|Republic of South Africa
ZM|ZMB|Zambia|Republic of Zambia
ZW|ZWE|Zimbabwe|Republic of Zimbabwe
XK|XKX|Kosovo
"""

# ISO 639-1 (from the Debian iso-codes data): alpha-2|639-2 codes|English name|other and native names.
_LANGUAGE_DATA = """
aa|aar|Afar
ab|abk|Abkhazian
af|afr|Afrikaans
ak|aka|Akan
am|amh|Amharic|አማርኛ
ar|ara|Arabic|العربية
an|arg|Aragonese
as|asm|Assamese|অসমীয়া
av|ava|Avaric
ae|ave|Avestan
ay|aym|Aymara
az|aze|Azerbaijani|Azərbaycan
ba|bak|Bashkir
bm|bam|Bambara
be|bel|Belarusian|беларуская
bn|ben|Bengali|বাংলা
bh|bih|Bihari languages
bi|bis|Bislama
bo|bod,tib|Tibetan
bs|bos|Bosnian|Bosanski
br|bre|Breton|Brezhoneg
bg|bul|Bulgarian|Български
ca|cat|Catalan|Valencian|Català
cs|ces,cze|Czech|čeština
ch|cha|Chamorro
ce|che|Chechen
cu|chu|Church Slavic|Old Slavonic|Church Slavonic|Old Bulgarian|Old Church Slavonic
cv|chv|Chuvash
kw|cor|Cornish
co|cos|Corsican
cr|cre|Cree
cy|cym,wel|Welsh|Cymraeg
da|dan|Danish|dansk
de|deu,ger|German|Deutsch
dv|div|Divehi|Dhivehi|Maldivian
dz|dzo|Dzongkha
el|ell,gre|Greek|Ελληνικά
en|eng|English
eo|epo|Esperanto
et|est|Estonian|eesti
eu|eus,baq|Basque|Euskara
ee|ewe|Ewe
fo|fao|Faroese
fa|fas,per|Persian|فارسی
fj|fij|Fijian
fi|fin|Finnish|suomi
fr|fra,fre|French|français
fy|fry|Western Frisian|Frysk
ff|ful|Fulah
gd|gla|Gaelic|Scottish Gaelic|Gàidhlig
ga|gle|Irish|Gaeilge
gl|glg|Galician|Galego
gv|glv|Manx
gn|grn|Guarani
gu|guj|Gujarati|ગુજરાતી
ht|hat|Haitian|Haitian Creole
ha|hau|Hausa
he|heb|Hebrew|עברית
hz|her|Herero
hi|hin|Hindi|हिंदी
ho|hmo|Hiri Motu
hr|hrv|Croatian|Hrvatski
hu|hun|Hungarian|magyar
hy|hye,arm|Armenian|Հայերեն
ig|ibo|Igbo
io|ido|Ido
ii|iii|Sichuan Yi|Nuosu
iu|iku|Inuktitut
ie|ile|Interlingue|Occidental
ia|ina|Interlingua (International Auxiliary Language Association)
id|ind|Indonesian|Bahasa Indonesia
ik|ipk|Inupiaq
is|isl,ice|Icelandic|Íslenska
it|ita|Italian|Italiano
jv|jav|Javanese|Basa Jawa
ja|jpn|Japanese|日本語
kl|kal|Kalaallisut|Greenlandic
kn|kan|Kannada|ಕನ್ನಡ
ks|kas|Kashmiri
ka|kat,geo|Georgian|ქართული
kr|kau|Kanuri
kk|kaz|Kazakh|Қазақ
km|khm|Central Khmer|ខ្មែរ
ki|kik|Kikuyu|Gikuyu
rw|kin|Kinyarwanda|Ikinyarwanda
ky|kir|Kirghiz|Kyrgyz|Кыргызча
kv|kom|Komi
kg|kon|Kongo
ko|kor|Korean|한국어
kj|kua|Kuanyama|Kwanyama
ku|kur|Kurdish|Kurdî
lo|lao|Lao|ລາວ
la|lat|Latin
lv|lav|Latvian|Latviešu
li|lim|Limburgan|Limburger|Limburgish
ln|lin|Lingala
lt|lit|Lithuanian|Lietuvių
lb|ltz|Luxembourgish|Letzeburgesch|Lëtzebuergesch
lu|lub|Luba-Katanga
lg|lug|Ganda
mh|mah|Marshallese
ml|mal|Malayalam|മലയാളം
mr|mar|Marathi|मराठी
mk|mkd,mac|Macedonian|Македонски
mg|mlg|Malagasy
mt|mlt|Maltese|Malti
mn|mon|Mongolian|Монгол
mi|mri,mao|Maori|Reo Māori
ms|msa,may|Malay|Bahasa Melayu
my|mya,bur|Burmese|မြန်မာ
na|nau|Nauru
nv|nav|Navajo|Navaho
nr|nbl|Ndebele, South|South Ndebele
nd|nde|Ndebele, North|North Ndebele
ng|ndo|Ndonga
ne|nep|Nepali|नेपाली
nl|nld,dut|Dutch|Flemish|Nederlands
nn|nno|Norwegian Nynorsk|Nynorsk|Norsk nynorsk
nb|nob|Norwegian Bokmål|Bokmål|Norsk bokmål
no|nor|Norwegian|Norsk
ny|nya|Chichewa|Chewa|Nyanja
oc|oci|Occitan|Provençal
oj|oji|Ojibwa
or|ori|Oriya|ଓଡିଆ
om|orm|Oromo
os|oss|Ossetian|Ossetic
pa|pan|Panjabi|Punjabi|ਪੰਜਾਬੀ
pi|pli|Pali
pl|pol|Polish|polski
pt|por|Portuguese|Português
ps|pus|Pushto|Pashto|پښتو
qu|que|Quechua
rm|roh|Romansh
ro|ron,rum|Romanian|Moldavian|Moldovan|Română
rn|run|Rundi
ru|rus|Russian|русский
sg|sag|Sango
sa|san|Sanskrit
si|sin|Sinhala|Sinhalese|සිංහල
sk|slk,slo|Slovak|slovenčina
sl|slv|Slovenian|slovenščina
se|sme|Northern Sami
sm|smo|Samoan
sn|sna|Shona
sd|snd|Sindhi
so|som|Somali|Soomaali
st|sot|Sotho, Southern
es|spa|Spanish|Castilian|Español|Castellano
sq|sqi,alb|Albanian|Shqip
sc|srd|Sardinian|Sardu
sr|srp|Serbian|српски
ss|ssw|Swati
su|sun|Sundanese|Basa Sunda
sw|swa|Swahili|Kiswahili
sv|swe|Swedish|Svenska
ty|tah|Tahitian
ta|tam|Tamil|தமிழ்
tt|tat|Tatar|Татарча
te|tel|Telugu|తెలుగు
tg|tgk|Tajik|Тоҷикӣ
tl|tgl|Tagalog|Filipino
th|tha|Thai|ไทย
ti|tir|Tigrinya|ትግርኛ
to|ton|Tonga (Tonga Islands)
tn|tsn|Tswana
ts|tso|Tsonga
tk|tuk|Turkmen|Türkmen
tr|tur|Turkish|Türkçe
tw|twi|Twi
ug|uig|Uighur|Uyghur|ئۇيغۇرچە
uk|ukr|Ukrainian|українська
ur|urd|Urdu|اردو
uz|uzb|Uzbek|Oʻzbek
ve|ven|Venda
vi|vie|Vietnamese|Tiếng Việt
vo|vol|Volapük
wa|wln|Walloon|Walon
wo|wol|Wolof
xh|xho|Xhosa|isiXhosa
yi|yid|Yiddish|ייִדיש
yo|yor|Yoruba|Yorùbá
za|zha|Zhuang|Chuang
zh|zho,chi|Chinese|中文
zu|zul|Zulu|isiZulu
"""
