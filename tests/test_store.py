"""The meeting store and agenda v1, on a real SQLite file under a temporary COPILOT_HOME."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import UTTERANCES, make_analysis, step
from sqlalchemy import event, func, inspect, select, text

import copilot.memory.store.meetings as meetings_mod
from copilot.errors import InputError, NotFoundError, StoreError
from copilot.memory import Store, build_agenda
from copilot.memory.store.tables import Base, Meeting, NextStepRow, Person, UtteranceRow
from copilot.settings import get_settings

# Every test once per database: [sqlite] and [postgresql] (conftest.db_backend).
pytestmark = pytest.mark.usefixtures("db_backend")

D = dt.date


def count(store: Store, table) -> int:
    with store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


# -- schema and migrations -----------------------------------------------------------------


def test_open_creates_home_database_and_schema(copilot_env, settings, db_backend):
    assert not copilot_env.exists()
    with Store.open(settings) as store:
        tables = set(inspect(store.engine).get_table_names())
        with store.engine.connect() as conn:
            version = conn.scalar(text("SELECT version_num FROM alembic_version"))
            # PostgreSQL always enforces foreign keys; SQLite only when asked per connection.
            fks = conn.scalar(text("PRAGMA foreign_keys")) if db_backend == "sqlite" else 1
    assert (copilot_env / "copilot.db").is_file() == (db_backend == "sqlite")
    assert tables == {"alembic_version", "people", "meetings", "utterances", "analyses",
                      "next_steps", "commitment_events", "signals", "topics",
                      "voiceprints", "jobs",  # 0003: audio
                      "organisations", "users", "api_tokens", "sessions", "audit_log",
                      "agenda_edits"}
    assert version == "0011"  # 0002: memory, 0003: audio, 0004: accounts, 0005: retention,
    # 0006: agenda edits, 0007: users' language, 0008: vectors pending, 0009: job queue,
    # 0010: idempotency keys, 0011: recap edits
    assert fks == 1  # ON DELETE CASCADE only works with this on


def test_migration_matches_the_orm_tables(store):
    # If tables.py changes without a new migration, autogenerate finds a difference here.
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_reopening_is_idempotent_and_keeps_data(settings):
    with Store.open(settings) as store:
        store.save(make_analysis("m1"))
    for _ in range(2):
        with Store.open(settings) as store:
            assert [m.id for m in store.list()] == ["m1"]


@pytest.mark.sqlite_only  # about the SQLite file under COPILOT_HOME
def test_corrupt_database_file_is_a_store_error(copilot_env, settings):
    copilot_env.mkdir()
    (copilot_env / "copilot.db").write_bytes(b"this is not sqlite at all\x00" * 200)
    with pytest.raises(StoreError) as err:
        Store.open(settings)
    assert "corrupt" in err.value.message
    assert err.value.hint


@pytest.mark.sqlite_only  # about the SQLite file under COPILOT_HOME
def test_unusable_home_is_a_store_error_with_a_hint(copilot_env, monkeypatch):
    copilot_env.parent.mkdir(parents=True, exist_ok=True)
    copilot_env.write_text("a file where the folder should be")
    with pytest.raises(StoreError) as err:
        Store.open(get_settings())
    assert "COPILOT_HOME" in err.value.hint


# -- save / get / list / delete ------------------------------------------------------------


def test_round_trip_returns_the_same_analysis(store):
    analysis = make_analysis("m1")
    store.save(analysis)
    assert store.get("m1") == analysis
    [summary] = store.list()
    assert summary.model_dump() == {
        "id": "m1", "date": D(2026, 3, 2), "manager": "Claire", "report": "Julien",
        "language": "fr", "source": "demo.txt", "next_steps": 1, "warnings": 1,
    }
    assert count(store, UtteranceRow) == len(UTTERANCES)


def test_list_is_newest_first_and_filters_by_people(store):
    store.save(make_analysis("old", D(2026, 1, 5)))
    store.save(make_analysis("new", D(2026, 3, 2)))
    store.save(make_analysis("other", D(2026, 2, 1), manager="Claire", report="Zoé"))
    store.save(make_analysis("boss", D(2026, 2, 2), manager="Marc", report="Julien"))
    assert [m.id for m in store.list()] == ["new", "boss", "other", "old"]
    assert [m.id for m in store.list(report="julien")] == ["new", "boss", "old"]
    assert [m.id for m in store.list(report="JULIEN", manager="claire")] == ["new", "old"]
    assert [m.id for m in store.list(report="Nobody")] == []


def test_names_are_one_person_whatever_the_case_or_accents(store):
    store.save(make_analysis("m1", manager="Claire", report="Zoé"))
    store.save(make_analysis("m2", manager="CLAIRE", report="zoe"))
    store.save(make_analysis("m3", manager="claire ", report="ZOÉ"))
    assert count(store, Person) == 2
    # The first spelling is kept for everyone's display.
    assert {(m.manager, m.report) for m in store.list()} == {("Claire", "Zoé")}
    assert len(store.list(report="zoe")) == 3
    assert store.person("ZOE") == "Zoé"
    # The analysis itself keeps the spelling used in that meeting.
    assert store.get("m2").report == "zoe"


def test_delete_cascades_to_utterances_analysis_and_next_steps(store):
    store.save(make_analysis("m1", steps=[step("a"), step("b")]))
    store.save(make_analysis("m2"))
    store.delete("m1")
    with pytest.raises(NotFoundError):
        store.get("m1")
    assert [m.id for m in store.list()] == ["m2"]
    assert count(store, UtteranceRow) == len(UTTERANCES)  # only m2's
    assert count(store, NextStepRow) == 1
    assert count(store, Person) == 2  # people outlive their meetings


def test_unknown_meeting_is_not_found_with_a_hint(store):
    with pytest.raises(NotFoundError) as err:
        store.get("nope")
    assert "copilot meetings list" in err.value.hint
    with pytest.raises(NotFoundError):
        store.delete("nope")


def test_saving_the_same_id_twice_is_refused(store):
    store.save(make_analysis("m1"))
    with pytest.raises(InputError, match="already stored"):
        store.save(make_analysis("m1", report="Zoé"))
    assert store.get("m1").report == "Julien"


def test_a_failing_save_leaves_nothing_behind(store, monkeypatch):
    def boom(_step):
        raise RuntimeError("disk on fire")

    # Fails after the people and the meeting were added to the session.
    monkeypatch.setattr(meetings_mod, "_next_step_row", boom)
    with pytest.raises(RuntimeError):
        store.save(make_analysis("m1"))
    assert store.list() == []
    assert count(store, Person) == count(store, Meeting) == count(store, UtteranceRow) == 0


def test_a_database_error_mid_save_rolls_back_and_is_a_store_error(store):
    bad = make_analysis("m1")
    bad = bad.model_copy(update={"utterances": [*bad.utterances, UTTERANCES[0]]})  # dup idx
    with pytest.raises(StoreError):
        store.save(bad)
    assert count(store, Person) == count(store, Meeting) == 0


def test_concurrent_first_saves_of_the_same_new_people(store):
    # The API saves from several threads; two first meetings with a new person must not
    # collide on people.name_key.
    def save(i: int) -> None:
        store.save(make_analysis(f"m{i}", manager=f"Boss {i % 2}", report=f"Report {i % 3}"))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(save, range(24)))
    assert count(store, Person) == 5 and count(store, Meeting) == 24
    assert len(store.list(report="report 0", manager="BOSS 0")) == 4


# -- open next steps and the agenda --------------------------------------------------------


def test_open_next_steps_only_before_the_date_and_for_that_report(store):
    store.save(make_analysis("jan", D(2026, 1, 5), steps=[step("a")]))
    store.save(make_analysis("mar", D(2026, 3, 2), steps=[step("b")]))
    store.save(make_analysis("zoe", D(2026, 1, 6), report="Zoé", steps=[step("c", "Zoé")]))
    store.save(make_analysis("marc", D(2026, 1, 7), manager="Marc", steps=[step("d")]))
    found = store.open_next_steps("julien", before=D(2026, 3, 2))
    assert [(o.step.action, o.meeting_id, o.meeting_date) for o in found] == [
        ("a", "jan", D(2026, 1, 5)), ("d", "marc", D(2026, 1, 7)),
    ]
    assert [o.meeting_id for o in store.open_next_steps("Julien", "claire", before=D(2026, 4, 1))
            ] == ["jan", "mar"]


def test_agenda_orders_overdue_then_due_date_then_undated(store):
    store.save(make_analysis("jan", D(2026, 1, 5), steps=[
        step("no date, old meeting"),
        step("due later", due=D(2026, 4, 1)),
        step("overdue since feb", due=D(2026, 2, 1), owner="Claire", role="manager"),
    ]))
    store.save(make_analysis("feb", D(2026, 2, 9), steps=[
        step("no date, newer meeting"),
        step("overdue since jan", due=D(2026, 1, 20)),
        step("due on the day", due=D(2026, 3, 2)),
    ]))
    agenda = build_agenda(store, "JULIEN", date=D(2026, 3, 2))
    assert agenda.report == "Julien" and agenda.date == D(2026, 3, 2)
    assert [(i.text, i.overdue) for i in agenda.items] == [
        ("overdue since jan", True),
        ("overdue since feb", True),
        ("due on the day", False),  # due today is not late yet
        ("due later", False),
        ("no date, old meeting", False),
        ("no date, newer meeting", False),
    ]
    first = agenda.items[1]
    assert (first.kind, first.owner, first.owner_role, first.from_meeting, first.from_date,
            first.evidence) == ("open_commitment", "Claire", "manager", "jan", D(2026, 1, 5), [2])


def test_agenda_ignores_the_meeting_of_the_day_and_other_managers(store):
    store.save(make_analysis("today", D(2026, 3, 2), steps=[step("said today")]))
    store.save(make_analysis("marc", D(2026, 2, 2), manager="Marc", steps=[step("with marc")]))
    assert [i.text for i in build_agenda(store, "Julien", date=D(2026, 3, 2)).items] == [
        "with marc"]
    agenda = build_agenda(store, "Julien", manager="claire", date=D(2026, 3, 2))
    assert agenda.items == [] and agenda.manager == "Claire"


def test_agenda_for_someone_new_is_empty_not_an_error(store):
    agenda = build_agenda(store, "  Nouvelle   Recrue ", date=D(2026, 3, 2))
    assert (agenda.report, agenda.items) == ("Nouvelle Recrue", [])
    with pytest.raises(InputError):
        build_agenda(store, "   ")


def test_an_agenda_reads_through_one_connection(store, monkeypatch):
    # Its dozen reads share one session (`Store.reading`): one consistent view of the data.
    store.save(make_analysis("m1", date=D(2026, 3, 2)))
    store.save(make_analysis("m2", date=D(2026, 3, 9)))
    checkouts = []
    event.listen(store.engine, "checkout", lambda *_: checkouts.append(1))
    with store.reading():
        assert store.person("julien") == "Julien" and len(store.list()) == 2
    assert len(checkouts) == 1
    build_agenda(store, "Julien", date=D(2026, 3, 16))
    assert len(checkouts) == 2
    assert store.person("julien") == "Julien"
    assert len(checkouts) == 3  # outside `reading`, a read has its own session


@pytest.mark.sqlite_only  # once is enough: it points at a PostgreSQL server that is not there
def test_a_postgresql_server_down_is_a_store_error_naming_host_and_port(monkeypatch):
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("COPILOT_DATABASE_URL",
                       f"postgresql+psycopg://copilot:s3cret@127.0.0.1:{port}/copilot")
    with pytest.raises(StoreError) as err:
        Store.open(get_settings())
    assert err.value.message.startswith(
        f"could not connect to the database at postgresql://copilot:***@127.0.0.1:{port}/copilot")
    assert "s3cret" not in err.value.message + err.value.hint
    assert "host, port" in err.value.hint


def test_a_role_longer_than_its_column_is_refused_before_the_database(store):
    # SQLite kept any length; PostgreSQL refuses it in the middle of a save.
    from pydantic import ValidationError

    from copilot.memory import people as ppl
    from copilot.models import PersonUpdate

    store.save(make_analysis("m1"))
    with pytest.raises(ValidationError):
        ppl.update(store, "Julien", PersonUpdate(role="x" * 201))
    assert ppl.update(store, "Julien", PersonUpdate(role="x" * 200)).role == "x" * 200
