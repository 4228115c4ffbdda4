"""Opening the database: engine, migrations, sessions, and the errors a caller may see.

SQLite under COPILOT_HOME by default (any SQLAlchemy URL by `COPILOT_DATABASE_URL`). The schema
is created and upgraded by the Alembic migrations in copilot/migrations each time the store is
opened, so a user never runs a migration by hand. Every SQLAlchemy or migration failure comes out
as `StoreError` with a message that says what to check; a caller never sees a driver traceback.

Sharing a home: the CLI and a server (and its threads) may write the same SQLite file at once.
The file is in WAL mode (readers never block the writer), every connection waits
`BUSY_TIMEOUT_MS` for a lock, a write transaction takes the write lock when it begins
(BEGIN IMMEDIATE: a deferred one that upgrades later fails at once with "database is locked",
whatever the timeout) and retries that a bounded number of times with backoff. Opening a fresh
home from several processes at once is safe: migrations run under a file lock.

PostgreSQL (`postgresql+psycopg://...`, the production database): the server does the locking
(row locks where a save changes what another could change, see commitments.py); migrations run
under a transaction-scoped advisory lock, so two processes opening a fresh database at once
create the tables once.
"""

from __future__ import annotations

import copy
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Self

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from filelock import FileLock, Timeout
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from copilot.errors import StoreError
from copilot.memory.embeddings import Embedder, get_embedder
from copilot.memory.store.records import utcnow
from copilot.memory.store.tables import Person
from copilot.memory.vectors import VectorStore, open_vector_store
from copilot.models import Principal
from copilot.settings import Settings, get_settings
from copilot.text import name_key

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
_UPSERT = {"sqlite": sqlite_insert, "postgresql": pg_insert}
# The session `Store.reading` shares with the reads made inside it (per store, per thread).
_READING: ContextVar[tuple[StoreBase, Session] | None] = ContextVar("reading", default=None)
PEOPLE_HINT = "people appear when a meeting names them, or with `copilot people set NAME`"
BUSY_TIMEOUT_MS = 5000  # how long one attempt waits for another writer (SQLite's busy handler)
WRITE_ATTEMPTS = 4  # then StoreError: bounded, a stuck writer must not hang a request forever
MIGRATE_LOCK_SECONDS = 120.0
# pg_advisory_xact_lock key: any constant every copilot process agrees on ("copilot" in ASCII).
_PG_MIGRATE_KEY = 0x636F70696C6F74
# Alembic's `context` proxy is module-global: two threads migrating at once corrupt each other's
# (KeyError 'config'); the file lock below only orders processes.
_MIGRATING = threading.Lock()


def _locked(exc: BaseException) -> bool:
    """Another connection holds the lock we wait for (SQLITE_BUSY / SQLITE_LOCKED)."""
    detail = str(getattr(exc, "orig", None) or exc)
    return isinstance(exc, OperationalError) and ("database is locked" in detail
                                                  or "database table is locked" in detail)


def _unreachable(detail: str) -> bool:
    """psycopg could not reach (or log in to) the server: nothing to do with the data."""
    return any(part in detail for part in (
        "connection refused", "Connection refused", "could not translate host name",
        "timeout expired", "authentication failed", "does not exist", "connection failed",
        "server closed the connection", "no password supplied"))


