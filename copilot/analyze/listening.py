"""Active listening: the manager's reformulations of what the report said, and acknowledgements.

A reply is a reflection when it says it reformulates ("si je comprends bien, tu ...", "it sounds
like you ...") or when it restates the report's previous turn in its own sentence: a lead ("So
you ...", "Donc pour toi ..."), talk about the other ("you're", "tu"), and the report's content
words said back (stems: on AnnoMI dev they matched spaCy's lemmas, F1 0.704 against 0.707,
and need no model, so the analysis with a fake engine stays model-free). A question that asks
("What do you ...?") is not a reflection unless it carries a cue; a restating question ("So,
they're important to you?") is. Measured on AnnoMI's therapist reflections (eval/listening.py):
F1 0.706 on dev (P 0.64, R 0.79), 0.664 held out (P 0.61, R 0.73). The weights follow MI's base
rates (a third of a therapist's turns reflect); in a 1:1 a manager's "you" statements about the
report count more often than they should, so `no_reformulation` asks for none at all after the
concerns rather than for a share.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from copilot.analyze.listening_cues import (
    ACK,
    ASKING,
    CONCERN,
    DIRECTIVE,
    LEAD,
    LEANS_IN,
    LEANS_OUT,
    SELF_START,
    STRONG,
    YOU,
)
from copilot.models import Language, Listening, Transcript, Utterance
from copilot.text import content_words, count_words, fold, split_sentences

STEM = 5  # letters of a content word that stand for it (copilot.text.TOPIC_STEM)
_WORDS = re.compile(r"[a-z]+(?:['-][a-z]+)*")
_CONTINUES = re.compile(r"^(?:-|—|and\b|but\b|or\b|et\b|mais\b|ou\b)")
_VOCATIVE = re.compile(r"^[a-z'-]+,\s+")  # "karim, comment tu te sens ?"
MIN_WORDS = 3  # "Mm-hmm. Yeah." restates nothing; a report's turn this short is a backchannel


@dataclass(frozen=True)
class Weights:
    """Each sign's weight in a reply's score (a log-odds: a reflection from 0). Fitted as a
    logistic regression on AnnoMI dev (even transcript ids), rounded, then moved by steps of
    0.15 while the dev F1 rose."""

    bias: float = 0.05
    cue: float = 0.75  # "it sounds like", "si je comprends bien"
    lead: float = 0.85  # "So you ...", "Donc pour toi ..."
    you: float = 0.35
    question: float = -0.5  # ends with "?"
    asking: float = -1.85  # and asks ("What do you ...?"), on top of `question`
    inner_question: float = -0.35  # a question before the end
    self_start: float = -0.55  # "I'll ...", "Let's ...", "Je vais ..."
    short: float = -0.25  # six words or fewer
    overlap: float = 2.05  # times the share of the reply's stems the report just said
    lean: float = 0.65  # per leaning word, up to three
    continued: float = 1.5  # goes on with a reflection the report only backchannelled
    directive: float = -0.6  # "I need you to ...", "Tu m'envoies ..."


WEIGHTS = Weights()
# A reflection needs one sign that it restates (a cue, a lead, "you", the report's words, a
# feeling word): a plain statement, however declarative, is information, not listening.
MIN_OVERLAP = 0.2
MIN_SHARED = 1  # shared stems before the overlap counts (2 cost 0.008 of dev F1)


@dataclass(frozen=True)
class Reply:
    """One reply and the turn it answers, with their content stems."""

    text: str
    stems: frozenset[str]
    heard: frozenset[str]  # the content stems of the other speaker's previous turn
    continues: bool = False  # follows the speaker's own previous reply, a backchannel between


def reply_stems(texts: Sequence[str], lang: str) -> list[frozenset[str]]:
    """The content words of each text, as stems (`STEM` letters, function words and words
    under four letters left out): "worried"/"worries", "débordé"/"débordée" meet."""
    return [frozenset(w[:STEM] for w in content_words(t, lang) if len(w) >= 4) for t in texts]


def is_acknowledgement(text: str, lang: str) -> bool:
    """The whole reply is a short acknowledgement ("je vois", "d'accord, je comprends")."""
    return bool(ACK[Language(lang)].match(fold(text).strip()))


def reflection_score(reply: Reply, lang: str, after_reflection: bool = False,
                     w: Weights = WEIGHTS) -> float:
    """How much `reply` reads as a reformulation of what it answers (a reflection from 0).
    `after_reflection`: the speaker's previous reply was one."""
    lang = Language(lang)
    text = fold(reply.text).strip()
    if count_words(text) < MIN_WORDS or ACK[lang].match(text):
        return -1.0
    said = set(_WORDS.findall(text))
    shared = len(reply.stems & reply.heard)
    share = shared / len(reply.stems) if shared >= MIN_SHARED else 0.0
    cue, lead, you = (bool(STRONG[lang].search(text)), bool(LEAD[lang].match(text)),
                      bool(YOU[lang].search(text)))
    leans = min(3, len(said & LEANS_IN[lang]))
    going_on = after_reflection and reply.continues and bool(_CONTINUES.match(text))
    if not (cue or lead or you or leans or going_on or share >= MIN_OVERLAP):
        return -1.0
    question = text.endswith("?")
    score = (w.bias + w.cue * cue + w.lead * lead + w.you * you + w.overlap * share
             + w.lean * leans - w.lean * min(3, len(said & LEANS_OUT[lang]))
             + w.continued * going_on)
    asking = question and not cue and _asks(text, lang)  # a cue restates anyway
    score += w.question * question + w.asking * asking
    score += w.inner_question * ("?" in text[:-1]) + w.short * (count_words(text) <= 6)
    score += w.directive * bool(DIRECTIVE[lang].search(text))
    return score + w.self_start * bool(SELF_START[lang].match(text))


