"""The next 1:1 as an iCalendar event (RFC 5545), with its agenda as the description: to add
it to a calendar in one click. Written by hand, it is small: CRLF line ends, lines folded at 75
octets (never inside a UTF-8 character), TEXT values escaped."""

from __future__ import annotations

import datetime as dt
import hashlib

from copilot.memory.markdown import TITLES
from copilot.models import Agenda

FOLD_AT = 75  # octets per line, the CRLF excluded (RFC 5545 3.1)
START_AT = dt.time(10, 0)
LENGTH = dt.timedelta(minutes=30)
PRODID = "-//1on1 copilot//agenda//EN"


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line, folded: each physical line at most 75 octets, the next ones begin
    with a space."""
    out, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = FOLD_AT if not out else FOLD_AT - 1  # the leading space counts
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


def next_day(agenda: Agenda, today: dt.date) -> dt.date:
    """When the next 1:1 is: the agenda's date when it was asked for; else the cadence's
    expected next one, unless that is past (an overdue 1:1 is due now)."""
    expected = agenda.cadence.expected_next if agenda.cadence else None
    if agenda.date != today or expected is None:
        return agenda.date
    return max(expected, today)


def description(agenda: Agenda) -> str:
    """The agenda as plain text, grouped as in the Markdown one."""
    fr = agenda.language == "fr"
    lines: list[str] = []
    for kind, (title_fr, title_en) in TITLES.items():
        items = [i for i in agenda.items if i.kind == kind]
        if not items:
            continue
        lines += ["", title_fr if fr else title_en]
        for item in items:
            due = f" ({'échéance' if fr else 'due'} {item.due.isoformat()})" if item.due else ""
            lines.append(f"- {' '.join(item.text.split())}{due}")
    if not lines:
        return "Rien au programme pour l'instant." if fr else "Nothing on the agenda yet."
    return "\n".join(lines[1:])


def agenda_ics(agenda: Agenda, *, today: dt.date, all_day: bool = False,
               now: dt.datetime | None = None) -> str:
    """A VCALENDAR with one VEVENT: the next 1:1 with the agenda's report (10:00, 30 minutes
    in the calendar's own time zone, or all day). Its UID is the same for the same 1:1, so a
    second download updates the event instead of adding one."""
    day = next_day(agenda, today)
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    who = f"{agenda.manager or ''}|{agenda.report}".casefold()
    uid = f"{hashlib.sha256(who.encode()).hexdigest()[:16]}-{day:%Y%m%d}@1on1-copilot"
    if all_day:
        when = [f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}"]
    else:
        start = dt.datetime.combine(day, START_AT)  # floating: the attendee's local time
        when = [f"DTSTART:{start:%Y%m%dT%H%M%S}", f"DTEND:{start + LENGTH:%Y%m%dT%H%M%S}"]
    title = f"1:1 {agenda.manager} / {agenda.report}" if agenda.manager else \
        f"1:1 {agenda.report}"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp}", *when,
             f"SUMMARY:{escape(title)}", f"DESCRIPTION:{escape(description(agenda))}",
             "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
