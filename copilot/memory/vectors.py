"""The vector store: one Protocol, chromadb by default, an in-memory fake.

Vectors are derived data: the relational store is the truth and `copilot reindex` rebuilds
every collection from it. We always compute embeddings ourselves and pass `embeddings=` /
`query_embeddings=` with no embedding function: chromadb's default one downloads a model
(impossible offline), and a collection created with a custom function only reopens in a process
that registered it.

Filters (`where`) use the subset of chroma's syntax both implementations understand:
`{"field": value}`, `{"field": {"$gte"|"$lte"|"$in"|"$ne": v}}` and `{"$and": [...]}`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

import numpy as np

from copilot.errors import ConfigError, StoreError, VectorStoreDown
from copilot.memory.index_files import clear_new_allocations
from copilot.settings import Settings

log = logging.getLogger("copilot.memory")
Metadata = Mapping[str, str | int | float | bool]


@dataclass(frozen=True)
class VectorHit:
    id: str
    score: float  # cosine similarity, higher is closer
    metadata: dict[str, Any]


class VectorStore(Protocol):
    def upsert(self, collection: str, ids: Sequence[str], vectors: np.ndarray,
               metadatas: Sequence[Metadata]) -> None: ...

    def query(self, collection: str, vector: np.ndarray, n: int,
              where: dict[str, Any] | None = None) -> list[VectorHit]: ...

    def get(self, collection: str, ids: Sequence[str]) -> dict[str, np.ndarray]: ...

    def delete(self, collection: str, *, ids: Sequence[str] | None = None,
               where: dict[str, Any] | None = None) -> None: ...

    def count(self, collection: str) -> int: ...

    def drop(self, collection: str) -> None: ...

    def names(self) -> list[str]:
        """Every collection, whichever embedder made it (erasure must reach them all)."""
        ...

    def purge(self) -> None:
        """After an erasure: remove deleted entries from whatever the store keeps beside its
        collections (a write-ahead log), so that their metadata is gone from the disk too."""
        ...

    def heartbeat(self) -> None:
        """Return when the store answers; VectorStoreDown when it does not (/readyz)."""
        ...


def _clean(meta: Metadata) -> dict[str, Any]:
    # Chroma refuses None values; a missing key filters the same way.
    return {k: v for k, v in meta.items() if v is not None}


def _compare(op: str, value: Any, arg: Any) -> bool:
    if op == "$eq":
        return value == arg
    if op == "$ne":
        return value != arg
    if op == "$in":
        return value in arg
    if op in ("$gte", "$lte"):
        return value is not None and (value >= arg if op == "$gte" else value <= arg)
    raise ValueError(f"unsupported filter operator {op}")


def _matches(meta: Mapping[str, Any], where: Mapping[str, Any] | None) -> bool:
    if not where:
        return True
    for key, cond in where.items():
        if key == "$and":
            if not all(_matches(meta, sub) for sub in cond):
                return False
            continue
        if key == "$or":
            if not any(_matches(meta, sub) for sub in cond):
                return False
            continue
        value = meta.get(key)
        if not isinstance(cond, Mapping):
            if value != cond:
                return False
            continue
        for op, arg in cond.items():
            if not _compare(op, value, arg):
                return False
    return True


class MemoryVectorStore:
    """Brute-force cosine in numpy: the fake for tests, and a store that needs no disk."""

    def __init__(self) -> None:
        self._data: dict[str, dict[str, tuple[np.ndarray, dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    def upsert(self, collection, ids, vectors, metadatas) -> None:
        with self._lock:
            col = self._data.setdefault(collection, {})
            for i, vec, meta in zip(ids, np.asarray(vectors, dtype=np.float32), metadatas,
                                    strict=True):
                col[i] = (vec.copy(), _clean(meta))

    def query(self, collection, vector, n, where=None) -> list[VectorHit]:
        with self._lock:
            rows = [(i, v, m) for i, (v, m) in self._data.get(collection, {}).items()
                    if _matches(m, where)]
        if not rows:
            return []
        scores = np.stack([v for _, v, _ in rows]) @ np.asarray(vector, dtype=np.float32)
        order = np.argsort(-scores)[:n]
        return [VectorHit(rows[k][0], float(scores[k]), dict(rows[k][2])) for k in order]

    def get(self, collection, ids) -> dict[str, np.ndarray]:
        with self._lock:
            col = self._data.get(collection, {})
            return {i: col[i][0] for i in ids if i in col}

    def delete(self, collection, *, ids=None, where=None) -> None:
        with self._lock:
            col = self._data.get(collection, {})
            for i in [i for i, (_, m) in col.items()
                      if (ids is None or i in ids) and (where is None or _matches(m, where))]:
                del col[i]

    def count(self, collection) -> int:
        return len(self._data.get(collection, {}))

    def names(self) -> list[str]:
        return list(self._data)

    def drop(self, collection) -> None:
        with self._lock:
            self._data.pop(collection, None)

    def purge(self) -> None:
        """Nothing is kept beside the collections."""

    def heartbeat(self) -> None:
        """In this process: always up."""


class ChromaVectorStore:
    """chromadb: an embedded PersistentClient under a folder, or an HttpClient to a server."""

    def __init__(self, client: Any, where: str, connect: Any = None) -> None:
        # Adapters take a built client (tests may pass their own), or `connect` that builds
        # one on first use: a server that is down when the API starts must not stop it.
        self._client = client
        self._connect = connect
        self.where = where
        self._collections: dict[str, Any] = {}
        self._lock = threading.RLock()

    @classmethod
    def open(cls, settings: Settings) -> ChromaVectorStore:
        try:
            import chromadb
            from chromadb.config import Settings as ChromaSettings
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise ConfigError("the chromadb package is not installed",
                              "pip install chromadb, or set COPILOT_VECTOR_STORE=memory") from exc
        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if settings.memory.chroma_url:
            return cls._server(chromadb, chroma_settings, settings)
        path = Path(settings.home) / "vectors"
        clear_new_allocations()  # before chromadb allocates an index buffer (index_files)
        try:
            path.mkdir(parents=True, exist_ok=True)
            return cls(chromadb.PersistentClient(path=str(path), settings=chroma_settings),
                       str(path))
        except Exception as exc:  # chromadb raises many unrelated types
            raise StoreError(f"the vector store could not be opened ({exc})",
                             "check COPILOT_HOME; `copilot reindex` rebuilds it") from exc

    @classmethod
    def _server(cls, chromadb: Any, chroma_settings: Any, settings: Settings) -> Any:
        url = urlparse(settings.memory.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(f"{settings.memory.chroma_url!r} is not a Chroma server URL",
                              "use e.g. COPILOT_CHROMA_URL=http://localhost:8000")
        port = url.port or (443 if url.scheme == "https" else 8000)
        timeout = settings.memory.chroma_timeout

        def connect() -> Any:
            client = chromadb.HttpClient(host=url.hostname, port=port,
                                         ssl=url.scheme == "https", settings=chroma_settings)
            _short_timeouts(client, timeout)
            return client

        # Never the URL as given: it may carry a user and password.
        return cls(None, f"{url.scheme}://{url.hostname}:{port}", connect)

    def _api(self) -> Any:
        with self._lock:
            if self._client is None:
                try:
                    self._client = self._connect()
                except Exception as exc:
                    raise self._fail(exc, "be reached") from exc
            return self._client

    def heartbeat(self) -> None:
        try:
            self._api().heartbeat()
        except StoreError:
            raise
        except Exception as exc:
            raise self._fail(exc, "answer") from exc

    def _col(self, name: str) -> Any:
        with self._lock:
            col = self._collections.get(name)
            if col is None:
                col = self._api().get_or_create_collection(
                    name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
                self._collections[name] = col
            return col

    def _on(self, name: str, op: Any) -> Any:
        """`op(collection)`, reopening the collection once if it is gone: another process
        (`copilot reindex` next to a running server) may have dropped and recreated it, and a
        cached handle points at the old one for good ("Collection [...] does not exist")."""
        try:
            return op(self._col(name))
        except Exception as exc:
            if type(exc).__name__ != "NotFoundError" and "does not exist" not in str(exc):
                raise
            log.info("collection %s was recreated elsewhere: reopening it", name)
        with self._lock:
            self._collections.pop(name, None)
        return op(self._col(name))

    def _fail(self, exc: Exception, what: str) -> StoreError:
        if isinstance(exc, StoreError):
            return exc
        if _unreachable(exc):
            return VectorStoreDown(
                f"the vector server at {self.where} could not {what} ({exc})",
                "start it (`chroma run`) or check COPILOT_CHROMA_URL; meetings saved "
                "meanwhile are indexed at the next save or `copilot reindex`")
        return StoreError(f"the vector store at {self.where} could not {what} ({exc})",
                          "run `copilot reindex` to rebuild it from the database")

    def upsert(self, collection, ids, vectors, metadatas) -> None:
        if not ids:
            return
        # Chroma caps one call's batch size; stay well under it.
        def write(col: Any, k: int) -> None:
            col.upsert(ids=list(ids[k:k + 4000]),
                       embeddings=np.asarray(vectors[k:k + 4000], dtype=np.float32),
                       metadatas=[_clean(m) for m in metadatas[k:k + 4000]])

        try:
            for k in range(0, len(ids), 4000):
                self._on(collection, lambda col, k=k: write(col, k))
        except Exception as exc:
            raise self._fail(exc, "store vectors") from exc

    def query(self, collection, vector, n, where=None) -> list[VectorHit]:
        def search(col: Any) -> Any:
            if col.count() == 0:
                return None
            return col.query(query_embeddings=[np.asarray(vector, dtype=np.float32)],
                             n_results=n, where=where or None, include=["metadatas", "distances"])

        try:
            res = self._on(collection, search)
        except Exception as exc:
            raise self._fail(exc, "be searched") from exc
        if res is None:
            return []
        return [VectorHit(i, 1.0 - float(d), dict(m or {}))
                for i, d, m in zip(res["ids"][0], res["distances"][0], res["metadatas"][0],
                                   strict=True)]

    def get(self, collection, ids) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        try:
            res = self._on(collection, lambda col: col.get(ids=list(ids), include=["embeddings"]))
        except Exception as exc:
            raise self._fail(exc, "be read") from exc
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(res["ids"], res["embeddings"],
                                                                   strict=True)}

    def delete(self, collection, *, ids=None, where=None) -> None:
        if ids is not None and not ids:
            return
        try:
            self._on(collection, lambda col: col.delete(
                ids=list(ids) if ids is not None else None, where=where or None))
        except Exception as exc:
            raise self._fail(exc, "delete vectors") from exc

    def count(self, collection) -> int:
        try:
            return self._on(collection, lambda col: col.count())
        except Exception as exc:
            raise self._fail(exc, "be read") from exc

    def names(self) -> list[str]:
        try:
            return [c.name for c in self._api().list_collections()]
        except Exception as exc:
            raise self._fail(exc, "be listed") from exc

    def drop(self, collection) -> None:
        with self._lock:
            self._collections.pop(collection, None)
        try:
            self._api().delete_collection(collection)
        except Exception as exc:  # dropping what does not exist is fine
            if isinstance(exc, VectorStoreDown) or _unreachable(exc):
                raise self._fail(exc, "drop a collection") from exc
            log.debug("drop %s: %s", collection, exc)

    def purge(self) -> None:
        pass


def _unreachable(exc: BaseException) -> bool:
    """The server did not answer (refused, reset, timed out), as opposed to refusing a call."""
    import httpx  # chromadb's HTTP client

    return (isinstance(exc, httpx.TransportError | VectorStoreDown)
            or "Could not connect to a Chroma server" in str(exc))


def _short_timeouts(client: Any, seconds: float) -> None:
    """chromadb's HTTP client waits forever (httpx timeout None) and has no setting for it:
    a hung server would hang every request that searches or saves."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(seconds, connect=min(seconds, 2.0))


def open_vector_store(settings: Settings) -> VectorStore:
    if settings.memory.vector_store == "memory":
        return MemoryVectorStore()
    return ChromaVectorStore.open(settings)
