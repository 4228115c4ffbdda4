"""Retention: each organisation's recordings deleted after N days, transcripts after M days.

`apply_retention(now)` is the upkeep task (`copilot retention apply`, and the server's timer in
api/main.py). Ages count from when the data entered the home (a job's or a meeting's
`created_at`), not from the meeting's date: a 1:1 imported today is kept M days from today.

- Recordings (`recordings_days`): the upload files of finished jobs (the recording and the
  manager's voice sample) and the files kept under COPILOT_STORAGE_DIR/uploads for the meeting are
  deleted from disk. The meeting, its transcript and the job row stay (the job row keeps the
  relative path, which then names nothing).
- Transcripts (`transcripts_days`): the words people said go — utterance texts (rows and the
  analysis JSON), facts, feedback and question texts, the summary, the blockers and deferred
  topics (quotes), the texts of the areas touched, the quotes of a recap the manager edited
  (its next steps stay), and the vectors made from utterances and signals. The figures stay:
  talk metrics, question and feedback counts (kinds, polarity), warning codes and messages
  (written by the copilot), speakers, times, the next steps and their status (the agenda
  tracks commitments across meetings). The meeting is marked
  (`transcript_removed_at`) so a later run does not count it again. Deleted bytes are purged
  from SQLite's WAL and free pages as erasure does (`purge_erased`).

Organisations without a setting are untouched.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from copilot.errors import Forbidden
from copilot.memory import index, recap
from copilot.memory.store.maintenance import MaintenanceStore
from copilot.memory.store.tables import (
    AnalysisRow,
    JobRow,
    Meeting,
    OrganisationRow,
    Person,
    SignalRow,
    UtteranceRow,
)
from copilot.memory.store.upkeep import remove_uploads
from copilot.models import Analysis, OrgRetention, RecapContent, RetentionReport
from copilot.models.accounts import DEFAULT_ORG_ID
from copilot.settings_jobs import storage_root

_FINISHED = ("done", "failed")  # a queued or running job still needs its upload


def _naive_utc(when: dt.datetime) -> dt.datetime:
    """SQLite keeps datetimes as naive UTC strings: compare like with like."""
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


def _org_meetings(org_id: int):
    return select(Meeting.id).join(Person, Meeting.manager_id == Person.id).where(
        Person.org_id == org_id)


def stripped(analysis: Analysis) -> Analysis:
    """The analysis without the words people said (module docstring); the figures stay."""
    body = analysis.model_copy(deep=True)
    for u in body.utterances:
        u.text = ""
    for item in (*body.facts, *body.feedback, *body.questions):
        item.text = ""
    body.summary = None
    return body


class RetentionStore(MaintenanceStore):
    """The retention upkeep (module docstring)."""

    def apply_retention(self, now: dt.datetime | None = None) -> RetentionReport:
        """Apply every organisation's retention as of `now` (tests move the clock)."""
        if not self.principal.is_owner:
            raise Forbidden("retention is applied by the server's upkeep task",
                            "run `copilot retention apply` on the server's home")
        now = now or dt.datetime.now(dt.UTC)
        with self._session() as s:
            orgs = [(o.id, o.name, o.recordings_days, o.transcripts_days)
                    for o in s.scalars(select(OrganisationRow).order_by(OrganisationRow.id))]
        report = RetentionReport(at=now)
        for org_id, name, rec_days, tr_days in orgs:
            if rec_days is None and tr_days is None:
                continue
            done = OrgRetention(org=name, recordings_days=rec_days, transcripts_days=tr_days)
            if rec_days is not None:
                done.recordings_deleted = self._delete_recordings(
                    org_id, _naive_utc(now - dt.timedelta(days=rec_days)))
            if tr_days is not None:
                done.meetings = self._strip_transcripts(
                    _naive_utc(now - dt.timedelta(days=tr_days)), org_id, now)
                done.transcripts_stripped = len(done.meetings)
            report.orgs.append(done)
        if any(o.meetings for o in report.orgs):
            self.purge_erased()
        return report

    def _delete_recordings(self, org_id: int, cutoff: dt.datetime) -> int:
        home = storage_root(self.settings)
        with self._session() as s:
            ids = list(s.scalars(_org_meetings(org_id).where(Meeting.created_at < cutoff)))
            files = [home / p for p in self._old_job_uploads(s, org_id, cutoff)]
        gone = 0
        for path in files:
            if path.is_file():
                path.unlink(missing_ok=True)
                gone += 1
        for meeting_id in ids:
            gone += len(remove_uploads(self.settings, meeting_id))
        return gone

    def _old_job_uploads(self, s: Session, org_id: int, cutoff: dt.datetime) -> list[str]:
        """The upload paths of the organisation's finished jobs older than `cutoff`."""
        in_org = set(s.scalars(_org_meetings(org_id)))
        paths = []
        for row in s.scalars(select(JobRow).where(JobRow.created_at < cutoff,
                                                  JobRow.stage.in_(_FINISHED))):
            owner = (row.params.get("principal") or {}).get("org_id", DEFAULT_ORG_ID)
            if row.meeting_id in in_org or (row.meeting_id is None and owner == org_id):
                paths += [p for p in (row.upload, row.voice_upload) if p]
        return paths

    def _strip_transcripts(self, cutoff: dt.datetime, org_id: int,
                           now: dt.datetime) -> list[str]:
        with self._session() as s:
            ids = list(s.scalars(_org_meetings(org_id).where(
                Meeting.created_at < cutoff, Meeting.transcript_removed_at.is_(None))
                .order_by(Meeting.created_at)))
        for meeting_id in ids:  # one transaction each: a failure keeps the others' progress
            self._strip_one(meeting_id, now)
        return ids

    def _strip_one(self, meeting_id: str, now: dt.datetime) -> None:
        utt_cols = [c for c in index.ours(self.vectors, self.embedder)
                    if c.startswith("utterances_")]
        item_cols = [c for c in index.ours(self.vectors, self.embedder) if c.startswith("items_")]
        with self._session(write=True) as s:
            row = s.get(AnalysisRow, meeting_id)
            body = stripped(Analysis.model_validate_json(row.body))
            row.body = body.model_dump_json()
            s.execute(update(UtteranceRow).where(UtteranceRow.meeting_id == meeting_id)
                      .values(text="", folded=None))
            quotes = list(s.scalars(select(SignalRow.id).where(
                SignalRow.meeting_id == meeting_id, SignalRow.kind != "area")))
            s.execute(delete(SignalRow).where(SignalRow.id.in_(quotes)))
            s.execute(update(SignalRow).where(SignalRow.meeting_id == meeting_id)
                      .values(text=""))
            meeting = s.get(Meeting, meeting_id)
            meeting.transcript_removed_at = now
            if meeting.recap_edit:  # the manager's edit quotes the meeting too
                meeting.recap_edit = recap.stripped(RecapContent.model_validate_json(
                    meeting.recap_edit)).model_dump_json()
            # Inside the transaction, as erasure does: if the commit fails, reindex restores.
            for name in utt_cols:
                self.vectors.delete(name, where={"meeting_id": meeting_id})
            if quotes:
                for name in item_cols:
                    self.vectors.delete(name, ids=[f"s:{i}" for i in quotes])
