"""One meeting's analysis: talk metrics, extracted items, warnings, engine provenance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from copilot.models.transcript import Utterance
from copilot.models.vocabulary import Language, MeetingType, Role, TalkKind, WarningCode


class SpeakerTalk(BaseModel):
    speaker: str
    role: Role | None = None
    seconds: float | None = None
    words: int
    share: float
    turns: int = 0
    # Timing metrics, None when the transcript carries no times.
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
    report_share: float | None = Field(
        default=None, description="The listening ratio: the report's share of talk, computed "
        "by copilot.analyze.talk.listening_ratio; null when no speaker is the report.")
    speakers: list[SpeakerTalk]
    questions: QuestionCounts
    turns: int
    longest_monologue: Monologue | None = None
    # Timing metrics (basis time), and how speakers were given their roles.
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
    suggestion_params: dict[str, str | int | float | None] = Field(
        default_factory=dict, description="What the suggestion was rendered from (the SBI "
        "rewrite's polarity and the facts said), to render it again in another language; "
        "empty for an LLM's own suggestion.")


class NextStep(BaseModel):
    owner: str | None = Field(
        description="Person who committed; null only in notes that name nobody.")
    owner_role: Role | Literal["both"] | None = None
    action: str
    due: dt.date | None = None
    due_text: str | None = Field(default=None, description="The words the due date came from.")
    evidence: list[int]


class Warning(BaseModel):
    code: WarningCode
    message: str
    evidence: list[int] = Field(default_factory=list)
    suggestion: str | None = None
    evidence_meeting: str | None = Field(
        default=None, description="When set, `evidence` ids are utterances of this earlier "
        "meeting (e.g. a commitment that was not revisited), not of this one.")
    params: dict[str, str | int | float | None] = Field(
        default_factory=dict, description="The raw values of the message's placeholders "
        "(names, counts, shares 0-1, ISO dates; `variant` picks the template): `message` and "
        "`suggestion` are rendered from them in the meeting's language and can be rendered "
        "again in another (`?lang=`, `--ui-lang`). Empty for texts stored before.")


class Listening(BaseModel):
    """The manager's active listening: reformulations of what the report said."""

    reflections: int = Field(description="Manager utterances that reformulate or reflect "
                             "the report's words (\u201csi je comprends bien, tu...\u201d).")
    evidence: list[int] = Field(default_factory=list, description="Those utterances.")
    acknowledgements: int = Field(default=0, description="Short acknowledgements "
                                  "(\u201cje vois\u201d, \u201cI see\u201d).")
    acknowledgement_evidence: list[int] = Field(default_factory=list)


class BalanceShare(BaseModel):
    """One kind of talk's share of the meeting (time when timed, else words)."""

    kind: TalkKind
    share: float
    evidence: list[int] = Field(default_factory=list)


def share_of(balance: Sequence[BalanceShare], kind: TalkKind) -> float | None:
    """One kind's share, None when the meeting has no balance (stored before, or no talk)."""
    return next((b.share for b in balance if b.kind == kind), None)


class SectionCoverage(BaseModel):
    """Whether a section of the meeting type's template was talked about, and where."""

    section: str
    covered: bool
    evidence: list[int] = Field(default_factory=list)
    title: str | None = Field(default=None, description="The section's title in the "
                              "meeting's language.")


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
    meeting_type: MeetingType = MeetingType.ONE_ON_ONE
    utterances: list[Utterance]
    talk: Talk | None = Field(default=None, description="Null for notes without speakers.")
    questions: list[Question] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    feedback: list[FeedbackItem] = Field(default_factory=list)
    next_steps: list[NextStep] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)
    listening: Listening | None = Field(
        default=None, description="Null when speakers or roles are unknown.")
    balance: list[BalanceShare] = Field(
        default_factory=list, description="Every kind of talk, in TalkKind order.")
    coverage: list[SectionCoverage] = Field(
        default_factory=list, description="The meeting type's template sections; empty for a "
        "one_on_one without template.")
    # Summary, provenance, grounding and privacy.
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
