"""The words of active listening and of concerns, per language (folded: lower case, no accents,
straight apostrophes, as `copilot.text.fold` writes them).

Set on AnnoMI's dev half (even transcript ids) for English reflections; the French mirrors the
English forms and the seeds' own examples ("si je comprends bien, tu ...").
"""

from __future__ import annotations

import re

from copilot.models import Language


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# A reformulation said as one: the cue alone makes it a reflection.
STRONG = {
    Language.EN: _any(
        r"\bif i (?:understand|understood|hear|heard)\b", r"\bwhat i(?:'m| am) hearing\b",
        r"\bwhat i hear\b", r"\bif i got\b", r"\bi hear you say\b",
        r"\bsounds? (?:like|as though|as if)\b", r"\bit sounds\b",
        r"\bso you(?:'re| are)? (?:feel|feeling|saying|say|think|thinking|want|wanting)\b",
        r"\byou(?:'re| are) saying\b", r"\bwhat you(?:'re| are) saying\b",
        r"\byou (?:feel|felt) (?:like|that)\b", r"\bit seems (?:like|that|as if) you\b",
        r"\byou seem\b", r"\bseems like you\b", r"\bon (?:the )?one hand\b",
        r"\bon the other hand\b", r"\bpart of you\b", r"\blet me see if i\b",
        r"\byou(?:'re| are) not (?:sure|really sure|ready|too|quite|convinced)\b",
        r"\byou(?:'ve| have) been (?:feeling|thinking|trying|struggling|having|dealing)\b",
        r"\bfor you\b.*\b(?:important|hard|difficult|scary|tough|big)\b",
        r"\byou(?:'re| are) (?:worried|concerned|afraid|scared|frustrated|tired|feeling)\b",
        r"\byou don't (?:want|really want|think|feel|like|see)\b",
        r"\byou(?:'d| would) (?:like|rather|prefer)\b", r"\byou (?:really )?want(?:ed)? to\b",
        r"\byou mean\b", r"\byou(?:'re| are) (?:kind of|sort of|really|pretty)\b",
        r"\bwhat you(?:'re| are) telling me\b", r"\byou(?:'ve| have) (?:tried|noticed)\b",
        r"\bit's (?:been )?(?:hard|difficult|tough) for you\b",
    ),
    Language.FR: _any(
        r"\bsi je (?:comprends|comprend|t'ai|vous ai|vous comprends|te comprends) bien\b",
        r"\bsi j'ai bien compris\b", r"\bsi je resume\b", r"\bce que (?:tu|vous) (?:dis|dites)"
        r"(?: c'est)?\b", r"\bce que j'entends\b", r"\bce que je comprends\b",
        r"\b(?:tu veux|vous voulez) dire\b", r"\bdonc pour (?:toi|vous)\b",
        r"\b(?:tu as|t'as|vous avez) l'impression\b",
        r"\b(?:tu te sens|vous vous sentez) (?!comment)(?:\w+ )?(?:un peu|tres|trop|mal|seul|"
        r"seule|deborde|debordee|perdu|perdue|fatigue|fatiguee|inquiet|inquiete)\b",
        r"\b(?:tu|vous) (?:ressens|ressentez)\b", r"\bj'ai l'impression que (?:tu|vous)\b",
        r"\b(?:on dirait|il semble|ca a l'air) que (?:tu|vous|ca)\b",
        r"\b(?:tu sembles|vous semblez)\b", r"\bd'un cote\b.*\bde l'autre\b",
        r"\bune partie de (?:toi|vous)\b", r"\bautrement dit\b", r"\sen d'autres termes\b",
        r"\b(?:tu n'es|vous n'etes) pas (?:sur|convaincu|pret)\b",
        r"\b(?:tu es|vous etes) (?:inquiet|inquiete|preoccupe|preoccupee|frustre|frustree|"
        r"fatigue|fatiguee|deborde|debordee|decu|decue)\b",
        r"\bc'est (?:dur|difficile|lourd|complique|frustrant) pour (?:toi|vous)\b",
        r"\b(?:tu|vous) (?:aimerais|aimeriez|voudrais|voudriez|preferais|prefereriez)\b",
    ),
}

# The start of a reformulation ("So you...", "Donc tu..."): a reflection with overlap.
LEAD = {
    Language.EN: re.compile(
        r"^(?:(?:okay|ok|yeah|right|mm-hmm|uh|um|well|and|alright|all right|so|good|great)"
        r"[,.]?\s+)*(?:so|and so|and|sounds like)[,]?\s+(?:you|your|it's|that's|it|this|that|"
        r"there's|they|he|she)\b"),
    Language.FR: re.compile(
        r"^(?:(?:d'accord|ok|oui|ouais|mmh|hum|bon|alors|et)[,.]?\s+)*"
        r"(?:donc|alors|en fait|du coup)[,]?\s+(?:tu|vous|t'|pour toi|pour vous|c'est|ca|il|elle)"
        r"\b"),
}

