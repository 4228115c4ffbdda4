"""The analysis' own texts (warnings, their suggestions, the SBI rewrites) in French and English.

A warning is stored with its `code`, its `params` (the raw values of the placeholders) and its
text rendered in the meeting's language; `warning_text` renders it again in any language, so a
French meeting can be read in English (`localize_analysis`). English templates are the msgids
of the `copilot` catalogue (copilot/locale); the French is in copilot/locale/fr.
"""

from __future__ import annotations

import datetime as dt

from copilot.i18n import N_, Params, Template, format_day, gettext_for, pick
from copilot.models import Analysis, FeedbackItem, Warning, WarningCode

_P = frozenset
# code (or code.variant) -> (message, suggestion); a variant is the `variant` param.
WARNINGS: dict[str, tuple[Template, Template | None]] = {
    WarningCode.NO_SPEAKERS: (Template(N_(
        "These are notes without speakers: no talk metrics or question analysis; facts and "
        "next steps only.")), None),
    WarningCode.ROLES_UNKNOWN: (Template(N_(
        "No speaker label matches the manager '{manager}' or the report '{report}', so the "
        "listening ratio cannot be attributed. Speakers: {speakers}")), Template(N_(
            "Say which speaker is the manager: `copilot meetings assign-roles <meeting id> "
            "--manager SPEAKER_00` (or POST /v1/meetings/{{id}}/roles); for recordings, "
            "--manager-voice enrols the manager's voice for next time."))),
    WarningCode.NOT_ONE_ON_ONE: (Template(N_(
        "{count} people speak in this 1:1, not two; the talk figures and the critique assume "
        "two. Others: {quotes}")), Template(N_(
            "Check the speaker labels (a voice split in two?) or analyse group meetings apart: "
            "they are not 1:1s."))),
    WarningCode.SINGLE_SPEAKER: (Template(N_(
        "Only one voice is heard in this recording ({seconds} s of speech): no listening ratio "
        "and no talk figures.")), Template(N_(
            "If two people spoke, their voices were too alike to tell apart (the facts and next "
            "steps still stand); record closer to both, or paste the transcript with speakers."))),
    WarningCode.MANAGER_DOMINATED_TALK: (Template(N_(
        "{manager} talked {share} {of_basis} (threshold {threshold}); a 1:1 belongs to the "
        "report."), percent=_P({"share", "threshold"})), Template(N_(
            "Ask an open question and let the report answer without interrupting."))),
    WarningCode.REPORT_NOT_FIRST: (Template(N_(
        "{manager} said {manager_words} words before {report} had said {report_words}; the "
        "first minutes of a 1:1 belong to the report.")), Template(N_(
            "Open with \u201cHow are you?\u201d or \u201cWhat would you like to talk "
            "about?\u201d and let the report set the first topic."))),
    f"{WarningCode.FEW_OPEN_QUESTIONS}.few": (Template(N_(
        "Only {open} of {asked} questions from {manager} were open; closed questions check "
        "status but do not let the report bring their own topics.")), Template(N_(
            "Try \u201cWhat is getting in your way?\u201d or \u201cHow can I help?\u201d"))),
    f"{WarningCode.FEW_OPEN_QUESTIONS}.none": (Template(N_(
        "{manager} asked no question at all.")), Template(N_(
            "Open with \u201cHow are you?\u201d / \u201cWhat would you like to talk "
            "about?\u201d"))),
    WarningCode.LEADING_QUESTIONS: (Template(N_(
        "{count} questions suggested their own answer: {quotes}")), Template(N_(
            "Ask without the answer in it: \u201cWhat do you think we should do?\u201d"))),
    WarningCode.STATUS_REVIEW_ONLY: (Template(N_(
        "{status} of {asked} questions from {manager} checked the status of the work and "
        "nothing was asked about the person (how they feel, what blocks them, where they want "
        "to go): this was a status review, not a 1:1.")), Template(N_(
            "Keep the status for a written update; use the 1:1 for \u201cHow do you "
            "feel?\u201d, \u201cWhat is stopping you from moving forward?\u201d"))),
    f"{WarningCode.PERSONAL_FEEDBACK}.criticism": (Template(N_(
        "This criticism is about the person, not about facts or behaviour: \u201c{text}\u201d"
    )), None),
    f"{WarningCode.PERSONAL_FEEDBACK}.praise": (Template(N_(
        "This praise is about the person, not about facts or behaviour: \u201c{text}\u201d")),
        None),
    WarningCode.CRITICISM_WITHOUT_FACTS: (Template(N_(
        "This criticism states no fact (what, when, how much): {quote}")), Template(N_(
            "Recall the observable fact and its impact, then ask what the report proposes "
            "(Situation-Behaviour-Impact)."))),
    WarningCode.FEEDBACK_BALANCE: (Template(N_(
        "{criticism} of {given} feedback items were criticism ({share}); a 1:1 that dwells on "
        "failures feels punitive."), percent=_P({"share"})), Template(N_(
            "Recognise what really went well too, with its facts -- never an invented "
            "positive."))),
    WarningCode.CRITICISM_BEFORE_PRAISE: (Template(N_(
        "The criticism came before the praise; opening with what went well makes the "
        "criticism easier to hear.")), Template(N_(
            "Start with the real successes, then the facts to improve."))),
    WarningCode.NO_NEXT_STEPS: (Template(N_(
        "The meeting ended without a clear next step (who does what, by when).")), Template(N_(
            "Close with actions: an owner, an action and a date for each."))),
    WarningCode.UNCLEAR_NEXT_STEPS: (Template(N_(
        "{vague} of {steps} next steps lack an owner or a date: {listed}")), Template(N_(
            "Before closing, give each action an owner and a date (\u201cwho does what, by "
            "when?\u201d)."))),
    f"{WarningCode.COMMITMENTS_NOT_REVISITED}.all": (Template(N_(
        "{count} commitment(s) still open from the 1:1 of {day} (meeting {meeting}; the "
        "evidence ids are its utterances) did not come up: {listed}"), dates=_P({"day"})),
        Template(N_("Start with last time's decisions: what was done, what is blocked, what "
                    "is dropped."))),
    f"{WarningCode.COMMITMENTS_NOT_REVISITED}.mine": (Template(N_(
        "{count} commitment(s) still open from the 1:1 of {day} (meeting {meeting}; the "
        "evidence ids are its utterances) did not come up, {mine} of them the manager's own: "
        "{listed}"), dates=_P({"day"})),
        Template(N_("Start with last time's decisions: what was done, what is blocked, what "
                    "is dropped."))),
    WarningCode.NO_REFORMULATION: (Template(N_(
        "{report} raised {count} concern(s) ({quotes}) and {manager} never said back what they "
        "heard: nothing shows the report they were understood.")), Template(N_(
            "Before answering, reformulate: \u201cIf I understand correctly, you ...\u201d or "
            "\u201cSo for you, ...\u201d, then let the report correct you."))),
    WarningCode.LLM_FALLBACK: (Template(N_(
        "The {engine} engine failed, so this analysis comes from the rules engine: {reason}")),
        Template(N_("Fix the LLM settings or endpoint and analyse again, or set "
                    "COPILOT_ENGINE=rules to stop trying the LLM."))),
    WarningCode.UNGROUNDED_ITEMS_DROPPED: (Template(N_(
        "{count} item(s) proposed by the LLM were dropped because the utterances they cite do "
        "not support them ({detail}).")), Template(N_(
            "Check the transcript for anything missing; a larger model drops fewer items."))),
    WarningCode.NO_SPEECH: (Template(N_(
        "No speech was found in the recording{of_seconds}: nothing to analyse.")), Template(N_(
            "Check that the right file was sent and that the microphone was on."))),
    WarningCode.TRANSCRIPTION_DOUBTFUL: (Template(N_(
        "The speech from {start} s to {end} s was left out of the analysis: its transcription "
        "looked invented by the recogniser ({why}).")), Template(N_(
            "Noise (wind, traffic) is the usual cause: listen to that stretch; a phone closer "
            "to the speakers, or a quieter place, avoids it."))),
    # the meeting types (copilot/analyze/critique/meeting_types.py)
    WarningCode.CAREER_TOPICS_MISSING: (Template(N_(
        "This career review (entretien de parcours professionnel) did not cover {count} of the "
        "topics the law asks for: {listed}.")), Template(N_(
            "Cover each of them, or say why not in the written record: art. L6315-1 of the "
            "Code du travail lists them, and the employee gets a copy of the record."))),
    WarningCode.EVALUATION_IN_CAREER_REVIEW: (Template(N_(
        "{count} utterance(s) of this career review are about evaluation (objectives met, "
        "ratings, pay): {quotes}")), Template(N_(
            "The entretien de parcours professionnel is not an evaluation: keep results, "
            "ratings and pay for the annual review, and bring the talk back to skills, "
            "training and career wishes."))),
    WarningCode.VOICEPRINT_NO_MATCH: (Template(N_(
        "No voice in the recording is clearly {manager}'s enrolled voice (similarity {scores}; "
        "needs {threshold} and a lead of {margin}).")), Template(N_(
            "Check the roles; enrol a longer, cleaner sample with --manager-voice, or set them "
            "with `copilot meetings assign-roles`."))),
    WarningCode.MOSTLY_FAILURES: (Template(N_(
        "Problems and failures took {share} of this 1:1 (threshold {threshold}): a report who "
        "hears mostly about failures gets defensive."), percent=_P({"share", "threshold"})),
        Template(N_(
            "Give the successes and the report's growth their time too: what went well, and "
            "what they would like to learn next."))),
}

