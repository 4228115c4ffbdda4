"""Several writers on one COPILOT_HOME (the CLI and a server sharing a home): WAL, busy timeout,
BEGIN IMMEDIATE with a bounded retry, and migrations under a file lock.

Measured before the fix, 8 processes + 7 threads opening a fresh home at once: 10 to 14 of the
15 failed ("table people already exists" from racing migrations, KeyError 'config' from
Alembic's global context in threads); on a migrated home 3 to 5 of 15 still failed."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import sqlite3
import threading

import pytest
from conftest import make_analysis
from sqlalchemy import text

from copilot.errors import StoreError
from copilot.memory import Store
from copilot.memory.embeddings import HashEmbedder
from copilot.memory.store import base
from copilot.memory.vectors import MemoryVectorStore
from copilot.settings import get_settings

# Every test once per database: [sqlite] and [postgresql] (conftest.db_backend).
pytestmark = pytest.mark.usefixtures("db_backend")

PROCESSES, THREADS = 8, 7


def _save_one(i: int, barrier) -> str:
    barrier.wait(timeout=30)  # everyone opens the fresh home at the same moment
    try:
        with Store.open(get_settings(), embedder=HashEmbedder(),
                        vectors=MemoryVectorStore()) as store:
            store.save(make_analysis(f"m{i:02d}", date=dt.date(2026, 3, 1 + i),
                                     report=f"Report {i % 3}"))
    except Exception as exc:  # noqa: BLE001 - the test counts every kind of failure
        return f"{type(exc).__name__}: {exc}"
    return "ok"


def _process(i: int, barrier, results) -> None:
    results.put((i, _save_one(i, barrier)))


def _run_writers() -> dict[int, str]:
    ctx = mp.get_context("fork")  # inherits COPILOT_HOME and the test's sys.path
    barrier, results = ctx.Barrier(PROCESSES + THREADS), ctx.Queue()
    found: dict[int, str] = {}
    procs = [ctx.Process(target=_process, args=(i, barrier, results)) for i in range(PROCESSES)]
    threads = [threading.Thread(target=lambda i=i: found.__setitem__(i, _save_one(i, barrier)))
               for i in range(PROCESSES, PROCESSES + THREADS)]
    for worker in procs + threads:
        worker.start()
    for _ in procs:
        i, outcome = results.get(timeout=60)
        found[i] = outcome
    for worker in procs + threads:
        worker.join(timeout=60)
    return found


@pytest.mark.empty_database  # on PostgreSQL too, all 15 migrate it at once (advisory lock)
def test_fifteen_writers_on_a_fresh_home_all_succeed_once(settings, db_backend):
    outcomes = _run_writers()
    assert {i: o for i, o in outcomes.items() if o != "ok"} == {}
    with Store.open(settings) as store:
        ids = [m.id for m in store.list()]
        with store.engine.connect() as conn:
            mode = conn.scalar(text("PRAGMA journal_mode")) if db_backend == "sqlite" else "wal"
    assert sorted(ids) == [f"m{i:02d}" for i in range(PROCESSES + THREADS)]
    assert mode == "wal"


def _hold_write_lock(path: str, seconds: float, held: threading.Event) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    held.set()
    threading.Event().wait(seconds)
    conn.execute("ROLLBACK")
    conn.close()


def _open_short_timeout(monkeypatch, settings) -> Store:
    monkeypatch.setattr(base, "BUSY_TIMEOUT_MS", 50)  # keeps the test fast: 4 tries of 50 ms+
    return Store.open(settings, embedder=HashEmbedder(), vectors=MemoryVectorStore())


@pytest.mark.sqlite_only  # SQLite's write lock (PostgreSQL locks rows)
def test_a_writer_waits_out_a_lock_longer_than_the_busy_timeout(monkeypatch, settings):
    store = _open_short_timeout(monkeypatch, settings)
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock,
                              args=(str(settings.home / "copilot.db"), 0.3, held))
    holder.start()
    held.wait(5)
    store.save(make_analysis("m1"))  # retried with backoff until the holder lets go
    holder.join()
    assert [m.id for m in store.list()] == ["m1"]
    store.close()


@pytest.mark.sqlite_only  # SQLite's write lock (PostgreSQL locks rows)
def test_a_lock_held_for_good_is_a_store_error_and_saves_nothing(monkeypatch, settings):
    store = _open_short_timeout(monkeypatch, settings)
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock,
                              args=(str(settings.home / "copilot.db"), 1.5, held))
    holder.start()
    held.wait(5)
    with pytest.raises(StoreError) as err:
        store.save(make_analysis("m1"))
    assert "busy" in err.value.message and "try again" in err.value.hint
    holder.join()
    assert store.list() == []
    store.close()


# -- `copilot reindex` next to a running server ---------------------------------------------


def test_a_reindex_elsewhere_does_not_break_the_other_store(monkeypatch):
    # The real embedded chromadb: the server's cached collection handles used to point at the
    # collections reindex dropped, and every later save answered "Collection does not exist".
    from copilot.memory.export import reindex
    from copilot.memory.search import search

    monkeypatch.setenv("COPILOT_EMBEDDER", "hash")
    server = Store.open(get_settings())
    server.save(make_analysis("m1"))
    assert search(server, "deck").hits  # the server now holds its collection handles
    with Store.open(get_settings()) as cli:
        assert reindex(cli) == 1
    server.save(make_analysis("m2", date=dt.date(2026, 3, 9)))
    found = search(server, "deck")
    assert found.semantic and {h.meeting_id for h in found.hits} == {"m1", "m2"}
    server.delete("m1")
    assert {h.meeting_id for h in search(server, "deck").hits} == {"m2"}
    server.close()
