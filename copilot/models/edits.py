"""Bodies of the manager's own changes: editing an analysis item, hiding or ordering agenda
items."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ItemKind(StrEnum):
    """The lists of an analysis a manager may edit or delete an item of."""

    FACTS = "facts"
    FEEDBACK = "feedback"
    NEXT_STEPS = "next_steps"
    WARNINGS = "warnings"


class TextEdit(BaseModel):
    """The new text of a fact, a feedback item or a warning."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)


class StepEdit(BaseModel):
    """A next step's new owner, action or due date; a field left out stays as it was
    (`due: null` removes the date)."""

    model_config = ConfigDict(extra="forbid")

    owner: str | None = Field(default=None, max_length=200)
    action: str | None = Field(default=None, min_length=1, max_length=4000)
    due: dt.date | None = None


class AgendaOrder(BaseModel):
    """Agenda item keys in the order the manager wants them; items not named follow."""

    model_config = ConfigDict(extra="forbid")

    keys: list[str] = Field(max_length=500)
