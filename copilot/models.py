"""The one schema: core, CLI JSON, API bodies and the eval harness all use these models."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["manager", "report"]
Language = Literal["fr", "en"]


class WarningCode(StrEnum):
    """Every warning code the copilot emits; code compares and serialises as its string."""

    # one meeting: who spoke, what was asked, what was said
    NO_SPEAKERS = "no_speakers"
    NO_SPEECH = "no_speech"
    ROLES_UNKNOWN = "roles_unknown"
    VOICEPRINT_NO_MATCH = "voiceprint_no_match"
    MANAGER_DOMINATED_TALK = "manager_dominated_talk"
    FEW_OPEN_QUESTIONS = "few_open_questions"
    LEADING_QUESTIONS = "leading_questions"
    STATUS_REVIEW_ONLY = "status_review_only"
    REPORT_NOT_FIRST = "report_not_first"
    PERSONAL_FEEDBACK = "personal_feedback"
    CRITICISM_WITHOUT_FACTS = "criticism_without_facts"
    CRITICISM_BEFORE_PRAISE = "criticism_before_praise"
    FEEDBACK_BALANCE = "feedback_balance"
    NO_NEXT_STEPS = "no_next_steps"
    UNCLEAR_NEXT_STEPS = "unclear_next_steps"
    COMMITMENTS_NOT_REVISITED = "commitments_not_revisited"
    # the engines
    LLM_FALLBACK = "llm_fallback"
    UNGROUNDED_ITEMS_DROPPED = "ungrounded_items_dropped"
    # across meetings (the coaching report)
    LOW_LISTENING_RATIO = "low_listening_ratio"
    LISTENING_RATIO_WORSE = "listening_ratio_worse"
    OPEN_SHARE_WORSE = "open_share_worse"
    PERSON_FEEDBACK_WORSE = "person_feedback_worse"
    LONGEST_MONOLOGUE_WORDS_WORSE = "longest_monologue_words_worse"
    PERSONAL_FEEDBACK_REPEATED = "personal_feedback_repeated"
    MANAGER_COMMITMENTS_SLIPPING = "manager_commitments_slipping"
    IRREGULAR_CADENCE = "irregular_cadence"
    ONE_ON_ONE_OVERDUE = "one_on_one_overdue"
    RECURRING_WARNING = "recurring_warning"


class Utterance(BaseModel):
    """One speaker turn (or, for notes without speakers, one line or sentence)."""

    id: int
    speaker: str | None = None
    role: Role | None = None
    start: float | None = Field(default=None, description="Seconds from the start.")
    end: float | None = None
    text: str


class Transcript(BaseModel):
    """What every input format (text, VTT, SRT, JSON, notes, audio) is turned into."""

    utterances: list[Utterance]
    language: Language
    has_speakers: bool = True
    source_format: str = "text"
    language_detected: bool = Field(
        default=True, description="False when the language was forced with --lang."
    )
    # audio (issue 3): the recording's length, so silence before/after speech is counted.
    duration: float | None = Field(default=None, description="Seconds (audio only).")

    @property
    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for u in self.utterances:
            if u.speaker is not None:
                seen.setdefault(u.speaker, None)
        return list(seen)


class SpeakerTalk(BaseModel):
    speaker: str
    role: Role | None = None
    seconds: float | None = None
    words: int
    share: float
    turns: int = 0
    # audio (issue 3): timing metrics, None when the transcript carries no times.
    words_per_minute: float | None = None
    patience: float | None = Field(
        default=None, description="Mean silence (s) before this speaker takes the floor "
        "after another one stops; 0 when cutting in.")
    overlaps: int = Field(default=0, description="Times this speaker started before the "
                          "other had finished.")
    interruptions: int = Field(default=0, description="Overlaps or cut-ins that took the "
                               "floor (not a short 'mm', 'oui').")


class Interruption(BaseModel):
    """One speaker cutting in on another: evidence = [interrupted, interrupting] utterance."""

    speaker: str
    role: Role | None = None
    interrupted: str
    at: float = Field(description="Seconds from the start.")
    overlap: float = Field(default=0.0, description="Seconds both spoke at once (0: cut in "
                           "at a pause inside an unfinished sentence).")
    evidence: list[int]


class QuestionCounts(BaseModel):
    open: int = 0
    closed: int = 0
    # coaching: closed questions that suggest their answer; counted apart from `closed`.
    leading: int = 0


class Monologue(BaseModel):
    speaker: str
    role: Role | None = None
    words: int
    seconds: float | None = None
    evidence: list[int]


class Talk(BaseModel):
    basis: Literal["time", "words"]
    manager_share: float | None = Field(
        default=None, description="Null when no speaker could be matched to the manager."
    )
    report_share: float | None = None
    speakers: list[SpeakerTalk]
    questions: QuestionCounts
    turns: int
    longest_monologue: Monologue | None = None
    # audio (issue 3): timing metrics (basis time), and how speakers were given their roles.
    duration: float | None = Field(default=None, description="Seconds the timeline covers.")
    silence_share: float | None = Field(default=None, description="Share of the duration "
                                        "nobody speaks.")
    manager_patience: float | None = Field(
        default=None, description="Mean silence (s) before the manager speaks after the "
        "report stops (gaps over 5 s, a walk in silence, are not replies).")
    interruptions: list[Interruption] = Field(default_factory=list)
    roles_source: Literal["labels", "voiceprint", "names", "manual"] | None = Field(
        default=None, description="labels: speaker labels are the names; voiceprint: the "
        "manager's enrolled voice; names: what was said (e.g. the report addressed by name); "
        "manual: set with assign-roles.")
    roles_evidence: list[int] = Field(
        default_factory=list, description="Utterances the roles were inferred from (names).")


class Question(BaseModel):
    text: str
    # "leading": a closed question that suggests its answer ("Don't you think...?").
    kind: Literal["open", "closed", "leading"]
    evidence: list[int]


class Fact(BaseModel):
    text: str
    evidence: list[int]


class FeedbackItem(BaseModel):
    text: str
    polarity: Literal["positive", "negative"]
    target: Literal["behavior", "person"]
    evidence: list[int]
    suggestion: str | None = None
    given_by: str | None = Field(default=None, description="Speaker who gave the feedback.")


class NextStep(BaseModel):
    owner: str | None = Field(description="Person who committed; null only in notes that name nobody.")
    owner_role: Role | Literal["both"] | None = None
    action: str
    due: dt.date | None = None
    due_text: str | None = Field(default=None, description="The words the due date came from.")
    evidence: list[int]


class Warning(BaseModel):
    code: str
    message: str
    evidence: list[int] = Field(default_factory=list)
    suggestion: str | None = None
    evidence_meeting: str | None = Field(
        default=None, description="When set, `evidence` ids are utterances of this earlier "
        "meeting (e.g. a commitment that was not revisited), not of this one.")


# llm (issue 6): where the words went, what the engine cost, what it dropped.
class Privacy(BaseModel):
    """Whether any of the meeting left this machine, and where to."""

    remote_call: bool = Field(
        default=False, description="True when transcript text was sent to a host other than "
        "this machine (loopback endpoints do not count).")
    endpoint_host: str | None = Field(default=None, description="Host of the LLM endpoint used.")
    redacted: bool = Field(
        default=False, description="Names, e-mails and phone numbers were replaced before the "
        "call and restored after.")


class Usage(BaseModel):
    """What the LLM calls of one analysis cost."""

    calls: int = 0
    retries: int = Field(default=0, description="Calls repeated after invalid output.")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    chunks: int = Field(default=1, description="Parts a long meeting was split into.")


class EngineRun(BaseModel):
    """How an extraction was made; the pipeline copies it onto the Analysis."""

    engine: str
    model: str | None = None
    prompt_version: str | None = None
    privacy: Privacy = Field(default_factory=Privacy)
    usage: Usage | None = None
    dropped: dict[str, int] = Field(default_factory=dict)


class Extraction(BaseModel):
    """What an extraction engine returns; the pipeline adds metrics and critique."""

    facts: list[Fact] = Field(default_factory=list)
    feedback: list[FeedbackItem] = Field(default_factory=list)
    next_steps: list[NextStep] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    # llm: an engine may write the summary itself and say how it ran (None: the pipeline
    # writes an extractive summary and records the engine's name).
    summary: str | None = None
    summary_evidence: list[int] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)
    run: EngineRun | None = None


class Analysis(BaseModel):
    id: str
    date: dt.date
    language: Language
    manager: str
    report: str
    source: str | None = Field(default=None, description="File name or 'api'.")
    source_format: str = "text"
    engine: str = "rules"
    utterances: list[Utterance]
    talk: Talk | None = Field(default=None, description="Null for notes without speakers.")
    questions: list[Question] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    feedback: list[FeedbackItem] = Field(default_factory=list)
    next_steps: list[NextStep] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)
    # llm (issue 6): summary, provenance, grounding and privacy.
    summary: str | None = Field(
        default=None, description="Abstractive (llm, hybrid) or extractive (rules) summary.")
    summary_evidence: list[int] = Field(
        default_factory=list, description="Utterances an extractive summary quotes.")
    model: str | None = Field(default=None, description="LLM model, when an LLM was used.")
    prompt_version: str | None = Field(default=None, description="e.g. extract/v1.fr")
    privacy: Privacy = Field(default_factory=Privacy)
    usage: Usage | None = Field(default=None, description="LLM calls, tokens and time.")
    dropped: dict[str, int] = Field(
        default_factory=dict, description="Items the LLM proposed that their cited utterances "
        "do not support, dropped; counted by kind.reason (e.g. next_steps.owner).")


# coaching (issue 5): the coaching report of one manager, per meeting and as trends.
class MeetingRef(BaseModel):
    """Where a trend's evidence is: a meeting, and the utterances in it."""

    meeting_id: str
    date: dt.date
    report: str
    utterances: list[int] = Field(default_factory=list)
    quote: str | None = None


