"""`POST /v1/audio/transcriptions`: this server's embedded Whisper as an OpenAI-compatible
transcription endpoint, so that one GPU machine transcribes for a team (their copilots set
COPILOT_TRANSCRIBER=openai and COPILOT_TRANSCRIBE_URL=http://THIS-HOST:PORT/v1).

Who may call it: any enabled account, with a Bearer token of `write` scope (a POST; `read`
tokens may not) or a browser session. Nothing is stored: the upload is decoded from a private
temporary file, transcribed and deleted; the transcript is only in the answer.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.auth import PrincipalDep, allow, rate_limits
from api.errors import responses
from copilot.errors import InputError, TooLarge, UnsupportedFormat
from copilot.ingest.audio import load_audio
from copilot.ingest.transcribe import LANG_HINT, SUPPORTED_LANGUAGES, Transcription, Word
from copilot.models import AccountRole

router = APIRouter(prefix="/audio", tags=["audio"])
FORMATS = ("json", "verbose_json", "text")
GRANULARITIES = ("word", "segment")
LANGUAGE_NAMES = {"en": "english", "fr": "french"}  # what OpenAI answers in `language`
SEGMENT_GAP = 1.0  # seconds of silence that end a segment
SEGMENT_MAX = 30.0  # seconds: Whisper's own window
_FRAMING_BYTES = 64 * 1024
_CHUNK = 1024 * 1024

_MULTIPART_SCHEMA = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "A recording (.wav .mp3 .m4a .ogg .opus .webm .flac .mp4)."},
        "model": {"type": "string", "description": "Accepted and ignored: the server's "
                  "COPILOT_WHISPER_MODEL transcribes (e.g. whisper-1)."},
        "language": {"type": "string", "enum": list(SUPPORTED_LANGUAGES),
                     "description": "Default: detected (French or English)."},
        "response_format": {"type": "string", "enum": list(FORMATS), "default": "json"},
        "timestamp_granularities[]": {"type": "array", "items": {
            "type": "string", "enum": list(GRANULARITIES)}, "description": "verbose_json "
            "only: `word` adds `words`, `segment` (the default) `segments`."},
    },
}


def _limit_transcriptions(request: Request, principal: PrincipalDep) -> None:
    """COPILOT_UPLOAD_RATE per user, counted apart from meetings (a long recording is sent
    as several blocks)."""
    rate_limits(request).hit(request.app.state.settings.server.upload_rate, "transcription",
                             str(principal.user_id))


@router.post(
    "/transcriptions", dependencies=[allow(*AccountRole), Depends(_limit_transcriptions)],
    openapi_extra={"requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": _MULTIPART_SCHEMA}}}},
    responses={**responses(400, 413, 415, 422, 502, 503), 200: {
        "description": "json: `{text}`; verbose_json: `{task, language, duration, text, "
        "segments, words}`; text: the text alone.",
        "content": {"application/json": {}, "text/plain": {}}}},
)
async def create_transcription(request: Request) -> Response:
    """Transcribe a recording with this server's Whisper, as OpenAI's endpoint does
    (multipart: `file`, `model`, `language`, `response_format`, `timestamp_granularities[]`).
    Nothing is kept. Limits: COPILOT_MAX_AUDIO_BYTES, COPILOT_MAX_AUDIO_SECONDS."""
    settings = request.app.state.settings
    limit = settings.audio.max_audio_bytes
    _check_length(request, limit)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise UnsupportedFormat(f"cannot read a {media or 'missing'} content type",
                                "send multipart/form-data with the recording in `file`")
    form = await request.form(max_files=1, max_fields=20)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InputError("no `file` in the form", "send the recording as the `file` part")
        language, fmt, granularities = _options(form)
        path = await _spool(upload, limit)
    finally:
        await form.close()
    try:
        result, duration = await run_in_threadpool(_transcribe, request.app, path, language,
                                                   upload.filename)
    finally:
        path.unlink(missing_ok=True)
    return _answer(result, duration, fmt, granularities, language)


def _check_length(request: Request, limit: int) -> None:
    try:
        declared = int(request.headers.get("content-length", "0"))
    except ValueError:
        return
    if declared > limit + _FRAMING_BYTES:
        raise TooLarge(f"the upload is too big ({declared:,} bytes, the limit is {limit:,})",
                       "send a shorter recording, or raise COPILOT_MAX_AUDIO_BYTES")


def _options(form: Any) -> tuple[str | None, str, set[str]]:
    """language, response_format and the granularities, checked (400 with a hint)."""
    language = str(form.get("language") or "").strip().lower() or None
    if language is not None and language not in SUPPORTED_LANGUAGES:
        raise InputError(f"language {language!r} is not supported", LANG_HINT)
    fmt = str(form.get("response_format") or "json").strip().lower()
    if fmt not in FORMATS:
        raise InputError(f"response_format {fmt!r} is not supported",
                         f"use one of: {', '.join(FORMATS)}")
    wanted = {str(v).strip().lower() for k in ("timestamp_granularities[]",
                                               "timestamp_granularities")
              for v in form.getlist(k)}
    if wanted - set(GRANULARITIES):
        raise InputError(f"timestamp_granularities {sorted(wanted)} is not supported",
                         "use word and/or segment")
    return language, fmt, wanted or {"segment"}


async def _spool(upload: UploadFile, limit: int) -> Path:
    """The upload in a private temporary file (PyAV decodes from a path), at most `limit`."""
    suffix = Path(upload.filename or "").suffix.lower()[:8] or ".audio"
    handle, name = tempfile.mkstemp(prefix="copilot-stt-", suffix=suffix)
    path, size = Path(name), 0
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := await upload.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"the recording is too big (over {limit:,} bytes)",
                                   "send a shorter recording, or raise COPILOT_MAX_AUDIO_BYTES")
                out.write(chunk)
        if size == 0:
            raise InputError(f"{upload.filename or 'the recording'} is empty (0 bytes)",
                             "send the recording again")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _transcribe(app: Any, path: Path, language: str | None, filename: str | None
                ) -> tuple[Transcription, float]:
    settings = app.state.settings
    try:
        audio = load_audio(path, max_seconds=settings.audio.max_audio_seconds)
    except InputError as exc:  # name the file as the client sent it, not the temporary one
        raise type(exc)(exc.message.replace(path.name, filename or "the recording"),
                        exc.hint) from exc
    if audio.is_silent:
        return Transcription(words=[], language=language), audio.duration
    engines = app.state.audio
    if engines is not None and engines.transcriber is not None:
        transcriber = engines.transcriber  # what create_app was given (tests)
    else:
        from copilot.ingest.speech import embedded_transcriber

        # Always the embedded Whisper, even when COPILOT_TRANSCRIBER=openai: this endpoint
        # must never forward a recording elsewhere (nor to itself).
        transcriber = embedded_transcriber(settings)
    return transcriber.transcribe(audio.samples, language), audio.duration


def segments_of(words: list[Word]) -> list[list[Word]]:
    """Words grouped into segments: cut after a pause, after a sentence's end, or at 30 s."""
    groups: list[list[Word]] = []
    for word in words:
        current = groups[-1] if groups else None
        if (current is None or word.start - current[-1].end > SEGMENT_GAP
                or current[-1].text.rstrip().endswith((".", "?", "!"))
                or word.end - current[0].start > SEGMENT_MAX):
            groups.append([word])
        else:
            current.append(word)
    return groups


def _answer(result: Transcription, duration: float, fmt: str, granularities: set[str],
            asked: str | None) -> Response:
    text = "".join(w.text for w in result.words).strip()
    if fmt == "text":
        return PlainTextResponse(text)
    if fmt == "json":
        return JSONResponse({"text": text})
    code = result.language or asked
    body: dict[str, Any] = {"task": "transcribe", "language": LANGUAGE_NAMES.get(code or "", code),
                            "duration": round(duration, 3), "text": text}
    if "segment" in granularities:
        body["segments"] = [
            {"id": i, "start": group[0].start, "end": group[-1].end,
             "text": "".join(w.text for w in group)}
            for i, group in enumerate(segments_of(result.words))]
    if "word" in granularities:
        body["words"] = [{"word": w.text.strip(), "start": w.start, "end": w.end,
                          "probability": round(w.probability, 4)} for w in result.words]
    return JSONResponse(body)
