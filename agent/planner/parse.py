"""Entity extraction from a marketer's plain-English request.

Everything here is pure (text in, values out) so it is cheap to test and shared by every
intent: follower and engagement ranges, tiers, platforms, countries / cities / languages,
niches, influencer vs KOL and credentials, audience filters, e-mail, brand affinity,
collaboration history, campaign exclusion, topics, sort order, limits, pagination, money,
campaign goals and years.

Extraction works on a *working copy* of the text: each extractor blanks out the span it
consumed, so "audience in Germany" is not also read as a creator country, and "ER above
3%" is not also read as a follower count. The result carries ``notes``: interpretations
worth telling the user ("mid-tier read as 50K–500K followers"), so nothing is guessed
silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

# --- vocabularies ---------------------------------------------------------------------------------
# Used to *recognise* words in free text. The tools own validation: anything they reject comes
# back as a tool error (with close matches) that the planner shows to the user.

# ISO code -> (names, adjectives/demonyms)
_COUNTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "FR": (("france",), ("french",)),
    "DE": (("germany", "deutschland"), ("german",)),
    "ES": (("spain", "españa"), ("spanish",)),
    "IT": (("italy", "italia"), ("italian",)),
    "PT": (("portugal",), ("portuguese",)),
    "NL": (("netherlands", "the netherlands", "holland"), ("dutch",)),
    "BE": (("belgium",), ("belgian",)),
    "CH": (("switzerland",), ("swiss",)),
    "AT": (("austria",), ("austrian",)),
    "GB": (("united kingdom", "uk", "u.k.", "great britain", "britain", "england", "scotland", "wales"), ("british", "english", "scottish", "welsh")),
    "IE": (("ireland",), ("irish",)),
    "US": (("united states", "usa", "u.s.", "u.s.a.", "america", "the states", "the us"), ("american",)),
    "CA": (("canada",), ("canadian",)),
    "MX": (("mexico",), ("mexican",)),
    "BR": (("brazil", "brasil"), ("brazilian",)),
    "AR": (("argentina",), ("argentinian", "argentine")),
    "CL": (("chile",), ("chilean",)),
    "CO": (("colombia",), ("colombian",)),
    "SE": (("sweden",), ("swedish",)),
    "NO": (("norway",), ("norwegian",)),
    "DK": (("denmark",), ("danish",)),
    "FI": (("finland",), ("finnish",)),
    "PL": (("poland",), ("polish",)),
    "CZ": (("czech republic", "czechia"), ("czech",)),
    "GR": (("greece",), ("greek",)),
    "TR": (("turkey", "türkiye"), ("turkish",)),
    "RO": (("romania",), ("romanian",)),
    "HU": (("hungary",), ("hungarian",)),
    "UA": (("ukraine",), ("ukrainian",)),
    "RU": (("russia",), ("russian",)),
    "IL": (("israel",), ("israeli",)),
    "AE": (("united arab emirates", "uae", "emirates"), ("emirati",)),
    "SA": (("saudi arabia",), ("saudi",)),
    "EG": (("egypt",), ("egyptian",)),
    "MA": (("morocco",), ("moroccan",)),
    "ZA": (("south africa",), ("south african",)),
    "NG": (("nigeria",), ("nigerian",)),
    "KE": (("kenya",), ("kenyan",)),
    "IN": (("india",), ("indian",)),
    "CN": (("china",), ("chinese",)),
    "JP": (("japan",), ("japanese",)),
    "KR": (("south korea", "korea"), ("korean", "south korean")),
    "SG": (("singapore",), ("singaporean",)),
    "ID": (("indonesia",), ("indonesian",)),
    "TH": (("thailand",), ("thai",)),
    "VN": (("vietnam", "viet nam"), ("vietnamese",)),
    "PH": (("philippines", "the philippines"), ("filipino", "philippine")),
    "MY": (("malaysia",), ("malaysian",)),
    "AU": (("australia",), ("australian", "aussie")),
    "NZ": (("new zealand",), ("kiwi",)),
}
# Upper-case two-letter tokens that are usually English words or jargon, not countries.
_CODE_STOPLIST = {"IN", "AT", "IS", "OR", "ME", "NO", "TO", "BE", "AM", "AS", "SO", "GO", "DO", "HI", "MY", "AI",
                  "PR", "TV", "IT", "ID", "AD", "IG", "YT", "FB", "TT", "ER", "OK", "US_", "CO", "MA", "SA", "PH"}
_CODE_ALIASES = {"UK": "GB"}

# ISO 639-1 -> names (the name also works as "<Name>-speaking" / "in <Name>").
_LANGUAGES: dict[str, tuple[str, ...]] = {
    "en": ("english",), "fr": ("french",), "de": ("german",), "es": ("spanish",), "it": ("italian",),
    "pt": ("portuguese",), "nl": ("dutch", "flemish"), "sv": ("swedish",), "da": ("danish",),
    "no": ("norwegian",), "fi": ("finnish",), "pl": ("polish",), "cs": ("czech",), "el": ("greek",),
    "tr": ("turkish",), "ro": ("romanian",), "hu": ("hungarian",), "uk": ("ukrainian",), "ru": ("russian",),
    "ar": ("arabic",), "he": ("hebrew",), "hi": ("hindi",), "zh": ("chinese", "mandarin"), "ja": ("japanese",),
    "ko": ("korean",), "id": ("indonesian",), "th": ("thai",), "vi": ("vietnamese",),
}

# City -> ISO country (recognised after "in"/"from"/"based in", or as "<City>-based").
_CITIES: dict[str, str] = {
    "paris": "FR", "lyon": "FR", "marseille": "FR", "bordeaux": "FR", "nice": "FR", "lille": "FR", "toulouse": "FR",
    "nantes": "FR", "berlin": "DE", "munich": "DE", "hamburg": "DE", "cologne": "DE", "frankfurt": "DE",
    "london": "GB", "manchester": "GB", "birmingham": "GB", "edinburgh": "GB", "glasgow": "GB", "madrid": "ES",
    "barcelona": "ES", "valencia": "ES", "seville": "ES", "milan": "IT", "rome": "IT", "naples": "IT",
    "turin": "IT", "florence": "IT", "amsterdam": "NL", "rotterdam": "NL", "brussels": "BE", "antwerp": "BE",
    "lisbon": "PT", "porto": "PT", "vienna": "AT", "zurich": "CH", "geneva": "CH", "stockholm": "SE",
    "copenhagen": "DK", "oslo": "NO", "helsinki": "FI", "warsaw": "PL", "prague": "CZ", "dublin": "IE",
    "athens": "GR", "istanbul": "TR", "new york": "US", "nyc": "US", "los angeles": "US", "san francisco": "US",
    "chicago": "US", "miami": "US", "austin": "US", "seattle": "US", "boston": "US", "toronto": "CA",
    "montreal": "CA", "vancouver": "CA", "mexico city": "MX", "são paulo": "BR", "sao paulo": "BR",
    "rio de janeiro": "BR", "buenos aires": "AR", "sydney": "AU", "melbourne": "AU", "tokyo": "JP",
    "seoul": "KR", "singapore": "SG", "dubai": "AE", "mumbai": "IN", "delhi": "IN", "bangalore": "IN",
    "lagos": "NG", "cape town": "ZA", "tel aviv": "IL",
}
_CITY_DISPLAY = {"nyc": "New York", "sao paulo": "São Paulo"}


def _add_known_cities() -> None:
    """Also recognise the cities the demo/synthetic data uses (a broad, international list)."""
    try:
        from memory.seed.vocab import COUNTRIES
    except ImportError:
        return
    for country in COUNTRIES:
        for city in country.cities:
            key = city.lower()
            if key not in _CITIES and key not in ("salvador", "cali", "nice"):
                _CITIES[key] = country.code
                _CITY_DISPLAY.setdefault(key, city)


_add_known_cities()

PLATFORM_WORDS: dict[str, tuple[str, ...]] = {
    "instagram": ("instagram", "insta", "ig", "instagrammers?", "reels"),
    "tiktok": ("tiktok", "tik tok", "tiktokers?", "tik-tok"),
    "youtube": ("youtube", "yt", "youtubers?", "vloggers?", "youtube channels?"),
    "linkedin": ("linkedin",),
    "facebook": ("facebook", "fb"),
    "x": ("twitter", "tweeters?", "x/twitter", "x \\(twitter\\)"),
    "podcast": ("podcasts?", "podcasters?"),
    "blog": ("blogs?", "bloggers?"),
    "twitch": ("twitch", "streamers?"),
    "pinterest": ("pinterest",),
    "threads": (),  # only "on Threads" (the word is common otherwise)
    "snapchat": ("snapchat",),
}

TIERS = ("nano", "micro", "macro", "mega", "celebrity")

# canonical niche -> phrases (regex fragments, lower case) that mean it. Canonical names follow
# tools.discovery.vocab.NICHES; its aliases are added at import (see _niche_table).
NICHE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "skincare": ("skin ?care", "skin-care", "skincare"),
    "beauty": ("beauty", "cosmetics?"),
    "makeup": ("make ?up artists?", "make ?up", "make-up", "mua"),
    "fashion": ("fashion", "style", "streetwear", "ootd"),
    "fitness": ("fitness", "gym", "workouts?", "bodybuilding", "crossfit", "strength training"),
    "yoga": ("yoga",),
    "running": ("running", "runners?", "marathons?"),
    "cycling": ("cycling", "cyclists?", "bikes?"),
    "wellness": ("wellness", "well-being", "wellbeing", "self-care", "mindfulness"),
    "mental health": ("mental health",),
    "health": ("health", "healthcare"),
    "medicine": ("medicine", "medical"),
    "nutrition": ("nutrition", "diet", "healthy eating"),
    "food": ("food", "foodies?", "culinary", "restaurants?"),
    "cooking": ("cooking", "recipes?", "baking", "chefs?"),
    "travel": ("travel", "travell?ers?", "tourism"),
    "lifestyle": ("lifestyle",),
    "parenting": ("parenting", "parents?", "moms?", "mums?", "mommy", "dads?"),
    "family": ("family", "families"),
    "gaming": ("gaming", "gamers?", "esports", "video games?"),
    "tech": ("tech", "technology", "gadgets?", "consumer electronics"),
    "finance": ("finance", "personal finance", "money", "financial"),
    "fintech": ("fintech",),
    "investing": ("investing", "investment", "stocks", "investors?"),
    "crypto": ("crypto", "cryptocurrency", "web3", "bitcoin"),
    "business": ("business", "entrepreneurs?", "entrepreneurship", "startups?", "b2b"),
    "marketing": ("marketing",),
    "dermatology": ("dermatology",),
    "sustainability": ("sustainability", "sustainable", "eco", "eco-friendly", "zero waste", "green living"),
    "home decor": ("home decor", "interiors?", "interior design", "decor", "home"),
    "diy": ("diy", "crafts?"),
    "pets": ("pets?", "dogs?", "cats?"),
    "sports": ("sports?", "football", "soccer", "basketball", "tennis"),
    "outdoors": ("outdoors?", "hiking", "camping"),
    "music": ("music", "musicians?"),
    "education": ("education", "edtech", "teachers?"),
    "science": ("science",),
    "books": ("books?", "booktok", "bookstagram", "reading"),
    "real estate": ("real estate", "property"),
    "law": ("law", "legal"),
    "comedy": ("comedy", "humou?r", "comedians?"),
    "photography": ("photography", "photographers?"),
    "art": ("art", "artists?", "illustration"),
    "automotive": ("automotive", "cars?"),
    "luxury": ("luxury",),
    "entertainment": ("entertainment",),
}
# A niche word that should also match a broader niche ("makeup creators" are beauty creators too).
NICHE_EXPANDS: dict[str, tuple[str, ...]] = {"makeup": ("beauty",)}


def _niche_table() -> dict[str, tuple[str, ...]]:
    table = {k: tuple(v) for k, v in NICHE_SYNONYMS.items()}
    try:
        from tools.discovery import vocab
    except ImportError:  # discovery not installed: the built-in table still works
        return table
    for niche in getattr(vocab, "NICHES", []):
        if niche not in table and niche not in ("skin",):
            table[niche] = (re.escape(niche),)
    for alias, canon in getattr(vocab, "_NICHE_ALIASES", {}).items():
        if alias in ("skin", "doctor", "dermatologist", "derm", "home"):
            continue  # words that mean a KOL credential or are too vague on their own
        if canon in table and not any(re.fullmatch(p, alias) for p in table[canon]):
            table[canon] = (*table[canon], re.escape(alias))
    return table


# credential words -> (credential stored on creators, plural/variants regex)
CREDENTIAL_WORDS: dict[str, str] = {
    "dermatologist": r"dermatologists?|derms?",
    "doctor": r"doctors?|physicians?|m\.?d\.?s\b|medical doctors?|gps?",
    "nutritionist": r"nutritionists?",
    "dietitian": r"dietitians?|dieticians?",
    "pharmacist": r"pharmacists?",
    "cosmetic chemist": r"cosmetic chemists?|chemists?",
    "psychologist": r"psychologists?|therapists?",
    "dentist": r"dentists?",
    "pediatrician": r"pediatricians?|paediatricians?",
    "analyst": r"analysts?",
    "economist": r"economists?",
    "researcher": r"researchers?",
    "scientist": r"scientists?",
    "professor": r"professors?|academics?",
    "founder": r"founders?|ceos?|executives?",
    "engineer": r"engineers?",
    "certified trainer": r"personal trainers?|certified trainers?",
}

_NICHES = _niche_table()

# What to look for in credentials/bios for each credential word (the tool matches any keyword).
CREDENTIAL_KEYWORDS: dict[str, tuple[str, ...]] = {
    "doctor": ("doctor", "physician"),
    "dietitian": ("dietitian", "dietician"),
    "psychologist": ("psychologist", "therapist"),
    "pediatrician": ("pediatrician", "paediatrician"),
    "founder": ("founder", "ceo"),
}

GOALS: dict[str, str] = {
    "awareness": r"awareness|reach|visibility|exposure|buzz",
    "consideration": r"consideration|engagement campaign|traffic",
    "conversions": r"conversions?|sales|performance|drive (?:purchases|sales)|acquisition",
    "credibility": r"credibility|trust|authority|expert endorsement",
    "education": r"educat(?:e|ion|ional)|explain",
    "launch": r"launch(?:es|ing)?|new product",
    "young_audience": r"gen ?z|young(?:er)? (?:audiences?|people)|digital natives|youth",
}

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50,
}
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5,
    "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "tenth": 10, "10th": 10,
}

# --- helpers --------------------------------------------------------------------------------------

_NUM = r"\d+(?:[.,]\d+)*(?:\s?(?:k|m|mm|thousand|million|mio))?"
_NUM_K = r"\d+(?:[.,]\d+)?\s?(?:k|m|thousand|million)\b"


def parse_number(s: str) -> float | None:
    """'50k' -> 50000, '1.5M' -> 1500000, '1,000,000' -> 1e6, '12' -> 12, 'ten' -> 10."""
    s = s.strip().lower().replace("\u00a0", " ")
    if s in WORD_NUMBERS:
        return float(WORD_NUMBERS[s])
    m = re.fullmatch(r"(\d+(?:[.,]\d+)*)\s?(k|m|mm|thousand|million|mio)?", s)
    if not m:
        return None
    digits, suffix = m.group(1), m.group(2)
    # "1,000" / "1.000" are thousands separators; "1.5" / "2,5" are decimals.
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits):
        value = float(re.sub(r"[.,]", "", digits))
    else:
        value = float(digits.replace(",", "."))
    mult = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6, "mio": 1e6}.get(suffix or "", 1)
    return value * mult


def human_number(n: float | int | None) -> str:
    """45200 -> '45.2K', 1_500_000 -> '1.5M' (for replies)."""
    if n is None:
        return "—"
    n = float(n)
    for div, suffix in ((1e6, "M"), (1e3, "K")):
        if abs(n) >= div:
            v = n / div
            return (f"{v:.1f}".rstrip("0").rstrip(".")) + suffix
    return f"{int(n)}"


def _alts(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


class _Work:
    """The text being parsed, with consumed spans blanked out (same length, so offsets hold)."""

    def __init__(self, text: str) -> None:
        self.original = text
        # char-wise so offsets stay aligned with the original (a few characters lengthen in .lower())
        self.low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)

    def consume(self, m: re.Match[str], group: int | str = 0) -> None:
        start, end = m.span(group)
        self.low = self.low[:start] + " " * (end - start) + self.low[end:]

    def orig(self, m: re.Match[str], group: int | str = 0) -> str:
        start, end = m.span(group)
        return self.original[start:end]


@dataclass
class Parsed:
    """What a request says. ``filters`` are ``search_creators`` arguments."""

    filters: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    creators_noun: bool = False
    more: bool = False
    unknown_place: str | None = None
    leftover: list[str] = field(default_factory=list)
    guessed_niches: list[str] = field(default_factory=list)  # words only assumed to be niches

    def has_filters(self) -> bool:
        return bool({k: v for k, v in self.filters.items() if k not in ("limit", "offset", "sort")})


# --- extractors -----------------------------------------------------------------------------------


def _extract_campaign(w: _Work, out: Parsed) -> None:
    pats = [
        r"\b(?:not|isn'?t|aren'?t|who are not|that are not)\s+(?:already\s+|yet\s+)?(?:in|on|part of|added to)\s+(?:the\s+)?campaign\s+[\"'“]?(?P<name>[^\"'”,.;?!]+?)[\"'”]?(?=\s+(?:who|that|with|and|on|in|sorted|sort|by)\b|[,.;?!]|$)",
        r"\b(?:not|isn'?t|aren'?t)\s+(?:already\s+|yet\s+)?(?:in|on|part of|added to)\s+(?:the\s+)?[\"'“]?(?P<name>[^\"'”,.;?!]+?)[\"'”]?\s+campaign\b",
        r"\bexclud(?:e|ing)\s+(?:those\s+|creators\s+|the ones\s+)?(?:already\s+)?(?:in\s+)?(?:the\s+)?campaign\s+[\"'“]?(?P<name>[^\"'”,.;?!]+?)[\"'”]?(?=\s+(?:who|that|with|and|on|in|sorted|sort|by)\b|[,.;?!]|$)",
        r"\bnot\s+(?:already\s+|yet\s+)?in\s+[\"'“](?P<name>[^\"'”]+)[\"'”]",
    ]
    for pat in pats:
        m = re.search(pat, w.low)
        if m:
            name = w.orig(m, "name").strip()
            if name:
                out.filters["exclude_campaign"] = name
                w.consume(m)
            return


def _extract_collaboration(w: _Work, out: Parsed) -> None:
    m = re.search(
        r"\b(?:we(?:'ve| have)? never (?:worked|collaborated|partnered) with|(?:we )?(?:haven'?t|have not|never) (?:yet )?(?:worked|collaborated|partnered) with(?: before| yet)?|new to us|not worked with(?: before)?|no past (?:collabs?|collaborations?)|never (?:used|contacted)(?: before)?)\b(?:\s+before)?",
        w.low,
    )
    if m:
        out.filters["collaborated"] = False
        w.consume(m)
        return
    m = re.search(
        r"\b(?:who |that |whom )?(?:we(?:'ve| have)?|we already|we've already|we have already)\s+(?:already\s+)?(?:worked|collaborated|partnered)\s+with(?:\s+before|\s+in the past)?\b"
        r"|\b(?:past|previous|existing|former)\s+(?:partners|collaborators|collabs?)\b",
        w.low,
    )
    if m:
        out.filters["collaborated"] = True
        w.consume(m)
        return
    # "worked with Lumière Skin" / "who did campaigns for Nike": a brand collaboration.
    m = re.search(r"\b(?:who |that )?(?:worked|collaborated|partnered|did (?:a )?campaigns?)\s+(?:with|for)\s+(?P<brand>\S.*?)(?=\s+(?:who|that|in|on|with|and|from|sorted|by)\b|[,.;?!]|$)", w.low)
    if m:
        brand = w.orig(m, "brand").strip()
        if brand and brand[0].isupper():
            # a brand we ran campaigns for (the tool checks it against our campaigns)
            out.filters["collaborated"] = _split_names(brand)[0]
            w.consume(m)


def _split_names(s: str) -> list[str]:
    parts = re.split(r"\s*(?:,|\bor\b|\band\b|/)\s*", s)
    return [p.strip(" \"'“”") for p in parts if p.strip(" \"'“”")]


def _extract_brand_or_topic(w: _Work, out: Parsed) -> None:
    verbs = (
        r"(?:who |that |which )?(?:mention(?:s|ed)?|mentioning|tag(?:s|ged)?|tagging|feature(?:s|d)?|featuring|promote(?:s|d)?|promoting"
        r"|talk(?:s|ed)? about|talking about|post(?:s|ed)? about|posting about|speak(?:s)? about|write(?:s)? about|writing about"
        r"|cover(?:s|ed)?|covering|create content about|make content about|make videos about|review(?:s|ed)?|reviewing)"
    )
    m = re.search(rf"\b{verbs}\s+(?P<x>.+?)(?=\s+(?:who|that|with|in|on|from|based|sorted|sort|and who|biggest|by|top)\b|[,;?!]|\.(?:\s|$)|$)", w.low)
    if not m:
        m = re.search(r"\b(?:on the topic of|about the topic|content about|on topics? like)\s+(?P<x>.+?)(?=\s+(?:who|that|with|in|on|from)\b|[,;?!]|\.(?:\s|$)|$)", w.low)
    if not m:
        return
    raw = w.orig(m, "x").strip(" \"'“”")
    if not raw:
        return
    if raw[0].isupper() or raw.lower() in ("brands", "brand"):
        names = _split_names(raw)
        if names:
            out.filters["brands"] = out.filters.get("brands", []) + names
    else:
        out.filters["topic"] = raw.lower()
    w.consume(m)


def _pct(s: str) -> float:
    return round(float(s.replace(",", ".")) / 100.0, 6)


def _extract_audience(w: _Work, out: Parsed, *, resolve_country: Any) -> None:
    low = w.low
    # female share
    m = re.search(r"(?P<p>\d{1,3}(?:[.,]\d+)?)\s?%\+?\s*(?:or more\s+)?(?:female|women)(?:\s+(?:audience|followers|followership))?", low) or re.search(
        r"(?:audience|followers)\s+(?:is\s+|are\s+)?(?:at least|over|above|more than|>=?)\s*(?P<p>\d{1,3}(?:[.,]\d+)?)\s?%\s*(?:female|women)", low
    )
    if m:
        out.filters["audience_female_min"] = _pct(m.group("p"))
        w.consume(m)
    else:
        m = re.search(
            r"(?:(?:audience|followers|followership)\s+(?:is\s+|are\s+|that is\s+)?(?:mostly|mainly|majority|predominantly|primarily|largely)\s+(?:female|women)"
            r"|(?:mostly|mainly|majority|predominantly|primarily|largely)[- ](?:female|women)(?:\s+(?:audience|followers|followership))?"
            r"|(?:a\s+)?(?:female|women)(?:[- ]skewing|[- ]skewed|[- ]heavy)?\s+(?:audience|followers|followership)"
            r"|audience\s+of\s+(?:mostly\s+)?women)",
            low,
        )
        if m:
            out.filters["audience_female_min"] = 0.5
            out.notes.append("“mostly female audience” read as at least 50% female")
            w.consume(m)
    # 18-34 share
    m = re.search(r"(?P<p>\d{1,3}(?:[.,]\d+)?)\s?%\+?\s*(?:of\s+(?:the\s+|their\s+)?audience\s+)?(?:aged\s+)?18\s?[-–to ]+\s?34", w.low)
    if m:
        out.filters["audience_18_34_min"] = _pct(m.group("p"))
        w.consume(m)
    else:
        m = re.search(
            r"(?:young(?:er)?|gen[- ]?z|millennial|youthful)\s+(?:audiences?|followers|followership)"
            r"|(?:audiences?|followers)\s+(?:aged\s+|mostly\s+|mainly\s+)*18\s?[-–]\s?34|18\s?[-–]\s?34\s+(?:audiences?|followers|year[- ]olds)"
            r"|young audience",
            w.low,
        )
        if m:
            out.filters["audience_18_34_min"] = 0.5
            out.notes.append("“young audience” read as at least 50% aged 18–34")
            w.consume(m)
    # audience country
    # "audience in Germany"; but "50k followers in Italy" is about the creator, so "followers"
    # needs a verb or qualifier ("followers are mostly in Germany")
    m = re.search(
        r"(?:audiences?\s+(?:is\s+|are\s+)?|(?:followers|followership)\s+(?:is\s+|are\s+)?(?=(?:mostly|mainly|largely|primarily|based|located)\b))"
        r"(?:mostly\s+|mainly\s+|largely\s+|primarily\s+)?(?:based\s+|located\s+)?(?:in|from)\s+(?:the\s+)?(?P<c>[a-z.\s]+?)(?=\s+(?:who|that|with|and|on|in|from|sorted|by)\b|[,;?!]|\.(?:\s|$)|$)",
        w.low,
    )
    if m:
        code = resolve_country(w.orig(m, "c").strip())
        if code:
            out.filters["audience_country"] = code
            w.consume(m)
            return
    adjs = {adj: code for code, (_, a) in _COUNTRIES.items() for adj in a}
    m = re.search(rf"\b(?P<a>{_alts(list(adjs))})\s+(?:audiences?|followers|followership)\b", w.low)
    if m:
        out.filters["audience_country"] = adjs[m.group("a")]
        w.consume(m)


def _extract_engagement(w: _Work, out: Parsed) -> None:
    er = r"(?:engagement(?:\s+rates?)?|eng\.?\s*rate|\ber\b)"
    num = r"(?P<{0}>\d{{1,3}}(?:[.,]\d+)?)\s?%"
    # ranges: "ER between 2% and 5%", "ER 2-5%", "engagement of 2% to 5%"
    m = re.search(rf"{er}\s+(?:of\s+|is\s+)?(?:between\s+|from\s+)?{num.format('a')}?\s*(?:and|to|-|–)\s*{num.format('b')}", w.low)
    if not m:
        m = re.search(rf"{er}\s+(?:of\s+|is\s+)?(?:between\s+|from\s+)?(?P<a>\d{{1,3}}(?:[.,]\d+)?)\s*(?:and|to|-|–)\s*(?P<b>\d{{1,3}}(?:[.,]\d+)?)\s?%", w.low)
    if m:
        out.filters["engagement_min"], out.filters["engagement_max"] = _pct(m.group("a")), _pct(m.group("b"))
        w.consume(m)
        return
    above = r"(?:above|over|>=?|≥|at least|more than|higher than|greater than|min(?:imum)?(?:\s+of)?|no less than|of at least|starting at|from)"
    below = r"(?:below|under|<=?|≤|at most|less than|lower than|max(?:imum)?(?:\s+of)?|no more than|up to)"
    for direction, word in (("min", above), ("max", below)):
        m = re.search(rf"{er}\s+(?:of\s+|is\s+|that is\s+|rate\s+)?{word}\s*{num.format('p')}", w.low) or re.search(
            rf"{word}\s*{num.format('p')}\s+{er}", w.low
        )
        if m:
            out.filters[f"engagement_{direction}"] = _pct(m.group("p"))
            w.consume(m)
    if "engagement_min" in out.filters or "engagement_max" in out.filters:
        return
    m = re.search(rf"(?P<p>\d{{1,3}}(?:[.,]\d+)?)\s?%\s?\+\s*{er}|{er}\s+(?:of\s+)?(?P<q>\d{{1,3}}(?:[.,]\d+)?)\s?%\s?\+", w.low)
    if m:
        out.filters["engagement_min"] = _pct(m.group("p") or m.group("q"))
        w.consume(m)
        return
    m = re.search(rf"{er}\s+(?:of\s+|is\s+|=\s*)?(?P<p>\d{{1,3}}(?:[.,]\d+)?)\s?%", w.low) or re.search(
        rf"(?P<p>\d{{1,3}}(?:[.,]\d+)?)\s?%\s+{er}", w.low
    )
    if m:
        out.filters["engagement_min"] = _pct(m.group("p"))
        out.notes.append(f"“ER {m.group('p')}%” read as an engagement rate of at least {m.group('p')}%")
        w.consume(m)


def _extract_followers(w: _Work, out: Parsed) -> None:
    fol = r"(?:followers?|subs|subscribers?|fans|audience size|following)"
    cur = r"(?<![$€£¥\d])"
    nk = rf"{cur}(?P<{{0}}>{_NUM})"
    # "between 10k and 100k followers", "10k-100k followers", "from 10k to 100k"
    m = re.search(rf"(?:between|from)\s+{nk.format('a')}\s+(?:and|to|-)\s+{nk.format('b')}(?:\s+{fol})?", w.low) or re.search(
        rf"{nk.format('a')}\s*(?:-|–|to)\s*{nk.format('b')}\s+{fol}", w.low
    )
    if m and _followerish(m, w.low, fol):
        a, b = parse_number(m.group("a")), parse_number(m.group("b"))
        if a is not None and b is not None:
            out.filters["followers_min"], out.filters["followers_max"] = int(min(a, b)), int(max(a, b))
            w.consume(m)
            return
    above = r"(?:over|above|more than|at least|min(?:imum)?(?:\s+of)?|>=?|≥|no less than|bigger than|larger than|greater than|north of)"
    below = r"(?:under|below|less than|at most|max(?:imum)?(?:\s+of)?|<=?|≤|up to|no more than|smaller than|fewer than)"
    for direction, word in (("min", above), ("max", below)):
        m = re.search(rf"\b{word}\s*{nk.format('n')}(?:\s+{fol})?", w.low) or re.search(
            rf"{fol}\s+(?:count\s+)?{word}\s*{nk.format('n')}", w.low
        )
        if m and _followerish(m, w.low, fol):
            v = parse_number(m.group("n"))
            if v is not None:
                out.filters[f"followers_{direction}"] = int(v)
                w.consume(m)
    if "followers_min" in out.filters or "followers_max" in out.filters:
        return
    m = re.search(rf"{nk.format('n')}(?:\s?\+\s*(?:{fol})?|\s+or more\s+{fol})", w.low)
    if m and _followerish(m, w.low, fol):
        v = parse_number(m.group("n"))
        if v is not None:
            out.filters["followers_min"] = int(v)
            w.consume(m)


def _followerish(m: re.Match[str], low: str, fol: str) -> bool:
    """A number is a follower count if 'followers' is said, or it has a K/M suffix and is
    not money or a percentage."""
    text = m.group(0)
    if re.search(fol, text):
        return True
    after = low[m.end() : m.end() + 12]
    if re.match(r"\s*(?:%|percent|usd|eur|gbp|dollars?|euros?|pounds?|budget)", after):
        return False
    before = low[max(0, m.start() - 12) : m.start()]
    if re.search(r"(?:budget|spend|cost|fee|paid|pay|\$|€|£)\s*(?:of\s+)?$", before):
        return False
    return bool(re.search(r"\d\s?(?:k|m|thousand|million)\b", text))


def _extract_limit_sort(w: _Work, out: Parsed) -> None:
    words = _alts(list(WORD_NUMBERS))
    m = re.search(rf"\btop[- ](?P<n>\d{{1,3}}|{words})\b", w.low)
    if not m:
        m = re.search(
            rf"(?<!the )(?<!first )(?<!last )(?<!those )(?<!these )(?<!all )\b(?P<n>\d{{1,3}}|{words})\s+(?:more\s+|other\s+|new\s+)?"
            r"(?:\w+\s+){0,3}?(?:creators|influencers|kols|accounts|profiles|people|results|names|options|experts|candidates|youtubers|tiktokers|bloggers|podcasters|dermatologists|doctors)\b",
            w.low,
        )
        if m and re.search(r"\d\s?(?:k|m)\b", w.low[m.start("n") : m.end("n") + 3]):
            m = None
    if m:
        n = parse_number(m.group("n"))
        if n and 0 < n <= 200:
            out.filters["limit"] = int(n)
            w.consume(m, "n")
    sorts = (
        ("followers", r"biggest|largest|most followers|most popular|by (?:follower(?:s| count)?|audience size|size|reach)|(?:sorted|ordered|sort|order) by (?:follower(?:s| count)?|size)|highest follower count"),
        ("engagement", r"(?:by|on) (?:engagement(?: rate)?|er)\b|(?:highest|best|top|most) (?:engagement|er)\b|most engag(?:ed|ing)|(?:sorted|ordered|sort|order) by (?:engagement|er)\b"),
        ("recency", r"most recent(?:ly active)?|recently active|latest|by recency|(?:sorted|ordered|sort|order) by (?:recent|last post|activity)|most active"),
    )
    for key, pat in sorts:
        m = re.search(rf"\b(?:{pat})(?:\s+first)?\b", w.low)
        if m:
            out.filters["sort"] = key
            w.consume(m)
            break


def _extract_email(w: _Work, out: Parsed) -> None:
    m = re.search(r"\b(?:without|no|missing)\s+(?:an?\s+)?(?:e-?mails?|contact (?:info|details))\b", w.low)
    if m:
        out.filters["has_email"] = False
        w.consume(m)
        return
    m = re.search(
        r"\b(?:with|has|have|having|got)\s+(?:an?\s+)?(?:e-?mail(?: address)?s?|contact (?:info|details|email))\b|\bcontactable\b|\b(?:e-?mail|contact)\s+available\b|\breachable by e-?mail\b",
        w.low,
    )
    if m:
        out.filters["has_email"] = True
        w.consume(m)


def _resolve_country_name(s: str) -> str | None:
    s = s.strip().lower().strip(".")
    s = re.sub(r"^the\s+", "", s)
    for code, (names, adjs) in _COUNTRIES.items():
        if s in names or s in adjs or s == code.lower():
            return code
    if s.upper() in _CODE_ALIASES:
        return _CODE_ALIASES[s.upper()]
    return None


def country_code(name: str) -> str | None:
    """'France' / 'french' / 'FR' / 'UK' -> ISO 3166-1 alpha-2 code, else None."""
    return _resolve_country_name(name)


def _extract_languages(w: _Work, out: Parsed) -> None:
    names = {n: code for code, ns in _LANGUAGES.items() for n in ns}
    alt = _alts(list(names))
    found: list[str] = []
    for m in list(re.finditer(rf"\b(?P<l>{alt})(?:[- ]speaking|[- ]language|[- ]speakers?)\b", w.low)):
        found.append(names[m.group("l")])
        w.consume(m)
    for m in list(re.finditer(
        rf"\b(?:in|speaks?|speaking|post(?:s|ing)? in|create(?:s)? in|creating in|content in|language:?|who speak)\s+(?P<l>{alt})(?:\s+(?:or|and)\s+(?P<l2>{alt}))?\b(?!\s*[- ]?(?:creators|influencers|kols|audience))",
        w.low,
    )):
        found.append(names[m.group("l")])
        if m.group("l2"):
            found.append(names[m.group("l2")])
        w.consume(m)
    if found:
        out.filters["languages"] = list(dict.fromkeys(found))


def _extract_places(w: _Work, out: Parsed) -> None:
    countries: list[str] = []
    # cities first ("in Paris"), so a city is never mistaken for something else
    city_alt = _alts([re.escape(c) for c in _CITIES])
    m = re.search(rf"\b(?:in|from|based in|around|near)\s+(?P<c>{city_alt})\b|\b(?P<c2>{city_alt})[- ]based\b", w.low)
    if m:
        key = m.group("c") or m.group("c2")
        out.filters["city"] = _CITY_DISPLAY.get(key) or w.orig(m, "c" if m.group("c") else "c2").title()
        w.consume(m)
    name_map: dict[str, str] = {}
    adj_map: dict[str, str] = {}
    for code, (names, adjs) in _COUNTRIES.items():
        for n in names:
            name_map[n] = code
        for a in adjs:
            adj_map[a] = code
    for m in list(re.finditer(rf"(?<![\w-])(?P<n>{_alts([re.escape(n) for n in name_map])})(?![\w-])", w.low)):
        name = m.group("n")
        if name == "uk" and w.orig(m, "n") != "UK" and not re.search(r"\b(?:in|from)\s+(?:the\s+)?$", w.low[: m.start()]):
            continue
        countries.append(name_map[name])
        w.consume(m)
    for m in list(re.finditer(rf"\b(?P<a>{_alts(list(adj_map))})\b(?![- ](?:speaking|language|speakers?))", w.low)):
        countries.append(adj_map[m.group("a")])
        w.consume(m)
    # upper-case ISO codes in the original text ("FR", "DE and ES")
    for m in list(re.finditer(r"(?<![\w@.#-])([A-Z]{2})(?![\w-])", w.original)):
        if w.low[m.start() : m.end()].strip() == "":
            continue
        code = _CODE_ALIASES.get(m.group(1), m.group(1))
        if code not in _COUNTRIES:
            continue
        preceded = re.search(r"\b(?:in|from|and|or|,)\s*$", w.original[: m.start()])
        if code in _CODE_STOPLIST and not preceded:
            continue
        countries.append(code)
        w.consume(m)
    if countries:
        out.filters["countries"] = list(dict.fromkeys(countries))


def _extract_platforms(w: _Work, out: Parsed) -> None:
    found: list[str] = []
    for platform, words in PLATFORM_WORDS.items():
        pats = list(words)
        if platform == "x":
            # "on X" only (the bare letter is too common)
            m = re.search(r"(?<!\w)on\s+x\b(?!\s*\d)", w.low)
            if m:
                found.append("x")
                w.consume(m)
        if platform == "threads":
            m = re.search(r"\bon\s+threads\b", w.low)
            if m:
                found.append("threads")
                w.consume(m)
            continue
        if not pats:
            continue
        for m in list(re.finditer(rf"(?<![\w@.#])(?:{_alts(pats)})(?![\w])", w.low)):
            if platform == "instagram" and m.group(0) == "ig" and w.orig(m) not in ("IG", "Ig", "ig"):
                continue
            found.append(platform)
            w.consume(m)
    if found:
        out.filters["platforms"] = list(dict.fromkeys(found))


def _extract_tiers(w: _Work, out: Parsed) -> None:
    found: list[str] = []
    m = re.search(r"\bmid[- ]?(?:tier|size|sized|level|range)\b", w.low)
    if m:
        out.filters["followers_min"] = 50_000
        out.filters["followers_max"] = 500_000
        out.notes.append("“mid-tier” read as 50K–500K followers")
        w.consume(m)
    for m in list(re.finditer(r"\b(?P<t>nano|micro|macro|mega|celebrit(?:y|ies)|celebs?|emerging)(?:[- ]?(?:influencers?|creators?|kols?|tier|level|accounts?))?\b", w.low)):
        t = m.group("t")
        t = "celebrity" if t.startswith("celeb") else t
        found.append(t)
        w.consume(m)
    if found:
        out.filters["tiers"] = list(dict.fromkeys(found))


def _extract_kind(w: _Work, out: Parsed) -> None:
    creds: list[str] = []
    for cred, pat in CREDENTIAL_WORDS.items():
        for m in list(re.finditer(rf"\b(?:board[- ]certified\s+)?(?:{pat})\b", w.low)):
            creds.append(cred)
            w.consume(m)
    if creds:
        out.filters["kind"] = "kol"
        words = list(dict.fromkeys(k for c in creds for k in CREDENTIAL_KEYWORDS.get(c, (c,))))
        out.filters["credentials"] = words[0] if len(words) == 1 else words
        out.creators_noun = True
    m = re.search(r"\b(?:influencers?\s+only|only\s+influencers|not\s+kols?|no\s+kols?|non[- ]kols?|(?:regular|social)\s+influencers)\b", w.low)
    if m:
        out.filters["kind"] = "influencer"
        w.consume(m)
        return
    m = re.search(r"\b(?:kols?|key opinion leaders?|experts?|professionals?|specialists?|thought leaders?|authorit(?:y|ies)|medical voices?)\b", w.low)
    if m:
        out.filters["kind"] = "kol"
        out.creators_noun = True
        w.consume(m)


def _extract_niches(w: _Work, out: Parsed, known: list[str] | None = None) -> None:
    found: list[tuple[int, str]] = []
    # The workspace's own niche names first, exactly as used ("personal finance", "home & decor"),
    # then the synonym table; longest phrases first so "skin care" wins over "care".
    passes = [
        sorted(((re.escape(k.lower()), k.lower()) for k in known or [] if k), key=lambda x: -len(x[0])),
        sorted(((p, niche) for niche, ps in _NICHES.items() for p in ps), key=lambda x: -len(x[0])),
    ]
    for phrases in passes:
        for phrase, niche in phrases:
            for m in list(re.finditer(rf"(?<![\w@.#-])(?:{phrase})(?![\w])", w.low)):
                found.append((m.start(), niche))
                w.consume(m)
    if not found:
        return
    niches = list(dict.fromkeys(n for _, n in sorted(found)))
    for n in list(niches):
        for broader in NICHE_EXPANDS.get(n, ()):
            if broader not in niches:
                niches.append(broader)
    if known:
        niches = adapt_niches(niches, known, out.notes)
    both = re.search(r"\bboth\b|\s\+\s|\bas well as\b", w.low)
    out.filters["niches_all" if both and len(niches) > 1 else "niches_any"] = niches


def _squash(s: str) -> str:
    """"Home & Decor", "home and decor", "home decor" → "homedecor"."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\band\b", "", s.lower()))


