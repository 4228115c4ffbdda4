"""Search past meetings: semantic (vectors) plus keyword (SQL), fused by rank.

Semantic search finds "on m'a parlé d'un poste de lead" for "promotion"; keyword search finds
rare exact words (a client's name, "Orion") that embeddings blur. Reciprocal rank fusion
(1 / (60 + rank) summed over both lists) needs no score calibration between the two. Each hit
carries its meeting, date, speaker and utterance id, read back from the relational store (the
truth): a vector whose meeting is gone is skipped.
"""

from __future__ import annotations

import datetime as dt
import logging

from copilot.errors import InputError, StoreError, VectorStoreDown
from copilot.memory import index
from copilot.memory.matching import CALIBRATION, content_stems
from copilot.memory.store import Store
from copilot.models import SearchHit, SearchResults
from copilot.text import fold, name_key

log = logging.getLogger("copilot.memory")
_RRF = 60
# Below this cosine above the embedder's "unrelated" floor, a nearest neighbour is noise.
_MIN_ABOVE_FLOOR = 0.0
_QUERY_MAX = 500


def _keyword_terms(query: str) -> list[str]:
    words = [w for w in fold(query).replace("'", " ").split() if len(w) >= 3]
    stems = content_stems(query)
    # Prefer the content words; a query made only of short or common words is taken as is.
    chosen = [w for w in words if w[:5] in stems] or words or [fold(query)]
    return list(dict.fromkeys(chosen))[:6]


def _where(person: str | None, since: dt.date | None) -> dict | None:
    parts: list[dict] = []
    if person:
        key = name_key(person)
        parts.append({"$or": [{"report": key}, {"manager": key}]})
    if since:
        parts.append({"date": {"$gte": index.day_number(since)}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _fuse(ranks: dict[tuple[str, int], dict], how: str, keys: list[tuple[str, int]]) -> None:
    """Add one ranked list (best first) to the reciprocal rank fusion."""
    for rank, key in enumerate(keys):
        ranks.setdefault(key, {"rrf": 0.0, "how": set()})
        ranks[key]["rrf"] += 1.0 / (_RRF + rank)
        ranks[key]["how"].add(how)


def search(store: Store, query: str, person: str | None = None, since: dt.date | None = None,
           limit: int = 10) -> SearchResults:
    query = " ".join((query or "").split())
    if not query:
        raise InputError("the search query is empty", 'e.g. copilot search "promotion"')
    if len(query) > _QUERY_MAX:
        raise InputError(f"the query is too long ({len(query)} characters)",
                         f"keep it under {_QUERY_MAX}")
    if not 1 <= limit <= 100:
        raise InputError(f"limit {limit} is out of range", "use 1 to 100")
    person = person.strip() if person and person.strip() else None
    pool = limit * 3
    ranks: dict[tuple[str, int], dict] = {}

    warning = None
    try:
        qvec = store.embedder.queries([query])[0]
        utt_col, _ = index.collections(store.embedder)
        floor = CALIBRATION.get(store.embedder.name, (0.0, 1.0))[0] + _MIN_ABOVE_FLOOR
        hits = store.vectors.query(utt_col, qvec, pool, _where(person, since))
        _fuse(ranks, "semantic", [(str(h.metadata.get("meeting_id")),
                                   int(h.metadata.get("idx", -1)))
                                  for h in hits if h.score >= floor])
    except StoreError as exc:
        # Keyword search still answers; the flag (and the CLI's warning) says what is missing.
        log.warning("semantic search unavailable: %s", exc.message)
        warning = (f"keyword results only: {exc.message}"
                   + (f" ({exc.hint})" if isinstance(exc, VectorStoreDown) and exc.hint else ""))

    _fuse(ranks, "keyword", store.keyword_hits(_keyword_terms(query), person, since, pool))
    best = sorted(ranks.items(), key=lambda kv: -kv[1]["rrf"])[: limit * 2]
    found = store.utterance_hits([k for k, _ in best])
    out = []
    for key, info in best:
        if key not in found or len(out) >= limit:
            continue
        u = found[key]
        how = info["how"]
        out.append(SearchHit(
            meeting_id=u.meeting_id, date=u.date, report=u.report, manager=u.manager,
            utterance_id=u.idx, speaker=u.speaker,
            role=u.role if u.role in ("manager", "report") else None,
            text=u.text, score=round(info["rrf"] * _RRF / 2, 4),
            match="both" if len(how) == 2 else next(iter(how)),
        ))
    return SearchResults(query=query, person=person, since=since, hits=out,
                         semantic=warning is None, warning=warning)

