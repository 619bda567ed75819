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
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from memory.domain import campaigns, languages, niches, people, places
from memory.domain.analytics import DORMANT_DAYS
from memory.domain.credibility import CREDIBLE_MIN
from memory.domain.money import Money, find_money
from memory.domain.numbers import WORD_NUMBERS, parse_number, parse_rate
from memory.domain.platforms import PROSE_WORDS, platform_label, resolve_platform
from memory.models.common import CreatorKind

# --- vocabularies ---------------------------------------------------------------------------------
# Used to *recognise* words in free text. The tools own validation: anything they reject comes
# back as a tool error (with close matches) that the planner shows to the user.

# Upper-case two-letter tokens that are usually English words or jargon, not countries.
_CODE_STOPLIST = {"IN", "AT", "IS", "OR", "ME", "NO", "TO", "BE", "AM", "AS", "SO", "GO", "DO", "HI", "MY", "AI",
                  "PR", "TV", "IT", "ID", "AD", "IG", "YT", "FB", "TT", "ER", "OK", "US_", "CO", "MA", "SA", "PH",
                  "PM", "GP", "MD", "CV", "PS", "MS", "TM", "RE", "BS", "CC", "VA", "BY", "UM"}
_CODE_ALIASES = {"UK": "GB"}
# Country names that are as often a person, a food or a US state: read as a country only after
# "in"/"from" (see _extract_unknown_place), never anywhere in a sentence.
_PLACE_NAME_STOPLIST = {"chad", "tchad", "jordan", "georgia", "jersey", "guernsey", "guinea", "maurice", "dominica",
                          "roc", "niue", "guam", "georgian", "maroc"}
# Language names too short or too common to read in running text.
_LANGUAGE_NAME_STOPLIST = {"ido", "ewe", "twi", "lao", "tonga", "kongo", "sango", "manx", "venda", "interlingue", "volapük"}
# Demo/common city names that are ordinary words elsewhere.
_CITY_STOPLIST = {"salvador", "cali", "la", "sf", "kl", "bali", "lima", "santiago", "washington", "portland", "phoenix"}



@cache
def _country_words() -> tuple[dict[str, str], dict[str, str]]:
    """(name -> code, demonym -> code) for running text, from memory.domain.places."""
    names, demonyms = places.country_words()
    return ({n: c for n, c in names.items() if n not in _PLACE_NAME_STOPLIST},
            {d: c for d, c in demonyms.items() if d not in _PLACE_NAME_STOPLIST})


@cache
def _language_words() -> dict[str, str]:
    """Language name -> ISO 639-1 code for running text ("<Name>-speaking", "in <Name>")."""
    out = {n.lower(): code for n, code in languages.language_words().items()}
    return {n: c for n, c in out.items() if len(n) > 3 and n not in _LANGUAGE_NAME_STOPLIST}


@cache
def _city_words() -> dict[str, str]:
    """City (lower case, also without accents) -> display name, from memory.domain.places."""
    out: dict[str, str] = {}
    for written, display in places.city_names().items():
        for key in (written.lower(), fold_accents(written.lower())):
            if key not in _CITY_STOPLIST:
                out.setdefault(key, display)
    return out


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(places.country_codes())


def fold_accents(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


# platform -> regex fragments naming it in running text (memory.domain.platforms owns the nicknames;
# "on X" and "on Threads" are recognised by _extract_platforms itself)
PLATFORM_WORDS: dict[str, tuple[str, ...]] = {p: tuple(re.escape(w) for w in words) for p, words in PROSE_WORDS.items()}

TIERS = ("nano", "micro", "macro", "mega", "celebrity")



def phrase_pattern(phrase: str) -> str:
    """A vocabulary phrase as a regex fragment: spaces and hyphens interchangeable or dropped
    ("skin care" ~ "skincare", "skin-care"), and the plural implied ("moms", "authorities")."""
    words = [re.escape(w) for w in re.split(r"[ -]+", phrase.lower()) if w]
    body = r"[ -]?".join(words)
    if phrase.endswith("y") and not phrase.endswith(("ey", "ay", "oy")):
        return body[:-1] + "(?:y|ies)"
    return body + ("" if phrase.endswith(("s", ".")) or not phrase[-1].isalpha() else "s?")


# canonical niche -> regex fragments that mean it in running text (memory.domain.niches owns the words).
NICHE_SYNONYMS: dict[str, tuple[str, ...]] = {
    n: tuple(phrase_pattern(p) for p in (n, *niches.SYNONYMS.get(n, ()))) for n in niches.NICHES
}
NICHE_EXPANDS: dict[str, tuple[str, ...]] = niches.EXPANDS
_NICHES = NICHE_SYNONYMS

# credential -> regex of the words that name it (memory.domain.people owns the words).
CREDENTIAL_WORDS: dict[str, str] = {
    cred: "|".join(phrase_pattern(w) for w in words) for cred, words in people.CREDENTIALS.items()
}
CREDENTIAL_KEYWORDS: dict[str, tuple[str, ...]] = people.CREDENTIAL_KEYWORDS
# goal -> regex of the phrases that name it (memory.domain.campaigns owns the words).
GOALS: dict[str, str] = {
    g: "|".join(phrase_pattern(p) for p in (g.replace("_", " "), *campaigns.GOAL_SYNONYMS.get(g, ())))
    for g in campaigns.GOALS
}
_KOL_WORDS = "|".join(phrase_pattern(w) for w in people.KIND_SYNONYMS[CreatorKind.kol])

ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5, "5th": 5,
    "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "tenth": 10, "10th": 10,
}

