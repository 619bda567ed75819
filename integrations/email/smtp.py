"""Sending email over SMTP with the standard library.

``KOLPILOT_SMTP_URL`` decides the transport:

- ``smtps://user:pass@host[:465]`` — TLS from the first byte (implicit TLS);
- ``smtp://user:pass@host[:587]`` — STARTTLS on port 587 (the default port), or on any port
  with ``?starttls=1``; plain SMTP on other ports (a local relay, tests);
- ``?timeout=30`` seconds per operation, ``?cafile=/path/ca.pem`` to trust a private CA,
  ``?verify=0`` to skip certificate checks (never in production).

User and password in the URL are percent-decoded and used for AUTH. Failures are sorted
into what the caller must do: ``SmtpUnreachableError`` (connection refused, DNS, timeout or
a dropped connection before the DATA command: the message never left us, so nothing is
charged to it and the rest of the queue would fail the same way), ``TemporarySendError``
(4xx, or the connection lost after DATA: retry later with the same Message-ID),
``PermanentSendError`` (5xx: the message cannot be delivered) and ``SmtpConfigError`` (bad
URL, login refused: fix the configuration; nothing is charged to the message either).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from urllib.parse import quote

from integrations.email.server_url import TlsSettings, parse_server_url

__all__ = [
    "PermanentSendError", "SendError", "SmtpConfig", "SmtpConfigError", "SmtpSender", "SmtpUnreachableError",
    "TemporarySendError",
    "build_message", "make_message_id",
]


class SendError(Exception):
    """A message could not be handed to the SMTP server."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class TemporarySendError(SendError):
    """Try again later (4xx reply, timeout, connection refused or dropped)."""


class SmtpUnreachableError(TemporarySendError):
    """The server could not be reached or dropped us before the message content was sent."""


class PermanentSendError(SendError):
    """The server refused the message for good (5xx): do not retry."""


class SmtpConfigError(SendError):
    """The SMTP configuration is wrong (URL, TLS, login): fix it, then the queue resumes."""


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to connect, parsed from ``KOLPILOT_SMTP_URL``."""

    host: str
    port: int
    security: str  # "ssl" | "starttls" | "plain"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    cafile: str | None = None
    verify: bool = True

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        """Parse ``smtp://`` / ``smtps://`` URLs (see the module docstring); SmtpConfigError if invalid."""
        u = parse_server_url(url, setting="KOLPILOT_SMTP_URL", schemes={"smtp": (False, 587), "smtps": (True, 465)},
                             error=SmtpConfigError)
        starttls = u.query.get("starttls")
        if u.secure:
            security = "ssl"
        elif starttls is not None:
            security = "starttls" if starttls.lower() in ("1", "true", "yes") else "plain"
        else:
            security = "starttls" if u.port == 587 else "plain"
        return cls(host=u.host, port=u.port, security=security, username=u.username, password=u.password,
                   timeout=u.timeout, cafile=u.tls.cafile, verify=u.tls.verify)

    def ssl_context(self) -> ssl.SSLContext:
        return TlsSettings(self.cafile, self.verify).ssl_context()

    def describe(self) -> str:
        """Host, port and security, never the credentials (for logs and messages)."""
        return f"{self.host}:{self.port} ({self.security}{', auth' if self.username else ''})"


def make_message_id(sender_email: str | None) -> str:
    """A globally unique Message-ID on the sender's domain (generated once per message and stored)."""
    domain = (sender_email or "").rpartition("@")[2] or "kolpilot.local"
    return f"<{uuid.uuid4().hex}@{domain}>"


def build_message(
    *,
    sender_email: str,
    sender_name: str | None,
    to: str,
    subject: str,
    body: str,
    message_id: str,
    reply_to: str | None = None,
    unsubscribe_url: str | None = None,
    unsubscribe_mailto: str | None = None,
    in_reply_to: str | None = None,
    date: float | None = None,
) -> EmailMessage:
    """A plain-text email with the headers outreach needs: Message-ID (stored beforehand so a
    retry reuses it), Reply-To, List-Unsubscribe (+ one-click List-Unsubscribe-Post for an
    https URL) and, for follow-ups, In-Reply-To/References so they thread under the first email."""
    msg = EmailMessage()
    msg["From"] = formataddr((sender_name or "", sender_email))
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(date, localtime=False, usegmt=True)
    msg["Message-ID"] = message_id
    if reply_to:
        msg["Reply-To"] = reply_to
    targets = []
    if unsubscribe_mailto:
        targets.append(f"<mailto:{unsubscribe_mailto}?subject={quote('unsubscribe')}>")
    if unsubscribe_url:
        token = quote(message_id.strip("<>").split("@")[0])
        sep = "&" if "?" in unsubscribe_url else "?"
        url = f"{unsubscribe_url}{sep}m={token}"
        targets.append(f"<{url}>")
        if url.startswith("https://"):
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if targets:
        msg["List-Unsubscribe"] = ", ".join(targets)
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg.set_content(body)
    return msg


