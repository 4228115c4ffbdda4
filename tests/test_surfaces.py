"""The analysis' newer parts where users read them: the meeting page (listening, balance,
coverage, the career review's record), the manager's edit of the recap, the CLI's output and
the coaching report's meetings table."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from copilot.cli.render import render_analysis
from copilot.memory.store import Store
from copilot.models import (
    AccountRole,
    BalanceShare,
    Listening,
    MeetingType,
    SectionCoverage,
    TalkKind,
)
from tests.conftest import make_analysis
from tests.web_client import browser, claire_and_julien, csrf_of

BALANCE = [BalanceShare(kind=TalkKind.OPERATIONS, share=0.5, evidence=[1]),
           BalanceShare(kind=TalkKind.PROBLEMS, share=0.1),
           BalanceShare(kind=TalkKind.SUCCESSES, share=0.15),
           BalanceShare(kind=TalkKind.DEVELOPMENT, share=0.2, evidence=[2]),
           BalanceShare(kind=TalkKind.WELLBEING, share=0.05)]
COVERAGE = [SectionCoverage(section="skills", covered=True, evidence=[2],
                            title="Compétences et qualifications"),
            SectionCoverage(section="cpf", covered=False, title="Information sur le CPF")]


def rich_analysis(meeting_id: str = "c1", kind: MeetingType = MeetingType.CAREER_REVIEW):
    return make_analysis(meeting_id).model_copy(update={
        "meeting_type": kind, "balance": BALANCE,
        "coverage": COVERAGE if kind == MeetingType.CAREER_REVIEW else [],
        "listening": Listening(reflections=1, evidence=[3], acknowledgements=2,
                               acknowledgement_evidence=[1])})


@pytest.fixture
def app(light_store):
    return claire_and_julien(rich_analysis(), make_analysis("m1"))


def _blocks(html: str) -> dict[str, str]:
    return {key: html.split(f'id="{key}-h"', 1)[1].split("</section>", 1)[0]
            for key in ("listening", "balance", "coverage") if f'id="{key}-h"' in html}


def test_the_meeting_page_shows_listening_balance_and_coverage_in_english(app) -> None:
    with browser(app) as client:
        html = client.get("/meetings/c1").text
    blocks = _blocks(html)
    assert set(blocks) == {"listening", "balance", "coverage"}
    listening = blocks["listening"]
    assert "Reformulations by the manager:" in listening and "<strong>1</strong>" in listening
    assert "<strong>2</strong>" in listening  # the acknowledgements
    # the reformulation is quoted and links to its transcript line
    assert re.search(r"<q>Je relance les achats d&#39;ici lundi.</q>\s*<span class=\"evidence\">"
                     r".*href=\"#u3\" data-utterance=\"3\"", listening)
    balance = blocks["balance"]
    for label, share in (("Operations and status", "50%"), ("Problems and failures", "10%"),
                         ("Successes and recognition", "15%"),
                         ("Development and career", "20%"), ("Wellbeing and personal", "5%")):
        assert re.search(rf'<th scope="row">{label}</th><td>{share}</td>', balance), label
    coverage = blocks["coverage"]
    assert "1/2" in coverage and "Compétences et qualifications" in coverage
    assert re.search(r'covered</span>\s*<span[^>]*>Compétences.*href="#u2"', coverage)
    assert re.search(r"not covered</span>\s*<span[^>]*>Information sur le CPF", coverage)
    assert 'href="/meetings/c1/record"' in html


def test_the_blocks_are_french_for_a_french_reader(app) -> None:
    with browser(app, lang="fr") as client:
        html = client.get("/meetings/c1").text
    blocks = _blocks(html)
    assert "Écoute" in html and "Reformulations du manager" in blocks["listening"]
    assert re.search(r'<th scope="row">Développement et carrière</th><td>20\s?%</td>',
                     blocks["balance"])
    assert "non abordé" in blocks["coverage"] and "Compte rendu écrit" in html


def test_a_one_to_one_has_no_coverage_block_nor_record_link(app) -> None:
    with Store.open(app.state.settings) as store:
        from tests.web_client import as_user
        as_user(store, "Claire").save(rich_analysis("o1", MeetingType.ONE_ON_ONE))
    with browser(app) as client:
        html = client.get("/meetings/o1").text
        plain = client.get("/meetings/m1").text  # stored before: none of the blocks
    assert set(_blocks(html)) == {"listening", "balance"} and "/record" not in html
    assert _blocks(plain) == {}


def test_the_record_page_is_the_leading_managers_only(app) -> None:
    with browser(app) as client:
        answer = client.get("/meetings/c1/record")
        assert client.get("/meetings/m1/record").status_code == 409  # not a career review
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert "Compétences et qualifications" in answer.text
    policy = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "style-src 'self' 'sha256-" in policy
    with browser(app, "Marc") as client:
        assert client.get("/meetings/c1/record").status_code == 404
    with browser(app, "Julien", AccountRole.REPORT) as client:
        assert client.get("/meetings/c1/record").status_code == 404


def _recap(app, meeting_id: str = "m1"):
    with Store.open(app.state.settings) as store:
        from tests.web_client import as_user
        return as_user(store, "Claire").recap(meeting_id)


def test_the_manager_edits_the_recap_and_resets_it(app) -> None:
    before = _recap(app)
    with browser(app) as client:
        page = client.get("/meetings/m1/recap/edit")
        assert page.status_code == 200
        step = before.next_steps[0]
        assert f"{step.owner}: {step.action}" in page.text  # the form shows the current recap
        form = {"csrf_token": csrf_of(page.text), "summary": "Démo réussie.",
                "decisions": "On garde la démo du vendredi\n\n  On recrute en mai  ",
                "next_steps": f"{step.owner}: {step.action}\nClaire: réserver la salle "
                              "[2026-03-20]\nsans responsable",
                "carried_topics": "", "concerns": "La charge en avril"}
        answer = client.post("/meetings/m1/recap/edit", data=form, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/meetings/m1#recap"
        shown = client.get("/meetings/m1").text
        assert "On recrute en mai" in shown and "Edited by the manager." in shown
        edited = _recap(app)
        assert edited.edited and edited.summary == "Démo réussie."
        assert [d.text for d in edited.decisions] == ["On garde la démo du vendredi",
                                                      "On recrute en mai"]
        assert edited.next_steps[0] == step  # unchanged: its evidence kept
        assert (edited.next_steps[1].owner, edited.next_steps[1].action,
                str(edited.next_steps[1].due)) == ("Claire", "réserver la salle", "2026-03-20")
        assert edited.next_steps[2].owner is None and edited.carried_topics == []
        reset = client.post("/meetings/m1/recap/reset",
                            data={"csrf_token": csrf_of(shown)}, follow_redirects=False)
        assert reset.status_code == 303
    assert not _recap(app).edited and _recap(app).decisions == before.decisions


def test_bad_input_shows_the_error_and_keeps_what_was_typed(app) -> None:
    with browser(app) as client:
        token = csrf_of(client.get("/meetings/m1/recap/edit").text)
        form = {"csrf_token": token, "summary": "gardé", "decisions": "x" * 2500,
                "next_steps": "Claire: appeler [2026-02-31]", "carried_topics": "",
                "concerns": ""}
        answer = client.post("/meetings/m1/recap/edit", data=form)
        assert answer.status_code in (400, 422) and 'role="alert"' in answer.text
        assert "2026-02-31" in answer.text and "gardé" in answer.text
        form["next_steps"] = "Claire: appeler"
        too_long = client.post("/meetings/m1/recap/edit", data=form)
        assert too_long.status_code == 422 and "x" * 2500 in too_long.text
    assert not _recap(app).edited


def test_the_recap_edit_needs_the_csrf_token_and_the_leading_manager(app) -> None:
    with browser(app) as client:
        refused = client.post("/meetings/m1/recap/edit", data={"summary": "piraté"})
        assert refused.status_code == 403
        assert client.post("/meetings/m1/recap/reset", data={}).status_code == 403
    with Store.open(app.state.settings) as store:
        from copilot.models import Sharing
        from tests.web_client import as_user
        as_user(store, "Claire").set_sharing("m1", Sharing(recap=True))
    with browser(app, "Julien", AccountRole.REPORT) as client:
        token = csrf_of(client.get("/meetings/m1").text)  # the report reads the shared recap
        assert client.get("/meetings/m1/recap/edit").status_code == 404
        assert client.post("/meetings/m1/recap/edit", data={"csrf_token": token,
                                                             "summary": "x"}).status_code == 404
    with browser(app, "Marc") as client:
        assert client.get("/meetings/m1/recap/edit").status_code == 404
    assert not _recap(app).edited


def test_the_cli_prints_listening_balance_and_coverage() -> None:
    out = io.StringIO()
    render_analysis(Console(file=out, width=120, color_system=None), rich_analysis())
    text = out.getvalue()
    assert "type         career_review" in text or "career_review" in text
    assert re.search(r"Listening\s+reformulations 1 \[#3\]\s+acknowledgements 2 \[#1\]", text)
    assert re.search(r"development\s+20%", text) and re.search(r"operations\s+50%", text)
    assert re.search(r"✓ Compétences et qualifications \[#2\]", text)
    assert re.search(r"✗ Information sur le CPF", text)
    plain = io.StringIO()
    render_analysis(Console(file=plain, width=120, color_system=None), make_analysis())
    assert "Balance" not in plain.getvalue() and "Coverage" not in plain.getvalue()


def test_the_coaching_report_tables_show_reformulations_and_development(copilot_env) -> None:
    import datetime as dt

    from copilot.reports.coaching import assemble
    from copilot.reports.render import render_html, render_markdown
    from copilot.settings import get_settings

    analyses = {"m1": rich_analysis("m1", MeetingType.ONE_ON_ONE),
                "m2": make_analysis("m2", date=dt.date(2026, 3, 9))}
    report = assemble(list(analyses.values()), [], manager="Claire", since=None,
                      as_of=dt.date(2026, 3, 20), settings=get_settings(), lang="en")
    md = render_markdown(report, analyses, {})
    header = next(line for line in md.splitlines() if "reflections" in line)
    columns = [c.strip() for c in header.strip("|").split("|")]
    rows = [line for line in md.splitlines() if line.startswith("| [")]
    cells = {r.split("](#")[1].split(")")[0]: [c.strip() for c in r.strip("|").split("|")]
             for r in rows}
    assert cells["m-m1"][columns.index("reflections")] == "1"
    assert cells["m-m1"][columns.index("development")] == "20%"
    assert cells["m-m2"][columns.index("reflections")] == "-"
    lines = md.splitlines()
    assert lines[lines.index(header) + 1].count("---") == len(columns)
    html = render_html(report, analyses, {})
    assert "<th>reflections</th><th>development</th>" in html
    assert "<td>1</td><td>20%</td>" in html