# --- helpers --------------------------------------------------------------------------------------

_NUM = r"\d+(?:[.,]\d+)*(?:\s?(?:k|m|mm|thousand|million|mio))?"
_NUM_K = r"\d+(?:[.,]\d+)?\s?(?:k|m|thousand|million)\b"


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
    unused: list[str] = field(default_factory=list)  # conditions understood but not searchable ("since 2019"): say them back

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
    m = re.search(rf"\b{verbs}\s+(?P<x>.+?)(?=\s{{3,}}|\s+(?:who|that|with|in|on|from|based|sorted|sort|and who|biggest|by|top)\b|[,;?!]|\.(?:\s|$)|$)", w.low)
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
    """The number written before "%"/"percent", as a fraction (the core's rate rule)."""
    return round(parse_rate(f"{s}%", max_value=None) or 0.0, 6)


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
    # ("audience in India or Brazil": every country named; "Indian audience" / "mostly Indian
    # followers": the demonym form). These are audience_countries, never creator countries.
    m = re.search(
        rf"(?:{_AUDIENCE}\s+(?:is\s+|are\s+)?|(?:followers|followership)\s+(?:is\s+|are\s+)?(?=(?:mostly|mainly|largely|primarily|based|located)\b))"
        r"(?:mostly\s+|mainly\s+|largely\s+|primarily\s+)?(?:based\s+|located\s+)?(?:in|from)\s+(?:the\s+)?(?P<c>[a-z.\s]+?)(?=\s+(?:who|that|with|and|or|on|in|from|sorted|by)\b|[,;?!/]|\.(?:\s|$)|$)",
        w.low,
    )
    if m:
        code = resolve_country(w.orig(m, "c").strip())
        if code:
            codes = [code, *_more_countries(w, m.end(), resolve_country)]
            out.filters["audience_countries"] = list(dict.fromkeys(codes))
            w.consume(m)
            return
    adjs = _country_words()[1]
    adj_alt = _alts(list(adjs))
    m = re.search(
        rf"\b(?:(?:mostly|mainly|largely|primarily|predominantly)\s+)?(?P<a>{adj_alt})(?:\s*(?:,|or|and|/)\s*(?P<b>{adj_alt}))?"
        rf"\s+(?:{_AUDIENCE}|followers|followership|fans)\b",
        w.low,
    )
    if m:
        out.filters["audience_countries"] = list(dict.fromkeys(adjs[g] for g in (m.group("a"), m.group("b")) if g))
        w.consume(m)


_AUDIENCE = r"(?:audiences?|audiance|audeince|audince|audienc)"


def _more_countries(w: _Work, pos: int, resolve_country: Any) -> list[str]:
    """Countries listed after the first one ("in India, Brazil or Mexico"), consumed."""
    names = _country_words()[0]
    pat = re.compile(rf"\s*(?:,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+|\s*/\s*)(?:the\s+)?(?P<c>{_alts([re.escape(n) for n in names])})\b")
    found: list[str] = []
    while (m := pat.match(w.low, pos)) is not None:
        code = resolve_country(m.group("c"))
        if not code:
            break
        found.append(code)
        w.consume(m)
        pos = m.end()
    return found


