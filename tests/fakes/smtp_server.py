"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd in a background thread).

``FakeSmtp`` records every accepted message (envelope sender, recipients, parsed email) and
can be told to fail: ``fail_next(n, code, text)`` answers the next ``n`` DATA commands with an
error (``451`` temporary, ``550`` permanent); ``refuse(address, code)`` refuses a recipient at
RCPT time; ``drop_next(n)`` takes the content of the next ``n`` messages (recorded: a real
server may deliver them) and closes the connection without the 250 reply. Options: ``auth=(user, password)`` requires AUTH (over plain SMTP unless TLS is
given), ``starttls=cert_and_key`` offers and requires STARTTLS, ``implicit_tls=...`` serves
SMTPS. ``self_signed_cert(dir)`` makes a certificate for 127.0.0.1/localhost with openssl.
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
import threading
import warnings
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

__all__ = ["FakeSmtp", "Received", "self_signed_cert"]


@dataclass
class Received:
    """One accepted message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        return body.get_content().replace("\r\n", "\n") if body is not None else ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """(cert.pem, key.pem) valid for 127.0.0.1 and localhost, generated with the openssl CLI."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


class _Controller(Controller):
    def factory(self):  # noqa: ANN201
        # Implicit TLS + AUTH: aiosmtpd warns that AUTH does not require STARTTLS, but the whole
        # connection is already encrypted.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
            return super().factory()


class _Handler:
    def __init__(self, server: FakeSmtp) -> None:
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        with self.server._lock:
            code = self.server._refused.get(address.lower())
        if code is not None:
            return f"{code} {'5.1.1 mailbox unavailable' if code >= 500 else '4.2.1 try again later'}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        with self.server._lock:
            self.server.attempts += 1
            if self.server._failures:
                code, text = self.server._failures.pop(0)
                return f"{code} {text}"
            raw = envelope.original_content or envelope.content
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            self.server.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg, raw))  # type: ignore[arg-type]
            if self.server._drops:
                self.server._drops -= 1
                server.transport.abort()  # gone before the reply
        return "250 Message accepted for delivery"


class FakeSmtp:
    """The server; a context manager. ``url`` is the KOLPILOT_SMTP_URL to reach it."""

    def __init__(self, *, auth: tuple[str, str] | None = None, starttls: tuple[Path, Path] | None = None,
                 implicit_tls: tuple[Path, Path] | None = None) -> None:
        self.received: list[Received] = []
        self.attempts = 0
        self.auth = auth
        self.starttls = starttls
        self.implicit_tls = implicit_tls
        self._failures: list[tuple[int, str]] = []
        self._refused: dict[str, int] = {}
        self._drops = 0
        self._lock = threading.Lock()
        self.port = _free_port()
        self._controller: Controller | None = None

    def _authenticator(self, server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN201
        ok = isinstance(auth_data, LoginPassword) and self.auth is not None and (
            auth_data.login.decode(), auth_data.password.decode()) == self.auth
        return AuthResult(success=ok, handled=False)

    def start(self) -> FakeSmtp:
        kwargs: dict = {}
        if self.auth is not None:
            kwargs.update(authenticator=self._authenticator, auth_required=True,
                          # aiosmtpd only counts STARTTLS as TLS; with implicit TLS the whole session is encrypted.
                          auth_require_tls=self.starttls is not None)
        if self.starttls is not None:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*map(str, self.starttls))
            kwargs.update(tls_context=ctx, require_starttls=True)
        if self.implicit_tls is not None:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*map(str, self.implicit_tls))
            kwargs.update(ssl_context=ctx)
        self._controller = _Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> FakeSmtp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        user = f"{self.auth[0]}:{self.auth[1]}@" if self.auth else ""
        query = "?starttls=1" if self.starttls else ""
        return f"{scheme}://{user}127.0.0.1:{self.port}{query}"

    def fail_next(self, n: int, code: int = 451, text: str = "4.3.0 Try again later") -> None:
        """Answer the next ``n`` DATA commands with ``code text``."""
        with self._lock:
            self._failures += [(code, text)] * n

    def drop_next(self, n: int = 1) -> None:
        """Take the next ``n`` messages, then close the connection before answering."""
        with self._lock:
            self._drops += n

    def refuse(self, address: str, code: int = 550) -> None:
        """Refuse this recipient at RCPT time."""
        with self._lock:
            self._refused[address.lower()] = code

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]
