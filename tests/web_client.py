"""Signing in to the pages as a browser does: the login form, then the session cookie; unsafe
forms carry the page's CSRF token (`csrf_of`)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from copilot import accounts
from copilot.errors import NotFoundError
from copilot.memory.store import Store
from copilot.models import AccountRole
from tests.api_auth import email_of

PASSWORD = "correct horse battery staple"


def user(app: FastAPI, name: str = "Claire", role: AccountRole = AccountRole.MANAGER, *,
         org: str | None = None, manager: str | None = None) -> str:
    """The email of user `name`, created (with PASSWORD) when new."""
    email = email_of(name)
    with Store.open(app.state.settings) as store:
        try:
            store.user(email)
        except NotFoundError:
            accounts.add_user(store, email, name, role, org=org,
                              manager=email_of(manager) if manager else None)
            accounts.reset_password(store, email, PASSWORD)
    return email


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
