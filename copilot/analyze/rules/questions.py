"""Open, closed and leading questions, French and English.

Open: invites the other person to develop ("Comment tu te sens ?", "What's getting in your
way?", "Tell me more", "I wonder what you make of it"). Closed: a yes/no, a choice or one
specific piece of information, including the status checks the domain notes call control
questions ("Tu en es où sur ce deal ?", "Did you finish the deck?", "How many calls this
week?"). Leading: a closed question that suggests its own answer ("Don't you think you should
call them?", "Tu ne crois pas qu'il faudrait relancer ?", "..., right?"): the report can only
agree, so it counts against the open-question share like a closed one.

Spoken transcripts stutter ("wh-what", "I-I", "how-how") and pile fillers before the question
("Okay. So, um, ..."); both are removed before the patterns run.
"""

from __future__ import annotations

import re
from typing import Literal

from copilot.models import Language
from copilot.text import fold, split_sentences

QuestionKind = Literal["open", "closed", "leading"]

_FILLERS = re.compile(
    r"^(?:(?:et|alors|donc|bon|ok|okay|d'accord|mais|bref|du coup|euh|hum|ah|oh|tres bien|"
    r"parfait|super|so|and|well|right|uh|um|umm|uh-huh|mm-hmm|mhm|mmh|yeah|yes|oui|now|then|but|"
    r"also|hmm|alright|all right|great|good|cool|and then|et puis|puis|ensuite|maintenant|dis|"
    r"dis-moi|you know|like|i mean|see|wow|gotcha|sure|i see|i guess|ben|bah|voila|ecoute|"
    r"enfin|tiens|bon ben|kind of|sort of)[\s,.!;:-]+)+"
)
# "wh-what", "I-I", "how-how", "what-what": a spoken repeat, not two words.
_STUTTER = re.compile(r"\b([\w']{1,8})-(?=\1)", re.IGNORECASE)
_DASHES = re.compile(r"^[\s\-–—.…]+|[\s\-–—]+$")

# -- leading: the answer is in the question --------------------------------------------------
_LEADING = re.compile(
    r"^(?:(?:do|does|did)n't you (?:think|agree|feel|believe|see)|don't you think|"
    r"wouldn't (?:you|it|that)|shouldn't (?:you|we|it)|isn't (?:it|that|this)|aren't you|"
    r"can't you (?:just|see)|couldn't you (?:just)?|won't you|surely|obviously|"
    r"wouldn't you agree|you (?:do )?agree(?:,| that)|you'd agree|i assume you|i guess you|"
    r"i take it|i suppose you|you must (?:agree|admit|see)|"
    r"(?:tu|vous) ne (?:crois|penses|trouves|pensez|croyez|trouvez) pas|"
    r"ne (?:crois|penses|trouves)-tu pas|ne (?:croyez|pensez|trouvez)-vous pas|"
    r"tu ne devrais pas|ne devrais-tu pas|tu n'aurais pas du|il ne faudrait pas|"
    r"ce ne serait pas mieux|ca ne serait pas mieux|n'est-ce pas|tu es d'accord (?:que|pour dire)|"
    r"je suppose que (?:tu|vous)|j'imagine que (?:tu|vous)|evidemment)\b"
    # Tag questions: "..., right?", "..., non ?", "..., d'accord ?"
    r"|,\s*(?:right|correct|isn't it|don't you|aren't you|wouldn't you|won't you|didn't you|"
    r"can't you|n'est-ce pas|non|hein|pas vrai|d'accord|ok|okay|yeah|yes|no)\s*\?+\s*$"
    r"|\s(?:right|n'est-ce pas|pas vrai)\s*\?+\s*$"
)