def adapt_niches(niches: list[str], known: list[str], notes: list[str] | None = None) -> list[str]:
    """Map canonical niche names to the ones the workspace actually uses: "home decor" →
    "home & decor", "finance" → "personal finance" (noted). Unknown ones stay as they are
    (the tool accepts or rejects them with suggestions)."""
    lower = {k.lower(): k for k in known}
    out: list[str] = []
    for n in niches:
        if n in lower:
            out.append(n)
            continue
        same = [k for k in lower if _squash(k) == _squash(n)]
        if same:
            out.extend(same)
            continue
        wider = sorted(k for k in lower if re.search(rf"\b{re.escape(n)}\b", k))
        if wider:
            out.extend(wider)
            if notes is not None:
                notes.append(f"“{n}” searched as your niche{'s' if len(wider) > 1 else ''} " + ", ".join(wider))
            continue
        out.append(n)
    return list(dict.fromkeys(out))


_NOT_NICHES = set(
    """a an the some any all few many more other new good great best top nice cool real relevant suitable potential possible
    interesting popular famous big bigger biggest small smaller large local female male women men young old similar different
    active engaged quality authentic genuine verified based only just those these them their our my your which what who that
    with for and or of in on from to list get give need want looking look several about like specific certain promising
    rising upcoming trending reliable affordable cheap expensive premium high low show find search me us you such same
    available contactable recent latest top-tier established successful influential known unknown diverse male-led every
    each this these her his their its same said such both either
    female-led other potential fresh more social media content digital online video instagram creators influencers""".split()
)


