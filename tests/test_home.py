"""The manager's home: reports, cadence, open commitments by side, legal deadlines."""

from __future__ import annotations

import datetime as dt

import pytest
from api_auth import signed_in
from conftest import make_analysis, step

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.memory import people as ppl
from copilot.memory.home import manager_home
from copilot.memory.store import Store
from copilot.models import AccountRole, PersonUpdate
from copilot.settings import get_settings

# Every test once per database: [sqlite] and [postgresql] (conftest.db_backend).
pytestmark = pytest.mark.usefixtures("db_backend")

D = dt.date


@pytest.fixture
def app(light_store):
    app = create_app(extractor=FakeExtractor())
    signed_in(app, "Claire")
    signed_in(app, "Marc")
    signed_in(app, "Julien", AccountRole.REPORT, manager="Claire")
    with Store.open(get_settings()) as store:
        claire = store.acting_as(store.principal_for_user(store.user("claire@example.org").id))
        mine, theirs = (step("relancer les achats", owner="Claire", role="manager"),
                        step("envoyer le deck"))
        claire.save(make_analysis("j1", date=D(2026, 3, 2), steps=[mine, theirs]))
        claire.save(make_analysis("j2", date=D(2026, 3, 9), steps=[step("finir le rapport")]))
        claire.save(make_analysis("z1", date=D(2026, 1, 5), report="Zoé", steps=[]))
        claire.save(make_analysis("z2", date=D(2026, 1, 12), report="Zoé", steps=[]))
        # Hired a year ago in France: the first interview is due.
        ppl.update(claire, "Zoé", PersonUpdate(hire_date=D(2025, 4, 1), country="FR"))
        marc = store.acting_as(store.principal_for_user(store.user("marc@example.org").id))
        marc.save(make_analysis("s1", manager="Marc", report="Sophie"))
    return app


def test_the_figures(app):
    with Store.open(get_settings()) as store:
        claire = store.acting_as(store.principal_for_user(store.user("claire@example.org").id))
        home = manager_home(claire, D(2026, 3, 12))
    assert home.manager == "Claire"
    names = [r.name for r in home.reports]
    assert names == ["Zoé", "Julien"]  # overdue first
    zoe, julien = home.reports
    assert zoe.overdue and zoe.last_meeting == D(2026, 1, 12) and zoe.last_meeting_id == "z2"
    assert zoe.expected_next == D(2026, 1, 19)
    assert not julien.overdue and julien.expected_next == D(2026, 3, 16)
    assert (julien.open_mine, julien.open_theirs) == (1, 2)
    assert (zoe.open_mine, zoe.open_theirs) == (0, 0)
    assert [(d.person, d.kind) for d in home.legal] == [("Zoé", "first_year")]
    assert home.legal[0].due == D(2026, 4, 1)


def test_the_route_is_the_managers(app):
    with signed_in(app, "Claire") as client:
        response = client.get("/v1/home?date=2026-03-12")
        assert response.status_code == 200
        assert {r["name"] for r in response.json()["reports"]} == {"Zoé", "Julien"}
        assert client.get("/v1/home?date=nope").status_code == 400
    with signed_in(app, "Marc") as other:
        assert [r["name"] for r in other.get("/v1/home").json()["reports"]] == ["Sophie"]
    with signed_in(app, "Julien", AccountRole.REPORT, manager="Claire") as report:
        assert report.get("/v1/home").status_code == 403


def test_a_done_commitment_leaves_the_counts(app):
    with Store.open(get_settings()) as store:
        claire = store.acting_as(store.principal_for_user(store.user("claire@example.org").id))
        deck = next(c for c in claire.commitments(report="Julien")
                    if c.action == "envoyer le deck")
        claire.add_manual_event(deck.id, "done", "sent")
        home = manager_home(claire, D(2026, 3, 12))
    julien = next(r for r in home.reports if r.name == "Julien")
    assert (julien.open_mine, julien.open_theirs) == (1, 1)
