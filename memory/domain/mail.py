"""Inbound e-mail, parsed with the standard library: who wrote, which thread it answers, the
text (an HTML-only mail converted to text), the display version (quoted history and
signature stripped), and whether it is an auto-reply or a delivery-status report (bounce).

Everything here is pure (bytes in, values out): the IMAP edge fetches, the inbox tools act.
A creator's mail is untrusted data: nothing here interprets it beyond these facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

MAX_TEXT = 100_000

_MSGID = re.compile(r"<[^<>\s]+>")
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|tr|wg|rv|enc|i)\s*:", re.IGNORECASE)


@dataclass
class Bounce:
    """A delivery-status report (RFC 3464): hard when a recipient failed with a 5.x.x status."""

    hard: bool
    recipients: list[str]
    status: str
    diagnostic: str
    original_message_id: str | None = None


@dataclass
class ParsedMail:
    message_id: str | None
    thread_ids: list[str]  # In-Reply-To then References, newest first, no duplicates
    from_address: str
    from_name: str
    subject: str
    text: str
    html_only: bool = False
    auto_reply: bool = False
    forward: bool = False
    bounce: Bounce | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def display_text(self) -> str:
        return display_text(self.text)


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse one RFC 5322 message (as fetched from IMAP)."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    name, addr = parseaddr(_header(msg, "From"))
    subject = " ".join(_header(msg, "Subject").split())
    ids: list[str] = []
    for h in ("In-Reply-To", "References"):
        found = _MSGID.findall(_header(msg, h))
        ids += found if h == "In-Reply-To" else list(reversed(found))
    thread_ids = list(dict.fromkeys(ids))
    bounce = _bounce(msg)
    text, html_only = ("", False) if bounce else _body_text(msg)
    mid = _MSGID.search(_header(msg, "Message-ID"))
    return ParsedMail(  # NUL bytes removed (PostgreSQL text refuses them); ids longer than their column dropped
        message_id=mid.group(0) if mid and len(mid.group(0)) <= 300 else None,
        thread_ids=[i for i in thread_ids if len(i) <= 300], from_address=_clean(addr.strip().lower())[:320],
        from_name=_clean(name.strip())[:200], subject=_clean(subject)[:300], text=_clean(text)[:MAX_TEXT], html_only=html_only,
        auto_reply=bounce is None and is_auto_reply(msg), forward=bool(_FORWARD_SUBJECT.match(subject)), bounce=bounce)


def _clean(text: str) -> str:
    return text.replace("\x00", "")


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # noqa: BLE001 - a malformed header is as good as absent
        return ""
    return str(value) if value is not None else ""


# --- auto-replies ----------------------------------------------------------------------------

_AUTO_SUBJECT = re.compile(
    r"^\s*(?:out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?reply|autoreply|absence|absent|"
    r"r[ée]ponse automatique|respuesta autom[áa]tica|abwesenheit|automatische antwort)\b", re.IGNORECASE)


def is_auto_reply(msg: Message) -> bool:
    """RFC 3834 Auto-Submitted (other than "no"), X-Autoreply / X-Autorespond, Precedence
    bulk / auto_reply / junk, or an out-of-office subject."""
    auto = _header(msg, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return True
    if _header(msg, "X-Autoreply") or _header(msg, "X-Autorespond") or _header(msg, "X-Auto-Response-Suppress").lower() in ("all", "oof"):
        return True
    if _header(msg, "Precedence").strip().lower() in ("bulk", "auto_reply", "junk"):
        return True
    return bool(_AUTO_SUBJECT.match(_header(msg, "Subject")))


_MONTHS = {
    **{m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                    "september", "october", "november", "december"], 1)},
    **{m: i for i, m in enumerate(["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                    "septembre", "octobre", "novembre", "décembre"], 1)},
    **{m: i for i, m in enumerate(["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                                    "septiembre", "octubre", "noviembre", "diciembre"], 1)},
    **{m: i for i, m in enumerate(["januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
                                    "september", "oktober", "november", "dezember"], 1)},
    "fevrier": 2, "aout": 8, "decembre": 12, "marz": 3, "sept": 9,
}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_MONTH_ABBR = r"(?:" + _MONTH_RE + r"|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.?"
_RETURN_CUE = (r"(?:back|return(?:ing)?|returns|until|till|through|reachable|available|in the office|de retour|retour|"
               r"jusqu'?au|jusqu’au|à partir du|hasta el|hasta|de vuelta|vuelvo|regreso|zurück|bis zum|bis|ab dem|ab)")
_ISO = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?(" + _MONTH_ABBR + r")(?:\s+(?:de\s+)?(20\d\d))?\b", re.IGNORECASE)
_MDY = re.compile(r"\b(" + _MONTH_ABBR + r")\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(20\d\d))?\b", re.IGNORECASE)
_NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](20\d\d)\b")


def _month(token: str) -> int | None:
    t = token.lower().rstrip(".")
    if t in _MONTHS:
        return _MONTHS[t]
    return next((n for name, n in _MONTHS.items() if len(t) >= 3 and name.startswith(t)), None)


def return_date(text: str, *, today: date, horizon_days: int = 120) -> date | None:
    """The date an out-of-office message says its author is back ("back on 12 December",
    "until 2026-12-12", "de retour le 14 décembre"), if one follows a return cue and lies
    between today and ``horizon_days`` ahead; else None."""
    for cue in re.finditer(_RETURN_CUE, text, re.IGNORECASE):
        window = text[cue.end():cue.end() + 40]
        for d in _dates_in(window, today):
            if today <= d <= today + timedelta(days=horizon_days):
                return d
    return None


def _dates_in(window: str, today: date) -> list[date]:
    out: list[tuple[int, date]] = []

    def add(pos: int, y: int | None, m: int | None, d: int) -> None:
        if m is None:
            return
        for year in ([y] if y else [today.year, today.year + 1]):
            try:
                cand = date(year, m, d)
            except ValueError:
                continue
            if y or cand >= today:
                out.append((pos, cand))
                return

    for m in _ISO.finditer(window):
        add(m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for m in _DMY.finditer(window):
        add(m.start(), int(m.group(3)) if m.group(3) else None, _month(m.group(2)), int(m.group(1)))
    for m in _MDY.finditer(window):
        add(m.start(), int(m.group(3)) if m.group(3) else None, _month(m.group(1)), int(m.group(2)))
    for m in _NUMERIC.finditer(window):  # day first, as most of the world writes it
        add(m.start(), int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return [d for _, d in sorted(out, key=lambda x: x[0])]


# --- bounces (RFC 3464) ----------------------------------------------------------------------

def _bounce(msg: Message) -> Bounce | None:
    if msg.get_content_type() != "multipart/report" or (msg.get_param("report-type") or "").lower() != "delivery-status":
        return None
    recipients: list[str] = []
    hard, status, diagnostic, original = False, "", "", None
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            for block in _status_blocks(part):
                action = _header(block, "Action").strip().lower()
                st = _header(block, "Status").strip()
                rcpt = _header(block, "Final-Recipient") or _header(block, "Original-Recipient")
                if not action:
                    continue
                addr = _clean(rcpt.split(";", 1)[-1].strip().strip("<>").lower())
                if addr and len(addr) <= 320:
                    recipients.append(addr)
                status = status or st
                diagnostic = diagnostic or " ".join(_header(block, "Diagnostic-Code").split(";", 1)[-1].split())
                if action == "failed" and st.startswith("5"):
                    hard, status = True, st
        elif ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers") and original is None:
            original = _original_id(part)
    return Bounce(hard=hard, recipients=list(dict.fromkeys(recipients)), status=_clean(status)[:20],
                  diagnostic=_clean(diagnostic)[:300],
                  original_message_id=original)


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    raw = payload if isinstance(payload, str) else (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(b.strip().encode() + b"\n\n", headersonly=True) for b in re.split(r"\n\s*\n", raw) if b.strip()]


def _original_id(part: Message) -> str | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        mid = _header(payload[0], "Message-ID")
    else:
        raw = payload if isinstance(payload, str) else (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
        m = re.search(r"^Message-ID:\s*(.+)$", raw, re.IGNORECASE | re.MULTILINE)
        mid = m.group(1) if m else ""
    found = _MSGID.search(mid or "")
    return found.group(0) if found else None


# --- body text -------------------------------------------------------------------------------

def _body_text(msg: Message) -> tuple[str, bool]:
    """The text/plain body, else the HTML body converted to text (second value True)."""
    if isinstance(msg, EmailMessage):
        try:
            part = msg.get_body(preferencelist=("plain", "html"))
        except Exception:  # noqa: BLE001
            part = None
    else:
        part = None
    if part is None:
        return "", False
    try:
        content = part.get_content()
    except Exception:  # noqa: BLE001 - unknown charset: decode what we can
        content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    if not isinstance(content, str):
        return "", False
    if part.get_content_type() == "text/html":
        return html_to_text(content), True
    return content.replace("\r\n", "\n"), False


class _Text(HTMLParser):
    _BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.quote = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ANN001
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        elif tag == "blockquote":
            self.quote += 1
            self.out.append("\n")
        elif tag in self._BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.out.append("\n")
        elif tag in self._BLOCK:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.quote:
            data = "\n".join("> " + line if line.strip() else line for line in data.split("\n"))
        self.out.append(data)


def html_to_text(html: str) -> str:
    """Readable text of an HTML mail: block elements become line breaks, blockquotes become
    "> " quotes (so the stripper removes them), scripts and styles are dropped."""
    p = _Text()
    p.feed(html)
    p.close()
    lines = [" ".join(line.split()) if not line.startswith(">") else line.rstrip() for line in "".join(p.out).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- display version: quoted history and signature stripped ------------------------------------

_ATTRIBUTION = re.compile(  # "On Mon, 1 Dec 2026, Alex <a@b> wrote:" and its translations
    r"^\s*(?:on\b.{0,200}\bwrote|le\b.{0,200}\ba écrit|el\b.{0,200}\bescribió|am\b.{0,200}\bschrieb.{0,60})\s*:?\s*$",
    re.IGNORECASE)
_SEPARATOR = re.compile(  # everything after these is the quoted original, without "> " marks
    r"^\s*(?:-{2,}\s*(?:original message|message d'origine|mensaje original|ursprüngliche nachricht|forwarded message)\s*-{2,}|_{5,})\s*$",
    re.IGNORECASE)
_OUTLOOK_FROM = re.compile(r"^\s*(?:from|de|von)\s*:", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(r"^\s*(?:sent|date|envoyé|enviado|gesendet|to|à|para|an|subject|objet|asunto|betreff)\s*:", re.IGNORECASE)
_SIGNATURE = re.compile(r"^(?:-- ?|--|sent from my \w+.*|envoyé de mon \w+.*|enviado desde mi \w+.*|get outlook for \w+.*)$",
                        re.IGNORECASE)


def display_text(text: str) -> str:
    """The new part of a reply: without the quoted history ("> " lines and the "On … wrote:"
    line before them, or everything after "-----Original Message-----" / an Outlook "From: …
    Sent: …" block) and without the signature ("-- "). Answers written below or between quotes
    are kept. Empty when the mail adds nothing (never the quoted text instead)."""
    lines = text.replace("\r\n", "\n").split("\n")
    keep: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if _SIGNATURE.match(stripped) or _SEPARATOR.match(line):
            break
        if stripped.startswith(">"):
            continue  # quoted; an answer below or between quotes is still kept
        if _OUTLOOK_FROM.match(line) and any(_OUTLOOK_NEXT.match(x) for x in lines[i + 1:i + 4]):
            break
        if _ATTRIBUTION.match(line):
            rest = next((x.strip() for x in lines[i + 1:] if x.strip()), "")
            if rest.startswith(">"):
                continue
            break  # the attribution of an unmarked quote: the rest is history
        keep.append(line)
    out = "\n".join(keep).strip()
    return re.sub(r"\n{3,}", "\n\n", out)


def gist(text: str, limit: int = 280) -> str:
    """The first words of the display text, on one line (for notifications)."""
    one = " ".join(display_text(text).split()) or "(no new text: only the quoted history)"
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"


def addresses(value: str) -> list[str]:
    """Lower-cased addresses of an address-list header value."""
    return [a.strip().lower() for _, a in getaddresses([value]) if a]