def _extract_unknown_niche(w: _Work, out: Parsed) -> None:
    """A word right before "creators" that nothing else understood ("haircare creators") is
    most likely a niche: pass it on, so the tool accepts it or answers with close matches,
    instead of silently searching without it."""
    for m in re.finditer(rf"\b(?P<w>[a-z][a-z&'-]{{2,}})\s+(?:{_CREATOR_NOUNS})\b", w.low):
        word = m.group("w")
        if word in _NOT_NICHES or re.fullmatch(rf"(?:{_CREATOR_NOUNS})", word):
            continue
        key = "niches_all" if "niches_all" in out.filters else "niches_any"
        out.filters[key] = [*out.filters.get(key, []), word]
        out.guessed_niches.append(word)
        w.consume(m, "w")


# Words that carry no request of their own: what is left after extraction minus these tells
# how much of a message was understood ("what's the weather in Paris" leaves "weather").
_FILLER = set(
    """a an the and or but if of in on at to for from with without by as is are be been am was were do does did done
    i me my we us our you your it its this that these those them they their he him his she her hers who whom which what
    please pls can could would will should shall may might must let lets let's just only also too now then so ok okay
    hey hi thanks thank some any all each every more most less few other others another same such than very really
    find search show list get give look looking see tell about want need like into up out over under between
    creators creator influencers influencer kols kol accounts account people profiles profile ones one ones results
    result names name list candidates experts expert first second third fourth fifth sixth seventh eighth ninth tenth
    last next top number no nr here there where how when why whats what's who's it's that's there's i'm we're
    new again instead either both based located living live who've we've i'd""".split()
)

