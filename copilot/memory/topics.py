"""Topics a report submits ahead of a 1:1 (`copilot topic add`, POST /v1/people/{name}/topics).

A topic stays on the agenda until a meeting held on or after the day it was submitted talks
about it (matched like commitments, by meaning and words; see lifecycle.py), or it is dropped.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from copilot.errors import InputError, NotFoundError
from copilot.memory import index
from copilot.memory.store import Store, _person
from copilot.memory.tables import Person, TopicRow
from copilot.models import Topic, TopicIn
from copilot.text import name_key


def _topic(row: TopicRow, person: str) -> Topic:
    return Topic(id=row.id, person=person, text=row.text, submitted_by=row.submitted_by,
                 submitted_on=row.submitted_on, status=row.status,
                 covered_meeting=row.covered_meeting_id,
                 covered_evidence=list(row.covered_evidence or []))


def add(store: Store, person: str, topic: TopicIn) -> Topic:
    text = " ".join(topic.text.split())
    if not text:
        raise InputError("the topic is empty", 'e.g. copilot topic add --person Julien "ma formation"')
    if not person or not person.strip() or len(person) > 200:
        raise InputError("a person's name is needed", "e.g. --person Julien")
    vector = store.embedder.passages([text])  # before the transaction: a model error saves nothing
    with store._session(write=True) as s:
        owner = _person(s, person)
        row = TopicRow(person_id=owner.id, text=text, submitted_by=topic.submitted_by,
                       submitted_on=topic.date or dt.date.today(), status="open")
        s.add(row)
        s.flush()
        _, items = index.collections(store.embedder)
        store.vectors.upsert(items, [f"t:{row.id}"], vector,
                             [{"kind": "topic", "report": owner.name_key, "meeting_id": ""}])
        return _topic(row, owner.name)


def list_topics(store: Store, person: str, status: str | None = "open") -> list[Topic]:
    with store._session() as s:
        owner = s.scalar(select(Person).where(Person.name_key == name_key(person)))
        if owner is None:
            return []
        q = select(TopicRow).where(TopicRow.person_id == owner.id)
        if status and status != "all":
            q = q.where(TopicRow.status == status)
        return [_topic(r, owner.name) for r in s.scalars(q.order_by(TopicRow.submitted_on,
                                                                  TopicRow.id))]


def drop(store: Store, topic_id: int) -> Topic:
    with store._session(write=True) as s:
        row = s.get(TopicRow, topic_id)
        if row is None:
            raise NotFoundError(f"no topic with id {topic_id}", "see `copilot topic list`")
        row.status = "dropped"
        owner = s.get(Person, row.person_id)
        return _topic(row, owner.name if owner else "?")
