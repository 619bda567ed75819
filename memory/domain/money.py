"""Money, defined once: parsing typed amounts, formatting, FX conversion and the tools' money input.

An amount is integer minor units + an ISO 4217 code (``Money(150050, "EUR")`` is €1,500.50;
``Money(150000, "JPY")`` is ¥150,000 — the exponent comes from babel, JPY/KRW have none).

Parsing rules (``parse_money`` for a whole string, ``find_money`` for an amount inside a sentence):

- currency markers: symbols ``$ € £ ¥ ₩ ₹ R$ A$ C$ US$ CA$ MX$ HK$ NZ$ CN¥ zł kr`` (babel writes some), ISO codes before or after the
  number ("EUR 1.500,50", "1.500,50 EUR") and words (dollars, bucks, euros, pounds, yen, francs,
  reais, rupees, zloty). ``kr`` is SEK unless a code says DKK/NOK/ISK; ``$`` with a code follows
  the code ("$500 CAD"); two different currencies ("€500 USD") are an error.
- grouping: "1,500.50", "1.500,50", "1 500,50" (space, NBSP, narrow NBSP), "1'500.50", Indian
  "1,50,000". With both "." and "," the last one is the decimal mark. A single separator
  followed by exactly three digits ("1.500", "1,500") is read as a thousands separator whatever
  the currency; when that goes against the currency's convention ("$1.500", "€1,500") the result
  carries a ``note`` saying so. Any other single separator is the decimal mark ("2,5", "1.50").
- multipliers: k, m/M/mm/mn/mio, bn, thousand, million, billion, lakh, crore ("2.2k", "$1.2M").
- errors are one-line ``MoneyError``s: negative, zero, not an amount, unknown currency, more
  decimals than the currency has, implausibly large (over ``MAX_AMOUNT`` major units).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_LOCALE = "en_US"
MAX_AMOUNT = Decimal(100_000_000_000)  # major units; more is a typo, not a campaign budget

# Symbols, longest first where one is a prefix of another ("R$" before "$").
SYMBOLS: dict[str, str] = {
    "US$": "USD", "CA$": "CAD", "MX$": "MXN", "HK$": "HKD", "NZ$": "NZD", "CN¥": "CNY", "R$": "BRL", "A$": "AUD",
    "C$": "CAD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY",
    "₩": "KRW", "₹": "INR", "zł": "PLN", "kr": "SEK",
}
# A symbol shared by several currencies yields to a code naming one of them.
_SYMBOL_FAMILY: dict[str, set[str] | None] = {"$": None, "kr": {"SEK", "DKK", "NOK", "ISK"}, "¥": {"JPY", "CNY"}}
WORDS: dict[str, str] = {
    "dollars": "USD", "dollar": "USD", "bucks": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP", "pound": "GBP",
    "yen": "JPY", "francs": "CHF", "franc": "CHF", "reais": "BRL", "rupees": "INR", "zloty": "PLN", "złoty": "PLN",
    "kronor": "SEK",
}
# Codes understood in lower case inside a sentence ("15k eur"); any ISO code works in upper case.
COMMON_CODES = frozenset({
    "USD", "EUR", "GBP", "JPY", "KRW", "INR", "BRL", "AUD", "CAD", "CHF", "SEK", "NOK", "DKK", "PLN", "MXN", "SGD",
    "HKD", "NZD", "ZAR", "AED", "SAR", "TRY", "IDR", "THB", "MYR", "PHP", "VND", "CNY", "TWD", "CZK", "HUF", "ILS",
})
_MULTIPLIERS: dict[str, int] = {
    "k": 1_000, "thousand": 1_000, "m": 1_000_000, "mm": 1_000_000, "mn": 1_000_000, "mio": 1_000_000,
    "million": 1_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000, "lakh": 100_000, "crore": 10_000_000,
}

_SPACES = " \u00a0\u202f\u2009"
_SYM_RE = "|".join(re.escape(s) for s in SYMBOLS)
_NUM_RE = rf"(?:\d{{1,3}}(?:[{_SPACES}'’]\d{{3}})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)*)"
_MULT_RE = "|".join(sorted(_MULTIPLIERS, key=len, reverse=True))
_WORD_RE = "|".join(sorted(WORDS, key=len, reverse=True))
_AMOUNT_RE = re.compile(
    rf"(?P<neg>[-−]\s?)?"
    rf"(?:(?P<pre>{_SYM_RE}|(?<![A-Za-z])[A-Za-z]{{3}}(?![A-Za-z]))[{_SPACES}]?(?P<neg2>[-−])?)?"
    rf"(?P<num>{_NUM_RE})"
    rf"(?:[{_SPACES}]?(?P<mult>{_MULT_RE})(?![A-Za-z]))?"
    rf"(?:[{_SPACES}]?(?P<post>{_SYM_RE}|{_WORD_RE}|[A-Za-z]{{3}})(?![A-Za-z]))?",
    re.IGNORECASE,
)


class MoneyError(ValueError):
    """An amount that cannot be understood (one-line message)."""


@lru_cache(maxsize=1)
def _iso_codes() -> frozenset[str]:
    import pycountry

    funds = {"XAD", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}
    return frozenset(c.alpha_3 for c in pycountry.currencies if c.alpha_3 not in funds)


def is_currency(code: str) -> bool:
    return code.strip().upper() in _iso_codes()


def check_currency(code: str) -> str:
    """``"eur"`` → ``"EUR"``; a lone symbol (``"€"``) too; anything else is a ``MoneyError``."""
    c = code.strip()
    if c in SYMBOLS:
        return SYMBOLS[c]
    if not is_currency(c):
        raise MoneyError(f"unknown currency {code!r} (expected an ISO 4217 code such as USD or EUR)")
    return c.upper()


@lru_cache(maxsize=256)
def exponent(currency: str) -> int:
    """Decimal places of the currency's minor unit: USD 2, JPY 0, BHD 3."""
    from babel.numbers import get_currency_precision

    return get_currency_precision(currency.upper())


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """``Decimal("1500.50"), "EUR"`` → 150050; rounds half-up to the currency's minor unit."""
    scale = Decimal(10) ** exponent(currency)
    return int((Decimal(str(amount)) * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor(minor_units: int, currency: str) -> Decimal:
    """150050, "EUR" → Decimal("1500.50"); 150000, "JPY" → Decimal("150000")."""
    e = exponent(currency)
    return (Decimal(minor_units) / (Decimal(10) ** e)).quantize(Decimal(1).scaleb(-e))


@dataclass(frozen=True)
class Money:
    """An amount in minor units of an ISO currency. ``note`` explains a guess (grouping read as
    thousands); ``explicit`` is False when the currency came from the default, not the text."""

    minor_units: int
    currency: str
    note: str | None = field(default=None, compare=False)
    explicit: bool = field(default=True, compare=False)
    text: str = field(default="", compare=False, repr=False)

    @property
    def amount(self) -> Decimal:
        return from_minor(self.minor_units, self.currency)

    def format(self, locale: str | None = None) -> str:
        return format_money(self.minor_units, self.currency, locale)


# Currencies whose home locales group thousands with "." ("1.500,50"); the others use "," or a space.
DOT_GROUPING = frozenset({"EUR", "BRL", "ARS", "CLP", "COP", "IDR", "TRY", "VND", "DKK", "ISK", "RSD", "PYG", "UYU"})


def _number(num: str, currency: str) -> tuple[Decimal, str | None]:
    """The digits of a matched number as a Decimal, plus a note when a lone separator was read
    as thousands against the currency's convention ("$1.500" → 1,500, noted)."""
    s = re.sub(rf"[{_SPACES}'’]", "", num)
    seps = [c for c in s if c in ".,"]
    note = None
    if not seps:
        plain = s
    elif len(set(seps)) == 2:
        dec = s[max(s.rfind("."), s.rfind(","))]
        group = "," if dec == "." else "."
        head, _, tail = s.rpartition(dec)
        if dec in head:
            raise MoneyError(f"not an amount: {num!r}")
        plain = head.replace(group, "") + "." + tail
    elif len(seps) > 1:
        plain = s.replace(seps[0], "")
    else:
        head, _, tail = s.partition(seps[0])
        if len(tail) == 3 and head.strip("0"):
            plain = head + tail
            if seps[0] != ("." if currency in DOT_GROUPING else ","):
                note = f"read {num} as {int(plain):,} (thousands separator)"
        else:
            plain = head + "." + tail
    try:
        return Decimal(plain), note
    except InvalidOperation:
        raise MoneyError(f"not an amount: {num!r}") from None


def _marker(token: str | None, *, strict: bool) -> str | None:
    """A currency marker → ISO code. Unknown three-letter words: an error when ``strict`` (the
    whole text is an amount), else ignored (a word of a sentence such as "for")."""
    if not token:
        return None
    for sym, code in SYMBOLS.items():
        if token.lower() == sym.lower():
            return code
    low = token.lower()
    if low in WORDS:
        return WORDS[low]
    if is_currency(token) and (strict or token.isupper() or token.upper() in COMMON_CODES):
        return token.upper()
    if strict:
        raise MoneyError(f"unknown currency {token!r}")
    return None


def _resolve(m: re.Match[str], default_currency: str | None, *, strict: bool, allow_zero: bool = False) -> Money | None:
    pre, post = m.group("pre"), m.group("post")
    pre_cur, post_cur = _marker(pre, strict=strict), _marker(post, strict=strict)
    raw = m.group(0).strip()
    if pre_cur and post_cur and pre_cur != post_cur:
        sym = next((t for t in (pre, post) if t and t.lower() in _SYMBOL_FAMILY), None)
        family = _SYMBOL_FAMILY.get(sym.lower()) if sym else set()
        code = post_cur if sym == pre else pre_cur
        if sym is None or (family is not None and code not in family):
            raise MoneyError(f"{raw!r} names two currencies ({pre_cur} and {post_cur})")
        pre_cur = post_cur = code
    currency = pre_cur or post_cur
    if currency is None and not default_currency:
        return None
    explicit = currency is not None
    currency = currency or check_currency(default_currency or "")
    if m.group("neg") or m.group("neg2"):
        raise MoneyError(f"amount must be positive, got {raw!r}")
    value, note = _number(m.group("num"), currency)
    mult = (m.group("mult") or "").lower()
    if mult:
        value *= _MULTIPLIERS[mult]
    if value < 0 or (value == 0 and not allow_zero):
        raise MoneyError(f"amount must be positive, got {raw!r}")
    if value > MAX_AMOUNT:
        raise MoneyError(f"{raw!r} is implausibly large")
    places = -value.normalize().as_tuple().exponent  # type: ignore[operator]
    if not mult and places > exponent(currency):
        raise MoneyError(f"{raw!r} has more decimals than {currency} allows ({exponent(currency)})")
    return Money(to_minor(value, currency), currency, note, explicit, raw)


def parse_money(text: str | int | Decimal, default_currency: str = "USD", *, allow_zero: bool = False) -> Money:
    """A whole string as an amount: "1.500,50 EUR" → Money(150050, "EUR"), "¥150,000" →
    Money(150000, "JPY"); a number without a currency uses ``default_currency`` (``explicit``
    False). Zero is an error unless ``allow_zero`` (a CSV cell reporting no revenue)."""
    if isinstance(text, bool):
        raise MoneyError(f"not an amount: {text!r}")
    if isinstance(text, int | Decimal):
        text = str(text)
    if not isinstance(text, str):
        raise MoneyError(f"not an amount: {text!r}")
    s = text.strip()
    m = _AMOUNT_RE.fullmatch(s)
    if not m:
        raise MoneyError(f"not an amount: {text!r}")
    money = _resolve(m, default_currency, strict=True, allow_zero=allow_zero)
    assert money is not None
    return money


def find_all_money(text: str) -> list[tuple[Money, int]]:
    """Every amount with a currency marker in ``text``, with where it starts (for choosing among
    several: "last brand paid me $3,000, I'd do it for $2,500")."""
    out = []
    for m in _AMOUNT_RE.finditer(text):
        if re.match(r"\w|[.,]\d", text[m.end():m.end() + 2]) or re.search(r"\w$|\d[.,]$", text[:m.start()]):
            continue
        money = _resolve(m, None, strict=False)
        if money is not None:
            out.append((money, m.start()))
    return out


def find_money(text: str, default_currency: str | None = None, *, bare: bool = False) -> Money | None:
    """The first amount with a currency marker inside a sentence ("a budget of €2,5k please");
    with ``bare`` also a plain number (then in ``default_currency``, ``explicit`` False)."""
    first_bare: re.Match[str] | None = None
    for m in _AMOUNT_RE.finditer(text):
        if re.match(r"\w|[.,]\d", text[m.end():m.end() + 2]) or re.search(r"\w$|\d[.,]$", text[:m.start()]):
            continue  # part of a longer token: "v2", "3.5.1a", "abc123"
        money = _resolve(m, None, strict=False)
        if money is not None:
            return money
        if bare and first_bare is None:
            first_bare = m
    if first_bare is not None and default_currency:
        return _resolve(first_bare, default_currency, strict=False)
    return None


def format_money(minor_units: int | None, currency: str | None, locale: str | None = None) -> str:
    """150000, "JPY" → "¥150,000"; 220000, "USD" → "$2,200.00"; 150050, "EUR", "de_DE" →
    "1.500,50 €", 2000000, "CHF" → "CHF 20,000.00"; None → "n/a". Locale default ``en_US``
    (there is no workspace locale setting yet)."""
    from babel.numbers import format_currency, format_decimal

    if minor_units is None:
        return "n/a"
    loc = locale or DEFAULT_LOCALE
    if not currency:
        return format_decimal(Decimal(minor_units) / 100, format="#,##0.00", locale=loc)
    cur = currency.upper()
    text = format_currency(from_minor(minor_units, cur), cur, locale=loc)
    return re.sub(r"^(-?[A-Z]{3})(?=\d)", r"\1 ", text)  # "CHF20,000.00" → "CHF 20,000.00"


class Converter:
    """FX conversion with configured rates: ``rates[X]`` is units of ``base`` per unit of X
    (KOLPILOT_FX_RATES). Returns None (and remembers the currency in ``missing``) when a rate
    is unknown — callers say so instead of mixing currencies."""

    def __init__(self, rates: Mapping[str, Decimal | float | str] | None, base: str) -> None:
        self.base = base.upper()
        self.rates = {k.upper(): Decimal(str(v)) for k, v in (rates or {}).items()}
        self.rates[self.base] = Decimal(1)
        self.missing: set[str] = set()

    def rate(self, currency: str, target: str) -> Decimal | None:
        """Units of ``target`` per unit of ``currency``."""
        cur, tgt = currency.upper(), target.upper()
        if cur == tgt:
            return Decimal(1)
        if cur not in self.rates or tgt not in self.rates:
            self.missing.add(cur if cur not in self.rates else tgt)
            return None
        return self.rates[cur] / self.rates[tgt]

    def convert(self, minor_units: int, currency: str | None, target: str) -> int | None:
        """Minor units of ``currency`` → minor units of ``target`` (exponents respected)."""
        cur = (currency or target).upper()
        if cur == target.upper():
            return minor_units
        r = self.rate(cur, target)
        if r is None:
            return None
        return to_minor(from_minor(minor_units, cur) * r, target.upper())

    __call__ = convert


class MoneyInput(BaseModel):
    """An amount of money: a number in major units and its ISO currency."""

    model_config = ConfigDict(extra="forbid")

    amount: Decimal = Field(gt=0, le=MAX_AMOUNT, description="Number in major units, e.g. 2200 or 1500.50")
    currency: str | None = Field(None, description="ISO 4217 code, e.g. USD, EUR, JPY")

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str | None) -> str | None:
        if v is None:
            return None
        try:
            return check_currency(v)
        except MoneyError as exc:
            raise ValueError(str(exc)) from None

    def to_money(self, default_currency: str) -> Money:
        """Money in minor units (currency default when unset); too many decimals is an error."""
        cur = self.currency or check_currency(default_currency)
        places = -self.amount.normalize().as_tuple().exponent  # type: ignore[operator]
        if places > exponent(cur):
            raise MoneyError(f"{self.amount} {cur}: {cur} has {exponent(cur)} decimals")
        return Money(to_minor(self.amount, cur), cur, explicit=self.currency is not None)

    @classmethod
    def of(cls, money: Money) -> MoneyInput:
        return cls(amount=money.amount, currency=money.currency)


__all__ = [
    "COMMON_CODES", "Converter", "MAX_AMOUNT", "Money", "MoneyError", "MoneyInput", "SYMBOLS", "WORDS", "check_currency",
    "exponent", "find_money", "format_money", "from_minor", "is_currency", "parse_money", "to_minor",
]