def _store_error(exc: BaseException, where: str) -> StoreError:
    detail = (str(getattr(exc, "orig", None) or exc).splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, OperationalError) and where.startswith("postgresql") \
            and _unreachable(str(getattr(exc, "orig", None) or exc)):
        return StoreError(
            f"could not connect to the database at {where} ({detail})",
            "check that PostgreSQL runs and COPILOT_DATABASE_URL's host, port, user, password "
            "and database name are right",
        )
    if isinstance(exc, DataError):  # PostgreSQL checks lengths and types; SQLite does not
        return StoreError(
            f"the database at {where} refused a value ({detail})",
            "nothing was saved; a value is longer or other than the schema allows: please "
            "report it with the input",
        )
    if isinstance(exc, IntegrityError):
        return StoreError(
            f"the database at {where} refused the meeting ({detail})",
            "nothing was saved; this is a bug, please report it with the input file",
        )
    if _locked(exc):
        return StoreError(
            f"the database at {where} stayed busy: another copilot process kept writing "
            f"({detail})",
            "nothing was saved; try again (the CLI and a server can share a home, but a "
            "network file system cannot lock SQLite files)",
        )
    if "not a database" in detail or "malformed" in detail:
        return StoreError(
            f"the database at {where} is corrupt ({detail})",
            "move the file away (a new one is created) or point COPILOT_HOME elsewhere",
        )
    return StoreError(
        f"the database at {where} could not be used ({detail})",
        "check that COPILOT_HOME exists, is writable and the disk is not full",
    )


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    kwargs: dict = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            # One shared connection, or every pooled connection would see its own empty DB.
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        else:
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    elif parsed.get_backend_name() == "postgresql":
        # A server down must fail a request in seconds, not hang it; a restarted server must
        # not hand out dead pooled connections.
        kwargs = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 10}}
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked on every connection.
        # pysqlite's own BEGIN is deferred and sent late; we send BEGIN ourselves ("begin").
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            # Deleted rows are overwritten, not left in free pages: erasure must really erase.
            cursor.execute("PRAGMA secure_delete=ON")
            if parsed.database not in (None, "", ":memory:"):
                cursor.execute("PRAGMA journal_mode=WAL")  # persistent; readers never block
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:
            write = conn.get_execution_options().get("copilot_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (a no-op when it is already there)."""
    cfg = Config()  # no alembic.ini: everything it would hold is set here
    # Doubled '%': Config values go through configparser interpolation.
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            # Held until the migration's transaction ends: a second process waits here, then
            # finds the schema at head and does nothing.
            with conn.begin():
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATE_KEY})
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            return
        if sqlite:
            # Batch migrations rebuild a table: with foreign keys on, dropping the old `people`
            # would cascade into topics and voiceprints. The pragma is a no-op inside a
            # transaction, so it goes to the driver before SQLAlchemy begins one.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StoreError("the database upgrade left dangling references",
                                     "nothing was changed; please report this as a bug")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def _migrate_safely(engine: Engine, database: str | None) -> None:
    """`migrate`, one process and one thread at a time per database file: processes opening a
    fresh home at once would each create the tables ("table people already exists")."""
    with _MIGRATING:
        if database in (None, "", ":memory:"):
            migrate(engine)
            return
        lock = FileLock(str(Path(database).expanduser()) + ".lock",
                        timeout=MIGRATE_LOCK_SECONDS)
        try:
            with lock:
                migrate(engine)
        except Timeout as exc:
            raise StoreError(f"the database at {database} is being upgraded by another process",
                             f"wait for it, or delete {lock.lock_file} if none runs") from exc


def _open_engine(url: str) -> tuple[Engine, str]:
    """A migrated engine for `url`, and where the data is (for messages)."""
    try:
        parsed = make_url(url)
    except SQLAlchemyError as exc:
        raise StoreError(f"{url!r} is not a database URL", "fix COPILOT_DATABASE_URL") from exc
    # render_as_string hides any password.
    is_sqlite = parsed.get_backend_name() == "sqlite"
    where = (parsed.database if is_sqlite else parsed.set(
        drivername=parsed.get_backend_name()).render_as_string()) or "memory"
    try:
        engine = make_engine(url)
    except ImportError as exc:
        raise StoreError(
            f"the database driver for {parsed.drivername} is not installed ({exc.name})",
            f"pip install {exc.name}, or unset COPILOT_DATABASE_URL to use SQLite",
        ) from exc
    except (SQLAlchemyError, OSError) as exc:
        raise _store_error(exc, where) from exc
    try:
        _migrate_safely(engine, parsed.database if is_sqlite else None)
    except CommandError as exc:
        engine.dispose()
        raise StoreError(
            f"the database at {where} has a schema this version does not know ({exc})",
            "upgrade copilot, or point COPILOT_HOME at another folder",
        ) from exc
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise _store_error(exc, where) from exc
    return engine, where


