"""The embedded extraction engine: rules over sentences + spaCy + dateparser, offline."""

from __future__ import annotations

import re

from copilot.analyze.base import MeetingContext
from copilot.analyze.roles import person_for
from copilot.analyze.rules import facts as fact_rules
from copilot.analyze.rules.dates import Due, find_due
from copilot.analyze.rules.feedback import classify_feedback, sbi_params
from copilot.analyze.rules.nextsteps import Candidate, detect
from copilot.analyze.rules.notes import NotesReader
from copilot.analyze.rules.questions import classify_question
from copilot.analyze.rules.sentences import Sentence, sentences_of
from copilot.analyze.rules.spacy_models import load_spacy
from copilot.analyze.texts import sbi_text
from copilot.models import (
    Engine,
    Extraction,
    Fact,
    FeedbackItem,
    Language,
    NextStep,
    Question,
    Transcript,
    Utterance,
)
from copilot.text import fold

_YOU = re.compile(r"\b(?:tu|te|toi|ton|ta|tes|vous|votre|vos|you|your)\b|\bt'")
_NO = re.compile(r"^(?:non|no|nope|pas possible|je (?:ne )?(?:peux|pourrai) pas|i can't|i cannot|"
    r"impossible)\b")
_YES = re.compile(
    r"^(?:oui|ok|okay|yes|yep|sure|d'accord|bien sur|no problem|pas de (?:souci|probleme)|"
    r"ca marche|entendu|absolument|of course|will do|c'est faisable|sans faute|parfait|"
    r"certainly|definitely|absolutely|je m'en occupe|i'm on it|on it)\b"
)
_DUE_PREP = (r"(?:d'ici (?:la |le )?|avant (?:le |la )?|pour (?:le |la )?|au plus tard |"
             r"by (?:the )?|before (?:the )?|on (?:the )?|until |due |this |ce |cette |le |la )?")


class RulesExtractor:
    name = Engine.RULES

    def extract(self, transcript: Transcript, ctx: MeetingContext) -> Extraction:
        lang = transcript.language
        if not transcript.has_speakers:
            return NotesReader(ctx, lang).read(transcript.utterances)
        utts = transcript.utterances
        roles_known = any(u.role == "manager" for u in utts)
        questions: list[Question] = []
        feedback: list[FeedbackItem] = []
        steps: list[NextStep] = []
        fact_candidates: list[Sentence] = []
        for pos, u in enumerate(utts):
            speaker = person_for(u, ctx.manager, ctx.report) or "?"
            addressee = _addressee(utts, pos, ctx)
            sentences = sentences_of(u.id, u.text)
            used: set[int] = set()
            if u.role == "manager" and roles_known:
                asked = [s for s in sentences if s.is_question]
                if asked:
                    qtext = " ".join(s.text for s in asked)
                    questions.append(Question(text=qtext, kind=classify_question(qtext, lang),
                                              evidence=[u.id]))
            for s in sentences:
                item = self._feedback(s, sentences, u, speaker, roles_known, lang)
                if item:
                    feedback.append(item)
                    if item.target == "person":  # a fact-based criticism is also a fact
                        used.add(s.index)
                    continue
                step = self._next_step(s, utts, pos, speaker, addressee, ctx, lang)
                if step:
                    steps.append(step)
                    used.add(s.index)
            fact_candidates.extend(
                s for s in sentences if s.index not in used and fact_rules.is_candidate(s.text)
            )
        return Extraction(
            facts=self._facts(fact_candidates, lang),
            feedback=feedback,
            next_steps=_dedupe(steps),
            questions=questions,
        )

    def _feedback(self, s: Sentence, siblings: list[Sentence], u: Utterance, speaker: str,
                  roles_known: bool, lang: str) -> FeedbackItem | None:
        # Questions reach the classifier too: it answers None for a real question and flags
        # only rhetorical attacks ("Are you stupid?", "Tu le fais exprès ?").
        polarity, target = classify_feedback(s.text, lang)
        if polarity is None or target is None:
            return None
        # The report's words count as feedback only when said to the manager's face.
        if roles_known and u.role != "manager" and not _YOU.search(fold(s.text)):
            return None
        suggestion, params = None, {}
        if target == "person":
            facts = [
                x.text for x in siblings
                if x.index != s.index and classify_feedback(x.text, lang)[1] != "person"
                and not x.is_question
            ]
            params = sbi_params(s.text, facts, polarity, lang)
            suggestion = sbi_text(params, lang)
        return FeedbackItem(text=s.text, polarity=polarity, target=target, evidence=[u.id],
                            suggestion=suggestion, given_by=speaker, suggestion_params=params)

    def _next_step(self, s: Sentence, utts: list[Utterance], pos: int, speaker: str,
                   addressee: str | None, ctx: MeetingContext, lang: str) -> NextStep | None:
        due = find_due(s.text, ctx.date, lang)
        cand = detect(s.text, lang, has_due=due is not None, due_text=due.text if due else None,
                      relative_due=due is not None and due.date is None)
        if cand is None:
            return _third_person(s.text, utts, pos, ctx, due)
        if cand.vague and _asked_before(utts, pos, lang):
            return None  # "oui, je t'envoie ça vendredi": the request's step, said again
        named = _named_owner(s.text, cand, utts, pos, ctx)
        if named is not None:  # "[PERSON6], could you ...", "Tom will send ..." in a group
            addressee = named
        evidence = [utts[pos].id]
        if cand.who == "addressee" and addressee is not None:
            reply = _reply(utts, pos)
            if reply is not None:
                if _NO.search(fold(reply.text)):
                    return None  # the request was turned down
                reply_due = find_due(reply.text, ctx.date, lang) if due is None else None
                if reply_due is not None:
                    due = reply_due
                if reply_due is not None or _YES.search(fold(reply.text)):
                    evidence.append(reply.id)  # the acceptance is part of the evidence
        if cand.who == "addressee" and addressee is None:
            return None
        owner, role = _owner(cand, speaker, addressee, utts[pos], ctx)
        action = _polish(cand, s.text, due, speaker, addressee, lang)
        if len(action.split()) < 2:
            return None
        return NextStep(owner=owner, owner_role=role, action=action,
                        due=due.date if due else None, due_text=due.text if due else None,
                        evidence=evidence)

    def _facts(self, candidates: list[Sentence], lang: str) -> list[Fact]:
        if not candidates:
            return []
        nlp = load_spacy(lang)
        docs = nlp.pipe((c.text for c in candidates), batch_size=64)
        return [Fact(text=c.text, evidence=[c.utterance_id])
                for c, doc in zip(candidates, docs) if fact_rules.confirm(doc)]