# -- open ---------------------------------------------------------------------------------------
_OPEN_FR = re.compile(
    r"^(?:comment|pourquoi|qu'est-ce qu|qu'est ce qu|que (?:penses|ressens|veux|voudrais|"
    r"aimerais|proposes|suggeres|retiens|faudrait|pourrions|pourrait|peux|fais|ferais|"
    r"en penses|souhaites|attends|vois)|qu'en |quoi d'autre|de quoi|sur quoi|a quoi|en quoi|"
    r"avec quoi|raconte|parle-moi|parle moi|dis-m'en|explique|decris|"
    r"quel(?:le)?s? (?:sont|est|serait|seraient|seront|a ete|ont ete) (?:tes|ta|ton|les|la|"
    r"le|vos|votre)? ?(?:\w+ )?(?:points?|sujets?|idees?|avis|ressenti|priorites?|"
    r"difficultes?|obstacles?|besoins?|envies?|objectifs?|attentes?|freins?|enseignements?|"
    r"lecons?|reussites?|impressions?|options?|pistes?|solutions?)|qu'aimerais|qu'attends|"
    r"qu'est-ce qui|quel(?:le)?s? (?:points?|sujets?|idees?|difficultes?|obstacles?|besoins?|"
    r"envies?|objectifs?|priorites?|attentes?|freins?|enseignements?|lecons?|options?|pistes?)|"
    r"ou (?:tu te vois|te vois-tu|vous vous voyez|aimerais-tu|voudrais-tu|veux-tu|"
    r"souhaites-tu|tu aimerais|tu voudrais|tu veux|tu souhaites|est-ce que tu (?:te vois|"
    r"aimerais|voudrais|veux|souhaites))|autre chose|d'autres (?:sujets|points|idees|"
    r"questions|choses)|je me demande (?:comment|pourquoi|ce qu|ce que|quel|de quoi|ou)|"
    r"je suis curieu(?:x|se) de (?:savoir|comprendre) (?:comment|pourquoi|ce qu|ce que)|"
    r"(?:est-ce que )?(?:tu as|as-tu|t'as|vous avez|avez-vous|il y a|y a-t-il|y a t il) "
    r"(?:des|d'autres|d'autres) (?:points|sujets|questions|idees|choses|remarques) (?:que|dont|a|"
    r"qui)|y a-t-il (?:des|d'autres) (?:points|sujets))"
)
_OPEN_FR_ANY = re.compile(
    r"\b(?:tu peux|pourrais-tu|peux-tu|vous pouvez|pourriez-vous|tu pourrais|tu veux bien) "
    r"(?:m'en |me |nous )?(?:dire plus|raconter|expliquer|decrire|parler|en dire)"
    r"|\b(?:dis|raconte|explique|parle)[- ]moi\b|\bqu'est-ce que tu en penses\b"
)
_OPEN_EN = re.compile(
    r"^(?:what\b|how\b|why\b|how's|what's|tell me|talk me through|walk me through|talk to me "
    r"about|describe|explain|help me understand|in what way|say (?:a bit |a little |something )?"
    r"more|give me (?:an|some) example|where (?:would|do|does|did|could|should|might|will) "
    r"(?:you|we) (?:like|want|wanna|see|think|go|start|begin|take|fit|stand)|where do you see|"
    r"any (?:other|more|further)? ?(?:thoughts|ideas|questions|concerns|reactions|reasons|"
    r"worries)|anything else|what else|(?:i'm|i am|i was|i) (?:just )?(?:wonder(?:ing)?|"
    r"curious(?: about)?|interested in(?: hearing)?) (?:what|how|why|about|where|which|if|"
    r"whether)|"
    r"i'd (?:like|love) to (?:hear|know|understand|find out|learn) (?:a (?:little )?bit |more )?"
    r"(?:more|what|how|why|about|if|whether)|(?:i'm |i am )?interested in (?:what|how|hearing)|"
    r"who (?:could|can|"
    r"would|might|else|do you think)|(?:do you have|are there|is there|have you got) (?:any|"
    r"some)(?: other| more)? (?:questions|thoughts|ideas|concerns|topics|things|barriers|"
    r"worries|reactions))"
)
_OPEN_EN_ANY = re.compile(
    r"\b(?:can|could|would|will) you (?:tell|say|describe|explain|share|talk|walk|elaborate|"
    r"expand|give me)(?: me| us)? (?:more|about|a bit|a little|how|what|why|through|on|an? "
    r"example|some examples)"
    r"|\b(?:tell|talk to|fill) (?:me|us) (?:in |something |a (?:bit|little) )?(?:more|about|what|"
    r"how|"
    r"why|on)|\bshar(?:e|ing) (?:with me |with us )?(?:a (?:little )?bit|more|something|"
    r"about|what|how|your (?:thoughts|view|experience))"
    r"|\bsay (?:a bit |a little |something )?more about\b|\bwhat do you (?:think|make) of\b"
)
# Wh-questions that still ask for one data point, a number, a date, or a scale rating.
_CLOSED_EN_WH = re.compile(
    r"^(?:how (?:many|much|long|often|old|far|soon)|what (?:time|day|date|percentage|number|"
    r"is the status|'s the status|is the deadline|'s the deadline|is the eta|'s the eta)|"
    r"what's the (?:status|deadline|eta|number|date)|where (?:are|is|were|was) (?:you|we|"
    r"it|that|things) (?:on|with|at)\b|which one|what about (?:maybe|trying|if|we|you) \w)"
)
# Scaling questions ("On a scale of 1 to 10, how confident are you?") ask for one number.
_SCALE = re.compile(r"\bon a scale (?:of|from)\b|\bscale of (?:one|zero|1|0) to\b|"
                    r"\bsur une echelle de\b|\bde (?:0|1|un|zero) a (?:10|dix)\b|"
                    r"\b(?:0|1|10|zero|one|ten) (?:being|means|meaning|etant)\b")
