"""The recap (compte rendu) of one meeting, built from its analysis: the summary, the
decisions, the next steps with owners and dates, the topics carried to the next 1:1 and the
report's concerns, each citing its utterances; and its Markdown in the meeting's language.

What it never holds: the coaching (warnings, suggestions, talk figures, questions) and the
private notes: it is built from the analysis' items only, and the store adds the header.
A manager's edit replaces the generated content (`check_edit` validates it against the meeting).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

from copilot.errors import InputError
from copilot.i18n import N_, Template
from copilot.memory import cues
from copilot.memory.decisions import find_decisions
from copilot.memory.markdown import md_escape  # the agenda's escaping, for both
from copilot.models import (
    Analysis,
    CarriedTopic,
    Concern,
    MeetingRecap,
    NextStep,
    RecapContent,
    RecapItem,
    Utterance,
)
from copilot.text import fold, name_matches, split_sentences

Item = TypeVar("Item", bound=RecapItem)
MAX_CONCERNS = 6  # concise: the first ones said; the transcript holds the rest
_WORRY = re.compile(
    r"\bje (?:m'inquiete|suis (?:un peu |assez |vraiment |tres )?(?:inquiet|inquiete|stresse|"
    r"stressee|perdu|perdue|deborde|debordee|noye|noyee|bloque|bloquee|coince|coincee)|stresse|"
    r"galere|sature|crains|n'y arrive pas|ne m'en sors pas|ne sais pas comment)\b"
    r"|\b(?:ca|cela|ce qui) m'(?:inquiete|angoisse|stresse|preoccupe|embete|ennuie|pese)\b"
    r"|\bj'ai (?:du mal|peur|un peu peur|un souci|un probleme|des difficultes|"
    r"l'impression de ne pas)\b"
    r"|\b(?:c'est|ca devient|ca reste) (?:vraiment |un peu |assez |tres )?(?:difficile|"
    r"complique|dur|tendu|lourd|trop)\b|\bpas facile\b|\bma (?:crainte|inquietude)\b"
    r"|\bi(?:'m| am) (?:a bit |really |quite |very |getting |a little )?(?:worried|concerned|"
    r"anxious|struggling|stressed|overwhelmed|stuck|blocked|lost|swamped|nervous|afraid)\b"
    r"|\bi(?:'m| am) having (?:a hard time|trouble|difficulty|difficulties)\b"
    r"|\bit(?:'s| is| has been|'s been) (?:really |a bit |quite |very )?(?:hard|difficult|"
    r"tough|stressful|overwhelming)\b|\bmy (?:concern|worry|fear)\b|\bworries me\b"
    r"|\bi (?:worry|struggle|can't keep up|don't know how)\b")

# What deferring says, not what is deferred ("on en reparle la prochaine fois", "let's come
# back to that later"): a sentence with nothing else names no topic.
_DEFERRING = (
    "reparle reparlera reparlerons parle parlera parlerons discute discutera verra reviendra "
    "reviendrons prochaine prochain fois point plus tard autre semaine gardons garde mettons "
    "pour cote temps aujourd hui parler aborder quand meme bien alors donc voila let lets "
    "revisit next time week later another come back that this talk about discuss park table "
    "take offline sure okay with maybe then well good great")
_DEFERRAL_WORDS = frozenset(_DEFERRING.split())

TEXTS: dict[str, Template] = {
    "title": Template(N_("Recap of the 1:1 of {day}: {manager} and {report}"),
                      dates=frozenset({"day"})),
    "summary": Template(N_("Summary")),
    "decisions": Template(N_("Decisions")),
    "next_steps": Template(N_("Next steps")),
    "carried_topics": Template(N_("Carried to next time")),
    "concerns": Template(N_("Concerns raised")),
    "nobody": Template(N_("Nobody named")),
    "due": Template(N_("due {day}"), dates=frozenset({"day"})),
    "due_text": Template(N_("due: {text}")),
    "nothing": Template(N_("Nothing recorded.")),
    "edited": Template(N_("Edited by the manager.")),
}
SECTIONS = ("decisions", "next_steps", "carried_topics", "concerns")


def build(analysis: Analysis) -> RecapContent:
    """The generated recap of `analysis` (nothing of its coaching)."""
    return RecapContent(
        summary=analysis.summary or None,
        decisions=find_decisions(analysis.utterances),
        next_steps=[s for s in analysis.next_steps if s.action.strip()],
        carried_topics=carried_topics(analysis),
        concerns=concerns(analysis.utterances, analysis.report),
    )


def carried_topics(analysis: Analysis) -> list[CarriedTopic]:
    """Topics put off to the next 1:1: the deferring sentence when it names its topic ("let's
    revisit the hiring plan next time", whoever says it), else what cues.findings points at
    (the report's words just before "on en reparle la prochaine fois")."""
    deferred = [f for f in cues.findings(analysis) if f.kind == "deferred" and f.text.strip()]
    found: list[CarriedTopic] = []
    for u in analysis.utterances:
        named = [x for x in split_sentences(u.text)
                 if cues.DEFERRAL.search(fold(x)) and _names_a_topic(x)]
        if named:
            found += [CarriedTopic(text=x, evidence=[u.id]) for x in named]
            continue
        found += [CarriedTopic(text=f.text, evidence=list(f.evidence))
                  for f in deferred if max(f.evidence) == u.id]
    return _unique(found)


def _names_a_topic(sentence: str) -> bool:
    words = set(re.findall(r"[a-z]{4,}", fold(sentence).replace("'", " "))) - _DEFERRAL_WORDS
    return bool(words)


def concerns(utterances: list[Utterance], report: str) -> list[Concern]:
    """The report's sentences that voice a worry, a difficulty or a blocker."""
    found: list[Concern] = []
    for u in utterances:
        if not _said_by_report(u, report):
            continue
        for sentence in split_sentences(u.text):
            low = fold(sentence)
            if low.endswith("?") or cues.DEFERRAL.search(low):
                continue
            if _WORRY.search(low) or cues.BLOCKER.search(low):
                found.append(Concern(text=sentence, evidence=[u.id]))
    return _unique(found)[:MAX_CONCERNS]


def _said_by_report(u: Utterance, report: str) -> bool:
    if u.role is not None:
        return u.role == "report"
    return bool(u.speaker) and name_matches(u.speaker or "", report)


def _unique(items: Iterable[Item]) -> list[Item]:
    """One item per text (folded); the first one's place, every evidence."""
    out: dict[str, Item] = {}
    for item in items:
        key = fold(item.text)
        if key in out:
            old = out[key]
            out[key] = old.model_copy(update={"evidence": sorted({*old.evidence,
                                                                  *item.evidence})})
        else:
            out[key] = item
    return list(out.values())


def check_edit(content: RecapContent, analysis: Analysis) -> RecapContent:
    """The manager's edit, validated against the meeting: every evidence id is one of its
    utterances, every next step has an action. InputError otherwise."""
    ids = {u.id for u in analysis.utterances}
    items: list[tuple[str, list[int]]] = [
        *((f"decision {i.text!r}", i.evidence) for i in content.decisions),
        *((f"carried topic {i.text!r}", i.evidence) for i in content.carried_topics),
        *((f"concern {i.text!r}", i.evidence) for i in content.concerns),
        *((f"next step {s.action!r}", s.evidence) for s in content.next_steps)]
    for what, evidence in items:
        unknown = sorted(set(evidence) - ids)
        if unknown:
            raise InputError(f"the {what} cites #{unknown[0]}, not an utterance of meeting "
                             f"{analysis.id}", "cite the ids of the meeting's utterances")
    steps = []
    for step in content.next_steps:
        action = " ".join(step.action.split())
        if not action:
            raise InputError("a next step has no action", "say what is to be done")
        steps.append(step.model_copy(update={"action": action}))
    summary = " ".join((content.summary or "").split()) or None
    return content.model_copy(update={"next_steps": steps, "summary": summary})


def stripped(content: RecapContent) -> RecapContent:
    """An edit once retention removed the meeting's words: the next steps stay, as they do in
    the analysis (the agenda tracks them); the quotes go."""
    return RecapContent(next_steps=content.next_steps)


def markdown(recap: MeetingRecap) -> str:
    """The recap as Markdown, in the meeting's language; each line cites its utterances."""
    lang = recap.language

    def t(key: str, **params) -> str:
        return TEXTS[key].render(lang, params)

    title = t("title", day=recap.date.isoformat(), manager=md_escape(recap.manager),
              report=md_escape(recap.report))
    lines = [f"# {title}", ""]
    if recap.edited:
        lines += [f"_{t('edited')}_", ""]
    if recap.summary:
        lines += [f"## {t('summary')}", "", md_escape(recap.summary), ""]
    for section in SECTIONS:
        items = getattr(recap, section)
        lines += [f"## {t(section)}", ""]
        if not items:
            lines += [f"_{t('nothing')}_", ""]
            continue
        lines += [_step_line(s, t) if isinstance(s, NextStep) else
                  f"- {md_escape(s.text)}{_cites(s.evidence)}" for s in items]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _step_line(step: NextStep, t) -> str:
    owner = md_escape(step.owner) if step.owner else t("nobody")
    due = (f" ({t('due', day=step.due.isoformat())})" if step.due else
           f" ({t('due_text', text=md_escape(step.due_text))})" if step.due_text else "")
    return f"- **{owner}**: {md_escape(step.action)}{due}{_cites(step.evidence)}"


def _cites(evidence: list[int]) -> str:
    return f" _({', '.join(f'#{i}' for i in evidence)})_" if evidence else ""

