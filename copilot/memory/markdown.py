"""The agenda as Markdown: to paste into a shared doc or send to the report ahead of the 1:1.

Every item keeps its evidence (meeting id, date, utterance ids) so the reader can check it.
"""

from __future__ import annotations

from copilot.models import Agenda, AgendaItem

TITLES = {
    "overdue_one_on_one": ("1:1 en retard", "Overdue 1:1"),
    "legal_deadline": ("Échéances légales", "Legal deadlines"),
    "submitted_topic": ("Sujets proposés", "Submitted topics"),
    "open_commitment": ("Engagements ouverts", "Open commitments"),
    "deferred_topic": ("Sujets reportés", "Deferred topics"),
    "recurring_blocker": ("Blocages récurrents", "Recurring blockers"),
    "development_talk": ("Développement et carrière", "Development and career"),
    "not_covered": ("Pas abordé récemment", "Not covered recently"),
    "suggested_question": ("Questions suggérées", "Suggested questions"),
    "template_section": ("Trame de l'entretien", "The meeting's template"),
}


def md_escape(text: str) -> str:
    # Escape what would turn a transcript line into Markdown markup.
    for ch in ("\\", "*", "_", "`", "[", "]", "<", ">", "#"):
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())


def where(item: AgendaItem) -> str:
    """"meeting 3fa2 (2026-03-02) #3, #5": where an item comes from."""
    if not item.from_meeting:
        return ""
    ids = ", ".join(f"#{i}" for i in item.evidence)
    day = f" ({item.from_date.isoformat()})" if item.from_date else ""
    return f"meeting {item.from_meeting}{day}" + (f" {ids}" if ids else "")


def line(item: AgendaItem, fr: bool) -> str:
    parts = []
    if item.overdue:
        parts.append("**EN RETARD**" if fr else "**OVERDUE**")
    if item.kind == "open_commitment":
        who = md_escape(item.owner or ("?"))
        if item.manager_promise:
            who += " (ta promesse)" if fr else " (your promise)"
        parts.append(f"{who}: {md_escape(item.text)}")
    else:
        parts.append(md_escape(item.text))
    if item.due:
        parts.append(("échéance " if fr else "due ") + item.due.isoformat())
    source = where(item)
    if source:
        parts.append(f"_{source}_")
    if item.detail and item.kind not in ("open_commitment", "suggested_question"):
        parts.append(f"({md_escape(item.detail)})")
    for e in item.updates:
        when = e.meeting_date.isoformat() if e.meeting_date else "?"
        ids = ", ".join(f"#{i}" for i in e.evidence)
        parts.append(f"\n  - {e.kind} on {when}: _meeting {e.meeting_id} {ids}_")
    return "- " + " ".join(parts).replace(" \n", "\n")


def agenda_markdown(agenda: Agenda) -> str:
    fr = agenda.language == "fr"
    who = agenda.report + (f" / {agenda.manager}" if agenda.manager else "")
    out = [f"# {'Ordre du jour' if fr else 'Agenda'}: 1:1 {who}, {agenda.date.isoformat()}", ""]
    c = agenda.cadence
    if c and c.last_meeting:
        out.append(("Dernier 1:1 : " if fr else "Last 1:1: ") + f"{c.last_meeting.isoformat()} "
                   f"({c.days_since_last} {'jours' if fr else 'days'})"
                   + (f", {'intervalle habituel' if fr else 'usual interval'} "
                      f"{c.median_interval_days:g} {'jours' if fr else 'days'}"
                      if c.median_interval_days else ""))
        out.append("")
    if not agenda.items:
        out.append("_Rien d'ouvert des réunions précédentes._" if fr
                   else "_Nothing open from earlier meetings._")
        return "\n".join(out) + "\n"
    for kind, (title_fr, title_en) in TITLES.items():
        items = [i for i in agenda.items if i.kind == kind]
        if not items:
            continue
        out += [f"## {title_fr if fr else title_en}", ""]
        out += [line(i, fr) for i in items]
        out.append("")
    return "\n".join(out)
