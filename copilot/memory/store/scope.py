"""What the acting principal may see, as SQL conditions: the one place the store decides it.

Every query of a meeting, a person, a job or a token goes through one of these, with the store's
`principal` (see `StoreBase.acting_as`); no route and no domain module builds a filter.

The local owner (the CLI on its own home) sees everything: it is the home's superuser, and
`copilot reindex` must replay every organisation's meetings. Names it gives resolve in the
default organisation.

Meetings are seen at three levels:
- `LEAD`: the manager who led it — everything, changes included;
- `TRANSCRIPT`: also the report when the manager shared the transcript;
- `RECAP`: also the report when the manager shared the recap or the transcript.
Admins and HR see no meeting by virtue of their role (HR gets de-identified figures from
`AccountStore.hr_figures`, which returns numbers only).
"""

from __future__ import annotations

from enum import IntEnum

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from copilot.errors import Forbidden, NotFoundError
from copilot.memory.store.base import PEOPLE_HINT, find_person, upsert_person
from copilot.memory.store.tables import Meeting, Person
from copilot.models import AccountRole, Principal
from copilot.text import name_key


class Level(IntEnum):
    RECAP = 1
    TRANSCRIPT = 2
    LEAD = 3


def org_people(principal: Principal):
    """The ids of the people of the principal's organisation (a subquery)."""
    return select(Person.id).where(Person.org_id == principal.org_id)


def meetings_seen(principal: Principal, level: Level = Level.RECAP) -> ColumnElement[bool]:
    """The meetings the principal may read at `level`."""
    if principal.is_owner:
        return true()
    me = principal.person_id
    if me is None:
        return false()
    led = Meeting.manager_id == me
    if level == Level.LEAD:
        return led
    shared = Meeting.share_transcript if level == Level.TRANSCRIPT else or_(
        Meeting.share_recap, Meeting.share_transcript)
    return or_(led, and_(Meeting.report_id == me, shared))


def meeting_dates_seen(principal: Principal) -> ColumnElement[bool]:
    """Whose meeting dates (no content) the principal may count: HR the organisation's, for
    the legal calendar and cadence; everyone else what `meetings_seen` gives."""
    if principal.role == AccountRole.HR:
        return Meeting.manager_id.in_(org_people(principal))
    return meetings_seen(principal)


def people_seen(principal: Principal) -> ColumnElement[bool]:
    """The people records the principal may read: their own, the people they manage (by a
    meeting they led or by the record's manager link); HR and the owner: the organisation."""
    in_org = Person.org_id == principal.org_id
    if principal.is_owner:
        return true()
    if principal.role == AccountRole.HR:
        return in_org
    me = principal.person_id
    if me is None:
        return false()
    led = select(Meeting.report_id).where(Meeting.manager_id == me)
    return and_(in_org, or_(Person.id == me, Person.manager_id == me, Person.id.in_(led)))


def people_managed(principal: Principal) -> ColumnElement[bool]:
    """The people records the principal may change: as `people_seen`, less their own record
    for a user who is not HR (a report does not edit their own hire date)."""
    if principal.is_owner or principal.role == AccountRole.HR:
        return people_seen(principal)
    me = principal.person_id
    if me is None:
        return false()
    led = select(Meeting.report_id).where(Meeting.manager_id == me)
    return and_(Person.org_id == principal.org_id,
                or_(Person.manager_id == me, Person.id.in_(led)))


def seen_person(s: Session, principal: Principal, name: str) -> Person | None:
    """The person called `name` in the principal's organisation, if the principal sees them."""
    return s.scalar(select(Person).where(
        Person.org_id == principal.org_id, Person.name_key == name_key(name),
        people_seen(principal)))


def person_to_change(s: Session, principal: Principal, name: str) -> Person:
    """The record to change or attach something to: created if nobody by that name exists in
    the organisation (linked to the manager creating it); NotFoundError if it exists unseen,
    Forbidden if seen but not theirs to change."""
    existing = find_person(s, name, principal.org_id)
    if existing is None:
        row = upsert_person(s, name, principal.org_id)
        if principal.role == AccountRole.MANAGER:
            row.manager_id = principal.person_id
        return row
    if s.scalar(select(Person.id).where(Person.id == existing.id,
                                        people_managed(principal))) is not None:
        return existing
    if seen_person(s, principal, name) is None:
        raise NotFoundError(f"nobody called {name!r}", PEOPLE_HINT)
    raise Forbidden(f"the record of {existing.name} is not yours to change",
                    "their manager or HR can change it")
