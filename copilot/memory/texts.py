"""The agenda's and the legal calendar's own texts in French and English (English templates
are the msgids of the `copilot` catalogue). The agenda is built on demand, so it is simply built
in the language asked for; items quoting the meetings keep the words said."""

from __future__ import annotations

import datetime as dt

from copilot.i18n import N_, Params, Template

_D = frozenset
AGENDA: dict[str, Template] = {
    "deferred": Template(N_("put off to a later meeting")),
    "blocker": Template(N_("raised in {count} meetings since {since}"), dates=_D({"since"})),
    "blocker_question": Template(N_("What is still holding you back on \u201c{topic}\u201d? "
                                    "How can I help?")),
    "about_blocker": Template(N_("about a recurring blocker")),
    "not_covered": Template(N_("{area}: not discussed in the last {count} 1:1s")),
    "last_discussed": Template(N_("last discussed on {day}"), dates=_D({"day"})),
    "never_discussed": Template(N_("not discussed in any of the {count} 1:1s stored")),
    "not_covered_recently": Template(N_("{area} not covered recently")),
    "wellbeing": Template(N_("Workload and wellbeing")),
    "career": Template(N_("Career and development")),
    "wellbeing_question": Template(N_(
        "How are you feeling about your workload at the moment?")),
    "career_question": Template(N_(
        "Where would you like to be in a year, and what would help you get there?")),
    "development_talk": Template(N_(
        "Development and career: no talk about it in the last {count} 1:1s ({weeks} weeks)")),
    "development_since": Template(N_("no development talk in the 1:1s since {since}"),
                                  dates=_D({"since"})),
    "submitted": Template(N_("submitted on {day}"), dates=_D({"day"})),
    "submitted_by": Template(N_("submitted on {day} by {by}"), dates=_D({"day"})),
    "overdue": Template(N_("Last 1:1 {days} days ago; usual interval {median} days")),
    "average": Template(N_("average interval {average} days over {meetings} meetings")),
    "section_required": Template(N_("required by the template of this meeting type")),
    "section_legal": Template(N_("required by law for this interview (art. L6315-1 Code du "
                                 "travail)")),
    "section": Template(N_("a section of this meeting type's template")),
}
LEGAL: dict[str, Template] = {
    "first_year": Template(N_("Entretien de parcours professionnel: the first one is due "
                              "within a year of hiring")),
    "none_recorded": Template(N_(
        "Entretien de parcours professionnel: none recorded since hiring; record the last one "
        "held (`copilot people set NAME --career-review YYYY-MM-DD`)")),
    "periodic": Template(N_("Entretien de parcours professionnel: due at least every {every} "
                            "years")),
    "recap": Template(N_("État des lieux récapitulatif (every 8 years of service): check the "
                         "reviews held and the training received")),
    "mid_career": Template(N_("Entretien de parcours professionnel within 2 months after the "
                              "mid-career medical visit (age 45)")),
    "pre_retirement": Template(N_("Entretien de parcours professionnel in the two years "
                                  "before 60")),
    "hired": Template(N_("hired {day}"), dates=_D({"day"})),
    "hired_none": Template(N_("hired {day}, no review recorded"), dates=_D({"day"})),
    "last_review": Template(N_("last review {day}"), dates=_D({"day"})),
    "born": Template(N_("born {year}")),
}


def agenda_text(key: str, lang: str, **params: str | float | dt.date | None) -> str:
    return AGENDA[key].render(lang, _raw(params))


def legal_text(key: str, lang: str, **params: str | float | dt.date | None) -> str:
    return LEGAL[key].render(lang, _raw(params))


def _raw(params: dict[str, str | int | float | dt.date | None]) -> Params:
    # A birth year stays "1980", not "1 980": years are labels, not quantities.
    return {k: v.isoformat() if isinstance(v, dt.date) else str(v) if k == "year" else v
            for k, v in params.items()}
