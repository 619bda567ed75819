"""Benchmark the local MiniLM embedder against sentence-transformers.

Builds 1,000 deterministic social-media captions, times ``LocalEmbedder.embed``
on them (after a warm-up, best of ``--repeats`` runs) and, when
``sentence_transformers`` is importable, ``SentenceTransformer(<same model
dir>).encode(texts)`` with its default batching, alternating the two so
background load hits both alike. Also checks the local vectors against the
sentence-transformers reference fixture.

Run: ``.venv/bin/python benchmarks/embed.py`` (no comparison: kolpilot does not
depend on torch), or with an interpreter that has sentence-transformers::

    PYTHONPATH=/work/main /tmp/stvenv/bin/python benchmarks/embed.py

The last line of output is one JSON object:
``{"texts", "local_texts_per_s", "sentence_transformers_texts_per_s", "ratio",
"min_cosine_vs_reference"}``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # allow running as a plain script from anywhere
    sys.path.insert(0, str(ROOT))

from memory.embeddings import LocalEmbedder, default_model_dir  # noqa: E402

REFERENCE = ROOT.parent / "shared" / "fixtures" / "minilm_reference.json"
SEED = 20260601

_NICHES: dict[str, dict[str, list[str]]] = {
    "skincare": {
        "thing": [
            "niacinamide serum",
            "SPF 50 sunscreen",
            "retinol night cream",
            "gentle foaming cleanser",
            "hyaluronic acid toner",
            "vitamin C serum",
            "ceramide moisturizer",
            "clay mask",
        ],
        "claim": [
            "cleared my hormonal acne",
            "fixed my dry patches",
            "gave me glass skin",
            "stopped the redness",
            "faded my dark spots",
            "didn't break me out",
        ],
        "tags": ["#skincare", "#skincareroutine", "#glowup", "#acnejourney", "#kbeauty", "#spf"],
        "emoji": ["✨", "🧴", "💧", "🌸", "🫧"],
    },
    "fitness": {
        "thing": [
            "5x5 squat program",
            "20-minute HIIT circuit",
            "protein smoothie",
            "Romanian deadlifts",
            "zone 2 cardio",
            "kettlebell flow",
            "pull-up progression",
            "mobility routine",
        ],
        "claim": [
            "added 20kg to my squat",
            "finally got my first pull-up",
            "helped me drop 5kg",
            "fixed my lower back pain",
            "made leg day bearable",
            "boosted my endurance",
        ],
        "tags": ["#fitness", "#legday", "#gymtok", "#fitfam", "#strengthtraining", "#homeworkout"],
        "emoji": ["💪", "🏋️‍♀️", "🔥", "🏃", "🥤"],
    },
    "finance": {
        "thing": [
            "high-yield savings account",
            "index fund portfolio",
            "50/30/20 budget",
            "travel rewards credit card",
            "emergency fund",
            "Roth IRA",
            "side hustle spreadsheet",
        ],
        "claim": [
            "saved me $3,000 this year",
            "got me out of credit card debt",
            "doubled my savings rate",
            "made tax season painless",
            "paid for my vacation",
            "beat inflation",
        ],
        "tags": ["#personalfinance", "#budgeting", "#investing", "#moneytok", "#fire", "#debtfree"],
        "emoji": ["💸", "📈", "💰", "🏦", "🧾"],
    },
    "food": {
        "thing": [
            "one-pan lemon chicken",
            "15-minute ramen hack",
            "sourdough focaccia",
            "vegan tacos",
            "air fryer salmon",
            "overnight oats",
            "street-style birria",
            "matcha tiramisu",
        ],
        "claim": [
            "is ready in 20 minutes",
            "costs under $10",
            "fed my whole family",
            "went viral on my page",
            "is meal-prep friendly",
            "tastes better than takeout",
        ],
        "tags": ["#foodie", "#recipe", "#easyrecipes", "#mealprep", "#foodtok", "#homecooking"],
        "emoji": ["🍜", "🌮", "🥑", "🍋", "🔥", "😋"],
    },
    "travel": {
        "thing": [
            "3 days in Lisbon",
            "Bali on a budget",
            "hidden beach in Sardinia",
            "Tokyo food crawl",
            "Iceland ring road",
            "carry-on packing list",
            "overnight train to Vienna",
            "Kyoto ryokan",
        ],
        "claim": [
            "cost less than a weekend at home",
            "was worth every minute",
            "has no crowds in May",
            "changed how I travel",
            "is perfect for solo travelers",
            "needs to be on your list",
        ],
        "tags": ["#travel", "#wanderlust", "#traveltips", "#budgettravel", "#solotravel", "#hiddengems"],
        "emoji": ["✈️", "🌍", "🏝️", "🗺️", "📸"],
    },
    "gaming": {
        "thing": [
            "ranked grind in Valorant",
            "Elden Ring boss guide",
            "budget gaming PC build",
            "cozy Stardew farm tour",
            "speedrun attempt",
            "new controller review",
            "Minecraft castle",
        ],
        "claim": [
            "took me 40 hours",
            "runs at 144fps",
            "finally clicked for me",
            "broke my personal best",
            "is the best value this year",
            "made chat lose it",
        ],
        "tags": ["#gaming", "#gamer", "#twitch", "#pcgaming", "#speedrun", "#cozygames"],
        "emoji": ["🎮", "🕹️", "🏆", "👾", "⚔️"],
    },
    "tech": {
        "thing": [
            "noise-cancelling headphones",
            "new foldable phone",
            "mechanical keyboard",
            "M-series laptop",
            "smart home setup",
            "AI note-taking app",
            "4K webcam",
            "portable SSD",
        ],
        "claim": [
            "lasted 30 hours on one charge",
            "replaced three other gadgets",
            "is overpriced, honestly",
            "surprised me in the low-light test",
            "survived a month of daily use",
            "beats the flagship",
        ],
        "tags": ["#tech", "#unboxing", "#techreview", "#gadgets", "#setup", "#productivity"],
        "emoji": ["📱", "💻", "🎧", "⚡", "🔋"],
    },
    "fashion": {
        "thing": [
            "capsule wardrobe",
            "thrifted denim jacket",
            "linen summer set",
            "white sneakers",
            "vintage leather bag",
            "3 ways to style a blazer",
            "minimalist jewelry stack",
        ],
        "claim": [
            "goes with everything",
            "cost $12 at the thrift store",
            "got me so many compliments",
            "works from office to dinner",
            "is my most-worn piece",
            "is sustainable and cute",
        ],
        "tags": ["#ootd", "#fashion", "#thrifted", "#styleinspo", "#sustainablefashion", "#grwm"],
        "emoji": ["👗", "👟", "🛍️", "💅", "🪩"],
    },
}
_OPENERS = ["POV:", "Okay but", "Honest review:", "PSA:", "Day 12 of testing:", "Storytime:", "Unpopular opinion:",
            "You asked, so here it is:", "Ranking time:", "Quick tip:"]  # fmt: skip
_SENTENCES = [
    "{opener} the {thing} {claim}.",
    "I've tested the {thing} for three weeks and it {claim}.",
    "Nobody talks about how the {thing} {claim}!",
    "Swipe to see why the {thing} {claim} {emoji}",
    "Link in bio for the full {thing} breakdown.",
    "Save this for later and send it to a friend who needs a {thing}.",
    "Collab with @{brand}: use code {code} for {pct}% off.",
    "Would you try the {thing}? Tell me in the comments 👇",
    "Part {n} of my {niche} series is finally here.",
    "Not sponsored, I just really think the {thing} {claim}.",
]
_BRANDS = ["glowlab", "fitfuel", "nomadgear", "pixelforge", "stackd", "greenplate", "threadwell", "lumatech"]


def make_captions(n: int = 1000, seed: int = SEED) -> list[str]:
    """``n`` deterministic captions across niches, from a few words to a few sentences."""
    rng = random.Random(seed)
    captions = []
    niches = list(_NICHES)
    for _ in range(n):
        niche = rng.choice(niches)
        vocab = _NICHES[niche]

        def fill(template: str, niche: str = niche, vocab: dict[str, list[str]] = vocab) -> str:
            return template.format(
                opener=rng.choice(_OPENERS), thing=rng.choice(vocab["thing"]), claim=rng.choice(vocab["claim"]),
                emoji=rng.choice(vocab["emoji"]), brand=rng.choice(_BRANDS),
                code=rng.choice(_BRANDS).upper()[:5] + str(rng.randint(10, 30)), pct=rng.choice([10, 15, 20, 25]),
                n=rng.randint(2, 9), niche=niche,
            )  # fmt: skip

        shape = rng.random()
        if shape < 0.15:  # a few words only
            text = f"{rng.choice(vocab['thing'])} {rng.choice(vocab['emoji'])}"
        else:
            count = rng.choice([1, 1, 2, 2, 3, 4]) if shape < 0.9 else rng.randint(5, 8)
            text = " ".join(fill(rng.choice(_SENTENCES)) for _ in range(count))
        if rng.random() < 0.6:
            text += " " + " ".join(rng.sample(vocab["tags"], rng.randint(1, 5)))
        if rng.random() < 0.3:
            text = rng.choice(vocab["emoji"]) * rng.randint(1, 3) + " " + text
        captions.append(text)
    return captions


def _timed_rate(fn: Callable[[], Any], n_texts: int, timings: list[float]) -> None:
    start = time.perf_counter()
    fn()
    timings.append(n_texts / (time.perf_counter() - start))


def min_cosine_vs_reference(embedder: LocalEmbedder) -> float | None:
    """Minimum cosine between the local vectors and the sentence-transformers fixture."""
    if not REFERENCE.is_file():
        print(f"reference fixture not found at {REFERENCE}", file=sys.stderr)
        return None
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    got = np.asarray(embedder.embed(ref["texts"]), dtype=np.float64)
    want = np.asarray(ref["embeddings"], dtype=np.float64)
    cos = (got * want).sum(1) / (np.linalg.norm(got, axis=1) * np.linalg.norm(want, axis=1))
    return float(cos.min())


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark and print the result JSON as the last line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per embedder (best is reported)")
    parser.add_argument("--batch-size", type=int, default=None, help="LocalEmbedder batch size")
    parser.add_argument("--backend", default="auto", choices=["auto", "onnxruntime", "numpy"])
    parser.add_argument("--no-st", action="store_true", help="skip the sentence-transformers comparison")
    args = parser.parse_args(argv)

    texts = make_captions(args.texts)
    kwargs: dict[str, Any] = {"backend": args.backend}
    if args.batch_size:
        kwargs["batch_size"] = args.batch_size
    local = LocalEmbedder(**kwargs)
    start = time.perf_counter()
    local.embed(texts[:64])  # warm-up, includes the one-time verified load
    print(
        f"local load + warm-up: {time.perf_counter() - start:.2f}s (backend {local.backend})", file=sys.stderr
    )

    st_model = None
    if not args.no_st:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            print("sentence_transformers not importable: skipping the comparison", file=sys.stderr)
        else:
            st_model = SentenceTransformer(str(default_model_dir()), device="cpu")
            st_model.encode(texts[:64])  # warm-up

    local_rates: list[float] = []
    st_rates: list[float] = []
    for _ in range(args.repeats):  # alternate so background load affects both alike
        _timed_rate(lambda: local.embed(texts), len(texts), local_rates)
        if st_model is not None:
            _timed_rate(lambda: st_model.encode(texts), len(texts), st_rates)
    print(f"local texts/s per run: {[round(r, 1) for r in local_rates]}", file=sys.stderr)
    if st_model is not None:
        print(f"sentence-transformers texts/s per run: {[round(r, 1) for r in st_rates]}", file=sys.stderr)
        ours = np.asarray(local.embed(texts), dtype=np.float64)
        theirs = np.asarray(st_model.encode(texts), dtype=np.float64)
        cos = (ours * theirs).sum(1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1))
        print(
            f"min cosine local vs sentence-transformers on the benchmark texts: {cos.min():.7f}",
            file=sys.stderr,
        )

    local_rate = max(local_rates)
    st_rate = max(st_rates) if st_rates else None
    result = {
        "texts": len(texts),
        "local_texts_per_s": round(local_rate, 1),
        "sentence_transformers_texts_per_s": round(st_rate, 1) if st_rate else None,
        "ratio": round(local_rate / st_rate, 3) if st_rate else None,
        "min_cosine_vs_reference": min_cosine_vs_reference(local),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