# --- activity, growth and time conditions ----------------------------------------------------------
# Typo-tolerant words: "actve", "dormat", "grwoing", "psoted", "lst".
_POSTED = r"(?:posted|posting|posts?|postd|psoted|poated|uploaded|uploading|uploads?|published|publishing)"
_ACTIVE = r"(?:active|actve|acitve|activ|actvie)"
_DORMANT = r"(?:dormant|dormat|dormnt|dorment|inactive|inactve|inacitve|in-active|not active(?: anymore| any more)?)"
_GROW = r"(?:growing|grwoing|growng|gorwing|groing|growth|grows|grew|grow)"
_LAST = r"(?:last|lst|past|previous|prior)"
_VAGUE = r"(?:a\s+few|a\s+couple\s+of|couple\s+of|few|several)"
_UNIT_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "wk": 7, "wks": 7, "month": 30, "months": 30, "mo": 30, "mos": 30,
              "year": 365, "years": 365}
_UNIT = r"(?P<u>days?|weeks?|wks?|months?|mos?|years?)"
_MONTH_NAMES = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
                r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
FAST_GROWTH = 0.05
"""“fast growing” = at least +5% followers in 30 days (about three times a typical month's growth)."""
GROWING = 0.01
"""“growing” = at least +1% followers in 30 days."""


def _days(number: str | None, unit: str) -> int | None:
    """Days in "(N) days|weeks|months|years" (a missing N is one, "a couple of" two; "a few" is no number)."""
    raw = (number or "").strip()
    if raw in ("", "a", "an", "one"):
        n = 1
    elif re.fullmatch(r"(?:a\s+)?couple\s+of", raw):
        n = 2
    elif re.fullmatch(_VAGUE, raw):
        return None
    else:
        value = parse_number(raw)
        if value is None or value <= 0 or value != int(value):
            return None
        n = int(value)
    return n * _UNIT_DAYS[unit]


def _window(prefix: str) -> str:
    words = _alts(list(WORD_NUMBERS))
    return (rf"{prefix}(?:with)?in\s+(?:the\s+)?{_LAST}\s+(?:(?P<n>\d{{1,3}}|{words}|{_VAGUE}|a|an)\s+)?{_UNIT}\b"
            rf"|{prefix}(?:during|over|for)\s+(?:the\s+)?{_LAST}\s+(?:(?P<n2>\d{{1,3}}|{words})\s+)?(?P<u2>days?|weeks?|wks?|months?|mos?|years?)\b")


def _days_of(m: re.Match[str]) -> int | None:
    """Days of the window a ``_window`` (or "for N months") match names."""
    groups = m.groupdict()
    for n, u in (("n", "u"), ("n2", "u2"), ("n3", "u3")):
        if groups.get(u):
            return _days(groups.get(n), groups[u])
    return None


def _unused(w: _Work, out: Parsed, m: re.Match[str], group: int | str = 0) -> None:
    phrase = " ".join(w.orig(m, group).split())
    if phrase and phrase not in out.unused:
        out.unused.append(phrase)
    w.consume(m, group)


