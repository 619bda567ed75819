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

from memory.domain import languages, niches, places, platforms
from memory.tiers import TIERS
from tools.base import ToolError

PLATFORMS: list[str] = list(platforms.PLATFORMS)

NICHES: list[str] = list(niches.NICHES)
"""Well-known niches (memory.domain.niches); a workspace may also use its own."""


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
    return places.country_label(code)


def resolve_country(value: str) -> str:
    """A country name, alias, demonym, city or ISO code → the ISO 3166-1 alpha-2 code
    (memory.domain.places); ``ToolError`` with suggestions when unknown: "unknown country
    'Frnace' — did you mean France (FR)?"."""
    match = places.resolve_country(value, fuzzy=False)  # a typo is asked about, never searched silently
    if match is not None:
        return match.value
    options = [places.country_label(c) for c in places.suggest_country(value)]
    raise ToolError(f"unknown country {value!r}{did_you_mean(options)} (use a country name or ISO code such as FR)")


def language_label(code: str | None) -> str:
    return languages.language_label(code)


def resolve_language(value: str) -> str:
    """A language name, alias or ISO code → the ISO 639-1 code ("French" → "fr"; memory.domain.languages)."""
    match = languages.resolve_language(value, fuzzy=False)
    if match is not None:
        return match.value
    options = [languages.language_label(c) for c in languages.suggest_language(value)]
    raise ToolError(f"unknown language {value!r}{did_you_mean(options)} (use a language name or ISO code such as fr)")


def resolve_platform(value: str) -> str:
    """A platform name or nickname (memory.domain.platforms) → the stored platform ("IG" →
    "instagram", "Twitter" → "x"); unknown ones raise ToolError with close matches."""
    found = platforms.resolve_platform(value)
    if found is not None:
        return found
    options = close_matches(value, list(platforms.NICKNAMES))
    canon = list(dict.fromkeys(platforms.NICKNAMES[o] for o in options))
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
    return niches.normalize_niche(value)


def resolve_niche(value: str, known: Iterable[str]) -> str:
    """A niche → canonical form, if it is a well-known niche or one the workspace uses
    (``known``); otherwise ``ToolError`` with close matches ("unknown niche 'skn care' — did
    you mean skincare?")."""
    key = normalize_niche(value)
    pool = list(dict.fromkeys([*known, *NICHES]))
    if key in pool:
        return key
    canon = list(dict.fromkeys([*niches.suggest_niche(key, pool), *close_matches(key, pool)]))[:3]
    raise ToolError(f"unknown niche {value!r}{did_you_mean(canon)}")


def suggest(value: str, known: Iterable[str], what: str) -> ToolError:
    """A ``ToolError`` for an unknown ``what`` (brand, campaign, handle) with close matches."""
    return ToolError(f"unknown {what} {value!r}{did_you_mean(close_matches(value, known))}")
