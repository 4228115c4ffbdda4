"""Feedback: polarity (praise / criticism) and target (behaviour and facts vs the person).

A sentence is feedback when it carries an evaluative cue AND is aimed at the listener (second
person) or at a piece of their work. Target is `person` when it judges who someone is rather
than what they did (../shared/domain/ONE_ON_ONES.md, point 3):
- traits and labels ("tu es désorganisée", "you're a mess", "quel amateur", "lazy boy");
- always/never generalisations about the person ("tu ne fais jamais attention", "c'est
  toujours pareil avec toi") -- but not a dated fact ("you never sent the quote to Brennan");
- sarcasm aimed at the person ("Bravo, encore en retard", "Nice job breaking it again, genius");
- contempt: insults or profanity aimed at them or their work ("c'est de la merde, ton
  rapport", "this deck of yours is garbage"), and rhetorical attacks ("Are you stupid?");
- trait praise ("tu es brillant"), which tells the listener nothing they can repeat.
Everything else that is evaluative is `behavior`. Word lists live in lexicon.py.
"""

from __future__ import annotations

import re
from typing import Literal

from copilot.analyze.rules import lexicon as lx
from copilot.analyze.texts import sbi_text
from copilot.i18n import Params
from copilot.models import Language
from copilot.text import fold, split_sentences

Polarity = Literal["positive", "negative"]
Target = Literal["behavior", "person"]

