"""Platforms (``memory.models.common.Platform``), their display names and their nicknames.

``resolve_platform`` reads a value that *is* a platform (a CSV cell, a tool argument):
``IG``, ``insta``, ``the gram``, ``YT``, ``TT``, ``tik tok``, ``Twitter``, ``X (Twitter)``,
``FB``, ``linked in``, ``instagram.com``, ``https://www.tiktok.com/``. ``PROSE_WORDS`` are the
nicknames safe to spot in running text ("tiktokers in France"); bare words such as ``x``,
``threads``, ``web`` or ``snap`` are too common there and are left to the caller's context
rules ("on X").
"""

from __future__ import annotations

import re

from memory.models.common import Platform

__all__ = ["LABELS", "NICKNAMES", "PLATFORMS", "PROSE_WORDS", "platform_label", "resolve_platform"]

PLATFORMS: tuple[str, ...] = tuple(p.value for p in Platform)

LABELS: dict[str, str] = {
    "instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube", "facebook": "Facebook", "x": "X",
    "linkedin": "LinkedIn", "blog": "Blog", "podcast": "Podcast", "twitch": "Twitch", "pinterest": "Pinterest",
    "threads": "Threads", "snapchat": "Snapchat",
}

# platform -> (nicknames also recognised in running text, nicknames recognised only as a whole value)
_TABLE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "instagram": (("instagram", "insta", "ig", "the gram", "instagrammer", "instagrammers", "reels", "instagram reels"),
                  ("gram", "instagr.am")),
    "tiktok": (("tiktok", "tik tok", "tik-tok", "tiktoker", "tiktokers"), ("tt",)),
    "youtube": (("youtube", "yt", "youtuber", "youtubers", "vlogger", "vloggers", "youtube channel", "youtube channels"),
                ("you tube", "youtube shorts", "youtu.be")),
    "facebook": (("facebook", "fb"), ("meta",)),
    "x": (("twitter", "tweeter", "tweeters", "x/twitter", "x (twitter)", "twitter/x"), ("x", "tw", "x.com")),
    "linkedin": (("linkedin",), ("linked in", "li")),
    "blog": (("blog", "blogs", "blogger", "bloggers"), ("website", "web", "substack", "medium", "newsletter")),
    "podcast": (("podcast", "podcasts", "podcaster", "podcasters"), ("spotify", "apple podcasts")),
    "twitch": (("twitch", "streamer", "streamers"), ()),
    "pinterest": (("pinterest",), ("pin",)),
    "threads": ((), ("threads",)),
    "snapchat": (("snapchat",), ("snap",)),
}
assert set(_TABLE) == set(PLATFORMS) == set(LABELS), "every Platform needs nicknames and a label"

PROSE_WORDS: dict[str, tuple[str, ...]] = {p: prose for p, (prose, _) in _TABLE.items()}
"""Per platform, the nicknames that mean it in running text (lower case, longest match wins)."""

NICKNAMES: dict[str, str] = {name: p for p, (prose, whole) in _TABLE.items() for name in (p, *prose, *whole)}
"""Every accepted spelling (lower case) -> the stored platform."""


def _key(text: str) -> str:
    s = " ".join(text.strip().casefold().split()).lstrip("@")
    s = re.sub(r"^(?:https?://)?(?:www\.|m\.)?", "", s).rstrip("/")
    return s.removesuffix(".com") if s.endswith(".com") and s != "x.com" else s


def resolve_platform(text: str | None) -> str | None:
    """A platform name, nickname or domain -> the stored platform (``"IG"`` -> ``"instagram"``,
    ``"Twitter"`` -> ``"x"``, ``"tiktok.com"`` -> ``"tiktok"``); ``None`` when it is not one."""
    if text is None:
        return None
    key = _key(text)
    return NICKNAMES.get(key)


def platform_label(platform: str | None) -> str:
    """``"tiktok"`` -> ``"TikTok"`` (unknown values are shown as given)."""
    return LABELS.get(platform or "", platform or "?")
