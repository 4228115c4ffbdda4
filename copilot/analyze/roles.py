"""Which speaker is the manager and which the report.

Only real evidence decides, in this order:
1. labels that are the names given by the user (`infer_roles`);
2. the manager's voiceprint (copilot.ingest.voiceprint.match_voice, decided by the pipeline);
3. what was said (`roles_from_names`): a speaker who addresses the report by name ("Julien, tu
   ...", "Bonjour Julien", "..., Julien ?") is not the report; one who introduces themself ("je
   suis Claire", "I'm Claire", "c'est Claire" at the start of a turn) is that person.
Otherwise roles stay unknown: the critique's `roles_unknown` warning quotes each speaker and
`copilot meetings assign-roles` sets them by hand. A third-person mention ("Julien a dit que")
is not evidence, and contradictory evidence decides nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from copilot.errors import InputError
from copilot.models import Role, Transcript, Utterance, Warning
from copilot.text import fold, name_matches

Source = str  # "labels" | "voiceprint" | "names" | "manual"
# said[(speaker, role, +1)]: utterances where the speaker says they are that person;
# said[(speaker, role, -1)]: where they address that person (so are not them).
NameEvidence = dict[tuple[str, Role, int], list[int]]

# Words that may come before a vocative name at the start of a turn ("Alors Julien, ...").
_LEAD = (r"(?:(?:alors|bon|bonjour|bonsoir|salut|coucou|merci|bravo|super|dis|dis-moi|ecoute|"
         r"tiens|allez|ok|okay|oui|non|eh|he|hello|hi|hey|so|well|thanks|thank you|good morning"
         r"|good afternoon|morning|right|great|oh)[\s,!.]+)*")
_GREETING = (r"(?:bonjour|bonsoir|salut|coucou|merci|bravo|au revoir|a plus|hello|hi|hey|"
             r"thanks|thank you|bye|good morning|well done|cheers)")
_INTRO = r"(?:je suis|je m'appelle|moi c'est|i am|i'm|im|this is|my name is|it's|its)"


@dataclass
class RoleDecision:
    roles: dict[str, Role]
    source: Source | None = None
    evidence: list[int] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)  # e.g. a voiceprint that matched nobody


# -- labels that are the names ----------------------------------------------------------------

def infer_roles(speakers: list[str], manager: str, report: str) -> dict[str, Role]:
    """Map speaker labels to roles; only when a label really names a person.

    With exactly two speakers and one of them matched, the other takes the remaining role:
    a 1:1 has two people. Unmatched labels ("Speaker 1") stay without a role.
    """
    roles: dict[str, Role] = {}
    for label in speakers:
        is_m, is_r = name_matches(label, manager), name_matches(label, report)
        if is_m and not is_r:
            roles[label] = "manager"
        elif is_r and not is_m:
            roles[label] = "report"
    if len(speakers) == 2 and len(roles) == 1:
        (known, role), = roles.items()
        other = next(s for s in speakers if s != known)
        roles[other] = "report" if role == "manager" else "manager"
    return roles


def apply_roles(transcript: Transcript, roles: dict[str, Role]) -> Transcript:
    utterances = [
        u.model_copy(update={"role": roles.get(u.speaker) if u.speaker else None})
        for u in transcript.utterances
    ]
    return transcript.model_copy(update={"utterances": utterances})


def person_for(u: Utterance, manager: str, report: str) -> str | None:
    """The person's display name behind an utterance (role first, speaker label otherwise)."""
    if u.role == "manager":
        return manager
    if u.role == "report":
        return report
    return u.speaker


# A label that is a diarizer's or a tool's placeholder, not a person's name: SPEAKER_00,
# "Speaker 1", "Locuteur 2", "A", "spk3"...
_PLACEHOLDER = re.compile(r".*\d.*|.?|(?:speaker|spk|locuteur|intervenant|orateur|participant"
                          r"|interlocuteur|unknown|inconnu|voice|voix|person|personne)\b.*",
                          re.IGNORECASE)


def check_names_given(transcript: Transcript, manager: str, report: str) -> None:
    """Refuse a labelled transcript of two named people neither of whom is the manager or the
    report given: "Alice" and "Bob" for --manager Claire --report Julien is a wrong file or a
    wrong name, and guessing from what was said would file Bob's words under Claire's name."""
    speakers = transcript.speakers
    if len(speakers) != 2 or any(_PLACEHOLDER.fullmatch(s.strip()) for s in speakers):
        return
    if any(name_matches(s, who) for s in speakers for who in (manager, report)):
        return
    raise InputError(
        f"neither the manager {manager!r} nor the report {report!r} is a speaker of the "
        f"transcript ({', '.join(speakers)})",
        f"give their names as the transcript spells them (e.g. --manager {speakers[0]!r} "
        f"--report {speakers[1]!r}), or check that this is the right file")


