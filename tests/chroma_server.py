"""Session fixture: a real Chroma server (`chroma run`, from the chromadb package) on loopback.

One server per test session on 127.0.0.1 and a free port, its data in a temporary folder; the
`chroma` fixture gives each test an empty server (every collection dropped) and sets
COPILOT_CHROMA_URL. A test may stop and start it (what a down server does); the fixture
starts it again for the next test. Without the binary the tests skip, with the reason; under
the CI variable they fail instead of hiding.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

HEARTBEAT = "/api/v2/heartbeat"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _binary() -> str | None:
    beside = Path(sys.executable).with_name("chroma")  # the venv's own, not one on PATH
    return str(beside) if beside.is_file() else shutil.which("chroma")


class ChromaServer:
    def __init__(self, binary: str, path: Path) -> None:
        self.binary, self.path = binary, path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._proc: subprocess.Popen | None = None

    def start(self, wait: float = 60.0) -> None:
        log = open(self.path.parent / "chroma.log", "ab")  # noqa: SIM115 - the child's stdout
        self._proc = subprocess.Popen(
            [self.binary, "run", "--path", str(self.path), "--host", "127.0.0.1",
             "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
        log.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self._proc.returncode}: "
                                   f"{self.log_tail()}")
            if self.up():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"chroma run did not answer in {wait:.0f} s: {self.log_tail()}")

    def up(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + HEARTBEAT, timeout=1) as reply:
                return reply.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(10)
        self._proc = None

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log_tail(self) -> str:
        log = self.path.parent / "chroma.log"
        return log.read_text(errors="replace")[-600:] if log.is_file() else ""

    def wipe(self) -> None:
        """Drop every collection: each test starts from an empty server."""
        import chromadb
        from chromadb.config import Settings

        client = chromadb.HttpClient(host="127.0.0.1", port=self.port,
                                     settings=Settings(anonymized_telemetry=False))
        for col in client.list_collections():
            client.delete_collection(col.name)


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"the Chroma server tests cannot run: {why}")
    pytest.skip(f"no Chroma server here: {why}")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    binary = _binary()
    if binary is None:
        _unavailable("the `chroma` command (package chromadb) is not installed")
    server = ChromaServer(binary, tmp_path_factory.mktemp("chroma") / "data")
    try:
        server.start()
    except (OSError, RuntimeError) as exc:
        _unavailable(str(exc))
    yield server
    server.stop()


@pytest.fixture
def chroma(chroma_server: ChromaServer, monkeypatch: pytest.MonkeyPatch) -> ChromaServer:
    """An empty, running server, and the environment of a copilot that uses it."""
    if not chroma_server.running():
        chroma_server.start()
    chroma_server.wipe()
    monkeypatch.setenv("COPILOT_CHROMA_URL", chroma_server.url)
    monkeypatch.setenv("COPILOT_VECTOR_STORE", "chroma")
    monkeypatch.setenv("COPILOT_CHROMA_TIMEOUT", "2")
    return chroma_server
