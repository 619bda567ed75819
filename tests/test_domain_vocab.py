"""The domain vocabulary (memory/domain): places, languages, niches, kinds and credentials, goals
and stages — and that the CSV import, the discovery tools and the planner all read it."""

from __future__ import annotations

import pytest

from agent.planner.parse import parse_filters
from integrations.sources import csv_normalize as nz
from memory.domain import campaigns, languages, niches, people, places
from memory.domain.matching import edit_distance, fold, one_edit
from memory.models.common import Stage
from memory.seed import vocab as seed
from tools.base import ToolError
from tools.discovery import mix
from tools.discovery import vocab as tool_vocab

PLACES = [
    ("France", "FR", "exact"), ("FR", "FR", "exact"), ("fr", "FR", "exact"), ("FRA", "FR", "exact"),
    ("Germany", "DE", "exact"), ("Deutschland", "DE", "alias"), ("Allemagne", "DE", "alias"),
    ("Alemania", "DE", "alias"), ("España", "ES", "alias"), ("Italia", "IT", "alias"), ("Brasil", "BR", "alias"),
    ("Nederland", "NL", "alias"), ("Österreich", "AT", "alias"), ("日本", "JP", "alias"), ("Россия", "RU", "alias"),
    ("대한민국", "KR", "alias"), ("UK", "GB", "alias"), ("u.k.", "GB", "alias"), ("England", "GB", "alias"),
    ("USA", "US", "exact"), ("United States of America", "US", "alias"), ("the US", "US", "alias"),
    ("Holland", "NL", "alias"), ("the Netherlands", "NL", "exact"), ("Bosnia", "BA", "alias"),
    ("Bosnia and Herzegovina", "BA", "exact"), ("Bosnia & Herzegovina", "BA", "exact"), ("Kosovo", "XK", "exact"),
    ("XK", "XK", "exact"), ("Nepal", "NP", "exact"), ("Ethiopia", "ET", "exact"), ("UAE", "AE", "alias"),
    ("Czech Republic", "CZ", "alias"), ("Turkey", "TR", "alias"), ("Türkiye", "TR", "exact"),
    ("Côte d'Ivoire", "CI", "alias"), ("Ivory Coast", "CI", "exact"), ("DRC", "CD", "alias"),
    ("South Korea", "KR", "exact"), ("Korea", "KR", "alias"), ("St. Lucia", "LC", "exact"),
    ("French", "FR", "alias"), ("Brazilian", "BR", "alias"), ("Korean", "KR", "alias"), ("Dutch", "NL", "alias"),
    ("Swiss", "CH", "alias"), ("Kosovar", "XK", "alias"), ("Filipino", "PH", "alias"), ("American", "US", "alias"),
    ("Paris", "FR", "alias"), ("NYC", "US", "alias"), ("Sao Paulo", "BR", "alias"), ("Sarajevo", "BA", "alias"),
    ("Frnace", "FR", "fuzzy"), ("Germnay", "DE", "fuzzy"), ("Brazl", "BR", "fuzzy"), ("Portgual", "PT", "fuzzy"),
    ("IN", "IN", "exact"), ("AT", "AT", "exact"), ("India", "IN", "exact"), ("Austria", "AT", "exact"),
]
NOT_PLACES = ["Fit Fall", "money", "Glow", "in", "at", "it", "be", "and", "can", "Skincare", "Glow Q3", "", "  ",
              "Creators", "Chinese food", "Nigr", "Irna"]

LANGUAGES = [
    ("English", "en", "exact"), ("en", "en", "exact"), ("eng", "en", "exact"), ("en-US", "en", "exact"),
    ("pt_BR", "pt", "exact"), ("French", "fr", "exact"), ("fre", "fr", "exact"), ("Français", "fr", "alias"),
    ("Deutsch", "de", "alias"), ("Allemand", "de", "alias"), ("Español", "es", "alias"), ("Nepali", "ne", "exact"),
    ("नेपाली", "ne", "alias"), ("Amharic", "am", "exact"), ("Bosnian", "bs", "exact"), ("Albanian", "sq", "exact"),
    ("Swahili", "sw", "exact"), ("Mandarin", "zh", "alias"), ("Cantonese", "zh", "alias"), ("Farsi", "fa", "alias"),
    ("Persian", "fa", "exact"), ("Flemish", "nl", "alias"), ("Bahasa", "id", "alias"), ("Filipino", "tl", "alias"),
    ("Hebrew", "he", "exact"), ("Frnech", "fr", "fuzzy"), ("Portugese", "pt", "fuzzy"), ("Germna", "de", "fuzzy"),
]
NOT_LANGUAGES = ["in", "at", "money", "Glow", "Fit Fall", "Spain", "", "Englsh speaking"]