_YOU_ARE = (
    r"(?:\btu es|\bt'es|\bvous etes|\btu etais|\bt'etais|\btu as ete|\bt'as ete|\byou're|\byoure|"
    r"\byou are|\byou were|\byou've been|\byou have been|\bwhat an?|\bquel(?:le)?|\bsale|"
    r"\bespece d[e'])"
)
_INTENS = (
    r"(?:\s+(?:vraiment|trop|tellement|si|tres|completement|un peu|assez|toujours|encore|"
    r"really|so|just|too|very|such|being|always|a bit|quite|pretty|totally|completely|simply|"
    r"incredibly|such an?|an?|un|une|the|le|la|une vraie|un vrai|vrai|vraie|absolument|"
    r"absolutely|plutot|honestly|franchement|definitely|clearly|seriously))*"
)
_NOT_POS = (
    r"(?:fiable|serieu(?:x|se)|rigoureu(?:x|se)|organisee?|autonome|capable|a la hauteur|fait pour|"
    r"faite pour|professionnel(?:le)?|reliable|serious|a team player|cut out for|up to (?:it|the "
    r"job|"
    r"this)|professional|trustworthy|ready for this|good at (?:this|anything))"
)
_PERSON_NEG = re.compile(
    # "You're hopeless about it", "tu es négatif sur ce point": a feeling or an opinion.
    rf"{_YOU_ARE}{_INTENS}\s+(?:{lx.NEG_TRAITS}|{lx.NEG_LABELS})\b(?!\s+(?:about|that|of|on|sur|de|"
    rf"d'|que|qu'|with it|avec ca))"
    rf"|\b(?:tu n'es|t'es|vous n'etes|you're|you are|you were)(?: vraiment| jamais| toujours| just|"
    rf" really| simply)? (?:pas|not) (?:vraiment |really |even )?{_NOT_POS}"
    r"|\bwhat'?s wrong with you\b|\bqu'est-ce qui (?:va pas|cloche) chez toi\b"
    r"|\b(?:ton|ta|your) (?:attitude|caractere|personnalite|mentalite|personality|mentality) "
    r"(?:\w+ ){0,3}?(?:est|is|was|etait|pose|causes?) (?:\w+ ){0,2}?(?:probleme|problem|issue|"
    r"inacceptable|unacceptable|insupportable|toxique|toxic)\b"
    r"|\b(?:i hate you|je te deteste|you people)\b"
    r"|\byou can'?t be trusted\b|\bon ne peut (?:pas|jamais) (?:te faire confiance|compter sur toi)"
    r"|\btu as un (?:vrai )?probleme\b|\byou have a (?:real )?problem\b"
    # A bare label is name-calling ("Amateur !", "Liar!"); a bare adjective ("Useless.") may
    # judge the last thing said, so it is not taken for an attack.
    rf"|^{lx.NEG_LABELS}\W*$"
    rf"|\b{lx.NEG_TRAITS}\s+{lx.VOCATIVE_NOUNS}\b"
)
_PERSON_POS = re.compile(
    rf"{_YOU_ARE}{_INTENS}\s+{lx.POS_TRAITS}\b"
    r"|\b(?:you've got|you have|tu as|t'as) (?:a |an |un |une )?(?:real |vrai |true )?"
    r"(?:gift|talent fou|don|talent incroyable|natural talent|knack)\b"
)
# Questions that attack rather than ask.
_RHETORICAL = re.compile(
    r"\b(?:are you (?:stupid|dumb|an idiot|kidding me|blind|deaf|crazy|insane|out of your mind)|"
    r"can'?t you read|do you even (?:know|care|read|test|listen|think)|did you even (?:read|test|"
    r"look|check|try|think)|what were you thinking|have you lost your mind|what'?s wrong with you|"
    r"t'es (?:debile|con|bete|idiote?|aveugle|sourde?|fou|folle)|tu es (?:debile|bete|idiote?|"
    r"aveugle|sourde?|folle?)|tu le fais expres|tu (?:te fous|te moques) de (?:moi|nous)|"
    r"tu sais (?:lire|compter)|(?:tu as|t'as) (?:meme|seulement) (?:lu|teste|regarde|verifie)|"
    r"qu'est-ce qui (?:va pas|cloche) chez toi|a quoi tu pensais|t'es pas bien)\b"
)
# Always/never about the listener: a generalisation, not an observed fact.
# The listener as the subject, at most one word (a verb, an auxiliary) before "always/never":
# "you never listen", "tu es toujours en retard", "tu n'écoutes jamais" -- not "you know, I've
# never..." where someone else is the subject.
_HABIT = re.compile(
    # The subject starts a clause: "keep emailing you forever" has "you" as an object.
    r"(?:^|[,;:.!?]\s*|\b(?:and|but|so|because|that|when|et|mais|donc|parce que|que|qu'|quand|"
    r"car)\s+)(?:tu|vous|you|you're|you've|you are|t'es|t'as)\s+(?:(?!i\b|je\b|il\b|elle\b|on\b|"
    r"we\b|"
    r"she\b|he\b|they\b|it\b|there\b|that\b)[\w']+\s+)?(?:toujours|jamais|systematiquement|"
    r"constamment|tout le temps|sans arret|always|never|constantly|every single time|"
    r"all the time|continually|forever)\b"
    r"|(?:^|[,;:.!?]\s*|\b(?:et|mais|donc|que|qu'|quand|car)\s+)(?:tu|vous) n(?:e |')\s*[\w']+\s+"
    r"(?:(?:vraiment|quasiment|presque) )?jamais\b"
)
# What a habit-criticism is about: how someone behaves ("you never listen"). A habit without
# a conduct verb or an evaluative cue ("that's what you've always done") is no feedback.
_CONDUCT = re.compile(
    r"\b(?:listen\w*|ecout\w*|attention|help\w*|aide\w*|care\w*|finish\w*|fini\w*|deliver\w*|"
    r"livr\w*|repl\w+|repond\w*|answer\w*|rappel\w*|show up|arriv\w*|plan\w*|prepar\w*|"
    r"follow\w*|tiens|tient|respect\w*|think\w*|reflechi\w*|read|lis|check\w*|verifi\w*|right|"
    r"complain\w*|plain\w*|interromp\w*|interrupt\w*|coupe\w*|excuse\w*|forget\w*|oubli\w*|"
    r"mess\w*|learn\w*|appren\w*|admit\w*|last minute|derniere minute|content|satisfait\w*|"
    r"on time|a l'heure|ready|pret\w*|prepared|focus\w*|concentr\w*)\b"
)
# Set phrases that generalise about the listener on their own.
_GENERAL = re.compile(
    r"\bavec (?:toi|vous),? (?:c'est|ca a ete|ca a toujours ete) (?:toujours|jamais|encore)\b"
    r"|\b(?:toujours|encore) (?:la meme chose|pareil) avec (?:toi|vous)\b"
    r"|\bcomme d'hab(?:itude)? avec toi\b|\bwith you,? it'?s (?:always|never)\b"
    r"|\b(?:typique de toi|c'est tout toi|typical of you|so typical|typical you|that's so you|"
    r"classic you)\b"
)
# "toujours pas" is "still not"; "never sent the quote" is one dated event, not a habit; "you
# should always..." / "tu peux toujours..." is advice, not a judgement of the person.
_NOT_GENERAL = re.compile(
    r"\b(?:should|must|can|could|may|might|will|would|need to|have to|'ll|'d|devrais|dois|"
    r"peux|pourrais|faut|vas|va|feel|feels|felt|seem|seems|seemed|sens|semble) (?:\w+ )?"
    r"(?:always|never|toujours|jamais)\b|\byou never know\b|"
    r"\btoujours pas\b|\bjamais (?:\w+ )?(?:\w+(?:e|i|is|it|u)) (?:le|la|les|l'|ce|cet|cette|ton|"
    r"ta|"
    r"tes|son|sa)\b|\bnever (?:once )?(?:\w+ed|sent|did|made|gave|told|wrote|took|got|came|went|"
    r"brought|paid|met|left|kept|showed|ran) (?:the|that|this|your|his|her|their|our|my)\b"
)
# Sarcasm: praise whose content is a failure. Each form needs the failure to be there too,
# so "Merci encore pour ton aide" stays praise.
_SARC_AGAIN = re.compile(rf"^{lx.PRAISE_OPENERS}\b.*\b{lx.AGAIN}\b")
_SARC_FINALLY = re.compile(
    r"\b(?:thanks|thank you) for (?:finally|at last)\b|\bmerci (?:de|d') (?:\w+ ){0,3}enfin\b"
)
_SARC_VOCATIVE = re.compile(rf",\s*(?:bravo |well done |nice one |great )?{lx.MOCK_VOCATIVE}\W*$")
_SARC_PRAISED_FAILURE = re.compile(
    r"\b(?:nice|great|good|lovely|well done|bravo|super|genial)\b.{0,20}\b(?:breaking|missing|"
    r"forgetting|losing|crashing|deleting)\b"
)