def _extract_activity(w: _Work, out: Parsed) -> None:
    """Posting activity: "posted in the last 30 days" / "active in the last 2 weeks" /
    "posted this month" -> posted_within_days; "active creators only" -> active_only;
    "dormant" / "inactive" / "haven't posted in 3 months" -> dormant_only. A window that
    does not match a filter exactly ("haven't posted in 6 months") is said back, not guessed."""
    # "haven't posted in (the last) 3 months": dormant means exactly "no post in 90 days"
    neg = rf"\b(?:(?:have|has)n'?t|have\s+not|has\s+not|not|no|without(?:\s+any)?|did\s*n'?t)\s+(?:been\s+)?(?:{_POSTED}|{_ACTIVE}|any\s+posts?)\s+"
    m = re.search(_window(neg) + rf"|{neg}(?:for|in)\s+(?P<n3>\d{{1,3}}|{_alts(list(WORD_NUMBERS))}|{_VAGUE}|a|an)\s+(?P<u3>days?|weeks?|months?|years?)\b", w.low)
    if m:
        days = _days_of(m)
        if days == DORMANT_DAYS:
            out.filters["dormant_only"] = True
            w.consume(m)
        else:
            _unused(w, out, m)
    m = re.search(rf"\b(?:{_DORMANT})(?:\s+(?:ones|accounts|for\s+(?:a\s+while|months)))?\b|\b(?:gone|went|going)\s+quiet\b|\bstopped\s+posting\b|\bno\s+longer\s+(?:posting|{_ACTIVE})\b", w.low)
    if m:
        out.filters["dormant_only"] = True
        w.consume(m)
    verb = rf"\b(?:(?:who|that|which)\s+)?(?:(?:have|has|'ve)\s+)?(?:been\s+)?(?:{_POSTED}|{_ACTIVE})(?:\s+(?:at\s+least\s+)?once)?\s+"
    m = re.search(_window(verb), w.low)
    if not m and re.search(r"\b(?:posted|posting|postd|psoted|uploaded|uploading|published|publishing)\b", w.original.lower()):
        # "posted about skincare in the last 30 days": the verb is further back (the topic took it)
        m = re.search(_window(r"\b"), w.low)
    if m:
        days = _days_of(m)
        if days:
            out.filters["posted_within_days"] = days
            w.consume(m)
        else:
            _unused(w, out, m)
    else:
        m = re.search(rf"\b(?:{_POSTED}|{_ACTIVE})\s+(?P<when>this\s+(?:week|month|year)|today|in\s+the\s+last\s+24\s+hours|recently)\b"
                      rf"|\brecently\s+{_POSTED}\b", w.low)
        if m:
            when = " ".join((m.group("when") or "recently").split())
            days = {"this week": 7, "this month": 30, "this year": 365, "today": 1, "in the last 24 hours": 1, "recently": 30}[when]
            out.filters["posted_within_days"] = days
            if when.startswith(("this ", "recently")):
                out.notes.append(f"“{w.orig(m).strip()}” read as posted in the last {days} days")
            w.consume(m)
    nouns = r"ones|creators?|influencers?|kols?|accounts?|profiles?|people|youtubers?|tiktokers?|instagrammers?|bloggers?|podcasters?|streamers?"
    m = re.search(
        rf"\b(?:only\s+(?:the\s+)?{_ACTIVE}(?:\s+(?:{nouns}))?|{_ACTIVE}\s+(?:{nouns})\s+only|{_ACTIVE}[- ]only"
        rf"|(?:still|currently)\s+{_ACTIVE}|(?<!most )(?<!least )(?<!recently ){_ACTIVE}(?=\s+(?:[a-z&'-]+\s+){{0,3}}?(?:{nouns})\b))\b",
        w.low,
    )
    if m and "posted_within_days" not in out.filters and "dormant_only" not in out.filters:
        out.filters["active_only"] = True
        w.consume(m)


def _extract_growth(w: _Work, out: Parsed) -> None:
    """Follower growth over 30 days: "growing more than 10% a month" -> min_growth_30d_pct 0.1;
    "fast growing" -> FAST_GROWTH (said in a note). Growth over another period is said back."""
    num = r"(?P<p>\d{1,3}(?:[.,]\d+)?)\s?%\+?"
    per = (r"(?P<per>(?:a|per|each|every|/)\s?(?:month|mo|week|wk|year|yr|quarter|day)|monthly|weekly|yearly|annually|daily"
           rf"|(?:last|this)\s+(?:month|week|year)|(?:in|over|during)\s+(?:the\s+)?(?:{_LAST}\s+)?(?:\d{{1,3}}\s+)?(?:days?|weeks?|months?|years?|quarter|month|week|year))")
    cmp = r"(?:(?:by\s+)?(?:more\s+than|over|above|at\s+least|>=?|≥|of\s+at\s+least|of|by)\s*)?"
    m = re.search(rf"\b(?:followers?\s+)?{_GROW}(?:\s+rate)?\s+(?:is\s+)?{cmp}{num}(?:\s+or\s+more)?(?:\s+{per})?", w.low) or re.search(
        rf"\b{num}(?:\s+or\s+more)?\s+(?:(?P<per2>monthly|weekly|yearly|a month|per month)\s+)?(?:follower\s+)?{_GROW}\b(?:\s+{per})?", w.low
    )
    if m:
        period = " ".join((m.group("per") or m.groupdict().get("per2") or "").split())
        monthly = not period or re.fullmatch(
            rf"(?:a|per|each|every|/)\s?(?:month|mo)|monthly|last month|this month|(?:in|over|during) (?:the )?(?:{_LAST} )?(?:30 days|month|1 month)",
            period,
        )
        if monthly:
            value = _pct(m.group("p"))
            out.filters["min_growth_30d_pct"] = value
            if not period:
                out.notes.append(f"growth of {m.group('p')}% read as follower growth over 30 days")
            w.consume(m)
        else:
            _unused(w, out, m)
        return
    m = re.search(rf"\b(?:fast(?:est)?|rapidly|quickly|quick|fast-)[- ]?{_GROW}\b|\b{_GROW}\s+(?:fast|quickly|rapidly)\b|\bhigh[- ]growth\b", w.low)
    if m:
        out.filters["min_growth_30d_pct"] = FAST_GROWTH
        out.notes.append(f"“{w.orig(m).strip()}” read as follower growth of at least {FAST_GROWTH:.0%} in 30 days")
        w.consume(m)
        return
    m = re.search(r"\bgrowing(?=\s+(?:[a-z&'-]+\s+){0,2}?(?:creators?|influencers?|accounts?|kols?|channels?|youtubers?|tiktokers?)\b)"
                  r"|\b(?:that|who)\s+(?:are|is)\s+(?:still\s+)?growing\b|\bgrowing\s+(?:audiences?|following|followers|fan\s?base)\b", w.low)
    if m:
        out.filters["min_growth_30d_pct"] = GROWING
        out.notes.append(f"“growing” read as follower growth of at least {GROWING:.0%} in 30 days")
        w.consume(m)


