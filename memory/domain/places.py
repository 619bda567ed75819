"""Countries and cities: the one table every part of kolpilot reads places from.

Countries come from ISO 3166-1 (``pycountry``) plus Kosovo (``XK``, the user-assigned code the
EU and most data sources use); their English, native and a few other European-language names
come from CLDR (``babel``). This module adds only what those lack: common short names ("UK",
"Holland", "Bosnia"), demonyms ("Brazilian") and a compact city table.

``resolve_country`` reads one value (a CSV cell, a tool argument, a phrase the planner found)
and returns a :class:`~memory.domain.matching.Match` or ``None``; typos are forgiven within one
edit only. Lower-case two-letter codes that are English words ("in", "at", "be") are not read
as countries: upper-case ("IN", "AT") they are.
"""

from __future__ import annotations

from functools import cache

from memory.domain.matching import Match, add_keys, fold, fuzzy_values, near_values

# Names CLDR and ISO spell in a way nobody types, or that need a short form for display.
_DISPLAY: dict[str, str] = {
    "CD": "DR Congo", "CG": "Congo", "MM": "Myanmar", "HK": "Hong Kong", "MO": "Macao", "PS": "Palestine",
    "FM": "Micronesia", "VG": "British Virgin Islands", "VI": "US Virgin Islands", "VA": "Vatican City",
    "KP": "North Korea", "KR": "South Korea", "LA": "Laos", "CI": "Ivory Coast", "XK": "Kosovo",
}

# Common names, abbreviations and former names that neither ISO nor CLDR lists.
_ALIASES: dict[str, tuple[str, ...]] = {
    "GB": ("UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland"),
    "US": ("USA", "U.S.", "U.S.A.", "United States of America", "America", "the States", "the US"),
    "NL": ("Holland", "the Netherlands"), "BA": ("Bosnia", "Herzegovina", "BiH"), "XK": ("Kosova",),
    "AE": ("UAE", "Emirates"), "SA": ("KSA",), "TR": ("Turkey", "Turkiye"), "CZ": ("Czech Republic",),
    "KR": ("Korea", "Republic of Korea"), "KP": ("DPRK",), "CD": ("DRC", "Congo-Kinshasa", "Zaire"),
    "CG": ("Congo-Brazzaville",), "CI": ("Cote d'Ivoire",), "CV": ("Cape Verde",), "SZ": ("Swaziland",),
    "MK": ("Macedonia",), "MM": ("Burma",), "TL": ("East Timor",), "VA": ("Vatican", "Holy See"),
    "MO": ("Macau",), "TT": ("Trinidad",), "CN": ("Mainland China", "PRC"), "TW": ("ROC",), "RU": ("Russia",),
    "VN": ("Viet Nam",), "JP": ("Nippon", "Nihon"), "LK": ("Ceylon",), "IR": ("Persia",), "PS": ("Palestinian Territories",),
}

