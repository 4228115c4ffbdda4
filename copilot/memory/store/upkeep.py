"""Small pieces of store upkeep shared by saving, deleting, erasing and manual updates."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from copilot.memory.store.tables import CommitmentEventRow, NextStepRow
from copilot.settings import Settings
from copilot.settings_jobs import upload_dir


def recompute_status(s: Session, step_ids: set[int]) -> None:
    """A commitment's status is its last closing/reopening event (none: open)."""
    for step_id in step_ids:
        row = s.get(NextStepRow, step_id)
        if row is None:
            continue
        last = s.scalar(
            select(CommitmentEventRow.kind)
            .where(CommitmentEventRow.next_step_id == step_id,
                   CommitmentEventRow.kind.in_(("done", "dropped", "reopened")))
            .order_by(CommitmentEventRow.created_at.desc(), CommitmentEventRow.id.desc()).limit(1)
        )
        row.status = {"done": "done", "dropped": "dropped"}.get(last or "", "open")


def remove_uploads(settings: Settings, meeting_id: str) -> list[Path]:
    """Files kept for a meeting (COPILOT_STORAGE_DIR/uploads/<meeting id>*), deleted with it."""
    folder = upload_dir(settings)
    gone = []
    if folder.is_dir() and meeting_id and "/" not in meeting_id and ".." not in meeting_id:
        for path in sorted(folder.glob(f"{meeting_id}*")):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            gone.append(path)
    return gone

