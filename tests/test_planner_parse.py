"""Entity extraction and reference resolution of the offline planner (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from agent.planner.parse import (
    find_amount,
    is_more_request,
    parse_filters,
    parse_goal,
    parse_handles,
    parse_number,
    parse_year,
)
from agent.planner.references import Ref, resolve, set_focus, set_group
from tools.base import ConversationMemory


def f(text: str) -> dict:
    return parse_filters(text).filters


@pytest.mark.parametrize(
    ("text", "value"),
    [("50k", 50_000), ("1.5M", 1_500_000), ("1,000,000", 1_000_000), ("12", 12), ("ten", 10), ("2,5", 2.5), ("10 thousand", 10_000)],
)
def test_numbers_with_suffixes(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_the_flagship_request_becomes_search_filters() -> None:
    assert f("find micro beauty creators in France with ER above 3% on Instagram") == {
        "tiers": ["micro"], "niches_any": ["beauty"], "countries": ["FR"], "engagement_min": 0.03, "platforms": ["instagram"],
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("creators with over 50k followers", {"followers_min": 50_000}),
        ("between 10k and 100k followers", {"followers_min": 10_000, "followers_max": 100_000}),
        ("under 1M", {"followers_max": 1_000_000}),
        ("10k-100k followers", {"followers_min": 10_000, "followers_max": 100_000}),
        ("IG creators with 50k+ followers", {"followers_min": 50_000, "platforms": ["instagram"]}),
        ("at least 5,000 subscribers", {"followers_min": 5_000}),
    ],
)
def test_follower_ranges(text: str, expected: dict) -> None:
    assert f(text) == expected


def test_money_is_not_a_follower_count() -> None:
    assert "followers_min" not in f("fitness creators for a $20k budget")
    assert "followers_max" not in f("skincare creators, budget under €50k")


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("ER above 3%", "engagement_min", 0.03),
        ("engagement > 4.5%", "engagement_min", 0.045),
        ("engagement rate of at least 2%", "engagement_min", 0.02),
        ("ER below 10%", "engagement_max", 0.10),
        ("creators with 5%+ ER", "engagement_min", 0.05),
    ],
)
def test_engagement_percentages_become_fractions(text: str, key: str, value: float) -> None:
    assert f(text)[key] == pytest.approx(value)


def test_engagement_range_and_followers_do_not_collide() -> None:
    out = f("fitness creators with ER 2-5% and over 20k followers")
    assert out["engagement_min"] == pytest.approx(0.02)
    assert out["engagement_max"] == pytest.approx(0.05)
    assert out["followers_min"] == 20_000


def test_tiers_and_mid_tier_is_explained() -> None:
    assert f("nano and micro influencers")["tiers"] == ["nano", "micro"]
    assert f("micro-influencers in Spain")["tiers"] == ["micro"]
    p = parse_filters("mid-tier youtubers")
    assert (p.filters["followers_min"], p.filters["followers_max"]) == (50_000, 500_000)
    assert any("mid-tier" in n for n in p.notes)


@pytest.mark.parametrize(
    ("text", "platforms"),
    [
        ("IG creators", ["instagram"]),
        ("TikTok and YouTube creators", ["tiktok", "youtube"]),
        ("podcasters and bloggers", ["podcast", "blog"]),
        ("experts on LinkedIn", ["linkedin"]),
        ("creators on X", ["x"]),
        ("twitter accounts", ["x"]),
    ],
)
def test_platform_words(text: str, platforms: list[str]) -> None:
    assert f(text)["platforms"] == platforms


def test_countries_by_name_adjective_and_code_but_not_english_words() -> None:
    assert f("creators in France")["countries"] == ["FR"]
    assert f("German skincare creators")["countries"] == ["DE"]
    assert f("creators in the UK or US")["countries"] == ["GB", "US"]
    assert f("beauty creators from FR and DE")["countries"] == ["FR", "DE"]
    assert "countries" not in f("is it in stock? tell me about it")


def test_language_is_not_a_country() -> None:
    out = f("German-speaking podcasters")
    assert out == {"languages": ["de"], "platforms": ["podcast"]}
    assert f("lifestyle creators who post in French")["languages"] == ["fr"]


def test_city() -> None:
    assert f("KOLs in Paris") == {"city": "Paris", "kind": "kol"}


def test_niche_synonyms() -> None:
    assert f("skin care creators")["niches_any"] == ["skincare"]
    assert f("makeup artists in Italy")["niches_any"] == ["makeup", "beauty"]
    assert f("creators who do both fitness and nutrition")["niches_all"] == ["fitness", "nutrition"]


def test_unknown_niche_word_is_passed_on_not_dropped() -> None:
    # the tool validates it and answers with close matches; silently ignoring it would mislead
    assert f("find haircare creators")["niches_any"] == ["haircare"]
    assert "niches_any" not in f("find some good creators")


def test_kol_words_and_credentials() -> None:
    assert f("dermatologists in Germany") == {"kind": "kol", "credentials": "dermatologist", "countries": ["DE"]}
    assert f("doctors")["credentials"] == ["doctor", "physician"]
    assert f("KOLs in fintech")["kind"] == "kol"
    assert f("experts")["kind"] == "kol"
    assert f("influencers only, no KOLs")["kind"] == "influencer"


def test_audience_filters_do_not_leak_into_creator_country() -> None:
    out = f("creators whose audience is mostly female, young audience 18-34, audience in Germany")
    assert out["audience_female_min"] == 0.5
    assert out["audience_18_34_min"] == 0.5
    assert out["audience_countries"] == ["DE"]
    assert "countries" not in out
    assert f("70% female audience")["audience_female_min"] == pytest.approx(0.7)
    assert f("French creators with a German audience") == {"countries": ["FR"], "audience_countries": ["DE"]}
    # "followers in Italy" describes the creator; "followers are mostly in Italy" the audience
    assert f("10k to 50k followers in Italy") == {"followers_min": 10_000, "followers_max": 50_000, "countries": ["IT"]}
    assert f("creators whose followers are mostly in Italy")["audience_countries"] == ["IT"]


def test_email_brands_history_campaign_topic() -> None:
    assert f("only those with email") == {"has_email": True}
    assert f("creators without email")["has_email"] is False
    assert f("who mention CeraVe or La Roche-Posay")["brands"] == ["CeraVe", "La Roche-Posay"]
    assert f("creators who talked about Nike")["brands"] == ["Nike"]
    assert f("beauty creators we worked with before")["collaborated"] is True
    assert f("skincare creators we've never worked with")["collaborated"] is False
    assert f("creators who worked with Lumière Skin")["collaborated"] == "Lumière Skin"
    assert f("skincare creators not already in campaign Glow Q3")["exclude_campaign"] == "Glow Q3"
    assert f("creators not in the Glow Q3 campaign")["exclude_campaign"] == "Glow Q3"
    out = f("French creators who talk about sensitive skin")
    assert out == {"topic": "sensitive skin", "countries": ["FR"]}


def test_sort_and_limit() -> None:
    assert f("top 5 beauty creators by engagement") == {"limit": 5, "sort": "engagement", "niches_any": ["beauty"]}
    assert f("20 creators, biggest first") == {"limit": 20, "sort": "followers"}
    assert f("most recent fitness creators")["sort"] == "recency"
    assert "limit" not in f("show me the first two")


@pytest.mark.parametrize("text", ["more", "next page", "show me more", "more please", "next 10", "Show more!"])
def test_more_requests(text: str) -> None:
    assert is_more_request(text)


@pytest.mark.parametrize("text", ["more about her", "find more skincare creators", "tell me more about @x"])
def test_not_more_requests(text: str) -> None:
    assert not is_more_request(text)


def test_handles_money_goal_year() -> None:
    assert parse_handles("tell me about @Skin.By.Sam. and sam@example.com, @dr.lena.derm") == ["skin.by.sam", "dr.lena.derm"]
    m = find_amount("recommend a creator mix for a $20,000 awareness campaign")
    assert (m.amount, m.currency) == (Decimal("20000.00"), "USD")
    assert find_amount("budget 15k eur").currency == "EUR"
    assert find_amount("€50k").amount == Decimal("50000.00")
    bare = find_amount("a budget of 8000", "EUR")
    assert (bare.minor_units, bare.currency, bare.explicit) == (800_000, "EUR", False)
    assert find_amount("a budget for the 3 creators") is None
    assert parse_goal("an awareness campaign") == "awareness"
    assert parse_goal("we want credibility with experts") == "credibility"
    now = datetime(2026, 11, 20, tzinfo=UTC)
    assert parse_year("what did we pay last year", now) == 2025
    assert parse_year("in 2024", now) == 2024


# --- references -------------------------------------------------------------------------------------


def mem(*handles: str) -> ConversationMemory:
    m = ConversationMemory(last_handles=list(handles), last_creator_ids=list(range(1, len(handles) + 1)))
    m.extra["last_platforms"] = ["instagram"] * len(handles)
    return m


def test_ordinals_numbers_and_groups() -> None:
    m = mem("a", "b", "c", "d")
    assert [r.handle for r in resolve("show me the second one", m).refs] == ["b"]
    assert [r.handle for r in resolve("#3", m).refs] == ["c"]
    assert [r.handle for r in resolve("number 4 please", m).refs] == ["d"]
    assert [r.handle for r in resolve("the last one", m).refs] == ["d"]
    assert [r.handle for r in resolve("the first two", m).refs] == ["a", "b"]
    assert [r.handle for r in resolve("the second and fourth", m).refs] == ["b", "d"]
    assert [r.handle for r in resolve("all of them", m).refs] == ["a", "b", "c", "d"]
    assert resolve("show me the second one", m).refs[0].creator_id == 2


def test_out_of_range_and_ambiguous_references_ask_back() -> None:
    m = mem("a", "b")
    r = resolve("the fifth one", m)
    assert r.question and "only 2" in r.question and not r.refs
    assert resolve("those three", m).question
    assert resolve("her", m).question  # two candidates, no focus
    assert resolve("the second one", ConversationMemory()).question


def test_those_three_uses_the_group_last_named() -> None:
    m = mem("a", "b", "c", "d", "e")
    set_group(m, [Ref("b"), Ref("c"), Ref("d")])
    assert [r.handle for r in resolve("compare those three", m).refs] == ["b", "c", "d"]


def test_pronouns_use_the_creator_in_focus_and_handles_win() -> None:
    m = mem("a", "b")
    set_focus(m, Ref("b", 2, "instagram"))
    assert [r.handle for r in resolve("find creators similar to her", m).refs] == ["b"]
    assert [r.handle for r in resolve("is this creator a KOL?", m).refs] == ["b"]
    assert [r.handle for r in resolve("tell me about @zed", m).refs] == ["zed"]
    assert resolve("find skincare creators in France", m).how == "none"


def test_workspace_niche_names_win_and_canonical_names_map_onto_them() -> None:
    known = ["personal finance", "home & decor", "fintech", "skincare"]
    assert parse_filters("personal finance creators", known_niches=known).filters["niches_any"] == ["personal finance"]
    assert parse_filters("home decor creators", known_niches=known).filters["niches_any"] == ["home & decor"]
    p = parse_filters("finance creators", known_niches=known)
    assert p.filters["niches_any"] == ["personal finance"] and p.notes


def test_leftover_words_measure_what_was_not_understood() -> None:
    assert parse_filters("now in Germany").leftover == []
    assert parse_filters("what's the weather in Paris tomorrow?").leftover == ["weather", "tomorrow"]


# --- activity, growth and audience country (issue 20) ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("creators who posted in the last 30 days", {"posted_within_days": 30}),
        ("fitness creators who posted this month", {"posted_within_days": 30, "niches_any": ["fitness"]}),
        ("beauty creators active in the last 2 weeks", {"posted_within_days": 14, "niches_any": ["beauty"]}),
        ("creators psoted in the lst 30 days", {"posted_within_days": 30}),  # typos
        ("CREATORS THAT POSTED IN THE PAST WEEK", {"posted_within_days": 7}),
        ("creators who posted in the last 3 months", {"posted_within_days": 90}),
        ("active creators only", {"active_only": True}),
        ("find skincare influencers, only active ones", {"active_only": True, "niches_any": ["skincare"]}),
        ("actve creators only", {"active_only": True}),
        ("dormant creators", {"dormant_only": True}),
        ("show me inactive tiktokers", {"dormant_only": True, "platforms": ["tiktok"]}),
        ("dormat creators", {"dormant_only": True}),
        ("creators who haven't posted in 3 months", {"dormant_only": True}),
        ("creators growing more than 10% a month", {"min_growth_30d_pct": 0.1}),
        ("creators grwoing over 10% per month", {"min_growth_30d_pct": 0.1}),
        ("10% monthly growth creators", {"min_growth_30d_pct": 0.1}),
        ("fast growing fitness creators", {"min_growth_30d_pct": 0.05, "niches_any": ["fitness"]}),
        ("fast-growing youtubers", {"min_growth_30d_pct": 0.05, "platforms": ["youtube"]}),
        ("beauty creators with audience in India", {"audience_countries": ["IN"], "niches_any": ["beauty"]}),
        ("Indian audience skincare creators", {"audience_countries": ["IN"], "niches_any": ["skincare"]}),
        ("skincare creators with mostly Indian followers", {"audience_countries": ["IN"], "niches_any": ["skincare"]}),
        ("creators with an audiance in india or brazil", {"audience_countries": ["IN", "BR"]}),
        ("creators in India", {"countries": ["IN"]}),
        ("youtubers in India", {"countries": ["IN"], "platforms": ["youtube"]}),
    ],
)
def test_activity_growth_and_audience_country_phrases(text: str, expected: dict) -> None:
    assert f(text) == expected


def test_fast_growing_and_this_month_say_the_threshold_they_used() -> None:
    assert parse_filters("fast growing creators").notes == ["“fast growing” read as follower growth of at least 5% in 30 days"]
    assert parse_filters("creators who posted this month").notes == ["“posted this month” read as posted in the last 30 days"]
    assert parse_filters("creators with 10% growth").notes == ["growth of 10% read as follower growth over 30 days"]


def test_most_active_is_still_a_sort_not_a_filter() -> None:
    assert f("most active creators in France") == {"sort": "recency", "countries": ["FR"]}


def test_posted_about_a_topic_in_a_window_keeps_both() -> None:
    assert f("creators who posted about skincare in the last 30 days") == {"posted_within_days": 30, "topic": "skincare"}


@pytest.mark.parametrize(
    ("text", "unused"),
    [
        ("creators in India since 2019", ["since 2019"]),
        ("creators who haven't posted in 6 months", ["haven't posted in 6 months"]),  # dormant means exactly 90 days
        ("creators growing 2% a week", ["growing 2% a week"]),
        ("fitness creators in the last 30 days", ["in the last 30 days"]),  # no posting verb: not guessed
        ("creators we worked with in 2025", ["in 2025"]),
        ("beauty creators before March", ["before March"]),
    ],
)
def test_time_conditions_that_map_to_no_filter_are_kept_to_say_back(text: str, unused: list[str]) -> None:
    parsed = parse_filters(text)
    assert parsed.unused == unused
    assert not {"posted_within_days", "dormant_only", "min_growth_30d_pct"} & set(parsed.filters)


def test_follower_ranges_with_years_like_numbers_are_not_time_conditions() -> None:
    parsed = parse_filters("creators with from 2000 to 5000 followers")
    assert parsed.filters == {"followers_min": 2000, "followers_max": 5000} and parsed.unused == []


def test_vague_windows_are_said_back_and_a_couple_is_two() -> None:
    assert f("creators who posted in the last couple of weeks") == {"posted_within_days": 14}
    parsed = parse_filters("creators who haven't posted in a few weeks")
    assert parsed.filters == {} and parsed.unused == ["haven't posted in a few weeks"]


@pytest.mark.parametrize(("text", "gone", "said"), [
    ("beauty influencers excluding france and germany", ("countries", ["FR", "DE"]), "excluding france and germany"),
    ("food creators not from the US with email", ("countries", ["US"]), "not from the US"),
    ("find dermatologists in germany who arent on linkedin", ("platforms", ["linkedin"]), "arent on linkedin"),
    ("non-english speaking fashion creators in italy", ("languages", ["en"]), "non-english"),
    ("travel creators except on youtube", ("platforms", ["youtube"]), "except on youtube"),
    ("micro creators in france that are not macro", ("tiers", ["macro"]), "not macro"),
])
def test_a_negated_value_is_never_searched_for_and_is_said_back(text, gone, said) -> None:
    """Search has no exclusion filters yet: the planner must not search FOR what was excluded
    (it used to: "excluding France and Germany" searched France or Germany)."""
    parsed = parse_filters(text)
    key, values = gone
    assert not set(values) & set(parsed.filters.get(key, []))
    assert any(said.lower() in n.lower() and "can't exclude yet" in n for n in parsed.notes)
    assert not any(v.endswith("-") for v in parsed.filters.get("niches_any", []))


def test_negation_guard_keeps_what_was_not_negated() -> None:
    parsed = parse_filters("non-english speaking fashion creators in italy")
    assert parsed.filters["countries"] == ["IT"] and parsed.filters["niches_any"] == ["fashion"]
    assert parse_filters("beauty creators in France on Instagram").notes == []


@pytest.mark.parametrize(("text", "metric", "order"), [
    ("worst performers in Glow Q3", "roas", "worst"), ("bottom 3 creators by ROAS", "roas", "worst"),
    ("who had the lowest roas", "roas", "worst"), ("lowest CPA in Glow Q3", "cpa", "best"),
    ("highest cpa", "cpa", "worst"), ("best performers", "roas", "best"), ("top 5 by ctr", "ctr", "best"),
])
def test_worst_and_lowest_rank_the_right_way_round(text, metric, order) -> None:
    from agent.planner.metrics_intents import ranking_order

    assert ranking_order(text.lower(), metric) == order


def test_a_lower_case_misspelt_country_is_passed_on_for_a_question_not_dropped() -> None:
    """'macro creators from brazill' used to search every country; now the tool gets 'brazill' and
    answers "did you mean Brazil?" (as it does for "in Frnace")."""
    parsed = parse_filters("macro creators from brazill")
    assert parsed.filters["countries"] == ["brazill"] and parsed.unknown_place == "brazill"
    assert "countries" not in parse_filters("skincare creators in skincare").filters


@pytest.mark.parametrize("text", ["nano creators in mexico who posted in the last week",
                                  "creators who posted in the past 30 days", "what did we pay last year"])
def test_a_period_is_not_a_position_in_the_last_list(text) -> None:
    """'the last week' used to be read as 'the last one' of a list, and the search was refused."""
    from agent.planner.references import resolve
    from tools.base import ConversationMemory

    r = resolve(text, ConversationMemory())
    assert r.question is None and not r.refs
