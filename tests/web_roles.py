"""Signing in as one of the authorization matrix's callers (tests/test_authz_matrix.py's
`world`: caller@example.org, PASSWORD), for the role pages' tests."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.test_authz_matrix import PASSWORD


def signed_in_as(app: FastAPI, caller: str, lang: str = "en", password: str = PASSWORD
                 ) -> TestClient:
    client = TestClient(app, base_url="http://localhost", headers={"Accept-Language": lang})
    answer = client.post("/login", data={"email": f"{caller}@example.org",
                                         "password": password}, follow_redirects=False)
    assert answer.status_code == 303, f"{caller} could not sign in"
    return client
