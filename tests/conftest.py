"""Shared fixtures. Every test gets its own COPILOT_HOME and no other COPILOT_* variable, so no
test ever reads or writes the developer's real database or depends on their shell."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pg_server
import pytest

from copilot.models import (
    Analysis,
    Extraction,
    Fact,
    FeedbackItem,
    NextStep,
    QuestionCounts,
    SpeakerTalk,
    Talk,
    Utterance,
    Warning,
)
from copilot.settings import Settings, get_settings


@pytest.fixture(autouse=True)
def copilot_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("COPILOT_"):
            monkeypatch.delenv(name)
    home = tmp_path / "copilot-home"
    monkeypatch.setenv("COPILOT_HOME", str(home))
    # Starlette's TestClient sends `Host: testserver`; the default allow-list is loopback only.
    monkeypatch.setenv("COPILOT_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1,::1,[::1]")
    return home


@pytest.fixture
def light_store(copilot_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's vectors without a model (hash embedder, in-memory index)."""
    monkeypatch.setenv("COPILOT_EMBEDDER", "hash")
    monkeypatch.setenv("COPILOT_VECTOR_STORE", "memory")


# -- the store suite on both databases ---------------------------------------------------------
# A module with `pytestmark = pytest.mark.usefixtures("db_backend")` runs each test twice,
# [sqlite] and [postgresql]; `@pytest.mark.sqlite_only` keeps a test (file locks, PRAGMAs,
# a corrupt file) on SQLite alone.

def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: a store test that is about SQLite itself")
    config.addinivalue_line("markers", "empty_database: on PostgreSQL, start with no tables")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("db_backend", ["sqlite"] if only else ["sqlite", "postgresql"],
                             indirect=True)


@pytest.fixture(scope="session")
def pg_server_session() -> Iterator[pg_server.Server | str]:
    yield from pg_server.start_server()


@pytest.fixture
def pg_url(request: pytest.FixtureRequest, pg_server_session, copilot_env: Path) -> str:
    """A fresh, migrated PostgreSQL database for this test, or an empty one for a test marked
    `empty_database` (skips, or fails under CI, when no server can be had)."""
    if isinstance(pg_server_session, str):
        pg_server.unavailable(pg_server_session)
    if request.node.get_closest_marker("empty_database"):
        return pg_server_session.fresh(empty=True)
    return pg_server_session.emptied()


@pytest.fixture
def db_backend(request: pytest.FixtureRequest, copilot_env: Path,
               monkeypatch: pytest.MonkeyPatch) -> str:
    """Which database this run of the test uses; for postgresql, COPILOT_DATABASE_URL points
    every `Store.open(settings)` of the test at a fresh database."""
    if request.param == "postgresql":
        monkeypatch.setenv("COPILOT_DATABASE_URL", request.getfixturevalue("pg_url"))
    return request.param


@pytest.fixture
def settings(request: pytest.FixtureRequest, copilot_env: Path) -> Settings:
    if "db_backend" in request.fixturenames:
        request.getfixturevalue("db_backend")  # the URL first, whatever the fixture order
    return get_settings()


@pytest.fixture
def store(settings: Settings) -> Iterator:
    from copilot.memory.store import Store

    with Store.open(settings) as opened:
        yield opened


UTTERANCES = [
    Utterance(id=1, speaker="Claire", role="manager", start=0.0, end=4.0,
              text="Comment s'est passée la démo ?"),
    Utterance(id=2, speaker="Julien", role="report", start=4.0, end=12.0,
              text="Bien. Je t'envoie le deck vendredi [promis]."),
    Utterance(id=3, speaker="Claire", role="manager", start=12.0, end=15.0,
              text="Je relance les achats d'ici lundi."),
]


def make_extraction(*steps: NextStep) -> Extraction:
    """A realistic extraction citing UTTERANCES, with the given next steps."""
    return Extraction(
        facts=[Fact(text="La démo client [ACME] s'est bien passée.", evidence=[2])],
        feedback=[FeedbackItem(text="Bonne démo", polarity="positive", target="behavior",
                               evidence=[1, 2], suggestion="Dis ce qui a marché.",
                               given_by="Claire")],
        next_steps=list(steps),
    )


def step(action: str, owner: str = "Julien", due: dt.date | None = None,
         role: str = "report", evidence: list[int] | None = None) -> NextStep:
    return NextStep(owner=owner, owner_role=role, action=action, due=due,
                    due_text=due.isoformat() if due else None, evidence=evidence or [2])


def make_analysis(
    id: str = "m1", date: dt.date = dt.date(2026, 3, 2), manager: str = "Claire",
    report: str = "Julien", steps: list[NextStep] | None = None,
) -> Analysis:
    """A complete Analysis (talk metrics, warnings, every list filled) without any engine."""
    extraction = make_extraction(*(steps if steps is not None else [step("envoyer le deck")]))
    return Analysis(
        id=id, date=date, language="fr", manager=manager, report=report, source="demo.txt",
        source_format="text", engine="fake", utterances=UTTERANCES,
        talk=Talk(
            basis="time", manager_share=0.47, report_share=0.53, turns=3,
            speakers=[SpeakerTalk(speaker="Claire", role="manager", seconds=7, words=12,
                                  share=0.47, turns=2),
                      SpeakerTalk(speaker="Julien", role="report", seconds=8, words=9,
                                  share=0.53, turns=1)],
            questions=QuestionCounts(open=1, closed=0),
        ),
        facts=extraction.facts, feedback=extraction.feedback, next_steps=extraction.next_steps,
        warnings=[Warning(code="few_open_questions", message="Only one question asked.",
                          evidence=[1], suggestion="Ask what would help.")],
    )