_NOT_PLACES = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "the", "my", "our", "your", "their", "this", "that", "it", "eur", "usd", "gbp", "total", "general",
}


def _extract_unknown_place(w: _Work, out: Parsed) -> None:
    """"in Frnace": a capitalised place nothing recognised. It is passed on as a country so
    the tool answers with close matches (or the planner retries it as a city), instead of
    being dropped silently."""
    m = re.search(r"\b(?:in|from|based in|located in)\s+(?P<p>[A-ZÀ-Ý][\w'’.-]*(?:\s+[A-ZÀ-Ý][\w'’.-]*){0,2})", w.original)
    if not m or not w.low[m.start("p") : m.end("p")].strip():
        return
    place = m.group("p").strip(" .,")
    if place.lower() in _NOT_PLACES or re.fullmatch(r"Q[1-4]|H[12]|[A-Z]{3}", place):
        return
    out.unknown_place = place
    out.filters["countries"] = [*out.filters.get("countries", []), place]
    w.consume(m, "p")


_CREATOR_NOUNS = (
    r"creators?|influencers?|kols?|accounts?|profiles?|people|talents?|youtubers?|tiktokers?|instagrammers?|bloggers?|"
    r"podcasters?|streamers?|vloggers?|experts?|doctors?|dermatologists?|ambassadors?|partners?|voices?|names?|candidates?"
)