_CLOSED_FR_WH = re.compile(
    r"^(?:combien|quand|ou en|quel(?:le)?s? (?:date|jour|heure|montant|chiffre|statut|"
    r"etat|delai|budget|pourcentage|taux|note))|\b(?:en es|en etes|en sommes|en est) ou\b|"
    r"\b(?:c'est pour|pour|c'est|tu finis|tu livres|ca sort|prevu) quand\b|"
    r"\b(?:tu as prevu|t'as prevu|vous avez prevu) quoi\b"
)
# Permission and offers ("Can I show you...", "Would it be okay if we..."): yes/no.
_PERMISSION = re.compile(
    r"^(?:(?:can|could|may|might) (?:i|we)|would it be (?:ok|okay|alright|all right|fine)|"
    r"is it (?:ok|okay|alright|all right|fine) (?:if|with)|do you mind|would you mind|"
    r"(?:est-ce que )?je (?:peux|pourrais)|(?:est-ce que )?on (?:peut|pourrait)|puis-je|"
    r"ca te (?:va|derange)|tu veux que je)\b"
)

# "Salut Julien, ...", "Julien, ...": greetings and a vocative name do not change the question.
_GREETING = re.compile(
    r"^\s*(?:salut|bonjour|coucou|hello|hi|hey|bonsoir)\b[^,?]{0,25},\s*", re.IGNORECASE
)
_VOCATIVE = re.compile(r"^\s*[A-ZÀ-Ý][\w-]+,\s+")
# Clause starts inside a sentence where a question can begin ("..., and what do you think?").
_CLAUSE = re.compile(
    r"(?:(?:,|;|:|-{1,2}|—|\.\.\.)\s+|\s(?=(?:and|so|but|et|mais|alors|donc)\s+(?:what|how|why|"
    r"comment|pourquoi|qu'est)\b))(?:(?:and|so|but|et|mais|alors|donc|or|ou|um|uh|euh|like|"
    r"you know)[\s,]+)*"
)


def _core(question: str) -> str:
    question = _VOCATIVE.sub("", _GREETING.sub("", question, count=1), count=1)
    text = _STUTTER.sub("", fold(question))
    text = _DASHES.sub("", text.strip(" \t\"'«»“”"))
    return _FILLERS.sub("", text).strip()


