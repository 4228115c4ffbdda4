"""What a manager shares of a meeting with the report, their private notes, the recap a report
reads, and the de-identified figures HR reads."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import statistics

from sqlalchemy import func, select

from copilot.memory import recap
from copilot.memory.store.meetings import MeetingStore
from copilot.memory.store.scope import Level, meetings_seen, org_people
from copilot.memory.store.tables import AnalysisRow, Meeting, NextStepRow, Person
from copilot.models import (
    Analysis,
    HrFigures,
    MeetingRecap,
    PrivateNotes,
    RecapContent,
    Sharing,
)


def recap_of(analysis: Analysis, sharing: Sharing, with_transcript: bool,
             edit: RecapContent | None = None) -> MeetingRecap:
    """The recap read: the manager's edit when there is one, else the one generated from the
    analysis; facts and feedback (without the coaching suggestion) as said."""
    content = edit if edit is not None else recap.build(analysis)
    return MeetingRecap(
        **content.model_dump(), edited=edit is not None,
        id=analysis.id, date=analysis.date, manager=analysis.manager, report=analysis.report,
        language=analysis.language, facts=analysis.facts,
        feedback=[f.model_copy(update={"suggestion": None}) for f in analysis.feedback],
        utterances=analysis.utterances if with_transcript else None, sharing=sharing)


class SharingStore(MeetingStore):
    """Sharing, private notes, recaps, HR figures."""

    def sharing(self, meeting_id: str) -> Sharing:
        with self._session() as s:
            self._check_seen(s, meeting_id, Level.RECAP)
            row = s.get(Meeting, meeting_id)
            return Sharing(recap=row.share_recap or row.share_transcript,
                           transcript=row.share_transcript)

    def set_sharing(self, meeting_id: str, sharing: Sharing) -> Sharing:
        with self._session(write=True) as s:
            self._check_seen(s, meeting_id, Level.LEAD)
            row = s.get(Meeting, meeting_id)
            row.share_transcript = sharing.transcript
            row.share_recap = sharing.recap or sharing.transcript
            return Sharing(recap=row.share_recap, transcript=row.share_transcript)

    def notes(self, meeting_id: str) -> PrivateNotes:
        with self._session() as s:
            self._check_seen(s, meeting_id, Level.LEAD)
            return PrivateNotes(text=s.get(Meeting, meeting_id).private_notes or "")

    def set_notes(self, meeting_id: str, notes: PrivateNotes) -> PrivateNotes:
        with self._session(write=True) as s:
            self._check_seen(s, meeting_id, Level.LEAD)
            s.get(Meeting, meeting_id).private_notes = notes.text or None
            return notes

    def recap(self, meeting_id: str) -> MeetingRecap:
        """What the principal may read of the meeting without the coaching: the manager's
        edit of the recap wins over the generated one."""
        sharing = self.sharing(meeting_id)
        with self._session() as s:
            full = s.scalar(select(Meeting.id).where(
                Meeting.id == meeting_id, meetings_seen(self.principal, Level.TRANSCRIPT)))
            body = s.scalar(select(Meeting.recap_edit).where(Meeting.id == meeting_id))
        edit = RecapContent.model_validate_json(body) if body else None
        return recap_of(self.get(meeting_id, Level.RECAP), sharing, full is not None, edit)

    def set_recap(self, meeting_id: str, content: RecapContent) -> MeetingRecap:
        """Store the manager's edit of the recap (validated against the meeting)."""
        checked = recap.check_edit(content, self.get(meeting_id, Level.LEAD))
        with self._session(write=True) as s:
            self._check_seen(s, meeting_id, Level.LEAD)
            s.get(Meeting, meeting_id).recap_edit = checked.model_dump_json()
        return self.recap(meeting_id)

    def reset_recap(self, meeting_id: str) -> MeetingRecap:
        """Back to the generated recap: the edit is forgotten."""
        with self._session(write=True) as s:
            self._check_seen(s, meeting_id, Level.LEAD)
            s.get(Meeting, meeting_id).recap_edit = None
        return self.recap(meeting_id)

    def hr_figures(self, today: dt.date) -> HrFigures:
        """Counts and medians over the principal's organisation: no name, no text."""
        org = Meeting.manager_id.in_(org_people(self.principal))
        with self._session() as s:
            rows = s.execute(select(Meeting.id, Meeting.report_id, Meeting.manager_id,
                                    Meeting.date).where(org).order_by(Meeting.date)).all()
            steps = s.execute(select(NextStepRow.due).join(
                Meeting, NextStepRow.meeting_id == Meeting.id).where(
                org, NextStepRow.status == "open", NextStepRow.superseded_by.is_(None))).all()
            people = s.scalar(select(func.count(Person.id)).where(
                Person.org_id == self.principal.org_id))
            # Only a number is read out of each body: HR never gets the text.
            bodies = s.scalars(select(AnalysisRow.body).join(
                Meeting, AnalysisRow.meeting_id == Meeting.id).where(org))
            shares = [share for share in map(_report_share, bodies) if share is not None]
        gaps: list[int] = []
        by_report: dict[int, list[dt.date]] = {}
        for r in rows:
            by_report.setdefault(r.report_id, []).append(r.date)
        for dates in by_report.values():
            gaps += [(b - a).days for a, b in itertools.pairwise(dates)]
        return HrFigures(
            managers=len({r.manager_id for r in rows}), reports=len(by_report),
            meetings=len(rows), people=people or 0,
            meetings_last_90_days=sum(1 for r in rows if (today - r.date).days <= 90),
            median_listening_share=round(statistics.median(shares), 3) if shares else None,
            median_days_between_meetings=statistics.median(gaps) if gaps else None,
            open_commitments=len(steps),
            overdue_commitments=sum(1 for (due,) in steps if due is not None and due < today))


def _report_share(body: str) -> float | None:
    talk = json.loads(body).get("talk") or {}
    share = talk.get("report_share")
    return float(share) if share is not None else None
