"""The agenda page (items and where they come from, topics, commitments closed from it) and
the coaching page (warnings linking to their meeting and evidence)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from copilot.models import AccountRole
from tests.conftest import make_analysis
from tests.web_client import browser, claire_and_julien, csrf_of


@pytest.fixture
def app(light_store):
    return claire_and_julien(make_analysis("m1"), shared=("m1",))


def test_the_agenda_lists_the_open_commitment_with_its_source_meeting(app) -> None:
    with browser(app) as client:
        html = client.get("/people/Julien/agenda?date=2026-03-20").text
    assert "envoyer le deck" in html
    assert re.search(r'href="/meetings/m1#u\d+"', html)  # where it comes from
    assert 'id="agenda-md"' in html and "envoyer le deck" in html.split('id="agenda-md"')[1]


def test_a_commitment_marked_done_leaves_the_next_agenda(app) -> None:
    with browser(app) as client:
        html = client.get("/people/Julien/agenda?date=2026-03-20").text
        action = re.search(r'action="(/people/Julien/agenda/commitments/\d+)"', html).group(1)
        client.post(action, data={"status": "done", "csrf_token": csrf_of(html)})
        after = client.get("/people/Julien/agenda?date=2026-03-20").text
    assert "envoyer le deck" not in after.split('id="agenda-md"')[0]


def test_a_topic_the_report_submits_appears_on_the_managers_agenda(app) -> None:
    with browser(app, "Julien", AccountRole.REPORT) as client:
        html = client.get("/people/Julien/agenda").text
        answer = client.post("/people/Julien/topics", data={"text": "ma formation Rust",
                                                            "csrf_token": csrf_of(html)},
                             follow_redirects=False)
        assert answer.status_code == 303
        assert client.get("/people/Claire/agenda").status_code == 404  # not theirs
    with browser(app) as client:
        assert "ma formation Rust" in client.get("/people/Julien/agenda").text


def test_the_coaching_page_links_each_warning_to_its_meeting(app) -> None:
    with browser(app) as client:
        html = client.get("/coaching").text
        assert client.get("/coaching?since=nonsense").status_code == 400
    assert "data:image/png;base64," in html  # the plots
    assert re.search(r'href="/meetings/m1(#u\d+)?"', html)


def test_the_coaching_page_of_a_manager_without_meetings_says_so(app) -> None:
    with browser(app, "Marc") as client:
        html = client.get("/coaching").text
    assert "No 1:1 stored yet" in html


def test_an_agenda_of_someone_else_is_not_found(app) -> None:
    with browser(app, "Julien", AccountRole.REPORT) as client:
        assert client.get(f"/people/{quote('Zoé')}/agenda").status_code == 404
