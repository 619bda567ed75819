"""Deliverables: what a creator owes (kinds, their usual platform), read from and written as text.

``parse_deliverables("1 YouTube video and 2 shorts")`` ->
``[Deliverable("video", 1, "youtube"), Deliverable("short", 2, "youtube")]`` and
``describe_deliverables`` writes it back as ``"1 YouTube video + 2 shorts"``. A deliverable
needs a quantity (``1``, ``2x``, ``one``, ``a``) unless it is listed next to one that has it
(``"reel + 2 stories"``), so prose such as "loved her reel" is not read as a deliverable.
The platform is the one named ("3 IG stories", "a TikTok"), else the kind's usual one (a
reel is on Instagram, a short on YouTube), else ``None`` (a post or a video anywhere).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from memory.domain.numbers import WORD_NUMBERS, parse_number
from memory.domain.platforms import LABELS, NICKNAMES

__all__ = [
    "KINDS", "Deliverable", "DeliverableKind", "describe_deliverables", "mentioned_kind", "normalize_deliverables",
    "parse_deliverables",
    "parse_exclusivity", "parse_usage_rights", "resolve_kind",
]


@dataclass(frozen=True)
class DeliverableKind:
    name: str  # stored as Deliverable.type
    plural: str
    platform: str | None  # the usual platform
    words: tuple[str, ...]  # regex fragments (lower case) naming it, singular and plural


@dataclass(frozen=True)
class Deliverable:
    kind: str
    count: int = 1
    platform: str | None = None


KINDS: dict[str, DeliverableKind] = {k.name: k for k in (
    DeliverableKind("reel", "reels", "instagram", (r"reels?",)),
    DeliverableKind("story", "stories", "instagram", (r"stor(?:y|ies)(?:\s+(?:frames?|slides?))?",)),
    DeliverableKind("carousel", "carousels", "instagram", (r"carousels?(?:\s+posts?)?",)),
    DeliverableKind("post", "posts", None, (r"posts?", r"grid posts?")),
    DeliverableKind("short", "shorts", "youtube", (r"shorts?",)),
    DeliverableKind("video", "videos", None, (r"videos?", r"vids?", r"vlogs?", r"tiktoks?(?!\s+(?:videos?|vids?|lives?|live\s?streams?|stor(?:y|ies)|posts?))")),
    DeliverableKind("live", "lives", None, (r"live\s?streams?", r"live(?:\s+sessions?)?", r"lives")),
    DeliverableKind("blog post", "blog posts", "blog", (r"blog\s+(?:posts?|articles?)", r"articles?")),
    DeliverableKind("podcast mention", "podcast mentions", "podcast",
                    (r"podcast\s+(?:mentions?|ads?|reads?|spots?|segments?|episodes?|features?)", r"podcasts?", r"episodes?", r"host[- ]reads?")),
    DeliverableKind("newsletter mention", "newsletter mentions", None, (r"newsletter\s+(?:mentions?|features?|ads?)", r"newsletters?")),
    DeliverableKind("tweet", "tweets", "x", (r"tweets?", r"twitter\s+threads?")),
    DeliverableKind("pin", "pins", "pinterest", (r"(?:idea\s+)?pins?",)),
)}
# a noun that names its platform too: "a TikTok" is a TikTok video
_NOUN_PLATFORM = {"tiktok": "tiktok", "tiktoks": "tiktok"}

_WORD_TO_KIND = sorted(((w, k.name) for k in KINDS.values() for w in k.words), key=lambda x: -len(x[0]))
_KIND_ALT = "|".join(f"(?P<k{i}>{w})" for i, (w, _) in enumerate(_WORD_TO_KIND))
_QTY = r"(?:\d+(?:\.\d+)?|an?|" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r"|a\s+couple\s+of|a\s+pair\s+of)"
# platform nicknames before a kind ("IG stories"); "pin", "web", "medium", "meta" are too common there
_PLATFORM_ALT = "|".join(re.escape(n) for n in sorted(NICKNAMES, key=len, reverse=True) if n not in ("web", "pin", "medium", "meta"))
_ADJ = r"(?:dedicated|integrated|sponsored|static|in-feed|feed|photo|short-form|long-form|branded|organic|extra|additional|separate|ugc|paid|full|\d+[- ]?(?:s|sec|second|min|minute)s?)"
_ITEM = re.compile(
    rf"(?<![\w@#$€£.])(?:(?P<qty>{_QTY})\s*(?:x\s*|×\s*)?\s+|(?P<mult>\d+)\s*[x×]\s*)?"
    rf"(?:(?P<platform>{_PLATFORM_ALT})\s+)??(?:{_ADJ}\s+)*(?:(?P<platform2>{_PLATFORM_ALT})\s+)??"
    rf"(?:{_KIND_ALT})(?![\w-])(?:\s*[x×]\s*(?P<times>\d+)\b)?",
    re.IGNORECASE,
)
_CONNECTOR = re.compile(r"^\s*(?:,|\+|&|/|;|\band\b|\bplus\b|\bwith\b)?\s*(?:\band\b\s*)?$", re.IGNORECASE)


def _count(text: str | None) -> int | None:
    if text is None:
        return None
    t = " ".join(text.lower().split())
    if t in ("a", "an"):
        return 1
    if t in ("a couple of", "a pair of"):
        return 2
    value = parse_number(t)
    return int(value) if value is not None and value == int(value) and value > 0 else None


def _items(text: str) -> list[tuple[int, int, Deliverable, bool]]:
    """Every deliverable phrase: (start, end, deliverable, has a quantity)."""
    out: list[tuple[int, int, Deliverable, bool]] = []
    for m in _ITEM.finditer(text):
        i = next(int(name[1:]) for name, v in m.groupdict().items() if v is not None and re.fullmatch(r"k\d+", name))
        kind = _WORD_TO_KIND[i][1]
        noun = m.group(f"k{i}").lower()
        count = _count(m.group("qty")) or _count(m.group("mult")) or _count(m.group("times"))
        said = m.group("platform2") or m.group("platform")
        platform = _NOUN_PLATFORM.get(noun) or (NICKNAMES.get(said.lower()) if said else None) or KINDS[kind].platform
        out.append((m.start(), m.end(), Deliverable(kind, count or 1, platform), count is not None))
    return out


def parse_deliverables(text: str | None) -> list[Deliverable]:
    """The deliverables named in ``text``, in order: ``"1 reel + 2 stories"`` ->
    ``[Deliverable("reel", 1, "instagram"), Deliverable("story", 2, "instagram")]``."""
    if not text:
        return []
    items = _items(text)
    keep = [q for *_, q in items]
    changed = True
    while changed:  # an unquantified item counts when it is listed next to a counted one
        changed = False
        for j in range(len(items)):
            if keep[j]:
                continue
            for k in (j - 1, j + 1):
                if 0 <= k < len(items) and keep[k]:
                    a, b = sorted((j, k))
                    if _CONNECTOR.match(text[items[a][1] : items[b][0]]):
                        keep[j] = changed = True
                        break
    return [d for (_, _, d, _), ok in zip(items, keep, strict=True) if ok]


def mentioned_kind(text: str | None) -> str | None:
    """The first deliverable kind named, counted or not ("approve @x's reel" -> ``"reel"``)."""
    found = _items(text or "")
    return found[0][2].kind if found else None


def resolve_kind(text: str) -> str:
    """A deliverable type as written (``"Reels"``, ``"IG story"``, ``"TikTok"``) -> the stored
    kind (``"reel"``, ``"story"``, ``"video"``); unknown types come back lower-cased as given."""
    found = _items(text)
    if len(found) == 1 and _CONNECTOR.match(text[: found[0][0]] + text[found[0][1] :]):
        return found[0][2].kind
    return " ".join(text.lower().split())


def _one(d: Deliverable) -> str:
    k = KINDS.get(d.kind)
    noun = (k.name if d.count == 1 else k.plural) if k else d.kind
    show_platform = d.platform and (k is None or d.platform != k.platform)
    return f"{d.count} " + (f"{LABELS.get(d.platform, d.platform)} " if show_platform else "") + noun  # type: ignore[arg-type]


def describe_deliverables(items: list[Deliverable]) -> str:
    """``[video on YouTube ×1, short ×2]`` -> ``"1 YouTube video + 2 shorts"`` (the usual platform is not repeated)."""
    return " + ".join(_one(d) for d in items)


def normalize_deliverables(text: str | None) -> str | None:
    """A deliverables text in the one house style when it only names deliverables
    (``"1 YT video & 2 Shorts"`` -> ``"1 YouTube video + 2 shorts"``); anything else
    ("1 reel + whitelisting") is kept as written, so nothing is lost."""
    if text is None or not text.strip():
        return None
    items = parse_deliverables(text)
    spans = _items(text)
    rest = text
    for start, end, *_ in sorted(spans, reverse=True):
        rest = rest[:start] + " , " + rest[end:]
    if items and len(items) == len(spans) and re.fullmatch(r"[\s,+&/;.]*(?:(?:and|plus)[\s,+&/;.]*)*", rest, re.IGNORECASE):
        return describe_deliverables(items)
    return " ".join(text.split())


_DURATION_UNITS = {"day": 1, "d": 1, "week": 7, "wk": 7, "month": 30, "mo": 30, "year": 365, "yr": 365}
_DURATION = rf"(?P<n>\d+|{'|'.join(sorted(WORD_NUMBERS, key=len, reverse=True))}|an?)[- ]?(?P<u>days?|d|weeks?|wks?|months?|mos?|years?|yrs?)\b"


def _term_days(text: str | None, noun: str) -> int | None:
    if not text:
        return None
    low = text.lower()
    m = re.search(rf"\b{_DURATION}\s+(?:of\s+)?(?:paid\s+|organic\s+|ad\s+|digital\s+)?(?:{noun})", low) or re.search(
        rf"\b(?:{noun})\w*\s*(?:rights?\s*)?(?:for|of|:|=|-)?\s*(?:the\s+)?(?:first\s+)?{_DURATION}", low
    )
    if not m:
        return None
    n = 1 if m.group("n") in ("a", "an") else _count(m.group("n"))
    unit = m.group("u").rstrip("s") or "d"
    return None if n is None else n * _DURATION_UNITS[unit]


def parse_usage_rights(text: str | None) -> int | None:
    """Days of usage rights: ``"30-day usage rights"`` / ``"usage rights for 3 months"`` ->
    30 / 90 (a month is 30 days, a year 365); ``None`` when none are named."""
    return _term_days(text, r"usage|whitelisting|licens(?:e|ing)")


def parse_exclusivity(text: str | None) -> int | None:
    """Days of exclusivity: ``"60-day exclusivity"`` / ``"exclusive for 2 months"`` -> 60."""
    return _term_days(text, r"exclusiv")
