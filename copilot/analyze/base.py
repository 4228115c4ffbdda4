"""The extraction engine interface, and a fake that tests of the surrounding code share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from copilot.models import Extraction, Transcript


@dataclass(frozen=True)
class MeetingContext:
    """What an engine needs besides the words: who is who, and the date that dates resolve to."""

    date: dt.date
    manager: str
    report: str


class Extractor(Protocol):
    name: str

    def extract(self, transcript: Transcript, ctx: MeetingContext) -> Extraction:
        """Facts, feedback, next steps and the manager's questions, each citing utterance ids."""
        ...


@dataclass
class FakeExtractor:
    """Returns queued extractions in order (then empty ones) and records what it was given."""

    name: str = "fake"
    queue: list[Extraction] = field(default_factory=list)
    history: list[tuple[Transcript, MeetingContext]] = field(default_factory=list)

    def enqueue(self, extraction: Extraction) -> FakeExtractor:
        self.queue.append(extraction)
        return self

    def extract(self, transcript: Transcript, ctx: MeetingContext) -> Extraction:
        self.history.append((transcript, ctx))
        return self.queue.pop(0) if self.queue else Extraction()