# Second person: a sentence about the other ("you're", "ton", "vous").
YOU = {
    Language.EN: re.compile(r"\b(?:you|you're|you've|you'd|you'll|your|yourself)\b"),
    Language.FR: re.compile(r"\b(?:tu|t'|te|toi|ton|ta|tes|vous|votre|vos)\b"),
}

# A real question, asking rather than restating ("What do you ...?", "Est-ce que ...?").
ASKING = {
    Language.EN: re.compile(
        r"^(?:(?:okay|ok|so|and|well|yeah|um|uh|mm-hmm|right|alright|now)[,.]?\s+)*"
        r"(?:what|how|why|when|where|who|which|do|does|did|have|has|is|are|was|were|can|could|"
        r"would|will|should|tell me|any|anything)\b"),
    Language.FR: re.compile(
        r"^(?:(?:d'accord|ok|alors|et|bon|donc)[,.]?\s+)*(?:qu'est-ce|est-ce|comment|pourquoi|"
        r"quand|ou est|qui|quel|quelle|quels|quelles|combien|as-tu|avez-vous|peux-tu|"
        r"pouvez-vous|veux-tu|voulez-vous|dis-moi|racontez|raconte)\b"),
}

# Short acknowledgements: the whole utterance is one of these (with fillers and punctuation).
ACK = {
    Language.EN: re.compile(
        r"^(?:(?:okay|ok|yeah|yes|right|mm-hmm|mhm|uh-huh|oh|ah|sure|all right|alright)[,.!]?\s*)*"
        r"(?:i see|i understand|i get (?:it|that)|i hear you|that makes sense|makes sense|"
        r"got it|i can see that|that's understandable|fair enough|i can imagine|i know)"
        r"[.!]?(?:\s*(?:okay|ok|yeah|right)[.!]?)*$"),
    Language.FR: re.compile(
        r"^(?:(?:d'accord|ok|oui|ouais|ah|oh|mmh|hum|bien|tres bien)[,.!]?\s*)*"
        r"(?:je vois|je comprends|j'entends|je t'entends|je vous entends|c'est comprehensible|"
        r"ca se comprend|ca fait sens|ca me parle|je comprends bien|je vois bien|entendu|"
        r"d'accord,? je (?:vois|comprends))"
        r"(?: bien)?[.!]?(?:\s*(?:d'accord|oui|ok)[.!]?)*$"),
}

# What the report says when something weighs on them: a worry, a difficulty, a blocker.
CONCERN = {
    Language.EN: _any(
        r"\bi(?:'m| am) (?:\w+ )?(?:worried|concerned|stressed|anxious|afraid|scared|"
        r"frustrated|overwhelmed|exhausted|tired|struggling|stuck|blocked|lost|unhappy|upset|"
        r"burn(?:ed|t) out|not (?:happy|sure i can|comfortable))\b",
        r"\bi (?:feel|felt) (?:\w+ )?(?:bad|overwhelmed|stuck|lost|ignored|undervalued|"
        r"frustrated|isolated|left out|like i)\b", r"\bi(?:'m| am) having (?:a hard|trouble)\b",
        r"\bi (?:worry|fear|struggle|can't cope|can't keep up|don't know how)\b",
        r"\b(?:it's|it is|that's) (?:been )?(?:hard|difficult|tough|too much|a problem|"
        r"painful|stressful)\b", r"\b(?:blocked|blocker|blocking me)\b",
        r"\bmy (?:worry|concern|problem) is\b", r"\btoo much (?:work|pressure)\b",
        r"\bi(?:'m| am) (?:really )?not (?:coping|ok|okay)\b", r"\bi (?:can't|cannot) (?!wait)",
        r"\b(?:nobody|no one) (?:notices|listens|sees|cares|helps)\b",
        r"\b(?:keeps?|been|are|is) (?:failing|crashing|breaking|slipping)\b",
        r"\b(?:a bit|a little|pretty|really|very|so|quite|too) (?:tired|stressed|worried|"
        r"overwhelmed|exhausted|frustrated|anxious|lost|stuck)\b", r"\bfailed (?:twice|again)\b",
        r"\bi (?:still )?(?:don't|do not) have (?:access|write access|the time|time|enough)\b",
        r"\bi had to cancel\b",
    ),
    Language.FR: _any(
        r"\bje suis (?:\w+ )?(?:inquiet|inquiete|stresse|stressee|angoisse|angoissee|"
        r"deborde|debordee|epuise|epuisee|fatigue|fatiguee|frustre|frustree|perdu|perdue|"
        r"bloque|bloquee|decourage|decouragee|a bout|sous l'eau|pas bien)\b",
        r"\bje me sens (?:\w+ )?(?:mal|seul|seule|perdu|perdue|deborde|debordee|ignore|"
        r"ignoree|pas (?:a ma place|reconnu|reconnue|ecoute|ecoutee))\b",
        r"\bj'ai (?:du mal|peur|l'impression de ne pas|trop de|beaucoup de mal)\b",
        r"\bje m'inquiete\b", r"\bje n'y arrive pas\b", r"\bje ne sais pas comment\b",
        r"\bc'est (?:\w+ )?(?:dur|difficile|complique|lourd|penible|stressant|trop)\b",
        r"\bca me (?:pese|stresse|bloque|inquiete|frustre|fatigue|decourage)\b",
        r"\b(?:ca|c'est) bloque\b", r"\bmon (?:souci|probleme|inquietude) c'est\b",
        r"\bje (?:stresse|galere|sature|craque)\b", r"\bbloqu(?:e|es|ent|ant)\b",
        r"\bpersonne ne (?:voit|remarque|reconnait|m'ecoute|m'aide)\b",
        r"\b(?:un peu|tres|trop|assez|plutot|vraiment) (?:fatigue|fatiguee|stresse|stressee|"
        r"inquiet|inquiete|deborde|debordee|epuise|epuisee|perdu|perdue|decourage|decouragee)\b",
        r"\b(?:commence|commencent) a (?:peser|me peser|devenir lourd)\b",
        r"\bpese(?:nt)? sur\b", r"\bj'ai du (?:annuler|renoncer)\b",
    ),
}

