"""The part of ``KOLPILOT_SMTP_URL`` and ``KOLPILOT_IMAP_URL`` both share: host, port, user and
password (percent-decoded), ``?timeout=``, ``?cafile=``, ``?verify=0``, and the TLS context.

Each protocol decides its own schemes, default ports and security rule from what this returns.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["ServerUrl", "TlsSettings", "parse_server_url"]


@dataclass(frozen=True)
class TlsSettings:
    """Certificate checks of a mail-server connection."""

    cafile: str | None = None
    verify: bool = True

    def ssl_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=self.cafile)
        if not self.verify:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        return ctx


@dataclass(frozen=True)
class ServerUrl:
    """A parsed mail-server URL (one scheme of ``schemes``)."""

    scheme: str
    secure: bool  # the implicit-TLS scheme (smtps, imaps)
    host: str
    port: int
    username: str | None
    password: str | None
    query: dict[str, str]
    timeout: float
    tls: TlsSettings


def parse_server_url(url: str, *, setting: str, schemes: dict[str, tuple[bool, int]],
                     error: type[Exception]) -> ServerUrl:
    """Parse ``url`` for ``setting`` (e.g. "KOLPILOT_SMTP_URL"); ``schemes`` maps each allowed
    scheme to (implicit TLS?, default port). Raises ``error`` with a one-line reason."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        allowed = " or ".join(f"{s}://" for s in schemes)
        raise error(f"{setting} must start with {allowed}, got {scheme or 'nothing'}://")
    if not parts.hostname:
        raise error(f"{setting} has no host")
    secure, default_port = schemes[scheme]
    try:
        port = parts.port or default_port
    except ValueError:
        raise error(f"{setting} has an invalid port") from None
    query = {k.lower(): v[-1] for k, v in parse_qs(parts.query).items()}
    try:
        timeout = float(query.get("timeout", 30))
    except ValueError:
        raise error(f"{setting} timeout must be a number of seconds") from None
    return ServerUrl(
        scheme=scheme, secure=secure, host=parts.hostname, port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        query=query, timeout=timeout,
        tls=TlsSettings(cafile=query.get("cafile"), verify=query.get("verify", "1").lower() not in ("0", "false", "no")),
    )
