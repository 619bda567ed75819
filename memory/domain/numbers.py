"""Numbers as people write them, and as kolpilot shows them: one parser, one formatter.

``parse_number`` reads what marketers and exports write: ``12.5K``, ``1.2M``, ``1 mil``,
``1.5 million``, ``fifty thousand``, ``twenty-five``, ``20 000``, ``20,000``, ``1.234.567``,
``20k+``. Rules that are a choice rather than a standard:

- With ``grouping=",."`` (the default) a single ``.`` or ``,`` followed by exactly three
  digits and no suffix groups thousands (``1.234`` = 1234: nobody has 1.234 followers);
  otherwise it is the decimal separator (``2,5`` = 2.5, ``12,5K`` = 12500). When both appear,
  the last one is the decimal separator (``1.234,5``). Spaces and ``'`` group thousands.
- Suffixes: K/thousand, M/mm/mn/mil/mio/mln/million, B/bn/billion; a trailing ``+`` is allowed.
- Percentages are ``parse_percent`` (``3.4%`` -> 0.034), never ``parse_number``.

``format_compact`` shows counts with three significant digits: 1,250,000 -> ``1.25M``,
12,500 -> ``12.5K``, 1,234 -> ``1.23K``, 999 -> ``999``, 1,000,000 -> ``1M``.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["WORD_NUMBERS", "format_compact", "parse_number", "parse_percent", "parse_rate"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
WORD_NUMBERS: dict[str, int] = {**_UNITS, **_TENS}
"""Number words that stand alone ("three", "fifty"); compounds ("twenty-five") go through parse_number."""

_SUFFIXES: dict[str, int] = {
    "k": 10**3, "thousand": 10**3, "thousands": 10**3,
    "m": 10**6, "mm": 10**6, "mn": 10**6, "mil": 10**6, "mio": 10**6, "mln": 10**6, "million": 10**6, "millions": 10**6,
    "b": 10**9, "bn": 10**9, "billion": 10**9, "billions": 10**9,
}
_SCALE_WORDS = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "mil": 10**6, "k": 10**3, "m": 10**6}
# Spaces used as thousands separators: regular, no-break, narrow no-break, thin; and the Swiss '.
_GROUP_CHARS = str.maketrans("", "", " \u00a0\u202f\u2009'’")
_DIGITS_RE = re.compile(r"^([+-]?[0-9][0-9.,]*|[+-]?[.,][0-9]+)([a-z]*)\+?$")
_PERCENT_RE = re.compile(r"^(?P<n>[+-]?[0-9][0-9.,]*|[+-]?[.,][0-9]+)\s*(?:%|percent|per cent|pct)$")


def _to_decimal(digits: str, *, grouping: str) -> Decimal | None:
    """``digits`` holds only digits, ``.`` and ``,`` (and a sign)."""
    sign = ""
    if digits[:1] in "+-":
        sign, digits = digits[0], digits[1:]
    if "," in digits and "." in digits:
        dec = "," if digits.rfind(",") > digits.rfind(".") else "."
        grp = "." if dec == "," else ","
        if digits.count(dec) > 1:
            return None
        digits = digits.replace(grp, "").replace(dec, ".")
    elif "," in digits or "." in digits:
        sep = "," if "," in digits else "."
        parts = digits.split(sep)
        if len(parts) > 2:
            if not parts[0] or not all(len(p) == 3 for p in parts[1:]):
                return None
            digits = "".join(parts)
        elif sep in grouping and len(parts[1]) == 3 and parts[0] not in ("", "0"):
            digits = "".join(parts)
        else:
            digits = ".".join(parts)
    try:
        return Decimal(sign + digits)
    except InvalidOperation:
        return None


def _digits_number(s: str, *, grouping: str, suffixes: bool) -> Decimal | None:
    m = _DIGITS_RE.match(s.translate(_GROUP_CHARS))
    if not m:
        return None
    body, suffix = m.groups()
    mult = 1
    if suffix:
        if not suffixes or suffix not in _SUFFIXES:
            return None
        mult = _SUFFIXES[suffix]
    value = _to_decimal(body, grouping="" if suffix else grouping)
    return None if value is None else value * mult


def _word_number(s: str) -> Decimal | None:
    """"fifty thousand", "twenty-five", "a hundred", "one hundred and twenty", "2 thousand"."""
    tokens = [t for t in re.split(r"[\s-]+", s) if t and t != "and"]
    if not tokens:
        return None
    total, current, seen = Decimal(0), Decimal(0), False
    for i, tok in enumerate(tokens):
        if tok in ("a", "an") and i == 0 and len(tokens) > 1:
            current = Decimal(1)
        elif not (seen or current) and tok not in WORD_NUMBERS and not tok[:1].isdigit():
            return None  # "thousand", "k": a scale needs a number before it
        elif tok in WORD_NUMBERS:
            current += WORD_NUMBERS[tok]
            seen = True
        elif re.fullmatch(r"\d+(?:\.\d+)?", tok) and i == 0:
            current = Decimal(tok)
            seen = True
        elif tok == "dozen":
            current = (current or 1) * 12
            seen = True
        elif tok == "hundred":
            current = (current or 1) * 100
            seen = True
        elif tok in _SCALE_WORDS or (tok.endswith("s") and tok[:-1] in _SCALE_WORDS):
            total += (current or 1) * _SCALE_WORDS[tok if tok in _SCALE_WORDS else tok[:-1]]
            current, seen = Decimal(0), True
        else:
            return None
    return total + current if seen else None


def parse_number(text: str | None, *, grouping: str = ",.", suffixes: bool = True) -> Decimal | None:
    """A number as written (``"12.5K"``, ``"1.234.567"``, ``"fifty thousand"``), exactly, or
    ``None`` when the text is not a number. ``grouping`` lists the separators that may group
    thousands when alone (``","`` for averages whose ``1.234`` is a fraction; ``""`` for rates);
    ``suffixes=False`` rejects K/M/B (amounts of money in a CSV cell)."""
    if text is None:
        return None
    s = " ".join(text.casefold().split())
    if not s:
        return None
    value = _digits_number(s, grouping=grouping, suffixes=suffixes)
    if value is None and suffixes:
        value = _word_number(s.rstrip("+"))
    return value


def parse_percent(text: str | None) -> Decimal | None:
    """``"3.4%"`` / ``"3,4 %"`` / ``"12 percent"`` -> the fraction (``Decimal("0.034")``); ``None``
    when the text is not a percentage (a bare ``3.4`` is not one)."""
    if text is None:
        return None
    m = _PERCENT_RE.match(" ".join(text.strip().casefold().split()))
    if not m:
        return None
    value = _to_decimal(m.group("n"), grouping="")
    return None if value is None else value / 100


def parse_rate(value: str | float | int | Decimal | None, *, max_value: float | None = 1.0) -> float | None:
    """A rate or share as a fraction, by one rule: ``"3.4%"`` -> 0.034; a fraction stays
    (``"0.034"``, ``0.034``); a bare number above 1 is a percent (``"3.4"``, ``3.4`` -> 0.034).
    ``max_value`` caps the result (``None`` for engagement rates, which can exceed 100%).
    Raises ``ValueError`` (one line) for text that is not a rate, negatives and values over the cap;
    ``None``/empty -> ``None``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        raw = value.strip()
        percent = raw.endswith("%") or parse_percent(raw) is not None
        body = raw.removesuffix("%").strip()
        number = parse_percent(raw) * 100 if parse_percent(raw) is not None else _to_decimal(body, grouping="") \
            if re.fullmatch(r"[+-]?[0-9.,]+", body) else None
        if number is None:
            raise ValueError(f"{raw!r} is not a rate (expected e.g. 0.034 or 3.4%)")
    else:
        raw, percent, number = str(value), False, Decimal(str(value))
    if number < 0:
        raise ValueError(f"{raw!r} is negative")
    if not percent and number > 1:
        if number > 100:
            raise ValueError(f"{raw!r} is not a rate (expected a fraction like 0.034 or a percent like 3.4%)")
        percent = True
    result = number / 100 if percent else number
    if max_value is not None and result > Decimal(str(max_value)):
        raise ValueError(f"{raw!r} is more than {max_value:.0%}")
    return float(result)


