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
from tests.test_authz_matrix import CALLERS, PASSWORD, world  # noqa: F401 (fixture)

SIGNED_IN = CALLERS[1:]


def only(ok: int, *who: str, others: int = 403, **exceptions: int) -> dict[str, int]:
    return {"anonymous": 303, **{c: ok if c in who else others for c in SIGNED_IN},
            **exceptions}


def pages(w) -> dict[str, tuple[str, dict[str, int]]]:
    """route -> (concrete path, expected status per caller)."""
    return {
        "GET /login": ("/login", dict.fromkeys(CALLERS, 200)),
        "GET /": ("/", only(200, *SIGNED_IN)),
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
            if expected["manager"] == 200:
                assert f'<html lang="{lang}">' in client.get(path).text, route
