"""The authorization matrix: every route of the app x eight callers -> the expected status, on
real objects in a real store, with real tokens.

The callers: nobody, the admin of another organisation, another manager, the manager who led
the meetings, their report, another manager's report, HR, and the admin. A route added to the
app without a declared policy (api.auth.allow / public) or without a row here fails.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import make_analysis
from fastapi.testclient import TestClient

from api.auth import route_policies
from api.main import create_app
from copilot import accounts
from copilot.analyze.base import FakeExtractor
from copilot.memory.store import Store
from copilot.models import AccountRole, Sharing, TokenScope
from copilot.settings import get_settings

CALLERS = ("anonymous", "other_admin", "other_manager", "report", "other_report", "hr", "admin",
           "manager")  # the manager last: their successful DELETE and PATCH change the objects
PASSWORD = "correct horse battery staple"
TRANSCRIPT = "Claire: Comment ça va ?\nJulien: Bien, je finis le rapport vendredi.\n"


def _people(store: Store) -> dict[str, str]:
    """The accounts; returns caller -> email."""
    made = {}
    for caller, name, role, org, boss in [
        ("admin", "Ada Admin", AccountRole.ADMIN, None, None),
        ("hr", "Hugo", AccountRole.HR, None, None),
        ("manager", "Claire", AccountRole.MANAGER, None, None),
        ("report", "Julien", AccountRole.REPORT, None, "manager"),
        ("other_manager", "Marc", AccountRole.MANAGER, None, None),
        ("other_report", "Sophie", AccountRole.REPORT, None, "other_manager"),
        ("other_admin", "Olga", AccountRole.ADMIN, "Other", None),
    ]:
        email = f"{caller}@example.org"
        accounts.add_user(store, email, name, role, org=org, password=PASSWORD,
                          manager=made[boss] if boss else None)
        made[caller] = email
    return made


@pytest.fixture
def world(light_store):
    """Claire led m1 (recap shared with Julien), m3 (shared, to be deleted), m4 with Zoé (to be
    erased) and m5 (shared, its commitment); Marc led m2 with Sophie. One job, one spare token
    of Claire."""
    settings = get_settings()
    with Store.open(settings) as store:
        emails = _people(store)
        claire = store.principal_for_user(store.user(emails["manager"]).id)
        as_claire = store.acting_as(claire)
        for analysis in (make_analysis("m1"), make_analysis("m3", date=dt.date(2026, 3, 9)),
                         make_analysis("m4", report="Zoé"),
                         make_analysis("m5", date=dt.date(2026, 3, 16))):
            as_claire.save(analysis)
        marc = store.principal_for_user(store.user(emails["other_manager"]).id)
        store.acting_as(marc).save(make_analysis("m2", manager="Marc", report="Sophie"))
        for meeting in ("m1", "m3", "m5"):
            as_claire.set_sharing(meeting, Sharing(recap=True))
        as_claire.create_job("j1", upload="uploads/j1.wav", filename="walk.wav",
                             params={"manager": "Claire", "report": "Julien"})
        as_claire.update_job("j1", stage="failed")
        spare = accounts.issue_token(store, emails["manager"]).info.id
        uploads = Path(settings.home) / "uploads"  # m1's recording, as a finished job keeps it
        uploads.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(__file__).parents[1] / "examples" / "walking_meeting_fr.ogg",
                    uploads / "m1.ogg")
        step = next(c.id for c in as_claire.commitments(report="Julien")
                    if c.meeting_id == "m5")
        tokens = {c: accounts.issue_token(store, e, TokenScope.WRITE).token
                  for c, e in emails.items()}
    return {"tokens": tokens, "spare": spare, "step": step}


def _routes(app) -> set[str]:
    """`METHOD /path` of every API route the app serves, from its route table (the pages
    have their own matrix: tests/test_web_matrix.py)."""
    keys = set()
    for route in app.routes:
        contexts = getattr(route, "effective_candidates", None)
        if contexts is None:
            keys |= {f"{m} {route.path}" for m in getattr(route, "methods", None) or ()}
            continue
        for ctx in contexts():
            if not ctx.endpoint.__module__.startswith("web."):
                keys |= {f"{m} {ctx.path}" for m in ctx.methods if m != "HEAD"}
    keys.discard("HEAD /openapi.json")
    return keys


_policies = route_policies


ALL = dict.fromkeys(CALLERS[1:], 200)
NOBODY = {"anonymous": 401}


def only(ok: int, *who: str, others: int = 404, **exceptions: int) -> dict[str, int]:
    """`ok` for `who`, `others` for every other signed-in caller, 401 for nobody."""
    table = {c: (ok if c in who else others) for c in CALLERS[1:]}
    return {**NOBODY, **table, **exceptions}


def matrix(w) -> dict[str, tuple[str, object, dict[str, int]]]:
    """route -> (concrete path, JSON body or a function of the caller, expected statuses)."""
    members = ("manager", "report", "other_manager", "other_report")
    meeting = {"manager": "Claire", "report": "Julien", "date": "2026-04-01",
               "transcript": TRANSCRIPT}
    lead = {"report": 403}  # the report sees the meeting but may not do this
    return {
        "GET /healthz": ("/healthz", None, {"anonymous": 200, **ALL}),
        "GET /readyz": ("/readyz", None, {"anonymous": 200, **ALL}),
        # Instance-wide figures: an admin of any organisation (the operators' token).
        "GET /metrics": ("/metrics", None, only(200, "admin", "other_admin", others=403)),
        "GET /docs": ("/docs", None, {"anonymous": 200, **ALL}),
        "GET /openapi.json": ("/openapi.json", None, {"anonymous": 200, **ALL}),
        "POST /v1/auth/login": ("/v1/auth/login", {"email": "manager@example.org",
                                                   "password": PASSWORD},
                                {"anonymous": 200, **ALL}),
        "POST /v1/auth/logout": ("/v1/auth/logout", None, {**NOBODY, **dict.fromkeys(
            CALLERS[1:], 204)}),
        "GET /v1/me": ("/v1/me", None, {**NOBODY, **ALL}),
        "GET /v1/tokens": ("/v1/tokens", None, {**NOBODY, **ALL}),
        "POST /v1/tokens": ("/v1/tokens", {"scope": "read"}, {**NOBODY, **dict.fromkeys(
            CALLERS[1:], 201)}),
        "DELETE /v1/tokens/{token_id}": (f"/v1/tokens/{w['spare']}", None, only(200, "manager")),
        "GET /v1/users": ("/v1/users", None, only(200, "admin", "other_admin", others=403)),
        "POST /v1/users": ("/v1/users", lambda c: {"email": f"new.{c}@example.org",
                                                   "name": f"New {c}", "role": "report"},
                           only(201, "admin", "other_admin", others=403)),
        "GET /v1/audit": ("/v1/audit", None, only(200, "admin", "other_admin", others=403)),
        "GET /v1/org/retention": ("/v1/org/retention", None,
                                  only(200, "admin", "other_admin", others=403)),
        "PUT /v1/org/retention": ("/v1/org/retention", {"recordings_days": 30},
                                  only(200, "admin", "other_admin", others=403)),
        "GET /v1/org/figures": ("/v1/org/figures", None, only(200, "hr", others=403)),
        "GET /v1/org/legal": ("/v1/org/legal", None, only(200, "hr", others=403)),
        "POST /v1/meetings": ("/v1/meetings", meeting, only(201, "manager", others=403)),
        "GET /v1/meetings": ("/v1/meetings", None, only(200, *members, others=403)),
        "GET /v1/meetings/{meeting_id}": ("/v1/meetings/m1", None, only(200, "manager", **lead)),
        "DELETE /v1/meetings/{meeting_id}": ("/v1/meetings/m3", None,
                                             only(204, "manager", **lead)),
        "POST /v1/meetings/{meeting_id}/roles": ("/v1/meetings/m1/roles", {"manager": "Claire"},
                                                 only(200, "manager", **lead)),
        "GET /v1/meetings/{meeting_id}/sharing": ("/v1/meetings/m1/sharing", None,
                                                  only(200, "manager", "report")),
        "PUT /v1/meetings/{meeting_id}/sharing": ("/v1/meetings/m1/sharing", {"recap": True},
                                                  only(200, "manager", **lead)),
        "GET /v1/meetings/{meeting_id}/recap": ("/v1/meetings/m1/recap", None,
                                                only(200, "manager", "report")),
        # m1 is a one_on_one: its reader gets 409 (no record), everyone else what
        # GET /v1/meetings/{id} gives (tests/test_meeting_types.py reads a real record).
        "GET /v1/meetings/{meeting_id}/record": ("/v1/meetings/m1/record", None,
                                                 only(409, "manager", **lead)),
        "PUT /v1/meetings/{meeting_id}/recap": ("/v1/meetings/m1/recap",
                                                {"summary": "Le point de mars."},
                                                only(200, "manager", **lead)),
        "DELETE /v1/meetings/{meeting_id}/recap": ("/v1/meetings/m1/recap", None,
                                                   only(200, "manager", **lead)),
        "GET /v1/meetings/{meeting_id}/audio": ("/v1/meetings/m1/audio", None,
                                                only(200, "manager", **lead)),
        "PATCH /v1/meetings/{meeting_id}/items/{kind}/{index}": (
            "/v1/meetings/m5/items/facts/0", {"text": "La démo a plu."},
            only(200, "manager", **lead)),
        "DELETE /v1/meetings/{meeting_id}/items/{kind}/{index}": (
            "/v1/meetings/m5/items/warnings/0", None, only(200, "manager", **lead)),
        "GET /v1/meetings/{meeting_id}/notes": ("/v1/meetings/m1/notes", None,
                                                only(200, "manager", **lead)),
        "PUT /v1/meetings/{meeting_id}/notes": ("/v1/meetings/m1/notes", {"text": "privé"},
                                                only(200, "manager", **lead)),
        "GET /v1/people": ("/v1/people", None, only(200, *members, "hr", others=403)),
        "GET /v1/people/{name}": ("/v1/people/Julien", None, only(200, "manager", "report", "hr")),
        "PATCH /v1/people/{name}": ("/v1/people/Julien", {"role": "dev"},
                                    only(200, "manager", "hr", **lead)),
        "DELETE /v1/people/{name}": ("/v1/people/Zoé", None, only(200, "manager")),
        "GET /v1/people/{name}/agenda": ("/v1/people/Julien/agenda", None,
                                         only(200, "manager", "report", "other_manager")),
        "PUT /v1/people/{name}/agenda/order": ("/v1/people/Julien/agenda/order",
                                               {"keys": ["suggested_question:abc"]},
                                               only(200, "manager", **lead)),
        "DELETE /v1/people/{name}/agenda/items/{key}": (
            "/v1/people/Julien/agenda/items/open_commitment:1", None,
            only(200, "manager", **lead)),
        "POST /v1/people/{name}/agenda/items/{key}/restore": (
            "/v1/people/Julien/agenda/items/open_commitment:1/restore", None,
            only(200, "manager", **lead)),
        "GET /v1/people/{name}/next.ics": ("/v1/people/Julien/next.ics", None,
                                           only(200, "manager", "report", "other_manager")),
        "GET /v1/people/{name}/legal": ("/v1/people/Julien/legal", None,
                                        only(200, "manager", "report", "hr")),
        "POST /v1/people/{name}/topics": ("/v1/people/Julien/topics", {"text": "ma formation"},
                                          only(201, "manager", "report")),
        "GET /v1/people/{name}/topics": ("/v1/people/Julien/topics", None,
                                         only(200, "manager", "report")),
        "GET /v1/people/{name}/export": ("/v1/people/Julien/export", None,
                                         only(200, "manager", **lead)),
        "GET /v1/search": ("/v1/search?q=deck", None, only(200, *members, others=403)),
        "GET /v1/commitments": ("/v1/commitments", None, only(200, *members, others=403)),
        "GET /v1/commitments/{commitment_id}": (f"/v1/commitments/{w['step']}", None,
                                                only(200, "manager", "report")),
        "PATCH /v1/commitments/{commitment_id}": (f"/v1/commitments/{w['step']}",
                                                  {"status": "done"},
                                                  only(200, "manager", **lead)),
        "GET /v1/managers/{name}/coaching": ("/v1/managers/Claire/coaching", None,
                                             only(200, "manager")),
        "GET /v1/jobs/{job_id}": ("/v1/jobs/j1", None, only(200, "manager")),
        # Any signed-in account may transcribe; the body here is no recording: 415 for all.
        "POST /v1/audio/transcriptions": ("/v1/audio/transcriptions", None,
                                          {**NOBODY, **dict.fromkeys(CALLERS[1:], 415)}),
        "GET /v1/home": ("/v1/home", None, only(200, "manager", "other_manager", others=403)),
        "PATCH /v1/me": ("/v1/me", {"language": "fr"}, {**NOBODY, **ALL}),
        # Last: every caller's password changes (their tokens stay).
        "PUT /v1/me/password": ("/v1/me/password", {"current": PASSWORD,
                                                    "new": "another long passphrase"},
                                {**NOBODY, **dict.fromkeys(CALLERS[1:], 204)}),
    }


def _method(route: str) -> str:
    return route.split(" ", 1)[0]


def test_every_route_declares_a_policy(light_store):
    app = create_app(extractor=FakeExtractor())
    missing = sorted(route for route, policy in _policies(app).items() if policy is None)
    assert missing == []


def test_the_matrix_covers_every_route_and_holds(world):
    app = create_app(extractor=FakeExtractor())
    table = matrix(world)
    assert _routes(app) == set(table), "a route without a row in the matrix, or a stale row"
    wrong = []
    with TestClient(app) as client:
        for route, (path, body, expected) in table.items():
            for caller in CALLERS:
                headers = ({} if caller == "anonymous"
                           else {"Authorization": f"Bearer {world['tokens'][caller]}"})
                json = body(caller) if callable(body) else body
                response = client.request(_method(route), path, json=json, headers=headers)
                client.cookies.clear()  # the login's session cookie must not ride along
                if response.status_code != expected[caller]:
                    wrong.append(f"{route} as {caller}: {response.status_code} "
                                 f"(expected {expected[caller]}) {response.text[:120]}")
    assert wrong == [], "\n".join(wrong)
    cells = sum(len(CALLERS) for _ in table)
    assert cells == len(table) * 8 >= 300


def test_objects_of_other_organisations_never_answer(world):
    """The other organisation's admin gets 404 on every object route, whatever it is."""
    table = matrix(world)
    for route, (_path, _body, expected) in table.items():
        if "{" in route:
            assert expected["other_admin"] == 404, route
