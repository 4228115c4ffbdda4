"""Purging what the embedded chromadb keeps of erased records in its own write-ahead log.

chromadb 1.5.9 (pinned) writes every add/upsert to the `embeddings_queue` table of
HOME/vectors/chroma.sqlite3, metadata included (our metadata holds name keys and speaker
names), and does not purge the entries of deleted records even with `automatically_purge`
(chroma-core/chroma#7659, open). A GDPR erasure must not leave them there: after the records
are deleted through chromadb's API, their add/upsert entries are removed from the log and the
file is vacuumed, so no free page keeps a copy. Delete entries (operation 3) stay: replaying
them is what keeps an index persisted before the deletion from resurrecting the records.
tests/test_erase.py greps the file and fails if a new chromadb changes this layout.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

log = logging.getLogger("copilot.memory")
_DELETE_OP = 3  # chromadb's Operation.DELETE in the queue's `operation` column


def purge_vector_log(home: Path, meeting_ids: list[str], person_key: str) -> int:
    """Remove the log entries of the erased meetings and of the person's topics; returns how
    many went (0 when there is no embedded store, or it is busy: then it is logged)."""
    path = Path(home) / "vectors" / "chroma.sqlite3"
    if not path.is_file():
        return 0
    marks = ",".join("?" * len(meeting_ids)) or "NULL"
    try:
        conn = sqlite3.connect(path, timeout=5.0, isolation_level=None)
        try:
            conn.execute("PRAGMA secure_delete=ON")
            gone = conn.execute(
                f"DELETE FROM embeddings_queue WHERE operation != {_DELETE_OP} AND ("
                f"json_extract(metadata, '$.meeting_id') IN ({marks}) "
                "OR json_extract(metadata, '$.report') = ? "
                "OR json_extract(metadata, '$.manager') = ?)",
                [*meeting_ids, person_key, person_key]).rowcount
            conn.execute("VACUUM")  # free pages of chromadb's own deletions held copies too
            return gone
        finally:
            conn.close()
    except sqlite3.Error as exc:
        log.warning("the vector store's log could not be purged (%s): run the erasure again "
                    "when no server uses this home", exc)
        return 0
