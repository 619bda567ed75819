"""Who creators are: the two kinds (influencer, KOL) and the credential words that make a KOL."""

from __future__ import annotations

import re

from memory.domain.matching import Match, fold
from memory.models.common import CreatorKind

# kind -> what people call it (lower case).
KIND_SYNONYMS: dict[CreatorKind, tuple[str, ...]] = {
    CreatorKind.influencer: ("influencer", "creator", "content creator", "ugc", "ugc creator", "blogger", "vlogger"),
    CreatorKind.kol: ("kol", "key opinion leader", "expert", "specialist", "professional", "thought leader",
                      "industry expert", "authority", "medical voice"),
}

# credential -> the words that name it in a request (lower case, singular; "-s" plurals implied).
CREDENTIALS: dict[str, tuple[str, ...]] = {
    "dermatologist": ("dermatologist", "derm"),
    "doctor": ("doctor", "physician", "m.d.s", "mds", "medical doctor", "gp"),
    "nutritionist": ("nutritionist",),
    "dietitian": ("dietitian", "dietician"),
    "pharmacist": ("pharmacist",),
    "cosmetic chemist": ("cosmetic chemist", "chemist"),
    "psychologist": ("psychologist", "therapist"),
    "dentist": ("dentist",),
    "pediatrician": ("pediatrician", "paediatrician"),
    "analyst": ("analyst",),
    "economist": ("economist",),
    "researcher": ("researcher",),
    "scientist": ("scientist",),
    "professor": ("professor", "academic"),
    "founder": ("founder", "ceo", "executive"),
    "engineer": ("engineer",),
    "certified trainer": ("personal trainer", "certified trainer"),
}

# credential -> what to look for in creators' credentials and bios (any of them matches).
CREDENTIAL_KEYWORDS: dict[str, tuple[str, ...]] = {
    "doctor": ("doctor", "physician"),
    "dietitian": ("dietitian", "dietician"),
    "psychologist": ("psychologist", "therapist"),
    "pediatrician": ("pediatrician", "paediatrician"),
    "founder": ("founder", "ceo"),
}


def credential_keywords(credential: str) -> tuple[str, ...]:
    """The search keywords for a credential ("doctor" -> ("doctor", "physician"))."""
    return CREDENTIAL_KEYWORDS.get(credential, (credential,))


def resolve_kind(text: str | None) -> Match | None:
    """"KOL", "expert", "key opinion leader" -> kol; "creator", "influencer" -> influencer; else ``None``."""
    if not text or not text.strip():
        return None
    k = " ".join(text.strip().casefold().replace("_", " ").replace("-", " ").split())
    for kind, words in KIND_SYNONYMS.items():
        if k == kind.value:
            return Match(kind.value, kind.value, "exact", text)
        if k in words or fold(k) in {fold(w) for w in words}:
            return Match(kind.value, kind.value, "alias", text)
    return None


def resolve_credential(text: str | None) -> Match | None:
    """A credential word -> its canonical credential ("physicians" -> doctor); else ``None``."""
    if not text or not text.strip():
        return None
    k = " ".join(text.strip().lower().split())
    for cred, words in CREDENTIALS.items():
        if k == cred:
            return Match(cred, cred, "exact", text)
        if k in words or k.removesuffix("s") in words:
            return Match(cred, cred, "alias", text)
    return None


# Titles and degrees that mark a creator as an expert (a KOL signal when found in credentials or bio).
EXPERT_TITLES: tuple[str, ...] = (
    r"m\.?d\.?", r"ph\.?d\.?", r"dr\.?", "doctor", "physician", "surgeon", "dermatologist", "dermatology", "pharmacist",
    "nurse", "dietitian", "nutritionist", "registered dietitian", "psychologist", "psychiatrist", "dentist", "veterinarian",
    "cfa", "cpa", "chartered", "professor", "lecturer", "researcher", "scientist", "research fellow", "economist",
    "analyst", "founder", "co-founder", "ceo", "cto", "cfo", "executive", "attorney", "lawyer", "engineer",
    "board[- ]certified", "author of", "phd candidate", "md candidate",
)
EXPERT_WORDS_RE = re.compile(r"\b(?:" + "|".join(EXPERT_TITLES) + r")\b", re.IGNORECASE)
