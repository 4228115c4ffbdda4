"""The manager's home page in figures: their reports, cadence, open commitments, deadlines."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from copilot.models.memory import Cadence, LegalDeadline


class HomeReport(BaseModel):
    """One report the manager holds 1:1s with (or is linked to as their manager)."""

    name: str
    last_meeting: dt.date | None = None
    last_meeting_id: str | None = None
    expected_next: dt.date | None = Field(default=None, description="From the cadence.")
    overdue: bool = Field(default=False, description="The next 1:1 is late for the cadence.")
    cadence: Cadence
    open_mine: int = Field(default=0, description="Open commitments the manager owns.")
    open_theirs: int = Field(default=0, description="Open commitments the report owns.")
    open_other: int = Field(default=0, description="Open commitments of both or no one.")


class ManagerHome(BaseModel):
    manager: str | None
    date: dt.date
    reports: list[HomeReport] = Field(description="Overdue first, then by next 1:1.")
    legal: list[LegalDeadline] = Field(
        description="Their reports' legal interview deadlines, overdue or within the horizon "
        "(COPILOT_LEGAL_HORIZON_DAYS), soonest first.")
