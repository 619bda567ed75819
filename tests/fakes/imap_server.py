"""A real IMAP server on loopback for tests: pymap (pure-Python IMAP4rev1, in-memory ``dict``
backend) run as a subprocess on an ephemeral port, with one user.

``FakeImap().start()`` waits until the server accepts connections (bounded polling, no fixed
sleep); ``append(raw)`` drops a message into a folder with IMAP APPEND (as a mail server
delivering it would); ``flags()`` reads the flags back so tests can check that nothing was
marked read. ``url`` is a ``KOLPILOT_IMAP_URL`` for it (plain IMAP: ``?starttls=0``; with
``starttls=(cert, key)`` the server offers STARTTLS and the URL trusts that certificate).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

USER, PASSWORD = "replies@lumiere.example", "imap-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeImap:
    def __init__(self, *, user: str = USER, password: str = PASSWORD, starttls: tuple[Path, Path] | None = None) -> None:
        self.user, self.password = user, password
        self.starttls = starttls  # (cert, key): offer STARTTLS with this certificate
        self.port = _free_port()
        self._proc: subprocess.Popen | None = None

    def start(self) -> FakeImap:
        exe = Path(sys.executable).with_name("pymap")
        if not exe.exists():
            exe = Path(shutil.which("pymap") or "pymap")
        self._proc = subprocess.Popen(
            [str(exe), "--host", "127.0.0.1", "--port", str(self.port),
             *(["--cert", str(self.starttls[0]), "--key", str(self.starttls[1])] if self.starttls else ["--no-tls"]), "dict",
             "--demo-user", self.user, "--demo-password", self.password],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"pymap exited: {self._proc.stderr.read().decode(errors='replace')[-500:]}")  # type: ignore[union-attr]
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as c:
                    if c.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("pymap did not start within 30 s")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stderr:
                proc.stderr.close()

    def __enter__(self) -> FakeImap:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        from urllib.parse import quote

        auth = f"{quote(self.user, safe='')}:{quote(self.password, safe='')}"
        if self.starttls:
            return f"imap://{auth}@127.0.0.1:{self.port}?cafile={quote(str(self.starttls[0]))}"
        return f"imap://{auth}@127.0.0.1:{self.port}?starttls=0"

    def _client(self):  # noqa: ANN202
        from imapclient import IMAPClient

        c = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        c.login(self.user, self.password)
        return c

    def append(self, raw: bytes | str, folder: str = "INBOX") -> None:
        """Deliver a message (CRLF line ends, as on the wire)."""
        data = raw.encode() if isinstance(raw, str) else raw
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        c = self._client()
        try:
            c.append(folder, data)
        finally:
            c.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        """UID -> flags of every message in the folder (read-only)."""
        c = self._client()
        try:
            c.select_folder(folder, readonly=True)
            uids = c.search(["ALL"])
            return {uid: tuple(v[b"FLAGS"]) for uid, v in c.fetch(uids, ["FLAGS"]).items()} if uids else {}
        finally:
            c.logout()
