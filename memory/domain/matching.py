"""How the vocabulary resolvers compare text: folding, one-edit typos, and the ``Match`` they return."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

How = Literal["exact", "alias", "fuzzy"]

#: Shortest folded text a typo is forgiven in: below this, one edit turns most words into others
#: ("Glow" is one edit from "Slow", "Chad" from "Char").
FUZZY_MIN_LENGTH = 5


@dataclass(frozen=True)
class Match:
    """A resolved value: ``value`` is canonical (an ISO code, a niche, a goal), ``name`` how to show
    it, ``how`` whether the text was the canonical form itself (``exact``), a known other name
    (``alias``) or a typo within one edit of one (``fuzzy``), and ``text`` what was typed."""

    value: str
    name: str
    how: How
    text: str

    @property
    def confidence(self) -> float:
        return {"exact": 1.0, "alias": 0.95, "fuzzy": 0.7}[self.how]


def fold(text: str) -> str:
    """Case-, accent-, space- and punctuation-insensitive key: ``"Côte d'Ivoire"`` -> ``"cotedivoire"``,
    ``"St. Lucia"`` -> ``"saintlucia"``, ``"the Netherlands"`` -> ``"netherlands"``."""
    s = unicodedata.normalize("NFKD", text.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("&", " and ").replace("'", "").replace("’", "").replace(".", "")
    s = " ".join(re.sub(r"[^\w]+", " ", s).split())
    s = re.sub(r"\bst\b", "saint", s.removeprefix("the "))
    return s.replace(" ", "")


def one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one insertion, deletion, substitution or swap of
    two neighbouring letters ("frnace"/"france")."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with neighbour swaps counted as one edit (optimal string alignment)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def fuzzy_values(key: str, lookup: Mapping[str, str]) -> list[str]:
    """The distinct values whose keys are within one edit of ``key`` (none for short keys)."""
    if len(key) < FUZZY_MIN_LENGTH:
        return []
    return list(dict.fromkeys(v for k, v in lookup.items() if len(k) >= FUZZY_MIN_LENGTH and one_edit(key, k)))


def near_values(key: str, lookup: Mapping[str, str], *, n: int = 3) -> list[str]:
    """Up to ``n`` distinct values whose keys are close to ``key`` — for "did you mean", never for
    resolving: one edit for keys of 4+ letters, two for 7+, or the same start and a third of the
    letters at most different; the closest first."""
    if len(key) < 3:
        return []
    scored: list[tuple[int, str]] = []
    for k, v in lookup.items():
        if len(k) < 3 or abs(len(k) - len(key)) > max(2, len(key) // 3):
            continue
        d = edit_distance(key, k)
        limit = 1 if len(key) < 7 else 2
        if d <= limit or (k[:2] == key[:2] and d * 3 <= len(key) and len(key) >= 6):
            scored.append((d, v))
    return list(dict.fromkeys(v for _, v in sorted(scored, key=lambda x: x[0])))[:n]


def add_keys(lookup: dict[str, str], names: Iterable[str], value: str) -> None:
    """Map each name's folded key to ``value`` unless the key already means something else."""
    for name in names:
        if name:
            lookup.setdefault(fold(name), value)
