"""A meeting's recording, for the audio player of the meeting page: the file itself, with HTTP
Range requests (206) so that a browser can seek to an item's evidence without downloading it
all (starlette's FileResponse answers Range, If-Range and 416)."""

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.auth import MEMBERS, ScopedStore, allow
from api.errors import responses

router = APIRouter(prefix="/meetings", tags=["meetings"])


@router.get("/{meeting_id}/audio", dependencies=[allow(*MEMBERS, objects=True)],
            response_class=FileResponse, responses={
                **responses(403, 404, 503),
                206: {"description": "The byte range asked for in `Range`."},
                200: {"description": "The recording.",
                      "content": {"audio/*": {"schema": {"type": "string",
                                                         "format": "binary"}}}}})
def get_meeting_audio(meeting_id: str, store: ScopedStore) -> FileResponse:
    """The recording the meeting was analysed from: its manager, or the report when the
    transcript is shared. 404 for a meeting from text, or whose recording was removed."""
    path, media = store.recording(meeting_id)
    return FileResponse(path, media_type=media, filename=f"{meeting_id}{path.suffix}",
                        content_disposition_type="inline")