def _sarcastic(t: str) -> bool:
    if _SARC_FINALLY.search(t) or _SARC_PRAISED_FAILURE.search(t):
        return True
    return bool((_SARC_AGAIN.search(t) or _SARC_VOCATIVE.search(t)) and _looks_negative(t))


_CONTEMPT_AT = re.compile(rf"(?<!not )(?<!pas )(?<!never )\b{lx.CONTEMPT}(?!\w)")
# The speaker owning the problem ("Crap. Sorry, fixed.", "merde, j'ai oublié"): not an attack.
_FIRST_PERSON = re.compile(
    r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|je|moi|mon|ma|mes|we|we're|our|nous|notre|sorry|oops|"
    r"my bad|fixed|done|will fix|desolee?|pardon|corrige)\b|\bj'|\bm'"
)

_POSITIVE = re.compile(
    # A result the listener's work brought: "a fait baisser les non-conformités de 30 %".
    r"\b(?:(?:a|ont|as) fait (?:baisser|chuter|reculer|progresser|gagner|economiser)|"
    r"(?<!n't )(?<!not )(?<!never )(?:really |a lot |so much )?helped|(?:ca|cela) (?:m'|nous )?a "
    r"(?:beaucoup |vraiment )?aidee?|"
    # "j'ai trouvé ta présentation très claire", "I found your write-up very clear"
    r"(?:trouve|found) (?:\w+ ){0,5}?(?:tres |vraiment |super |really |very )?(?:claire?s?|"
    r"efficaces?|utiles?|reussie?s?|solides?|convaincante?s?|pertinente?s?|clear|useful|"
    r"convincing|helpful|solid)|bien (?:choisie?s?|construite?s?|structuree?s?)|"
    r"(?:un|de) vrais? resultats?|a real (?:achievement|result)|real results)\b|"
    r"\b(?:bravo|bien joue|(?:bon|beau|excellent|super|tres bon|enorme|sacre) (?:travail|boulot)|"
    r"tu as assure|t'as assure|tu as gere|t'as gere|merci (?:encore |beaucoup |bien |infiniment )?"
    r"(?:pour|d'avoir|de ton|de ta|de tes|de m'avoir)|felicitations|chapeau|impeccable|j'ai "
    r"(?:beaucoup |vraiment )?"
    r"(?:apprecie|aime) (?:que|la facon|comment|ton|ta|tes|le|la)|j'ai ete (?:tres |vraiment )?"
    r"impressionnee?|tres bien (?:gere|fait|mene|presente|prepare|vu|joue)e?s?|bien (?:gere|"
    r"vu)e?s?|"
    r"nickel|du tres bon|tres pro|(?:c'etait|c'est|etait|est|etaient|sont) (?:tres |vraiment |"
    r"super |hyper )?(?:clair|efficace|utile|reussi|top|convaincant|solide|pertinent|precieux|"
    r"bien prepare|une (?:tres |super |excellente |bonne )?(?:bonne )?idee|exactement ce qu'il "
    r"fallait)|tu as (?:tres )?bien (?:fait|gere|mene|joue|anticipe)|(?:excellente|tres bonne) "
    r"idee|(?:a|ont|as) permis (?:de|a|au|aux)|nous a fait gagner|(?:a|as) debloque|du premier "
    r"coup|dans les temps|sans (?:aucun )?(?:incident|accroc)|great job|good job|well done|"
    r"nice (?:work|job)|great work|excellent work|amazing work|thank you (?:again |so much )?for|"
    r"thanks (?:again |so much )?for|i (?:really )?appreciated?|i (?:really )?liked (?:how|that|"
    r"the "
    r"way|your)|impressive|impressed|you nailed|kudos|fantastic|outstanding|you did (?:a )?"
    r"(?:great|good|fantastic|excellent|really good|brilliant)|you handled|congrat(?:s|ulations)|"
    r"(?:great|good|smart|nice) (?:call|catch|move|idea|thinking|question)|proud of|"
    r"(?:was|is|were|are) (?:very |really |super |so )?(?:clear|helpful|useful|solid|convincing|"
    r"excellent|impressive|spot on|valuable|smart|great)|so useful|made (?:\w+ ){0,3}(?:easier|"
    r"faster|simpler|possible)|cut (?:\S+ ){0,6}by|saved (?:us|the team|me)|ahead of schedule|"
    r"(?:days?|weeks?|months?) early|on time|a l'heure|calmly|calmement|"
    r"sans rien (?:cacher|perdre|oublier)|pos_cue)\b"
)
# A negated problem is good news: "zéro incident", "no downtime", "aucune erreur".
_NEG_NEGATED = re.compile(
    r"\b(?:zero|aucune?|pas (?:une? )?(?:seule? )?|sans|no|without|never|jamais|not a single|"
    r"pas de) (?:\w+ )?(?:incidents?|erreurs?|bugs?|retard|downtime|errors?|mistakes?|issues?|"
    r"problemes?|late|en retard|accroc)\b|\brien n'a ete (?:perdu|oublie|casse|rate)\b"
)
_NEGATIVE = re.compile(
    # Work that left without a part of it: "went out without the warning", "parti sans l'annexe".
    r"\b(?:went (?:out|in|live)|shipped|was sent|were sent|got sent|was released|were released|"
    r"was published|\w+ed|(?:est |sont |etait )?partie?s?|(?:a|ont) ete (?:envoyee?s?|livree?s?|"
    r"publiee?s?)|s'est faite?|mise? en (?:production|ligne))"
    r"\s+(?:\w+ ){0,6}?(?:without (?:a|an|the|any|telling|warning)|sans)\b|"
    # A measured gap or a date that slipped: "off by forty percent", "jeudi au lieu de lundi".
    r"\b(?:(?:was|were) off by|lost (?:\w+ ){0,2}(?:days?|hours?|time|money|customers?)|"
    r"(?:arrive\w*|came|delivered|landed|livree?s?|envoyee?s?|rendue?s?|partie?s?) (?:\w+ ){0,3}?"
    r"(?:au lieu d[eu]|instead of) (?:le |the )?(?:lundi|mardi|mercredi|jeudi|vendredi|monday|"
    r"tuesday|wednesday|thursday|friday|\d))\b|"
    r"\b(?:en retard|de retard|retard|il manquait|il manque|manquait|manque de|pas (?:du tout )?"
    r"(?:acceptable|correct|professionnel|au niveau|a la hauteur|satisfaisant|suffisant|"
    r"terrible|top|clair|fini|termine|rendu|envoye|livre|prevenu|fait|parti|faits)|inacceptable|"
    r"insuffisant|decue?|decevant|erreurs?|fautes?|faux|fausse|tu as oublie|t'as oublie|oublie de|"
    r"as oublie|tu n'as pas|t'as pas|n'a pas ete|n'ont pas ete|n'est pas parti|ne contenait pas|"
    r"toujours pas|ca ne va pas|ca ne peut pas continuer|trop de|pas assez|bacle|a revoir|"
    r"laisse a desirer|pas contente?|pas satisfaite?|probleme|agacee?|enervee?|a casse|as casse|"
    r"ecrase|as ecrase|a ecrase|perdu|rate|depasse|depassait|coupe|seche(?:ment)?|agressivement|"
    r"sans (?:reponse|attendre|prevenir|relire|la faire relire|le faire relire|tester|valider|"
    r"verifier|demander)|n'a pas pu|n'avons pas pu|on n'a pas pu|ne correspondaient pas|"
    r"late|missed|was missing|is missing|were missing|not acceptable|unacceptable|disappointed|"
    r"disappointing|mistakes?|errors?|you didn't|you did not|you forgot|forgot to|not good enough|"
    r"too many|rushed|below expectations|not ok|frustrated|frustrating|needs? to improve|unclear|"
    r"(?<!not )(?<!pas )(?:terrible|awful|horrible|atrocious|hideous|mauvaise?|poor|"
    r"catastrophique)|"
    r"incomplete|wrong|overdue|slipped|behind schedule|i'm not happy|i am not happy|not happy "
    r"with|concerned about your|problem with your|broke|broken|crashed|failed|without (?:a review|"
    r"running|testing|asking|telling|checking|waiting|any review|review)|unanswered|still not|"
    r"haven't been|hasn't been|cut \w+ off|interrupted|sharply|rudely|ran (?:\w+ ){0,2}over|"
    r"never got to|had no|didn't match|did not match|doesn't match|"
    # An omission on a dated occasion: "you never sent the quote", "tu n'as jamais envoyé le".
    r"you (?:\w+ )?never (?:once )?(?:\w+ed|sent|did|made|gave|told|wrote|took|came|brought|paid|"
    r"showed)|(?:tu|vous) n'(?:as|avez) jamais \w+|(?:as|a|avez|ont) (?:encore |deja |)oublie)\b"
)
# "t'" only as a word ("t'as", "je t'ai dit"), never inside "that's" or "it's".
_YOU = re.compile(
    r"\b(?:tu|te|toi|ton|ta|tes|vous|votre|vos|you|your|yours|yourself)\b|(?<![a-z])t'"
)
# The listener as the one who acted ("tu as", "your report"), not as an object ("je te dis").
_YOU_SUBJECT = re.compile(r"\b(?:tu|vous|you|your|ton|ta|tes|votre|vos)\b|\bt'(?:as|es|etais)\b")
_WORK = re.compile(rf"\b{lx.WORK}\b")
_TO_LISTENER = re.compile(
    r"^(?:merci|thanks|thank you|bravo|kudos|congrat\w*|felicitations|chapeau|well done|bien joue|"
    r"(?:great|good|nice|smart) (?:job|work|catch|call|move|thinking))\b"
    r"|\b(?:c'etait|c'est|it was|that was) (?:\w+ ){0,2}(?:de|d'|to) \w+"
)
_NOTICED = re.compile(r"^(?:i (?:have |'ve )?(?:noticed|saw|seen)|j'ai (?:remarque|vu|constate|"
                      r"note))(?: que| qu'| that)?\s*")
