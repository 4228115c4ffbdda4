"""The meeting store: every saved `Analysis`, its people and its next steps, in SQL.

SQLite under COPILOT_HOME by default (any SQLAlchemy URL by `COPILOT_DATABASE_URL`). The schema
is created and upgraded by the Alembic migrations in copilot/migrations each time the store is
opened, so a user never runs a migration by hand. Every SQLAlchemy or migration failure comes out
as `StoreError` with a message that says what to check; a caller never sees a driver traceback.

Saving a meeting also runs the commitment lifecycle (copilot/memory/lifecycle.py) and indexes its
vectors, so every front end (`copilot analyze`, `POST /v1/meetings`) gets both. The vectors are
written before the SQL transaction commits: if they fail, nothing is saved; if the commit fails,
they are removed again. Deleting a meeting removes it from every store (rows, vectors, uploads).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, Self

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from pydantic import ValidationError
from sqlalchemy import Engine, create_engine, delete, event, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, aliased, sessionmaker
from sqlalchemy.pool import StaticPool

from copilot.errors import InputError, NotFoundError, StoreError
from copilot.memory import cues, index, lifecycle
from copilot.memory.embeddings import Embedder, get_embedder
from copilot.memory.tables import (
    AnalysisRow,
    CommitmentEventRow,
    Meeting,
    NextStepRow,
    Person,
    SignalRow,
    TopicRow,
    UtteranceRow,
    utcnow,
)
from copilot.memory.upkeep import recompute_status, remove_uploads
from copilot.memory.vectors import VectorStore, open_vector_store
from copilot.models import Analysis, MeetingSummary, NextStep, Utterance
from copilot.settings import Settings, get_settings
from copilot.text import fold, name_key

log = logging.getLogger("copilot.memory")

# Version of the JSON written to analyses.body (bump when Analysis changes incompatibly).
SCHEMA_VERSION = 1
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_NAME_MAX = 200
_UPSERT = {"sqlite": sqlite_insert, "postgresql": pg_insert}
_LIST_HINT = "run `copilot meetings list` to see the stored meetings"


class OpenStep(NamedTuple):
    """An open next step and the meeting it was agreed in."""

    step: NextStep
    meeting_id: str
    meeting_date: dt.date


def _store_error(exc: BaseException, where: str) -> StoreError:
    detail = (str(getattr(exc, "orig", None) or exc).splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, IntegrityError):
        return StoreError(
            f"the database at {where} refused the meeting ({detail})",
            "nothing was saved; this is a bug, please report it with the input file",
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


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    kwargs: dict = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            # One shared connection, or every pooled connection would see its own empty DB.
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        else:
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked on every connection.
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")  # the API writes from several threads
            cursor.close()

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision (a no-op when it is already there)."""
    cfg = Config()  # no alembic.ini: everything it would hold is set here
    # Doubled '%': Config values go through configparser interpolation.
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Store:
    """Meetings in, meetings out. Open with `Store.open(settings)`; close (or `with`) when done."""

    def __init__(self, engine: Engine, where: str = "the database",
                 settings: Settings | None = None, *, embedder: Embedder | None = None,
                 vectors: VectorStore | None = None) -> None:
        self.engine = engine
        self.where = where
        self.settings = settings or get_settings()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Built on first use: listing meetings never loads a model or opens chromadb.
        self._embedder = embedder
        self._vectors = vectors

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.settings)
        return self._embedder

    @property
    def vectors(self) -> VectorStore:
        if self._vectors is None:
            self._vectors = open_vector_store(self.settings)
        return self._vectors

    @classmethod
    def open(cls, settings: Settings | None = None, *, embedder: Embedder | None = None,
             vectors: VectorStore | None = None) -> Store:
        settings = settings or get_settings()
        url = settings.db_url
        try:
            parsed = make_url(url)
        except SQLAlchemyError as exc:
            raise StoreError(f"{url!r} is not a database URL", "fix COPILOT_DATABASE_URL") from exc
        # Where the data is, for messages; render_as_string hides any password.
        is_sqlite = parsed.get_backend_name() == "sqlite"
        where = (parsed.database if is_sqlite else parsed.render_as_string()) or "memory"
        try:
            engine = _make_engine(url)
        except ImportError as exc:
            raise StoreError(
                f"the database driver for {parsed.drivername} is not installed ({exc.name})",
                f"pip install {exc.name}, or unset COPILOT_DATABASE_URL to use SQLite",
            ) from exc
        except (SQLAlchemyError, OSError) as exc:
            raise _store_error(exc, where) from exc
        try:
            migrate(engine)
        except CommandError as exc:
            engine.dispose()
            raise StoreError(
                f"the database at {where} has a schema this version does not know ({exc})",
                "upgrade copilot, or point COPILOT_HOME at another folder",
            ) from exc
        except (SQLAlchemyError, OSError) as exc:
            engine.dispose()
            raise _store_error(exc, where) from exc
        return cls(engine, where, settings, embedder=embedder, vectors=vectors)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[Session]:
        """One session (one transaction when writing); driver errors become StoreError."""
        try:
            with self._sessions() as session:
                if write:
                    with session.begin():
                        yield session
                else:
                    yield session
        except SQLAlchemyError as exc:
            raise _store_error(exc, self.where) from exc

    # -- writing ---------------------------------------------------------------------------

    def lifecycle_context(self, embed: index.TextVectors) -> lifecycle.Context:
        return lifecycle.Context(
            embed=embed, stored=index.stored_items(self.vectors, self.embedder),
            embedder=self.embedder.name, threshold=self.settings.close_threshold,
            blocker_window_days=self.settings.blocker_window_days,
        )

    def save(self, analysis: Analysis, *, replace: bool = False) -> None:
        """Store a whole analysis in one transaction: everything is written, or nothing.

        Also closes or updates the earlier commitments this meeting reports on, and indexes its
        vectors (see the module docstring for how the two stores stay in step). `replace`: the
        meeting is stored already and is rewritten in the same transaction (audio, issue 3:
        roles assigned after the fact change owners, metrics and critique).
        """
        for name in (analysis.manager, analysis.report):
            if not name.strip() or len(name) > _NAME_MAX:
                raise InputError(f"{name[:40]!r} is not a usable name",
                                 f"use a name of 1 to {_NAME_MAX} characters")
        found = cues.findings(analysis)
        embed = index.TextVectors(self.embedder)
        # One batch for every text the lifecycle and the index will ask for.
        embed.prefetch([u.text for u in analysis.utterances]
                       + [n.action for n in analysis.next_steps]
                       + [f.text for f in found if f.kind != "area"]
                       + [p.unit.text for p in cues.progress(analysis, [analysis.manager,
                                                                        analysis.report])])
        indexed = False
        try:
            with self._session(write=True) as s:
                if replace:
                    created = s.get(Meeting, analysis.id)
                    created = created.created_at if created is not None else None
                    self.delete_in(s, analysis.id)
                    s.flush()
                    s.expunge_all()  # the deleted rows must not shadow the new ones
                    index.remove_meeting(self.vectors, self.embedder, analysis.id)
                self._write(s, analysis, found, embed)
                if replace and created is not None:  # keeps its place in listings
                    s.get(Meeting, analysis.id).created_at = created
                indexed = True
        except BaseException:
            if indexed:  # the commit itself failed: take the vectors back out
                try:
                    index.remove_meeting(self.vectors, self.embedder, analysis.id)
                except StoreError:
                    log.warning("vectors of unsaved meeting %s left behind", analysis.id)
            raise

    def _write(self, s: Session, analysis: Analysis, found: list[cues.Finding],
               embed: index.TextVectors) -> None:
        if s.get(Meeting, analysis.id) is not None:
            raise InputError(
                f"meeting {analysis.id} is already stored",
                f"delete it first with `copilot meetings delete {analysis.id}`",
            )
        meeting = Meeting(
            id=analysis.id,
            date=analysis.date,
            manager=_person(s, analysis.manager),
            report=_person(s, analysis.report),
            language=analysis.language,
            source=analysis.source,
            source_format=analysis.source_format,
            engine=analysis.engine,
            warning_count=len(analysis.warnings),
        )
        meeting.analysis = AnalysisRow(
            schema_version=SCHEMA_VERSION, body=analysis.model_dump_json()
        )
        meeting.utterances = [_utterance_row(u) for u in analysis.utterances]
        meeting.next_steps = [_next_step_row(n) for n in analysis.next_steps]
        s.add(meeting)
        s.flush()  # the meeting row first: signals reference it but have no ORM relationship
        signals = [SignalRow(meeting_id=analysis.id, kind=f.kind, label=f.label, text=f.text,
                             evidence=list(f.evidence)) for f in found]
        s.add_all(signals)
        s.flush()  # ids for the commitments and signals
        lifecycle.apply(s, meeting, analysis, list(meeting.next_steps), signals,
                        self.lifecycle_context(embed))
        s.flush()
        index.add_meeting(
            self.vectors, self.embedder, analysis,
            [(n.id, n.action) for n in meeting.next_steps],
            [(g.id, g.text) for g in signals if g.kind != "area"], embed,
        )

    def delete(self, meeting_id: str) -> None:
        """Delete a meeting everywhere: rows (utterances, analysis, commitments, signals), its
        vectors and uploaded files. What it had closed or covered opens again. People stay."""
        with self._session(write=True) as s:
            self.delete_in(s, meeting_id)
            index.remove_meeting(self.vectors, self.embedder, meeting_id)
        remove_uploads(self.settings, meeting_id)

    def delete_in(self, s: Session, meeting_id: str) -> None:
        """The relational part of `delete`, inside the caller's transaction."""
        if s.get(Meeting, meeting_id) is None:
            raise NotFoundError(f"no meeting with id {meeting_id!r}", _LIST_HINT)
        touched = set(s.scalars(select(CommitmentEventRow.next_step_id).where(
            CommitmentEventRow.meeting_id == meeting_id)))
        own = select(NextStepRow.id).where(NextStepRow.meeting_id == meeting_id)
        s.execute(update(NextStepRow).where(NextStepRow.superseded_by.in_(own))
                  .values(superseded_by=None))
        s.execute(update(SignalRow).where(SignalRow.resolved_meeting_id == meeting_id)
                  .values(status="open", resolved_evidence=None))
        s.execute(update(TopicRow).where(TopicRow.covered_meeting_id == meeting_id)
                  .values(status="open", covered_evidence=None))
        s.execute(delete(Meeting).where(Meeting.id == meeting_id))
        recompute_status(s, touched)

    # -- reading ---------------------------------------------------------------------------

    def get(self, meeting_id: str) -> Analysis:
        with self._session() as s:
            row = s.get(AnalysisRow, meeting_id)
            if row is None:
                raise NotFoundError(f"no meeting with id {meeting_id!r}", _LIST_HINT)
            body, version = row.body, row.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"meeting {meeting_id} was written by a newer copilot (schema {version})",
                "upgrade copilot",
            )
        try:
            return Analysis.model_validate_json(body)
        except ValidationError as exc:
            raise StoreError(
                f"meeting {meeting_id} is stored in a form this version cannot read",
                "delete it with `copilot meetings delete` and analyse the file again",
            ) from exc

    def list(self, report: str | None = None, manager: str | None = None) -> list[MeetingSummary]:
        """Meeting summaries, newest first, optionally for one report and/or one manager."""
        mgr, rep = aliased(Person), aliased(Person)
        steps = (
            select(func.count(NextStepRow.id))
            .where(NextStepRow.meeting_id == Meeting.id)
            .scalar_subquery()
        )
        query = (
            select(Meeting, mgr.name, rep.name, steps)
            .join(mgr, Meeting.manager_id == mgr.id)
            .join(rep, Meeting.report_id == rep.id)
            .order_by(Meeting.date.desc(), Meeting.created_at.desc(), Meeting.id)
        )
        # An empty filter (`?report=`) means no filter, not "people with no name".
        if report and report.strip():
            query = query.where(rep.name_key == name_key(report))
        if manager and manager.strip():
            query = query.where(mgr.name_key == name_key(manager))
        with self._session() as s:
            rows = s.execute(query).all()
        return [
            MeetingSummary(
                id=m.id, date=m.date, manager=m_name, report=r_name, language=m.language,
                source=m.source, next_steps=n_steps, warnings=m.warning_count,
            )
            for m, m_name, r_name, n_steps in rows
        ]

    def person(self, name: str) -> str | None:
        """The stored spelling of a person's name, or None if nobody by that name was seen."""
        with self._session() as s:
            return s.scalar(select(Person.name).where(Person.name_key == name_key(name)))

    def open_next_steps(
        self, report: str, manager: str | None = None, *, before: dt.date
    ) -> list[OpenStep]:
        """Next steps still open from meetings with `report` held strictly before `before`."""
        mgr, rep = aliased(Person), aliased(Person)
        query = (
            select(NextStepRow, Meeting.id, Meeting.date)
            .join(Meeting, NextStepRow.meeting_id == Meeting.id)
            .join(rep, Meeting.report_id == rep.id)
            .where(rep.name_key == name_key(report))
            .where(NextStepRow.status == "open", NextStepRow.superseded_by.is_(None))
            .where(Meeting.date < before)
            .order_by(Meeting.date, Meeting.created_at, NextStepRow.id)
        )
        if manager and manager.strip():
            query = query.join(mgr, Meeting.manager_id == mgr.id).where(
                mgr.name_key == name_key(manager)
            )
        with self._session() as s:
            rows = s.execute(query).all()
        return [OpenStep(_next_step(row), m_id, m_date) for row, m_id, m_date in rows]


