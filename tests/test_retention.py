"""Retention with a moving clock: `apply_retention(now)` is called at chosen days after the
data arrived, so the tests never wait and never depend on today's date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import make_analysis
from typer.testing import CliRunner

from copilot.cli.application import app
from copilot.memory import Store
from copilot.memory.agenda import build_agenda
from copilot.memory.search import search
from copilot.models import Analysis, Principal, Retention
from copilot.reports.coaching import build_report
from copilot.settings import get_settings

# Every test once per database: [sqlite] and [postgresql] (conftest.db_backend).
pytestmark = pytest.mark.usefixtures("db_backend")

WORD = "achats"  # said in utterance 3 of conftest.UTTERANCES only
FACT_WORD = "ACME"  # in the fact only
OTHER_ORG = Principal(org_id=2)  # the owner acting in organisation 2


def files_with(home: Path, word: str) -> list[str]:
    needle = word.casefold().encode()
    return sorted(str(p.relative_to(home)) for p in home.rglob("*")
                  if p.is_file() and needle in p.read_bytes().lower())


def other_meeting() -> Analysis:
    body = make_analysis("o1", manager="Marc", report="Léa").model_dump_json()
    return Analysis.model_validate_json(body.replace("Claire", "Marc").replace("Julien", "Léa"))


@pytest.fixture
def home(monkeypatch, copilot_env: Path):
    monkeypatch.setenv("COPILOT_EMBEDDER", "hash")  # the real embedded chromadb, no model
    store = Store.open(get_settings())
    store.save(make_analysis("m1"))
    uploads = copilot_env / "uploads"
    uploads.mkdir()
    (uploads / "m1.wav").write_bytes(b"RIFF recording")
    (uploads / "m1-voice.wav").write_bytes(b"RIFF voice sample")
    store.create_job("m1", upload="uploads/m1.wav", voice_upload="uploads/m1-voice.wav",
                     filename="1on1.wav", params={"manager": "Claire", "report": "Julien"})
    store.update_job("m1", stage="done", percent=100.0, meeting_id="m1")
    store.organisation("other", create=True)
    other = store.acting_as(OTHER_ORG)
    other.save(other_meeting())
    (uploads / "o1.wav").write_bytes(b"RIFF other org")
    yield store
    store.close()


T0 = dt.datetime.now(dt.UTC)


def day(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def test_nothing_is_deleted_before_the_periods(home, copilot_env):
    home.set_retention(Retention(recordings_days=30, transcripts_days=365))
    report = home.apply_retention(day(29))
    assert [(o.org, o.recordings_deleted, o.transcripts_stripped) for o in report.orgs] == [
        ("default", 0, 0)]
    assert (copilot_env / "uploads" / "m1.wav").is_file()
    assert home.get("m1").utterances[2].text.startswith("Je relance")


def test_recordings_go_after_n_days_and_the_transcript_stays(home, copilot_env):
    home.set_retention(Retention(recordings_days=30))
    report = home.apply_retention(day(31))
    assert report.recordings_deleted == 2  # the recording and the voice sample
    assert not (copilot_env / "uploads" / "m1.wav").exists()
    assert not (copilot_env / "uploads" / "m1-voice.wav").exists()
    assert (copilot_env / "uploads" / "o1.wav").is_file()  # organisation 2 has no setting
    assert WORD in home.get("m1").utterances[2].text
    assert home.get_job("m1").stage == "done"
    assert home.apply_retention(day(32)).recordings_deleted == 0


def test_transcripts_go_after_m_days_and_the_figures_stay(home, copilot_env):
    home.set_retention(Retention(transcripts_days=365))
    before = home.get("m1")
    assert home.apply_retention(day(364)).transcripts_stripped == 0
    report = home.apply_retention(day(366))
    assert report.orgs[0].meetings == ["m1"] and report.transcripts_stripped == 1
    after = home.get("m1")
    assert all(u.text == "" for u in after.utterances)
    assert [(u.speaker, u.start) for u in after.utterances] == [
        (u.speaker, u.start) for u in before.utterances]
    assert after.talk == before.talk
    assert [w.code for w in after.warnings] == [w.code for w in before.warnings]
    assert after.summary is None and all(f.text == "" for f in after.facts)
    assert [(f.polarity, f.target) for f in after.feedback] == [
        (f.polarity, f.target) for f in before.feedback]
    assert [n.action for n in after.next_steps] == ["envoyer le deck"]  # kept by design
    assert [h.meeting_id for h in search(home, WORD).hits] == ["o1"]  # not m1's
    # the meeting still lists, its agenda and its coaching report still build
    assert "m1" in [m.id for m in home.list(report="Julien")]
    agenda = build_agenda(home, "Julien", date=dt.date(2027, 3, 2))
    assert any("deck" in item.text for item in agenda.items)
    assert build_report(home, "Claire").meetings
    again = home.apply_retention(day(400))
    assert again.transcripts_stripped == 0  # marked: not stripped twice


def test_other_organisations_are_untouched(home, copilot_env):
    home.set_retention(Retention(recordings_days=1, transcripts_days=1))
    home.apply_retention(day(1000))
    other = home.acting_as(OTHER_ORG)
    assert WORD in other.get("o1").utterances[2].text
    assert (copilot_env / "uploads" / "o1.wav").is_file()
    other.set_retention(Retention(transcripts_days=10))
    report = home.apply_retention(day(1000))
    assert [(o.org, o.transcripts_stripped) for o in report.orgs] == [
        ("default", 0), ("other", 1)]
    assert other.get("o1").utterances[2].text == ""


def test_organisations_without_settings_are_not_listed(home):
    assert home.apply_retention(day(10_000)).orgs == []
    assert WORD in home.get("m1").utterances[2].text


@pytest.mark.sqlite_only  # the SQLite file under the home
def test_a_stripped_word_is_nowhere_under_the_home(home, copilot_env):
    assert files_with(copilot_env, WORD) and files_with(copilot_env, FACT_WORD)
    home.set_retention(Retention(transcripts_days=1))
    home.acting_as(OTHER_ORG).set_retention(Retention(transcripts_days=1))
    home.apply_retention(day(2))
    home.close()
    assert files_with(copilot_env, WORD) == []
    assert files_with(copilot_env, FACT_WORD) == []


def test_cli_applies_retention(home, copilot_env):
    home.set_retention(Retention(recordings_days=30))
    home.close()
    out = CliRunner().invoke(app, ["retention", "apply", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["orgs"][0]["recordings_deleted"] == 0  # too young today
    out = CliRunner().invoke(app, ["retention", "apply"])
    assert out.exit_code == 0 and "0 recording" in out.stdout


def test_the_server_applies_retention_at_start(monkeypatch, light_store):
    import time

    from fastapi.testclient import TestClient

    from api.main import create_app

    with Store.open(get_settings()) as store:
        store.set_retention(Retention(recordings_days=30))
    app = create_app()
    with TestClient(app):
        for _ in range(100):  # the first run happens in the timer's thread
            if app.state.retention.last is not None:
                break
            time.sleep(0.05)
        assert app.state.retention.last.orgs[0].recordings_days == 30
    monkeypatch.setenv("COPILOT_RETENTION_INTERVAL_MINUTES", "0")
    app = create_app()
    with TestClient(app):
        time.sleep(0.2)
        assert app.state.retention.last is None  # 0 = off
