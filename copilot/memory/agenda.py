"""The agenda for the next 1:1 with a report, built from everything stored (SQL only: every
embedding and match was done when the meetings were saved, so this stays fast).

Item kinds (AgendaItem.kind), shown in this order, overdue items of any kind first:
  overdue_one_on_one  the last 1:1 is older than the usual interval allows (cadence)
  legal_deadline      an entretien de parcours professionnel due within 60 days or overdue
  submitted_topic     a topic the report submitted ahead (`copilot topic add`)
  open_commitment     a next step of an earlier meeting still open, either side's; the
                      manager's own promises are marked (`manager_promise`); later news
                      (blocked, postponed, renewed) is in `updates`
  deferred_topic      a topic the report raised that was put off ("on en parle la prochaine fois")
  recurring_blocker   a blocker raised in two or more meetings within the blocker window
  development_talk    the 1:1s of the last weeks had no development talk (their balance,
                      copilot.memory.development); replaces not_covered's career item
  not_covered         workload and wellbeing, or career and development, absent from the last
                      few 1:1s
  suggested_question  an open question to ask about the two kinds above
  template_section    a section of the meeting type's template, asked for (`--type`), in the
                      template's order (copilot.meeting_types; the career review's are the
                      legal content)
The manager may hide items and order them (`Store.hide_agenda_item`, `Store.order_agenda`):
hidden items move to `Agenda.hidden`, ordered ones come first. A name the store has never seen
gives an empty agenda, not an error: a new report simply has no
history yet. Only meetings held strictly before `date` count: the meeting prepared is not history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from copilot.errors import InputError
from copilot.meeting_types import template_for
from copilot.memory import development, legal
from copilot.memory import people as ppl
from copilot.memory.store import Store
from copilot.memory.store.records import HeldMeeting, PersonFacts, SignalRecord
from copilot.memory.texts import agenda_text as at
from copilot.models import (
    Agenda,
    AgendaItem,
    Cadence,
    Commitment,
    Language,
    MeetingType,
    TalkKind,
    share_of,
)
from copilot.settings import Settings

ORDER = ["overdue_one_on_one", "legal_deadline", "template_section", "submitted_topic",
         "open_commitment", "deferred_topic", "recurring_blocker", "development_talk",
         "not_covered", "suggested_question"]


def template_items(meeting_type: MeetingType | str, settings: Settings,
                   lang: str) -> list[AgendaItem]:
    """The sections of the meeting type's template (the organisation's, else the built-in
    one), each an item in `lang`; required ones say so, the career review's by law."""
    template = template_for(meeting_type, settings.home)
    legal = template.type == MeetingType.CAREER_REVIEW
    return [AgendaItem(kind="template_section", text=s.title(lang),
                       basis=f"{template.type}:{s.id}",
                       detail=at(("section_legal" if legal else "section_required")
                                 if s.required else "section", lang))
            for s in template.sections]

def _commitment_items(store: Store, report: str, manager: str | None,
                      day: dt.date) -> list[AgendaItem]:
    heads = store.commitments(report=report, manager=manager, status="open", before=day)
    chains = store.renewal_chains([c.id for c in heads])
    older = {c.id: c for c in store.commitments(ids=[i for ids in chains.values() for i in ids],
                                                status="all", include_superseded=True)}
    return [_commitment_item(c, [older[i] for i in chains[c.id] if i in older], day)
            for c in heads]


def _commitment_item(c: Commitment, earlier: list[Commitment], day: dt.date) -> AgendaItem:
    news = [e for old in earlier for e in old.events] + c.events
    return AgendaItem(
        kind="open_commitment", text=c.action, owner=c.owner, owner_role=c.owner_role, due=c.due,
        overdue=c.due is not None and c.due < day, from_meeting=c.meeting_id,
        from_date=c.meeting_date, evidence=list(c.evidence), id=c.id,
        manager_promise=c.owner_role == "manager",
        updates=[e for e in news if e.kind in ("blocked", "postponed", "renewed")],
        related=list(dict.fromkeys(o.meeting_id for o in earlier)),
    )


def _deferred_items(store: Store, report: str, meetings: list[HeldMeeting],
                    lang: str) -> list[AgendaItem]:
    by_id = {m.id: m for m in meetings}
    items = []
    for sig in store.signals(list(by_id), "deferred", status="open"):
        m = by_id[sig.meeting_id]
        items.append(AgendaItem(kind="deferred_topic", text=sig.text, owner=report,
                                owner_role="report", from_meeting=m.id, from_date=m.date,
                                evidence=list(sig.evidence), id=sig.id,
                                detail=at("deferred", lang)))
    return items