_SELF = re.compile(r"^(?:je|j'|moi|i|i'm|i've|i'd|my|mon|ma|mes)\b")
_HEDGE = re.compile(r"^(?:si|if|whether|est-ce que|est ce que)\b")
# Feelings about the listener's work ("je suis déçu par ton livrable") are feedback even
# though the sentence starts with "je".
_EMOTION_AT_YOU = re.compile(
    r"\b(?:decue?|pas contente?|pas satisfaite?|agacee?|inquiete?|disappointed|not happy|"
    r"frustrated|concerned|worried|upset|impressionnee?|impressed|proud|fiere?)\b"
)


def classify_feedback(text: str, lang: str = Language.FR) -> tuple[Polarity | None, Target | None]:
    """(polarity, target) of one sentence, or (None, None) when it is not feedback.

    Longer text (a written comment) is read sentence by sentence: it is about the person if
    any sentence is, otherwise it takes the first feedback sentence's polarity.
    """
    sentences = split_sentences(text)
    if len(sentences) > 1:
        found = [r for r in map(_classify_sentence, sentences) if r[0] is not None]
        return next((r for r in found if r[1] == "person"), found[0] if found else (None, None))
    return _classify_sentence(text)


# Discourse markers with "you" in them address nobody ("you know, I've never...").
_MARKERS = re.compile(r"\b(?:you know|you see|i mean|tu sais|tu vois|vous savez|vous voyez)\b,?")


