"""Feedback: polarity (praise / criticism) and target (behaviour and facts vs the person).

A sentence is feedback when it carries an evaluative cue AND is aimed at the listener (second
person) or at a piece of their work. Target is `person` for traits ("tu es désorganisé"),
labels and name-calling ("you're an idiot"), and "always/never" generalisations about the
person ("tu ne fais jamais attention", "c'est toujours pareil avec toi"); everything else that
is evaluative is `behavior`. Trait praise ("tu es brillant") is also `person`: it tells the
listener nothing they can repeat.
"""

from __future__ import annotations

import re
from typing import Literal

from copilot.text import fold

Polarity = Literal["positive", "negative"]
Target = Literal["behavior", "person"]


def _alt(words: str) -> str:
    return "(?:" + "|".join(w.strip() for w in words.split(",") if w.strip()) + ")"


_NEG_TRAITS = _alt(
    "desorganisee?, paresseu(?:x|se), faineante?, nulle?, incompetente?, lente?, brouillon(?:ne)?,"
    "negligente?, irresponsable, penible, arrogante?, egoiste, immature, incapable, bordelique,"
    "distraite?, tetue?, agressi(?:f|ve), susceptible, negati(?:f|ve), passi(?:f|ve), mou, molle,"
    "bete, idiote?, stupide, ingerable, insupportable, lourde?, limite, je-m'en-foutiste, feignante?,"
    "pas fiable, pas serieu(?:x|se), pas rigoureu(?:x|se), pas autonome, pas a la hauteur,"
    "pas fait pour, pas faite pour, pas professionnel(?:le)?, pas organisee?, jamais content,"
    "lazy, sloppy, disorgani[sz]ed, careless, incompetent, useless, unreliable, hopeless, stupid,"
    "slow, arrogant, selfish, immature, negative, clueless, unprofessional, rude, annoying,"
    "a mess, not a team player, not reliable, not serious, dumb, pathetic, evil, impossible,"
    "too emotional, too sensitive, difficult to work with, a problem, the problem"
)
_POS_TRAITS = _alt(
    "brillante?, geniale?, douee?, intelligente?, exceptionnel(?:le)?, formidable, une star,"
    "un genie, une perle, un crack, incroyable, la meilleure?, le meilleur, parfaite?,"
    "brilliant, a genius, a star, amazing, so smart, a natural, talented, gifted, the best,"
    "a rock ?star, awesome, incredible, perfect, a superstar"
)
_NAMES = _alt(
    "boulet, imbecile, cretin, amateur, glandeur, tire-au-flanc, bon a rien, catastrophe, gamin,"
    "gamine, idiot, clown, idiot, moron, loser, liar, joke, amateur, baby, child, menteur, menteuse"
)
_YOU_ARE = (
    r"(?:\btu es|\bt'es|\bvous etes|\btu etais|\bt'etais|\btu as ete|\bt'as ete|\byou're|\byoure|"
    r"\byou are|\byou were|\byou've been|\byou have been|\bwhat an?|\bquel(?:le)?|\bsale|\bespece d[e'])"
)
_INTENS = (
    r"(?:\s+(?:vraiment|trop|tellement|si|tres|completement|un peu|assez|toujours|encore|"
    r"really|so|just|too|very|such|being|always|a bit|quite|pretty|totally|completely|"
    r"incredibly|such an?|an?|un|une|the|le|la|une vraie|un vrai|vrai|vraie|absolument|"
    r"absolutely|plutot))*"
)

