"""The coaching report: built from a real SQLite store of generated meetings, written
as HTML/Markdown with real PNG plots, and served by the CLI and the API. No NLP model."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from api_auth import signed_in

from api.main import create_app
from copilot import cli
from copilot.analyze.critique import critique
from copilot.analyze.talk import compute_talk
from copilot.memory.store import Store
from copilot.models import (
    Analysis,
    CoachingReport,
    Commitment,
    Extraction,
    FeedbackItem,
    Question,
    Transcript,
    Utterance,
    WarningCode,
)
from copilot.reports.coaching import assemble, build_report, follow_through, load_report, trend
from copilot.reports.render import write_report
from copilot.settings import Settings, get_settings
from eval.bench_coaching import MANAGER, REPORTS, generate

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def settings(monkeypatch):
    # The memory layer's deterministic embedder and in-process vectors: no model, no disk index.
    monkeypatch.setenv("COPILOT_EMBEDDER", "hash")
    monkeypatch.setenv("COPILOT_VECTOR_STORE", "memory")
    return get_settings()


@pytest.fixture
def stored(settings):
    with Store.open(settings) as store:
        generate(store, 15, settings)
        yield store


def _as_of(store) -> dt.date:
    return store.list(manager=MANAGER)[0].date + dt.timedelta(days=2)


def test_report_figures_trends_and_evidence(stored, settings) -> None:
    report = build_report(stored, "claire", as_of=_as_of(stored), settings=settings)
    assert report.manager == MANAGER and report.reports == sorted(REPORTS)
    assert len(report.meetings) == 15
    assert [m.date for m in report.meetings] == sorted(m.date for m in report.meetings)
    assert all(0 <= m.listening_ratio <= 1 for m in report.meetings)
    assert {t.metric for t in report.trends} >= {"listening_ratio", "open_share"}
    # The generator makes the manager talk less over time: the listening ratio improves.
    assert next(t for t in report.trends if t.metric == "listening_ratio").direction == "better"
    assert {c.report for c in report.cadence} == set(REPORTS)
    ids = {m.meeting_id for m in report.meetings}
    assert report.warnings
    for w in report.warnings:  # every trend warning cites meetings of this report
        assert w.evidence and all(ref.meeting_id in ids for ref in w.evidence), w.code


def test_since_filters_and_unknown_manager_is_not_found(stored, settings) -> None:
    dates = sorted(m.date for m in stored.list(manager=MANAGER))
    report = build_report(stored, MANAGER, since=dates[10], as_of=_as_of(stored), settings=settings)
    assert len(report.meetings) == 5 and report.since == dates[10]
    from copilot.errors import InputError, NotFoundError

    with pytest.raises(NotFoundError):
        build_report(stored, "Nobody", settings=settings)
    with pytest.raises(InputError):
        build_report(stored, MANAGER, since=dt.date(2999, 1, 1), as_of=dt.date(2026, 1, 1),
                     settings=settings)


def _commitment(role: str, status: str, due: dt.date | None, i: int) -> Commitment:
    return Commitment(id=i, report="Julien", manager="Claire", owner="x", owner_role=role,
                      action=f"action {i}", due=due, status=status, meeting_id=f"m{i}",
                      meeting_date=dt.date(2026, 1, 1), evidence=[i])


def test_follow_through_separates_the_managers_promises() -> None:
    day = dt.date(2026, 3, 1)
    past, future = dt.date(2026, 2, 1), dt.date(2026, 4, 1)
    rows = [_commitment("manager", "done", past, 1), _commitment("manager", "open", past, 2),
            _commitment("manager", "dropped", None, 3), _commitment("report", "done", past, 4),
            _commitment("report", "open", future, 5)]
    sides = {f.owner_role: f for f in follow_through(rows, day)}
    mgr, rep = sides["manager"], sides["report"]
    assert (mgr.done, mgr.overdue, mgr.dropped, mgr.rate) == (1, 1, 1, 0.3333)
    assert [r.meeting_id for r in mgr.evidence] == ["m2", "m3"]  # overdue, then dropped
    assert (rep.done, rep.open, rep.rate) == (1, 1, 1.0)  # not yet due is not a failure


def test_manager_slipping_and_trend_worse_are_warned(settings) -> None:
    from copilot.models import MeetingCoaching

    metas = [MeetingCoaching(meeting_id=f"m{i}", date=dt.date(2026, 1, 1) + dt.timedelta(7 * i),
                             report="Julien", language="fr", listening_ratio=0.7 - 0.1 * i)
             for i in range(6)]
    t = trend("listening_ratio", metas, Settings(coaching={"trend_min_meetings": 3}))
    assert (t.first, t.last, t.direction) == (0.65, 0.25, "worse")
    rows = [_commitment("manager", "open", dt.date(2026, 1, 2), 1),
            _commitment("report", "done", dt.date(2026, 1, 2), 2)]
    report = assemble([], rows, manager="Claire", since=None, as_of=dt.date(2026, 3, 1),
                      settings=settings)
    assert [w.code for w in report.warnings] == [WarningCode.MANAGER_COMMITMENTS_SLIPPING]
    assert report.warnings[0].evidence[0].meeting_id == "m1"


def test_files_are_self_contained_and_every_link_resolves(stored, settings, tmp_path) -> None:
    report, analyses = load_report(stored, MANAGER, as_of=_as_of(stored), settings=settings)
    page = write_report(report, analyses, settings, tmp_path / "out")
    html = page.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 3 and "src='images/" not in html
    ids = set(re.findall(r"id='([^']+)'", html))
    links = set(re.findall(r"href=\"#([^\"]+)\"|href='#([^']+)'", html))
    targets = {a or b for a, b in links}
    assert targets and targets <= ids, sorted(targets - ids)[:5]
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    for name in ("listening_ratio", "open_questions", "timeline"):
        png = tmp_path / "out" / "images" / f"{name}.png"
        assert png.read_bytes().startswith(PNG) and png.stat().st_size > 5000
        assert f"](images/{name}.png)" in md
    md_ids = set(re.findall(r'<a id="([^"]+)"></a>', md))
    assert set(re.findall(r"\]\(#([^)]+)\)", md)) <= md_ids


def test_cli_writes_the_report_and_prints_its_path(stored, settings, tmp_path, capsys) -> None:
    out = tmp_path / "rep"
    code = cli.run(["report", "--manager", "CLAIRE", "--out", str(out),
                    "--as-of", _as_of(stored).isoformat()])
    printed, err = capsys.readouterr()
    assert code == 0, err
    assert printed.strip() == str(out / "report.html") and (out / "report.md").is_file()
    code = cli.run(["report", "--manager", MANAGER, "--out", str(out), "--json"])
    printed, _ = capsys.readouterr()
    assert code == 0 and CoachingReport.model_validate_json(printed).manager == MANAGER


@pytest.mark.parametrize(("args", "words"), [
    (["--manager", "Nobody"], "no stored 1:1"),
    (["--manager", MANAGER, "--since", "2026-13-01"], "is not a date"),
    (["--manager", " "], "--manager"),
])
def test_cli_user_mistakes_are_one_error_line(stored, capsys, tmp_path, args, words) -> None:
    code = cli.run(["report", *args, "--out", str(tmp_path / "x")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and words in err


def test_api_json_html_and_errors(stored, settings) -> None:
    with signed_in(create_app(settings=settings)) as client:
        day = _as_of(stored).isoformat()
        ok = client.get(f"/v1/managers/{MANAGER}/coaching", params={"as_of": day})
        assert ok.status_code == 200, ok.text
        report = CoachingReport.model_validate(ok.json())
        assert len(report.meetings) == 15
        page = client.get(f"/v1/managers/{MANAGER}/coaching", params={"format": "html"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "data:image/png;base64," in page.text
        missing = client.get("/v1/managers/Nobody/coaching")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
        bad = client.get(f"/v1/managers/{MANAGER}/coaching", params={"since": "soon"})
        assert bad.status_code == 400 and "not a date" in bad.json()["error"]["message"]
        wrong = client.get(f"/v1/managers/{MANAGER}/coaching", params={"format": "pdf"})
        assert wrong.status_code == 422


def test_bench_generator_is_reproducible() -> None:
    from random import Random

    from eval.bench_coaching import synthetic_meeting

    a = synthetic_meeting(3, 10, Random(1))
    b = synthetic_meeting(3, 10, Random(1))
    assert a[0] == b[0] and a[1] == b[1] and a[2] in REPORTS
    kinds = {q.kind for i in range(40) for q in synthetic_meeting(i, 40, Random(i))[1].questions}
    assert kinds == {"open", "closed", "leading"}  # every question kind gets exercised


def test_since_keeps_links_to_meetings_left_out_unlinked(stored, settings, tmp_path) -> None:
    dates = sorted(m.date for m in stored.list(manager=MANAGER))
    report, analyses = load_report(stored, MANAGER, since=dates[-4], as_of=_as_of(stored),
                                   settings=settings)
    html = write_report(report, analyses, settings, tmp_path).read_text(encoding="utf-8")
    ids = set(re.findall(r"id='([^']+)'", html))
    targets = {a or b for a, b in re.findall(r"href=\"#([^\"]+)\"|href='#([^']+)'", html)}
    assert targets <= ids  # an earlier meeting's commitment is named, not linked
    assert "(hors de ce rapport)" in html  # a French 1:1: the file is written in French


def _meeting(day: int, person_feedback_at: int | None, settings) -> Analysis:
    """A meeting analysed by the real talk metrics and critique; with `person_feedback_at`,
    the manager's criticism of the person at that utterance."""
    utts = [Utterance(id=i, speaker="Claire" if i % 2 else "Julien",
                      role="manager" if i % 2 else "report", text="on avance bien sur le salon")
            for i in range(1, 7)]
    feedback = [] if person_feedback_at is None else [FeedbackItem(
        text="Tu es désorganisé.", polarity="negative", target="person",
        evidence=[person_feedback_at], given_by="Claire")]
    ex = Extraction(feedback=feedback, questions=[
        Question(text="Comment ça va ?", kind="open", evidence=[1])])
    talk = compute_talk(utts, ex.questions)
    warnings = critique(Transcript(utterances=utts, language="fr"), talk, ex, settings,
                        "Claire", "Julien")
    return Analysis(id=f"m{day}", date=dt.date(2026, 1, 5) + dt.timedelta(days=7 * day),
                    language="fr", manager="Claire", report="Julien", utterances=utts,
                    talk=talk, questions=ex.questions, feedback=feedback, warnings=warnings)


