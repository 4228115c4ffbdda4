"""The coaching report's own texts (its warnings) in French and English; English templates are
the msgids of the `copilot` catalogue. The report is computed on demand, so it is written in the
language asked for (default: the language most of its meetings were held in)."""

from __future__ import annotations

from copilot.i18n import N_, Params, Template, gettext_for

_P = frozenset
COACHING: dict[str, tuple[Template, Template | None]] = {
    "low_listening_ratio": (Template(N_(
        "Over {rated} meetings the reports spoke {average} of the time on average (the manager "
        "talks too much below {floor}); {low} meetings were below."),
        percent=_P({"average", "floor"})), Template(N_(
            "Ask one open question, then wait: let the report fill the silence."))),
    "worse": (Template(N_(
        "The {label} got worse: {first} on average over the first third of the meetings, "
        "{last} over the last third."), percent=_P({"first", "last"})), None),
    "personal_feedback_repeated": (Template(N_(
        "Feedback about the person (traits, labels, always/never) came up in {count} "
        "meetings.")), Template(N_(
            "Recall the facts and their impact instead (Situation-Behaviour-Impact)."))),
    "slipping": (Template(N_(
        "{manager} kept {done} of {due} own commitments that were due ({rate})."),
        percent=_P({"rate"})), Template(N_(
            "Keep your promises visible: bring your own open items first in each 1:1."))),
    "slipping.theirs": (Template(N_(
        "{manager} kept {done} of {due} own commitments that were due ({rate}), the reports "
        "{theirs} of theirs."), percent=_P({"rate", "theirs"})), Template(N_(
            "Keep your promises visible: bring your own open items first in each 1:1."))),
    "irregular_cadence": (Template(N_(
        "1:1s with {report}: a gap of {gap} days (usual {median}); more than {most} days sends "
        "the message that the time is not a priority.")), None),
    "one_on_one_overdue": (Template(N_(
        "The last 1:1 with {report} was {days} days ago; the usual gap is {median} days.")),
        Template(N_("Book the next 1:1 with {report}."))),
    "recurring_warning": (Template(N_("`{code}` came up in {count} of {total} meetings.")),
                          None),
    "no_development_talk": (Template(N_(
        "No development or career talk with {report} in the last {count} 1:1s ({weeks} weeks, "
        "since {since})."), dates=_P({"since"})), Template(N_(
            "Put it on the next agenda: ask where {report} would like to be in a year and what "
            "would help them get there."))),
}
LABELS = {
    "listening_ratio": N_("listening ratio (report's share of talk)"),
    "open_share": N_("share of open questions"),
    "person_feedback": N_("feedback about the person"),
    "longest_monologue_words": N_("longest monologue (words)"),
    "reflections": N_("number of reformulations per meeting"),
    "development_share": N_("share of development and career talk"),
    "failure_share": N_("share of talk about problems and failures"),
}


def coaching_text(key: str, lang: str, params: Params) -> tuple[str, str | None]:
    """(message, suggestion) of a coaching warning in `lang`."""
    message, suggestion = COACHING[key]
    extra = {"label": gettext_for(lang)(LABELS[str(params["metric"])])} if key == "worse" else {}
    return (message.render(lang, params, **extra),
            suggestion.render(lang, params) if suggestion else None)
