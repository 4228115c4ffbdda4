"""Speech to words on another machine: any OpenAI-compatible `POST /audio/transcriptions`.

A GPU box running `copilot serve` (or speaches, vLLM, whisper.cpp's server, OpenAI itself)
transcribes for every machine that points COPILOT_TRANSCRIBE_URL at it. The audio is the
meeting itself, so a URL off this machine is refused before any connection unless
COPILOT_TRANSCRIBE_ALLOW_REMOTE says so (copilot/loopback.py decides what "off" means).

What is sent: the decoded 16 kHz mono samples as 16-bit PCM WAV, in blocks of at most ten
minutes cut in pauses. The `Transcriber` protocol hands us samples, not the file; WAV needs no
codec on the server, loses nothing Whisper would keep (it works on 16 kHz mono), and ten
minutes of it (19.2 MB) stays under the 25 MB OpenAI accepts and bounds one request's time.
"""

from __future__ import annotations

import io
import logging
import wave
from collections.abc import Callable
from typing import Any

import httpx
import numpy as np

from copilot.errors import (
    EngineError,
    InputError,
    RemoteTranscriberNotAllowed,
    TranscriberDown,
)
from copilot.ingest.audio import SAMPLE_RATE
from copilot.ingest.transcribe import (
    LANG_HINT,
    SUPPORTED_LANGUAGES,
    Transcription,
    Word,
    split_blocks,
)
from copilot.loopback import is_off_machine

log = logging.getLogger(__name__)

OPENAI_URL = "https://api.openai.com/v1"
BLOCK_SECONDS = 600.0
# OpenAI answers `language` as a name ("english"); faster-whisper servers as a code ("en").
LANGUAGE_NAMES = {"english": "en", "french": "fr"}
_URL_HINT = "check COPILOT_TRANSCRIBE_URL (the base URL, ending in /v1)"


def language_code(value: object) -> str | None:
    """'en', 'English' or 'english' -> 'en'; None or '' -> None; any other name as given."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().lower()
    return LANGUAGE_NAMES.get(text, text)


def wav_bytes(samples: np.ndarray, rate: int = SAMPLE_RATE) -> bytes:
    """16-bit PCM mono WAV of float samples in [-1, 1] (clipped)."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def _spoken(text: str) -> str:
    """Our convention (transcribe.Word): a word's text starts with its space."""
    text = text.strip()
    return " " + text if text else ""


def _timed_words(items: list[Any], offset: float) -> list[Word]:
    words = []
    for item in items:
        try:
            start, end = float(item["start"]), float(item["end"])
            text = _spoken(str(item["word"]))
        except (KeyError, TypeError, ValueError):
            continue  # one malformed entry is not worth the meeting
        if text:
            words.append(Word(round(start + offset, 3), round(max(start, end) + offset, 3),
                              text, float(item.get("probability", 1.0))))
    return words


def spread_segment(start: float, end: float, text: str) -> list[Word]:
    """A segment's words over its span, each as long as its share of the characters: a long
    word takes longer to say than a short one, which is closer than an even split."""
    tokens = text.split()
    total = sum(len(t) for t in tokens)
    words, at = [], start
    span = max(0.0, end - start)
    for token in tokens:
        length = span * len(token) / total
        words.append(Word(round(at, 3), round(at + length, 3), " " + token))
        at += length
    return words


def words_of(body: dict[str, Any], offset: float = 0.0) -> list[Word]:
    """The words of a verbose_json answer, `offset` seconds later: its timed words when it has
    them (top-level, or per segment), else each segment's text spread over the segment."""
    timed = body.get("words")
    if isinstance(timed, list) and timed:
        return _timed_words(timed, offset)
    segments = body.get("segments")
    if not isinstance(segments, list):
        if str(body.get("text", "")).strip():  # text, but no times: nothing to place it with
            raise EngineError("the transcription server answered text without timestamps",
                              "use a server that supports response_format=verbose_json")
        return []
    words: list[Word] = []
    for segment in segments:
        if not isinstance(segment, dict):
            continue
        if isinstance(segment.get("words"), list) and segment["words"]:
            words += _timed_words(segment["words"], offset)
            continue
        try:
            start, end = float(segment["start"]), float(segment["end"])
        except (KeyError, TypeError, ValueError):
            continue
        words += spread_segment(start + offset, end + offset, str(segment.get("text", "")))
    return words


def _server_message(response: httpx.Response) -> str:
    """The server's own words about the failure ({"error": {"message"}} for OpenAI and us)."""
    try:
        error = response.json().get("error")
        text = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        text = response.text
    return " ".join(str(text or "").split())[:200]


