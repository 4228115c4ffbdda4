"""The next 1:1 as an .ics event: RFC 5545 structure, folding, escaping, a stable UID."""

from __future__ import annotations

import datetime as dt

from api_auth import signed_in
from conftest import make_analysis, step

from api.main import create_app
from copilot.analyze.base import FakeExtractor
from copilot.memory.calendar import agenda_ics, escape, fold
from copilot.memory.store import Store
from copilot.models import AccountRole, Agenda, AgendaItem, Cadence, Sharing
from copilot.settings import get_settings

NOW = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)


def unfold(text: str) -> list[str]:
    """RFC 5545 3.1: every line ends in CRLF; a line beginning with a space continues the
    previous one. Checks each physical line's length on the way."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in p and "\r" not in p for p in physical)
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    lines: list[str] = []
    for p in physical:
        if p.startswith(" "):
            lines[-1] += p[1:]
        else:
            lines.append(p)
    return lines


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            out.append({"n": "\n", "N": "\n"}.get(value[i + 1], value[i + 1]))
            i += 2
        else:
            assert value[i] not in ",;", "an unescaped separator in a TEXT value"
            out.append(value[i])
            i += 1
    return "".join(out)


def parse(text: str) -> dict[str, str]:
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 1 and lines.count("END:VEVENT") == 1
    props = {}
    for line in lines[lines.index("BEGIN:VEVENT") + 1: lines.index("END:VEVENT")]:
        name, _, value = line.partition(":")
        props[name] = value
    head = dict(line.partition(":")[::2] for line in lines[1:lines.index("BEGIN:VEVENT")])
    assert head["VERSION"] == "2.0" and head["PRODID"]
    return props


def _agenda(**extra) -> Agenda:
    items = [AgendaItem(kind="open_commitment", text="envoyer le deck, puis; relire \\ « ok »",
                        due=dt.date(2026, 3, 6), id=1),
             AgendaItem(kind="suggested_question", text="Comment te sens-tu en ce moment, côté "
                        "charge de travail ? " * 3)]
    return Agenda(report="Julien", manager="Claire", date=dt.date(2026, 3, 1), items=items,
                  cadence=Cadence(meetings=3, expected_next=dt.date(2026, 3, 9)),
                  language="fr", **extra)


def test_escape_and_fold():
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long = "DESCRIPTION:" + "é" * 100
    folded = fold(long)
    assert all(len(p.encode()) <= 75 for p in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == long  # never cut inside a character


def test_the_event_parses_and_says_the_agenda():
    props = parse(agenda_ics(_agenda(), today=dt.date(2026, 3, 1), now=NOW))
    assert props["DTSTART"] == "20260309T100000" and props["DTEND"] == "20260309T103000"
    assert props["DTSTAMP"] == "20260301T083000Z"
    assert props["SUMMARY"] == "1:1 Claire / Julien"
    text = unescape(props["DESCRIPTION"])
    assert "Engagements ouverts\n- envoyer le deck, puis; relire \\ « ok » (échéance 2026-03-06)" \
        in text
    assert "Questions suggérées" in text


def test_uid_is_stable_and_all_day_and_asked_dates():
    first = parse(agenda_ics(_agenda(), today=dt.date(2026, 3, 1), now=NOW))
    again = parse(agenda_ics(_agenda(), today=dt.date(2026, 3, 1)))
    assert first["UID"] == again["UID"] and first["UID"].endswith("@1on1-copilot")
    whole = parse(agenda_ics(_agenda(), today=dt.date(2026, 3, 1), all_day=True, now=NOW))
    assert whole["DTSTART;VALUE=DATE"] == "20260309"
    assert whole["DTEND;VALUE=DATE"] == "20260310"
    asked = _agenda().model_copy(update={"date": dt.date(2026, 3, 20)})
    assert parse(agenda_ics(asked, today=dt.date(2026, 3, 1)))["DTSTART"] == "20260320T100000"


def test_the_route(light_store):
    app = create_app(extractor=FakeExtractor())
    signed_in(app, "Claire")
    with Store.open(get_settings()) as store:
        claire = store.acting_as(store.principal_for_user(store.user("claire@example.org").id))
        claire.save(make_analysis("m1", steps=[step("envoyer le deck")]))
        claire.set_sharing("m1", Sharing(recap=True))
    with signed_in(app, "Claire") as client:
        response = client.get("/v1/people/Julien/next.ics?date=2026-03-09")
        assert client.get("/v1/people/Julien/next.ics?date=bad").status_code == 400
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    props = parse(response.text)
    assert props["DTSTART"] == "20260309T100000"
    assert "envoyer le deck" in unescape(props["DESCRIPTION"])
    with signed_in(app, "Julien", AccountRole.REPORT, manager="Claire") as report:
        assert report.get("/v1/people/Julien/next.ics").status_code == 200
        assert report.get("/v1/people/Zoé/next.ics").status_code == 404


def test_an_overdue_one_is_due_today():
    today = dt.date(2026, 3, 20)  # after the expected 2026-03-09
    agenda = _agenda().model_copy(update={"date": today})
    assert parse(agenda_ics(agenda, today=today))["DTSTART"] == "20260320T100000"
