"""Canonical vocabularies for discovery filters, and "did you mean" suggestions.

Marketers type "France", "fr", "UK", "insta", "skin care" or "Frnace"; the database stores
ISO codes, lower-case platform names and lower-case niches. Every filter value goes
through a ``resolve_*`` function here: a known value (or alias) comes back canonical, an
unknown one raises ``ToolError`` with the closest matches, so a typo never turns into a
silently empty search.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from memory.models.common import Platform
from memory.tiers import TIERS
from tools.base import ToolError

# ISO 3166-1 alpha-2 codes with their English short names.
_COUNTRY_TABLE = """
AD Andorra|AE United Arab Emirates|AF Afghanistan|AG Antigua and Barbuda|AL Albania|AM Armenia|AO Angola|AR Argentina|
AT Austria|AU Australia|AZ Azerbaijan|BA Bosnia and Herzegovina|BB Barbados|BD Bangladesh|BE Belgium|BF Burkina Faso|
BG Bulgaria|BH Bahrain|BI Burundi|BJ Benin|BN Brunei|BO Bolivia|BR Brazil|BS Bahamas|BT Bhutan|BW Botswana|BY Belarus|
BZ Belize|CA Canada|CD DR Congo|CF Central African Republic|CG Congo|CH Switzerland|CI Ivory Coast|CL Chile|CM Cameroon|
CN China|CO Colombia|CR Costa Rica|CU Cuba|CV Cape Verde|CY Cyprus|CZ Czechia|DE Germany|DJ Djibouti|DK Denmark|
DM Dominica|DO Dominican Republic|DZ Algeria|EC Ecuador|EE Estonia|EG Egypt|ER Eritrea|ES Spain|ET Ethiopia|FI Finland|
FJ Fiji|FR France|GA Gabon|GB United Kingdom|GD Grenada|GE Georgia|GH Ghana|GM Gambia|GN Guinea|GQ Equatorial Guinea|
GR Greece|GT Guatemala|GW Guinea-Bissau|GY Guyana|HK Hong Kong|HN Honduras|HR Croatia|HT Haiti|HU Hungary|ID Indonesia|
IE Ireland|IL Israel|IN India|IQ Iraq|IR Iran|IS Iceland|IT Italy|JM Jamaica|JO Jordan|JP Japan|KE Kenya|KG Kyrgyzstan|
KH Cambodia|KM Comoros|KN Saint Kitts and Nevis|KP North Korea|KR South Korea|KW Kuwait|KZ Kazakhstan|LA Laos|LB Lebanon|
LC Saint Lucia|LI Liechtenstein|LK Sri Lanka|LR Liberia|LS Lesotho|LT Lithuania|LU Luxembourg|LV Latvia|LY Libya|
MA Morocco|MC Monaco|MD Moldova|ME Montenegro|MG Madagascar|MK North Macedonia|ML Mali|MM Myanmar|MN Mongolia|MO Macao|
MR Mauritania|MT Malta|MU Mauritius|MV Maldives|MW Malawi|MX Mexico|MY Malaysia|MZ Mozambique|NA Namibia|NE Niger|
NG Nigeria|NI Nicaragua|NL Netherlands|NO Norway|NP Nepal|NZ New Zealand|OM Oman|PA Panama|PE Peru|PG Papua New Guinea|
PH Philippines|PK Pakistan|PL Poland|PR Puerto Rico|PS Palestine|PT Portugal|PY Paraguay|QA Qatar|RO Romania|RS Serbia|
RU Russia|RW Rwanda|SA Saudi Arabia|SC Seychelles|SD Sudan|SE Sweden|SG Singapore|SI Slovenia|SK Slovakia|SL Sierra Leone|
SM San Marino|SN Senegal|SO Somalia|SR Suriname|SS South Sudan|SV El Salvador|SY Syria|SZ Eswatini|TD Chad|TG Togo|
TH Thailand|TJ Tajikistan|TL Timor-Leste|TM Turkmenistan|TN Tunisia|TR Turkey|TT Trinidad and Tobago|TW Taiwan|
TZ Tanzania|UA Ukraine|UG Uganda|US United States|UY Uruguay|UZ Uzbekistan|VA Vatican City|VE Venezuela|VN Vietnam|
YE Yemen|ZA South Africa|ZM Zambia|ZW Zimbabwe
"""
COUNTRIES: dict[str, str] = {
    part.strip()[:2]: part.strip()[3:] for part in _COUNTRY_TABLE.replace("\n", "").split("|") if part.strip()
}
"""ISO code → English name."""

_COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "usa": "US", "u.s.": "US", "u.s.a.": "US", "united states of america": "US", "america": "US", "the us": "US",
    "korea": "KR", "republic of korea": "KR", "holland": "NL", "the netherlands": "NL", "czech republic": "CZ",
    "uae": "AE", "emirates": "AE", "russian federation": "RU", "turkiye": "TR", "türkiye": "TR",
    "cote d'ivoire": "CI", "côte d'ivoire": "CI", "viet nam": "VN", "deutschland": "DE", "españa": "ES",
    "espana": "ES", "italia": "IT", "brasil": "BR", "méxico": "MX", "suisse": "CH", "schweiz": "CH",
    "österreich": "AT", "belgique": "BE", "belgië": "BE", "polska": "PL", "nippon": "JP",
}

# ISO 639-1 codes with English names (the languages creators actually publish in).
LANGUAGES: dict[str, str] = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan", "cs": "Czech",
    "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian",
    "fa": "Persian", "fi": "Finnish", "fil": "Filipino", "fr": "French", "ga": "Irish", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "is": "Icelandic", "it": "Italian",
    "ja": "Japanese", "ka": "Georgian", "kk": "Kazakh", "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian",
    "mk": "Macedonian", "ml": "Malayalam", "mr": "Marathi", "ms": "Malay", "mt": "Maltese", "nl": "Dutch",
    "no": "Norwegian", "pa": "Punjabi", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili",
    "ta": "Tamil", "te": "Telugu", "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}
_LANGUAGE_ALIASES: dict[str, str] = {
    "farsi": "fa", "mandarin": "zh", "cantonese": "zh", "brazilian portuguese": "pt", "castilian": "es",
    "flemish": "nl", "bahasa": "id", "bahasa indonesia": "id", "norsk": "no", "deutsch": "de", "français": "fr",
    "francais": "fr", "español": "es", "espanol": "es", "italiano": "it", "português": "pt", "portugues": "pt",
}

PLATFORMS: list[str] = [p.value for p in Platform]
_PLATFORM_ALIASES: dict[str, str] = {
    "ig": "instagram", "insta": "instagram", "instagram reels": "instagram", "reels": "instagram",
    "tt": "tiktok", "tik tok": "tiktok", "yt": "youtube", "you tube": "youtube", "youtube shorts": "youtube",
    "twitter": "x", "x.com": "x", "x (twitter)": "x", "fb": "facebook", "meta": "facebook", "linked in": "linkedin",
    "li": "linkedin", "substack": "blog", "medium": "blog", "newsletter": "blog", "website": "blog",
    "podcasts": "podcast", "spotify": "podcast", "apple podcasts": "podcast", "snap": "snapchat",
}

NICHES: list[str] = [
    "art", "automotive", "beauty", "books", "business", "comedy", "cooking", "crypto", "cycling", "dermatology",
    "diy", "education", "entertainment", "family", "fashion", "finance", "fitness", "food", "gaming", "health",
    "home decor", "investing", "law", "lifestyle", "luxury", "makeup", "marketing", "medicine", "mental health",
    "music", "nutrition", "outdoors", "parenting", "pets", "photography", "real estate", "running", "science",
    "skincare", "sports", "sustainability", "tech", "travel", "wellness", "yoga",
]
"""Well-known niches; a workspace may also use its own (whatever its creators are tagged with)."""

_NICHE_ALIASES: dict[str, str] = {
    "skin care": "skincare", "skin": "skincare", "make-up": "makeup", "make up": "makeup", "cosmetics": "beauty",
    "technology": "tech", "gadgets": "tech", "video games": "gaming", "games": "gaming", "esports": "gaming",
    "personal finance": "finance", "money": "finance", "food & drink": "food", "foodie": "food", "recipes": "cooking",
    "baking": "cooking", "gym": "fitness", "workout": "fitness", "mom": "parenting", "moms": "parenting",
    "mommy": "parenting", "interior design": "home decor", "interiors": "home decor", "home": "home decor",
    "eco": "sustainability", "green living": "sustainability", "medical": "medicine", "doctor": "medicine",
    "dermatologist": "dermatology", "derm": "dermatology", "style": "fashion", "travelling": "travel",
    "traveling": "travel", "crypto currency": "crypto", "cryptocurrency": "crypto", "web3": "crypto",
    "stocks": "investing", "pet": "pets", "dogs": "pets", "cats": "pets",
}


def _key(text: str) -> str:
    return " ".join(text.strip().lower().split())


def squash(text: str) -> str:
    """Lower-case letters and digits only: "Home & Decor" and "home decor" compare equal."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def close_matches(value: str, candidates: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to ``n`` candidates that look like ``value`` (difflib ratio ≥ ``cutoff``), comparing
    case-insensitively and also with spaces and punctuation removed ("skn care" ~ "skincare")."""
    cands = list(dict.fromkeys(candidates))
    squash = {re.sub(r"[^a-z0-9]", "", c.lower()): c for c in cands}
    key = value.strip().lower()
    found = difflib.get_close_matches(key, [c.lower() for c in cands], n=n, cutoff=cutoff)
    by_lower = {c.lower(): c for c in cands}
    out = [by_lower[f] for f in found]
    for f in difflib.get_close_matches(re.sub(r"[^a-z0-9]", "", key), list(squash), n=n, cutoff=cutoff):
        if squash[f] not in out:
            out.append(squash[f])
    return out[:n]


def did_you_mean(options: list[str]) -> str:
    if not options:
        return ""
    if len(options) == 1:
        return f" — did you mean {options[0]}?"
    return " — did you mean " + ", ".join(options[:-1]) + f" or {options[-1]}?"


def country_label(code: str | None) -> str:
    """"FR" → "France (FR)"; unknown codes are returned as they are."""
    if not code:
        return "unknown country"
    name = COUNTRIES.get(code.upper())
    return f"{name} ({code.upper()})" if name else code


def resolve_country(value: str) -> str:
    """A country name, alias or ISO code → the ISO 3166-1 alpha-2 code (``ToolError`` with
    suggestions when unknown: "unknown country 'Frnace' — did you mean France (FR)?")."""
    key = _key(value)
    if len(key) == 2 and key.upper() in COUNTRIES:
        return key.upper()
    if key in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[key]
    by_name = {name.lower(): code for code, name in COUNTRIES.items()}
    if key in by_name:
        return by_name[key]
    names = list(COUNTRIES.values()) + [a.title() for a in _COUNTRY_ALIASES]
    options: list[str] = []
    for m in close_matches(value, names):
        code = by_name.get(m.lower()) or _COUNTRY_ALIASES.get(m.lower())
        label = country_label(code)
        if code and label not in options:
            options.append(label)
    raise ToolError(f"unknown country {value!r}{did_you_mean(options)} (use a country name or ISO code such as FR)")


def language_label(code: str | None) -> str:
    if not code:
        return "unknown language"
    name = LANGUAGES.get(code.lower())
    return f"{name} ({code.lower()})" if name else code


def resolve_language(value: str) -> str:
    """A language name, alias or ISO 639-1 code → the code ("French" → "fr")."""
    key = _key(value)
    if key in LANGUAGES:
        return key
    if key in _LANGUAGE_ALIASES:
        return _LANGUAGE_ALIASES[key]
    by_name = {name.lower(): code for code, name in LANGUAGES.items()}
    if key in by_name:
        return by_name[key]
    options = [language_label(by_name[m.lower()]) for m in close_matches(value, list(LANGUAGES.values()))]
    raise ToolError(f"unknown language {value!r}{did_you_mean(options)} (use a language name or ISO code such as fr)")


def resolve_platform(value: str) -> str:
    """A platform name or alias → the stored platform ("IG" → "instagram", "Twitter" → "x")."""
    key = _key(value).lstrip("@")
    if key in PLATFORMS:
        return key
    if key in _PLATFORM_ALIASES:
        return _PLATFORM_ALIASES[key]
    options = close_matches(value, PLATFORMS + list(_PLATFORM_ALIASES))
    canon = list(dict.fromkeys(_PLATFORM_ALIASES.get(o, o) for o in options))
    raise ToolError(f"unknown platform {value!r}{did_you_mean(canon)} (platforms: {', '.join(PLATFORMS)})")


def tier_ranges_text(cutoffs: dict[str, int] | None = None) -> str:
    """"nano 1K–10K, micro 10K–100K, ..." for the cut-offs in force."""
    from memory.tiers import followers_range

    def k(n: int) -> str:
        return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else (f"{n // 1000}K" if n >= 1000 else str(n))

    parts = []
    for t in TIERS:
        lo, hi = followers_range(t, cutoffs)
        parts.append(f"{t} {k(lo)}+" if hi is None else (f"{t} <{k(hi)}" if lo == 0 else f"{t} {k(lo)}–{k(hi)}"))
    return ", ".join(parts)


def resolve_tier(value: str, cutoffs: dict[str, int] | None = None) -> str:
    """A tier name → canonical ("Micro" → "micro"; "micro-influencers" → "micro")."""
    key = _key(value)
    key = re.sub(r"[\s-]*(influencers?|creators?|tier)$", "", key).strip()
    aliases = {"celeb": "celebrity", "celebrities": "celebrity", "mega-influencer": "mega", "micros": "micro",
               "nanos": "nano", "macros": "macro"}
    if key in TIERS:
        return key
    if key in aliases:
        return aliases[key]
    # "mid-tier" has no fixed meaning: offer the two tiers people usually mean by it.
    options = ["micro", "macro"] if key.startswith("mid") else close_matches(key, TIERS)
    raise ToolError(f"unknown tier {value!r}{did_you_mean(options)} (tiers: {tier_ranges_text(cutoffs)})")


def normalize_niche(value: str) -> str:
    """Lower-case, single-spaced, with common aliases mapped ("Skin Care" → "skincare")."""
    key = _key(value)
    return _NICHE_ALIASES.get(key, key)


def resolve_niche(value: str, known: Iterable[str]) -> str:
    """A niche → canonical form, if it is a well-known niche or one the workspace uses
    (``known``); otherwise ``ToolError`` with close matches ("unknown niche 'skn care' — did
    you mean skincare?")."""
    key = normalize_niche(value)
    pool = list(dict.fromkeys([*known, *NICHES]))
    if key in pool:
        return key
    options = close_matches(key, pool + list(_NICHE_ALIASES))
    canon = list(dict.fromkeys(_NICHE_ALIASES.get(o, o) for o in options))
    raise ToolError(f"unknown niche {value!r}{did_you_mean(canon)}")


def suggest(value: str, known: Iterable[str], what: str) -> ToolError:
    """A ``ToolError`` for an unknown ``what`` (brand, campaign, handle) with close matches."""
    return ToolError(f"unknown {what} {value!r}{did_you_mean(close_matches(value, known))}")
