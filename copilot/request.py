"""`MeetingRequest`: what a front end knows about a meeting before it is analysed.

Who (manager, report), when, in which language, with which engine, under which name
(source), with which sample of the manager's voice, and, when a stored meeting is analysed
again, its id and the roles set by hand. Building one runs the cheap checks (two different
people, a real date), so a typo fails before any model loads.

`with_engine` is the one place an engine chosen per request (CLI `--engine`, API `engine`,
a job's parameters, a stored meeting's engine) replaces the configured one;
`check_request_engine` is the one place a server decides whether a request may choose it
(the CLI's user owns the settings and chooses freely).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from copilot.errors import EngineNotEnabled
from copilot.models import Engine, LanguageChoice, MeetingType, Role
from copilot.settings import Settings
from copilot.validate import check_people, parse_date


def with_engine(settings: Settings, engine: str | None) -> Settings:
    """`settings` with `engine` as the extraction engine; None keeps the configured one."""
    if engine is None or engine == settings.engine:
        return settings
    return settings.model_copy(update={"engine": engine})


def check_request_engine(settings: Settings, engine: str | None) -> None:
    """Refuse (403) an engine a server's request chose that is neither COPILOT_ENGINE nor in
    COPILOT_REQUEST_ENGINES: choosing llm sends the transcript to the LLM endpoint, which is
    the operator's decision, not that of whoever reaches the API."""
    if engine is None or engine == settings.engine or engine in settings.server.request_engines:
        return
    allowed = ", ".join(dict.fromkeys([settings.engine, *settings.server.request_engines]))
    raise EngineNotEnabled(
        f"this server does not let a request choose the {engine} engine (allowed: {allowed})",
        f"leave `engine` out, or have the operator add {engine} to COPILOT_REQUEST_ENGINES")


class MeetingRequest(BaseModel):
    """A meeting to analyse (and remember). Invalid people or dates raise InputError here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    manager: str = Field(description="The manager's name.")
    report: str = Field(description="The report's name.")
    date: dt.date = Field(description="Meeting date; a YYYY-MM-DD string or None (today) "
                          "is accepted.")
    lang: LanguageChoice = LanguageChoice.AUTO
    engine: Engine | None = Field(
        default=None, description="Default: the configured engine (COPILOT_ENGINE).")
    filename: str | None = Field(
        default=None, description="Text: the original file name, whose extension tells the "
        "format (else it is sniffed).")
    source: str | None = Field(
        default=None, description="Stored as the meeting's source; default: the file name.")
    manager_voice: Path | None = Field(
        default=None, description="Recordings: a sample of the manager speaking alone, "
        "enrolled as their voiceprint.")
    meeting_id: str | None = Field(
        default=None, description="Keep this id (a job's, or a stored meeting analysed again).")
    roles: dict[str, Role] | None = Field(
        default=None, description="Speaker label -> role, set by hand (assign-roles).")
    meeting_type: MeetingType = Field(
        default=MeetingType.ONE_ON_ONE, description="The kind of meeting (`--type`): its "
        "template says what it should cover.")

    @model_validator(mode="before")
    @classmethod
    def _checked(cls, data: Any) -> Any:
        # Plain functions, not pydantic errors: the CLI and the API show their one-line
        # message and hint, exactly as for any other input error.
        if isinstance(data, dict) and isinstance(data.get("manager"), str) \
                and isinstance(data.get("report"), str):
            manager, report = check_people(data["manager"], data["report"])
            data = {**data, "manager": manager, "report": report,
                    "date": parse_date(data.get("date"))}
        return data

    def settings_for(self, settings: Settings) -> Settings:
        return with_engine(settings, self.engine)

    @property
    def stored_source(self) -> str | None:
        return self.source if self.source is not None else self.filename