def _classify_sentence(text: str) -> tuple[Polarity | None, Target | None]:
    t = _MARKERS.sub(" ", fold(text)).strip(" \t\"'«»“”-–—,")
    t = " ".join(t.split())
    if not t or _HEDGE.match(t):
        return None, None
    if _RHETORICAL.search(t):
        return "negative", "person"
    if t.endswith("?"):
        return None, None  # a real question is not feedback (the question rules read it)
    if _PERSON_NEG.search(t) or _sarcastic(t):
        return "negative", "person"
    if _contempt(t):
        return "negative", "person"
    if _PERSON_POS.search(t):
        return "positive", "person"
    neg, pos = _looks_negative(t), bool(_POSITIVE.search(_NEG_NEGATED.sub(" pos_cue ", t)))
    habit = _HABIT.search(t) and (neg or pos or _CONDUCT.search(t))
    if (habit or _GENERAL.search(t)) and not _NOT_GENERAL.search(t):
        return ("positive" if pos and not neg else "negative"), "person"
    if not (neg or pos):
        return None, None
    # "I noticed the change went in without a note": the observation is what is said.
    t = _NOTICED.sub("", t)
    # Thanks and "c'était efficace de proposer..." are said to the one who did it.
    addressed = bool(_YOU.search(t) or _TO_LISTENER.search(t))
    if not addressed and not _WORK.search(t):
        return None, None
    if _SELF.match(t) and not pos:
        # The speaker's own situation is a fact, not feedback ("je suis en retard sur le plan,
        # je préfère te prévenir"), unless what follows the first "you" is the criticism.
        first_you = _YOU_SUBJECT.search(t)
        rest = t[first_you.start():] if first_you else ""
        if not (rest and _looks_negative(rest)) and not _EMOTION_AT_YOU.search(t):
            return None, None
    polarity: Polarity = "negative" if neg else "positive"
    return polarity, "behavior"


