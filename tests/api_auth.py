"""Signing tests in: a real user with a real token in the app's own store (no fake auth)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from copilot import accounts
from copilot.errors import NotFoundError
from copilot.memory.store import Store
from copilot.models import AccountRole, TokenScope


def email_of(name: str) -> str:
    return f"{name.lower().replace(' ', '.')}@example.org"


def ensure_user(store: Store, name: str, role: AccountRole, *, org: str | None = None,
                manager: str | None = None, password: str | None = None) -> str:
    """The email of the user called `name`, created with that role (and password) when new."""
    email = email_of(name)
    try:
        store.user(email)
    except NotFoundError:
        accounts.add_user(store, email, name, role, org=org,
                          manager=email_of(manager) if manager else None, password=password)
    return email


def token_for(app: FastAPI, name: str = "Claire", role: AccountRole = AccountRole.MANAGER, *,
              org: str | None = None, manager: str | None = None,
              scope: TokenScope = TokenScope.WRITE) -> str:
    """A token of the user called `name` (created with that role when new)."""
    with Store.open(app.state.settings) as store:
        email = ensure_user(store, name, role, org=org, manager=manager)
        return accounts.issue_token(store, email, scope).token


def signed_in(app: FastAPI, name: str = "Claire", role: AccountRole = AccountRole.MANAGER, *,
              org: str | None = None, manager: str | None = None,
              scope: TokenScope = TokenScope.WRITE, **client: object) -> TestClient:
    """A TestClient of `app` that sends the token of `name` (a manager by default)."""
    token = token_for(app, name, role, org=org, manager=manager, scope=scope)
    return TestClient(app, headers={"Authorization": f"Bearer {token}"}, **client)
