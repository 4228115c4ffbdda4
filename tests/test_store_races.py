"""Writers racing on the same rows, on SQLite and PostgreSQL: many meetings of one report saved
at once, two meetings that both report the same commitment done, two hands closing it."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from copilot.errors import InputError
from copilot.memory import Store
from copilot.memory.embeddings import HashEmbedder
from copilot.memory.store.lifecycle_repo import LifecycleRepository
from copilot.memory.store.tables import CommitmentEventRow, NextStepRow, Person
from copilot.memory.vectors import MemoryVectorStore
from copilot.models import Analysis, NextStep, Utterance

# Every test once per database: [sqlite] and [postgresql] (conftest.db_backend).
pytestmark = pytest.mark.usefixtures("db_backend")

D = dt.date
WRITERS = 15


def meeting(mid: str, day: dt.date, said: str, steps=(), report: str = "Julien") -> Analysis:
    return Analysis(
        id=mid, date=day, language="fr", manager="Claire", report=report, engine="fake",
        utterances=[Utterance(id=1, speaker="Claire", role="manager", text="Où en es-tu ?"),
                    Utterance(id=2, speaker=report, role="report", text=said)],
        next_steps=[NextStep(owner=report, owner_role="report", action=a, evidence=[2])
                    for a in steps],
    )


def _open(settings) -> Store:
    return Store.open(settings, embedder=HashEmbedder(), vectors=MemoryVectorStore())


def _count(store: Store, query) -> int:
    with store._session() as s:
        return s.scalar(query)


def test_fifteen_meetings_of_one_report_saved_at_once(settings):
    # Each writer its own store (its own pool), as separate API processes would be.
    stores = [_open(settings) for _ in range(WRITERS)]
    start = threading.Barrier(WRITERS)

    def save(i: int) -> str:
        start.wait(timeout=30)
        try:
            stores[i].save(meeting(f"m{i:02d}", D(2026, 1, 1) + dt.timedelta(days=7 * i),
                                   "Je t'envoie le plan vendredi.", [f"tâche numéro {i}"]))
        except Exception as exc:  # noqa: BLE001 - the test counts every kind of failure
            return f"{type(exc).__name__}: {exc}"
        return "ok"

    with ThreadPoolExecutor(WRITERS) as pool:
        outcomes = list(pool.map(save, range(WRITERS)))
    assert [o for o in outcomes if o != "ok"] == []
    store = stores[0]
    assert len(store.list()) == WRITERS
    assert _count(store, select(func.count(Person.id))) == 2  # Claire and Julien, once each
    assert _count(store, select(func.count(NextStepRow.id))) == WRITERS
    for opened in stores:
        opened.close()


def test_two_meetings_reporting_the_same_commitment_done_close_it_once(settings, monkeypatch):
    with _open(settings) as store:
        store.save(meeting("m1", D(2026, 3, 2), "Je t'envoie le plan de relance vendredi.",
                           ["envoyer le plan de relance"]))
    # Both saves read the open commitments before either commits: without a row lock both
    # would close it. With one, the second waits in its read and the barrier gives up.
    read = threading.Barrier(2)
    original = LifecycleRepository.open_commitments

    def open_commitments(self):
        found = original(self)
        try:
            read.wait(timeout=1.5)
        except threading.BrokenBarrierError:
            pass
        return found

    monkeypatch.setattr(LifecycleRepository, "open_commitments", open_commitments)
    stores = [_open(settings), _open(settings)]
    said = "J'ai envoyé le plan de relance vendredi."
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda args: args[0].save(meeting(*args[1:], said)),
                      [(stores[0], "m2", D(2026, 3, 9)), (stores[1], "m3", D(2026, 3, 10))]))
    store = stores[0]
    [done] = store.commitments(status="done")
    assert done.action == "envoyer le plan de relance"
    assert [e.kind for e in done.events] == ["done"]
    for opened in stores:
        opened.close()


def test_two_hands_marking_a_commitment_done_at_once_record_it_once(settings):
    with _open(settings) as store:
        store.save(meeting("m1", D(2026, 3, 2), "Je t'envoie le plan.", ["envoyer le plan"]))
        [step] = store.commitments()
    stores = [_open(settings) for _ in range(4)]
    start = threading.Barrier(len(stores))

    def close(opened: Store) -> str:
        start.wait(timeout=30)
        try:
            opened.add_manual_event(step.id, "done", "fait")
        except InputError:
            return "already"
        return "ok"

    with ThreadPoolExecutor(len(stores)) as pool:
        outcomes = sorted(pool.map(close, stores))
    assert outcomes == ["already"] * (len(stores) - 1) + ["ok"]
    assert _count(stores[0], select(func.count(CommitmentEventRow.id)).where(
        CommitmentEventRow.next_step_id == step.id, CommitmentEventRow.kind == "done")) == 1
    for opened in stores:
        opened.close()


def test_wrong_passwords_tried_at_once_all_count(settings):
    from copilot.models import AccountRole

    with _open(settings) as store:
        user = store.add_user("claire@example.org", "Claire", AccountRole.MANAGER, org_id=1,
                              password_hash="$argon2id$not-checked-here")
    stores = [_open(settings) for _ in range(5)]
    start = threading.Barrier(len(stores))
    until = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)

    def fail(opened: Store) -> None:
        start.wait(timeout=30)
        opened.note_login(user.id, ok=False, attempts=len(stores), lock_until=until)

    with ThreadPoolExecutor(len(stores)) as pool:
        list(pool.map(fail, stores))
    record = stores[0].login_record("claire@example.org")
    assert (record.failed_logins, record.locked_until) == (len(stores), until)
    for opened in stores:
        opened.close()


def test_the_same_new_agenda_item_hidden_at_once_from_many_places(settings):
    with _open(settings) as store:
        store.save(meeting("m1", D(2026, 3, 2), "Je t'envoie le plan.", ["envoyer le plan"]))
    stores = [_open(settings) for _ in range(6)]
    start = threading.Barrier(len(stores))

    def hide(opened: Store) -> str:
        start.wait(timeout=30)
        try:
            opened.hide_agenda_item("Julien", "commitment:1", manager="Claire")
        except Exception as exc:  # noqa: BLE001 - the test counts every kind of failure
            return f"{type(exc).__name__}: {exc}"
        return "ok"

    with ThreadPoolExecutor(len(stores)) as pool:
        assert set(pool.map(hide, stores)) == {"ok"}
    assert stores[0].agenda_edits("Julien", manager="Claire") == {"commitment:1": (True, None)}
    for opened in stores:
        opened.close()
