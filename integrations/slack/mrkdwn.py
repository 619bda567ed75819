"""Making untrusted text safe for Slack mrkdwn.

Everything a model wrote, or a creator wrote (bios, captions, display names), is data,
not markup. Slack turns ``<...>`` sequences into links, user mentions and broadcast
pings (``<!channel>``, ``<!here>``, ``<!subteam^S1>``), and ``@channel``-style words into
pings when a client re-parses them. So untrusted text is escaped (``&``, ``<``, ``>``)
and the bare broadcast words are defanged with an invisible word joiner: the text still
reads the same, but nothing in it can notify anyone or become a link.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# U+2060 WORD JOINER: invisible, but breaks Slack's keyword matching of @channel etc.
_JOINER = "\u2060"
_BROADCAST = re.compile(r"@(?=(channel|here|everyone)\b)", re.IGNORECASE)


def escape(text: object) -> str:
    """Escape ``&``, ``<`` and ``>`` so Slack shows them literally (no links, no mentions)."""
    s = "" if text is None else str(text)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def defang(text: str) -> str:
    """Break ``@channel``, ``@here`` and ``@everyone`` so they cannot ping anyone.

    ``<!channel>``, ``<!subteam^…>`` and ``<@U…>`` need no extra work once the text is
    escaped: without a literal ``<`` Slack does not parse them. Use :func:`safe`.
    """
    return _BROADCAST.sub("@" + _JOINER, text)


def safe(text: object, *, limit: int | None = None) -> str:
    """Untrusted text → inert mrkdwn: escaped, defanged, optionally truncated.

    Truncation happens before escaping so an entity (``&amp;``) is never cut in half;
    the escaped result may be a little longer than ``limit`` (callers keep headroom).
    """
    s = "" if text is None else str(text)
    if limit is not None and len(s) > limit:
        s = s[: max(0, limit - 1)].rstrip() + "…"
    return defang(escape(s))


def plain(text: object, *, limit: int) -> str:
    """Text for ``plain_text`` objects (buttons, headers, dialogs): never parsed as markup,
    but still defanged and truncated to Slack's per-field limit."""
    s = defang("" if text is None else str(text))
    return s if len(s) <= limit else s[: max(0, limit - 1)] + "…"


def safe_url(url: object) -> str | None:
    """The URL if it is a plain http(s) URL, with characters that would end a Slack link
    (``|``, ``<``, ``>``, whitespace) percent-encoded; None otherwise."""
    if not isinstance(url, str) or not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    cleaned = quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~-._")
    return cleaned.replace("&", "&amp;")


def link(url: object, label: object) -> str:
    """A mrkdwn link ``<url|label>`` when the URL is a safe http(s) URL, else just the
    escaped label. The label is untrusted text and is escaped and defanged."""
    text = safe(label).replace("|", "¦")
    u = safe_url(url)
    return f"<{u}|{text}>" if u else text


def quote_block(text: object, *, limit: int = 1500) -> str:
    """Untrusted multi-line text as a mrkdwn block quote (each line prefixed by ``>``)."""
    body = safe(text, limit=limit)
    lines = [ln.rstrip() for ln in body.splitlines()] or [""]
    return "\n".join(f">{ln}" if ln else ">" for ln in lines)


def user_mention(user_id: object) -> str:
    """``<@U…>`` for a real Slack user id (from our own context, never from model text)."""
    if isinstance(user_id, str) and re.fullmatch(r"[UW][A-Z0-9]{2,30}", user_id):
        return f"<@{user_id}>"
    return safe(user_id)


__all__ = ["defang", "escape", "link", "plain", "quote_block", "safe", "safe_url", "user_mention"]