class MeetingCoaching(BaseModel):
    """One meeting's coaching figures and its warnings (each citing utterance ids)."""

    meeting_id: str
    date: dt.date
    report: str
    language: Language
    basis: Literal["time", "words"] | None = None
    listening_ratio: float | None = Field(default=None, description="The report's share of talk.")
    manager_share: float | None = None
    longest_monologue_words: int | None = None
    longest_monologue_seconds: float | None = None
    longest_monologue_role: Role | None = None
    questions: QuestionCounts = Field(default_factory=QuestionCounts)
    open_share: float | None = Field(default=None, description="Open / all manager questions.")
    praise: int = 0
    criticism: int = 0
    person_feedback: int = Field(default=0, description="Manager feedback about the person.")
    next_steps: int = 0
    next_steps_clear: int = Field(default=0, description="Next steps with an owner and a date.")
    warnings: list[Warning] = Field(default_factory=list)


class FollowThrough(BaseModel):
    """Commitments of one side: kept, dropped, still open, overdue."""

    owner_role: Literal["manager", "report", "both"]
    commitments: int = 0
    done: int = 0
    dropped: int = 0
    open: int = 0
    overdue: int = 0
    rate: float | None = Field(default=None, description="done / (done + dropped + overdue); "
                               "None while nothing is due.")
    evidence: list[MeetingRef] = Field(default_factory=list,
                                       description="Where the dropped and overdue ones were made.")