_PERSON_NEG = re.compile(
    rf"{_YOU_ARE}{_INTENS}\s+(?:{_NEG_TRAITS}|{_NAMES})\b"
    r"|\btu n'es (?:vraiment |jamais |toujours )?pas (?:fiable|serieu(?:x|se)|rigoureu(?:x|se)|"
    r"organisee?|autonome|capable|a la hauteur|fait pour|faite pour|professionnel)"
    r"|\b(?:toujours|encore) (?:la meme chose|pareil) avec (?:toi|vous)\b"
    r"|\bavec (?:toi|vous),? c'est (?:toujours|jamais|encore)\b|\bcomme d'hab(?:itude)? avec toi\b"
    r"|\b(?:typique de toi|c'est tout toi|typical of you|so typical|typical you|that's so you)\b"
    r"|\bwhat'?s wrong with you\b|\bqu'est-ce qui (?:va pas|cloche) chez toi\b"
    r"|\b(?:ton|ta|your) (?:attitude|caractere|personnalite|mentalite|personality|mentality)\b"
    r"|\b(?:i hate you|je te deteste|you people)\b"
    rf"|^(?:{_NAMES}|{_NEG_TRAITS})\W*$"
)
# "You never listen", "tu ne fais jamais attention": a negative generalisation about the listener.
_NEVER = re.compile(
    r"\b(?:you|you've|you have)\s+(?:\S+\s+)?never\b|\b(?:tu ne|tu n'|vous ne|vous n')\S*"
    r"(?:\s+\S+){0,2}?\s+jamais\b|\btu (?:\S+ )?jamais\b"
)
_PERSON_POS = re.compile(rf"{_YOU_ARE}{_INTENS}\s+{_POS_TRAITS}\b")
# "always/never" about the listener: a generalisation, not an observed fact.
_ALWAYS_NEVER = re.compile(
    r"\b(?:tu|t'|vous|you)\b(?:\s+\S+){0,3}?\s+(?:toujours|jamais|systematiquement|constamment|"
    r"tout le temps|sans arret|always|never|constantly|every single time|all the time)\b"
    r"|\b(?:tu ne|tu n'|t'|vous ne)\S*(?:\s+\S+){0,2}?\s+jamais\b"
)

_POSITIVE = re.compile(
    r"\b(?:bravo|bien joue|bon travail|beau travail|excellent travail|super travail|tres bon "
    r"travail|bon boulot|super boulot|beau boulot|tu as assure|t'as assure|tu as gere|t'as gere|"
    r"merci (?:pour|d'avoir|beaucoup pour)|felicitations|chapeau|impeccable|j'ai (?:beaucoup |"
    r"vraiment )?apprecie|j'ai ete (?:tres |vraiment )?impressionnee?|tres bien (?:gere|fait|"
    r"mene|presente|prepare)|bien gere|nickel|du tres bon|tres pro|c'etait (?:tres |vraiment |"
    r"super )?(?:clair|efficace|utile|reussi|top|convaincant|solide)|tu as (?:tres )?bien|"
    r"great job|good job|well done|nice work|great work|excellent work|nice job|"
    r"thank you for|thanks for|i (?:really )?appreciated?|impressive|you nailed|kudos|"
    r"fantastic|outstanding|you did (?:a )?(?:great|good|fantastic|excellent|really good)|"
    r"you handled|congrat(?:s|ulations)|was (?:very |really |super )?(?:clear|helpful|useful|"
    r"solid|convincing)|great call|good call|proud of|(?:etait|est|was|is|were) (?:tres |vraiment |"
    r"super |really |very |so )?(?:claire?|efficace|utile|reussie?|solide|convaincante?|clear|"
    r"helpful|useful|solid|convincing|excellent|impressive|spot on))\b"
)
_NEGATIVE = re.compile(
    r"\b(?:en retard|de retard|il manquait|il manque|manquait|manque de|pas (?:du tout )?"
    r"(?:acceptable|correct|professionnel|au niveau|a la hauteur|satisfaisant|suffisant|"
    r"terrible|top|clair|fini|termine|rendu|envoye|livre|prevenu|fait)|inacceptable|"
    r"insuffisant|decue?\b|decevant|erreurs?|fautes?|tu as oublie|t'as oublie|oublie de|"
    r"tu n'as pas|t'as pas|ca ne va pas|ca ne peut pas continuer|trop de|pas assez|bacle|"
    r"a revoir|laisse a desirer|pas contente?|pas satisfaite?|probleme|agacee?|enervee?|"
    r"late|missed|was missing|is missing|were missing|not acceptable|unacceptable|"
    r"disappointed|disappointing|mistakes?|errors?|you didn't|you did not|you forgot|forgot to|"
    r"not good enough|too many|rushed|below expectations|not ok|frustrated|frustrating|"
    r"needs? to improve|unclear|incomplete|wrong|overdue|slipped|behind schedule|"
    r"i'm not happy|i am not happy|not happy with|concerned about your|problem with your)\b"
)
_YOU = re.compile(
    r"\b(?:tu|t'|te|toi|ton|ta|tes|vous|votre|vos|you|your|yours|yourself)\b|t'"
)
_WORK = re.compile(
    r"\b(?:rapport|livrable|presentation|doc|document|code|deck|slides?|release|demo|dossier|"
    r"devis|mail|e-mail|email|compte-rendu|compte rendu|chiffres|analyse|annexe|specs?|"
    r"planning|proposition|offre|reporting|tableau|fichier|note|synthese|report|deliverable|"
    r"presentation|pull request|pr|review|proposal|draft|spreadsheet|numbers|analysis|"
    r"deadline|delivery|livraison|reunion|meeting|call|appel|client|prospect|pitch)\b"
)
_SELF = re.compile(r"^(?:je|j'|moi|i|i'm|i've|i'd|my|mon|ma|mes)\b")
_HEDGE = re.compile(r"^(?:si|if|whether|est-ce que|est ce que)\b")


