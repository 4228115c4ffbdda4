"""Open vs closed questions, French and English.

Open: invites the other person to develop ("Comment tu te sens ?", "What's getting in your
way?", "Tell me more"). Closed: a yes/no or one specific piece of information, including the
status checks the domain notes call control questions ("Tu en es où sur ce deal ?", "Did you
finish the deck?", "How many calls this week?").
"""

from __future__ import annotations

import re
from typing import Literal

from copilot.analyze.rules.sentences import split_sentences
from copilot.text import fold

QuestionKind = Literal["open", "closed"]

_FILLERS = re.compile(
    r"^(?:(?:et|alors|donc|bon|ok|okay|d'accord|mais|bref|du coup|euh|hum|ah|oh|tres bien|"
    r"parfait|super|so|and|well|right|uh|um|yeah|yes|oui|now|then|but|also|hmm|alright|"
    r"great|good|cool|and then|et puis|puis|ensuite|maintenant|dis|dis-moi)[\s,.!-]+)+"
)

_OPEN_FR = re.compile(
    r"^(?:comment|pourquoi|qu'est-ce qu|qu'est ce qu|qu'est-ce que|que (?:penses|ressens|veux|"
    r"voudrais|aimerais|proposes|suggeres|retiens|faudrait|pourrions|pourrait|peux|fais|"
    r"ferais|en penses)|qu'en |quoi d'autre|de quoi|sur quoi|a quoi|en quoi|avec quoi|"
    r"raconte|parle-moi|dis-m'en|explique|decris|quel(?:le)?s? (?:sont|est|serait|seraient|"
    r"seront|a ete|ont ete) (?:tes|ta|ton|les|la|le|vos|votre)? ?(?:\w+ )?(?:points?|sujets?|"
    r"idees?|avis|ressenti|priorites?|difficultes?|obstacles?|besoins?|envies?|objectifs?|"
    r"attentes?|freins?|enseignements?|lecons?|reussites?|impressions?)|qu'aimerais|"
    r"qu'attends|qu'est-ce qui|quel(?:le)?s? (?:points?|sujets?|idees?|difficultes?|obstacles?|"
    r"besoins?|envies?|objectifs?|priorites?|attentes?|freins?|enseignements?|lecons?))"
)
_OPEN_FR_ANY = re.compile(
    r"\b(?:tu peux|pourrais-tu|peux-tu|vous pouvez|pourriez-vous) (?:m'en |me |nous )?"
    r"(?:dire plus|raconter|expliquer|decrire|parler|en dire)"
)
_OPEN_EN = re.compile(
    r"^(?:what\b|how\b|how (?:do|did|does|are|is|was|were|would|could|can|should|might|has|have|'s|"
    r"come|about)|how's|what(?:'s| is| was| were| are| do| did| does| would| could| can|"
    r" should| else| might| has| have| kind| sort| makes| made| happened| helps| gets| got| "
    r"comes| worries| concerns| excites| motivates| stands| would)|what's|tell me|talk me "
    r"through|walk me through|describe|explain|help me understand|in what way)"
)
_OPEN_EN_ANY = re.compile(
    r"\b(?:can|could|would|will) you (?:tell|say|describe|explain|share|talk|walk|elaborate|"
    r"expand)(?: me)? (?:more|about|a bit|a little|how|what|why|through|on)"
)
# Wh-questions that still ask for one data point.
_CLOSED_EN_WH = re.compile(
    r"^(?:how (?:many|much|long|often|old|far|soon)|what (?:time|day|date|percentage|number|"
    r"is the status|'s the status|is the deadline|'s the deadline|is the eta|'s the eta)|"
    r"what's the (?:status|deadline|eta|number|date))"
)
_CLOSED_FR_WH = re.compile(
    r"^(?:combien|quand|ou en|quel(?:le)?s? (?:date|jour|heure|montant|chiffre|statut|"
    r"etat|delai|budget|pourcentage|taux))|\b(?:en es|en etes|en sommes|en est) ou\b|"
    r"\b(?:c'est pour|pour|c'est|tu finis|tu livres|ca sort|prevu) quand\b|"
    r"\b(?:tu as prevu|t'as prevu|vous avez prevu) quoi\b"
)


# "Salut Julien, ...", "Julien, ...": greetings and a vocative name do not change the question.
_GREETING = re.compile(r"^\s*(?:salut|bonjour|coucou|hello|hi|hey|bonsoir)\b[^,?]{0,25},\s*", re.IGNORECASE)
_VOCATIVE = re.compile(r"^\s*[A-ZÀ-Ý][\w-]+,\s+")


def _core(question: str) -> str:
    question = _VOCATIVE.sub("", _GREETING.sub("", question, count=1), count=1)
    return _FILLERS.sub("", fold(question).strip(" \t\"'«»“”-–—")).strip()


def _kind(q: str) -> QuestionKind | None:
    if _CLOSED_EN_WH.search(q) or _CLOSED_FR_WH.search(q):
        return "closed"
    if _OPEN_FR.search(q) or _OPEN_EN.search(q) or _OPEN_FR_ANY.search(q) or _OPEN_EN_ANY.search(q):
        return "open"
    return None


def classify_sentence(question: str, lang: str = "fr") -> QuestionKind:
    q = _core(question)
    kind = _kind(q)
    if kind is None and "," in q:
        # "Et pour les congés, qu'est-ce que tu as en tête ?": the topic comes first.
        kind = _kind(_core(q.rsplit(",", 1)[1]))
    return kind or "closed"


def classify_question(text: str, lang: str = "fr") -> QuestionKind:
    """Kind of the question(s) in `text`; a turn with several questions is open if any is open
    (the speaker left room to answer broadly)."""
    sentences = [s for s in split_sentences(text) if s.rstrip().endswith("?")] or [text]
    kinds = [classify_sentence(s, lang) for s in sentences]
    return "open" if "open" in kinds else "closed"
