"""Keep only what the cited utterances support; count the rest by kind.reason.

A manager cannot use an invented action item, so every LLM item is checked against the words
of the utterances it cites: the ids must exist, a next step's owner must be the speaker or the
person spoken to (the report's requests bind the manager only with the manager's own answer
among the evidence, so a line such as "approve my raise" is no commitment), its deadline words
must be in the cited text (the date is then resolved by our own rules, not by the model), and
the content words of an action, fact or feedback must be found there. Paraphrase is allowed,
invention is not: a third of the content words (at least one) must match by their first
letters (`copilot.text.claim_stems`), which accepts "envoie"/"envoyer", "slides"/"slide".
"""

from __future__ import annotations

from collections import Counter

from copilot.analyze.base import MeetingContext
from copilot.analyze.llm.wire import WireFact, WireFeedback, WireQuestion, WireStep
from copilot.analyze.roles import person_for
from copilot.analyze.rules.dates import find_due
from copilot.analyze.rules.sentences import sentences_of
from copilot.models import Extraction, Fact, FeedbackItem, NextStep, Question, Transcript, Utterance
from copilot.text import claim_stems, fold, name_key, name_matches

SUPPORT = 0.34  # share of a claim's content words that the cited text must contain
_JOINT = {"both", "we", "us", "nous", "on", "les deux", "tous les deux", "ensemble", "together"}


def supported(claim: str, evidence_text: str, lang: str, ignore: frozenset[str]) -> bool:
    stems = claim_stems(claim, lang, ignore)
    if not stems:
        return False  # nothing but names and small words: says nothing checkable
    found = stems & claim_stems(evidence_text, lang)
    return len(found) >= 1 and len(found) / len(stems) >= SUPPORT


