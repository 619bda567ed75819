"""Money: parsing user-typed amounts and formatting integer cents with a currency."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from memory.models.common import from_cents, to_cents

SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW", "₹": "INR", "R$": "BRL", "A$": "AUD", "C$": "CAD"}
PREFIX = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "KRW": "₩", "INR": "₹", "BRL": "R$", "AUD": "A$", "CAD": "C$"}
CODES = {"USD", "EUR", "GBP", "JPY", "KRW", "INR", "BRL", "AUD", "CAD", "CHF", "SEK", "NOK", "DKK", "PLN", "MXN", "SGD",
         "HKD", "NZD", "ZAR", "AED", "SAR", "TRY", "IDR", "THB", "MYR", "PHP", "VND", "CNY", "TWD", "CZK", "HUF", "ILS"}
WORDS = {"dollars": "USD", "dollar": "USD", "bucks": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP", "yen": "JPY"}

_AMOUNT = re.compile(
    r"(?P<pre>R\$|A\$|C\$|[$€£¥₩₹])?\s*(?P<num>\d[\d,\s]*(?:\.\d+)?)\s*(?P<suf>[kKmM](?![a-zA-Z]))?\s*(?P<code>[A-Za-z]{3,7})?"
)


class MoneyError(ValueError):
    """An amount that cannot be understood (one-line message)."""


def parse_amount(text: str | int | float | Decimal, default_currency: str = "USD") -> tuple[Decimal, str]:
    """Parse "$2,200", "2200 EUR", "€1.5k", "2,500 dollars" → (Decimal amount, ISO currency).

    Negative or zero amounts and unknown currencies are errors.
    """
    if isinstance(text, int | float | Decimal):
        amount, currency = Decimal(str(text)), default_currency
    else:
        if re.search(r"(^|\s)-\s*(R\$|A\$|C\$|[$€£¥₩₹])?\s*\d", text):
            raise MoneyError(f"amount must be positive, got {text.strip()!r}")
        m = _AMOUNT.search(text.strip())
        if not m:
            raise MoneyError(f"not an amount: {text!r}")
        try:
            amount = Decimal(re.sub(r"[,\s]", "", m.group("num")))
        except InvalidOperation:
            raise MoneyError(f"not an amount: {text!r}") from None
        suf = (m.group("suf") or "").lower()
        amount *= {"k": 1000, "m": 1_000_000}.get(suf, 1)
        currency = default_currency
        code = (m.group("code") or "").upper()
        if m.group("pre"):
            currency = SYMBOLS[m.group("pre")]
        elif code in CODES:
            currency = code
        elif code.lower() in WORDS:
            currency = WORDS[code.lower()]
        elif code and len(code) == 3 and code.isalpha() and code not in CODES and not m.group("pre"):
            raise MoneyError(f"unknown currency {code!r}")
    if amount <= 0:
        raise MoneyError(f"amount must be positive, got {amount}")
    if amount > Decimal("100000000"):
        raise MoneyError(f"amount {amount} is implausibly large")
    return amount.quantize(Decimal("0.01")), currency


def check_currency(code: str) -> str:
    c = code.strip().upper()
    if c not in CODES:
        raise MoneyError(f"unknown currency {code!r}")
    return c


def format_money(cents: int | None, currency: str | None) -> str:
    """2200000, "USD" → "$22,000.00"; unknown symbols → "1,500.00 SEK"; None → "n/a"."""
    if cents is None:
        return "n/a"
    amount = from_cents(cents)
    cur = (currency or "").upper()
    sign = "-" if amount < 0 else ""
    body = f"{abs(amount):,.2f}"
    if cur in PREFIX:
        return f"{sign}{PREFIX[cur]}{body}"
    return f"{sign}{body} {cur}".strip()


__all__ = ["MoneyError", "check_currency", "format_money", "from_cents", "parse_amount", "to_cents"]
