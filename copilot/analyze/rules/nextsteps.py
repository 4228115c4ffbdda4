"""Next steps: who committed to do what, found from the shape of the sentence.

Owner follows grammatical person, relative to the utterance's speaker:
  first person ("je vais demander", "je t'envoie", "I'll send")         -> the speaker
  a request or second person ("tu m'envoies X vendredi", "can you ...") -> the addressee
  "on se refait un point", "let's sync"                                 -> both
Questions only count when they are requests ("tu peux m'envoyer ?", "can you send ...?") or
carry a date; negated, hypothetical and past sentences never count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from copilot.analyze.rules.dates import RELATIVE
from copilot.analyze.rules.verbs import to_infinitive
from copilot.models import Language
from copilot.text import fold

Who = Literal["speaker", "addressee", "both"]

_CL = r"(?:(?:te|vous|lui|leur|le|la|les|en|y|me|nous|se)\s+|(?:t|l|m|s)'\s*)*"
_CL_EN = (r"(?:also |just |quickly |definitely |then |first |please |make sure to |try to |"
          r"go ahead and )*")

_FR_PRESENT_1S = (
    "demande|envoie|renvoie|transmets|prepare|relance|regarde|verifie|organise|planifie|appelle|"
    "rappelle|ecris|propose|bloque|cale|reserve|valide|programme|partage|contacte|reviens|redige|"
    "confirme|presente|parle|previens|fais suivre|fais le point|fais un point|mets a jour|"
    "mets en place|prends rendez-vous|prends contact|inscris|ajoute|check|recontacte|relis|"
    "corrige|finalise|boucle|lance|occupe|charge|tiens au courant|tiens informe|fais un retour|"
    "fais signe|fais le necessaire|fais une proposition|termine|finis|livre|documente|teste|"
    "renseigne|reviens vers|recontacte|raccourcis|nettoie|reprends|traite|relis|retire|enleve|"
    "rajoute|supprime|decale"
)
# Adverbs between a modal and its verb: "tu peux aussi relire", "je vais juste envoyer".
_ADV = r"(?:(?:aussi|juste|encore|vite|rapidement|egalement|d'abord|bien|alors|donc)\s+)*"
_FR_PRESENT_2S = (
    "envoies|prepares|fais|regardes|relances|appelles|organises|finalises|mets|prends|ecris|"
    "contactes|verifies|completes|corriges|ajoutes|termines|boucles|valides|partages|presentes|"
    "rediges|cales|bloques|reserves|inscris|transmets|lances|renvoies|rappelles|relis|"
    "recontactes|fixes|planifies|diffuses|montes|chiffres|mets a jour"
)
# Whisper writes what it hears: the endings of "tu envoies", "je envoie", "il envoie" sound alike,
# and so does the noun "des envois". After "je"/"tu" either person's spelling is the verb.
_SOUNDS_LIKE = "envois|renvois|envoit"
_FR_SPOKEN_1S = "|".join([_FR_PRESENT_1S, _SOUNDS_LIKE, *(
    v for v in _FR_PRESENT_2S.split("|") if v.endswith("es") and " " not in v)])
_FR_SPOKEN_2S = "|".join([_FR_PRESENT_2S, _SOUNDS_LIKE, *(
    v[:-1] for v in _FR_PRESENT_2S.split("|") if v.endswith("es") and " " not in v)])
_BAD_EN_VERBS = {
    "run", "go", "leave", "head", "hop", "jump", "get",
    "be", "have", "think", "imagine", "bet", "guess", "admit", "say", "hear", "understand",
    "like", "love", "hope", "need", "want", "feel", "see", "know", "remember", "agree", "tell",
    "do", "help", "mean", "believe", "wish", "probably", "never", "not", "still", "always",
}
_BAD_FR_VERBS = {
    "bien", "mieux", "mal", "etre", "avoir", "dire", "penser", "croire", "savoir", "aimer",
    "comprendre", "imaginer", "sentir", "vouloir", "pas", "jamais", "plus", "rien", "toujours",
}

_PATTERNS: list[tuple[Who, bool, re.Pattern[str]]] = []  # (who, allowed in a question, pattern)


def _p(who: Who, pattern: str, in_question: bool = False) -> None:
    _PATTERNS.append((who, in_question, re.compile(pattern)))


# French, the speaker commits.
_p("speaker", rf"\bje (?:vais|compte|dois|prevois de|m'engage a|promets de|te promets de|vais "
    rf"tacher de|me "
    rf"propose de|peux) {_ADV}(?P<cl>{_CL})(?P<v>[a-z-]+(?:er|ir|re|oir))\b(?P<rest>.*)")
_p("speaker", r"\bje (?P<cl>m'en |m'|me )(?P<v>occupe|charge)\b(?P<rest>.*)")
_p("speaker", rf"\bje (?P<cl>{_CL})(?P<v>{_FR_SPOKEN_1S})\b(?P<rest>.*)")
_p("speaker", r"\bj'(?P<cl>)(?P<v>envoie|appelle|ecris|organise|ajoute|en parle|inscris|informe|"
    r"essaie|"
    r"essaye|enverrai|appellerai|ecrirai|organiserai|irai)\b(?P<rest>.*)")
_p("speaker", rf"\bje (?P<cl>{_CL})(?P<v>[a-z]+(?:erai|irai|drai|trai|rai))\b(?P<rest>.*)")
# French, the listener is asked.
_p("addressee", rf"\b(?:tu (?:vas|peux|pourrais|dois)|peux-tu|pourrais-tu|est-ce que tu (?:peux|"
    rf"pourrais)) {_ADV}"
    rf"(?P<cl>{_CL})(?P<v>[a-z-]+(?:er|ir|re|oir))\b(?P<rest>.*)", True)
_p("addressee", rf"\btu (?P<cl>{_CL})(?P<v>{_FR_SPOKEN_2S})\b(?P<rest>.*)", True)
_p("addressee", rf"\b(?:je te laisse|je compte sur toi pour|il faudrait que tu|il faut que tu|"
    rf"j'ai besoin que "
    rf"tu|je voudrais que tu|j'aimerais que tu|je veux que tu|n'oublie pas de|pense a|merci de|tu "
    rf"penses a|tu n'oublies pas de) (?P<cl>{_CL})(?P<v>[a-z-]+)\b(?P<rest>.*)", True)
_p("addressee", r"^(?:(?:ok|alors|et|donc|bon|du coup)[ ,]+)?(?P<cl>)(?P<v>[a-z]+)-(?:moi|les|le|"
    r"la|lui|leur|"
    r"nous|en)\b(?P<rest>.*)")
_p("addressee", r"^(?:(?:ok|alors|et|donc|bon|du coup)[ ,]+)?(?P<cl>)(?P<v>envoie|prepare|regarde|"
    r"relance|"
    r"appelle|organise|ecris|contacte|verifie|complete|corrige|ajoute|termine|valide|partage|"
    r"redige|cale|bloque|reserve|inscris|transmets|finalise)(?:-moi|-lui|-leur|-le|-la|"
    r"-les)?\b(?P<rest>.*)")
# French, both of them.
_p("both", r"\bon (?P<cl>se |s'|en )*(?P<v>refait|fait|cale|recale|revoit|reparle|fixe|planifie|"
    r"organise|"
    r"voit|retrouve|reprend|programme|bloque|redit|dit|tient)\b(?P<rest>.*)")
# English.
_p("speaker", rf"\b(?:i'll|i will|i'm going to|i am going to|i'm gonna|let me|i can|i need to|i "
    rf"have to|i "
    rf"promise to|i'll make sure to|i'll try to)\s+(?P<cl>{_CL_EN})(?P<v>[a-z]+)\b(?P<rest>.*)")
_p("addressee", rf"\b(?:can you|could you|would you|will you|would you mind|i need you to|i'd "
    rf"like you to|i "
    rf"want you to|make sure you|don't forget to|remember to|you'll|you will|you're going to|you "
    rf"are going to|you need to|you have to|please)\s+(?P<cl>{_CL_EN}(?:be able to "
    rf")?)(?P<v>[a-z]+)\b(?P<rest>.*)", True)
_p("addressee", r"^(?:(?:ok|so|and|also|alright|then|now)[ ,]+)?(?P<cl>)(?P<v>send|share|"
    r"prepare|book|schedule|update|"
    r"write|draft|fix|review|finish|call|email|ping|follow up|put together|reach out|loop in|"
    r"sync)\b(?P<rest>.*)")
_p("both", r"\b(?:let's|lets|let us|we'll|we will|we're going to)\s+(?P<cl>)(?P<v>meet|sync|catch "
    r"up|"
    r"review|revisit|check in|talk|discuss|reconvene|regroup|follow up|circle back|touch base|"
    r"schedule|plan|go over|pick|look)\b(?P<rest>.*)")

_NEGATED = re.compile(
    r"\b(?:ne|n') ?(?:\S+ ){0,2}?(?:pas|jamais|plus)\b|\bje (?:vais|peux|dois) pas\b|"
    r"\b(?:won't|can't|cannot|not going to|don't|didn't|never|wouldn't|shouldn't)\b"
)
_HYPOTHETICAL = re.compile(
    r"^(?:si|if|whether|quand|when|au cas ou|imagine|supposons)\b|\b(?:si on avait|if we had|"
    r"if i had|on pourrait|we could|i could|je pourrais|peut-etre|maybe|perhaps|"
    r"eventuellement|would have|aurait|aurais|serait)\b"
)
PAST = re.compile(r"\b(?:hier|yesterday|deja|already|la semaine derniere|last week|ce matin|this "
    r"morning)\b")
_CUT = re.compile(
    r"\s+(?:mais|but|parce que|because|car|comme ca|so that|pour que|, ok|, d'accord|ok \?|ca "
    r"marche|"
    r"s'il te plait|stp|please|si possible|if possible|et moi je|and i'll|et je)\b|[;:]"
)
# Obligations ("je dois", "I have to") are plans, not promises, unless a date makes them one.
# So are offers and abilities ("I can show you", "je peux regarder"): in a group meeting they
# are mostly about the next minute. "Let me ..." is the next minute too unless it defers.
_WEAK = re.compile(r"\b(?:je dois|i need to|i have to|i've got to|i gotta|i can|je peux)\s+"
                   r"(?:\S+\s+)?$")
_LET_ME = re.compile(r"\blet me\s+(?:\S+\s+)?$")
_DEFERRED = {"find", "check", "look", "ask", "follow", "get", "think", "confirm", "talk", "see",
             "dig", "loop", "circle", "double-check", "reach", "speak"}
_PRONOUN_ONLY = re.compile(
    r"(?:(?:ca|cela|le|la|les|it|him|her|them|that|this|one|oui|ok|yes)\s*)*"
    r"(?:(?:tout de suite|right away|now|maintenant|asap|today|aujourd'hui|demain|tomorrow)\s*)?"
)
# "before our next one-on-one" dates a step; it does not set the meeting (see _SCHEDULING).
_NEXT_MEETING_DUE = re.compile(
    r"\b(?:before|by|until|ahead of|prior to|avant|d'ici|pour)\s+(?:our |the |my |your |notre |"
    r"le |la |ton |mon |votre )?(?:next|prochaine?)\s+(?:1:1|one[- ]on[- ]one|one[- ]to[- ]one|"
    r"check-in|meeting|point|rendez-vous|rdv|entretien|reunion|fois|time)(?: individuel)?\b"
)
# Setting the date of the next 1:1 is the calendar's job, not an action item.
_SCHEDULING = re.compile(
    r"\b(?:prochain (?:point|1:1|one-to-one|rendez-vous|rdv|entretien)(?: individuel)?|"
    r"next (?:1:1|one[- ]on[- ]one|one[- ]to[- ]one|check-in)|same time next week|"
    r"meme heure la semaine prochaine)\b"
)
# A wh-question asks for an answer, not for a task: "what can you show me?".
_WH_START = re.compile(r"^(?:(?:ok|so|and|alors|et|bon)[ ,]+)?(?:what|how|why|where|which|who|"
    r"when|qu'est-ce|que |quoi|comment|pourquoi|ou |quand|quel)")
# Things done in the meeting itself ("let me share my screen", "can you paste the link in the
# chat?") are no next step.
_IN_MEETING = re.compile(
    r"\b(?:right now|at the moment|in this moment|share (?:my |the |your )?screen|(?:stop|start) "
    r"(?:the |my |your )?(?:video|recording|sharing)|un-?mute|disconnect|"
    r"leave the (?:meeting|call)|end (?:the )?meeting|in the chat|dans le chat|"
    r"partager? (?:mon |l')?ecran|en ce moment)\b"
)
# A topic put first ("pour la formation, je m'en occupe") is what "en"/"it" stands for.
_TOPIC = re.compile(r"^(?:(?:et|and|ok|alors)[ ,]+)?(?:pour|quant a|concernant|cote|for|as for|"
    r"regarding)\s+(?P<topic>[^,]{3,60}),")
_REQUEST_Q = re.compile(r"\b(?:peux|pourrais|peux-tu|pourrais-tu|can you|could you|would you|will "
    r"you)\b")


def is_scheduling(text: str) -> bool:
    """Whether a line only sets the next 1:1 ("Prochain point individuel dans deux semaines")."""
    t = fold(text)
    return bool(_SCHEDULING.search(_NEXT_MEETING_DUE.sub(" ", t)))


@dataclass(frozen=True)
class Candidate:
    who: Who
    verb: str  # as said (folded)
    action: str  # infinitive first, original casing of the rest
    verb_start: int
    # The task is a pronoun ("I'll read it tonight"): the thing is named in the turn before;
    # the engine keeps it only when that turn did not already ask for it.
    vague: bool = False


def detect(sentence: str, lang: str, *, has_due: bool,
           due_text: str | None = None, relative_due: bool = False) -> Candidate | None:
    """A next step in one sentence, or None. Positions refer to the folded sentence.
    `due_text`: the date's words, left out when judging whether anything but a pronoun is
    said ("je t'envoie ça vendredi matin" names no task of its own). `relative_due`: the due
    is "the next 1:1" ("before our next one-on-one"), which makes a promise, not scheduling
    talk; but "on en reparle la prochaine fois" is a topic carried to the next 1:1 (the
    recap's), not something to do."""
    t = fold(sentence)
    relative = _NEXT_MEETING_DUE.search(t)
    relative_due = relative_due or relative is not None
    has_due = has_due or relative is not None
    if _HYPOTHETICAL.search(t) or (PAST.search(t) and not has_due):
        return None
    if _SCHEDULING.search(RELATIVE.sub(" ", _NEXT_MEETING_DUE.sub(" ", t))) or \
            _IN_MEETING.search(t):
        return None
    said = [fold(x) for x in (due_text, relative.group(0) if relative else None) if x]
    # Every pattern is tried and the earliest verb wins: in "send them the quote, and copy me
    # so I can follow up" the request is the main clause, "I can follow up" a purpose.
    found: list[Candidate] = []
    for who, in_question, pattern in _PATTERNS:
        m = pattern.search(t)
        if not m:
            continue
        # Negation counts only up to the verb: "je demande ... pour ne pas revivre ça" commits.
        if _NEGATED.search(t[: m.end("v")]) and not _bad_verb(m):
            break
        cand = _candidate(sentence, t, m, who, in_question, (has_due, relative_due), said,
                          lang)
        if cand is not None:
            found.append(cand)
    return min(found, key=lambda c: c.verb_start, default=None)


def _bad_verb(m: re.Match[str]) -> bool:
    verb = m.group("v")
    back = verb == "get" and re.match(r"\s+back\b", m.group("rest"))  # "I'll get back to you"
    return (verb in _BAD_EN_VERBS or verb in _BAD_FR_VERBS) and not back


def _candidate(sentence: str, t: str, m: re.Match[str], who: Who, in_question: bool,
               dues: tuple[bool, bool], said: list[str], lang: str) -> Candidate | None:
    """One pattern's match, if it passes the checks that make it a commitment. `dues`: whether
    a due was said, and whether it is the next 1:1."""
    has_due, relative_due = dues
    verb, before, is_q = m.group("v"), t[: m.start("v")], t.rstrip().endswith("?")
    if _bad_verb(m) or (not has_due and (
            _WEAK.search(before) or (_LET_ME.search(before) and verb not in _DEFERRED))):
        return None
    rest = m.group("rest")
    for words in said:
        rest = rest.replace(words, " ")
    if _PRONOUN_ONLY.fullmatch(_TIME_OF_DAY.sub(" ", rest).strip(" ,.;:!?")):
        topic = _TOPIC.search(t)
        if topic and who == "speaker":  # "pour la formation, je m'en occupe"
            return Candidate(who, verb, _topic_action(sentence, m, topic, lang), m.start("v"))
        if who == "speaker" and has_due:  # a dated promise stands, whatever its object
            return Candidate(who, verb, _action(sentence, t, m, lang), m.start("v"), vague=True)
        return None  # "je regarde ça", "I'll ask him": the real task is in the turn before
    if is_q and not (in_question and (_REQUEST_Q.search(t) or has_due)):
        return None
    if in_question and _WH_START.search(t):
        return None
    # Present tense in French and bare "on fait" read as habits without a date or a request.
    if who == "addressee" and re.fullmatch(_FR_SPOKEN_2S, verb) and not (has_due or is_q):
        return None
    if who == "both" and (not has_due or relative_due) and not re.search(
            r"\bpoint\b|\bcatch up\b|\bsync\b", RELATIVE.sub(" ", t)):
        return None
    return Candidate(who, verb, _action(sentence, t, m, lang), m.start("v"))


_TIME_OF_DAY = re.compile(r"\b(?:matin|soir|apres-midi|midi|morning|afternoon|evening|night|"
    r"first thing|a la premiere heure)\b")


def _topic_action(sentence: str, m: re.Match[str], topic: re.Match[str], lang: str) -> str:
    said = sentence[topic.start("topic"):topic.end("topic")] if len(sentence) == len(
        m.string) else topic.group("topic")
    if lang == Language.FR:
        verb = to_infinitive(m.group("v"))
        if m.group("v") in ("occupe", "charge"):
            verb = "s'" + verb
        return f"{verb} de {said}".replace(" de le ", " du ").replace(" de les ", " des ")
    return f"{m.group('v')} {said}"


def _action(sentence: str, folded: str, m: re.Match[str], lang: str) -> str:
    start, end = m.start("v"), m.end("v")
    original_verb = sentence[start:end] if len(sentence) == len(folded) else m.group("v")
    rest = sentence[end:] if len(sentence) == len(folded) else m.group("rest")
    cut = _CUT.search(rest)
    if cut:
        rest = rest[: cut.start()]
    rest = re.sub(r"^(?:-moi|-lui|-leur|-le|-la|-les)\b", "", rest)
    cl = (m.group("cl") or "").strip()
    french_verb = re.search(r"[a-z]+(?:er|ir|re)$", original_verb) and lang != Language.EN
    if lang == Language.FR or french_verb:
        verb = to_infinitive(original_verb)
        if m.group("v") in ("occupe", "charge"):
            verb = "s'" + verb
        elif re.search(r"(?:^|\s)(?:se\b|s')", cl):
            verb = ("s'" if verb[:1] in "aeiouéèh" else "se ") + verb
        action = f"{verb}{rest}"
    else:
        action = f"{original_verb}{rest}"
    return " ".join(action.strip(" ,.;:!?-–—").split())