@pytest.mark.parametrize(("text", "code", "how"), PLACES)
def test_resolve_country_reads_names_aliases_natives_demonyms_cities_and_one_edit_typos(text: str, code: str, how: str) -> None:
    match = places.resolve_country(text)
    assert match is not None and (match.value, match.how) == (code, how)
    assert match.name == places.country_name(code) and 0 < match.confidence <= 1


@pytest.mark.parametrize("text", NOT_PLACES)
def test_resolve_country_rejects_words_that_are_not_countries(text: str) -> None:
    assert places.resolve_country(text) is None


@pytest.mark.parametrize(("text", "code", "how"), LANGUAGES)
def test_resolve_language_reads_names_natives_aliases_codes_tags_and_one_edit_typos(text: str, code: str, how: str) -> None:
    match = languages.resolve_language(text)
    assert match is not None and (match.value, match.how) == (code, how)


@pytest.mark.parametrize("text", NOT_LANGUAGES)
def test_resolve_language_rejects_words_that_are_not_languages(text: str) -> None:
    assert languages.resolve_language(text) is None


def test_fuzzy_matching_can_be_switched_off_and_never_guesses_between_two_countries() -> None:
    assert places.resolve_country("Frnace", fuzzy=False) is None
    assert languages.resolve_language("Frnech", fuzzy=False) is None
    assert places.resolve_country("Irna") is None  # one edit from both Iran and ... not a unique fit
    assert set(places.suggest_country("Iraa")) >= {"IQ"}
    assert places.resolve_country("Paris", cities=False) is None


def test_suggestions_offer_close_countries_and_languages() -> None:
    assert places.suggest_country("Frnace") == ["FR"]
    assert places.suggest_country("it") == ["IT"]
    assert places.suggest_country("Glow") == []
    assert places.suggest_country("Austrlia")[0] == "AU"
    assert languages.suggest_language("Frenchh") == ["fr"]
    assert languages.suggest_language("zzzz") == []


def test_names_and_labels_come_from_one_table() -> None:
    assert places.country_name("xk") == "Kosovo" and places.country_name("BA") == "Bosnia and Herzegovina"
    assert places.country_label("FR") == "France (FR)" and places.country_label(None) == "unknown country"
    assert places.country_name("ZZ") == "ZZ"
    assert languages.language_name("am") == "Amharic" and languages.language_label("ne") == "Nepali (ne)"
    assert len(places.country_codes()) == 250 and "XK" in places.country_codes()
    assert len(languages.language_codes()) == 184


def test_cities_resolve_to_their_country_and_display_name() -> None:
    for text, code, name in [("paris", "FR", "Paris"), ("NYC", "US", "New York"), ("Sao Paulo", "BR", "São Paulo"),
                             ("München", "DE", "Munich"), ("Pristina", "XK", "Pristina")]:
        match = places.resolve_city(text)
        assert match is not None and (match.value, match.name) == (code, name)
    assert places.resolve_city("Glow") is None


def test_one_edit_and_fold() -> None:
    assert one_edit("frnace", "france") and one_edit("germny", "germany") and one_edit("chad", "chad")
    assert not one_edit("glow", "slows") and not one_edit("money", "monaco")
    assert edit_distance("frnace", "france") == 1 and edit_distance("kitten", "sitting") == 3
    assert fold("  Côte d'Ivoire ") == "cotedivoire" and fold("The Netherlands") == "netherlands"


def test_seed_countries_take_names_cities_and_languages_from_the_core() -> None:
    for country in seed.COUNTRIES:
        assert country.name == places.country_name(country.code) != country.code
        for city in country.cities:
            match = places.resolve_city(city, fuzzy=False)
            assert match is not None and match.value == country.code, city
        assert all(lang in languages.language_codes() for lang, _ in country.languages)


# --- niches, kinds, credentials, goals, stages -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "niche", "how"),
    [("skincare", "skincare", "exact"), ("Skin Care", "skincare", "alias"), ("gym", "fitness", "alias"),
     ("money", "finance", "alias"), ("dermatologist", "dermatology", "alias"), ("skincre", "skincare", "fuzzy"),
     ("Home Decor", "home decor", "exact"), ("pickleball", "pickleball", "exact")],
)
def test_resolve_niche(text: str, niche: str, how: str) -> None:
    match = niches.resolve_niche(text, known=["pickleball"])
    assert match is not None and (match.value, match.how) == (niche, how)