SBI = {
    "positive": Template(N_(
        "Name what was done rather than a trait: \"In [situation], you [specific action]; the "
        "effect was [impact]. Keep doing that.\"")),
    "negative": Template(N_(
        "Describe the facts, not the person. Situation and behaviour: \u201c{kept}\u201d. "
        "Impact: what it changed for the team or the customer. Then ask: \"What happened, and "
        "what will you do next time?\"")),
    "negative.unsaid": Template(N_(
        "Describe the facts, not the person. Situation and behaviour: [the observable fact: "
        "what, when]. Impact: what it changed for the team or the customer. Then ask: \"What "
        "happened, and what will you do next time?\"")),
}


def _key(code: str, params: Params) -> str:
    variant = params.get("variant")
    return f"{code}.{variant}" if variant else str(code)


def _extra(code: str, params: Params, lang: str) -> dict[str, str]:
    """Parts of a text that are words of the analysis, not values: translated here."""
    _ = gettext_for(lang)
    if code == WarningCode.MANAGER_DOMINATED_TALK:
        return {"of_basis": _("of the words") if params.get("basis") == "words"
                else _("of the time")}
    if code == WarningCode.UNCLEAR_NEXT_STEPS:
        nobody, undated = _("no owner"), _("no date")  # outside f-strings: pybabel reads them
        return {"listed": "; ".join(
            f"\u201c{params[f'action_{i}']}\u201d ({params.get(f'owner_{i}') or nobody}, "
            f"{_due(params.get(f'due_{i}'), lang) or undated})"
            for i in range(int(params.get("listed") or 0)))}
    if code == WarningCode.CAREER_TOPICS_MISSING and f"{pick(lang)}_0" in params:
        # The titles in each language are params: the organisation's template may have its own.
        return {"listed": "; ".join(str(params[f"{pick(lang)}_{i}"])
                                    for i in range(int(params.get("count") or 0)))}
    if code == WarningCode.TRANSCRIPTION_DOUBTFUL:
        return {"why": _doubt_reason(str(params.get("reason")), _)}
    if code == WarningCode.NO_SPEECH and params.get("seconds"):
        return {"of_seconds": _(" of {seconds} s").format(seconds=params["seconds"])}
    return {"of_seconds": ""} if code == WarningCode.NO_SPEECH else {}


