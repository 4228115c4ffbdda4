"""Question checks (ONE_ON_ONES.md point 2): too few open questions, none at all, leading
questions, and a 1:1 that was only a status review."""

from __future__ import annotations

import re

from copilot.analyze.critique.quoting import quote
from copilot.analyze.texts import make_warning
from copilot.models import Extraction, Transcript, Warning, WarningCode
from copilot.settings import Settings
from copilot.text import fold

# A question about the work's status: where it is, when, how much, done or not.
_STATUS = re.compile(
    r"\b(?:ou en|en (?:es|est|etes|sommes) ou|status|statut|avancement|pipe(?:line)?|deals?|"
    r"forecast|chiffres?|numbers?|deadline|eta|fini\w*|finished|done|termine\w*|livre\w*|shipped|"
    r"envoye\w*|sent|relance\w*|prevu\w*|planned|combien|how many|how much|quand|when|signe\w*|"
    r"signed|closing|"
    r"objectifs? (?:chiffres|du trimestre)|targets?|quota|tickets?|release|on track|"
    r"where are (?:we|you) (?:on|with)|rendez-vous|calls?|appels?|avance(?:nt)?|progress)\b"
)
# Anything the manager says about the person rather than the work.
_PERSONAL = re.compile(
    r"\b(?:comment (?:tu vas|ca va|vas-tu|te sens|tu te sens|tu le vis|tu vis)|ca va\s*(?:\?|bien|"
    r"toi|de ton cote)|tout va bien|"
    r"how are you|how do you feel|how are things|how(?:'s| is) it going|te sens|ressens|feel|"
    r"feeling|charge de travail|workload|stress|fatigue|motivation|moral|carriere|career|"
    r"evoluer|evolution|develop\w*|grow\w*|formation|training|bloque|blocker|obstacle|"
    r"difficult\w*|t'aider|vous aider|help you|support you|besoin de moi|need from me|"
    r"conges|vacances|famille|family|perso|personal|equilibre|balance|envie|aimerais-tu|"
    r"would you like|de quoi (?:tu )?(?:veux|voudrais|aimerais)|what would you like)\b"
)


def open_question_warning(transcript: Transcript, extraction: Extraction, settings: Settings,
                          manager: str) -> Warning | None:
    """`few_open_questions`: from `min_questions` asked, too small a share of them open; or no
    question at all in a meeting of `no_question_min_utterances` utterances or more."""
    questions = extraction.questions
    asked = len(questions)
    if asked >= settings.critique.min_questions:
        opened = [q for q in questions if q.kind == "open"]
        if len(opened) / asked >= settings.critique.open_question_share_threshold:
            return None
        return make_warning(
            WarningCode.FEW_OPEN_QUESTIONS, transcript.language,
            {"variant": "few", "open": len(opened), "asked": asked, "manager": manager},
            # Leading questions are closed ones too (they suggest the answer).
            evidence=[i for q in questions if q.kind != "open" for i in q.evidence])
    if asked == 0 and len(transcript.utterances) >= settings.critique.no_question_min_utterances:
        return make_warning(
            WarningCode.FEW_OPEN_QUESTIONS, transcript.language,
            {"variant": "none", "manager": manager},
            evidence=[u.id for u in transcript.utterances if u.role == "manager"][:3])
    return None


def question_warnings(transcript: Transcript, extraction: Extraction, settings: Settings,
                      manager: str) -> list[Warning]:
    """`leading_questions` and `status_review_only`."""
    leading = leading_questions_warning(extraction, settings, transcript.language)
    status = status_review_warning(transcript, extraction, settings, manager)
    return [w for w in (leading, status) if w is not None]


def leading_questions_warning(extraction: Extraction, settings: Settings,
                              lang: str = "en") -> Warning | None:
    leading = [q for q in extraction.questions if q.kind == "leading"]
    if len(leading) < settings.critique.leading_questions_min:
        return None
    quotes = "; ".join(quote(q.text, 70) for q in leading[:3])
    return make_warning(WarningCode.LEADING_QUESTIONS, lang,
                        {"count": len(leading), "quotes": quotes},
                        evidence=sorted({i for q in leading for i in q.evidence}))


def status_review_warning(transcript: Transcript, extraction: Extraction, settings: Settings,
                          manager: str) -> Warning | None:
    """Most questions were about the work's status and nothing was asked about the person."""
    questions = extraction.questions
    if len(questions) < settings.critique.status_review_min_questions:
        return None
    status = [q for q in questions if q.kind != "open" and _STATUS.search(fold(q.text))]
    managers = [u for u in transcript.utterances if u.role == "manager"]
    if any(_PERSONAL.search(fold(u.text)) for u in managers):
        return None
    if len(status) / len(questions) < settings.critique.status_review_share:
        return None
    return make_warning(WarningCode.STATUS_REVIEW_ONLY, transcript.language,
                        {"status": len(status), "asked": len(questions), "manager": manager},
                        evidence=sorted({i for q in status for i in q.evidence}))
