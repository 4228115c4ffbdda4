"""Free notes (no speakers): facts and next steps only.

Notes are written by the manager, so "je" is the manager and "on"/"nous" both of them. A line
is a next step when it sits under an action heading ("Next steps", "Prochaines étapes",
"Actions", "TODO"...), starts with an action marker ("Action :", "TODO"), names its owner
first ("Julien : envoyer le plan", "Claire - demander le budget"), or is a commitment the
sentence rules recognise.
"""

from __future__ import annotations

import re

from copilot.analyze.base import MeetingContext
from copilot.analyze.rules import facts as fact_rules
from copilot.analyze.rules.dates import find_due
from copilot.analyze.rules.nextsteps import PAST, detect, is_scheduling
from copilot.analyze.rules.sentences import Sentence
from copilot.analyze.rules.spacy_models import load_spacy
from copilot.models import Extraction, Fact, NextStep, Utterance
from copilot.text import fold, name_key

_ACTION_HEADING = re.compile(
    r"^(?:#+\s*)?(?:next steps?|prochaines? etapes?|actions?(?: items?)?|a faire|todo|to do|"
    r"to-dos?|suivi|follow[- ]ups?|engagements?|decisions? et actions|plan d'action)\s*:?\s*$"
)
_HEADING = re.compile(r"^(?:#+\s*\S.*|[^.!?]{1,40}:)$")
_MARKER = re.compile(r"^(?:action|todo|to do|a faire|next step|ae|ap)s?\s*[:\-–]\s*")
_INFINITIVE = re.compile(r"^(?:[a-z]+(?:er|ir|re|oir)|send|share|prepare|book|schedule|update|"
    r"write|draft|fix|review|"
    r"finish|call|email|ping|check|ask|organise|organize|set|follow|get|make|plan|talk|reach|"
    r"contact|present)$")
_PERFECT = re.compile(r"\b(?:a|ont|avons|avez|as|ai|est|sont|etait|avait|has|have|had|was|were|"
    r"did)\s+(?:\S+\s+)?\S+(?:e|es|ee|ees|i|is|it|u|us|ed)\b|\b\S+ed\b")
_DUE_PREP = (r"(?:\(|d'ici (?:la |le )?|avant (?:le |la )?|pour (?:le |la )?|by (?:the )?|"
             r"before (?:the )?|due |on )?")


class NotesReader:
    def __init__(self, ctx: MeetingContext, lang: str) -> None:
        self.ctx, self.lang = ctx, lang
        self.people = {name_key(ctx.manager): ctx.manager, name_key(ctx.report): ctx.report}
        for full in (ctx.manager, ctx.report):
            self.people.setdefault(name_key(full.split()[0]), full)

    def read(self, utterances: list[Utterance]) -> Extraction:
        steps: list[NextStep] = []
        facts: list[Sentence] = []
        in_actions = False
        for u in utterances:
            folded = fold(u.text).strip()
            if _ACTION_HEADING.match(folded):
                in_actions = True
                continue
            if _HEADING.match(u.text.strip()) and not self._owner_prefix(u.text)[0]:
                in_actions = False
                continue
            step = self._step(u, in_actions)
            if step is not None:
                steps.append(step)
            elif fact_rules.is_candidate(u.text):
                facts.append(Sentence(u.id, 0, u.text))
        return Extraction(facts=self._facts(facts), next_steps=steps)

    def _owner_prefix(self, text: str) -> tuple[str | None, str]:
        """'Julien : envoyer X' / 'Claire - demander Y' / 'Julien envoie Z' -> (owner, rest)."""
        m = re.match(r"^\s*([\w'’.-]+(?: [\w'’.-]+)?)\s*(?::|-|–|—|→|->|>)\s*(.+)$", text)
        if m and name_key(m.group(1)) in self.people:
            return self.people[name_key(m.group(1))], m.group(2)
        m = re.match(r"^\s*([\w'’.-]+)\s+(\w.*)$", text)  # not "Diane / Felix weekly"
        if m and name_key(m.group(1)) in self.people:
            return self.people[name_key(m.group(1))], m.group(2)
        return None, text

    def _step(self, u: Utterance, in_actions: bool) -> NextStep | None:
        text = u.text.strip()
        if is_scheduling(text):
            return None
        marked = bool(_MARKER.match(fold(text)))
        if marked:
            text = text[_MARKER.match(fold(text)).end():]  # type: ignore[union-attr]
        owner, rest = self._owner_prefix(text)
        due = find_due(rest, self.ctx.date, self.lang)
        cand = detect(rest, self.lang, has_due=due is not None, due_text=due.text if due else None,
                      relative_due=due is not None and due.date is None)
        role = None
        if owner is None and cand is not None:
            if cand.who == "speaker":
                owner = self.ctx.manager
            elif cand.who == "both":
                owner = f"{self.ctx.manager} & {self.ctx.report}"
        first = fold(rest).split()[0] if rest.split() else ""
        owner_line = owner is not None and (
            bool(_INFINITIVE.match(first)) or (due is not None and not _PERFECT.search(fold(rest)))
        )
        if not (in_actions or marked or cand is not None or owner_line):
            return None
        if due is None and PAST.search(fold(rest)):
            return None  # "Josh sent the metrics yesterday", even under "Next steps": done
        if rest.rstrip().endswith("?"):
            return None
        if owner is not None:
            roles = {self.ctx.manager: "manager", self.ctx.report: "report"}
            role = roles.get(owner) or ("both" if "&" in owner else None)
        action = cand.action if cand is not None and owner is None else rest
        if due is not None:
            action = re.sub(r"(?<!\w)" + _DUE_PREP + re.escape(due.text) + r"\)?", "", action,
                            flags=re.IGNORECASE)
        action = " ".join(action.strip(" ,.;:!?-–—()").split())
        if len(action.split()) < 2:
            return None
        return NextStep(owner=owner, owner_role=role, action=action,
                        due=due.date if due else None, due_text=due.text if due else None,
                        evidence=[u.id])

    def _facts(self, candidates: list[Sentence]) -> list[Fact]:
        if not candidates:
            return []
        docs = load_spacy(self.lang).pipe(c.text for c in candidates)
        return [Fact(text=c.text, evidence=[c.utterance_id])
                for c, doc in zip(candidates, docs) if fact_rules.confirm(doc)]