def _doubt_reason(reason: str, _) -> str:
    # outside f-strings and dict literals built at import: pybabel reads each _() call
    if reason == "repetition":
        return _("the same phrase repeated in a loop")
    if reason == "compression":
        return _("text repeating itself")
    if reason == "word_rate":
        return _("more words than can be said in that time")
    return _("probably no speech")


def _due(value: str | float | None, lang: str) -> str | None:
    return format_day(dt.date.fromisoformat(value), lang) if isinstance(value, str) else None


def sbi_text(params: Params, lang: str) -> str | None:
    """The Situation-Behaviour-Impact rewrite of feedback about the person, or None when the
    params are not an SBI rewrite's (an LLM's own suggestion)."""
    polarity = params.get("sbi")
    if polarity not in ("positive", "negative"):
        return None
    key = "negative.unsaid" if polarity == "negative" and not params.get("kept") else polarity
    return SBI[str(key)].render(lang, {"kept": params.get("kept")})


def warning_text(code: str, params: Params, lang: str) -> tuple[str, str | None]:
    """(message, suggestion) of a warning in `lang`, formatted for that locale."""
    message, suggestion = WARNINGS[_key(code, params)]
    extra = _extra(code, params, lang)
    values = {k: v for k, v in params.items() if k not in extra}
    said = suggestion.render(lang, values, **extra) if suggestion else sbi_text(params, lang)
    return message.render(lang, values, **extra), said


def make_warning(code: WarningCode, lang: str, params: Params | None = None,
                 **fields) -> Warning:
    """A warning with its text rendered in `lang` and the params to render it again."""
    params = {"variant": None} | dict(params or {})  # never empty: empty is "stored before"
    message, suggestion = warning_text(code, params, lang)
    return Warning(code=code, message=message, suggestion=suggestion, params=params, **fields)


def _localize_warning(w: Warning, lang: str) -> Warning:
    if not w.params or _key(w.code, w.params) not in WARNINGS:
        return w  # stored before params existed, or an LLM's own text: kept as it was
    message, suggestion = warning_text(w.code, w.params, lang)
    return w.model_copy(update={"message": message,
                                "suggestion": suggestion if suggestion else w.suggestion})


def _localize_feedback(fb: FeedbackItem, lang: str) -> FeedbackItem:
    said = sbi_text(fb.suggestion_params, lang) if fb.suggestion_params else None
    return fb.model_copy(update={"suggestion": said}) if said else fb


def localize_analysis(analysis: Analysis, lang: str | None) -> Analysis:
    """A copy of `analysis` with its warnings and feedback suggestions in `lang` (None: the
    meeting's language, as stored). The meeting's own words are never translated."""
    if lang is None:
        return analysis
    return analysis.model_copy(update={
        "warnings": [_localize_warning(w, lang) for w in analysis.warnings],
        "feedback": [_localize_feedback(fb, lang) for fb in analysis.feedback],
    })