class ReportCadence(BaseModel):
    report: str
    cadence: Cadence
    longest_gap_days: int | None = None


class Trend(BaseModel):
    """A metric's mean over the first and the last third of the meetings."""

    metric: str
    meetings: int
    first: float | None = None
    last: float | None = None
    direction: Literal["better", "worse", "stable"] | None = None


class CoachingWarning(BaseModel):
    code: str
    message: str
    evidence: list[MeetingRef] = Field(default_factory=list)
    suggestion: str | None = None


class CoachingReport(BaseModel):
    manager: str
    since: dt.date | None = None
    as_of: dt.date
    reports: list[str]
    meetings: list[MeetingCoaching] = Field(description="Oldest first.")
    averages: dict[str, float | None] = Field(default_factory=dict)
    trends: list[Trend] = Field(default_factory=list)
    follow_through: list[FollowThrough] = Field(default_factory=list)
    cadence: list[ReportCadence] = Field(default_factory=list)
    warnings: list[CoachingWarning] = Field(default_factory=list)


# audio (issue 3): a recording analysed in the background (POST /v1/meetings answers 202).
class JobError(BaseModel):
    code: str
    message: str
    hint: str | None = None


class Job(BaseModel):
    job_id: str
    stage: Literal["queued", "decoding", "transcribing", "diarizing", "analysing", "done",
                   "failed"]
    percent: float = Field(description="0-100 over all stages.")
    error: JobError | None = Field(default=None, description="Why it failed (stage failed).")
    meeting_id: str | None = Field(default=None, description="The stored analysis, when done.")
    filename: str | None = None
    attempts: int = Field(default=0, description="Starts; above 1 after a server restart.")
    created_at: dt.datetime
    updated_at: dt.datetime


class MeetingSummary(BaseModel):
    id: str
    date: dt.date
    manager: str
    report: str
    language: Language
    source: str | None = None
    next_steps: int = 0
    warnings: int = 0


AgendaKind = Literal[
    "overdue_one_on_one", "legal_deadline", "submitted_topic", "open_commitment",
    "deferred_topic", "recurring_blocker", "not_covered", "suggested_question",
]


class CommitmentEvent(BaseModel):
    """Something that happened to a commitment after it was made: why it is closed, or news."""

    kind: Literal["done", "dropped", "reopened", "blocked", "postponed", "renewed"]
    source: Literal["auto", "manual"] = "auto"
    meeting_id: str | None = Field(default=None, description="The meeting that reported it.")
    meeting_date: dt.date | None = None
    evidence: list[int] = Field(default_factory=list, description="Utterance ids in meeting_id.")
    score: float | None = Field(default=None, description="Match score (auto events).")
    reason: str | None = Field(default=None, description="Why: owner, meaning and words matched.")
    due: dt.date | None = Field(default=None, description="New due date (renewed/postponed).")
    at: dt.datetime | None = None


