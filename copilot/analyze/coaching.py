"""Per-meeting coaching checks beyond talk time: feedback balance and order, criticism without
facts, leading questions, status-only reviews, who spoke first, how clear the next steps are,
and whether earlier commitments came back.

Each check follows a point of ../shared/domain/ONE_ON_ONES.md (number in the docstring), reads
its threshold from `Settings` (the `# coaching` block) and returns warnings that cite the
utterances they rest on. They are pure functions over the transcript and the extraction, so
any engine (rules or LLM) gets the same critique.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Protocol

from copilot.analyze.rules.feedback import states_fact
from copilot.models import Extraction, FeedbackItem, NextStep, Transcript, Utterance, Warning
from copilot.settings import Settings
from copilot.text import count_words, fold, name_key


class PriorStep(Protocol):
    """An open commitment from an earlier meeting (the store's `OpenStep` has this shape)."""

    @property
    def step(self) -> NextStep: ...
    @property
    def meeting_id(self) -> str: ...
    @property
    def meeting_date(self) -> dt.date: ...


def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return "\u201c" + (text if len(text) <= limit else text[: limit - 1] + "\u2026") + "\u201d"


def _by_id(transcript: Transcript) -> dict[int, Utterance]:
    return {u.id: u for u in transcript.utterances}


# -- (3, 4) feedback ------------------------------------------------------------------------------

def feedback_warnings(
    transcript: Transcript, extraction: Extraction, settings: Settings, manager: str
) -> list[Warning]:
    """Criticism without facts, criticism-heavy balance, criticism before praise."""
    given = [fb for fb in extraction.feedback if fb.given_by in (None, manager)]
    out: list[Warning] = []
    utts = _by_id(transcript)
    for fb in given:
        if fb.polarity != "negative" or fb.target != "behavior":
            continue  # person-targeted criticism already gets `personal_feedback`
        said = " ".join(utts[i].text for i in fb.evidence if i in utts) or fb.text
        if not states_fact(said, transcript.language):
            out.append(Warning(
                code="criticism_without_facts",
                message=f"This criticism states no fact (what, when, how much): {_quote(fb.text)}",
                evidence=fb.evidence,
                suggestion="Recall the observable fact and its impact, then ask what the report "
                "proposes (Situation-Behaviour-Impact).",
            ))
    praise = [fb for fb in given if fb.polarity == "positive"]
    criticism = [fb for fb in given if fb.polarity == "negative"]
    if len(given) >= settings.balance_min_feedback:
        share = len(criticism) / len(given)
        if share >= settings.criticism_share_threshold:
            out.append(Warning(
                code="feedback_balance",
                message=f"{len(criticism)} of {len(given)} feedback items were criticism "
                f"({share:.0%}); a 1:1 that dwells on failures feels punitive.",
                evidence=_ids(criticism),
                suggestion="Recognise what really went well too, with its facts -- never an "
                "invented positive.",
            ))
    if praise and criticism and _first(criticism) < _first(praise):
        out.append(Warning(
            code="criticism_before_praise",
            message="The criticism came before the praise; opening with what went well makes "
            "the criticism easier to hear.",
            evidence=sorted({_first(criticism), _first(praise)}),
            suggestion="Start with the real successes, then the facts to improve.",
        ))
    return out


def _ids(items: Sequence[FeedbackItem]) -> list[int]:
    return sorted({i for fb in items for i in fb.evidence})


def _first(items: Sequence[FeedbackItem]) -> int:
    return min(min(fb.evidence, default=10**9) for fb in items)


# -- (2) questions --------------------------------------------------------------------------------

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


def question_warnings(
    transcript: Transcript, extraction: Extraction, settings: Settings, manager: str
) -> list[Warning]:
    out: list[Warning] = []
    questions = extraction.questions
    leading = [q for q in questions if q.kind == "leading"]
    if len(leading) >= settings.leading_questions_min:
        quotes = "; ".join(_quote(q.text, 70) for q in leading[:3])
        out.append(Warning(
            code="leading_questions",
            message=f"{len(leading)} questions suggested their own answer: {quotes}",
            evidence=sorted({i for q in leading for i in q.evidence}),
            suggestion="Ask without the answer in it: \u201cWhat do you think we should do?\u201d"
            " / \u201cQu'est-ce que tu proposes ?\u201d",
        ))
    status = [q for q in questions if q.kind != "open" and _STATUS.search(fold(q.text))]
    managers = [u for u in transcript.utterances if u.role == "manager"]
    personal = any(_PERSONAL.search(fold(u.text)) for u in managers)
    if (len(questions) >= settings.status_review_min_questions and not personal
            and len(status) / len(questions) >= settings.status_review_share):
        out.append(Warning(
            code="status_review_only",
            message=f"{len(status)} of {len(questions)} questions from {manager} checked the "
            "status of the work and nothing was asked about the person (how they feel, what "
            "blocks them, where they want to go): this was a status review, not a 1:1.",
            evidence=sorted({i for q in status for i in q.evidence}),
            suggestion="Keep the status for a written update; use the 1:1 for \u201cComment tu "
            "te sens ?\u201d, \u201cQu'est-ce qui t'empêche d'avancer ?\u201d",
        ))
    return out


# -- (5) who spoke first ---------------------------------------------------------------------------

def opening_warning(transcript: Transcript, settings: Settings, manager: str,
                    report: str) -> Warning | None:
    """The manager's words before the report has said `opening_report_words` words."""
    spoken = [u for u in transcript.utterances if u.role in ("manager", "report")]
    if len(spoken) < 4 or not any(u.role == "report" for u in spoken):
        return None
    mgr_words = rep_words = 0
    evidence: list[int] = []
    for u in spoken:
        if rep_words >= settings.opening_report_words:
            break
        if u.role == "report":
            rep_words += count_words(u.text)
        else:
            mgr_words += count_words(u.text)
            evidence.append(u.id)
    if mgr_words <= settings.opening_manager_words:
        return None
    return Warning(
        code="report_not_first",
        message=f"{manager} said {mgr_words} words before {report} had said "
        f"{settings.opening_report_words}; the first minutes of a 1:1 belong to the report.",
        evidence=evidence,
        suggestion="Open with \u201cComment ça va ?\u201d or \u201cWhat would you like to "
        "talk about?\u201d and let the report set the first topic.",
    )


# -- (6) clear next steps ----------------------------------------------------------------------------

def next_step_warning(extraction: Extraction, settings: Settings) -> Warning | None:
    steps = extraction.next_steps
    if not steps:
        return None  # `no_next_steps` covers it
    vague = [s for s in steps if not (s.owner and s.due)]
    if (len(steps) - len(vague)) / len(steps) >= settings.dated_next_steps_share:
        return None
    listed = "; ".join(f"{_quote(s.action, 60)} ({'no owner' if not s.owner else s.owner}, "
                       f"{'no date' if not s.due else s.due.isoformat()})" for s in vague[:4])
    return Warning(
        code="unclear_next_steps",
        message=f"{len(vague)} of {len(steps)} next steps lack an owner or a date: {listed}",
        evidence=sorted({i for s in vague for i in s.evidence}),
        suggestion="Before closing, give each action an owner and a date (\u201cqui fait quoi, "
        "pour quand ?\u201d).",
    )


# -- (7) follow-up of earlier commitments ------------------------------------------------------------

_STOP_WORDS = (
    "avec pour dans sur sous chez mais donc alors comme quand leur nous vous elle ils cette tout "
    "tous plus moins tres bien deja encore aussi meme faire fait faut etre avoir suis sont etait "
    "peux peut dois doit semaine prochaine prochain demain lundi mardi mercredi jeudi vendredi "
    "with from that this these those there their them they have will would could should been "
    "about into over after before when what which your just also still then than some more "
    "next week friday monday tuesday wednesday thursday tomorrow today"
)
_STOP = set(_STOP_WORDS.split())


def _stems(text: str, names: set[str]) -> set[str]:
    words = re.findall(r"[a-z0-9][a-z0-9'-]*", fold(text))
    return {w.split("'")[-1][:5] for w in words
            if len(w.split("'")[-1]) >= 4 and w not in _STOP and w not in names}


def revisited(step: NextStep, utterances: Sequence[Utterance], settings: Settings,
              names: set[str]) -> list[int]:
    """Ids of the utterances that come back to `step` (its content words, by 5-letter stems)."""
    want = _stems(step.action, names)
    if not want:
        return []
    need = max(2 if len(want) >= 2 else 1, round(settings.revisit_overlap * len(want) + 1e-9))
    return [u.id for u in utterances if len(want & _stems(u.text, names)) >= need]


def revisit_warnings(transcript: Transcript, previous: Sequence[PriorStep], settings: Settings,
                     manager: str, report: str) -> list[Warning]:
    """A warning when the open commitments of the previous 1:1 never came up in this one.

    Only the latest earlier meeting counts (older open items are the agenda's job): a stale
    promise from months ago should not be repeated under every new meeting.
    """
    if not previous:
        return []
    names = {name_key(manager), name_key(report)}
    last = max(p.meeting_date for p in previous)
    missed: dict[str, list[PriorStep]] = {}
    for prior in (p for p in previous if p.meeting_date == last):
        if not revisited(prior.step, transcript.utterances, settings, names):
            missed.setdefault(prior.meeting_id, []).append(prior)
    out = []
    for meeting_id, priors in missed.items():
        day = priors[0].meeting_date
        listed = "; ".join(f"{_quote(p.step.action, 60)} ({p.step.owner or '?'})"
                           for p in priors[:4])
        mine = sum(p.step.owner_role in ("manager", "both") for p in priors)
        out.append(Warning(
            code="commitments_not_revisited",
            message=f"{len(priors)} commitment(s) still open from the 1:1 of {day.isoformat()} "
            f"(meeting {meeting_id}; the evidence ids are its utterances) "
            f"did not come up{f', {mine} of them the manager' + chr(39) + 's own' if mine else ''}"
            f": {listed}",
            evidence=sorted({i for p in priors for i in p.step.evidence}),
            evidence_meeting=meeting_id,
            suggestion="Start with last time's decisions: what was done, what is blocked, what "
            "is dropped.",
        ))
    return out
