"""The meeting type's own checks (ONE_ON_ONES.md, "Entretien de parcours professionnel").

`career_topics_missing`: a career review that did not cover every required section of its
template (the legal content of art. L6315-1: skills, career path, training, mobility, VAE,
bilan de compétences, CPF, conseil en évolution professionnelle). What is missing was not
said, so the evidence is how the meeting ended (as for `no_next_steps`).

`evaluation_in_career_review`: evaluation talk (objectives met, ratings and scores, pay,
bonus) inside a career review, which the law keeps apart from the annual evaluation. A
sentence that sets that talk aside ("on ne parlera pas de salaire aujourd'hui", "this review
is not an appraisal") frames the interview and is not counted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from copilot.analyze.critique.quoting import quote
from copilot.analyze.texts import make_warning
from copilot.i18n import Params
from copilot.meeting_types import MeetingTemplate
from copilot.models import MeetingType, SectionCoverage, Transcript, Warning, WarningCode
from copilot.text import fold, split_sentences

# Matched on folded text (lower case, no accents).
_FR_EVALUATION = (
    r"\bobjectifs? (?:\w+ ){0,2}(?:atteints?|depasses?|remplis?)\b",
    (r"\b(?:as|a|ai|avez|avons|ont) (?:\w+ ){0,2}(?:atteint|depasse|rempli|rate|manque) "
     r"(?:tes|vos|ses|mes|nos|les|ton|votre|son|mon|l') ?objectif"),
    r"\btaux d'atteinte\b", r"\bnotation\b", r"\bnote annuelle\b",
    r"\b(?:ta|ma|sa|votre|la) note\b(?! de frais)", r"\b\d+ sur (?:4|5|10|20)\b",
    r"\bevaluation de (?:ta|tes|la|votre|vos|sa|ses) performance",
    r"\b(?:ta|tes|votre|vos) performances?\b", r"\bresultats? chiffres\b",
    r"\bsalaires?\b", r"\bremunerations?\b", r"\baugmentation (?:de salaire|salariale)\b",
    r"\b(?:une|ton|mon|ta|votre|son) augmentation\b(?! (?:de|des|du|d')\s*(?!salaire))",
    r"\bprimes?\b", r"\bbonus\b", r"\bpart variable\b",
)
_EN_EVALUATION = (
    (r"\b(?:met|hit|reached|achieved|missed|exceeded) (?:\w+ ){0,2}"
     r"(?:objectives|targets|goals|quota)\b"),
    r"\b(?:objectives|targets|goals) (?:were |was )?(?:met|hit|achieved|missed)\b",
    r"\bratings?\b", r"\bperformance (?:score|review|rating|evaluation)s?\b",
    r"\b\d+ out of (?:4|5|10)\b", r"\bscored? (?:a |an )?\d",
    r"\bsalary\b", r"\bpay (?:rise|raise|increase)\b", r"\ba raise\b", r"\bbonus(?:es)?\b",
    r"\bcompensation\b",
)
_EVALUATION = {"fr": re.compile("|".join(_FR_EVALUATION)),
               "en": re.compile("|".join(_EN_EVALUATION))}
# A sentence about the interview itself that puts evaluation aside: a mention of the meeting,
# and a negation or a deferral.
_FRAME = {
    "fr": re.compile(r"\b(?:cet entretien|cette discussion|cet echange|aujourd'hui|ici|"
                     r"entretien annuel|une evaluation)\b"),
    "en": re.compile(r"\b(?:this (?:meeting|review|conversation|interview)|today|here|"
                     r"annual review|an? (?:evaluation|appraisal))\b"),
}
_ASIDE = {
    "fr": re.compile(r"\b(?:pas|ni|jamais|aucune?|sans)\b|\breparl|\bplus tard\b"),
    "en": re.compile(r"\b(?:not|no|never|without|later)\b|n't\b|\bkeep (?:that|it) for\b"),
}


def evaluation_utterances(transcript: Transcript) -> list[int]:
    """The utterances with evaluation talk that does not set it aside."""
    lang = "fr" if transcript.language == "fr" else "en"
    found = []
    for u in transcript.utterances:
        for sentence in split_sentences(fold(u.text)) or [fold(u.text)]:
            if not _EVALUATION[lang].search(sentence):
                continue
            if _FRAME[lang].search(sentence) and _ASIDE[lang].search(sentence):
                continue
            found.append(u.id)
            break
    return found


def evaluation_warning(transcript: Transcript) -> Warning | None:
    evidence = evaluation_utterances(transcript)
    if not evidence:
        return None
    said = {u.id: u.text for u in transcript.utterances}
    return make_warning(WarningCode.EVALUATION_IN_CAREER_REVIEW, transcript.language, {
        "count": len(evidence), "quotes": "; ".join(quote(said[i], 70) for i in evidence[:3])},
        evidence=evidence)


def topics_missing_warning(transcript: Transcript, template: MeetingTemplate,
                           coverage: Sequence[SectionCoverage]) -> Warning | None:
    """The required sections not covered; params: their ids, their titles in the meeting's
    language (`listed`) and in each language (`fr_0`, `en_0`...), to render it again."""
    covered = {c.section for c in coverage if c.covered}
    missing = [s for s in template.sections if s.required and s.id not in covered]
    if not missing:
        return None
    params: Params = {"count": len(missing), "missing": ",".join(s.id for s in missing),
                      "listed": "; ".join(s.title(transcript.language) for s in missing)}
    for i, s in enumerate(missing):
        params |= {f"fr_{i}": s.title("fr"), f"en_{i}": s.title("en")}
    return make_warning(WarningCode.CAREER_TOPICS_MISSING, transcript.language, params,
                        evidence=[u.id for u in transcript.utterances[-3:]])


def meeting_type_warnings(transcript: Transcript, template: MeetingTemplate | None,
                          coverage: Sequence[SectionCoverage]) -> list[Warning]:
    """The checks of the meeting's type; only the career review has its own so far."""
    if template is None or template.type != MeetingType.CAREER_REVIEW:
        return []
    found = [topics_missing_warning(transcript, template, coverage) if template.check else None,
             evaluation_warning(transcript)]
    return [w for w in found if w is not None]
