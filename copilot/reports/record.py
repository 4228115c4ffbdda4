"""The written record of a career review (entretien de parcours professionnel).

Art. L6315-1 of the Code du travail asks for a written record of the interview, a copy of which
goes to the employee. It is made from the analysis, in the meeting's language (French for a
French interview, English for an English one): the people and the date, each section of the
template (the legal content) with what was said about it, quoted with the utterance ids, the
employee's own wishes (training, mobility, career), the next steps, room for the employee's
observations and the two signatures. Printable: one HTML page with print CSS.

Like the recap, it holds only what was said and decided: never the coaching (warnings, talk
figures) nor the manager's private notes. A meeting that is not a career review has no record
(WrongMeetingType, 409): an annual review's record is the company's own form.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from copilot.analyze.coverage import section_coverage
from copilot.errors import WrongMeetingType
from copilot.i18n import N_, format_day, gettext_for
from copilot.meeting_types import template_for
from copilot.models import Analysis, MeetingType, SectionCoverage, Utterance

HERE = Path(__file__).parent
QUOTES_PER_SECTION = 4
# Sections whose words, when the employee says them, are their wishes.
WISH_SECTIONS = ("training", "mobility", "career_path", "vae", "bilan", "cpf")

TEXTS = {
    "title": N_("Record of the career review (entretien de parcours professionnel)"),
    "basis": N_("Art. L6315-1 of the Code du travail. This interview is about the employee's "
                "career prospects, skills and training; it is not an evaluation of their work."),
    "employee": N_("Employee"), "manager": N_("Interview led by"),
    "date": N_("Date of the interview"),
    "reference": N_("Reference"), "content": N_("Content of the interview"),
    "covered": N_("discussed"), "not_covered": N_("not discussed"),
    "not_covered_note": N_("Not discussed during the interview."),
    "wishes": N_("The employee's wishes (training, mobility, career)"),
    "no_wishes": N_("The employee expressed no wish during the interview."),
    "next_steps": N_("Next steps"), "no_steps": N_("No next step was decided."),
    "due": N_("by"), "observations": N_("The employee's observations"),
    "signatures": N_("Signatures of the employee and the manager"),
    "copy_note": N_("A copy of this record is given to the employee."),
    "employee_signature": N_("The employee"), "manager_signature": N_("The manager"),
    "generated": N_("Drawn up from the meeting's transcript; the numbers (#) are those of "
                    "the utterances quoted."),
    "more": N_("and {count} more mention(s): {ids}"), "no_owner": N_("no owner"),
}
_PUNCTUATION = {"fr": {"lq": "«\u00a0", "rq": "\u00a0»", "colon": "\u00a0: "},
                "en": {"lq": "\u201c", "rq": "\u201d", "colon": ": "}}


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates"),
                       autoescape=select_autoescape(["html"]), trim_blocks=True,
                       lstrip_blocks=True)


def career_record_html(analysis: Analysis, home: Path | None = None) -> str:
    """The record as one printable HTML page. `home`: COPILOT_HOME, for the organisation's
    template when the analysis has no coverage stored (analysed before templates existed)."""
    if analysis.meeting_type != MeetingType.CAREER_REVIEW:
        raise WrongMeetingType(
            f"meeting {analysis.id} is a {analysis.meeting_type.value}, not a career_review: "
            "it has no written record",
            "analyse the meeting again with --type career_review (API: meeting_type)")
    lang = "fr" if analysis.language == "fr" else "en"
    _ = gettext_for(lang)
    coverage = analysis.coverage or section_coverage(
        analysis.utterances, template_for(MeetingType.CAREER_REVIEW, home), lang)
    said = {u.id: u for u in analysis.utterances}
    texts = {key: _(msgid) for key, msgid in TEXTS.items()} | _PUNCTUATION[lang]
    steps = [{"owner": s.owner or texts["no_owner"], "action": s.action,
              "due": format_day(s.due, lang) if s.due else None,
              "ids": ", ".join(f"#{i}" for i in s.evidence)} for s in analysis.next_steps]
    return _environment().get_template("career_record.html").render(
        analysis=analysis, lang=lang, t=texts, day=format_day(analysis.date, lang),
        parts=[_part(c, said, texts) for c in coverage],
        wishes=_wishes(coverage, said), steps=steps)


def _quote(u: Utterance) -> dict[str, object]:
    return {"id": u.id, "text": " ".join(u.text.split()), "who": u.speaker or "?"}


def _part(c: SectionCoverage, said: dict[int, Utterance], texts: dict[str, str]
          ) -> dict[str, object]:
    shown = [said[i] for i in c.evidence if i in said][:QUOTES_PER_SECTION]
    rest = [i for i in c.evidence if i in said][QUOTES_PER_SECTION:]
    more = (texts["more"].format(count=len(rest), ids=", ".join(f"#{i}" for i in rest))
            if rest else None)
    return {"id": c.section, "title": c.title or c.section, "covered": c.covered,
            "quotes": [_quote(u) for u in shown], "more": more}


def _wishes(coverage: list[SectionCoverage], said: dict[int, Utterance]
            ) -> list[dict[str, object]]:
    """What the employee said in the sections about their wishes, once each, in order."""
    ids = sorted({i for c in coverage if c.section in WISH_SECTIONS for i in c.evidence
                  if i in said and said[i].role == "report"})
    return [_quote(said[i]) for i in ids]
