"""A manager's edits of the agenda of one report: items hidden, and the order of items. Kept
per (manager, report) by item key (`AgendaItem.key`); `build_agenda` applies them."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from copilot.errors import Forbidden, InputError, NotFoundError
from copilot.memory.store.base import PEOPLE_HINT, StoreBase, find_person, insert_or_ignore
from copilot.memory.store.records import utcnow
from copilot.memory.store.scope import people_managed, seen_person
from copilot.memory.store.tables import AgendaEditRow, Person
from copilot.models import AccountRole
from copilot.text import name_key

KEY_MAX = 200


class AgendaEditStore(StoreBase):
    """Hiding, restoring and ordering agenda items."""

    def _pair_to_change(self, s: Session, report: str, manager: str | None) -> tuple[int, int]:
        """(manager id, report id) of the agenda the principal changes: theirs with a report
        they manage (the local owner names the manager)."""
        p = self.principal
        if p.is_owner:
            if not manager:
                raise InputError("whose agenda? the manager is needed", "pass --manager NAME")
            boss = find_person(s, manager, p.org_id)
            manager_id = boss.id if boss else None
        else:
            manager_id = p.person_id if p.role == AccountRole.MANAGER else None
        row = s.scalar(select(Person).where(Person.org_id == p.org_id, people_managed(p),
                                            Person.name_key == name_key(report)))
        if row is None or manager_id is None:
            if seen_person(s, p, report) is None:
                raise NotFoundError(f"nobody called {report!r}", PEOPLE_HINT)
            raise Forbidden("only their manager changes this agenda",
                            "add a topic instead (POST /v1/people/{name}/topics)")
        return manager_id, row.id

    def _edit_row(self, s: Session, pair: tuple[int, int], key: str) -> AgendaEditRow:
        if not key or len(key) > KEY_MAX:
            raise InputError(f"{key[:40]!r} is not an agenda item key",
                             "use the `key` of an item of the agenda")
        # Insert-or-nothing first: two edits of a new item at once would both insert it.
        insert_or_ignore(s, AgendaEditRow, {"manager_id": pair[0], "report_id": pair[1],
                                            "item_key": key, "hidden": False,
                                            "updated_at": utcnow()},
                         ["manager_id", "report_id", "item_key"])
        row = s.scalar(select(AgendaEditRow).where(
            AgendaEditRow.manager_id == pair[0], AgendaEditRow.report_id == pair[1],
            AgendaEditRow.item_key == key).with_for_update())
        if row is None:
            row = AgendaEditRow(manager_id=pair[0], report_id=pair[1], item_key=key,
                                hidden=False)
            s.add(row)
        row.updated_at = utcnow()
        return row

    def hide_agenda_item(self, report: str, key: str, hidden: bool = True,
                         manager: str | None = None) -> None:
        """Hide an item from the agenda with `report` (or show it again)."""
        with self._session(write=True) as s:
            pair = self._pair_to_change(s, report, manager)
            self._edit_row(s, pair, key).hidden = hidden

    def order_agenda(self, report: str, keys: list[str], manager: str | None = None) -> None:
        """Put these items first, in this order; the others keep the agenda's own order."""
        if len(set(keys)) != len(keys):
            raise InputError("an item key is named twice", "name each item once")
        with self._session(write=True) as s:
            pair = self._pair_to_change(s, report, manager)
            s.execute(update(AgendaEditRow).where(
                AgendaEditRow.manager_id == pair[0], AgendaEditRow.report_id == pair[1])
                .values(position=None))
            for position, key in enumerate(keys):
                self._edit_row(s, pair, key).position = position

    def agenda_edits(self, report: str, manager: str | None = None
                     ) -> dict[str, tuple[bool, int | None]]:
        """key -> (hidden, position) of the agenda with `report`, as its manager left it: the
        one named, else the principal when they manage the report, else the report's own
        manager (a report reads the agenda their manager prepared). No check: the caller
        builds an agenda it may read."""
        p = self.principal
        with self._session() as s:
            person = find_person(s, report, p.org_id)
            if person is None:
                return {}
            if manager:
                boss = find_person(s, manager, p.org_id)
                manager_id = boss.id if boss else None
            elif p.person_id == person.id:
                manager_id = person.manager_id
            else:
                manager_id = p.person_id
            rows = s.execute(select(AgendaEditRow.item_key, AgendaEditRow.hidden,
                                    AgendaEditRow.position)
                             .where(AgendaEditRow.manager_id == manager_id,
                                    AgendaEditRow.report_id == person.id)).all()
        return {key: (hidden, position) for key, hidden, position in rows}

