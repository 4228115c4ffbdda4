"""Set the roles of a stored meeting by hand (`copilot meetings assign-roles`,
`POST /v1/meetings/{id}/roles`) and recompute everything that depends on them.

Roles decide who owns a next step, the listening ratio and most coaching warnings, so the
stored transcript is analysed again with the same engine and the meeting is rewritten in one
transaction (Store.save(replace=True)): its commitments, vectors and lifecycle follow.
"""

from __future__ import annotations

from copilot.analyze.base import Extractor
from copilot.errors import InputError
from copilot.memory.store import Store
from copilot.models import Analysis, Engine, Role, Transcript
from copilot.request import MeetingRequest
from copilot.settings import Settings
from copilot.workflow import remember_meeting


def _label(wanted: str, speakers: list[str], meeting_id: str) -> str:
    for speaker in speakers:
        if speaker.casefold() == wanted.strip().casefold():
            return speaker
    raise InputError(f"{wanted!r} is not a speaker of meeting {meeting_id}",
                     f"choose one of: {', '.join(speakers)}")


def _roles(manager: str, report: str | None, speakers: list[str], meeting_id: str
           ) -> dict[str, Role]:
    roles: dict[str, Role] = {_label(manager, speakers, meeting_id): "manager"}
    if report is not None:
        report_label = _label(report, speakers, meeting_id)
        if report_label in roles:
            raise InputError("the manager and the report are the same speaker",
                             "give two different speaker labels")
        roles[report_label] = "report"
    elif len(speakers) == 2:
        roles[next(s for s in speakers if s not in roles)] = "report"
    return roles


def assign_roles(store: Store, meeting_id: str, manager: str, *, report: str | None = None,
                 settings: Settings, extractor: Extractor | None = None) -> Analysis:
    """Make speaker `manager` the manager (and `report`, or the other of two speakers, the
    report) of a stored meeting; returns the recomputed analysis, already stored."""
    old = store.get(meeting_id)
    speakers = list(dict.fromkeys(u.speaker for u in old.utterances if u.speaker is not None))
    if not speakers:
        raise InputError(f"meeting {meeting_id} has no speakers (notes): no roles to assign",
                         "roles apply to transcripts and recordings")
    roles = _roles(manager, report, speakers, meeting_id)
    transcript = Transcript(
        utterances=[u.model_copy(update={"role": None}) for u in old.utterances],
        language=old.language, has_speakers=True, source_format=old.source_format,
        duration=old.talk.duration if old.talk else None,
    )
    request = MeetingRequest(
        manager=old.manager, report=old.report, date=old.date, source=old.source,
        meeting_id=old.id, roles=roles, meeting_type=old.meeting_type,
        engine=old.engine if old.engine in set(Engine) else None)  # the same engine as before
    return remember_meeting(request, transcript, store=store, settings=settings,
                            extractor=extractor, replace=True)