def _addressee(utts: list[Utterance], pos: int, ctx: MeetingContext) -> str | None:
    """Who a speaker talks to: the other role in a 1:1, else the nearest other speaker."""
    u = utts[pos]
    if u.role == "manager":
        return ctx.report
    if u.role == "report":
        return ctx.manager
    for i in list(range(pos - 1, -1, -1)) + list(range(pos + 1, len(utts))):
        if utts[i].speaker and utts[i].speaker != u.speaker:
            return person_for(utts[i], ctx.manager, ctx.report)
    return None


def _named_owner(sentence: str, cand: Candidate, utts: list[Utterance], pos: int,
                 ctx: MeetingContext) -> str | None:
    """In a meeting of more than two, a request names whom it is for: the one participant named
    before the verb ("[PERSON6], could you ...", "Marc, tu peux ..."); None when no one or
    several are named, or in a 1:1 (the addressee is the other person anyway)."""
    if cand.who != "addressee":
        return None
    speakers = {u.speaker for u in utts if u.speaker}
    if len(speakers) <= 2:
        return None
    before = fold(sentence)[: cand.verb_start]
    me = utts[pos].speaker
    named = {sp for sp in speakers if sp != me
             and re.search(r"(?<![\w])\[?" + re.escape(fold(sp)) + r"\]?(?![\w])", before)}
    if len(named) != 1:
        return None
    return person_for(next(u for u in utts if u.speaker in named), ctx.manager, ctx.report)


_WILL = (r"\s+(?:will|is going to|is gonna|agreed to|has agreed to|va|vont|s'engage a)\s+"
         r"(?:also |then |aussi |ensuite )?(?P<v>[a-z]+)\b(?P<rest>.*)")