# Demonyms and adjectives: "French creators", "a Brazilian influencer".
_DEMONYMS: dict[str, tuple[str, ...]] = {
    "AF": ("Afghan",), "AL": ("Albanian",), "DZ": ("Algerian",), "AO": ("Angolan",), "AR": ("Argentinian", "Argentine"),
    "AM": ("Armenian",), "AU": ("Australian", "Aussie"), "AT": ("Austrian",), "AZ": ("Azerbaijani",),
    "BH": ("Bahraini",), "BD": ("Bangladeshi",), "BY": ("Belarusian",), "BE": ("Belgian",), "BO": ("Bolivian",),
    "BA": ("Bosnian",), "BR": ("Brazilian",), "BG": ("Bulgarian",), "KH": ("Cambodian",), "CM": ("Cameroonian",),
    "CA": ("Canadian",), "CL": ("Chilean",), "CN": ("Chinese",), "CO": ("Colombian",), "CR": ("Costa Rican",),
    "HR": ("Croatian",), "CU": ("Cuban",), "CY": ("Cypriot",), "CZ": ("Czech",), "DK": ("Danish",),
    "DO": ("Dominican",), "EC": ("Ecuadorian",), "EG": ("Egyptian",), "SV": ("Salvadoran",), "EE": ("Estonian",),
    "ET": ("Ethiopian",), "FI": ("Finnish",), "FR": ("French",), "GE": ("Georgian",), "DE": ("German",),
    "GH": ("Ghanaian",), "GR": ("Greek",), "GT": ("Guatemalan",), "HN": ("Honduran",), "HK": ("Hongkonger",),
    "HU": ("Hungarian",), "IS": ("Icelandic",), "IN": ("Indian",), "ID": ("Indonesian",), "IR": ("Iranian",),
    "IQ": ("Iraqi",), "IE": ("Irish",), "IL": ("Israeli",), "IT": ("Italian",), "JM": ("Jamaican",),
    "JP": ("Japanese",), "JO": ("Jordanian",), "KZ": ("Kazakh",), "KE": ("Kenyan",), "XK": ("Kosovar",),
    "KW": ("Kuwaiti",), "LV": ("Latvian",), "LB": ("Lebanese",), "LT": ("Lithuanian",), "LU": ("Luxembourgish",),
    "MY": ("Malaysian",), "MT": ("Maltese",), "MX": ("Mexican",), "MD": ("Moldovan",), "MN": ("Mongolian",),
    "ME": ("Montenegrin",), "MA": ("Moroccan",), "NP": ("Nepalese",), "NL": ("Dutch",), "NZ": ("Kiwi",),
    "NG": ("Nigerian",), "MK": ("Macedonian",), "NO": ("Norwegian",), "OM": ("Omani",), "PK": ("Pakistani",),
    "PA": ("Panamanian",), "PY": ("Paraguayan",), "PE": ("Peruvian",), "PH": ("Filipino", "Philippine"),
    "PL": ("Polish",), "PT": ("Portuguese",), "PR": ("Puerto Rican",), "QA": ("Qatari",), "RO": ("Romanian",),
    "RU": ("Russian",), "RW": ("Rwandan",), "SA": ("Saudi",), "SN": ("Senegalese",), "RS": ("Serbian",),
    "SG": ("Singaporean",), "SK": ("Slovak",), "SI": ("Slovenian",), "ZA": ("South African",),
    "KR": ("Korean", "South Korean"), "ES": ("Spanish",), "LK": ("Sri Lankan",), "SE": ("Swedish",),
    "CH": ("Swiss",), "TW": ("Taiwanese",), "TZ": ("Tanzanian",), "TH": ("Thai",), "TN": ("Tunisian",),
    "TR": ("Turkish",), "UG": ("Ugandan",), "UA": ("Ukrainian",), "AE": ("Emirati",),
    "GB": ("British", "English", "Scottish", "Welsh"), "US": ("American",), "UY": ("Uruguayan",),
    "UZ": ("Uzbek",), "VE": ("Venezuelan",), "VN": ("Vietnamese",), "YE": ("Yemeni",), "ZM": ("Zambian",),
    "ZW": ("Zimbabwean",),
}

# Cities people name instead of a country: the demo data's, and large or creator-heavy ones worldwide.
_CITIES: dict[str, tuple[str, ...]] = {
    "US": ("New York", "Los Angeles", "San Francisco", "Chicago", "Miami", "Austin", "Seattle", "Boston",
           "Nashville", "Denver", "Houston", "Dallas", "Atlanta", "Las Vegas", "Washington", "Philadelphia",
           "San Diego", "Portland", "Phoenix"),
    "GB": ("London", "Manchester", "Birmingham", "Edinburgh", "Glasgow", "Bristol", "Leeds", "Brighton", "Liverpool"),
    "CA": ("Toronto", "Vancouver", "Montreal", "Calgary", "Ottawa"),
    "AU": ("Sydney", "Melbourne", "Brisbane", "Perth"), "NZ": ("Auckland", "Wellington"),
    "IE": ("Dublin", "Cork", "Galway"), "IN": ("Mumbai", "Bengaluru", "Bangalore", "Delhi", "New Delhi", "Pune",
                                               "Hyderabad", "Chennai", "Kolkata"),
    "SG": ("Singapore",), "ZA": ("Cape Town", "Johannesburg", "Durban"),
    "FR": ("Paris", "Lyon", "Marseille", "Bordeaux", "Nice", "Lille", "Toulouse", "Nantes"),
    "BE": ("Brussels", "Antwerp", "Ghent", "Liège"), "CH": ("Zurich", "Geneva", "Basel", "Lausanne"),
    "DE": ("Berlin", "Munich", "Hamburg", "Cologne", "Frankfurt", "Leipzig", "Stuttgart", "Düsseldorf"),
    "AT": ("Vienna", "Graz", "Salzburg"),
    "ES": ("Madrid", "Barcelona", "Valencia", "Seville", "Málaga", "Bilbao"),
    "MX": ("Mexico City", "Guadalajara", "Monterrey", "Puebla"), "AR": ("Buenos Aires", "Córdoba", "Rosario", "Mendoza"),
    "CO": ("Bogotá", "Medellín", "Cali"), "IT": ("Milan", "Rome", "Turin", "Florence", "Naples", "Bologna", "Venice"),
    "PT": ("Lisbon", "Porto", "Braga"), "BR": ("São Paulo", "Rio de Janeiro", "Belo Horizonte", "Curitiba", "Salvador",
                                                "Brasília"),
    "JP": ("Tokyo", "Osaka", "Kyoto", "Fukuoka", "Sapporo"), "KR": ("Seoul", "Busan", "Incheon", "Daegu"),
    "NL": ("Amsterdam", "Rotterdam", "Utrecht", "The Hague", "Eindhoven"),
    "SE": ("Stockholm", "Gothenburg", "Malmö", "Uppsala"), "NO": ("Oslo", "Bergen", "Trondheim"),
    "DK": ("Copenhagen", "Aarhus"), "FI": ("Helsinki",), "PL": ("Warsaw", "Krakow"), "CZ": ("Prague",),
    "GR": ("Athens",), "TR": ("Istanbul", "Ankara"), "HU": ("Budapest",), "RO": ("Bucharest",), "UA": ("Kyiv",),
    "RU": ("Moscow", "Saint Petersburg"), "RS": ("Belgrade",), "HR": ("Zagreb",), "BA": ("Sarajevo",),
    "XK": ("Pristina",), "IL": ("Tel Aviv", "Jerusalem"), "AE": ("Dubai", "Abu Dhabi"), "SA": ("Riyadh", "Jeddah"),
    "QA": ("Doha",), "EG": ("Cairo",), "MA": ("Casablanca", "Marrakech"), "NG": ("Lagos", "Abuja"),
    "KE": ("Nairobi",), "GH": ("Accra",), "ET": ("Addis Ababa",), "CN": ("Beijing", "Shanghai", "Shenzhen", "Guangzhou"),
    "HK": ("Hong Kong",), "TW": ("Taipei",), "TH": ("Bangkok",), "VN": ("Ho Chi Minh City", "Hanoi"),
    "ID": ("Jakarta", "Bali"), "PH": ("Manila",), "MY": ("Kuala Lumpur",), "PK": ("Karachi", "Lahore"),
    "BD": ("Dhaka",), "NP": ("Kathmandu",), "CL": ("Santiago",), "PE": ("Lima",),
}
_CITY_ALIASES: dict[str, str] = {"NYC": "New York", "LA": "Los Angeles", "SF": "San Francisco", "KL": "Kuala Lumpur",
                                 "Saigon": "Ho Chi Minh City", "Bombay": "Mumbai", "Kiev": "Kyiv", "Munchen": "Munich",
                                 "München": "Munich", "Köln": "Cologne", "Milano": "Milan", "Roma": "Rome",
                                 "Lisboa": "Lisbon", "Wien": "Vienna", "Zürich": "Zurich", "Den Haag": "The Hague"}

