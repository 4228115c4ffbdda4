"""Human-readable rendering of analyses, agendas and meeting lists for the CLI (rich).

Every piece of user text goes through `Text` objects, never markup strings: a transcript line
like "[laughs]" must print as written, not be swallowed as a rich style tag.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from copilot.models import Agenda, Analysis, MeetingSummary, Talk


def evidence(ids: Iterable[int]) -> str:
    """"[#3, #5]": the utterances an item came from, so the reader can check it."""
    ids = list(ids)
    return "[" + ", ".join(f"#{i}" for i in ids) + "]" if ids else ""


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def _line(*parts: tuple[str, str] | str) -> Text:
    text = Text()
    for part in parts:
        if isinstance(part, tuple):
            text.append(*part)
        else:
            text.append(part)
    return text


def _header(a: Analysis) -> Panel:
    rows = Table.grid(padding=(0, 2))
    rows.add_column(style="bold")
    rows.add_column()
    for label, value in (
        ("meeting", a.id),
        ("date", a.date.isoformat()),
        ("manager", a.manager),
        ("report", a.report),
        ("language", a.language),
        ("type", a.meeting_type.value),
        ("source", f"{a.source or '-'} ({a.source_format})"),
        ("engine", a.engine),
    ):
        rows.add_row(label, Text(value))
    return Panel(rows, title="1:1 analysis", expand=False)


def _talk(talk: Talk) -> Group:
    table = Table(title=f"Talk (basis: {talk.basis})", title_justify="left")
    for col, justify in (("speaker", "left"), ("role", "left"), ("seconds", "right"),
                         ("words", "right"), ("share", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for s in talk.speakers:
        table.add_row(
            Text(s.speaker), s.role or "-",
            "-" if s.seconds is None else f"{s.seconds:.0f}", str(s.words), _pct(s.share),
        )
    lines = [
        table,
        _line(("manager share ", "bold"), _pct(talk.manager_share),
              ("   report share ", "bold"), _pct(talk.report_share),
              ("   turns ", "bold"), str(talk.turns)),
        _line(("questions ", "bold"),
              f"{talk.questions.open} open, {talk.questions.closed} closed, "
              f"{talk.questions.leading} leading"),
    ]
    m = talk.longest_monologue
    if m is not None:
        secs = "" if m.seconds is None else f", {m.seconds:.0f} s"
        lines.append(_line(("longest monologue ", "bold"), f"{m.speaker} ({m.role or '?'}): ",
                           f"{m.words} words{secs} ", (evidence(m.evidence), "dim")))
    if talk.basis == "time":  # a recording: timing metrics
        lines.extend(_timing(talk))
    return Group(*lines)


def _timing(talk: Talk) -> list[Text]:
    pace = ", ".join(f"{s.speaker} {s.words_per_minute:.0f}" for s in talk.speakers
                     if s.words_per_minute is not None)
    patience = "-" if talk.manager_patience is None else f"{talk.manager_patience:.1f} s"
    lines = [_line(("silence ", "bold"), _pct(talk.silence_share),
                   ("   manager patience ", "bold"), patience,
                   ("   words/min ", "bold"), pace or "-")]
    for i in talk.interruptions[:5]:
        lines.append(_line(("interruption ", "bold"), f"{i.speaker} cut in on {i.interrupted} "
                           f"at {i.at:.0f} s ", (evidence(i.evidence), "dim")))
    if talk.roles_source:
        lines.append(_line(("roles from ", "bold"), talk.roles_source, " ",
                           (evidence(talk.roles_evidence), "dim")))
    return lines


def _section(console: Console, title: str, rows: list[Text], empty: str) -> None:
    console.print()
    console.print(Text(title, style="bold underline"))
    if not rows:
        console.print(Text(f"  {empty}", style="dim"))
    for row in rows:
        console.print(Text("  - ") + row)


def _analysis_parts(console: Console, a: Analysis) -> None:
    """Listening, the balance of the conversation and the template's coverage, when the
    analysis has them (meetings stored before these existed have none)."""
    if a.listening is not None:
        heard = a.listening
        console.print(_line(("Listening ", "bold"), f"reformulations {heard.reflections} ",
                            (evidence(heard.evidence), "dim"),
                            f"   acknowledgements {heard.acknowledgements} ",
                            (evidence(heard.acknowledgement_evidence), "dim")))
    if a.balance:
        basis = a.talk.basis if a.talk is not None else "words"
        _section(console, f"Balance (share of the {basis})", [
            _line(f"{b.kind.value:<12} {_pct(b.share):>4} ", (evidence(b.evidence[:5]), "dim"))
            for b in a.balance
        ], "no talk")
    if a.coverage:
        _section(console, f"Coverage ({a.meeting_type.value})", [
            _line(("✓ ", "green") if c.covered else ("✗ ", "red"), c.title or c.section, " ",
                  (evidence(c.evidence), "dim"))
            for c in a.coverage
        ], "no section")


def render_analysis(console: Console, a: Analysis) -> None:
    console.print(_header(a))
    if a.talk is not None:
        console.print(_talk(a.talk))
    else:
        console.print(Text("No talk metrics: the input has no speakers (notes).", style="dim"))

    _analysis_parts(console, a)

    _section(console, "Facts", [
        _line(f.text, " ", (evidence(f.evidence), "dim")) for f in a.facts
    ], "none found")

    _section(console, "Feedback", [
        _line((f"{fb.polarity}", "green" if fb.polarity == "positive" else "red"),
              f" about the {fb.target}: ", fb.text, " ", (evidence(fb.evidence), "dim"))
        + (_line(("\n      suggestion: ", "italic"), fb.suggestion) if fb.suggestion else Text())
        for fb in a.feedback
    ], "none found")

    _section(console, "Next steps", [
        _line((n.owner or "(no owner)", "bold"),
              f" ({n.owner_role})" if n.owner_role else "", ": ", n.action,
              f"  due {n.due.isoformat()}" if n.due else "  no due date",
              f' ("{n.due_text}")' if n.due_text else "", " ", (evidence(n.evidence), "dim"))
        for n in a.next_steps
    ], "none found")

    _section(console, "Coaching", [
        _line((w.code, "yellow"), ": ", w.message, " ", (evidence(w.evidence), "dim"))
        + (_line(("\n      try: ", "italic"), w.suggestion) if w.suggestion else Text())
        for w in a.warnings
    ], "nothing to flag")


def render_agenda(console: Console, agenda: Agenda) -> None:
    from copilot.memory.markdown import TITLES, where

    who = agenda.report + (f" with {agenda.manager}" if agenda.manager else "")
    console.print(Text(f"Agenda for the 1:1 of {who}, {agenda.date.isoformat()}", style="bold"))
    c = agenda.cadence
    if c and c.last_meeting:
        usual = (f", usual interval {c.median_interval_days:g} days"
                 if c.median_interval_days else "")
        console.print(Text(f"  last 1:1 {c.last_meeting.isoformat()} ({c.days_since_last} days "
                           f"ago{usual})", style="dim"))
    if not agenda.items:
        console.print(Text("  Nothing open from earlier meetings.", style="dim"))
        return
    for item in agenda.items:
        line = Text("  - ")
        if item.overdue:
            line.append("OVERDUE ", style="bold red")
        line.append(f"[{TITLES[item.kind][1].lower()}] ", style="cyan")
        if item.kind == "open_commitment":
            line.append(item.owner or "(no owner)", style="bold")
            if item.manager_promise:
                line.append(" (your promise)", style="magenta")
            line.append(": ")
        line.append(item.text)
        if item.kind == "open_commitment" or item.due:
            line.append(f"  (due {item.due.isoformat()})" if item.due else "  (no due date)")
        source = where(item)
        if source:
            line.append(f"  {source}", style="dim")
        if item.detail and item.kind != "open_commitment":
            line.append(f"  {item.detail}", style="dim")
        console.print(line, soft_wrap=True)
        for e in item.updates:
            day = e.meeting_date.isoformat() if e.meeting_date else "?"
            ids = ", ".join(f"#{i}" for i in e.evidence)
            console.print(Text(f"      {e.kind} on {day} (meeting {e.meeting_id} {ids})",
                               style="yellow"), soft_wrap=True)


def render_meetings(console: Console, meetings: list[MeetingSummary]) -> None:
    if not meetings:
        console.print(Text("No meetings stored yet. Add one with `copilot analyze FILE`.",
                           style="dim"))
        return
    table = Table()
    for col in ("id", "date", "manager", "report", "lang", "source", "steps", "warn"):
        table.add_column(col, no_wrap=col in ("id", "date"))
    for m in meetings:
        table.add_row(m.id, m.date.isoformat(), Text(m.manager), Text(m.report), m.language,
                      Text(m.source or "-"), str(m.next_steps), str(m.warnings))
    console.print(table)