def _looks_negative(t: str) -> bool:
    return bool(_NEGATIVE.search(_NEG_NEGATED.sub(" ", t))) or _negated_praise(t)


def _negated_praise(t: str) -> bool:
    return bool(re.search(
        r"\bpas (?:tres |vraiment |assez )?(?:bien|bon|terrible|top|au niveau)\b|"
        r"\bnot (?:great|good|ok|okay|enough)\b", t))


def _contempt(t: str) -> bool:
    """Insults or profanity aimed at the listener or their work ("your", "ton rapport"), not
    at oneself, a third party or the situation ("it's really stupid"), and not negated."""
    return bool(_CONTEMPT_AT.search(t) and _YOU.search(t) and not _FIRST_PERSON.search(t))


# -- facts and SBI --------------------------------------------------------------------------------

_FACT = re.compile(
    r"\d|\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|"
    r"cent|two|three|four|five|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"hundred|twice|half|moitie)\b"
    r"|\b(?:hier|aujourd'hui|ce matin|cet apres-midi|ce soir|lundi|mardi|mercredi|jeudi|"
    r"vendredi|samedi|dimanche|semaine|mois|trimestre|janvier|fevrier|mars|avril|mai|juin|"
    r"juillet|aout|septembre|octobre|novembre|decembre|yesterday|today|this morning|tonight|"
    r"last (?:week|month|quarter|night|time|sprint)|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|january|february|march|april|june|july|august|september|october|"
    r"november|december|minutes?|heures?|jours?|hours?|days?|weeks?|sprint|quarter)\b"
    r"|\b(?:tu as|t'as|vous avez|il a|elle a|on a|ils ont|a ete|ont ete|n'a pas|n'as pas|"
    r"n'ont pas|est arrivee?|est partie?|sont restee?s|es arrivee?|manquait|il manque|"
    r"ne contenait pas|etait faux|etait fausse|etaient faux)\b"
    r"|\b(?:you|he|she|they|we|it)\s+(?:\w+ed|sent|did|made|gave|told|wrote|took|got|came|"
    r"went|brought|paid|met|left|kept|broke|forgot|missed|ran|cut|put|arrived|answered)\b"
    r"|\b(?:was|were|is|are) missing\b|\b(?:didn't|did not|haven't|hasn't|had no|has no)\b"
)