def test_niche_suggestions_and_unknown_niches() -> None:
    assert niches.resolve_niche("glow") is None
    assert niches.suggest_niche("skn care") == ["skincare"]
    assert niches.normalize_niche("  Make-Up ") == "makeup"
    assert set(niches.SYNONYMS) <= set(niches.NICHES) and set(niches.aliases().values()) <= set(niches.NICHES)


def test_kinds_and_credentials() -> None:
    assert people.resolve_kind("Key Opinion Leader").value == "kol"
    assert people.resolve_kind("kol").how == "exact"
    assert people.resolve_kind("content-creator").value == "influencer"
    assert people.resolve_kind("brand") is None
    assert people.resolve_credential("Physicians").value == "doctor"
    assert people.resolve_credential("plumber") is None
    assert people.credential_keywords("doctor") == ("doctor", "physician")
    assert people.credential_keywords("dentist") == ("dentist",)


def test_goals_and_stages() -> None:
    assert campaigns.resolve_goal("Gen Z").value == "young_audience"
    assert campaigns.resolve_goal("awareness").how == "exact"
    assert campaigns.resolve_goal("awarness").how == "fuzzy"
    assert campaigns.resolve_goal("awarness", fuzzy=False) is None
    assert campaigns.resolve_goal("weather") is None
    assert campaigns.suggest_goal("awarnes") == ["awareness"]
    assert campaigns.resolve_stage("on-hold").value == Stage.on_hold.value
    assert campaigns.resolve_stage("reached out").value == Stage.contacted.value
    assert campaigns.resolve_stage("teleported") is None
    assert set(campaigns.STAGE_SYNONYMS) == set(Stage)


# --- the consumers -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [("Bosnia", "BA"), ("Kosovo", "XK"), ("Deutschland", "DE"), ("uk", "GB")])
def test_search_tool_accepts_countries_the_csv_import_accepts(text: str, code: str) -> None:
    assert tool_vocab.resolve_country(text) == code == nz.parse_country(text)


@pytest.mark.parametrize(("text", "code"), [("Nepali", "ne"), ("Amharic", "am"), ("Deutsch", "de"), ("Farsi", "fa")])
def test_search_tool_accepts_languages_the_csv_import_accepts(text: str, code: str) -> None:
    assert tool_vocab.resolve_language(text) == code == nz.parse_language(text)


def test_tool_and_csv_ask_about_typos_instead_of_guessing() -> None:
    with pytest.raises(ToolError, match=r"unknown country 'Frnace' — did you mean France \(FR\)\?"):
        tool_vocab.resolve_country("Frnace")
    with pytest.raises(ToolError, match=r"unknown country 'in' — did you mean India \(IN\)\?"):
        tool_vocab.resolve_country("in")
    with pytest.raises(ToolError, match=r"unknown language 'Nepalli' — did you mean Nepali \(ne\)\?"):
        tool_vocab.resolve_language("Nepalli")
    with pytest.raises(ValueError, match=r"unknown country 'Bosnai' \(did you mean Bosnia and Herzegovina\?\)"):
        nz.parse_country("Bosnai")
    with pytest.raises(ValueError, match=r"^unknown language 'Glow'$"):
        nz.parse_language("Glow")
    assert nz.parse_kind("Key Opinion Leader") == "kol" and nz.country_name("XK") == "Kosovo"


def test_mix_tool_goals_are_the_core_goals() -> None:
    assert set(mix.GOALS) == set(campaigns.GOALS)
    assert mix.resolve_goal("Gen Z") == "young_audience" and mix.resolve_goal("engagement") == "consideration"
    with pytest.raises(ToolError, match="did you mean awareness"):
        mix.resolve_goal("awarnes")


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [("creators in Bosnia", "countries", ["BA"]), ("Kosovar fitness creators", "countries", ["XK"]),
     ("creators from Kosovo", "countries", ["XK"]), ("Nepali-speaking creators", "languages", ["ne"]),
     ("creators who speak Amharic", "languages", ["am"]), ("beauty creators in Sarajevo", "city", "Sarajevo"),
     ("creators in Chad", "countries", ["TD"]), ("creators in Frnace", "countries", ["Frnace"])],
)
def test_planner_reads_places_and_languages_from_the_core(text: str, key: str, value: object) -> None:
    assert parse_filters(text).filters[key] == value


def test_planner_does_not_read_person_names_or_words_as_countries() -> None:
    assert "countries" not in parse_filters("creators like Chad and Jordan who post at 9").filters
    assert "countries" not in parse_filters("fitness creators in my list").filters