def _extract_credibility(w: _Work, out: Parsed) -> None:
    """Audience credibility (memory.domain.credibility, a heuristic): "credibility above 70"
    -> min_credibility 70; "only credible ones", "credible creators", "no fake followers" ->
    CREDIBLE_MIN (said in a note)."""
    m = re.search(r"\b(?:audience\s+)?credibility(?:\s+score)?\s+(?:is\s+|of\s+)?(?:(?:more\s+than|over|above|at\s+least|"
                  r"of\s+at\s+least|>=?|≥)\s*)?(?P<n>\d{1,3})(?:\s*/\s*100)?(?:\s+or\s+(?:more|above|higher))?\b", w.low)
    if m and int(m.group("n")) <= 100:
        out.filters["min_credibility"] = int(m.group("n"))
        w.consume(m)
        return
    m = re.search(r"\b(?:only\s+|just\s+)?(?:the\s+)?credible(?:\s+ones?)?\b|\b(?:with\s+)?(?:no|without|zero)\s+(?:fake|bought|bot)"
                  r"\s+(?:followers?|audiences?|engagement)\b|\b(?:with\s+)?(?:a\s+)?(?:high|good)\s+(?:audience\s+)?credibility\b",
                  w.low)
    if m:
        out.filters["min_credibility"] = CREDIBLE_MIN
        out.notes.append(f"“{w.orig(m).strip()}” read as audience credibility of at least {CREDIBLE_MIN}/100 (heuristic)")
        w.consume(m)


def _extract_unmapped_time(w: _Work, out: Parsed) -> None:
    """Time conditions no filter expresses ("since 2019", "in 2024", "before March", "in the
    last 30 days" with no posting verb): consumed and kept in ``unused`` to be said back."""
    # a year, not a number of followers ("from 2000 to 5000 followers")
    year = r"(?:19|20)\d{2}(?![\d.,]|\s*(?:k\b|m\b|%|\+|followers|subs|subscribers|fans|-|–|to\s+\d|and\s+\d))"
    pats = [
        rf"\b(?:since|before|after|until|till|prior\s+to|as\s+of|from)\s+(?:(?:early|late|mid)[- ])?(?:{year}|{_MONTH_NAMES}(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?:,?\s+{year})?|{_LAST}\s+(?:week|month|year|summer|winter|spring|fall|autumn|quarter|christmas)|yesterday|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)\b",
        rf"\b(?:in|during)\s+(?:(?:early|late|mid)[- ])?{year}\b",
        rf"\b(?:in|during)\s+{_MONTH_NAMES}\b(?:\s+{year})?",
        r"\b(?:this|last|past)\s+(?:year|summer|winter|spring|fall|autumn|quarter)\b",
        _window(r"\b"),
    ]
    for pat in pats:
        for m in list(re.finditer(pat, w.low)):
            if not w.low[m.start() : m.end()].strip():
                continue
            if pat is pats[2] and m.group(0).strip().endswith("may") and w.orig(m)[-3:] != "May":
                continue
            _unused(w, out, m)


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
    s = re.sub(r"^the\s+", "", s.strip().strip("."), flags=re.IGNORECASE)
    match = places.resolve_country(s, fuzzy=False, cities=False)
    return match.value if match else None


