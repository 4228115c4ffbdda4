"""Accounts and access: organisations, users, tokens, who is acting, sharing, the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from copilot.models.vocabulary import AccountRole, AuditAction, Language, TokenScope

DEFAULT_ORG_ID = 1  # created by the migration; the local owner's meetings live there


class Principal(BaseModel):
    """Who is acting: a user of an organisation, or the local owner (the CLI on its own home,
    which reads and changes everything of the default organisation, as before accounts).

    The store filters every query by it (copilot/memory/store/scope.py)."""

    model_config = ConfigDict(frozen=True)

    user_id: int | None = None
    org_id: int = DEFAULT_ORG_ID
    role: AccountRole | None = Field(default=None, description="None: the local owner.")
    person_id: int | None = Field(default=None, description="The people record this user is.")
    email: str | None = None
    name: str | None = None
    scopes: tuple[TokenScope, ...] = (TokenScope.READ, TokenScope.WRITE)
    via: str = Field(default="local", description="local, token or session.")
    language: Language | None = Field(default=None, description="Their chosen language; "
                                      "None: the browser's or the server's.")

    @classmethod
    def local_owner(cls) -> Self:
        return cls()

    @property
    def is_owner(self) -> bool:
        return self.user_id is None

    def may_write(self) -> bool:
        return TokenScope.WRITE in self.scopes


class Organisation(BaseModel):
    id: int
    name: str
    recordings_days: int | None = Field(
        default=None, description="Delete recordings (uploads) after N days; None: keep.")
    transcripts_days: int | None = Field(
        default=None, description="Delete transcripts after M days, keeping the figures.")


class Retention(BaseModel):
    """The retention settings of an organisation (`PUT /v1/org/retention`)."""

    model_config = ConfigDict(extra="forbid")

    recordings_days: int | None = Field(default=None, ge=1, le=36500)
    transcripts_days: int | None = Field(default=None, ge=1, le=36500)


class OrgRetention(BaseModel):
    """What one run of the retention upkeep did in one organisation."""

    org: str
    recordings_days: int | None = None
    transcripts_days: int | None = None
    recordings_deleted: int = Field(default=0, description="Upload files (recordings and "
                                    "voice samples) deleted from disk.")
    transcripts_stripped: int = Field(default=0, description="Meetings whose words were "
                                      "removed (their figures stay).")
    meetings: list[str] = Field(default_factory=list,
                                description="Ids of the meetings stripped in this run.")


class RetentionReport(BaseModel):
    """`Store.apply_retention`: per organisation with a setting, what went (organisations
    without one are not listed: nothing of theirs is touched)."""

    at: dt.datetime
    orgs: list[OrgRetention] = Field(default_factory=list)

    @property
    def recordings_deleted(self) -> int:
        return sum(o.recordings_deleted for o in self.orgs)

    @property
    def transcripts_stripped(self) -> int:
        return sum(o.transcripts_stripped for o in self.orgs)

    def line(self) -> str:
        """One line for the CLI and the server's log."""
        if not self.orgs:
            return "retention: no organisation has a retention setting"
        return (f"retention: {self.recordings_deleted} recording file(s) deleted, "
                f"{self.transcripts_stripped} transcript(s) removed, in {len(self.orgs)} "
                "organisation(s) with a setting")


class User(BaseModel):
    id: int
    org: str
    email: str
    name: str
    role: AccountRole
    person: str | None = Field(default=None, description="The people record this user is.")
    manager: str | None = Field(default=None, description="Their manager's email, if linked.")
    disabled: bool = False
    created_at: dt.datetime | None = None
    language: Language | None = None


class TokenInfo(BaseModel):
    """A token as listed: never the token itself, which is shown once at creation."""

    id: int
    user: str
    scope: TokenScope
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None = None
    revoked: bool = False


class NewToken(BaseModel):
    token: str = Field(description="Shown once: only a hash of it is stored.")
    info: TokenInfo


class Sharing(BaseModel):
    """What the manager shares of a meeting with the report."""

    model_config = ConfigDict(extra="forbid")

    recap: bool = Field(default=False, description="Facts, feedback, next steps.")
    transcript: bool = Field(default=False, description="The utterances too (implies recap).")


class PrivateNotes(BaseModel):
    """The manager's notes on a meeting: never shown to the report, never sent to an LLM."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(default="", max_length=100_000)


class AuditEntry(BaseModel):
    id: int
    at: dt.datetime
    actor: str | None = Field(description="The user's email; None for the local owner.")
    action: AuditAction
    object_kind: str
    object_id: str | None = None
    person: str | None = Field(default=None, description="Whom the object is about.")
    detail: str | None = None


class HrFigures(BaseModel):
    """Organisation-wide coaching figures, de-identified: no names, no text."""

    people: int
    managers: int
    reports: int
    meetings: int
    meetings_last_90_days: int
    median_listening_share: float | None = Field(
        description="Median share of talk by the report, over meetings with time or words.")
    median_days_between_meetings: float | None
    open_commitments: int
    overdue_commitments: int
