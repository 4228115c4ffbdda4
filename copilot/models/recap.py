"""The recap (compte rendu) of a meeting: what was decided, who does what by when, what is
carried to the next 1:1 and what worried the report, each item with its evidence.

`RecapContent` is the part the manager may edit (PUT /v1/meetings/{id}/recap, `copilot recap
--edit`); `MeetingRecap` is what is read: that content (the stored edit when there is one,
else the generated one) with the meeting's header. Never the coaching, never the private notes.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field, field_validator

from copilot.models.accounts import Sharing
from copilot.models.analysis import Fact, FeedbackItem, NextStep
from copilot.models.transcript import Utterance
from copilot.models.vocabulary import Language

MAX_ITEMS = 100  # per list: a recap is concise, and an edit cannot grow the row without bound
MAX_TEXT = 2000


class RecapItem(BaseModel):
    """One line of the recap and the utterances it comes from."""

    text: str = Field(min_length=1, max_length=MAX_TEXT)
    evidence: list[int] = Field(default_factory=list, max_length=50)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("the text is empty")
        return value


class Decision(RecapItem):
    """What was decided ("on part sur...", "we agreed to...")."""


class CarriedTopic(RecapItem):
    """A topic put off to the next 1:1 ("on en reparle la prochaine fois")."""


class Concern(RecapItem):
    """A worry, difficulty or blocker the report raised."""


class RecapContent(BaseModel):
    """The recap's own content: generated from the analysis, or as the manager edited it.
    Fields a client sends beyond these (a whole `MeetingRecap` read back) are ignored."""

    summary: str | None = Field(default=None, max_length=10_000)
    decisions: list[Decision] = Field(default_factory=list, max_length=MAX_ITEMS)
    next_steps: list[NextStep] = Field(default_factory=list, max_length=MAX_ITEMS)
    carried_topics: list[CarriedTopic] = Field(default_factory=list, max_length=MAX_ITEMS)
    concerns: list[Concern] = Field(default_factory=list, max_length=MAX_ITEMS)


class MeetingRecap(RecapContent):
    """What a report reads of a meeting their manager shared, and what the manager reads of
    their own recap: never the coaching, never the private notes; the utterances only when
    the transcript is shared."""

    id: str
    date: dt.date
    manager: str
    report: str
    language: Language
    facts: list[Fact] = Field(default_factory=list)
    feedback: list[FeedbackItem] = Field(
        default_factory=list, description="What was said, without the coaching suggestion.")
    utterances: list[Utterance] | None = Field(
        default=None, description="Only when the manager shared the transcript.")
    sharing: Sharing
    edited: bool = Field(default=False, description="The manager's edit, not the generated "
                         "recap (reset it to go back to the generated one).")