def country_code(name: str) -> str | None:
    """'France' / 'french' / 'FR' / 'UK' -> ISO 3166-1 alpha-2 code, else None."""
    return _resolve_country_name(name)


def _extract_languages(w: _Work, out: Parsed) -> None:
    names = _language_words()
    alt = _alts([re.escape(n) for n in names])
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
    cities = _city_words()
    city_alt = _alts([re.escape(c) for c in cities])
    m = re.search(rf"\b(?:in|from|based in|around|near)\s+(?P<c>{city_alt})\b|\b(?P<c2>{city_alt})[- ]based\b", w.low)
    if m:
        key = m.group("c") or m.group("c2")
        out.filters["city"] = cities.get(key) or w.orig(m, "c" if m.group("c") else "c2").title()
        w.consume(m)
    name_map, adj_map = _country_words()
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
        if code not in _country_codes():
            continue
        preceded = re.search(r"\b(?:in|from|and|or|,)\s*$", w.original[: m.start()])
        if code in _CODE_STOPLIST and not preceded:
            continue
        countries.append(code)
        w.consume(m)
    if countries:
        out.filters["countries"] = list(dict.fromkeys(countries))


def _extract_platforms(w: _Work, out: Parsed) -> None:
    found: list[tuple[int, str]] = []  # (position, platform): listed in the order written
    for platform, words in PLATFORM_WORDS.items():
        pats = list(words)
        if platform == "x":
            # "on X" only (the bare letter is too common)
            m = re.search(r"(?<!\w)on\s+x\b(?!\s*\d)", w.low)
            if m:
                found.append((m.start(), "x"))
                w.consume(m)
        if platform == "threads":
            m = re.search(r"\bon\s+threads\b", w.low)
            if m:
                found.append((m.start(), "threads"))
                w.consume(m)
            continue
        if not pats:
            continue
        for m in list(re.finditer(rf"(?<![\w@.#])(?:{_alts(pats)})(?![\w])", w.low)):
            if platform == "instagram" and m.group(0) == "ig" and w.orig(m) not in ("IG", "Ig", "ig"):
                continue
            found.append((m.start(), platform))
            w.consume(m)
    if found:
        out.filters["platforms"] = list(dict.fromkeys(p for _, p in sorted(found)))


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
    m = re.search(rf"\b(?:{_KOL_WORDS})\b", w.low)
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
        # lower case "from brazill": a typo within one edit of a country is passed on like "in Frnace",
        # so the tool asks "did you mean Brazil?" instead of the country being dropped silently
        for lm in re.finditer(r"\b(?:in|from|based in|located in)\s+(?P<p>[a-z][a-z'’-]{3,})\b", w.low):
            guess = places.resolve_country(lm.group("p"), fuzzy=True, cities=False)
            if guess is not None and guess.how == "fuzzy":
                out.unknown_place = w.orig(lm, "p")
                out.filters["countries"] = [*out.filters.get("countries", []), out.unknown_place]
                w.consume(lm, "p")
                return
        return
    place = m.group("p").strip(" .,")
    if place.lower() in _NOT_PLACES or re.fullmatch(r"Q[1-4]|H[12]|[A-Z]{3}", place):
        return
    known = places.resolve_country(place, fuzzy=False, cities=False)
    if known is not None:  # a country named only after "in" ("in Chad", "from Georgia")
        out.filters["countries"] = list(dict.fromkeys([*out.filters.get("countries", []), known.value]))
        w.consume(m, "p")
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
    _extract_growth(w, out)
    _extract_credibility(w, out)
    _extract_activity(w, out)
    _extract_unmapped_time(w, out)
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
    _guard_negations(text, out)
    # words of conditions no filter expresses ("since 2019") still count as not understood
    rest = w.low + " " + " ".join(out.unused).lower()
    out.leftover = [t for t in re.findall(r"[^\W\d_][\w'’-]*", rest) if t not in _FILLER and not t.startswith("@")]
    out.more = is_more_request(text)
    return out


# --- negation: never search for what the user excluded ----------------------------------------------

