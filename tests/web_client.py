"""Signing in to the pages as a browser does: the login form, then the session cookie; unsafe
forms carry the page's CSRF token (`csrf_of`)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from copilot.analyze.base import FakeExtractor
from copilot.memory.store import Store
from copilot.models import AccountRole, Analysis, Sharing
from tests.api_auth import email_of, ensure_user

PASSWORD = "correct horse battery staple"


def user(app: FastAPI, name: str = "Claire", role: AccountRole = AccountRole.MANAGER, *,
         org: str | None = None, manager: str | None = None) -> str:
    """The email of user `name`, created (with PASSWORD) when new."""
    with Store.open(app.state.settings) as store:
        return ensure_user(store, name, role, org=org, manager=manager, password=PASSWORD)


def browser(app: FastAPI, name: str = "Claire", role: AccountRole = AccountRole.MANAGER, *,
            lang: str = "en", **kwargs: object) -> TestClient:
    """A client signed in through the login form, reading pages in `lang`."""
    email = user(app, name, role, **kwargs)
    client = TestClient(app, base_url="http://localhost", headers={"Accept-Language": lang})
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "next": "/"},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def as_user(store: Store, name: str) -> Store:
    """The store acting as user `name` (the pages' and the API's scope for them)."""
    return store.acting_as(store.principal_for_user(store.user(email_of(name)).id))


def claire_and_julien(*analyses: Analysis, shared: tuple[str, ...] = ()) -> FastAPI:
    """An app (FakeExtractor) whose store holds Claire, a manager, and Julien, her report;
    `analyses` saved as Claire's, the recap of the meetings in `shared` shared with Julien."""
    from api.main import create_app

    app = create_app(extractor=FakeExtractor())
    user(app, "Claire")
    user(app, "Julien", AccountRole.REPORT, manager="Claire")
    with Store.open(app.state.settings) as store:
        claire = as_user(store, "Claire")
        for analysis in analyses:
            claire.save(analysis)
        for meeting_id in shared:
            claire.set_sharing(meeting_id, Sharing(recap=True))
    return app
