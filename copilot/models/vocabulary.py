"""The copilot's vocabulary, spelt once: every code, stage, engine, language and status.

Each is a StrEnum: a member compares equal to its string and serialises as it, so the JSON and
the stored rows are the same as with plain strings, and a misspelt member fails at import.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

Role = Literal["manager", "report"]


class Language(StrEnum):
    """The languages the analysis speaks."""

    FR = "fr"
    EN = "en"


class LanguageChoice(StrEnum):
    """The language asked for a meeting: one of the languages, or `auto` (detected)."""

    AUTO = "auto"
    FR = "fr"
    EN = "en"


class Engine(StrEnum):
    """The extraction engines a user can choose (`--engine`, `COPILOT_ENGINE`)."""

    RULES = "rules"
    LLM = "llm"
    HYBRID = "hybrid"


class WarningCode(StrEnum):
    """Every warning code the copilot emits; code compares and serialises as its string."""

    # one meeting: who spoke, what was asked, what was said
    NO_SPEAKERS = "no_speakers"
    NO_SPEECH = "no_speech"
    TRANSCRIPTION_DOUBTFUL = "transcription_doubtful"
    ROLES_UNKNOWN = "roles_unknown"
    NOT_ONE_ON_ONE = "not_one_on_one"
    SINGLE_SPEAKER = "single_speaker"
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
    # across meetings (the coaching report); `<metric>_worse` for each trend metric
    LOW_LISTENING_RATIO = "low_listening_ratio"
    LISTENING_RATIO_WORSE = "listening_ratio_worse"
    OPEN_SHARE_WORSE = "open_share_worse"
    PERSON_FEEDBACK_WORSE = "person_feedback_worse"
    LONGEST_MONOLOGUE_WORDS_WORSE = "longest_monologue_words_worse"
    REFLECTIONS_WORSE = "reflections_worse"
    DEVELOPMENT_SHARE_WORSE = "development_share_worse"
    FAILURE_SHARE_WORSE = "failure_share_worse"
    PERSONAL_FEEDBACK_REPEATED = "personal_feedback_repeated"
    MANAGER_COMMITMENTS_SLIPPING = "manager_commitments_slipping"
    IRREGULAR_CADENCE = "irregular_cadence"
    ONE_ON_ONE_OVERDUE = "one_on_one_overdue"
    RECURRING_WARNING = "recurring_warning"
    # the seeds' coaching: listening, balance, the meeting types' content
    NO_REFORMULATION = "no_reformulation"
    MOSTLY_FAILURES = "mostly_failures"
    NO_DEVELOPMENT_TALK = "no_development_talk"
    EVALUATION_IN_CAREER_REVIEW = "evaluation_in_career_review"
    CAREER_TOPICS_MISSING = "career_topics_missing"


class MeetingType(StrEnum):
    """The kinds of individual meeting, each with its purpose and rules (`--type`)."""

    ONE_ON_ONE = "one_on_one"
    ANNUAL_REVIEW = "annual_review"  # entretien annuel d'évaluation
    CAREER_REVIEW = "career_review"  # entretien (de parcours) professionnel: never an evaluation


class TalkKind(StrEnum):
    """What a stretch of a 1:1 is about (the balance of the conversation), in report order."""

    OPERATIONS = "operations"  # status, tasks, planning
    PROBLEMS = "problems"  # problems and failures
    SUCCESSES = "successes"  # successes and recognition
    DEVELOPMENT = "development"  # skills, training, career
    WELLBEING = "wellbeing"  # how the person is, personal life


class JobStage(StrEnum):
    """Where a background analysis of a recording is, in the order the stages run."""

    QUEUED = "queued"
    DECODING = "decoding"
    TRANSCRIBING = "transcribing"
    DIARIZING = "diarizing"
    ANALYSING = "analysing"
    DONE = "done"
    FAILED = "failed"


class CommitmentStatus(StrEnum):
    """A commitment is open until an event closes it (done or dropped)."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class CommitmentEventKind(StrEnum):
    """What happened to a commitment after it was made: done/dropped close it, the rest is news."""

    DONE = "done"
    DROPPED = "dropped"
    REOPENED = "reopened"
    BLOCKED = "blocked"
    POSTPONED = "postponed"
    RENEWED = "renewed"


class AgendaKind(StrEnum):
    """Why an item is on the next 1:1's agenda."""

    OVERDUE_ONE_ON_ONE = "overdue_one_on_one"
    LEGAL_DEADLINE = "legal_deadline"
    SUBMITTED_TOPIC = "submitted_topic"
    OPEN_COMMITMENT = "open_commitment"
    DEFERRED_TOPIC = "deferred_topic"
    RECURRING_BLOCKER = "recurring_blocker"
    NOT_COVERED = "not_covered"
    DEVELOPMENT_TALK = "development_talk"  # weeks of 1:1s without development talk
    SUGGESTED_QUESTION = "suggested_question"
    TEMPLATE_SECTION = "template_section"  # a section of the meeting type's template (`--type`)


class AccountRole(StrEnum):
    """What an account may do besides its relationships (docs: README "Accounts and roles").

    The role grants organisation-wide duties only; which 1:1s a user reads comes from the
    relationships (the manager who led a meeting, the report it was shared with)."""

    ADMIN = "admin"  # users, tokens, retention, the audit log; no transcript by virtue of it
    HR = "hr"  # de-identified coaching figures and the legal calendar; never transcripts
    MANAGER = "manager"  # records 1:1s with their people
    REPORT = "report"  # reads what their manager shared, submits topics


class TokenScope(StrEnum):
    """What an API token may do: `read` answers safe methods only."""

    READ = "read"
    WRITE = "write"


class AuditAction(StrEnum):
    """The verbs of the audit log."""

    READ = "read"
    CHANGE = "change"
    CREATE = "create"
    EXPORT = "export"
    SHARE = "share"
    ERASE = "erase"
    DELETE = "delete"
    LOGIN = "login"
    RETENTION = "retention"