def _kind(q: str) -> QuestionKind | None:
    if _LEADING.search(q):
        return "leading"
    if _PERMISSION.search(q):
        return "closed"
    if _OPEN_FR_ANY.search(q) or _OPEN_EN_ANY.search(q):
        return "open"  # "How about you tell me more about it?": the invitation wins
    if _CLOSED_EN_WH.search(q) or _CLOSED_FR_WH.search(q):
        return "closed"
    if _OPEN_FR.search(q) or _OPEN_EN.search(q):
        return "open"
    return None


def classify_sentence(question: str, lang: str = Language.FR) -> QuestionKind:
    q = _core(question)
    kind = _kind(q)
    if kind != "leading" and _SCALE.search(q):
        return "closed"
    if kind not in ("open", "leading"):
        # "Et pour les congés, qu'est-ce que tu as en tête ?", "When you think about it, what
        # matters most?": the real question starts after the topic, at a clause boundary.
        for part in reversed(_CLAUSE.split(q)[1:]):
            part = _core(part)
            if len(part.split()) < 2 and not part.startswith(("why", "pourquoi", "comment")):
                continue  # "..., or what?" is not an open question
            later = _kind(part)
            if later in ("open", "leading"):
                return later
    if kind is None and _is_choice(q):
        return "closed"
    return kind or "closed"


def _is_choice(q: str) -> bool:
    """"Tomorrow or the next day?", "Plutôt le mardi ou le jeudi ?": an either/or."""
    return bool(re.search(r"\b(?:or|ou)\b[^,]{1,40}\?\s*$", q)) and len(q.split()) <= 12


def classify_question(text: str, lang: str = Language.FR) -> QuestionKind:
    """Kind of the question(s) in `text`.

    A turn with several questions is open if any of them is open (the speaker left room to
    answer broadly), unless the turn ends on a leading question, which is the one the report
    answers. Text without a question mark (an AnnoMI utterance, "Tell me more about it.") is
    read sentence by sentence for an invitation to talk.
    """
    sentences = split_sentences(text)
    asked = [s for s in sentences if s.rstrip().endswith("?")]
    if not asked:
        # No question mark (transcribers drop them): any sentence may carry the question.
        kinds = [classify_sentence(s, lang) for s in sentences or [text]]
        return "open" if "open" in kinds else ("leading" if "leading" in kinds else "closed")
    kinds = [classify_sentence(s, lang) for s in asked]
    if kinds[-1] == "leading":
        return "leading"
    # "Your gut is telling you what? Tell me about that.": an invitation after the question.
    kinds += ["open" for s in sentences if s not in asked and is_invitation(s)]
    return "open" if "open" in kinds else ("leading" if "leading" in kinds else "closed")


_INVITE = re.compile(
    r"^(?:tell|talk to|fill) (?:me|us)|^(?:describe|explain|walk me through|talk me through|"
    r"help me understand|say (?:a bit |a little |something )?more|give me an example)|"
    r"^(?:i'm|i am|i was|i) (?:just |kind of )?(?:wonder(?:ing)?|curious)|^i'd (?:like|love) to "
    r"(?:hear|know|understand)|^(?:raconte|parle|explique|decris|dis)[- ]moi|"
    r"^je me demande (?:comment|pourquoi|ce qu|si)|^je suis curieu"
)


def is_invitation(sentence: str) -> bool:
    """A statement that asks the other to talk ("Tell me more.", "I wonder what happened.")."""
    q = _core(sentence)
    return bool(_INVITE.search(q) or _OPEN_EN_ANY.search(q) or _OPEN_FR_ANY.search(q))


def open_or_closed(text: str, lang: str = Language.FR) -> Literal["open", "closed"]:
    """Two-way view for sets labelled only open/closed (AnnoMI): leading is a kind of closed."""
    return "open" if classify_question(text, lang) == "open" else "closed"