def _failure(response: httpx.Response, url: str) -> EngineError:
    status, said = response.status_code, _server_message(response)
    what = f"the transcription server {url} answered {status}" + (f": {said}" if said else "")
    if status == 429 or status >= 500:
        return TranscriberDown(what, "it is busy or failing: retry later, or set "
                               "COPILOT_TRANSCRIBER=whisper to transcribe here")
    hint = {401: "check COPILOT_TRANSCRIBE_API_KEY", 403: "check COPILOT_TRANSCRIBE_API_KEY",
            404: _URL_HINT + " and COPILOT_TRANSCRIBE_MODEL",
            413: "the server takes smaller uploads than 10 minutes of 16 kHz WAV (19 MB)"}
    return EngineError(what, hint.get(status, "check the server's log, or set "
                                      "COPILOT_TRANSCRIBER=whisper to transcribe here"))


class OpenAITranscriber:
    """A `Transcriber` over HTTP. `transport` replaces the network (tests: httpx.MockTransport).

    Raises RemoteTranscriberNotAllowed (a ConfigError) at construction for a URL off this
    machine without `allow_remote`: nothing is ever sent that the operator did not allow.
    """

    def __init__(self, base_url: str | None = None, *, model: str = "whisper-1",
                 api_key: str | None = None, timeout: float = 600.0, allow_remote: bool = False,
                 block_seconds: float = BLOCK_SECONDS,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = (base_url or OPENAI_URL).rstrip("/")
        self.url = self.base_url + "/audio/transcriptions"
        if is_off_machine(self.base_url) and not allow_remote:
            raise RemoteTranscriberNotAllowed(
                f"the transcription server {self.base_url} is not on this machine, and "
                "sending recordings off it is not allowed",
                "set COPILOT_TRANSCRIBE_ALLOW_REMOTE=true to allow it, point "
                "COPILOT_TRANSCRIBE_URL at this machine (http://127.0.0.1:PORT/v1), or set "
                "COPILOT_TRANSCRIBER=whisper")
        self.model, self.api_key, self.timeout = model, api_key, timeout
        self.block_seconds, self.transport = block_seconds, transport

    @classmethod
    def from_settings(cls, settings) -> OpenAITranscriber:
        audio = settings.audio
        key = audio.transcribe_api_key.get_secret_value() if audio.transcribe_api_key else None
        return cls(audio.transcribe_url, model=audio.transcribe_model, api_key=key or None,
                   timeout=audio.transcribe_timeout, allow_remote=audio.transcribe_allow_remote)

    def transcribe(self, audio: np.ndarray, language: str | None,
                   progress: Callable[[float], None] | None = None) -> Transcription:
        """Block by block; with `language` None the server detects it on the first block that
        has speech, and the next blocks are sent with it (one meeting, one language)."""
        chosen, words = language, []
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        with httpx.Client(timeout=self.timeout, transport=self.transport,
                          headers=headers) as client:
            for start, end in split_blocks(audio, self.block_seconds):
                body = self._post(client, audio[start:end], chosen)
                found = words_of(body, start / SAMPLE_RATE)
                if chosen is None and found:
                    chosen = _supported(language_code(body.get("language")))
                words += found
                if progress and len(audio):
                    progress(end / len(audio))
        if progress:
            progress(1.0)
        return Transcription(words=words, language=chosen if words or language else None,
                             detected=language is None)

    def _post(self, client: httpx.Client, samples: np.ndarray, language: str | None
              ) -> dict[str, Any]:
        fields: dict[str, Any] = {"model": self.model, "response_format": "verbose_json",
                                  "timestamp_granularities[]": ["word", "segment"]}
        if language:
            fields["language"] = language
        try:
            response = client.post(self.url, data=fields,
                                   files={"file": ("audio.wav", wav_bytes(samples), "audio/wav")})
        except httpx.TimeoutException as exc:
            raise TranscriberDown(f"the transcription server {self.url} did not answer within "
                                  f"{self.timeout:g} s",
                                  "raise COPILOT_TRANSCRIBE_TIMEOUT, or check the server") from exc
        except httpx.HTTPError as exc:  # refused, reset, DNS: say which, never a traceback
            raise TranscriberDown(f"the transcription server {self.url} cannot be reached "
                                  f"({type(exc).__name__}: {exc})", _URL_HINT) from exc
        if response.status_code != 200:
            raise _failure(response, self.url)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise EngineError(f"the transcription server {self.url} answered something that is "
                              "not JSON", "use a server that supports "
                              "response_format=verbose_json")
        return body


def _supported(code: str | None) -> str:
    """The detected language, refused early (before the other blocks are sent) when it is
    neither French nor English, like the embedded engine does."""
    if code in SUPPORTED_LANGUAGES:
        return code  # type: ignore[return-value]
    raise InputError(f"the recording seems to be in '{code or 'an unknown language'}'; only "
                     "French and English are supported", LANG_HINT)


def check_transcriber(settings) -> None:
    """Raise RemoteTranscriberNotAllowed now when the configured transcription server may not
    be used: the API answers 503 to an upload instead of accepting a job bound to fail."""
    if settings.audio.transcriber == "openai":
        OpenAITranscriber.from_settings(settings)