def _blocker_items(store: Store, meetings: list[HeldMeeting], day: dt.date, settings: Settings,
                   lang: str) -> list[AgendaItem]:
    """A blocker raised in two or more meetings (on distinct days) within the blocker window."""
    by_id = {m.id: m for m in meetings}
    since = day - dt.timedelta(days=settings.memory.blocker_window_days)
    threads: dict[int, list[SignalRecord]] = defaultdict(list)
    for sig in store.signals([m.id for m in meetings if m.date >= since], "blocker"):
        threads[sig.thread_id or sig.id].append(sig)
    items: list[AgendaItem] = []
    for chain in threads.values():
        held = sorted({by_id[x.meeting_id].date: x for x in chain}.items())
        if len(held) < 2:
            continue
        last = held[-1][1]
        m = by_id[last.meeting_id]
        items.append(AgendaItem(
            kind="recurring_blocker", text=last.text, from_meeting=m.id, from_date=m.date,
            evidence=list(last.evidence), id=last.id,
            detail=at("blocker", lang, count=len(held), since=held[0][0]),
            related=[x.meeting_id for _, x in held[:-1]]))
        items.append(AgendaItem(kind="suggested_question", from_meeting=m.id, from_date=m.date,
                                text=at("blocker_question", lang, topic=_short(last.text)),
                                basis=f"blocker:{last.id}",
                                evidence=list(last.evidence), detail=at("about_blocker", lang)))
    return items


def _not_covered_items(store: Store, meetings: list[HeldMeeting], settings: Settings,
                       lang: str) -> list[AgendaItem]:
    """Wellbeing or career absent from the last few 1:1s (only once there are that many)."""
    recent = meetings[: settings.memory.not_covered_meetings]
    if len(recent) < settings.memory.not_covered_meetings:
        return []
    by_id = {m.id: m for m in meetings}
    touched = {sig.label for sig in store.signals([m.id for m in recent], "area")}
    items: list[AgendaItem] = []
    for area in ("wellbeing", "career"):
        if area in touched:
            continue
        last = store.last_signal(list(by_id), "area", area)
        where = by_id[last.meeting_id] if last else None
        detail = (at("last_discussed", lang, day=where.date) if where
                  else at("never_discussed", lang, count=len(meetings)))
        items.append(AgendaItem(
            kind="not_covered", text=at("not_covered", lang, area=at(area, lang),
                                        count=len(recent)), basis=area,
            from_meeting=where.id if where else None, from_date=where.date if where else None,
            evidence=list(last.evidence) if last else [], detail=detail,
            related=[m.id for m in recent]))
        items.append(AgendaItem(kind="suggested_question", text=at(f"{area}_question", lang),
                                basis=area,
                                detail=at("not_covered_recently", lang, area=at(area, lang)),
                                related=[m.id for m in recent]))
    return items


def _development_items(store: Store, meetings: list[HeldMeeting], day: dt.date,
                       settings: Settings, lang: str) -> list[AgendaItem]:
    """`development_talk`: the last weeks of 1:1s had no development talk (their balance), and
    the career question to open it; the meetings checked are its evidence (`related`)."""
    window = development.covering(meetings, day, settings)
    if window is None:
        return []
    shares = store.balances([m.id for m in window])
    checked = development.without_development(
        [(m, share_of(shares.get(m.id, []), TalkKind.DEVELOPMENT)) for m in window], settings)
    if checked is None:
        return []
    weeks = (day - checked[-1].date).days // 7
    related = [m.id for m in checked]
    return [AgendaItem(kind="development_talk", basis="development",
                       text=at("development_talk", lang, count=len(checked), weeks=weeks),
                       from_meeting=checked[0].id, from_date=checked[0].date, related=related,
                       detail=at("development_since", lang, since=checked[-1].date)),
            # the same question (and key) as `not_covered` career's, which this replaces
            AgendaItem(kind="suggested_question", text=at("career_question", lang),
                       basis="career", related=related,
                       detail=at("not_covered_recently", lang, area=at("career", lang)))]


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split()).rstrip(".!")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _person_items(store: Store, person: PersonFacts, meetings: list[HeldMeeting],
                  day: dt.date, settings: Settings, lang: str
                  ) -> tuple[list[AgendaItem], Cadence]:
    items: list[AgendaItem] = []
    for t in store.topics(person.name, "open", submitted_until=day):
        items.append(AgendaItem(kind="submitted_topic", text=t.text, owner=person.name,
                                owner_role="report", id=t.id,
                                detail=at("submitted_by" if t.submitted_by else "submitted", lang,
                                          day=t.submitted_on, by=t.submitted_by)))
    for d in legal.due_soon(ppl.record(person, settings, day), day, settings, lang):
        items.append(AgendaItem(kind="legal_deadline", text=d.text, due=d.due, overdue=d.overdue,
                                owner=person.name, detail=f"{d.kind}: {d.basis}",
                                basis=f"{d.kind}:{d.due.isoformat()}"))
    cadence = ppl.cadence([m.date for m in meetings], day, settings)
    if cadence.overdue and meetings:
        items.append(AgendaItem(
            kind="overdue_one_on_one", overdue=True, due=cadence.expected_next,
            text=at("overdue", lang, days=cadence.days_since_last,
                    median=cadence.median_interval_days),
            from_meeting=meetings[0].id, from_date=meetings[0].date,
            detail=at("average", lang, average=cadence.average_interval_days,
                      meetings=cadence.meetings)))
    return items, cadence


