"""What a saved meeting adds to the vector store, and `copilot reindex`.

Two collections per embedder (their names carry the embedder's, so switching model never mixes
vector spaces): `utterances_<embedder>` for search, `items_<embedder>` for commitments ("c:ID"),
signals ("s:ID") and submitted topics ("t:ID") that later meetings are matched against.
Metadata keeps what filters need: the report's and manager's name keys, the date as YYYYMMDD.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import numpy as np

from copilot.memory.embeddings import Embedder
from copilot.memory.vectors import VectorStore
from copilot.models import Analysis
from copilot.text import name_key


def collections(embedder: Embedder) -> tuple[str, str]:
    return f"utterances_{embedder.name}", f"items_{embedder.name}"


def day_number(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


class TextVectors:
    """Passage vectors for the texts of one meeting, computed once in as few calls as possible."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._cache: dict[str, np.ndarray] = {}

    def prefetch(self, texts: Sequence[str]) -> None:
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            self._cache.update(zip(todo, self.embedder.passages(todo), strict=True))

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.prefetch(texts)
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


def stored_items(vectors: VectorStore, embedder: Embedder) -> Callable[[list[str]], dict]:
    _, items = collections(embedder)
    return lambda ids: vectors.get(items, ids)


def add_meeting(vectors: VectorStore, embedder: Embedder, analysis: Analysis,
                steps: Sequence[tuple[int, str]], signals: Sequence[tuple[int, str]],
                embed: TextVectors) -> None:
    """Index a meeting: its utterances, its commitments (id, action), its signals (id, text)."""
    utt_col, item_col = collections(embedder)
    base = {"meeting_id": analysis.id, "report": name_key(analysis.report),
            "manager": name_key(analysis.manager), "date": day_number(analysis.date)}
    utts = analysis.utterances
    vectors.upsert(
        utt_col, [f"u:{analysis.id}:{u.id}" for u in utts], embed([u.text for u in utts]),
        [{**base, "idx": u.id, "speaker": u.speaker, "role": u.role} for u in utts],
    )
    ids = [f"c:{i}" for i, _ in steps] + [f"s:{i}" for i, _ in signals]
    texts = [t for _, t in steps] + [t for _, t in signals]
    kinds = ["commitment"] * len(steps) + ["signal"] * len(signals)
    if ids:
        vectors.upsert(item_col, ids, embed(texts), [{**base, "kind": k} for k in kinds])


def ours(vectors: VectorStore, embedder: Embedder) -> list[str]:
    """This embedder's collections and any left by another one (after a model change): a
    deletion must reach vectors whatever model made them."""
    mine = list(collections(embedder))
    return mine + [n for n in vectors.names() if n not in mine
                   and n.startswith(("utterances_", "items_"))]


def remove_meeting(vectors: VectorStore, embedder: Embedder, meeting_id: str) -> None:
    for name in ours(vectors, embedder):
        vectors.delete(name, where={"meeting_id": meeting_id})


def add_topic(vectors: VectorStore, embedder: Embedder, topic_id: int, text: str,
              person: str) -> None:
    _, items = collections(embedder)
    vectors.upsert(items, [f"t:{topic_id}"], embedder.passages([text]),
                   [{"kind": "topic", "report": name_key(person), "meeting_id": ""}])


def set_commitment(vectors: VectorStore, embedder: Embedder, analysis: Analysis, step_id: int,
                   action: str | None) -> None:
    """A commitment edited by hand (`action`) or deleted (None): the lifecycle must compare
    the next meetings with what the commitment says now."""
    _, items = collections(embedder)
    if action is None:
        vectors.delete(items, ids=[f"c:{step_id}"])
        return
    base = {"meeting_id": analysis.id, "report": name_key(analysis.report),
            "manager": name_key(analysis.manager), "date": day_number(analysis.date)}
    vectors.upsert(items, [f"c:{step_id}"], embedder.passages([action]),
                   [{**base, "kind": "commitment"}])
