"""A report's pages: the recaps their manager shared and nothing else, the link to the next
agenda, and a topic submitted ahead that the store then holds."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.memory import topics as tp
from copilot.memory.store import Store
from copilot.models import Sharing
from copilot.settings import get_settings
from tests.test_authz_matrix import world  # noqa: F401 (fixture)
from tests.web_client import csrf_of
from tests.web_roles import signed_in_as


def _app():
    return create_app(extractor=FakeExtractor())


def test_the_report_sees_the_shared_recaps_and_nothing_of_the_coaching(world):  # noqa: F811
    with Store.open(get_settings()) as store:  # m3 back to private: the report must not see it
        claire = store.principal_for_user(store.user("manager@example.org").id)
        store.acting_as(claire).set_sharing("m3", Sharing(recap=False))
    app = _app()
    with TestClient(app):
        home = signed_in_as(app, "report").get("/")
    assert home.status_code == 200
    html = home.text
    assert "What your manager shared" in html
    assert 'id="recap-m1"' in html and 'id="recap-m5"' in html
    assert 'id="recap-m3"' not in html  # not shared
    assert 'id="recap-m2"' not in html and 'id="recap-m4"' not in html  # not theirs
    assert "envoyer le deck" in html  # m1's next step
    assert "Only one question asked." not in html and "Ask what would help." not in html
    assert "Transcript" not in html  # the transcript is not shared
    assert 'href="/people/Julien/agenda"' in html
    assert "Coaching" not in html and 'href="/coaching"' not in html


def test_the_transcript_shows_once_shared(world):  # noqa: F811
    with Store.open(get_settings()) as store:
        claire = store.principal_for_user(store.user("manager@example.org").id)
        store.acting_as(claire).set_sharing("m1", Sharing(recap=True, transcript=True))
    app = _app()
    with TestClient(app):
        html = signed_in_as(app, "report").get("/").text
    assert 'id="m1-u2"' in html and "Je t&#39;envoie le deck vendredi" in html
    assert 'id="m5-u2"' not in html  # m5's transcript is still private


def test_a_submitted_topic_is_stored_and_listed(world):  # noqa: F811
    app = _app()
    with TestClient(app):
        client = signed_in_as(app, "report", lang="fr")
        token = csrf_of(client.get("/").text)
        done = client.post("/topics", data={"csrf_token": token, "text": "  ma formation  "},
                           follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/"
        after = client.get("/").text
    assert "ma formation" in after and "Sujet ajouté" in after  # the flash, in French
    with Store.open(get_settings()) as store:
        topics = tp.list_topics(store, "Julien")
    assert [(t.text, t.submitted_by) for t in topics] == [("ma formation", "Julien")]


def test_an_empty_topic_is_refused_and_stores_nothing(world):  # noqa: F811
    app = _app()
    with TestClient(app):
        client = signed_in_as(app, "report")
        token = csrf_of(client.get("/").text)
        refused = client.post("/topics", data={"csrf_token": token, "text": "   "})
        assert refused.status_code == 400 and "text/html" in refused.headers["content-type"]
        manager = signed_in_as(app, "manager")
        assert manager.post("/topics", data={"csrf_token": csrf_of(manager.get("/").text),
                                             "text": "x"}).status_code == 403
    with Store.open(get_settings()) as store:
        assert tp.list_topics(store, "Julien") == []
