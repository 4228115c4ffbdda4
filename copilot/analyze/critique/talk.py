"""Talk checks (ONE_ON_ONES.md points 1 and 5): whether the speakers are known, whether the
manager talks too much, and who spoke first.

"The manager talks too much" has one threshold, `Settings.manager_share_threshold`: the meeting
warning compares the manager's share of talk with it, the coaching report's trend compares the
listening ratio (the report's share, `copilot.analyze.talk.listening_ratio`) with
`listening_ratio_floor`, its complement.
"""

from __future__ import annotations

from copilot.analyze.critique.quoting import quote
from copilot.analyze.texts import make_warning
from copilot.models import Talk, Transcript, Warning, WarningCode
from copilot.settings import Settings
from copilot.text import count_words


def manager_talks_too_much(manager_share: float | None, settings: Settings) -> bool:
    """The manager's share of talk is above `manager_share_threshold`."""
    return manager_share is not None and manager_share > settings.critique.manager_share_threshold


def listening_ratio_floor(settings: Settings) -> float:
    """The listening ratio below which the manager talks too much (in a 1:1 of two people the
    report's share is 1 - the manager's)."""
    return round(1.0 - settings.critique.manager_share_threshold, 4)


def no_speakers_warning(lang: str = "en") -> Warning:
    return make_warning(WarningCode.NO_SPEAKERS, lang)


def roles_unknown_warning(transcript: Transcript, manager: str, report: str) -> Warning:
    """No speaker is the manager: quote each speaker so the user can say who is who."""
    samples = []
    for speaker in transcript.speakers[:4]:
        first = next(u for u in transcript.utterances if u.speaker == speaker)
        samples.append((speaker, first))
    quotes = "; ".join(f"{s}: \u201c{u.text[:60]}\u201d" for s, u in samples)
    return make_warning(WarningCode.ROLES_UNKNOWN, transcript.language,
                        {"manager": manager, "report": report, "speakers": quotes},
                        evidence=[u.id for _, u in samples])


def not_one_on_one_warning(transcript: Transcript) -> Warning | None:
    """More than two voices: the talk figures of a 1:1 do not describe a group meeting. Quotes
    the first words of each extra speaker (those without a role; the third and later ones when
    no role is known) so the user can tell a misdiarized voice from a real third person."""
    speakers = transcript.speakers
    if len(speakers) <= 2:
        return None
    with_role = {u.speaker for u in transcript.utterances if u.role is not None}
    extra = [s for s in speakers if s not in with_role] if with_role else speakers[2:]
    firsts = [next(u for u in transcript.utterances if u.speaker == s) for s in extra]
    quotes = "; ".join(f"{u.speaker}: {quote(u.text, 60)}" for u in firsts)
    return make_warning(WarningCode.NOT_ONE_ON_ONE, transcript.language,
                        {"count": len(speakers), "quotes": quotes},
                        evidence=[u.id for u in firsts])


def single_speaker_warning(transcript: Transcript) -> Warning | None:
    """A recording where the diarizer heard one voice only (a monologue, or two voices it
    could not tell apart): the talk figures of a 1:1 mean nothing there."""
    if transcript.source_format != "audio" or len(transcript.speakers) != 1:
        return None
    seconds = sum(u.end - u.start for u in transcript.utterances)
    return make_warning(WarningCode.SINGLE_SPEAKER, transcript.language,
                        {"seconds": f"{seconds:.0f}"},
                        evidence=[u.id for u in transcript.utterances[:3]])


def manager_dominated_talk(transcript: Transcript, talk: Talk, settings: Settings,
                           manager: str, report: str = "") -> Warning | None:
    """The manager talked more than `manager_share_threshold` of the meeting."""
    if not manager_talks_too_much(talk.manager_share, settings):
        return None
    mono = talk.longest_monologue
    evidence = mono.evidence if mono and mono.role == "manager" else [
        u.id for u in transcript.utterances if u.role == "manager"
    ][:5]
    return make_warning(WarningCode.MANAGER_DOMINATED_TALK, transcript.language, {
        "manager": manager, "report": report, "share": talk.manager_share, "basis": talk.basis,
        "threshold": settings.critique.manager_share_threshold}, evidence=evidence)


def opening_warning(transcript: Transcript, settings: Settings, manager: str,
                    report: str) -> Warning | None:
    """The manager's words before the report has said `opening_report_words` words."""
    spoken = [u for u in transcript.utterances if u.role in ("manager", "report")]
    too_few = len(spoken) < settings.critique.opening_min_turns
    if too_few or not any(u.role == "report" for u in spoken):
        return None
    mgr_words = rep_words = 0
    evidence: list[int] = []
    for u in spoken:
        if rep_words >= settings.critique.opening_report_words:
            break
        if u.role == "report":
            rep_words += count_words(u.text)
        else:
            mgr_words += count_words(u.text)
            evidence.append(u.id)
    if mgr_words <= settings.critique.opening_manager_words:
        return None
    return make_warning(WarningCode.REPORT_NOT_FIRST, transcript.language, {
        "manager": manager, "report": report, "manager_words": mgr_words,
        "report_words": settings.critique.opening_report_words}, evidence=evidence)
