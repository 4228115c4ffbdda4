"""What every input format is turned into: utterances and their language."""

from __future__ import annotations

from pydantic import BaseModel, Field

from copilot.models.vocabulary import Language, Role


class Utterance(BaseModel):
    """One speaker turn (or, for notes without speakers, one line or sentence)."""

    id: int
    speaker: str | None = None
    role: Role | None = None
    start: float | None = Field(default=None, description="Seconds from the start.")
    end: float | None = None
    text: str


class DoubtfulSpan(BaseModel):
    """Seconds of a recording whose transcription looked invented and was left out."""

    model_config = {"frozen": True}

    start: float
    end: float
    reason: str = Field(description="repetition, compression, no_speech or word_rate.")


class Transcript(BaseModel):
    """What every input format (text, VTT, SRT, JSON, notes, audio) is turned into."""

    utterances: list[Utterance]
    language: Language
    has_speakers: bool = True
    source_format: str = "text"
    language_detected: bool = Field(
        default=True, description="False when the language was forced with --lang."
    )
    # The recording's length, so silence before/after speech is counted.
    duration: float | None = Field(default=None, description="Seconds (audio only).")
    doubtful: list[DoubtfulSpan] = Field(
        default_factory=list, description="Audio only: stretches whose text was dropped as "
        "likely invented by the recogniser (each becomes a transcription_doubtful warning).")

    @property
    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for u in self.utterances:
            if u.speaker is not None:
                seen.setdefault(u.speaker, None)
        return list(seen)
