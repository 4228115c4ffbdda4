"""The manager's edits of one analysis item, written with everything derived from it: the
stored analysis, the commitment row of a next step (and its vector), the warning count."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from copilot.memory import index
from copilot.memory.edits import Edit, apply_edit, check_index
from copilot.memory.store.meetings import MeetingStore
from copilot.memory.store.scope import Level
from copilot.memory.store.tables import AnalysisRow, Meeting, NextStepRow
from copilot.memory.store.upkeep import recompute_status
from copilot.models import Analysis
from copilot.models.edits import ItemKind


class ItemStore(MeetingStore):
    """Editing and deleting facts, feedback, next steps and warnings of a stored meeting."""

    def edit_item(self, meeting_id: str, kind: ItemKind, index_: int,
                  edit: Edit | None) -> Analysis:
        """Replace item `index_` of `kind` by `edit`, or delete it (None); the manager who led
        the meeting only. Returns the updated analysis."""
        self.sees_meeting(meeting_id, Level.LEAD)
        before = self.get(meeting_id)
        check_index(before, kind, index_)
        after = apply_edit(before, kind, index_, edit)
        with self._session(write=True) as s:
            self._check_seen(s, meeting_id, Level.LEAD)
            row = s.get(AnalysisRow, meeting_id)
            if row.body != before.model_dump_json():
                # Someone changed it between the read and this write: redo on the new one.
                before = Analysis.model_validate_json(row.body)
                after = apply_edit(before, kind, index_, edit)
            row.body = after.model_dump_json()
            s.get(Meeting, meeting_id).warning_count = len(after.warnings)
            step_id = None
            if kind == ItemKind.NEXT_STEPS:
                step_id = self._write_step(s, before, after, index_, edit is None)
            if step_id is not None:
                action = None if edit is None else after.next_steps[index_].action
                index.set_commitment(self.vectors, self.embedder, after, step_id, action)
        return after

    def _write_step(self, s, before: Analysis, after: Analysis, i: int,
                    deleted: bool) -> int | None:
        """The commitment row of next step `i`: its rows were written in the analysis' order
        (save), so they are the meeting's rows by id; returns its id."""
        rows = list(s.scalars(select(NextStepRow).where(NextStepRow.meeting_id == before.id)
                              .order_by(NextStepRow.id)))
        old = before.next_steps[i]
        if len(rows) != len(before.next_steps) or rows[i].action != old.action:
            found = [r for r in rows if r.action == old.action and r.owner == old.owner]
            if not found:
                return None
            rows[i] = found[0]
        target = rows[i]
        if deleted:
            # What it had renewed is current again; its events go with it (cascade).
            renewed = set(s.scalars(select(NextStepRow.id).where(
                NextStepRow.superseded_by == target.id)))
            s.execute(update(NextStepRow).where(NextStepRow.superseded_by == target.id)
                      .values(superseded_by=None))
            s.execute(delete(NextStepRow).where(NextStepRow.id == target.id))
            recompute_status(s, renewed)
            return target.id
        new = after.next_steps[i]
        target.owner, target.owner_role, target.action = new.owner, new.owner_role, new.action
        target.due, target.due_text = new.due, new.due_text
        return target.id