def parse_filters(text: str, *, known_niches: list[str] | None = None) -> Parsed:
    """Extract ``search_creators`` filters from a request. ``known_niches`` are the niche
    names the workspace uses (recognised as typed, and canonical names mapped onto them).

    >>> parse_filters("find micro beauty creators in France with ER above 3% on Instagram").filters
    {'engagement_min': 0.03, 'countries': ['FR'], 'platforms': ['instagram'], 'tiers': ['micro'], 'niches_any': ['beauty']}
    """
    out = Parsed()
    w = _Work(text)
    out.creators_noun = bool(re.search(rf"\b(?:{_CREATOR_NOUNS})\b", w.low))
    # order matters: the most specific phrases consume their words first
    _extract_campaign(w, out)
    _extract_collaboration(w, out)
    _extract_audience(w, out, resolve_country=_resolve_country_name)
    _extract_brand_or_topic(w, out)
    _extract_engagement(w, out)
    _extract_followers(w, out)
    _extract_limit_sort(w, out)
    _extract_email(w, out)
    _extract_languages(w, out)
    _extract_places(w, out)
    _extract_platforms(w, out)
    _extract_tiers(w, out)
    _extract_kind(w, out)
    _extract_niches(w, out, known_niches)
    _extract_unknown_niche(w, out)
    _extract_unknown_place(w, out)
    out.leftover = [t for t in re.findall(r"[^\W\d_][\w'’-]*", w.low) if t not in _FILLER and not t.startswith("@")]
    out.more = is_more_request(text)
    return out


