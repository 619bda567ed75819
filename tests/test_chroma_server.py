"""The vector store against a real Chroma server (``KOLPILOT_CHROMA_URL`` deployments):
a ``chroma run`` subprocess on a free loopback port, telemetry off, torn down afterwards."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from memory.vectors import VectorIndex, VectorIndexError, VectorItem

pytestmark = pytest.mark.slow

STARTUP_TIMEOUT_S = 30.0


class FakeEmbedder:
    """Deterministic bag-of-words hashing embedder (the server is what is under test here)."""

    name = "fake-srv"
    dimension = 32

    def embed(self, texts: list[str]) -> list[list[float]]:
        out = []
        for text in texts:
            v = [0.0] * self.dimension
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                h = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "big")
                v[h % self.dimension] += 1.0
            norm = math.sqrt(sum(x * x for x in v)) or 1.0
            out.append([x / norm for x in v])
        return out


ITEMS = [
    VectorItem(id="1", text="skincare serum for sensitive skin routine", metadata={"kind": "influencer"}),
    VectorItem(id="2", text="pc gaming streams and esports tournaments", metadata={"kind": "influencer"}),
    VectorItem(id="3", text="dermatologist explains acne and sensitive skin science", metadata={"kind": "kol"}),
    VectorItem(id="4", text="budget travel beaches and street food", metadata={"kind": "influencer"}),
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _heartbeat(url: str) -> bool:
    # No proxy handler: a configured HTTP(S)_PROXY must not intercept loopback calls.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/api/v2/heartbeat", timeout=1) as resp:
            return resp.status == 200 and any("heartbeat" in k for k in json.loads(resp.read()))
    except OSError:
        return False


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `chroma run` server for this module; yields its URL."""
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.fail(f"the chroma console script is missing at {chroma} (is chromadb installed in this venv?)")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log_path = data.parent / f"chroma-server-{port}.log"
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update({"ANONYMIZED_TELEMETRY": "False", "CHROMA_TELEMETRY": "False", "NO_PROXY": "127.0.0.1,localhost"})
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its own process group: teardown stops every child it spawned
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _heartbeat(url):
            if proc.poll() is not None:
                pytest.fail(f"chroma server exited with {proc.returncode}: {log_path.read_text(errors='replace')[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"chroma server not up after {STARTUP_TIMEOUT_S:.0f}s: {log_path.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def test_vector_index_over_http(chroma_server: str) -> None:
    vi = VectorIndex(embedder=FakeEmbedder(), url=chroma_server)
    try:
        vi.reset("srv", "creators")
        vi.upsert("srv", "creators", ITEMS)
        assert vi.count("srv", "creators") == 4
        hits = vi.query("srv", "creators", "dermatologist sensitive skin science", n=2)
        assert hits[0].id == "3" and hits[0].score > hits[1].score
        assert hits[0].metadata["kind"] == "kol"
        assert vi.query("srv", "creators", "skin", where={"kind": "kol"})[0].id == "3"
        sims = vi.similarity("srv", "creators", "sensitive skin", ["1", "2", "nope"])
        assert set(sims) == {"1", "2"} and sims["1"] > sims["2"]
        vi.delete("srv", "creators", ["2"])
        assert vi.count("srv", "creators") == 3
        # Workspaces stay apart on a shared server too.
        assert vi.count("other", "creators") == 0
    finally:
        vi.close()


def test_a_second_client_sees_the_same_server_data(chroma_server: str) -> None:
    writer = VectorIndex(embedder=FakeEmbedder(), url=chroma_server + "/")
    reader = VectorIndex(embedder=FakeEmbedder(), url=chroma_server)
    try:
        writer.upsert("shared", "collaborations", [VectorItem(id="7", text="reel for a skincare launch", metadata={"stage": "paid"})])
        assert reader.count("shared", "collaborations") == 1
        # A reset from one client must not leave the other with a dead collection handle.
        writer.reset("shared", "collaborations")
        writer.upsert("shared", "collaborations", [VectorItem(id="8", text="podcast episode", metadata={"stage": "posted"})])
        assert [h.id for h in reader.query("shared", "collaborations", "podcast", n=5)] == ["8"]
    finally:
        writer.close()
        reader.close()


def test_an_unreachable_server_is_a_clear_error() -> None:
    vi = VectorIndex(embedder=FakeEmbedder(), url=f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(VectorIndexError, match="cannot reach the Chroma server"):
        vi.count("ws", "creators")
