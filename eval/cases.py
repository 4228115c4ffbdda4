"""Load and validate the labelled 1:1 cases in eval/data/cases/*.toml.

Validation is strict on purpose: a label that points at the wrong line silently turns a correct
prediction into a miss, so every evidence id, owner, date and warning is checked on load.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from copilot.models import Language, WarningCode
from copilot.text import count_words, name_key
from eval.defaults import gold_thresholds

CASES_DIR = Path(__file__).parent / "data" / "cases"
# The warnings the cases label and the eval scores (the others are coaching, not gold labels).
WARNING_CODES = (
    WarningCode.MANAGER_DOMINATED_TALK,
    WarningCode.PERSONAL_FEEDBACK,
    WarningCode.NO_NEXT_STEPS,
    WarningCode.FEW_OPEN_QUESTIONS,
    WarningCode.NO_SPEAKERS,
)
# A turn is "Name: text". Our own files only, so a simple pattern is enough; every non-empty
# line of a "text" case must be a turn, otherwise the 1-based ids would be ambiguous.
TURN = re.compile(r"^(?P<name>[^\W\d_][\w.'’ \-]{0,40}?)\s*:\s*(?P<text>\S.*)$")
# The notes parser splits lines longer than this into sentences, which would shift the ids.
NOTES_MAX_LINE = 200


class CaseError(Exception):
    """A case file that does not load or validate; the message names the file."""


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")

    evidence: list[int] = Field(min_length=1)
    text: str | None = Field(default=None, description="Optional gloss, for humans only.")


class GoldNextStep(_Gold):
    owner: str | None = Field(default=None, description="Omitted only in notes naming nobody.")
    action: str
    due: dt.date | None = None
    # A phrase relative to the next 1:1 ("before our next one-on-one") has no date without a
    # cadence, so due_text may stand alone; a date always says which words it comes from.
    due_text: str | None = Field(default=None, description="The words the date comes from.")


class GoldFeedback(_Gold):
    polarity: Literal["positive", "negative"]
    target: Literal["behavior", "person"]
    given_by: str | None = Field(default=None, description="Default: the manager (text cases).")


class GoldQuestion(_Gold):
    kind: Literal["open", "closed"]


class GoldFact(_Gold):
    pass


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    language: Language
    manager: str
    report: str
    date: dt.date
    format: Literal["text", "notes"]
    split: Literal["dev", "heldout"]
    transcript: str
    warnings: list[WarningCode] = Field(default_factory=list)
    next_steps: list[GoldNextStep] = Field(default_factory=list)
    feedback: list[GoldFeedback] = Field(default_factory=list)
    questions: list[GoldQuestion] = Field(default_factory=list)
    facts: list[GoldFact] = Field(default_factory=list)

    @property
    def utterances(self) -> list[tuple[str | None, str]]:
        """(speaker, text) per utterance; index + 1 is the utterance id labels refer to."""
        return split_utterances(self.transcript, self.format)

    def speaker_of(self, uid: int) -> str | None:
        return self.utterances[uid - 1][0]

    @model_validator(mode="after")
    def _check(self) -> Case:
        people = {name_key(self.manager): self.manager, name_key(self.report): self.report}
        if len(people) != 2:
            raise ValueError("manager and report must be two different people")
        utts = self.utterances  # raises on malformed lines
        self._check_utterances(utts, people)
        self._check_evidence(len(utts))
        self._check_steps(utts, people)
        for i, fb in enumerate(self.feedback, start=1):
            if fb.given_by is not None and name_key(fb.given_by) not in people:
                raise ValueError(f"feedback[{i}]: given_by {fb.given_by!r} is not in this 1:1")
        if self.format == "notes" and self.questions:
            raise ValueError("notes have no speakers, so no manager questions to label")
        for i, q in enumerate(self.questions, start=1):
            for e in q.evidence:
                if name_key(self.speaker_of(e) or "") != name_key(self.manager):
                    raise ValueError(f"questions[{i}]: turn {e} is not the manager's")
        if len(set(self.warnings)) != len(self.warnings):
            raise ValueError("duplicate warning codes")
        unscored = [w for w in self.warnings if w not in WARNING_CODES]
        if unscored:
            raise ValueError(f"warnings {unscored} are not labelled in cases: {WARNING_CODES}")
        return self

    def _check_utterances(self, utts: list[tuple[str | None, str]],
                          people: dict[str, str]) -> None:
        for u_speaker, u_text in utts:
            if self.format == "text" and name_key(u_speaker or "") not in people:
                raise ValueError(
                    f"speaker {u_speaker!r} is neither {self.manager} nor {self.report}"
                )
            if self.format == "notes" and len(u_text) > NOTES_MAX_LINE:
                raise ValueError(f"notes line longer than {NOTES_MAX_LINE} chars: {u_text[:40]!r}")

    def _check_evidence(self, n: int) -> None:
        groups = {
            "next_steps": self.next_steps,
            "feedback": self.feedback,
            "questions": self.questions,
            "facts": self.facts,
        }
        for kind, items in groups.items():
            for i, item in enumerate(items, start=1):
                bad = [e for e in item.evidence if not 1 <= e <= n]
                if bad:
                    raise ValueError(f"{kind}[{i}]: evidence {bad} outside 1..{n}")

    def _check_steps(self, utts: list[tuple[str | None, str]], people: dict[str, str]) -> None:
        for i, step in enumerate(self.next_steps, start=1):
            if step.owner is None and self.format == "text":
                raise ValueError(f"next_steps[{i}]: a transcript always names the owner")
            if step.owner is not None and name_key(step.owner) not in people:
                raise ValueError(f"next_steps[{i}]: owner {step.owner!r} is not in this 1:1")
            if step.due is not None and step.due < self.date:
                raise ValueError(f"next_steps[{i}]: due {step.due} is before the meeting")
            if step.due is not None and step.due_text is None:
                raise ValueError(f"next_steps[{i}]: a due date needs the due_text it comes from")
            said = " ".join(utts[e - 1][1] for e in step.evidence).casefold()
            if step.due_text and step.due_text.casefold() not in said:
                raise ValueError(f"next_steps[{i}]: {step.due_text!r} is not in its evidence")


def split_utterances(transcript: str, fmt: str) -> list[tuple[str | None, str]]:
    lines = [line.strip() for line in transcript.splitlines() if line.strip()]
    if fmt == "notes":
        return [(None, line) for line in lines]
    out: list[tuple[str | None, str]] = []
    for i, line in enumerate(lines, start=1):
        m = TURN.match(line)
        if not m:
            raise ValueError(f"transcript line {i} is not a 'Name: text' turn: {line[:50]!r}")
        out.append((m["name"].strip(), m["text"].strip()))
    return out


def manager_word_share(case: Case) -> float | None:
    """The manager's share of words, as copilot.analyze.talk counts them (None for notes)."""
    if case.format == "notes":
        return None
    words = {"m": 0, "all": 0}
    for speaker, text in case.utterances:
        n = count_words(text)
        words["all"] += n
        if name_key(speaker or "") == name_key(case.manager):
            words["m"] += n
    return words["m"] / (words["all"] or 1)