def _order(item: AgendaItem) -> tuple:
    # Overdue first (most urgent), then by kind, then due date with undated ones last, then
    # oldest meeting.
    return (not item.overdue, ORDER.index(item.kind), item.due is None, item.due or dt.date.max,
            item.from_date or dt.date.max)


def build_agenda(
    store: Store, report: str, manager: str | None = None, date: dt.date | None = None,
    lang: str | None = None, meeting_type: MeetingType | str | None = None,
) -> Agenda:
    """The agenda for a 1:1 with `report` on `date` (default today), optionally with `manager`;
    its own texts in `lang` (default: the language of the last meeting, else English; French
    for a career review, an interview of French law). `meeting_type`: the template's sections
    come first, after what is overdue and the legal deadlines (even for a report without
    history: a first career review still has its sections)."""
    if not report or not report.strip():
        raise InputError("a report name is needed for an agenda", "e.g. --report Julien")
    if manager is not None and not manager.strip():
        manager = None
    day = date or dt.date.today()
    settings = store.settings
    with store.reading():
        person = store.person_facts(report)
        mgr = store.person(manager) if manager else None
        agenda = Agenda(report=person.name if person else " ".join(report.split()),
                        manager=(mgr or " ".join(manager.split())) if manager else None,
                        date=day, items=[])
        if person is None:
            if meeting_type is None:
                return agenda
            lang = lang or ("fr" if meeting_type == MeetingType.CAREER_REVIEW else "en")
            return agenda.model_copy(update={
                "items": template_items(meeting_type, settings, lang),
                "language": Language(lang)})
        meetings = store.meetings_held(report, manager, before=day)
        spoken = meetings[0].language if meetings and meetings[0].language in ("fr", "en") else "en"
        if not meetings and meeting_type == MeetingType.CAREER_REVIEW:
            spoken = "fr"
        lang = lang or spoken
        items = _commitment_items(store, report, manager, day)
        items += _deferred_items(store, person.name, meetings, lang)
        items += _blocker_items(store, meetings, day, settings, lang)
        developing = _development_items(store, meetings, day, settings, lang)
        # Both say career went missing: the balance-based item (weeks, every meeting cited)
        # replaces the area item and its question.
        items += developing + [i for i in _not_covered_items(store, meetings, settings, lang)
                               if not (developing and i.basis == "career")]
        person_items, cadence = _person_items(store, person, meetings, day, settings, lang)
        items += person_items
        if meeting_type is not None:
            items += template_items(meeting_type, settings, lang)
        edits = store.agenda_edits(report, manager)
    shown, hidden = apply_edits(sorted(items, key=_order), edits)
    return agenda.model_copy(update={"items": shown, "hidden": hidden, "cadence": cadence,
                                     "language": Language(lang) if meetings or meeting_type
                                     else None})


def apply_edits(items: list[AgendaItem], edits: dict[str, tuple[bool, int | None]]
                ) -> tuple[list[AgendaItem], list[AgendaItem]]:
    """(shown, hidden): the items the manager hid apart; those they ordered first, in their
    order; the others after, in the agenda's own order (new items land there)."""
    hidden = [i for i in items if edits.get(i.key, (False, None))[0]]
    shown = [i for i in items if not edits.get(i.key, (False, None))[0]]
    placed = sorted((i for i in shown if edits.get(i.key, (False, None))[1] is not None),
                    key=lambda i: edits[i.key][1])
    return placed + [i for i in shown if edits.get(i.key, (False, None))[1] is None], hidden
