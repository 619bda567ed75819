"""The one money core (memory.domain.money): parsing typed amounts, formatting, FX conversion,
the tools' {amount, currency} input, and the create_campaign tool storing what it was given."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlmodel import select

from memory.domain.money import (
    Converter,
    Money,
    MoneyError,
    MoneyInput,
    find_money,
    format_money,
    parse_money,
)

NBSP, NNBSP = "\u00a0", "\u202f"

# text, default currency, expected (minor units, currency)
PARSE_CASES = [
    # the examples
    ("1.500,50 EUR", "USD", (150050, "EUR")),
    ("R$ 50.000", "USD", (5000000, "BRL")),
    ("CHF 20,000", "USD", (2000000, "CHF")),
    ("¥150,000", "USD", (150000, "JPY")),
    ("€2,5k", "USD", (250000, "EUR")),
    ("1'500.50 CHF", "USD", (150050, "CHF")),
    ("1 500,50 €", "USD", (150050, "EUR")),
    ("2.2k", "USD", (220000, "USD")),
    ("$1.2M", "USD", (120000000, "USD")),
    ("kr 500", "USD", (50000, "SEK")),
    ("500 zł", "USD", (50000, "PLN")),
    ("₹1,50,000", "USD", (15000000, "INR")),
    # symbols
    ("$2,200", "EUR", (220000, "USD")),
    ("$2,200.00", "EUR", (220000, "USD")),
    ("€1.500,50", "USD", (150050, "EUR")),
    ("€1,500.50", "USD", (150050, "EUR")),
    ("£99.99", "USD", (9999, "GBP")),
    ("£ 1,000", "USD", (100000, "GBP")),
    ("¥1.5k", "USD", (1500, "JPY")),
    ("₩50,000", "USD", (50000, "KRW")),
    ("₹999", "USD", (99900, "INR")),
    ("A$100", "USD", (10000, "AUD")),
    ("C$1,250.50", "USD", (125050, "CAD")),
    ("CA$1,250.50", "USD", (125050, "CAD")),
    ("HK$80", "USD", (8000, "HKD")),
    ("R$99", "USD", (9900, "BRL")),
    ("R$ 1.234,56", "USD", (123456, "BRL")),
    ("US$500", "EUR", (50000, "USD")),
    ("500 kr", "USD", (50000, "SEK")),
    ("DKK 500 kr", "USD", (50000, "DKK")),
    ("kr 1.000 NOK", "USD", (100000, "NOK")),
    ("1 200 zł", "USD", (120000, "PLN")),
    ("$500 CAD", "USD", (50000, "CAD")),
    ("¥1,000 CNY", "USD", (100000, "CNY")),
    ("20€", "USD", (2000, "EUR")),
    ("20 €", "USD", (2000, "EUR")),
    # ISO codes before or after, any case
    ("EUR 1.500,50", "USD", (150050, "EUR")),
    ("EUR1500", "USD", (150000, "EUR")),
    ("1500 eur", "USD", (150000, "EUR")),
    ("15k EUR", "USD", (1500000, "EUR")),
    ("USD 2,200", "EUR", (220000, "USD")),
    ("2200 usd", "EUR", (220000, "USD")),
    ("JPY 150000", "USD", (150000, "JPY")),
    ("150000 JPY", "USD", (150000, "JPY")),
    ("KRW 1,000,000", "USD", (1000000, "KRW")),
    ("SEK 1 500", "USD", (150000, "SEK")),
    ("1 500 SEK", "USD", (150000, "SEK")),
    ("MXN 3,500.75", "USD", (350075, "MXN")),
    ("BHD 12.345", "USD", (12345000, "BHD")),
    ("AED 2k", "USD", (200000, "AED")),
    ("PLN 2,5k", "USD", (250000, "PLN")),
    # words
    ("2,500 dollars", "EUR", (250000, "USD")),
    ("100 bucks", "EUR", (10000, "USD")),
    ("1 dollar", "EUR", (100, "USD")),
    ("300 euros", "USD", (30000, "EUR")),
    ("1 euro", "USD", (100, "EUR")),
    ("50 pounds", "USD", (5000, "GBP")),
    ("10000 yen", "USD", (10000, "JPY")),
    ("500 francs", "USD", (50000, "CHF")),
    ("2.000 reais", "USD", (200000, "BRL")),
    ("5k rupees", "USD", (500000, "INR")),
    ("1 lakh rupees", "USD", (10000000, "INR")),
    ("200 zloty", "USD", (20000, "PLN")),
    # grouping conventions
    ("1,500.50", "USD", (150050, "USD")),
    ("1.500,50", "EUR", (150050, "EUR")),
    ("1 500,50", "EUR", (150050, "EUR")),
    (f"1{NBSP}500,50", "EUR", (150050, "EUR")),
    (f"1{NNBSP}500", "EUR", (150000, "EUR")),
    (f"1{NNBSP}500{NNBSP}000,25 €", "USD", (150000025, "EUR")),
    ("1'500.50", "CHF", (150050, "CHF")),
    ("1’500", "CHF", (150000, "CHF")),
    ("1.500.000", "EUR", (150000000, "EUR")),
    ("1,500,000", "USD", (150000000, "USD")),
    ("1,50,000", "INR", (15000000, "INR")),
    ("1.500", "EUR", (150000, "EUR")),
    ("1.500", "USD", (150000, "USD")),
    ("1,500", "EUR", (150000, "EUR")),
    ("2,5", "EUR", (250, "EUR")),
    ("1.5", "USD", (150, "USD")),
    ("1,50", "EUR", (150, "EUR")),
    ("0.500", "USD", (50, "USD")),
    ("0.99", "USD", (99, "USD")),
    ("1234567.89", "USD", (123456789, "USD")),
    # multipliers
    ("2k", "USD", (200000, "USD")),
    ("2K", "USD", (200000, "USD")),
    ("2 k", "USD", (200000, "USD")),
    ("1.5m", "USD", (150000000, "USD")),
    ("1.5 mio", "EUR", (150000000, "EUR")),
    ("3 thousand", "USD", (300000, "USD")),
    ("2 million", "USD", (200000000, "USD")),
    ("1.2345k", "USD", (123450, "USD")),
    ("¥2.5m", "USD", (2500000, "JPY")),
    ("1 crore", "INR", (1000000000, "INR")),
    # plain numbers take the default currency and its exponent
    ("2200", "USD", (220000, "USD")),
    ("150000", "JPY", (150000, "JPY")),
    ("42", "KRW", (42, "KRW")),
    (2200, "EUR", (220000, "EUR")),
    (Decimal("19.99"), "GBP", (1999, "GBP")),
    ("  $2,200  ", "USD", (220000, "USD")),
]


@pytest.mark.parametrize(("text", "default", "expected"), PARSE_CASES, ids=[str(c[0]) for c in PARSE_CASES])
def test_money_strings_parse_to_minor_units_and_iso_currency(text, default, expected) -> None:
    m = parse_money(text, default)
    assert (m.minor_units, m.currency) == expected


def test_there_are_at_least_eighty_table_cases() -> None:
    assert len(PARSE_CASES) >= 80


def test_currency_taken_from_the_default_is_not_explicit() -> None:
    assert parse_money("2200", "EUR").explicit is False
    assert parse_money("€2200", "USD").explicit is True


@pytest.mark.parametrize(("text", "default", "note"), [
    ("$1.500", "USD", "read 1.500 as 1,500 (thousands separator)"),
    ("1,500 €", "USD", "read 1,500 as 1,500 (thousands separator)"),
    ("R$ 50.000", "USD", None),  # "." groups thousands in BRL: not a guess
    ("CHF 20,000", "USD", None),
    ("1.500,50 EUR", "USD", None),
    ("1.5", "USD", None),
])
def test_a_lone_separator_read_as_thousands_against_the_currency_convention_is_noted(text, default, note) -> None:
    assert parse_money(text, default).note == note


@pytest.mark.parametrize(("text", "message"), [
    ("-500", "amount must be positive"),
    ("−500 EUR", "amount must be positive"),
    ("$-500", "amount must be positive"),
    ("-$500", "amount must be positive"),
    ("0", "amount must be positive"),
    ("$0.00", "amount must be positive"),
    ("lots", "not an amount"),
    ("", "not an amount"),
    ("$", "not an amount"),
    ("1.500,50.20", "not an amount"),
    ("12 apples", "not an amount"),
    ("12 abc", "unknown currency"),
    ("500 XYZ", "unknown currency"),
    ("€500 USD", "names two currencies"),
    ("kr 500 EUR", "names two currencies"),
    ("$999,999,999,999", "implausibly large"),
    ("2000 billion euros", "implausibly large"),
    ("¥150.50", "more decimals than JPY allows"),
    ("$1.5055", "more decimals than USD allows"),
])
def test_bad_amounts_are_one_line_money_errors(text, message) -> None:
    with pytest.raises(MoneyError, match=message) as exc:
        parse_money(text, "USD")
    assert "\n" not in str(exc.value)


def test_a_zero_cell_is_allowed_only_when_asked() -> None:
    assert parse_money("0", "USD", allow_zero=True).minor_units == 0


@pytest.mark.parametrize(("text", "default", "expected"), [
    ("create a campaign Autumn Push for Lumiere with a budget of 1.500,50 EUR", None, (150050, "EUR")),
    ("recommend a creator mix for a $20,000 awareness campaign", None, (2000000, "USD")),
    ("they want 1.5k EUR for 2 stories", None, (150000, "EUR")),
    ("top 10 creators in 2024 for ¥150,000", None, (150000, "JPY")),
    ("a budget of €2,5k please", None, (250000, "EUR")),
    ("paid R$ 50.000.", None, (5000000, "BRL")),
    ("the 3 reels for 8000", "EUR", (300, "EUR")),
])
def test_amounts_are_found_inside_sentences(text, default, expected) -> None:
    m = find_money(text, default, bare=default is not None)
    assert m is not None and (m.minor_units, m.currency) == expected


@pytest.mark.parametrize("text", ["I can do 1 reel and 3 stories", "version 2.5.1 of the brief", "for 500 people", "abc123 def"])
def test_sentences_without_a_marked_amount_find_nothing(text) -> None:
    assert find_money(text) is None


@pytest.mark.parametrize(("minor", "currency", "locale", "expected"), [
    (150000, "JPY", None, "¥150,000"),
    (220000, "USD", None, "$2,200.00"),
    (150050, "EUR", None, "€1,500.50"),
    (150050, "EUR", "de_DE", "1.500,50\xa0€"),
    (150050, "EUR", "fr_FR", "1\u202f500,50\xa0€"),
    (1000000, "KRW", None, "₩1,000,000"),
    (12345000, "BHD", None, "BHD 12,345.000"),
    (2000000, "CHF", None, "CHF 20,000.00"),
    (-5000, "USD", None, "-$50.00"),
    (None, "USD", None, "n/a"),
    (12345, None, None, "123.45"),
])
def test_format_money_uses_babel_and_the_currency_exponent(minor, currency, locale, expected) -> None:
    assert format_money(minor, currency, locale) == expected


def test_money_round_trips_through_format_and_parse() -> None:
    for text, default, _ in PARSE_CASES:
        m = parse_money(text, default)
        assert parse_money(m.format(), m.currency) == m


def test_converter_respects_rates_and_exponents() -> None:
    fx = Converter({"EUR": "1.10", "JPY": "0.0067", "GBP": Decimal("1.25")}, "usd")
    assert fx.convert(100000, "EUR", "USD") == 110000          # €1,000 → $1,100
    assert fx.convert(110000, "USD", "EUR") == 100000
    assert fx.convert(150000, "JPY", "USD") == 100500          # ¥150,000 → $1,005.00
    assert fx.convert(100500, "USD", "JPY") == 150000
    assert fx.convert(100000, "EUR", "GBP") == 88000           # cross rate through the base
    assert fx.convert(777, "EUR", "EUR") == 777
    assert fx.convert(777, None, "EUR") == 777                 # no currency: already the target's
    assert fx(100000, "EUR", "USD") == 110000                  # callable like the engine expects
    assert fx.rate("USD", "EUR") == Decimal(1) / Decimal("1.10")
    assert fx.convert(100, "CHF", "USD") is None and fx.missing == {"CHF"}


def test_money_input_validates_and_defaults_the_currency() -> None:
    assert MoneyInput(amount="20000", currency="chf").to_money("USD") == Money(2000000, "CHF")
    assert MoneyInput(amount=150000).to_money("JPY") == Money(150000, "JPY")
    assert MoneyInput(amount=15).to_money("EUR").explicit is False
    for bad in ({"amount": 0}, {"amount": -1}, {"amount": "$20,000"}, {"amount": 10**12}, {"amount": 5, "currency": "XYZ"},
                {"amount": 5, "currency": "USD", "note": "x"}):
        with pytest.raises(ValidationError):
            MoneyInput(**bad)
    with pytest.raises(MoneyError, match="JPY has 0 decimals"):
        MoneyInput(amount="150.5", currency="JPY").to_money("USD")
    assert MoneyInput.of(parse_money("1.500,50 EUR")) == MoneyInput(amount=Decimal("1500.50"), currency="EUR")


def test_money_input_json_schema_is_small() -> None:
    props = MoneyInput.model_json_schema()["properties"]
    assert set(props) == {"amount", "currency"}


def _tool_ctx(sessions, ws: str):
    from agent.settings import Settings
    from memory.db import session_scope
    from memory.repo.workspaces import ensure_workspace
    from tools.base import ConversationMemory, ToolContext

    with session_scope(sessions) as s:
        ensure_workspace(s, workspace_id=ws)
    return ToolContext(workspace_id=ws, user_id="U1", sessions=sessions, settings=Settings(_env_file=None),
                       conversation_id="c1", memory=ConversationMemory())


def test_create_campaign_through_the_registry_stores_the_given_currency(engine) -> None:
    from memory.db import session_factory
    from memory.models import Campaign
    from tools.registry import run_tool

    sessions = session_factory(engine)
    ctx = _tool_ctx(sessions, f"M{uuid.uuid4().hex[:10]}")
    out = run_tool(ctx, "create_campaign", {"name": "Alps", "brand": "Lumière", "budget": {"amount": "20000", "currency": "CHF"}})
    assert out.ok, out.error
    bad = run_tool(ctx, "create_campaign", {"name": "Alps 2", "brand": "Lumière", "budget": "CHF 20,000"})
    assert not bad.ok and "budget" in (bad.error or "") and "\n" not in (bad.error or "")
    clash = run_tool(ctx, "create_campaign", {"name": "Alps 3", "brand": "L", "currency": "EUR", "budget": {"amount": 5, "currency": "CHF"}})
    assert not clash.ok and "in CHF but currency says EUR" in (clash.error or "")
    with sessions() as s:
        camps = s.exec(select(Campaign).where(Campaign.workspace_id == ctx.workspace_id)).all()
        assert [(c.name, c.budget_cents, c.currency) for c in camps] == [("Alps", 2000000, "CHF")]
