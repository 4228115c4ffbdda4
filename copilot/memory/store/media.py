"""The recording a meeting was analysed from, kept as uploads/<meeting id>.<ext> under
COPILOT_STORAGE_DIR after its job succeeds (copilot/jobs.py) until the meeting is deleted or
erased, or retention removes recordings (retention.py)."""

from __future__ import annotations

from pathlib import Path

from copilot.errors import NotFoundError
from copilot.memory.store.meetings import MeetingStore
from copilot.memory.store.scope import Level
from copilot.settings_jobs import upload_dir

# What a browser's <audio> needs to hear: the type of each extension an upload may have
# (copilot.ingest.audio.AUDIO_EXTENSIONS).
MEDIA_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".m4a": "audio/mp4",
               ".aac": "audio/aac", ".ogg": "audio/ogg", ".opus": "audio/ogg",
               ".webm": "audio/webm", ".flac": "audio/flac", ".mp4": "audio/mp4"}
_NO_RECORDING = "the meeting came from a transcript or notes, or its recording was removed"


class MediaStore(MeetingStore):
    """Finding a meeting's recording on disk, for those who may read its transcript."""

    def recording(self, meeting_id: str) -> tuple[Path, str]:
        """(path, media type) of the meeting's recording. NotFoundError when there is none;
        NotFoundError / Forbidden as `get` at the transcript level."""
        self.sees_meeting(meeting_id, Level.TRANSCRIPT)
        folder = upload_dir(self.settings)
        # The meeting id is the job id that named the upload; the voice sample
        # (<id>.voice.<ext>) and a partial copy (.part) are not the recording.
        for suffix, media in MEDIA_TYPES.items():
            path = folder / f"{meeting_id}{suffix}"
            if path.is_file():
                return path, media
        path = folder / f"{meeting_id}.audio"  # an upload sent under an unknown extension
        if path.is_file():
            return path, "application/octet-stream"
        raise NotFoundError(f"meeting {meeting_id} has no recording", _NO_RECORDING)
