"""Niches: the well-known canonical names and what else people call them.

``SYNONYMS`` are phrases that mean a niche anywhere, in a sentence or as a value ("gym" is
fitness). ``ARGUMENT_ALIASES`` mean it only as a whole value: in a sentence they mean something
else ("dermatologist" is a credential, "skin" is too vague). A workspace may use niches of its
own beyond ``NICHES``; whatever its creators are tagged with is valid there.
"""

from __future__ import annotations

from functools import cache

from memory.domain.matching import Match, fuzzy_values, near_values

NICHES: tuple[str, ...] = (
    "art", "automotive", "beauty", "books", "business", "comedy", "cooking", "crypto", "cycling", "dermatology",
    "diy", "education", "entertainment", "family", "fashion", "finance", "fintech", "fitness", "food", "gaming",
    "health", "home decor", "investing", "law", "lifestyle", "luxury", "makeup", "marketing", "medicine",
    "mental health", "music", "nutrition", "outdoors", "parenting", "pets", "photography", "real estate", "running",
    "science", "skincare", "sports", "sustainability", "tech", "travel", "wellness", "yoga",
)

# canonical -> other words for it (lower case; singular, the plural "-s" is implied in free text).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "skincare": ("skin care", "skin-care"),
    "beauty": ("cosmetic", "cosmetics"),
    "makeup": ("make up", "make-up", "makeup artist", "make up artist", "mua"),
    "fashion": ("style", "streetwear", "ootd"),
    "fitness": ("gym", "workout", "bodybuilding", "crossfit", "strength training"),
    "running": ("runner", "marathon"),
    "cycling": ("cyclist", "bike"),
    "wellness": ("well-being", "wellbeing", "self-care", "mindfulness"),
    "health": ("healthcare",),
    "medicine": ("medical",),
    "nutrition": ("diet", "healthy eating"),
    "food": ("foodie", "culinary", "restaurant", "food & drink"),
    "cooking": ("recipe", "baking", "chef"),
    "travel": ("traveller", "traveler", "travelling", "traveling", "tourism"),
    "parenting": ("parent", "mom", "mum", "mommy", "dad"),
    "family": ("families",),
    "gaming": ("gamer", "esports", "video game", "games"),
    "tech": ("technology", "gadget", "consumer electronics"),
    "finance": ("personal finance", "money", "financial"),
    "investing": ("investment", "stocks", "investor"),
    "crypto": ("cryptocurrency", "crypto currency", "web3", "bitcoin"),
    "business": ("entrepreneur", "entrepreneurship", "startup", "b2b"),
    "sustainability": ("sustainable", "eco", "eco-friendly", "zero waste", "green living"),
    "home decor": ("interior", "interiors", "interior design", "decor", "home"),
    "diy": ("craft",),
    "pets": ("pet", "dog", "cat"),
    "sports": ("sport", "football", "soccer", "basketball", "tennis"),
    "outdoors": ("outdoor", "hiking", "camping"),
    "music": ("musician",),
    "education": ("edtech", "teacher"),
    "books": ("book", "booktok", "bookstagram", "reading"),
    "real estate": ("property",),
    "law": ("legal",),
    "comedy": ("humor", "humour", "comedian"),
    "photography": ("photographer",),
    "art": ("artist", "illustration"),
    "automotive": ("car",),
}
ARGUMENT_ALIASES: dict[str, str] = {"skin": "skincare", "doctor": "medicine", "dermatologist": "dermatology",
                                    "derm": "dermatology"}
# A niche that also means a broader one ("makeup creators" are beauty creators too).
EXPANDS: dict[str, tuple[str, ...]] = {"makeup": ("beauty",)}


def key(text: str) -> str:
    """Lower case, single-spaced: how niches are stored."""
    return " ".join(text.strip().lower().split())


@cache
def aliases() -> dict[str, str]:
    """Every synonym and argument alias -> its canonical niche."""
    out = {s: canon for canon, words in SYNONYMS.items() for s in words}
    out.update(ARGUMENT_ALIASES)
    return out


def normalize_niche(text: str) -> str:
    """Lower-case, single-spaced, aliases mapped ("Skin Care" -> "skincare"); other text as it is."""
    k = key(text)
    return aliases().get(k, k)


def resolve_niche(text: str | None, known: tuple[str, ...] | list[str] = (), *, fuzzy: bool = True) -> Match | None:
    """A niche -> canonical: a well-known niche or one in ``known`` (exact), a synonym (alias), or a
    one-edit typo of one ("skincre", fuzzy, only if one niche fits). ``None`` otherwise."""
    if not text or not text.strip():
        return None
    k = key(text)
    pool = dict.fromkeys([*(key(n) for n in known), *NICHES])
    if k in pool:
        return Match(k, k, "exact", text)
    if k in aliases():
        return Match(aliases()[k], aliases()[k], "alias", text)
    if fuzzy:
        found = fuzzy_values(k, {**{n: n for n in pool}, **aliases()})
        if len(found) == 1:
            return Match(found[0], found[0], "fuzzy", text)
    return None


def suggest_niche(text: str, known: tuple[str, ...] | list[str] = (), *, n: int = 3) -> list[str]:
    """Canonical niches ``text`` may have meant, closest first ("skn care" -> ["skincare"])."""
    k = key(text)
    pool = {key(x): key(x) for x in (*known, *NICHES)}
    table = {**pool, **aliases()}
    squashed = {s.replace(" ", "").replace("-", ""): v for s, v in table.items()}
    return list(dict.fromkeys([*near_values(k, table, n=n), *near_values(k.replace(" ", ""), squashed, n=n)]))[:n]
