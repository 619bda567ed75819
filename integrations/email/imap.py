"""Reading creators' replies from an IMAP mailbox (``KOLPILOT_IMAP_URL``) with imapclient.

``KOLPILOT_IMAP_URL`` decides the transport, like ``KOLPILOT_SMTP_URL``:

- ``imaps://user:pass@host[:993]`` — TLS from the first byte;
- ``imap://user:pass@host[:143]`` — STARTTLS (required); ``?starttls=0`` for plain IMAP to a
  local server (tests, a relay on loopback);
- ``?auth=xoauth2`` logs in with SASL XOAUTH2, the password field being the OAuth2 access
  token (Gmail, Microsoft 365); ``?timeout=30`` seconds, ``?cafile=/path/ca.pem``, ``?verify=0``.

The mailbox is only ever *read*: it is opened with EXAMINE (read-only) and bodies are fetched
with ``BODY.PEEK[]``, so no flag changes (mail stays unread for the people who share the
inbox) and nothing is moved or deleted. What was already handled is known from kolpilot's own
database (``processed_event``), keyed by UIDVALIDITY and UID.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from integrations.email.server_url import TlsSettings, parse_server_url

__all__ = ["FetchedMail", "ImapConfig", "ImapConfigError", "ImapError", "ImapInbox", "ImapUnreachableError"]

FETCH_BATCH = 50


class ImapError(Exception):
    """The mailbox could not be read."""


class ImapConfigError(ImapError):
    """The IMAP configuration is wrong (URL, TLS, login, folder): fix it, then the inbox resumes."""


class ImapUnreachableError(ImapError):
    """The server could not be reached (refused, DNS, timeout, dropped): try again next pass."""


@dataclass(frozen=True)
class ImapConfig:
    """Where and how to connect, parsed from ``KOLPILOT_IMAP_URL``."""

    host: str
    port: int
    security: str  # "ssl" | "starttls" | "plain"
    username: str | None = None
    password: str | None = None
    auth: str = "login"  # "login" | "xoauth2"
    timeout: float = 30.0
    cafile: str | None = None
    verify: bool = True

    @classmethod
    def from_url(cls, url: str) -> ImapConfig:
        """Parse ``imap://`` / ``imaps://`` URLs (see the module docstring); ImapConfigError if invalid."""
        u = parse_server_url(url, setting="KOLPILOT_IMAP_URL", schemes={"imap": (False, 143), "imaps": (True, 993)},
                             error=ImapConfigError)
        if u.secure:
            security = "ssl"
        else:
            security = "plain" if u.query.get("starttls", "1").lower() in ("0", "false", "no") else "starttls"
        auth = u.query.get("auth", "login").lower()
        if auth not in ("login", "xoauth2"):
            raise ImapConfigError(f"KOLPILOT_IMAP_URL auth must be login or xoauth2, got {auth!r}")
        if not u.username:
            raise ImapConfigError("KOLPILOT_IMAP_URL has no user name (imaps://user:password@host)")
        return cls(host=u.host, port=u.port, security=security, username=u.username, password=u.password, auth=auth,
                   timeout=u.timeout, cafile=u.tls.cafile, verify=u.tls.verify)

    def ssl_context(self) -> ssl.SSLContext:
        return TlsSettings(self.cafile, self.verify).ssl_context()

    def describe(self) -> str:
        """Host, port and security, never the credentials (for logs and messages)."""
        return f"{self.host}:{self.port} ({self.security}, {self.auth})"


@dataclass(frozen=True)
class FetchedMail:
    uid: int
    raw: bytes


class ImapInbox:
    """One read-only session on one folder: ``with ImapInbox(config, "INBOX") as box: ...``."""

    def __init__(self, config: ImapConfig, folder: str) -> None:
        self.config = config
        self.folder = folder
        self.uidvalidity: int = 0
        self._client = None

    def __enter__(self) -> ImapInbox:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Connect, secure, log in and EXAMINE the folder (read-only)."""
        from imapclient import IMAPClient
        from imapclient.exceptions import IMAPClientError, LoginError

        cfg = self.config
        where = cfg.describe()
        try:
            client = IMAPClient(cfg.host, port=cfg.port, ssl=cfg.security == "ssl", timeout=cfg.timeout,
                                ssl_context=cfg.ssl_context() if cfg.security == "ssl" else None)
        except (TimeoutError, OSError) as exc:
            raise ImapUnreachableError(f"IMAP server unreachable: {where}: {exc}") from None
        self._client = client
        try:
            if cfg.security == "starttls":
                try:
                    client.starttls(cfg.ssl_context())
                except (IMAPClientError, ssl.SSLError) as exc:
                    raise ImapConfigError(f"STARTTLS failed on {where}: {exc} (use imaps:// or ?starttls=0 for a local server)") from None
            try:
                if cfg.auth == "xoauth2":
                    client.oauth2_login(cfg.username, cfg.password or "")
                else:
                    client.login(cfg.username, cfg.password or "")
            except (LoginError, IMAPClientError) as exc:
                raise ImapConfigError(f"IMAP login refused by {where}: {_one_line(exc)}") from None
            try:
                info = client.select_folder(self.folder, readonly=True)
            except IMAPClientError as exc:
                raise ImapConfigError(f"IMAP folder {self.folder!r} cannot be opened on {where}: {_one_line(exc)}") from None
            self.uidvalidity = int(info.get(b"UIDVALIDITY") or 0)
        except ImapError:
            self.close()
            raise
        except (TimeoutError, OSError) as exc:
            self.close()
            raise ImapUnreachableError(f"IMAP server unreachable: {where}: {exc}") from None

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # noqa: BLE001 - a dead connection is closed either way
            try:
                client.shutdown()
            except Exception:  # noqa: BLE001
                pass

    @property
    def supports_idle(self) -> bool:
        return self._client is not None and self._client.has_capability("IDLE")

    def uids_since(self, day: date) -> list[int]:
        """UIDs of the messages that arrived on or after ``day`` (IMAP SEARCH SINCE, the server's date)."""
        return sorted(int(u) for u in self._call(lambda c: c.search(["SINCE", day])))

    def fetch(self, uids: list[int]) -> Iterator[FetchedMail]:
        """The raw messages, oldest first, in batches; BODY.PEEK never sets \\Seen."""
        for i in range(0, len(uids), FETCH_BATCH):
            chunk = uids[i:i + FETCH_BATCH]
            data = self._call(lambda c, chunk=chunk: c.fetch(chunk, ["BODY.PEEK[]"]))
            for uid in chunk:
                row = data.get(uid) or {}
                raw = row.get(b"BODY[]")
                if raw is not None:
                    yield FetchedMail(uid=uid, raw=bytes(raw))

    def idle_wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the server to announce new mail (IDLE); True if it did."""
        def wait(c):  # noqa: ANN001, ANN202
            c.idle()
            try:
                return c.idle_check(timeout=seconds)
            finally:
                c.idle_done()
        return bool(self._call(wait))

    def _call(self, fn):  # noqa: ANN001, ANN202
        from imapclient.exceptions import IMAPClientError

        if self._client is None:
            raise ImapError("the IMAP session is closed")
        try:
            return fn(self._client)
        except (TimeoutError, OSError) as exc:
            raise ImapUnreachableError(f"IMAP connection lost: {self.config.describe()}: {exc}") from None
        except IMAPClientError as exc:
            raise ImapError(f"IMAP error on {self.config.describe()}: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text.splitlines()[0] if text else type(exc).__name__