def _classify(exc: BaseException) -> SendError:
    """Sort an smtplib/socket exception into temporary, permanent or configuration trouble."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SmtpConfigError(f"SMTP login refused ({exc.smtp_code}); check the user and password in KOLPILOT_SMTP_URL",
                               exc.smtp_code)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return SmtpConfigError(f"SMTP server does not support a required feature: {_text(exc)}")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(f"{rcpt}: {code} {_decode(text)}" for rcpt, (code, text) in exc.recipients.items())
        if codes and all(c >= 500 for c in codes):
            return PermanentSendError(f"recipient refused: {detail}", codes[0])
        return TemporarySendError(f"recipient deferred: {detail}", codes[0] if codes else None)
    if isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, _decode(exc.smtp_error)
        if 400 <= code < 500:
            return TemporarySendError(f"{code} {text}", code)
        if code >= 500:
            return PermanentSendError(f"{code} {text}", code)
        return TemporarySendError(f"unexpected reply {code} {text}", code)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return SmtpConfigError(f"TLS certificate rejected: {exc.verify_message or exc}")
    if isinstance(exc, smtplib.SMTPServerDisconnected | socket.timeout | TimeoutError | ConnectionError | OSError):
        return TemporarySendError(f"connection problem: {_text(exc)}")
    if isinstance(exc, smtplib.SMTPException):
        return TemporarySendError(_text(exc))
    return TemporarySendError(f"{type(exc).__name__}: {_text(exc)}")


def _decode(value: bytes | str) -> str:
    return (value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)).replace("\n", " ")[:300]


def _text(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:300]


class _TracksData:
    """Remembers whether DATA was issued: before it, the server has nothing of the message."""

    data_started = False

    def data(self, msg):  # noqa: ANN001, ANN201
        self.data_started = True
        return super().data(msg)  # type: ignore[misc]


class _SMTP(_TracksData, smtplib.SMTP):
    pass


class _SMTPSSL(_TracksData, smtplib.SMTP_SSL):
    pass


def _is_connection_error(exc: BaseException) -> bool:
    """Refused, DNS, timeout, reset, closed — not a reply of the server."""
    return isinstance(exc, smtplib.SMTPServerDisconnected) or (
        isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException))


class SmtpSender:
    """One SMTP connection, opened on the first send and reused; a context manager.

    After an error the connection is dropped and the next send reconnects, so one bad
    message never poisons the rest of a batch. A reused connection the server closed while
    idle is reopened once before the failure counts.
    """

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._conn: _SMTP | _SMTPSSL | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self) -> _SMTP | _SMTPSSL:
        """Connect, greet, TLS and log in. Login and certificate trouble is SmtpConfigError;
        anything else here means the server is unreachable (SmtpUnreachableError)."""
        c = self.config
        logging_in = False
        try:
            if c.security == "ssl":
                conn: _SMTP | _SMTPSSL = _SMTPSSL(c.host, c.port, timeout=c.timeout, context=c.ssl_context())
            else:
                conn = _SMTP(c.host, c.port, timeout=c.timeout)
            conn.ehlo()
            if c.security == "starttls":
                conn.starttls(context=c.ssl_context())
                conn.ehlo()
            if c.username:
                logging_in = True
                conn.login(c.username, c.password or "")
        except Exception as exc:
            err = _classify(exc)
            if isinstance(err, SmtpConfigError):
                raise err from None
            if logging_in and not _is_connection_error(exc):
                raise SmtpConfigError(f"SMTP login failed: {_text(exc)}") from None
            raise SmtpUnreachableError(f"{c.describe()}: {_text(exc)}") from None
        return conn

    def send(self, message: EmailMessage, *, sender: str, recipients: list[str]) -> None:
        """Hand one message to the server; raises a SendError subclass on failure
        (SmtpUnreachableError when the failure came before DATA and was not a server reply)."""
        reused = self._conn is not None
        if self._conn is None:
            self._conn = self._connect()
        conn = self._conn
        conn.data_started = False
        try:
            refused = conn.send_message(message, from_addr=sender, to_addrs=recipients)
        except Exception as exc:
            self.close()
            if not conn.data_started and _is_connection_error(exc):
                if reused:  # closed while idle: one fresh connection decides
                    return self.send(message, sender=sender, recipients=recipients)
                raise SmtpUnreachableError(f"{self.config.describe()}: {_text(exc)}") from None
            raise _classify(exc) from None
        if refused:  # some recipients refused, others accepted: we send to one recipient, so this is rare
            detail = "; ".join(f"{r}: {code}" for r, (code, _) in refused.items())
            raise PermanentSendError(f"recipient refused: {detail}")

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except Exception:  # noqa: BLE001 - closing a broken connection
                try:
                    self._conn.close()
                except Exception:  # noqa: BLE001
                    pass
            self._conn = None