# --- other entities -------------------------------------------------------------------------------


def is_more_request(text: str) -> bool:
    """'more', 'next page', 'show me more', 'next 10' — a request for the next page of results."""
    t = text.strip().lower().rstrip("!.? ")
    return bool(
        re.fullmatch(
            r"(?:(?:ok|okay|great|thanks|cool|nice)[,!.]?\s+)?(?:please\s+)?(?:show\s+(?:me\s+)?|give\s+me\s+|load\s+|see\s+|get\s+(?:me\s+)?|list\s+)?"
            r"(?:(?:some|a few|\d+)\s+)?(?:more|next(?:\s+page|\s+\d+|\s+ones|\s+results)?|more\s+(?:results|creators|of them|please|like (?:that|this))|the\s+next\s+(?:page|\d+|ones)|another\s+page|keep\s+going|continue)(?:\s+please)?",
            t,
        )
    )


HANDLE_RE = re.compile(r"(?<![\w@])@(?P<h>[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?)")


def parse_handles(text: str) -> list[str]:
    """'@skin.by.sam' mentions in order, normalised (lower case, no @; e-mails ignored)."""
    return list(dict.fromkeys(m.group("h").lower() for m in HANDLE_RE.finditer(text)))


_CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_CURRENCY_WORDS = {
    "usd": "USD", "dollars": "USD", "dollar": "USD", "bucks": "USD", "eur": "EUR", "euros": "EUR", "euro": "EUR",
    "gbp": "GBP", "pounds": "GBP", "pound": "GBP", "chf": "CHF", "sek": "SEK", "cad": "CAD", "aud": "AUD", "jpy": "JPY",
}