_NEGATION = re.compile(
    r"(?:\bnot|n't|\b(?:are|is|do|does|wo|ca)nt|\bnever|\bexcluding|\bexclude|\bexcept(?:\s+for)?|\bother\s+than|\boutside(?:\s+of)?|\bapart\s+from"
    r"|\bwithout|\bno|\bnon)[\s-]+(?:(?:be\s+)?(?:from|in|on|based\s+in|speaking|posting\s+on|active\s+on|the)\s+)*"
    r"(?P<obj>[a-z][\w.'-]*(?:\s+[a-z][\w.'-]*){0,5})", re.IGNORECASE)


def _negated_values(phrase: str) -> dict[str, tuple[str, str]]:
    """What a negated phrase names, by filter key and value, with its label and the words that
    named it: "france and germany" -> countries FR (France, "france"), DE (Germany, "germany")."""
    found: dict[str, tuple[str, str]] = {}
    for item in re.split(r"\s*(?:,|\bor\b|\band\b|\bnor\b)\s*", phrase.lower()):
        words = item.split()
        for n in range(min(3, len(words)), 0, -1):
            cand = " ".join(words[:n])
            country = _resolve_country_name(cand)
            platform = resolve_platform(cand)
            language = _language_words().get(cand)
            niche = niches.resolve_niche(cand, fuzzy=False)
            tier = next((t for t in TIERS if re.fullmatch(rf"{t}s?|{t}[- ](?:influencers?|creators?)", cand)), None)
            for key, value, label in (
                    ("tiers", tier, tier or ""),
                    ("countries", country, places.country_name(country) if country else ""),
                    ("platforms", platform, platform_label(platform) if platform else ""),
                    ("languages", language, languages.language_name(language) if language else ""),
                    ("niches_any", niche.value if niche else None, niche.value if niche else "")):
                if value:
                    found[f"{key}:{value}"] = (label, cand)
            if any((country, platform, language, niche, tier)):
                break
    return found


def _guard_negations(text: str, out: Parsed) -> None:
    """Search has no exclusion filters yet: a value the request negates ("not from the US",
    "excluding France", "aren't on LinkedIn", "non-English") is taken out of the filters and
    said back, so the search never looks for the very thing excluded."""
    for m in _NEGATION.finditer(text):
        hits = _negated_values(m.group("obj"))
        removed, said = [], []
        for tag, (word, cand) in hits.items():
            key, value = tag.split(":", 1)
            for k in ((key, "niches_all") if key == "niches_any" else (key,)):
                values = out.filters.get(k)
                if isinstance(values, list) and value in values:
                    values.remove(value)
                    if not values:
                        del out.filters[k]
                    removed.append(word)
                    said.append(cand)
        for k in ("niches_any", "niches_all"):  # "non-English" left a bare "non-" guessed as a niche
            if isinstance(out.filters.get(k), list):
                out.filters[k] = [v for v in out.filters[k] if not v.endswith("-") and v not in ("non", "not")]
                if not out.filters[k]:
                    del out.filters[k]
        if removed:
            phrase = (text[m.start():m.start("obj")] + " and ".join(dict.fromkeys(said))).strip()
            kept = any(out.filters.get(tag.split(":", 1)[0]) for tag in hits)
            out.notes.append(f"I can't exclude yet, so I searched without “{phrase}”" + (
                "" if kept else " — these results may include " + " or ".join(dict.fromkeys(removed))))


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


def find_amount(text: str, default_currency: str = "USD") -> Money | None:
    """The amount in the user's words, read by the one money parser (memory.domain.money): an
    amount with a currency anywhere ("€2,5k", "1.500,50 EUR", "20k USD"), else a plain number
    right after "budget (of|is|:)" ("a budget of 8000", currency not ``explicit``). A malformed
    amount ("-500 EUR", "€500 USD") raises ``MoneyError``."""
    money = find_money(text, default_currency)
    if money is not None:
        return money
    m = re.search(r"\bbudget\s*(?:of\s+|is\s+|:\s*|=\s*|around\s+|about\s+)?", text, re.I)
    if m:
        rest = text[m.end():]
        money = find_money(rest, default_currency, bare=True)
        if money is not None and rest.lstrip().startswith(money.text):
            return money
    return None


def money_arg(money: Money | None) -> dict[str, str | None] | None:
    """A tool's ``{amount, currency}`` object; an unsaid currency is left to the tool's default
    (the collaboration's, the campaign's or the workspace's)."""
    if money is None:
        return None
    return {"amount": str(money.amount), "currency": money.currency if money.explicit else None}


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