# Two-letter codes that are also English words: lower-case, they are the word.
WORD_CODES: frozenset[str] = frozenset(
    {"am", "as", "at", "be", "by", "do", "go", "in", "is", "it", "me", "my", "no", "so", "to", "an", "hi", "id"}
)

# Languages whose CLDR country names are also accepted ("Allemagne", "Alemania", "Frankreich").
_NAME_LOCALES = ("en", "fr", "de", "es", "it", "pt", "nl")


@cache
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """(folded name -> code, folded alias -> code, code -> display name, alpha-3 -> code)."""
    import pycountry
    from babel import Locale
    from babel.languages import get_official_languages

    names: dict[str, str] = {}
    alpha3: dict[str, str] = {}
    exact: dict[str, str] = {}
    alias: dict[str, str] = {}
    en = Locale("en").territories
    rows = [(c.alpha_2, c.alpha_3, c.name, getattr(c, "common_name", None), getattr(c, "official_name", None))
            for c in pycountry.countries]
    rows.append(("XK", "XKX", "Kosovo", None, "Republic of Kosovo"))
    for a2, a3, name, common, official in rows:
        cldr = (en.get(a2) or "").replace(" & ", " and ").replace("St. ", "Saint ")
        display = _DISPLAY.get(a2) or (cldr if cldr and "(" not in cldr and " - " not in cldr else None) or common or name
        names[a2] = display
        alpha3[a3.casefold()] = a2
        add_keys(exact, (display,), a2)
        add_keys(alias, (name, common, official, cldr), a2)
    for a2 in names:
        native = [Locale.parse(lang).territories.get(a2) for lang in get_official_languages(a2, de_facto=True)
                  if _locale_ok(lang)]
        add_keys(alias, native, a2)
    for loc in _NAME_LOCALES:
        terr = Locale(loc).territories
        for a2 in names:
            add_keys(alias, (terr.get(a2),), a2)
    for a2, words in (*_ALIASES.items(), *_DEMONYMS.items()):
        for w in words:
            alias[fold(w)] = a2
    alias = {k: v for k, v in alias.items() if k not in exact}
    return exact, alias, names, alpha3


def _locale_ok(lang: str) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def country_codes() -> list[str]:
    """Every known alpha-2 code (ISO 3166-1 and XK), sorted."""
    return sorted(_tables()[2])


def country_name(code: str | None) -> str:
    """"FR" -> "France"; an unknown code comes back as it is."""
    if not code:
        return ""
    return _tables()[2].get(code.strip().upper(), code)


