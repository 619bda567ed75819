"""memory.domain.numbers and memory.domain.platforms: one number parser, one compact formatter,
one platform nickname table, and the callers that use them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from memory.domain.numbers import WORD_NUMBERS, format_compact, parse_number, parse_percent
from memory.domain.platforms import NICKNAMES, PLATFORMS, PROSE_WORDS, platform_label, resolve_platform


@pytest.mark.parametrize(("text", "expected"), [
    ("12.5K", "12500"), ("12.5k", "12500"), ("1.2M", "1200000"), ("1 mil", "1000000"), ("1.5 million", "1500000"),
    ("2 millions", "2000000"), ("3.4B", "3400000000"), ("1bn", "1000000000"), ("2 mio", "2000000"), ("1.5mm", "1500000"),
    ("fifty thousand", "50000"), ("twenty-five", "25"), ("twenty five", "25"), ("a thousand", "1000"),
    ("one hundred and twenty", "120"), ("two hundred thousand", "200000"), ("a dozen", "12"), ("ten", "10"),
    ("20 000", "20000"), ("20\u00a0000", "20000"), ("20'000", "20000"), ("20,000", "20000"), ("1,000,000", "1000000"),
    ("1.234.567", "1234567"), ("1.234", "1234"), ("1,234.5", "1234.5"), ("1.234,5", "1234.5"), ("2,5", "2.5"),
    ("0,5", "0.5"), ("12,5K", "12500"), ("20k+", "20000"), ("50K+", "50000"), ("10 thousand", "10000"), ("12", "12"),
    ("0", "0"), ("-5", "-5"), ("  7.7k ", "7700"),
])
def test_numbers_as_people_write_them(text: str, expected: str) -> None:
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "   ", None, "abc", "1e6", "12x", "1.2.3", "1,23,4", "a", "3.4%", "k"])
def test_what_is_not_a_number_is_none(text: str | None) -> None:
    assert parse_number(text) is None


def test_grouping_and_suffix_options_serve_csv_averages_and_money() -> None:
    assert parse_number("1.234", grouping=",") == Decimal("1.234")  # an average keeps its fraction
    assert parse_number("1,234", grouping=",") == Decimal("1234")
    assert parse_number("1.234", grouping="") == Decimal("1.234")
    assert parse_number("1.2M", suffixes=False) is None
    assert parse_number("fifty", suffixes=False) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("3.4%", "0.034"), ("3,4 %", "0.034"), ("12 percent", "0.12"), ("0.5 pct", "0.005"), ("100%", "1"), ("3.4", None),
    ("abc%", None), (None, None),
])
def test_percentages_are_fractions(text: str | None, expected: str | None) -> None:
    assert parse_percent(text) == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize(("n", "expected"), [
    (1_250_000, "1.25M"), (12_500, "12.5K"), (999, "999"), (1_000_000, "1M"), (1_234, "1.23K"), (45_200, "45.2K"),
    (2_550_000, "2.55M"), (123_456, "123K"), (999_950, "1M"), (999.7, "1K"), (1_000, "1K"), (0, "0"), (12.5, "12.5"),
    (-4_321, "-4.32K"), (3_400_000_000, "3.4B"), (Decimal("12500"), "12.5K"), (1.25e6, "1.25M"), ("45200", "45.2K"),
])
def test_one_compact_rule_three_significant_digits(n: object, expected: str) -> None:
    assert format_compact(n) == expected


@pytest.mark.parametrize("n", [None, "n/a", float("nan"), True, object()])
def test_unknown_counts_show_the_callers_placeholder(n: object) -> None:
    assert format_compact(n) == "—"
    assert format_compact(n, missing="?") == "?"


def test_terminal_slack_and_tools_format_counts_the_same_way() -> None:
    from agent.planner.reply import format_compact as reply_fmt
    from integrations.slack.blocks import fmt_count

    assert fmt_count(1_250_000) == reply_fmt(1_250_000) == format_compact(1_250_000) == "1.25M"
    assert fmt_count(None) == "?"
    import agent.planner.parse as planner_parse
    import tools.discovery.search as search

    assert not hasattr(planner_parse, "human_number") and not hasattr(search, "short_number")
    assert planner_parse.parse_number is parse_number and planner_parse.WORD_NUMBERS is WORD_NUMBERS


def test_csv_counts_delegate_to_the_core_and_keep_their_errors() -> None:
    from integrations.sources import csv_normalize as nz

    assert nz.parse_count("fifty thousand") == 50_000
    assert nz.parse_count("1.234.567") == 1_234_567
    assert nz.parse_count("n/a") is None
    with pytest.raises(ValueError, match="'12x' is not a number"):
        nz.parse_count("12x")


# --- platforms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "platform"), [
    ("IG", "instagram"), ("insta", "instagram"), ("gram", "instagram"), ("the gram", "instagram"), ("Instagram", "instagram"),
    ("instagram.com", "instagram"), ("https://www.instagram.com/", "instagram"), ("YT", "youtube"), ("you tube", "youtube"),
    ("YouTube Shorts", "youtube"), ("youtu.be", "youtube"), ("TT", "tiktok"), ("tik tok", "tiktok"), ("Tik-Tok", "tiktok"),
    ("TikTok", "tiktok"), ("X", "x"), ("Twitter", "x"), ("X (Twitter)", "x"), ("twitter/x", "x"), ("x.com", "x"),
    ("FB", "facebook"), ("Meta", "facebook"), ("LinkedIn", "linkedin"), ("linked in", "linkedin"), ("LI", "linkedin"),
    ("Substack", "blog"), ("website", "blog"), ("Spotify", "podcast"), ("podcasts", "podcast"), ("snap", "snapchat"),
    ("Threads", "threads"), ("pin", "pinterest"), ("@twitch", "twitch"), ("  Insta  ", "instagram"),
])
def test_platform_nicknames(text: str, platform: str) -> None:
    assert resolve_platform(text) == platform


@pytest.mark.parametrize("text", ["myspace", "", None, "instagrm"])
def test_unknown_platforms_are_none(text: str | None) -> None:
    assert resolve_platform(text) is None


def test_every_platform_has_a_label_and_prose_words_are_nicknames() -> None:
    assert all(NICKNAMES[p] == p for p in PLATFORMS)
    assert all(NICKNAMES[w] == p for p, words in PROSE_WORDS.items() for w in words)
    assert "x" not in PROSE_WORDS["x"] and not PROSE_WORDS["threads"]  # too common in running text
    assert platform_label("tiktok") == "TikTok" and platform_label("odd") == "odd"


def test_callers_share_the_table_and_keep_their_behaviour() -> None:
    from agent.planner.parse import parse_filters
    from integrations.sources import csv_normalize as nz
    from tools.base import ToolError
    from tools.discovery import vocab

    assert nz.parse_platform("Meta") == vocab.resolve_platform("fb") == "facebook"
    assert nz.parse_platform("") is None
    with pytest.raises(ValueError, match="unknown platform 'myspace'"):
        nz.parse_platform("myspace")
    with pytest.raises(ToolError, match="did you mean instagram"):
        vocab.resolve_platform("instagrm")
    assert parse_filters("podcasters and bloggers on the gram").filters["platforms"] == ["podcast", "blog", "instagram"]
    assert parse_filters("tiktokers in France").filters["platforms"] == ["tiktok"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3.4%", 0.034), ("3,4 %", 0.034), ("12 percent", 0.12), ("0.034", 0.034), ("3.4", 0.034), (0.05, 0.05), (5, 0.05),
     ("100%", 1.0), ("", None), (None, None)],
)
def test_one_rate_rule_for_csv_cells_tool_arguments_and_the_planner(text, expected) -> None:
    """A fraction stays a fraction, a bare number above 1 is a percent: the same answer in the CSV
    import, the search tool's argument and the core."""
    from integrations.sources.csv_normalize import parse_fraction
    from memory.domain.numbers import parse_rate
    from tools.discovery.search import _pct

    got = parse_rate(text)
    assert (got is None and expected is None) or got == pytest.approx(expected)
    if isinstance(text, str):
        assert parse_fraction(text) == got
    assert _pct(text, "min_engagement_rate") == got


@pytest.mark.parametrize("text", ["abc", "-1", "150", "120%"])
def test_what_is_not_a_rate_is_a_one_line_error(text) -> None:
    from memory.domain.numbers import parse_rate

    with pytest.raises(ValueError) as exc:
        parse_rate(text)
    assert "\n" not in str(exc.value) and repr(text) in str(exc.value)
