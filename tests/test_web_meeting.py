"""The meeting page: every item with its evidence linked to its transcript line (and moment),
roles fixed in one action, commitments closed, notes and sharing saved; the report reads the
shared recap only."""

from __future__ import annotations

import re

import pytest

from copilot.memory.store import Store
from copilot.models import AccountRole
from tests.conftest import make_analysis
from tests.web_client import browser, claire_and_julien, csrf_of


@pytest.fixture
def app(light_store):
    return claire_and_julien(make_analysis("m1"))


def _stored(app, meeting_id: str = "m1"):
    with Store.open(app.state.settings) as store:
        return store.get(meeting_id)


def test_every_item_links_its_evidence_to_the_transcript_line(app) -> None:
    analysis = _stored(app)
    with browser(app) as client:
        html = client.get("/meetings/m1").text
    for item in (*analysis.facts, *analysis.feedback, *analysis.next_steps, *analysis.warnings):
        shown = getattr(item, "text", None) or getattr(item, "action", None) or item.message
        assert shown.replace("'", "&#39;") in html
        for uid in item.evidence:
            assert f'href="#u{uid}" data-utterance="{uid}"' in html
            assert f'id="u{uid}"' in html  # the line the link highlights
    starts = {u.id: u.start for u in analysis.utterances if u.start is not None}
    uid, start = next(iter(starts.items()))
    assert re.search(rf'id="u{uid}"[^>]*data-start="{start}"', html)  # where the audio seeks


def test_fixing_the_roles_in_one_action_recomputes_the_meeting(app) -> None:
    with browser(app) as client:
        token = csrf_of(client.get("/meetings/m1").text)
        answer = client.post("/meetings/m1/roles", data={"manager": "Julien",
                                                         "csrf_token": token},
                             follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/meetings/m1")
        assert "Julien" in client.get(answer.headers["location"]).text
    roles = {u.speaker: u.role for u in _stored(app).utterances if u.speaker}
    assert roles == {"Julien": "manager", "Claire": "report"}


def test_marking_a_commitment_done_from_the_page(app) -> None:
    with browser(app) as client:
        html = client.get("/meetings/m1").text
        action = re.search(r'action="(/meetings/m1/commitments/\d+)"', html).group(1)
        client.post(action, data={"status": "done", "csrf_token": csrf_of(html)})
        after = client.get("/meetings/m1").text
    assert "Reopen" in after
    with Store.open(app.state.settings) as store:
        assert [c.status for c in store.commitments(report="Julien", status="all")] == ["done"]


def test_notes_and_sharing_are_saved_and_the_report_reads_only_the_recap(app) -> None:
    with browser(app) as client:
        token = csrf_of(client.get("/meetings/m1").text)
        client.post("/meetings/m1/notes", data={"text": "à revoir en juin", "csrf_token": token})
        client.post("/meetings/m1/sharing", data={"recap": "true", "csrf_token": token})
        assert "à revoir en juin" in client.get("/meetings/m1").text
    with browser(app, "Julien", AccountRole.REPORT) as client:
        recap = client.get("/meetings/m1")
        assert client.post("/meetings/m1/notes", data={"text": "x"}).status_code == 403
    assert recap.status_code == 200
    assert "à revoir en juin" not in recap.text  # private notes never reach the report
    assert "Only one question asked." not in recap.text  # nor the coaching
    assert _stored(app).next_steps[0].action in recap.text


def test_a_meeting_not_shared_is_not_found_for_the_report_and_others(app) -> None:
    with browser(app, "Julien", AccountRole.REPORT) as client:
        assert client.get("/meetings/m1").status_code == 404
    with browser(app, "Marc") as client:
        assert client.get("/meetings/m1").status_code == 404
        assert client.post("/meetings/m1/delete", data={}).status_code in (403, 404)
    assert _stored(app).id == "m1"


def test_the_page_is_french_for_a_french_reader(app) -> None:
    with browser(app, lang="fr") as client:
        html = client.get("/meetings/m1").text
    assert '<html lang="fr">' in html and "Prochaines actions" in html