def classify_feedback(text: str, lang: str = "fr") -> tuple[Polarity | None, Target | None]:
    """(polarity, target) of one sentence, or (None, None) when it is not feedback."""
    t = fold(text).strip(" \t\"'«»“”-–—")
    if not t or _HEDGE.match(t):
        return None, None
    if _PERSON_NEG.search(t):
        return "negative", "person"
    if _PERSON_POS.search(t):
        return "positive", "person"
    if _NEVER.search(t) and not t.endswith("?"):
        # "never late", "jamais en retard": a double negative is praise, still about the person.
        return ("positive" if _NEGATIVE.search(t) else "negative"), "person"
    neg, pos = bool(_NEGATIVE.search(t)), bool(_POSITIVE.search(t))
    if not (neg or pos):
        return None, None
    addressed = bool(_YOU.search(t))
    if not addressed and not _WORK.search(t):
        return None, None
    if _SELF.match(t) and not addressed and not pos:
        return None, None  # the speaker criticising their own work is a fact, not feedback
    polarity: Polarity = "negative" if neg and not (pos and not _negated_praise(t)) else "positive"
    if neg and pos:
        # "merci, mais il manquait l'annexe": the criticism is what needs the evidence
        polarity = "negative"
    target: Target = "person" if addressed and _ALWAYS_NEVER.search(t) else "behavior"
    return polarity, target


def _negated_praise(t: str) -> bool:
    return bool(re.search(r"\bpas (?:tres |vraiment )?(?:bien|bon)\b|\bnot (?:great|good)\b", t))


_TRAIT_WORDS = re.compile(rf"{_YOU_ARE}{_INTENS}\s+(?:{_NEG_TRAITS}|{_NAMES}|{_POS_TRAITS})\b")


def sbi_suggestion(sentence: str, facts: list[str], polarity: Polarity, lang: str) -> str:
    """A Situation-Behaviour-Impact rewrite that keeps the facts the manager did say."""
    kept = "; ".join(f.strip().rstrip(".") for f in facts if f.strip())
    if lang == "fr":
        if polarity == "positive":
            return ("Nommez ce qui a été fait plutôt qu'un trait : « Sur [situation], tu as "
                    "[action précise] ; l'effet a été [impact]. Continue comme ça. »")
        observed = f"« {kept} »" if kept else "[le fait observable : quoi, quand]"
        return ("Décrivez les faits, pas la personne : Situation et comportement : "
                f"{observed}. Impact : ce que cela a changé pour l'équipe ou le client. "
                "Puis demandez : « Qu'est-ce qui s'est passé, et que proposes-tu pour la "
                "prochaine fois ? »")
    if polarity == "positive":
        return ("Name what was done rather than a trait: \"In [situation], you [specific "
                "action]; the effect was [impact]. Keep doing that.\"")
    observed = f"\"{kept}\"" if kept else "[the observable fact: what, when]"
    return ("Describe the facts, not the person. Situation and behaviour: "
            f"{observed}. Impact: what it changed for the team or the customer. Then ask: "
            "\"What happened, and what will you do next time?\"")
