"""GDPR: export everything about one person, erase one person from every store, reindex.

Erasure itself (every meeting the person was in, their topics and record, in one transaction)
is `Store.erase_person`; rebuilding the derived data is `Store.reset_derived` followed by
`Store.replay_meeting` for each meeting, oldest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from copilot.memory import commitments as cm
from copilot.memory import people as ppl
from copilot.memory import topics as tp
from copilot.memory.store import Store
from copilot.models import ErasureReport, PersonExport


def export_person(store: Store, name: str) -> PersonExport:
    """Everything the principal may export about `name`: the people they manage (a report
    asks their manager or HR), with the audit log's entries about them."""
    store.check_may_change_person(name)
    record = ppl.get(store, name)
    return PersonExport(
        person=record, exported_at=dt.datetime.now(dt.UTC),
        meetings=[store.get(i) for i in store.meeting_ids_of(name)],
        commitments=cm.list_commitments(store, record.name, status="all"),
        topics=tp.list_topics(store, record.name, status="all"),
        audit=store.audit_entries(person=record.name),
    )


def erase_person(store: Store, name: str) -> ErasureReport:
    """Delete the person and everything about them; says what was removed and what is kept."""
    ppl.find(store, name)  # a missing or empty name is an error before anything is touched
    store.check_may_change_person(name)
    return store.erase_person(name)


Progress = Callable[[int, int], None]


def reindex(store: Store, progress: Progress | None = None) -> int:
    """Rebuild every derived thing from the stored analyses, oldest meeting first: vectors,
    signals, and the automatic commitment lifecycle. Manual decisions (events with source
    "manual", dropped topics) are kept, and commitments a person decided on are not replayed.
    One meeting per transaction, so a crash midway leaves a consistent, partly rebuilt index
    that a second run completes. Returns the number of meetings indexed.
    """
    order = store.reset_derived()
    for done, meeting_id in enumerate(order, 1):
        store.replay_meeting(meeting_id)
        if progress:
            progress(done, len(order))
    return len(order)