def derived_warnings(case: Case) -> set[WarningCode]:
    """The warnings the labels imply, by the rules of ../shared/domain/ONE_ON_ONES.md.

    The test suite checks each file's `warnings` against this, so a label fix that changes a
    warning cannot go unnoticed.
    """
    limits = gold_thresholds()
    out: set[WarningCode] = set()
    n_utts = len(case.utterances)
    if case.format == "notes":
        out.add(WarningCode.NO_SPEAKERS)
    else:
        share = manager_word_share(case) or 0.0
        if share > limits.manager_share:
            out.add(WarningCode.MANAGER_DOMINATED_TALK)
        asked = len(case.questions)
        opened = sum(q.kind == "open" for q in case.questions)
        too_closed = asked >= limits.min_questions and opened / asked < limits.open_share
        if too_closed or (asked == 0 and n_utts >= limits.no_question_min_utterances):
            out.add(WarningCode.FEW_OPEN_QUESTIONS)
    for fb in case.feedback:
        giver = fb.given_by or case.manager
        if fb.target == "person" and name_key(giver) == name_key(case.manager):
            out.add(WarningCode.PERSONAL_FEEDBACK)
    if not case.next_steps and n_utts >= limits.no_next_steps_min_utterances:
        out.add(WarningCode.NO_NEXT_STEPS)
    return out


def load_case(path: Path) -> Case:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        case = Case.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError, ValidationError, ValueError) as exc:
        raise CaseError(f"{path.name}: {exc}") from exc
    if case.id != path.stem:
        raise CaseError(f"{path.name}: id {case.id!r} differs from the file name")
    return case


def load_cases(folder: Path = CASES_DIR, split: str = "all") -> list[Case]:
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        raise CaseError(f"no case files in {folder}")
    cases = [load_case(p) for p in paths]
    if split != "all":
        cases = [c for c in cases if c.split == split]
    return cases