@dataclass
class Money:
    amount: Decimal
    currency: str | None


def parse_money(text: str) -> Money | None:
    """'$20,000' / '€50k' / '20k USD' / 'budget of 15000' -> Money (currency None when unsaid)."""
    low = text.lower()
    m = re.search(rf"(?P<sym>[$€£¥])\s?(?P<n>{_NUM})", low)
    if m:
        v = parse_number(m.group("n"))
        if v is not None:
            return Money(Decimal(str(v)).quantize(Decimal("0.01")), _CURRENCY_SYMBOLS[m.group("sym")])
    m = re.search(rf"(?P<n>{_NUM})\s?(?P<cur>{_alts(list(_CURRENCY_WORDS))})\b", low)
    if m:
        v = parse_number(m.group("n"))
        if v is not None:
            return Money(Decimal(str(v)).quantize(Decimal("0.01")), _CURRENCY_WORDS[m.group("cur")])
    m = re.search(rf"\b(?P<cur>usd|eur|gbp|chf)\s?(?P<n>{_NUM})", low)
    if m:
        v = parse_number(m.group("n"))
        if v is not None:
            return Money(Decimal(str(v)).quantize(Decimal("0.01")), _CURRENCY_WORDS[m.group("cur")])
    m = re.search(rf"\bbudget\s+(?:of\s+|is\s+|:\s*|=\s*|around\s+|about\s+)?(?P<n>{_NUM})", low)
    if m:
        v = parse_number(m.group("n"))
        if v is not None:
            return Money(Decimal(str(v)).quantize(Decimal("0.01")), None)
    return None


def parse_goal(text: str) -> str | None:
    """The campaign goal named in the text (awareness, consideration, conversions, credibility, education, launch)."""
    low = text.lower()
    for goal, pat in GOALS.items():
        if re.search(rf"\b(?:{pat})\b", low):
            return goal
    return None


def parse_year(text: str, now: datetime) -> int | None:
    """'last year' -> now.year - 1, 'this year' -> now.year, 'in 2025' -> 2025."""
    low = text.lower()
    if re.search(r"\blast year\b|\bprevious year\b|\bpast year\b", low):
        return now.year - 1
    if re.search(r"\bthis year\b|\bso far this year\b|\bytd\b", low):
        return now.year
    m = re.search(r"\b(20\d{2})\b", low)
    if m:
        return int(m.group(1))
    return None


def word_number(s: str) -> int | None:
    """'three' -> 3, '3' -> 3."""
    v = parse_number(s)
    return int(v) if v is not None and v == int(v) else None
