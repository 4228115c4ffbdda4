"""What a meeting says about earlier ones: progress reports, blockers, deferred topics, areas.

Pure functions over an `Analysis` (French and English word lists, matched on lower-cased text
with accents kept where they carry the grammar: "envoyé" is a past participle, "envoie" is not).
Each finding cites the utterance it comes from. The lists favour precision: a sentence they miss
leaves a commitment open one more week, a sentence they misread could close it for good.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from copilot.models import Analysis, Utterance
from copilot.text import fold, name_key, split_sentences

Status = Literal["done", "blocked", "postponed"]
Subject = Literal["speaker", "addressee", "both", "named", "unknown"]
Area = Literal["wellbeing", "career"]

def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts))


# Adjectives in -é that follow "c'est"/"je suis" without reporting any action.
_NOT_DONE_PARTICIPLES = (
    "été|compliqué|compliquée|occupé|occupée|débordé|débordée|fatigué|fatiguée|stressé|stressée|"
    "motivé|motivée|intéressé|intéressée|désolé|désolée|bloqué|bloquée|décalé|décalée|repoussé|"
    "repoussée|reporté|reportée|annulé|annulée|retardé|retardée|prévu|prévue|passé|passée|"
    "lancé dans|habitué|inquiet|concerné|concernée|étonné|surpris|engagé"
)
_FR_DONE = re.compile(
    r"\b(?:j'ai|j’ai|on a|nous avons|tu as|vous avez|il a|elle a|ils ont|elles ont|"
    r"je (?:t'|l'|lui |leur |vous |les |te |m')ai|on (?:t'|l'|lui |leur |vous |les )a)\s+"
    r"(?:(?:bien|déjà|enfin|finalement|aussi|tout|pu|donc)\s+)*"
    rf"(?!(?:{_NOT_DONE_PARTICIPLES})\b)"
    r"(\w+é(?:e|s|es)?|fini|fait|écrit|mis|pris|obtenu|reçu|rendu|soumis|transmis|repris|"
    r"résolu|revu|relu|inscrit|ouvert)\b"
    r"|\b(?:c'est|c’est|ça a été|ca a été|a été|ont été|est|sont)\s+(?:bien\s+|déjà\s+|enfin\s+)?"
    rf"(?!(?:{_NOT_DONE_PARTICIPLES})\b)"
    r"(?:fait|faite|fini|finie|bouclé|bouclée|réglé|réglée|envoyé|envoyée|envoyés|parti|partie|"
    r"partis|validé|validée|signé|signée|livré|livrée|terminé|terminée|traité|traitée|"
    r"calé|calée|réservé|réservée|publié|publiée|transmis|transmise|corrigé|corrigée|"
    r"mis à jour|mise à jour|dans la boîte|en ligne|résolu|résolue)\b"
    r"|\b(?:voilà|voila),? c'est fait\b|\bc'est fait\b|\bje l'ai (?:\w+é|fait|fini|envoyé)\b"
)
_EN_DONE = re.compile(
    r"\b(?:i|we|you|he|she|they)(?:'ve|’ve| have| has)?\s+(?:(?:already|finally|just|also|"
    r"actually)\s+)*(?:sent|finished|completed|shipped|delivered|submitted|booked|scheduled|"
    r"shared|written|wrote|fixed|called|emailed|pinged|prepared|updated|reviewed|published|"
    r"closed|sorted|signed|asked|received|talked to|spoke to|spoke with|set up|put together|"
    r"reached out|followed up|filed|raised|drafted|done|did|made|organized|organised|"
    r"presented|contacted|merged|deployed|released|wrapped up|got|found|arranged|confirmed|"
    r"approved|ordered|registered|signed up|tested|checked|migrated|sent out|handed over|"
    r"cleaned up|finalized|finalised|completed)\b"
    r"|\b(?:it's|it is|that's|that is|it was|that was|it has been|this is|those are|they're)\s+"
    r"(?:all\s+|now\s+)?(?:done|sent|finished|sorted|shipped|booked|out|handled|taken care of|"
    r"merged|live|signed|approved|closed|fixed)\b|\bwent out\b"
)
_BLOCKED = _rx(
    r"\bpas encore\b", r"\btoujours pas\b", r"\bpas eu le temps\b", r"\bpas pu\b",
    r"\b(?:n'ai|n’ai|n'a|n'avons|n'as|n'avez) (?:\w+ )?pas\b", r"\bbloqu", r"\ben attente\b",
    r"\bj'attends\b", r"\bon attend\b", r"\bcoincé", r"\bpas de (?:réponse|retour|nouvelles)\b",
    r"\bn'avance pas\b", r"\bpas avancé", r"\bimpossible de\b",
    r"\bnot yet\b", r"\bhaven't\b", r"\bhasn't\b", r"\bhave not\b", r"\bdidn't\b", r"\bdid not\b",
    r"\bcouldn't\b", r"\bwasn't able\b", r"\bstill waiting\b", r"\bwaiting (?:on|for)\b",
    r"\bblocked\b", r"\bstuck\b", r"\bheld up\b", r"\bno answer\b", r"\bno reply\b",
)
_POSTPONED = _rx(
    r"\brepouss", r"\breport[ée]", r"\bdécal[ée]", r"\ben retard\b", r"\bglissé", r"\bretardé",
    r"\bremis à\b", r"\bpostponed\b", r"\bpushed (?:back|out|to)\b", r"\bdelayed\b",
    r"\bmoved to\b", r"\bslipped\b", r"\brescheduled\b", r"\blater than planned\b",
)
BLOCKER = _rx(
    r"\bbloqu[ée]s?\b", r"\bbloquant", r"\bça bloque\b", r"\bca bloque\b", r"\bblocage\b",
    r"\bcoincé", r"\ben attente d", r"\bj'attends toujours\b", r"\bon attend toujours\b",
    r"\bpas de réponse d", r"\bn'avance pas\b", r"\bfreine\b", r"\bfrein\b",
    r"\bblocked\b", r"\bblocker\b", r"\bblocking\b", r"\bstuck\b", r"\bwaiting on\b",
    r"\bstill waiting\b", r"\bheld up\b", r"\bholding (?:me|us) (?:up|back)\b",
    r"\bno answer from\b", r"\bcan't move forward\b",
)
DEFERRAL = _rx(
    r"\b(?:on|nous) (?:en |y )?(?:re)?(?:parle|parlera|parlerons|discute|discutera|verra|"
    r"reviendra|reviendrons)\b.{0,40}\b(?:prochaine fois|prochain point|prochain 1[:-]1|"
    r"prochain one-to-one|plus tard|une autre fois|semaine prochaine)\b",
    r"\b(?:gardons|garde|on garde|mettons|on met)\b.{0,30}\b(?:pour la prochaine|pour plus tard|"
    r"de côté|de coté)\b", r"\bon y reviendra\b", r"\bon en reparlera\b",
    r"\b(?:pas le temps|plus le temps) (?:aujourd'hui )?(?:d'en parler|pour ça)\b",
    r"\b(?:let's|let us|we'll|we can|can we)\b.{0,40}\b(?:next time|next week|next one|"
    r"another time|later|next 1[:-]1|next one-on-one)\b",
    r"\bpark (?:that|this|it)\b", r"\btable (?:that|this|it)\b",
    r"\btake (?:that|this|it) offline\b",
    r"\bcome back to (?:that|this|it)\b", r"\bno time (?:today )?(?:for|to)\b",
)
AREAS: dict[Area, re.Pattern[str]] = {
    "wellbeing": _rx(
        r"\bcharge de travail\b", r"\bsurcharg", r"\bfatigu", r"\bstress", r"\bépuis", r"\bburn",
        r"\bcomment (?:tu te sens|te sens-tu|vous sentez-vous|tu vis)\b", r"\bmoral\b",
        r"\béquilibre\b", r"\bvie perso", r"\bpression\b", r"\bheures sup", r"\bweek-end",
        r"\bcongé", r"\bvacances\b", r"\bsommeil\b", r"\bsanté\b", r"\bdébordé",
        r"\bworkload\b", r"\boverload", r"\btired\b", r"\bexhaust", r"\bwell-?being\b",
        r"\bhow (?:are|do) you feel", r"\bhow are you feeling\b", r"\bwork-life\b",
        r"\bovertime\b", r"\bvacation\b", r"\bholiday", r"\bmorale\b", r"\bpressure\b",
        r"\bsleep", r"\bweekends?\b", r"\boverwhelm",
    ),
    "career": _rx(
        r"\bcarrière", r"\bévolution\b", r"\bévoluer\b", r"\bpromotion\b", r"\bpromu",
        r"\bformation\b", r"\bdéveloppement (?:pro|perso)", r"\bcompétences?\b", r"\bmobilité\b",
        r"\bambition", r"\bmentor", r"\bcertification", r"\bbilan de compétences\b", r"\bcpf\b",
        r"\bvae\b", r"\bprojet professionnel\b", r"\bdans (?:un|deux|trois|cinq) ans\b",
        r"\bcareer\b", r"\bpromot", r"\bgrowth\b", r"\bgrow\b", r"\btraining\b", r"\bskills?\b",
        r"\blearn", r"\bnext role\b", r"\bin (?:a|one|two|three|five) years?\b",
        r"\bconference\b", r"\bcourse\b", r"\bdevelopment plan\b",
    ),
}
_FIRST = re.compile(r"\b(?:j'|j’|je|moi|me|m'|i|i've|i'm|i'd|my|me)\b|^(?:j'|j’)")
_SECOND = re.compile(r"\b(?:tu|t'|t’|toi|vous|you|you've|you're|your)\b")
_WE = re.compile(r"\b(?:on|nous|we|we've|we're|our)\b")


@dataclass(frozen=True)
class Unit:
    """One sentence of a meeting, with who said it."""

    utterance: int
    speaker: str | None
    role: str | None
    text: str


@dataclass(frozen=True)
class Progress:
    unit: Unit
    status: Status
    subject: Subject


@dataclass(frozen=True)
class Finding:
    """A blocker, a deferred topic or an area touched: a text and where it was said."""

    kind: Literal["blocker", "deferred", "area"]
    text: str
    evidence: tuple[int, ...]
    label: str | None = None


def units(utterances: list[Utterance]) -> list[Unit]:
    return [Unit(u.id, u.speaker, u.role, s) for u in utterances for s in split_sentences(u.text)]


def status_of(text: str) -> Status | None:
    """done / blocked / postponed news in one sentence, or None. Blocked wins over done:
    "je n'ai pas encore envoyé" must never close anything."""
    low = text.lower().replace("’", "'")
    if _BLOCKED.search(low):
        return "blocked"
    if _POSTPONED.search(low):
        return "postponed"
    if _FR_DONE.search(low) or _EN_DONE.search(low):
        return "done"
    return None


def subject_of(text: str, names: list[str]) -> Subject:
    """Who the sentence says acted, relative to its speaker."""
    low = text.lower().replace("’", "'")
    key = name_key(text)
    if any(n and re.search(rf"\b{re.escape(name_key(n))}\b", key) for n in names):
        return "named"
    if _FIRST.search(low):
        return "speaker"
    if _SECOND.search(low):
        return "addressee"
    if _WE.search(low):
        return "both"
    return "unknown"


def progress(analysis: Analysis, names: list[str]) -> list[Progress]:
    """Sentences that report news (done, blocked, postponed) on something."""
    found = []
    for unit in units(analysis.utterances):
        status = status_of(unit.text)
        if status is not None:
            found.append(Progress(unit, status, subject_of(unit.text, names)))
    return found


def findings(analysis: Analysis) -> list[Finding]:
    """Blockers, topics deferred to a later meeting, and the areas (wellbeing, career) touched."""
    out: list[Finding] = []
    utts = analysis.utterances
    for pos, u in enumerate(utts):
        low = u.text.lower().replace("’", "'")
        for sentence in split_sentences(u.text):
            s_low = sentence.lower().replace("’", "'")
            if BLOCKER.search(s_low) and not DEFERRAL.search(s_low):
                out.append(Finding("blocker", sentence, (u.id,)))
        if DEFERRAL.search(low):
            topic = _deferred_topic(utts, pos)
            if topic is not None:
                topic_id, text = topic
                out.append(Finding("deferred", text, tuple(sorted({topic_id, u.id}))))
        for area, pattern in AREAS.items():
            if pattern.search(low):
                out.append(Finding("area", u.text, (u.id,), area))
    return out


def _deferred_topic(utts: list[Utterance], pos: int) -> tuple[int, str] | None:
    """The topic a deferral points at: the sentence itself when it names one ("on parlera de ta
    formation la prochaine fois"), else the last sentence of the report's turn just before."""
    here = utts[pos]
    words = re.findall(r"\w{4,}", fold(DEFERRAL.sub(" ", here.text.lower())))
    if len(words) >= 3 and here.role != "manager":
        return here.id, here.text
    for back in range(pos - 1, max(pos - 3, -1), -1):
        if utts[back].role == "report" or (utts[back].role is None and here.role is None):
            return utts[back].id, split_sentences(utts[back].text)[-1]
    return (here.id, here.text) if len(words) >= 3 else None
