"""Test infrastructure shared by every test.

- Every test starts without KOLPILOT_*, OPENAI_* or SLACK_* variables.
- Any connection to a non-loopback address fails the test (tests never touch the network).
- ``sqlite_engine`` / ``pg_engine``: a fresh, migrated database per test module.
  PostgreSQL tests run when KOLPILOT_TEST_POSTGRES_URL is set (``.ci/run`` sets it); with
  CI=true an unreachable server fails the run instead of skipping.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
# Read before the autouse fixture clears KOLPILOT_* for each test.
POSTGRES_URL = os.environ.get("KOLPILOT_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"

_CLEARED_PREFIXES = ("KOLPILOT_", "OPENAI_", "SLACK_")
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return True  # AF_UNIX paths (bytes/str) and others are local
    if host in ("localhost", "") or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


class NetworkBlocked(RuntimeError):
    pass


def _guarded_connect(self: socket.socket, address, *args):  # noqa: ANN001
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(host):
        raise NetworkBlocked(f"test tried to connect to non-loopback address {address!r}")
    return _real_connect(self, address, *args)


def _guarded_connect_ex(self: socket.socket, address, *args):  # noqa: ANN001
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(host):
        raise NetworkBlocked(f"test tried to connect to non-loopback address {address!r}")
    return _real_connect_ex(self, address, *args)


def _guarded_getaddrinfo(host, *args, **kwargs):  # noqa: ANN001
    if isinstance(host, bytes):
        host = host.decode()
    if host is not None and not _is_loopback(host):
        raise NetworkBlocked(f"test tried to resolve non-loopback host {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key in list(os.environ):
        if key.startswith(_CLEARED_PREFIXES):
            monkeypatch.delenv(key, raising=False)
    # Chroma and HF libraries must never phone home.
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    yield


@pytest.fixture
def settings(tmp_path: Path):
    """Settings for a test: embedded stores under tmp_path, no .env file, offline."""
    from agent.settings import Settings

    return Settings(_env_file=None, data_dir=tmp_path / "data")


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory):
    """A fresh, migrated SQLite file (WAL) for the test module."""
    from memory.db import make_engine, upgrade

    path = tmp_path_factory.mktemp("sqlite") / "kolpilot.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def pg_engine():
    """A fresh, migrated PostgreSQL schema for the test module (skipped without a server
    unless CI=true, where a missing or unreachable server fails)."""
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("CI=true but KOLPILOT_TEST_POSTGRES_URL is not set")
        pytest.skip("KOLPILOT_TEST_POSTGRES_URL not set")
    from sqlalchemy import text

    from memory.db import make_engine, upgrade

    admin = make_engine(POSTGRES_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001
        if IN_CI:
            pytest.fail(f"PostgreSQL unreachable at {POSTGRES_URL}: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    engine = make_engine(POSTGRES_URL, schema=schema)
    upgrade(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest):
    """The same test on both backends."""
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")


@pytest.fixture
def sessions(engine):
    from memory.db import session_factory

    return session_factory(engine)


@pytest.fixture
def workspace_id(sessions) -> str:
    """A fresh workspace per test, so tests sharing a module database never see each other's rows."""
    from memory.db import session_scope
    from memory.repo.workspaces import ensure_workspace

    wid = f"T{uuid.uuid4().hex[:10]}"
    with session_scope(sessions) as s:
        ensure_workspace(s, workspace_id=wid)
    return wid
