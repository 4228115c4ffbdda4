"""Voiceprints per person (migration 0003).

A voiceprint is biometric data: it is stored only when the user enrols one
(`--manager-voice`), belongs to its person row (erasing the person deletes it, ON DELETE
CASCADE), and `copilot voiceprint delete NAME` removes it on its own.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import select

from copilot.errors import NotFoundError
from copilot.ingest.voiceprint import Voiceprint
from copilot.memory.store.base import StoreBase
from copilot.memory.store.records import utcnow
from copilot.memory.store.scope import people_seen, person_to_change, seen_person
from copilot.memory.store.tables import Person, VoiceprintRow
from copilot.models import VoiceprintInfo
from copilot.text import name_key


class VoiceprintStore(StoreBase):
    """Enrolled voiceprints: one per person and encoder."""

    def save_voiceprint(self, person: str, voiceprint: Voiceprint,
                        source: str | None = None) -> None:
        """Store (or replace) `person`'s voiceprint for its encoder."""
        with self._session(write=True) as s:
            owner = seen_person(s, self.principal, person)
            if owner is None or owner.id != self.principal.person_id:
                # Their own voice, or the voice of someone they manage.
                owner = person_to_change(s, self.principal, person)
            row = s.scalar(select(VoiceprintRow).where(
                VoiceprintRow.person_id == owner.id, VoiceprintRow.encoder == voiceprint.encoder))
            if row is None:
                row = VoiceprintRow(person_id=owner.id, encoder=voiceprint.encoder)
                s.add(row)
            row.vector = [round(float(x), 6) for x in voiceprint.vector]
            row.seconds = float(voiceprint.seconds)
            row.source = source
            row.updated_at = utcnow()

    def load_voiceprint(self, person: str, encoder: str | None = None) -> Voiceprint | None:
        """`person`'s voiceprint (the newest, or the one made by `encoder`), or None."""
        query = (select(VoiceprintRow).join(Person, VoiceprintRow.person_id == Person.id)
                 .where(Person.org_id == self.principal.org_id,
                        Person.name_key == name_key(person), people_seen(self.principal))
                 .order_by(VoiceprintRow.updated_at.desc(), VoiceprintRow.id.desc()))
        if encoder is not None:
            query = query.where(VoiceprintRow.encoder == encoder)
        with self._session() as s:
            row = s.scalars(query).first()
            if row is None:
                return None
            return Voiceprint(vector=np.asarray(row.vector, dtype=np.float32),
                              encoder=row.encoder, seconds=row.seconds)

    def delete_voiceprint(self, person: str) -> int:
        """Delete every voiceprint of `person`; NotFoundError when there is none."""
        with self._session(write=True) as s:
            rows = s.scalars(select(VoiceprintRow)
                             .join(Person, VoiceprintRow.person_id == Person.id)
                             .where(Person.org_id == self.principal.org_id,
                                    Person.name_key == name_key(person),
                                    people_seen(self.principal))).all()
            if not rows:
                raise NotFoundError(f"no voiceprint is stored for {person!r}",
                                    "enrol one with `copilot analyze REC --manager-voice FILE`")
            for row in rows:
                s.delete(row)
            return len(rows)

    def list_voiceprints(self) -> list[VoiceprintInfo]:
        """Who has a stored voiceprint, by name (not the vectors themselves)."""
        with self._session() as s:
            rows = s.execute(select(Person.name, VoiceprintRow.encoder, VoiceprintRow.seconds,
                                    VoiceprintRow.updated_at)
                             .join(Person, VoiceprintRow.person_id == Person.id)
                             .where(people_seen(self.principal))
                             .order_by(Person.name_key)).all()
        return [VoiceprintInfo(person=n, encoder=e, seconds=sec, updated_at=u)
                for n, e, sec, u in rows]