def decide_roles(transcript: Transcript, manager: str, report: str) -> RoleDecision:
    """Labels that are the names first, then names said in the conversation, else nothing.
    Two named speakers who are neither person are refused (`check_names_given`)."""
    by_label = infer_roles(transcript.speakers, manager, report)
    if by_label:
        return RoleDecision(by_label, "labels")
    check_names_given(transcript, manager, report)
    return roles_from_names(transcript, manager, report) or RoleDecision({})


# -- names said in the conversation ----------------------------------------------------------------

def _first(name: str) -> str:
    return fold(name).split()[0] if fold(name).split() else ""


def _patterns(name: str) -> tuple[re.Pattern, re.Pattern]:
    n = re.escape(_first(name))
    addressed = re.compile(
        rf"^{_LEAD}{n}\b\s*[,!?.]"  # "Alors Julien, on marche ?" / "Julien, tu ..."
        rf"|\b{_GREETING}\s+{n}\b"  # "Bonjour Julien", "Thanks Tom"
        rf"|,\s*{n}\s*[?!.,]*$"  # "..., Julien ?"
        rf"|,\s*{n}\s*,")  # "Bon, Julien, ..."
    intro = re.compile(rf"(?:^|[.!?]\s+|\b){_INTRO}\s+{n}\b|^{_LEAD}c'est {n}\b")
    return addressed, intro


def name_evidence(transcript: Transcript, manager: str, report: str) -> NameEvidence:
    """Who introduces themself as, or addresses, the manager or the report, and where."""
    people: dict[Role, tuple[re.Pattern, re.Pattern]] = {
        "manager": _patterns(manager), "report": _patterns(report)}
    said: NameEvidence = defaultdict(list)
    for u in transcript.utterances:
        if u.speaker is None:
            continue
        text = fold(u.text).replace("\u2019", "'")
        for role, (addressed, intro) in people.items():
            if intro.search(text):
                said[(u.speaker, role, 1)].append(u.id)
            elif addressed.search(text):
                said[(u.speaker, role, -1)].append(u.id)
    return said


def roles_from_names(transcript: Transcript, manager: str, report: str) -> RoleDecision | None:
    """Roles from names said in the conversation, or None when the evidence is absent or
    contradictory."""
    speakers = transcript.speakers
    if not speakers or not _first(manager) or _first(manager) == _first(report):
        return None
    said = name_evidence(transcript, manager, report)
    if not said:
        return None
    if len(speakers) == 2:
        return _two_voices(said, *speakers)
    return _self_introduced(said, speakers)


def _two_voices(said: NameEvidence, a: str, b: str) -> RoleDecision | None:
    """Two voices: the reading with more than twice the support of the other one wins."""
    one, other = _support(said, a, b), _support(said, b, a)
    if len(one) > 2 * len(other):
        manager_label, report_label = a, b
    elif len(other) > 2 * len(one):
        manager_label, report_label = b, a
    else:
        return None
    return RoleDecision({manager_label: "manager", report_label: "report"}, "names",
                        sorted(max(one, other, key=len)))


def _self_introduced(said: NameEvidence, speakers: list[str]) -> RoleDecision | None:
    """Three voices or more: only a self-introduction names someone."""
    roles: dict[str, Role] = {}
    evidence: list[int] = []
    for role in ("manager", "report"):
        named = [s for s in speakers if said.get((s, role, 1))]
        if len(named) == 1 and not said.get((named[0], role, -1)):
            roles[named[0]] = role  # type: ignore[assignment]
            evidence += said[(named[0], role, 1)]
    if not roles or len(roles) != len(set(roles)):
        return None
    return RoleDecision(roles, "names", sorted(evidence))


def _support(said: NameEvidence, manager_label: str, report_label: str) -> list[int]:
    """Utterances consistent with `manager_label` being the manager and `report_label` the
    report: each introducing themself as that person, or addressing the other one."""
    keys = ((manager_label, "manager", 1), (report_label, "report", 1),
            (manager_label, "report", -1), (report_label, "manager", -1))
    return [i for key in keys for i in said.get(key, [])]