class StoreBase:
    """The engine, its sessions, the embedder and the vector store; `Store` adds the queries."""

    def __init__(self, engine: Engine, where: str = "the database",
                 settings: Settings | None = None, *, embedder: Embedder | None = None,
                 vectors: VectorStore | None = None) -> None:
        self.engine = engine
        self.where = where
        self.settings = settings or get_settings()
        # Who is acting: every query filters by it (copilot/memory/store/scope.py).
        self.principal = Principal.local_owner()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Write transactions begin with BEGIN IMMEDIATE on SQLite (see the module docstring).
        self._write_sessions = sessionmaker(engine.execution_options(copilot_write=True),
                                            expire_on_commit=False)
        # Built on first use: listing meetings never loads a model or opens chromadb.
        # One holder shared with the copies `acting_as` makes, so a model loads once.
        self._lazy = {"embedder": embedder, "vectors": vectors}

    def acting_as(self, principal: Principal) -> Self:
        """This store seen by `principal`: the same engine, sessions, embedder and vectors
        (a shallow copy, cheap per request); only the filter changes."""
        scoped = copy.copy(self)
        scoped.principal = principal
        return scoped

    @property
    def embedder(self) -> Embedder:
        if self._lazy["embedder"] is None:
            self._lazy["embedder"] = get_embedder(self.settings)
        return self._lazy["embedder"]

    @property
    def vectors(self) -> VectorStore:
        if self._lazy["vectors"] is None:
            self._lazy["vectors"] = open_vector_store(self.settings)
        return self._lazy["vectors"]

    @classmethod
    def open(cls, settings: Settings | None = None, *, embedder: Embedder | None = None,
             vectors: VectorStore | None = None) -> Self:
        settings = settings or get_settings()
        engine, where = _open_engine(settings.db_url)
        return cls(engine, where, settings, embedder=embedder, vectors=vectors)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Make the reads inside share one session: one connection and one consistent view of
        the data (the agenda asks a dozen questions). For reads only: writing inside it from
        another session could wait on this one."""
        shared = _READING.get()
        if shared is not None and shared[0] is self:
            yield
            return
        with self._session() as s:
            token = _READING.set((self, s))
            try:
                yield
            finally:
                _READING.reset(token)

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[Session]:
        """One session (one transaction when writing); driver errors become StoreError."""
        shared = None if write else _READING.get()
        if shared is not None and shared[0] is self:
            yield shared[1]  # the outer `reading` turns driver errors into StoreError
            return
        try:
            if not write:
                with self._sessions() as session:
                    yield session
                return
            session = self._begin_write()
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
        except SQLAlchemyError as exc:
            raise _store_error(exc, self.where) from exc

    def _begin_write(self) -> Session:
        """A session whose transaction holds the write lock, waiting for it (busy_timeout, then
        a few retries with growing, jittered pauses); the last failure goes to the caller."""
        for attempt in range(WRITE_ATTEMPTS):
            session = self._write_sessions()
            try:
                session.connection()  # sends BEGIN (IMMEDIATE on SQLite) now
                return session
            except OperationalError as exc:
                session.close()
                if not _locked(exc) or attempt == WRITE_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * 2 ** attempt * (1 + random.random()))
        raise AssertionError("unreachable")


def find_person(s: Session, name: str, org_id: int) -> Person | None:
    """The person of that organisation whose name_key matches; no access check (see scope)."""
    return s.scalar(select(Person).where(Person.org_id == org_id,
                                         Person.name_key == name_key(name)))


def insert_or_ignore(s: Session, model: type, row: dict, unique: list[str]) -> bool:
    """INSERT .. ON CONFLICT (`unique`) DO NOTHING; False where the dialect has no such thing
    (the caller then selects and inserts)."""
    dialect = s.get_bind().dialect.name
    if dialect not in _UPSERT:
        return False
    s.execute(_UPSERT[dialect](model).values(**row).on_conflict_do_nothing(
        index_elements=unique))
    return True


def upsert_person(s: Session, name: str, org_id: int) -> Person:
    """Get or create the person whose name_key matches `name`, safe against other writers.

    INSERT .. ON CONFLICT DO NOTHING (SQLite and PostgreSQL) instead of select-then-insert:
    two first meetings with the same new person saved at once would otherwise both insert it
    and one would fail on the unique name_key. On SQLite it also takes the write lock at once,
    so the rest of the save runs without racing anyone.
    """
    key = name_key(name)
    row = {"name": " ".join(name.split()), "name_key": key, "org_id": org_id,
           "created_at": utcnow()}
    if insert_or_ignore(s, Person, row, ["org_id", "name_key"]):
        return s.scalars(select(Person).where(Person.org_id == org_id,
                                              Person.name_key == key)).one()
    found = find_person(s, name, org_id)
    if found is None:
        found = Person(**row)
        s.add(found)
    return found