def country_label(code: str | None) -> str:
    """"FR" -> "France (FR)"; unknown codes come back as they are."""
    if not code:
        return "unknown country"
    name = _tables()[2].get(code.strip().upper())
    return f"{name} ({code.strip().upper()})" if name else code


def resolve_country(text: str | None, *, fuzzy: bool = True, cities: bool = True) -> Match | None:
    """A country name, alias, demonym, native name, ISO alpha-2/alpha-3 code or city -> its alpha-2
    code, or ``None``. ``"France"``/``"FR"``/``"FRA"`` (exact), ``"Deutschland"``/``"Brazilian"``/
    ``"Bosnia"``/``"Paris"`` (alias), ``"Frnace"`` (fuzzy, one edit, only if one country fits)."""
    if not text or not text.strip():
        return None
    exact, alias, names, alpha3 = _tables()
    raw = text.strip()
    if len(raw) == 2 and raw.isalpha():
        code = raw.upper()
        if code in names:
            return Match(code, names[code], "exact", raw) if raw.isupper() or raw.casefold() not in WORD_CODES else None
    if len(raw) == 3 and raw.isalpha() and raw.isupper() and raw.casefold() in alpha3:
        code = alpha3[raw.casefold()]
        return Match(code, names[code], "exact", raw)
    key = fold(raw)
    if key in exact:
        return Match(exact[key], names[exact[key]], "exact", raw)
    if key in alias:
        return Match(alias[key], names[alias[key]], "alias", raw)
    city = resolve_city(raw, fuzzy=False) if cities else None
    if city is not None:
        return Match(city.value, names[city.value], "alias", raw)
    if fuzzy:
        found = fuzzy_values(key, {**exact, **alias})
        if len(found) == 1:
            return Match(found[0], names[found[0]], "fuzzy", raw)
    return None


@cache
def country_words() -> tuple[dict[str, str], dict[str, str]]:
    """Words for recognising countries in running text, lower case: (names -> code, demonyms ->
    code). Names are the English display names, the common aliases and the native names written
    in Latin letters ("deutschland"); demonyms are "french", "brazilian"..."""
    import unicodedata

    from babel import Locale
    from babel.languages import get_official_languages

    names: dict[str, str] = {}
    for code, name in _tables()[2].items():
        names.setdefault(name.lower(), code)
        for lang in get_official_languages(code, de_facto=True):
            native = Locale.parse(lang).territories.get(code) if _locale_ok(lang) else None
            if native and all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in native):
                names.setdefault(native.lower(), code)
    for code, words in _ALIASES.items():
        for w in words:
            names.setdefault(w.lower(), code)
    demonyms = {w.lower(): code for code, words in _DEMONYMS.items() for w in words}
    return names, {d: c for d, c in demonyms.items() if d not in names}


def suggest_country(text: str, *, n: int = 3) -> list[str]:
    """Codes of countries ``text`` may have meant, closest first ("Frnace" -> ["FR"], "Austira" ->
    ["AT"], "Nigr" -> ["NE"]), also when a one-edit typo fits several ("Iran"/"Iraq"), and the
    country of a lower-case code that is an English word ("it" -> ["IT"])."""
    raw = text.strip()
    if len(raw) == 2 and raw.upper() in _tables()[2]:
        return [raw.upper()]
    exact, alias, _names, _a3 = _tables()
    return near_values(fold(raw), {**exact, **alias}, n=n)


@cache
def _cities() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """(folded city -> (display name, code), folded city alias -> folded city)."""
    table = {fold(city): (city, code) for code, cities in _CITIES.items() for city in cities}
    return table, {fold(a): fold(c) for a, c in _CITY_ALIASES.items()}


def city_names() -> dict[str, str]:
    """Every known city and city alias (as written, e.g. "São Paulo", "NYC") -> its display name."""
    table, aliases = _cities()
    out = {name: name for name, _ in table.values()}
    out.update({a: table[fold(c)][0] for a, c in _CITY_ALIASES.items()})
    return out


def resolve_city(text: str | None, *, fuzzy: bool = True) -> Match | None:
    """A city -> ``Match`` whose value is the city's country code and name the city's display name
    ("paris" -> FR/"Paris", "NYC" -> US/"New York", "Sao Paulo" -> BR/"São Paulo")."""
    if not text or not text.strip():
        return None
    table, aliases = _cities()
    raw = text.strip()
    key = fold(raw)
    how = "exact"
    if key in aliases and not (len(raw) == 2 and not raw.isupper()):
        key, how = aliases[key], "alias"
    if key not in table and fuzzy:
        found = fuzzy_values(key, {k: k for k in table})
        if len(found) == 1:
            key, how = found[0], "fuzzy"
    if key not in table:
        return None
    name, code = table[key]
    return Match(code, name, how, raw)  # type: ignore[arg-type]