def _third_person(sentence: str, utts: list[Utterance], pos: int, ctx: MeetingContext,
                  due: Due | None) -> NextStep | None:
    """"[PERSON6] will work with the data", "Tom va préparer le plan": a step for someone of
    the meeting other than the speaker, named as the subject."""
    t = fold(sentence)
    if t.rstrip().endswith("?") or not re.search(_WILL, t):
        return None
    people = {fold(u.speaker): u for u in utts if u.speaker and u.speaker != utts[pos].speaker}
    for who in (ctx.manager, ctx.report):
        people.setdefault(fold(who.split()[0]), None)
    for key, u in people.items():
        m = re.search(r"(?:^|[,;:.]\s*|\b(?:that|so|then|and|now|et|donc|alors|que)\s+)\[?"
                      + re.escape(key) + r"\]?" + _WILL, t)
        if not m or m.group("v") in ("be", "have", "etre", "avoir", "not", "pas"):
            continue
        if re.search(r"\b(?:if|si|maybe|peut-etre|not|pas|won't)\b", t[: m.start("v")]):
            return None
        owner = person_for(u, ctx.manager, ctx.report) if u is not None else next(
            w for w in (ctx.manager, ctx.report) if fold(w.split()[0]) == key)
        rest = sentence[m.start("v"):] if len(sentence) == len(t) else t[m.start("v"):]
        action = " ".join(re.split(r"[.;!?]|,\s*(?:but|mais|and|et)\b", rest)[0].split())
        if due is not None:
            action = re.sub(r"(?<!\w)" + _DUE_PREP + re.escape(due.text), "", action,
                            flags=re.IGNORECASE).strip(" ,")
        if len(action.split()) < 2:
            return None
        role = {ctx.manager: "manager", ctx.report: "report"}.get(owner)
        return NextStep(owner=owner, owner_role=role, action=action,
                        due=due.date if due else None, due_text=due.text if due else None,
                        evidence=[utts[pos].id])
    return None


def _owner(cand: Candidate, speaker: str, addressee: str | None, u: Utterance,
           ctx: MeetingContext) -> tuple[str, str | None]:
    """Who owns a step and in which role: the speaker, the one spoken to, or both."""
    if cand.who == "speaker":
        return speaker, u.role
    if cand.who == "addressee":
        return addressee or "", {"manager": "report", "report": "manager"}.get(u.role or "")
    return f"{ctx.manager} & {ctx.report}", "both"


def _asked_before(utts: list[Utterance], pos: int, lang: str) -> bool:
    """Whether the other speaker's last turn before `pos` holds a step (a request, a promise)
    that a pronoun in this turn's promise ("je t'envoie ça vendredi") answers."""
    me = utts[pos].speaker
    before = next((u for u in reversed(utts[:pos]) if u.speaker != me), None)
    return before is not None and any(detect(s.text, lang, has_due=True) is not None
                                      for s in sentences_of(before.id, before.text))


def _reply(utts: list[Utterance], pos: int) -> Utterance | None:
    nxt = utts[pos + 1] if pos + 1 < len(utts) else None
    return nxt if nxt is not None and nxt.speaker != utts[pos].speaker else None


def _polish(cand: Candidate, sentence: str, due: Due | None, speaker: str,
            addressee: str | None, lang: str) -> str:
    action = cand.action
    if due is not None:
        action = re.sub(r"(?<!\w)" + _DUE_PREP + re.escape(due.text), "", action,
                        flags=re.IGNORECASE)
    folded = fold(sentence)
    before = folded[: cand.verb_start]
    if lang == Language.FR:
        to_me = re.search(r"\b(?:m'|me |moi)\s*(?:l'|le |la |les )?$", before)
        to_you = re.search(r"\b(?:t'|te )\s*(?:l'|le |la |les )?$", before)
        if cand.who == "addressee" and to_me:
            action += f" à {speaker}"
        elif cand.who == "speaker" and addressee and to_you:
            action += f" à {addressee}"
    else:
        you, me = (addressee or "you"), speaker
        if cand.who == "addressee":
            me, you = speaker, addressee or "you"
        action = re.sub(r"\byour\b", f"{you}'s", action)
        action = re.sub(r"\byou\b", you, action)
        action = re.sub(r"\bmy\b", f"{me}'s", action)
        action = re.sub(r"\bme\b", me, action)
    return " ".join(action.strip(" ,.;:!?-–—").split())


def _dedupe(steps: list[NextStep]) -> list[NextStep]:
    """One item per promise: the same action repeated, or a request and the reply that accepts it
    ("tu m'envoies le plan vendredi ?" / "je t'envoie le plan vendredi matin") merge."""
    out: list[NextStep] = []
    for st in steps:
        for i, prev in enumerate(out):
            same_action = fold(prev.action) == fold(st.action)
            echo = (
                fold(prev.action).split()[:1] == fold(st.action).split()[:1]
                and prev.due == st.due
                and min(abs(a - b) for a in prev.evidence for b in st.evidence) <= 1
            )
            if fold(prev.owner or "") == fold(st.owner or "") and (same_action or echo):
                out[i] = prev.model_copy(update={
                    "evidence": sorted(set(prev.evidence) | set(st.evidence)),
                    "due": prev.due or st.due, "due_text": prev.due_text or st.due_text,
                })
                break
        else:
            out.append(st)
    return out