class AgendaItem(BaseModel):
    kind: AgendaKind
    text: str
    owner: str | None = None
    owner_role: Role | Literal["both"] | None = None
    due: dt.date | None = None
    overdue: bool = False
    from_meeting: str | None = None
    from_date: dt.date | None = None
    evidence: list[int] = Field(default_factory=list)
    # memory (issue 4): what the item is, why it is on the agenda, and its history.
    id: int | None = Field(default=None, description="Commitment, topic or signal id.")
    manager_promise: bool = Field(default=False, description="The manager's own promise.")
    detail: str | None = Field(default=None, description="Why this item is on the agenda.")
    updates: list[CommitmentEvent] = Field(
        default_factory=list, description="Later news about a commitment (blocked, postponed)."
    )
    related: list[str] = Field(default_factory=list, description="Other meetings it came up in.")


class Cadence(BaseModel):
    """How regular the 1:1s with one report are."""

    meetings: int
    last_meeting: dt.date | None = None
    days_since_last: int | None = None
    average_interval_days: float | None = None
    median_interval_days: float | None = None
    expected_next: dt.date | None = None
    overdue: bool = False


class Agenda(BaseModel):
    report: str
    manager: str | None = None
    date: dt.date
    items: list[AgendaItem]
    cadence: Cadence | None = None
    language: Language | None = Field(default=None, description="Of the latest meeting.")


class Commitment(BaseModel):
    """A next step followed across meetings (the `next_steps` row is its truth)."""

    id: int
    report: str
    manager: str
    owner: str | None = None
    owner_role: Role | Literal["both"] | None = None
    action: str
    due: dt.date | None = None
    due_text: str | None = None
    status: Literal["open", "done", "dropped"]
    meeting_id: str
    meeting_date: dt.date
    evidence: list[int] = Field(default_factory=list)
    events: list[CommitmentEvent] = Field(default_factory=list)
    closed_by: CommitmentEvent | None = Field(
        default=None, description="The event that closed it (done/dropped), with evidence."
    )
    superseded_by: int | None = Field(
        default=None, description="A later commitment that renewed this one."
    )


class CareerReview(BaseModel):
    """An 'entretien de parcours professionnel' that took place."""

    date: dt.date
    kind: Literal["parcours", "recap", "mid_career", "pre_retirement"] = "parcours"


class PersonRecord(BaseModel):
    name: str
    role: str | None = Field(default=None, description="Job title.")
    manager: str | None = None
    hire_date: dt.date | None = None
    birth_year: int | None = None
    country: str | None = Field(default=None, description="ISO 3166 alpha-2, e.g. FR.")
    career_reviews: list[CareerReview] = Field(default_factory=list)
    meetings: int = 0
    cadence: Cadence | None = None


class PersonUpdate(BaseModel):
    """Fields to set on a person record; absent fields are left as they are."""

    role: str | None = None
    manager: str | None = None
    hire_date: dt.date | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    career_review: CareerReview | None = Field(default=None, description="Add one review.")


class LegalDeadline(BaseModel):
    kind: Literal["first_year", "periodic", "recap", "mid_career", "pre_retirement"]
    due: dt.date
    window_start: dt.date | None = None
    overdue: bool = False
    text: str
    basis: str = Field(description="What the date is computed from.")


class Topic(BaseModel):
    """A topic the report submitted ahead of a 1:1."""

    id: int
    person: str
    text: str
    submitted_by: str | None = None
    submitted_on: dt.date
    status: Literal["open", "covered", "dropped"] = "open"
    covered_meeting: str | None = None
    covered_evidence: list[int] = Field(default_factory=list)


class TopicIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    submitted_by: str | None = Field(default=None, max_length=200)
    date: dt.date | None = Field(default=None, description="Submitted on (default today).")


class SearchHit(BaseModel):
    meeting_id: str
    date: dt.date
    report: str
    manager: str
    utterance_id: int
    speaker: str | None = None
    role: Role | None = None
    text: str
    score: float
    match: Literal["semantic", "keyword", "both"]


class SearchResults(BaseModel):
    query: str
    person: str | None = None
    since: dt.date | None = None
    hits: list[SearchHit]
    semantic: bool = Field(default=True, description="False when the vector index was unusable.")


class PersonExport(BaseModel):
    """Everything stored about one person (GDPR access / portability)."""

    person: PersonRecord
    exported_at: dt.datetime
    meetings: list[Analysis]
    commitments: list[Commitment]
    topics: list[Topic]


class VoiceprintInfo(BaseModel):
    """A stored voiceprint, without the vector (`copilot voiceprint list`)."""

    person: str
    encoder: str
    seconds: float = Field(description="Seconds of speech it was computed from.")
    updated_at: dt.datetime