def _three_digits(x: Decimal) -> Decimal:
    if x == 0:
        return Decimal(0)
    return x.quantize(Decimal(1).scaleb(x.adjusted() - 2), rounding=ROUND_HALF_UP)


def _plain(x: Decimal) -> str:
    text = format(x, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


_UNITS_COMPACT = ((Decimal(1), ""), (Decimal(10**3), "K"), (Decimal(10**6), "M"), (Decimal(10**9), "B"), (Decimal(10**12), "T"))


def format_compact(n: object, *, missing: str = "—") -> str:
    """A count for people, three significant digits: 1250000 -> "1.25M", 12500 -> "12.5K",
    999 -> "999", 999950 -> "1M", -4321 -> "-4.32K". ``missing`` for None or a non-number."""
    if n is None or isinstance(n, bool):
        return missing
    try:
        v = n if isinstance(n, Decimal) else Decimal(str(n))
    except (InvalidOperation, ValueError, TypeError):
        return missing
    if not v.is_finite():
        return missing
    sign, v = ("-" if v < 0 else ""), abs(v)
    i = max(k for k, (div, _) in enumerate(_UNITS_COMPACT) if v >= div or k == 0)
    r = _three_digits(v / _UNITS_COMPACT[i][0])
    if r >= 1000 and i + 1 < len(_UNITS_COMPACT):  # 999,950 rounds to 1000K: say 1M
        i += 1
        r = _three_digits(v / _UNITS_COMPACT[i][0])
    return "0" if r == 0 else sign + _plain(r) + _UNITS_COMPACT[i][1]