def states_fact(text: str, lang: str = Language.FR) -> bool:
    """Whether a criticism names something observable (what, when, how many) rather than only
    judging ("ce n'est pas au niveau", "your report is not good enough")."""
    return bool(_FACT.search(fold(text)))


_CLAUSES = re.compile(r"\s*(?:[,;:]|\bet\b|\band\b|\bmais\b|\bbut\b)\s*")


def facts_in(sentence: str, lang: str = Language.FR) -> list[str]:
    """The clauses of a sentence that state a fact and judge nobody ("Tu es désorganisée, le
    rapport est arrivé avec deux jours de retard" -> ["le rapport est arrivé ..."])."""
    out = []
    for clause in _CLAUSES.split(sentence):
        clause = clause.strip(" .!")
        if len(clause.split()) >= 3 and states_fact(clause, lang) \
                and classify_feedback(clause, lang)[1] != "person":
            out.append(clause)
    return out


def sbi_params(sentence: str, facts: list[str], polarity: Polarity, lang: str) -> Params:
    """What a Situation-Behaviour-Impact rewrite keeps: its polarity and the facts the manager
    did say (`copilot.analyze.texts.sbi_text` renders it in any language)."""
    said = [f.strip().rstrip(".") for f in [*facts_in(sentence, lang), *facts] if f.strip()]
    kept = "; ".join(dict.fromkeys(said))
    return {"sbi": polarity, "kept": kept if polarity == "negative" and kept else None}


def sbi_suggestion(sentence: str, facts: list[str], polarity: Polarity, lang: str) -> str:
    """A Situation-Behaviour-Impact rewrite that keeps the facts the manager did say."""
    return sbi_text(sbi_params(sentence, facts, polarity, lang), lang) or ""
