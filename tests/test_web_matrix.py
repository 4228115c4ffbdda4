"""Who may open each page: every page route has a row, and every row holds for every caller.

The same callers and objects as the API's matrix (tests/test_authz_matrix.py): a page of
someone else's object answers 404, a page of a role that may not answers 403, and nobody
signed in is sent to the login page (303). GET only: the forms' actions are tested with their
pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.memory.store import Store
from copilot.settings import get_settings
from tests.test_authz_matrix import CALLERS, PASSWORD, world  # noqa: F401 (fixture)

SIGNED_IN = CALLERS[1:]


def only(ok: int, *who: str, others: int = 403, **exceptions: int) -> dict[str, int]:
    return {"anonymous": 303, **{c: ok if c in who else others for c in SIGNED_IN},
            **exceptions}


def _user_id(email: str) -> int:
    with Store.open(get_settings()) as store:
        return store.user(email).id


def pages(w) -> dict[str, tuple[str, dict[str, int]]]:
    """route -> (concrete path, expected status per caller)."""
    admins, members = ("admin", "other_admin"), ("manager", "report", "other_manager",
                                                 "other_report")
    claire = _user_id("manager@example.org")
    return {
        "GET /login": ("/login", dict.fromkeys(CALLERS, 200)),
        "GET /": ("/", only(200, *SIGNED_IN)),
        "GET /meetings/{meeting_id}": ("/meetings/m1", only(200, "manager", "report",
                                                            others=404)),
        # m1 is a one-to-one: its leading manager is told it has no record (409).
        "GET /meetings/{meeting_id}/record": ("/meetings/m1/record",
                                              only(409, "manager", others=404)),
        "GET /meetings/{meeting_id}/recap/edit": ("/meetings/m1/recap/edit",
                                                  only(200, "manager", others=404)),
        "GET /people/{name}/agenda": ("/people/Julien/agenda",
                                      only(200, "manager", "report", "other_manager",
                                           others=404)),
        "GET /coaching": ("/coaching", only(200, "manager", "other_manager")),
        "GET /account": ("/account", only(200, *SIGNED_IN)),
        "GET /admin/users/{user_id}": (f"/admin/users/{claire}", only(200, "admin", others=404)),
        "GET /admin/retention": ("/admin/retention", only(200, *admins)),
        "GET /admin/audit": ("/admin/audit", only(200, *admins)),
        "GET /hr/legal": ("/hr/legal", only(200, "hr")),
        "GET /people": ("/people", only(200, "manager", "other_manager")),
        "GET /people/{name}": ("/people/Julien", only(200, "manager", others=404)),
        "GET /people/{name}/export": ("/people/Julien/export", only(200, "manager", others=404)),
        "GET /people/{name}/erase": ("/people/Julien/erase", only(200, "manager", others=404)),
        "GET /search": ("/search?q=deck", only(200, *members)),
        "GET /meetings/new": ("/meetings/new", only(200, "manager", "other_manager")),
        "GET /jobs/{job_id}": ("/jobs/j1", only(200, "manager", others=404)),
    }


def _page_routes(app) -> set[str]:
    found = set()
    for route in app.routes:
        for ctx in (route.effective_candidates() if hasattr(route, "effective_candidates")
                    else ()):
            if ctx.endpoint.__module__.startswith("web."):
                found |= {f"{m} {ctx.path}" for m in ctx.methods if m == "GET"}
    return found


def _browser(app, caller: str) -> TestClient:
    client = TestClient(app, base_url="http://localhost")
    if caller != "anonymous":
        answer = client.post("/login", data={"email": f"{caller}@example.org",
                                             "password": PASSWORD}, follow_redirects=False)
        assert answer.status_code == 303, f"{caller} could not sign in"
    return client


def test_every_page_has_a_row_and_every_row_holds(world):  # noqa: F811 (fixture)
    app = create_app(extractor=FakeExtractor())
    table = pages(world)
    assert _page_routes(app) == set(table), "a page without a row, or a stale row"
    wrong = []
    with TestClient(app):
        for caller in CALLERS:
            client = _browser(app, caller)
            for route, (path, expected) in table.items():
                answer = client.get(path, follow_redirects=False)
                if answer.status_code != expected[caller]:
                    wrong.append(f"{route} as {caller}: {answer.status_code} "
                                 f"(expected {expected[caller]})")
                elif answer.status_code == 303 and caller == "anonymous":
                    assert re.match(r"^/login\?next=", answer.headers["location"])
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_says_its_language(world, lang):  # noqa: F811 (fixture)
    app = create_app(extractor=FakeExtractor())
    with TestClient(app):
        client = _browser(app, "manager")
        client.headers["Accept-Language"] = lang
        for route, (path, expected) in pages(world).items():
            answer = client.get(path) if expected["manager"] == 200 else None
            if answer is not None and answer.headers["content-type"].startswith("text/html"):
                assert f'<html lang="{lang}">' in answer.text, route  # not the downloads