def _asks(text: str, lang: Language) -> bool:
    """The question the reply ends with asks ("Okay. What do you ...?", "Karim, comment
    ...?") rather than restates ("So, they're important to you?")."""
    last = split_sentences(text)[-1]
    return any(ASKING[lang].match(s) for s in (last, _VOCATIVE.sub("", last, count=1)))


def reflection_flags(replies: Sequence[Reply], lang: str) -> list[bool]:
    """Whether each reply of one speaker, in order, is a reflection (a reply that goes on with
    a reflection after a backchannel is one too)."""
    flags: list[bool] = []
    for reply in replies:
        after = bool(flags) and flags[-1]
        flags.append(reflection_score(reply, lang, after) >= 0.0)
    return flags


def replies(utterances: Sequence[Utterance], role: str, lang: str) -> list[tuple[int, Reply]]:
    """The utterances of `role`, each with the other side's last turn before it (consecutive
    utterances of one speaker are one turn)."""
    texts = [u.text for u in utterances]
    stems = reply_stems(texts, lang) if texts else []
    out: list[tuple[int, Reply]] = []
    heard: frozenset[str] = frozenset()
    turn: frozenset[str] | None = None  # the other side's turn not yet answered
    between = 0  # words the other side said since this side's last reply
    last_role = None
    for u, lem in zip(utterances, stems, strict=True):
        if u.role == role:
            if turn is not None:
                heard, turn = turn, None
            out.append((u.id, Reply(u.text, lem, heard, continues=bool(out) and
                                    between < MIN_WORDS)))
            between = 0
        elif u.role is not None:
            turn = (turn | lem) if turn is not None and last_role == u.role else lem
            between += count_words(u.text)
        last_role = u.role
    return out


def listening(transcript: Transcript) -> Listening | None:
    """The manager's reflections and acknowledgements; None without speakers or roles."""
    roles = {u.role for u in transcript.utterances}
    if not transcript.has_speakers or not {"manager", "report"} <= roles:
        return None
    lang = transcript.language
    reflections, acks = [], []
    said = replies(transcript.utterances, "manager", lang)
    for (uid, reply), reflects in zip(said, reflection_flags([r for _, r in said], lang),
                                      strict=True):
        if reflects:
            reflections.append(uid)
        elif is_acknowledgement(reply.text, lang):
            acks.append(uid)
    return Listening(reflections=len(reflections), evidence=reflections,
                     acknowledgements=len(acks), acknowledgement_evidence=acks)


def concerns(transcript: Transcript) -> list[int]:
    """The report's utterances that raise a concern: a worry, a difficulty, a blocker, a
    negative feeling ("je suis débordé", "I'm stuck on ...")."""
    cue = CONCERN[Language(transcript.language)]
    return [u.id for u in transcript.utterances
            if u.role == "report" and cue.search(fold(u.text))]