# Words that lean a reply towards a reflection (feelings, wants, hedged restating: "kind of",
# "pretty", "though") or away from one (asking, planning, thanking, praising); each counts
# once. The French lists hold feelings only: "pas", "mais" are in every other French sentence.
LEANS_IN = {
    Language.EN: frozenset("""feel feels feeling felt sounds sound kind sort pretty almost though
        hard important sense you've yourself trouble part really want wanna wanted not but maybe
        already quite seems seem saying willing having trying best care worried scary concerned
        difficult tough worry worries scares scared bothers matters afraid""".split()),  # noqa: SIM905
    Language.FR: frozenset("""sens sent sentir ressens ressentez impression dur dure difficile
        important importante envie peut-etre semble sembles semblez essaies essayez inquiet
        inquiete peur lourd complique frustrant""".split()),  # noqa: SIM905
}
LEANS_OUT = {
    Language.EN: frozenset("""what tell would we let's i'd i'll thank thanks any anything else mind
        ask could how when where why which do does did can shall brilliant bravo congratulations
        proud excellent awesome""".split()),  # noqa: SIM905
    Language.FR: frozenset("""quoi comment quand pourquoi quel quelle nous on vais merci
        est-ce qu'est-ce peux pourrais pourrait pourriez combien raconte
        racontez bravo felicitations brillant brillante parfait excellent genial""".split()),  # noqa: SIM905
}

# The reply is about the speaker or a plan ("I'll send...", "Let's..."), not the other.
SELF_START = {
    Language.EN: re.compile(
        r"^(?:(?:okay|ok|yeah|um|uh|well|so|and|right|alright|all right)[,.]?\s+)*"
        r"(?:i|i'm|i've|i'd|i'll|we|we'll|we're|let's|let me|my|thank|thanks|hi|hello)\b"),
    Language.FR: re.compile(
        r"^(?:(?:d'accord|ok|oui|bon|alors|donc|et|bien)[,.]?\s+)*"
        r"(?:je|j'|moi|on|nous|merci|bonjour|salut|mon|ma|mes|de mon cote|pour ma part)\b"),
}

# Telling the other what to do ("I need you to ...", "Tu m'envoies ... demain"): an instruction
# in the second person, not a reformulation.
DIRECTIVE = {
    Language.EN: _any(
        r"\b(?:i need you to|you need to|you should|you have to|you must|you've got to|"
        r"you gotta|make sure you|i want you to)\b",
        r"^(?:(?:okay|ok|so|well|and|now|look|alright|all right)[,.]?\s+)*(?:please |just )?"
        r"(?:send|finish|make sure|let me know|think about|call|book|write|take|go ahead|"
        r"bring|try|put|keep)\b"),
    Language.FR: _any(
        r"\b(?:il faut que (?:tu|vous)|(?:tu dois|vous devez|tu devrais|vous devriez)|"
        r"(?:tu|vous) (?:m'envoies|m'envoyez|me fais|me faites|me prepares|me preparez|"
        r"me rediges|me redigez|rediges|redigez|me dis|me dites|me tiens|me tenez))\b",
        r"\b(?:vas-y|allez-y|pose-les|envoie-moi|envoyez-moi|dis-moi|dites-moi|fais-moi|"
        r"pense a|pensez a)\b"),
}
