"""Servers on loopback for the scale bench: PostgreSQL, Redis, a Chroma server, and the
copilot's own processes (`copilot serve`, `copilot worker`), each in a folder of its own.

Every server listens on 127.0.0.1 and a free port, logs into its folder, and is stopped (or
killed, for the fault tests) by the caller. PostgreSQL refuses to run as root: as root its
commands run as the `postgres` OS user (Debian's package creates it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

PG_BIN = Path("/usr/lib/postgresql/15/bin")


class ServiceError(RuntimeError):
    """A server that would not start, with the end of its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(argv: Sequence[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return list(argv)


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_for(ready: Callable[[], bool], what: str, timeout: float, log: Path | None = None,
             proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise ServiceError(f"{what} exited with {proc.returncode}:\n{_tail(log)}"
                               if log else f"{what} exited with {proc.returncode}")
        with contextlib.suppress(Exception):  # not up yet, whatever the client raises
            if ready():
                return
        time.sleep(0.2)
    raise ServiceError(f"{what} not ready after {timeout:.0f} s:\n{_tail(log) if log else ''}")


class Process:
    """One long-running command with its log file; `kill()` is SIGKILL (no clean-up)."""

    def __init__(self, name: str, argv: Sequence[str], folder: Path,
                 env: dict[str, str] | None = None) -> None:
        self.name, self.argv, self.folder = name, list(argv), folder
        self.env = env
        self.log = folder / f"{name}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Process:
        self.folder.mkdir(parents=True, exist_ok=True)
        out = self.log.open("ab")
        # A process group of its own: a worker's pool children die with it on kill().
        self.proc = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT,
                                     env=self.env, start_new_session=True)
        out.close()
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """kill -9 of the whole group: what a machine or OOM killer does to it."""
        if self.alive():
            os.killpg(self.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self, timeout: float = 15.0) -> None:
        if not self.alive():
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()


class Postgres:
    """A throwaway cluster: initdb, trust auth on loopback only, one database."""

    def __init__(self, folder: Path, database: str = "copilot", user: str = "copilot") -> None:
        self.folder, self.database, self.user = folder, database, user
        self.data = folder / "data"
        self.port = free_port()
        self.server: Process | None = None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def start(self) -> Postgres:
        if not (PG_BIN / "initdb").exists():
            raise ServiceError(f"PostgreSQL is not installed ({PG_BIN}): "
                               "apt-get install -y postgresql")
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        done = subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-A",
                                            "trust", "-U", self.user, "-E", "UTF8",
                                            "--no-sync"]), check=False, capture_output=True,
                              text=True)
        if done.returncode:  # as root: every folder above must be reachable by `postgres`
            raise ServiceError(f"initdb failed: {done.stderr.strip()[-500:]}")
        self.server = Process("postgres", _as_postgres([
            str(PG_BIN / "postgres"), "-D", str(self.data), "-p", str(self.port),
            "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.folder}",
            "-c", "max_connections=300"]), self.folder / "log")
        if os.geteuid() == 0:
            (self.folder / "log").mkdir(exist_ok=True)
            shutil.chown(self.folder / "log", "postgres", "postgres")
        self.server.start()
        wait_for(self._ready, "PostgreSQL", 30, self.server.log, self.server.proc)
        self._psql(f"CREATE DATABASE {self.database}")
        return self

    def _psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-d", database,
             "-At", "-c", sql], check=True, capture_output=True, text=True).stdout

    def query(self, sql: str) -> str:
        return self._psql(sql, self.database).strip()

    def _ready(self) -> bool:
        return subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user,
                               "-d", "postgres", "-c", "select 1"],
                              check=False, capture_output=True).returncode == 0

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


class Redis:
    """redis-server with its append-only file on: queued messages survive a restart."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.server: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> Redis:
        if shutil.which("redis-server") is None:
            raise ServiceError("redis-server is not installed: apt-get install -y redis-server")
        self.server = Process("redis", [
            "redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir",
            str(self.folder), "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
            "--protected-mode", "yes"], self.folder).start()
        wait_for(self._ready, "Redis", 15, self.server.log, self.server.proc)
        return self

    def _ready(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    def restart(self) -> float:
        """Stop and start again on the same port and files; returns the seconds it was down."""
        start = time.monotonic()
        self.server.stop()
        self.server.start()
        wait_for(self._ready, "Redis", 15, self.server.log, self.server.proc)
        return time.monotonic() - start

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


class Chroma:
    """`chroma run` (the chromadb package's server) with its data in the folder."""

    def __init__(self, folder: Path, chroma: str) -> None:
        self.folder, self.chroma, self.port = folder, chroma, free_port()
        self.server: Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Chroma:
        self.server = Process("chroma", [self.chroma, "run", "--path", str(self.folder / "data"),
                                         "--host", "127.0.0.1", "--port", str(self.port)],
                              self.folder).start()
        wait_for(lambda: httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).is_success,
                 "Chroma", 30, self.server.log, self.server.proc)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


def wait_http(url: str, what: str, proc: Process, timeout: float = 60.0) -> None:
    wait_for(lambda: httpx.get(url, timeout=2).is_success, what, timeout, proc.log, proc.proc)