def test_feedback_about_the_person_is_reported_with_its_evidence(settings) -> None:
    # Two meetings without, then four with criticism of the person, each at its own utterance.
    cited = {2: 3, 3: 5, 4: 1, 5: 3}
    analyses = [_meeting(d, cited.get(d), settings) for d in range(6)]
    report = assemble(analyses, [], manager="Claire", since=None,
                      as_of=dt.date(2026, 3, 1), settings=settings)
    assert [m.person_feedback for m in report.meetings] == [0, 0, 1, 1, 1, 1]
    assert report.averages["person_feedback_per_meeting"] == round(4 / 6, 4)
    found = {w.code: w for w in report.warnings}
    repeated = found[WarningCode.PERSONAL_FEEDBACK_REPEATED]
    assert [(r.meeting_id, r.utterances) for r in repeated.evidence] == [
        (f"m{d}", [i]) for d, i in cited.items()]
    trend_ = next(t for t in report.trends if t.metric == "person_feedback")
    assert (trend_.first, trend_.last, trend_.direction) == (0.0, 1.0, "worse")
    worse = found[WarningCode.PERSON_FEEDBACK_WORSE]
    assert [(r.meeting_id, r.utterances) for r in worse.evidence] == [("m4", [1]), ("m5", [3])]


def test_the_files_are_written_in_the_reports_language(stored, settings, tmp_path) -> None:
    """French 1:1s give a French file (labels, dates, percentages), unless English is asked."""
    french, analyses = load_report(stored, MANAGER, as_of=_as_of(stored), settings=settings)
    english, _ = load_report(stored, MANAGER, as_of=_as_of(stored), settings=settings,
                             lang="en")
    fr_html = write_report(french, analyses, settings, tmp_path / "fr").read_text("utf-8")
    en_html = write_report(english, analyses, settings, tmp_path / "en").read_text("utf-8")
    assert french.language == "fr" and "<html lang='fr'>" in fr_html
    assert "Rapport de coaching : " in fr_html and "Résumé" in fr_html
    assert "Coaching report: " not in fr_html and "Try:" not in fr_html
    assert "<html lang='en'>" in en_html and "<h2>Summary</h2>" in en_html
    fr_md = (tmp_path / "fr" / "report.md").read_text(encoding="utf-8")
    assert fr_md.startswith("# Rapport de coaching : ") and "## Sur l'ensemble des 1:1" in fr_md
