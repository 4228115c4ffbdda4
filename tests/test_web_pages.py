"""The pages' foundation: signing in and out, the reader's language, CSRF, errors in HTML."""

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from tests.web_client import PASSWORD, browser, csrf_of, user


@pytest.fixture
def app(light_store):
    return create_app(extractor=FakeExtractor())


def test_a_page_without_a_session_sends_to_the_login_with_next(app) -> None:
    with TestClient(app, base_url="http://localhost") as client:
        answer = client.get("/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/"


def test_signing_in_through_the_form_opens_home_in_the_browsers_language(app) -> None:
    email = user(app)
    with TestClient(app, base_url="http://localhost",
                    headers={"Accept-Language": "fr-FR,fr;q=0.9"}) as client:
        form = client.get("/login")
        assert '<html lang="fr">' in form.text and 'name="email"' in form.text
        assert 'name="password"' in form.text
        wrong = client.post("/login", data={"email": email, "password": "nope"})
        assert wrong.status_code == 401 and "incorrect" in wrong.text
        answer = client.post("/login", data={"email": email, "password": PASSWORD},
                             follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/"
        home = client.get("/")
    assert home.status_code == 200 and '<html lang="fr">' in home.text
    assert "Mes collaborateurs" in home.text


def test_the_next_path_never_leaves_the_site(app) -> None:
    email = user(app)
    with TestClient(app, base_url="http://localhost") as client:
        answer = client.post("/login", data={"email": email, "password": PASSWORD,
                                             "next": "//evil.example/x"},
                             follow_redirects=False)
    assert answer.headers["location"] == "/"


def test_an_unsafe_form_without_the_csrf_token_is_refused(app) -> None:
    with browser(app) as client:
        refused = client.post("/logout", data={}, follow_redirects=False)
        assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
        token = csrf_of(client.get("/").text)
        done = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert done.status_code == 303
        assert client.get("/", follow_redirects=False).status_code == 303  # signed out


def test_page_errors_are_html_and_api_errors_stay_json(app) -> None:
    with browser(app) as client:
        page = client.get("/no-such-page")
        api = client.get("/v1/no-such-route")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


def test_the_language_chosen_on_the_login_page_sticks(app) -> None:
    with TestClient(app, base_url="http://localhost",
                    headers={"Accept-Language": "en"}) as client:
        client.post("/language", data={"lang": "fr", "next": "/login"})
        assert '<html lang="fr">' in client.get("/login").text


def test_pages_forbid_other_sites_scripts_and_framing(app) -> None:
    with TestClient(app, base_url="http://localhost") as client:
        policy = client.get("/login").headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
