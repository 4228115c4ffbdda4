"""A PostgreSQL server for the tests, and a fresh migrated database per test.

`COPILOT_TEST_DATABASE_URL` (set by .ci/run after starting Debian's cluster, or exported after
`make postgres`) names a server we may create databases on; without it a throwaway cluster is
started (initdb into a temporary folder, trust authentication, loopback only, a free port) and
stopped at the end of the session. PostgreSQL refuses to run as root: as root the server runs
as the `postgres` OS user.

Per test: one database migrated once per session, emptied between tests (TRUNCATE of every
table, then the rows migration 0004 seeds: 60 ms here, against 180 ms for a CREATE DATABASE from
a migrated template and 60 ms more to drop it). A test whose leftovers hold a lock past
`lock_timeout` gets a copy of the template instead; a test marked `empty_database` gets a
database with no tables at all.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN_DIRS = tuple(f"/usr/lib/postgresql/{v}/bin" for v in (15, 16, 17))
TEMPLATE = "copilot_template"
SHARED = "copilot_shared"
# What the migrations put in an otherwise empty database (0004: the default organisation).
_SEED = ("INSERT INTO organisations (id, name, created_at) VALUES (1, 'default', now())",
         "SELECT setval(pg_get_serial_sequence('organisations', 'id'), 1)")


def unavailable(reason: str) -> None:
    """A missing server skips the PostgreSQL half, except in CI where it must not go unseen."""
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required under CI: {reason}")
    pytest.skip(f"no PostgreSQL server: {reason}")


def _bin(name: str) -> str | None:
    for folder in BIN_DIRS:
        if Path(folder, name).is_file():
            return str(Path(folder, name))
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """initdb + pg_ctl into a temporary folder; `stop` removes everything."""

    def __init__(self) -> None:
        self.initdb, self.pg_ctl = _bin("initdb"), _bin("pg_ctl")
        self.port = _free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="copilot-pg-"))
        self.data = self.tmp / "data"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.tmp, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.started = False

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True,
                              timeout=120, check=False)
        if done.returncode:
            raise RuntimeError((done.stderr or done.stdout).strip().splitlines()[-1:] or args[0])

    def start(self) -> str:
        if not (self.initdb and self.pg_ctl):
            raise RuntimeError("initdb/pg_ctl not found (apt install postgresql)")
        self._run(self.initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                f"-c unix_socket_directories={self.tmp} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run(self.pg_ctl, "-D", str(self.data), "-o", opts, "-w", "-t", "60",
                  "-l", str(self.tmp / "log"), "start")
        self.started = True
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        if self.started:
            try:
                self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def _admin(url: str):
    """A psycopg connection in autocommit (CREATE DATABASE cannot run in a transaction)."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return psycopg.connect(host=u.host, port=u.port or 5432, user=u.username,
                           password=u.password, dbname=u.database or "postgres",
                           autocommit=True, connect_timeout=10)


def with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


class Server:
    """A server URL and a migrated template database to copy per test."""

    def __init__(self, url: str, *, throwaway: bool = False) -> None:
        self.url = url
        self.throwaway = throwaway  # a cluster of our own: nothing to drop, it goes whole
        self.created: list[str] = []
        self._shared = None  # an autocommit connection to SHARED, for the TRUNCATEs
        self._tables: list[str] = []

    def prepare_template(self) -> None:
        from copilot.memory.store.base import make_engine, migrate

        with _admin(self.url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
        engine = make_engine(with_database(self.url, TEMPLATE))
        try:
            migrate(engine)
        finally:
            engine.dispose()
        with _admin(self.url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{SHARED}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{SHARED}" TEMPLATE "{TEMPLATE}"')
        self._shared = _admin(with_database(self.url, SHARED))
        self._shared.execute("SET lock_timeout = '2s'")
        self._tables = [row[0] for row in self._shared.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'")]

    def emptied(self) -> str:
        """The shared database, emptied of what earlier tests wrote."""
        import psycopg

        try:
            with self._shared.transaction():
                self._shared.execute(f"TRUNCATE {', '.join(self._tables)} RESTART IDENTITY")
                for statement in _SEED:
                    self._shared.execute(statement)
        except psycopg.errors.LockNotAvailable:
            return self.fresh()  # an earlier test left a transaction open on it
        return with_database(self.url, SHARED)

    def fresh(self, *, empty: bool = False) -> str:
        """A new database copied from the migrated template (`empty`: from template0, for the
        migration tests); dropped at session end."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with _admin(self.url) as conn:
            source = "template0" if empty else TEMPLATE
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        self.created.append(name)
        return with_database(self.url, name)

    def cleanup(self) -> None:
        if self._shared is not None:
            self._shared.close()
        if self.throwaway:
            return
        try:
            with _admin(self.url) as conn:
                for name in [*self.created, SHARED, TEMPLATE]:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception as exc:  # noqa: BLE001 - the server may be gone already
            print(f"PostgreSQL test databases left behind: {exc}")


def start_server() -> Iterator[Server | str]:
    """Yields a ready Server, or the reason there is none (the caller skips or fails)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        yield "psycopg is not installed (pip install 'psycopg[binary]')"
        return
    cluster = None
    url = os.environ.get("COPILOT_TEST_DATABASE_URL")
    try:
        if not url:
            cluster = Cluster()
            url = cluster.start()
        server = Server(url, throwaway=cluster is not None)
        server.prepare_template()
    except Exception as exc:  # noqa: BLE001 - any failure to start is reported as the reason
        if cluster is not None:
            cluster.stop()
        yield f"could not start or reach PostgreSQL ({exc})"
        return
    try:
        yield server
    finally:
        server.cleanup()
        if cluster is not None:
            cluster.stop()
