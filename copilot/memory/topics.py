"""Topics a report submits ahead of a 1:1 (`copilot topic add`, POST /v1/people/{name}/topics).

A topic stays on the agenda until a meeting held on or after the day it was submitted talks
about it (matched like commitments, by meaning and words; see lifecycle.py), or it is dropped.
"""

from __future__ import annotations

import datetime as dt

from copilot.errors import InputError, NotFoundError
from copilot.memory.store import Store
from copilot.models import Topic, TopicIn
from copilot.validate import check_name


def add(store: Store, person: str, topic: TopicIn) -> Topic:
    text = " ".join(topic.text.split())
    if not text:
        raise InputError("the topic is empty",
                         'e.g. copilot topic add --person Julien "ma formation"')
    person = check_name(person or "", "person's name")
    if topic.submitted_by is not None:
        topic = topic.model_copy(update={"submitted_by": check_name(topic.submitted_by,
                                                                    "submitter's name")})
    vector = store.embedder.passages([text])  # before the transaction: a model error saves nothing
    return store.add_topic(person, text, submitted_by=topic.submitted_by,
                           submitted_on=topic.date or dt.date.today(), vector=vector)


def list_topics(store: Store, person: str, status: str | None = "open") -> list[Topic]:
    return store.topics(person, status)


def drop(store: Store, topic_id: int) -> Topic:
    topic = store.drop_topic(topic_id)
    if topic is None:
        raise NotFoundError(f"no topic with id {topic_id}", "see `copilot topic list`")
    return topic