def _person(s: Session, name: str) -> Person:
    """Get or create the person whose name_key matches `name`, safe against other writers.

    INSERT .. ON CONFLICT DO NOTHING (SQLite and PostgreSQL) instead of select-then-insert:
    two first meetings with the same new person saved at once would otherwise both insert it
    and one would fail on the unique name_key. On SQLite it also takes the write lock at once,
    so the rest of the save runs without racing anyone.
    """
    key = name_key(name)
    row = {"name": " ".join(name.split()), "name_key": key, "created_at": utcnow()}
    dialect = s.get_bind().dialect.name
    if dialect in _UPSERT:
        s.execute(_UPSERT[dialect](Person).values(**row).on_conflict_do_nothing(
            index_elements=["name_key"]))
        return s.scalars(select(Person).where(Person.name_key == key)).one()
    found = s.scalar(select(Person).where(Person.name_key == key))
    if found is None:
        found = Person(**row)
        s.add(found)
    return found


def _utterance_row(u: Utterance) -> UtteranceRow:
    return UtteranceRow(
        idx=u.id, speaker=u.speaker, role=u.role, start=u.start, end=u.end, text=u.text,
        folded=fold(u.text),
    )


def _next_step_row(n: NextStep) -> NextStepRow:
    return NextStepRow(
        owner=n.owner, owner_role=n.owner_role, action=n.action, due=n.due,
        due_text=n.due_text, status="open", evidence=list(n.evidence),
    )


def _next_step(row: NextStepRow) -> NextStep:
    return NextStep(
        owner=row.owner, owner_role=row.owner_role, action=row.action, due=row.due,
        due_text=row.due_text, evidence=list(row.evidence or []),
    )
