"""The one error tree of the copilot.

    CopilotError                 base; `message` says what is wrong, `hint` what to do
    ├── InputError               the user's input is unusable (missing/empty/corrupt file, bad date,
    │   │                        unknown option value) -> CLI exit 2, HTTP 400
    │   ├── InvalidName          a name empty once trimmed, or with invisible characters -> 422
    │   ├── InvalidEdit          an edit whose fields do not fit the item -> 422
    │   ├── UnsupportedFormat    a file type we cannot read -> HTTP 415
    │   ├── NoSpeech             a recording in which nothing was said: not saved -> HTTP 422
    │   ├── WrongMeetingType     what the meeting's type does not have (the written record of
    │   │                        a meeting that is not a career review) -> HTTP 409
    │   └── TooLarge             an upload over the configured size -> HTTP 413
    ├── NotFoundError            a meeting/person that does not exist -> HTTP 404
    ├── ConfigError              settings that cannot work (bad path, missing model, missing
    │   │                        API key) -> HTTP 503: the server's fault, not the request's
    │   └── RemoteNotAllowed     an LLM endpoint off this machine without the opt-in -> 503
    │       └── RemoteTranscriberNotAllowed   the same for COPILOT_TRANSCRIBE_URL
    ├── NotEnabled               a choice this server does not allow its requests -> HTTP 403
    │   └── EngineNotEnabled     an `engine` beyond COPILOT_ENGINE and COPILOT_REQUEST_ENGINES
    ├── EngineError              an engine (NLP model, transcriber, LLM) failed -> HTTP 502
    │   └── TranscriberDown      the transcription server did not answer, or answered 5xx/429
    └── StoreError               the database could not be read or written -> HTTP 503

The CLI prints `error: <message> <hint>` on one line and never a traceback for these; the API
maps each class to its status in one handler (api/errors.py).
"""

from __future__ import annotations


class CopilotError(Exception):
    """Base class. `message` says what is wrong, `hint` what the user can do about it."""

    status_code = 500
    code = "copilot_error"

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        text = self.message.rstrip(".") + "."
        if self.hint:
            text += " " + self.hint.rstrip(".") + "."
        return " ".join(text.split())

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "hint": self.hint}


class InputError(CopilotError):
    status_code = 400
    code = "bad_input"


class InvalidName(InputError):
    status_code = 422
    code = "invalid_name"


class InvalidEdit(InputError):
    """An edit whose fields do not fit the item (a fact given an owner, an empty text)."""

    status_code = 422
    code = "invalid_edit"


class UnsupportedFormat(InputError):
    status_code = 415
    code = "unsupported_format"


class NoSpeech(InputError):
    status_code = 422
    code = "no_speech"


class WrongMeetingType(InputError):
    """The meeting exists but its type has no such thing (a record of a one-to-one)."""

    status_code = 409
    code = "wrong_meeting_type"


class TooLarge(InputError):
    status_code = 413
    code = "too_large"


class NotFoundError(CopilotError):
    status_code = 404
    code = "not_found"


class ConfigError(CopilotError):
    # 503, not 500: nothing is wrong with the request and nothing crashed; the server is
    # unusable until its operator fixes a setting (the message and hint say which).
    status_code = 503
    code = "config_error"


class RemoteNotAllowed(ConfigError):
    code = "remote_llm_not_allowed"


class RemoteTranscriberNotAllowed(RemoteNotAllowed):
    code = "remote_transcriber_not_allowed"


class NotEnabled(CopilotError):
    status_code = 403
    code = "not_enabled"


class EngineNotEnabled(NotEnabled):
    code = "engine_not_enabled"


class EngineError(CopilotError):
    status_code = 502
    code = "engine_error"


class TranscriberDown(EngineError):
    """The transcription server was unreachable, timed out, or answered 429/5xx: transient,
    unlike a 4xx it gave for this audio (a job is tried again, copilot/jobs.py)."""

    code = "transcriber_unavailable"


class StoreError(CopilotError):
    status_code = 503
    code = "store_error"


class VectorStoreDown(StoreError):
    """The vector server did not answer (refused, timed out): transient, unlike a write it
    refused. A meeting saved meanwhile keeps its rows and is indexed later."""

    code = "vector_store_down"


class AuthError(CopilotError):
    """No valid credentials: no token, an unknown, expired or revoked one, a bad password."""

    status_code = 401
    code = "unauthenticated"


class Forbidden(CopilotError):
    """The caller may see the object but not do this to it (an object they may not see at all
    is a NotFoundError: its existence must not leak)."""

    status_code = 403
    code = "forbidden"


class RateLimited(CopilotError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, hint: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message, hint)
        self.retry_after = retry_after
