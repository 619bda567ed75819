"""Languages: ISO 639-1 codes out; English, native and other-language names, ISO 639-2 codes and
locale tags in. Codes come from ISO 639 (``pycountry``), names from CLDR (``babel``); this module
adds only the everyday names those lack ("Mandarin", "Farsi", "Bahasa")."""

from __future__ import annotations

import re
from functools import cache

from memory.domain.matching import Match, add_keys, fold, fuzzy_values, near_values

_ALIASES: dict[str, tuple[str, ...]] = {
    "zh": ("Mandarin", "Cantonese", "Chinese (Simplified)", "Chinese (Traditional)", "Putonghua"),
    "fa": ("Farsi",), "tl": ("Filipino", "Pilipino"), "pt": ("Brazilian Portuguese", "Português"),
    "es": ("Castilian", "Castellano"), "nl": ("Flemish", "Vlaams"), "id": ("Bahasa", "Bahasa Indonesia"),
    "ms": ("Bahasa Melayu",), "hi": ("Hinglish",), "pa": ("Panjabi",), "no": ("Norsk",), "el": ("Ellinika",),
    "uk": ("Ukrainian language",), "sr": ("Srpski",), "he": ("Ivrit",),
}
# Other languages whose CLDR language names are also accepted ("Allemand", "Alemán").
_NAME_LOCALES = ("fr", "de", "es", "it", "pt", "nl")
_TAG_RE = re.compile(r"^([a-z]{2,3})[-_ ][a-z0-9]{2,8}$")


@cache
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(folded English name or code -> code, folded other name -> code, code -> English name)."""
    import pycountry
    from babel import Locale, UnknownLocaleError

    en = Locale("en").languages
    exact: dict[str, str] = {}
    alias: dict[str, str] = {}
    names: dict[str, str] = {}
    for lang in pycountry.languages:
        a2 = getattr(lang, "alpha_2", None)
        if not a2:
            continue
        name = en.get(a2) or re.sub(r"\s*\(.*\)$", "", lang.name)
        names[a2] = name
        exact[a2] = a2
        exact[lang.alpha_3] = a2
        if getattr(lang, "bibliographic", None):
            exact[lang.bibliographic] = a2
        add_keys(exact, (name,), a2)
        add_keys(alias, (lang.name, re.sub(r"\s*\(.*\)$", "", lang.name)), a2)
        try:
            add_keys(alias, (Locale.parse(a2).languages.get(a2),), a2)
        except (UnknownLocaleError, ValueError):
            pass
    for loc in _NAME_LOCALES:
        other = Locale(loc).languages
        for a2 in names:
            add_keys(alias, (other.get(a2),), a2)
    for a2, words in _ALIASES.items():
        for w in words:
            alias[fold(w)] = a2
    return exact, {k: v for k, v in alias.items() if k not in exact}, names


def language_codes() -> list[str]:
    """Every ISO 639-1 code, sorted."""
    return sorted(_tables()[2])


def language_name(code: str | None) -> str:
    """"fr" -> "French"; an unknown code comes back as it is."""
    if not code:
        return ""
    return _tables()[2].get(code.strip().lower(), code)


def language_label(code: str | None) -> str:
    """"fr" -> "French (fr)"; unknown codes come back as they are."""
    if not code:
        return "unknown language"
    name = _tables()[2].get(code.strip().lower())
    return f"{name} ({code.strip().lower()})" if name else code


def language_words() -> dict[str, str]:
    """English names and everyday aliases as written ("French", "Mandarin", "Farsi") -> ISO 639-1 code."""
    out = {name: code for code, name in _tables()[2].items()}
    out.update({w: code for code, words in _ALIASES.items() for w in words if "(" not in w})
    return out


def resolve_language(text: str | None, *, fuzzy: bool = True) -> Match | None:
    """A language name (English, native or another European language's), alias, ISO 639-1/639-2
    code or locale tag -> its ISO 639-1 code, or ``None``: ``"French"``/``"fr"``/``"fra"``/``"fr-CA"``
    (exact), ``"Deutsch"``/``"Mandarin"``/``"Farsi"`` (alias), ``"Frnech"`` (fuzzy: one edit, one fit)."""
    if not text or not text.strip():
        return None
    exact, alias, names = _tables()
    raw = text.strip()
    key = fold(raw)
    if key in exact:
        return Match(exact[key], names[exact[key]], "exact", raw)
    if key in alias:
        return Match(alias[key], names[alias[key]], "alias", raw)
    tag = _TAG_RE.match(raw.casefold())
    if tag and tag[1] in exact:
        return Match(exact[tag[1]], names[exact[tag[1]]], "exact", raw)
    if fuzzy:
        found = fuzzy_values(key, {**exact, **alias})
        if len(found) == 1:
            return Match(found[0], names[found[0]], "fuzzy", raw)
    return None


def suggest_language(text: str, *, n: int = 3) -> list[str]:
    """Codes of languages ``text`` may have meant, closest first ("Portugese" -> ["pt"])."""
    exact, alias, _names = _tables()
    return near_values(fold(text), {k: v for k, v in {**exact, **alias}.items() if len(k) > 3}, n=n)
