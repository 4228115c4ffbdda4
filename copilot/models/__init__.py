"""The one schema: core, CLI JSON, API bodies and the eval harness all use these models.

One module per subject; import from `copilot.models` (this file only hands the names on).
"""

from __future__ import annotations

from copilot.models.analysis import (
    Analysis,
    EngineRun,
    Extraction,
    Fact,
    FeedbackItem,
    Interruption,
    Monologue,
    NextStep,
    Privacy,
    Question,
    QuestionCounts,
    SpeakerTalk,
    Talk,
    Usage,
    Warning,
)
from copilot.models.audio import Job, JobError, VoiceprintInfo
from copilot.models.coaching import (
    CoachingReport,
    CoachingWarning,
    FollowThrough,
    MeetingCoaching,
    MeetingRef,
    ReportCadence,
    Trend,
)
from copilot.models.memory import (
    Agenda,
    AgendaItem,
    Cadence,
    CareerReview,
    Commitment,
    CommitmentEvent,
    LegalDeadline,
    MeetingSummary,
    PersonExport,
    PersonRecord,
    PersonUpdate,
    SearchHit,
    SearchResults,
    Topic,
    TopicIn,
)
from copilot.models.transcript import Transcript, Utterance
from copilot.models.vocabulary import (
    AgendaKind,
    CommitmentEventKind,
    CommitmentStatus,
    Engine,
    JobStage,
    Language,
    LanguageChoice,
    Role,
    WarningCode,
)

__all__ = [
    "Agenda", "AgendaItem", "AgendaKind", "Analysis", "Cadence", "CareerReview", "CoachingReport",
    "CoachingWarning", "Commitment", "CommitmentEvent", "CommitmentEventKind", "CommitmentStatus",
    "Engine", "EngineRun", "Extraction", "Fact", "FeedbackItem", "FollowThrough", "Interruption",
    "Job", "JobError", "JobStage", "Language", "LanguageChoice", "LegalDeadline",
    "MeetingCoaching", "MeetingRef",
    "MeetingSummary", "Monologue", "NextStep", "PersonExport", "PersonRecord", "PersonUpdate",
    "Privacy", "Question", "QuestionCounts", "ReportCadence", "Role", "SearchHit", "SearchResults",
    "SpeakerTalk", "Talk", "Topic", "TopicIn", "Transcript", "Trend", "Usage", "Utterance",
    "VoiceprintInfo", "Warning", "WarningCode",
]