class Grounder:
    """Checks one meeting's LLM items against its utterances."""

    def __init__(self, transcript: Transcript, ctx: MeetingContext) -> None:
        self.t = transcript
        self.ctx = ctx
        self.lang = transcript.language
        self.by_id = {u.id: u for u in transcript.utterances}
        self.roles_known = any(u.role == "manager" for u in transcript.utterances)
        self.dropped: Counter[str] = Counter()
        names = {ctx.manager, ctx.report, *transcript.speakers}
        self.name_words = frozenset(w for n in names for w in fold(n).split())

    # -- shared --------------------------------------------------------------------------
    def _cited(self, kind: str, ids: list[int], allowed: set[int] | None) -> list[Utterance] | None:
        known = [self.by_id[i] for i in dict.fromkeys(ids)
                 if i in self.by_id and (allowed is None or i in allowed)]
        if not known:
            self.dropped[f"{kind}.evidence"] += 1
            return None
        return known

    def _text(self, utts: list[Utterance]) -> str:
        return " ".join(u.text for u in utts)

    def _person(self, u: Utterance) -> str | None:
        return person_for(u, self.ctx.manager, self.ctx.report)

    def _addressees(self, u: Utterance) -> set[str]:
        """Who a speaker talks to: the other role in a 1:1, else every other speaker."""
        if u.role == "manager":
            return {self.ctx.report}
        if u.role == "report":
            return {self.ctx.manager}
        others = {self._person(x) for x in self.t.utterances if x.speaker != u.speaker}
        return {p for p in others if p}

    def canonical(self, name: str | None) -> str | None:
        """The model's spelling of a name as the meeting's ("julien m." -> "Julien")."""
        if not name or not name.strip():
            return None
        for known in (self.ctx.manager, self.ctx.report, *self.t.speakers):
            if name_matches(name, known) or name_matches(known, name):
                return self._display(known)
        return " ".join(name.split())

    def _display(self, label: str) -> str:
        for u in self.t.utterances:
            if u.speaker == label:
                return self._person(u) or label
        return label

    # -- next steps ----------------------------------------------------------------------
    def next_step(self, w: WireStep, allowed: set[int] | None = None) -> NextStep | None:
        cited = self._cited("next_steps", w.evidence, allowed)
        if cited is None:
            return None
        owner_role = self._owner(w.owner, cited)
        if owner_role is None:
            self.dropped["next_steps.owner"] += 1
            return None
        owner, role = owner_role
        said = self._text(cited)
        due, due_text = None, None
        if w.due_text and w.due_text.strip():
            words = " ".join(w.due_text.split())
            if fold(words) not in fold(" ".join(said.split())):
                self.dropped["next_steps.due"] += 1
                return None
            found = find_due(words, self.ctx.date, self.lang)
            if found is not None:  # words like "soon" are no date: keep the step, undated
                due, due_text = found.date, words
        if not supported(w.action, said, self.lang, self.name_words):
            self.dropped["next_steps.action"] += 1
            return None
        return NextStep(owner=owner, owner_role=role, action=" ".join(w.action.split()),
                        due=due, due_text=due_text, evidence=[u.id for u in cited])

    def _owner(self, raw: str, cited: list[Utterance]) -> tuple[str | None, str | None] | None:
        m, r = self.ctx.manager, self.ctx.report
        folded = fold(raw or "")
        if not self.t.has_speakers:  # notes: a participant, a name in the text, or nobody
            if not folded or folded in ("none", "null", "?", "personne", "nobody"):
                return None, None
            name = self.canonical(raw)
            if name in (m, r):
                return name, "manager" if name == m else "report"
            if name and fold(name) in fold(self._text(cited)):
                return name, None
            return None
        both = folded in _JOINT or (name_key(m).split()[0] in folded
                                    and name_key(r).split()[0] in folded)
        present: set[str] = set()
        for u in cited:
            if (p := self._person(u)) is not None:
                present.add(p)
            # A manager can hand a task over; the report's request ("approve my raise") is
            # the manager's commitment only with the manager's own yes among the evidence.
            if u.role != "report":
                present |= self._addressees(u)
        if both:
            return (f"{m} & {r}", "both") if {m, r} <= present else None
        name = self.canonical(raw)
        if name is None or name not in present:
            return None
        return name, {m: "manager", r: "report"}.get(name)

    # -- feedback, facts, questions --------------------------------------------------------
    def feedback(self, w: WireFeedback, allowed: set[int] | None = None) -> FeedbackItem | None:
        cited = self._cited("feedback", w.evidence, allowed)
        if cited is None:
            return None
        speakers = [self._person(u) for u in cited]
        given_by = self.canonical(w.given_by) if w.given_by else speakers[0]
        if self.t.has_speakers and given_by not in speakers:
            self.dropped["feedback.given_by"] += 1
            return None
        if not supported(w.text, self._text(cited), self.lang, self.name_words):
            self.dropped["feedback.text"] += 1
            return None
        return FeedbackItem(text=" ".join(w.text.split()), polarity=w.polarity, target=w.target,
                            evidence=[u.id for u in cited], given_by=given_by)

    def fact(self, w: WireFact, allowed: set[int] | None = None) -> Fact | None:
        cited = self._cited("facts", w.evidence, allowed)
        if cited is None:
            return None
        if not supported(w.text, self._text(cited), self.lang, self.name_words):
            self.dropped["facts.text"] += 1
            return None
        return Fact(text=" ".join(w.text.split()), evidence=[u.id for u in cited])

    def question(self, w: WireQuestion, allowed: set[int] | None = None) -> Question | None:
        cited = self._cited("questions", w.evidence, allowed)
        if cited is None:
            return None
        not_managers = self.roles_known and any(u.role != "manager" for u in cited)
        if not self.t.has_speakers or not_managers:
            self.dropped["questions.speaker"] += 1  # only the manager's questions are coached
            return None
        asked = [s.text for u in cited for s in sentences_of(u.id, u.text) if s.is_question]
        if not asked:
            self.dropped["questions.text"] += 1
            return None
        return Question(text=" ".join(asked), kind=w.kind, evidence=[u.id for u in cited])

    def extraction(self, steps: list[WireStep], feedback: list[WireFeedback],
                   facts: list[WireFact], questions: list[WireQuestion],
                   allowed: set[int] | None = None) -> Extraction:
        def keep(items, check):  # type: ignore[no-untyped-def]
            return [x for x in (check(i, allowed) for i in items) if x is not None]

        return Extraction(next_steps=keep(steps, self.next_step),
                          feedback=keep(feedback, self.feedback),
                          facts=keep(facts, self.fact), questions=keep(questions, self.question))
