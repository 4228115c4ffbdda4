"""The analysis a job runs (copilot/jobs.py claims it first): a recording through the audio
workflow, or a text saved as an upload; and the progress it writes to the job row."""

from __future__ import annotations

import time
from pathlib import Path

from copilot import metrics
from copilot.analyze.base import Extractor
from copilot.memory.store import Store
from copilot.memory.store.records import JobClaim
from copilot.models import AuditAction, Principal
from copilot.settings import Settings

# Share of the progress bar each stage ends at: transcription is most of the time (measured).
STAGE_END = {"queued": 0.0, "decoding": 5.0, "transcribing": 70.0, "diarizing": 90.0,
             "analysing": 100.0}
_STAGE_START = {"decoding": 0.0, "transcribing": 5.0, "diarizing": 70.0, "analysing": 90.0}


def analyse(store: Store, settings: Settings, job_id: str, claim: JobClaim, root: Path,
            progress: Progress, *, extractor: Extractor | None = None, audio=None) -> str:
    """Analyse the claimed job's upload and save the meeting (id = job id) as its uploader."""
    from copilot.ingest.formats import decode_text
    from copilot.request import MeetingRequest
    from copilot.workflow import remember_meeting

    params = claim.params or {}
    if params.get("principal"):  # the uploader: the meeting is saved as theirs
        store = store.acting_as(Principal.model_validate(params["principal"]))
        progress.store = store
    path = root / claim.upload
    filename = params.get("filename")
    text = claim.kind == "text"
    progress("analysing" if text else "decoding", 0.0)
    request = MeetingRequest(
        manager=params["manager"], report=params["report"], date=params.get("date"),
        lang=params.get("lang") or "auto", engine=params.get("engine") or None,
        filename=filename if text else None,
        source=(filename or "api") if text else (filename or path.name),
        manager_voice=root / claim.voice_upload if claim.voice_upload else None,
        meeting_id=job_id, meeting_type=params.get("meeting_type") or "one_on_one")
    meeting = decode_text(path.read_bytes()) if text else path
    analysis = remember_meeting(request, meeting, store=store, settings=settings,
                                progress=progress, extractor=extractor, audio=audio)
    if text:  # as the synchronous POST does for a text
        store.audit(AuditAction.CREATE, "meeting", analysis.id, person=analysis.report)
    return analysis.id


class Progress:
    """Writes stage changes at once and percent at most twice a second; times each stage for
    the metrics (copilot/metrics.py), per queue."""

    def __init__(self, store: Store, job_id: str, queue: str = "audio") -> None:
        self.store, self.job_id, self.queue = store, job_id, queue
        self.stage, self.last, self.began = "", 0.0, time.monotonic()

    def finish(self, outcome: str) -> None:
        """The run ended (done, failed, retry): the last stage's time, and the outcome."""
        if self.stage:
            metrics.observe_stage(self.queue, self.stage, time.monotonic() - self.began)
            self.stage = ""
        metrics.job_finished(self.queue, outcome)

    def __call__(self, stage: str, fraction: float) -> None:
        if stage not in _STAGE_START:
            return
        now = time.monotonic()
        if stage == self.stage and now - self.last < 0.5 and fraction < 1.0:
            return
        if stage != self.stage:
            if self.stage:
                metrics.observe_stage(self.queue, self.stage, now - self.began)
            self.began = now
        self.stage, self.last = stage, now
        start, end = _STAGE_START[stage], STAGE_END[stage]
        percent = start + (end - start) * min(max(fraction, 0.0), 1.0)
        self.store.update_job(self.job_id, stage=stage, percent=round(min(percent, 99.0), 1))
