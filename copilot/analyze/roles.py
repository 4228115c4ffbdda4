"""Which speaker label is the manager and which the report, from the names given by the user."""

from __future__ import annotations

from copilot.models import Role, Transcript, Utterance
from copilot.text import name_key


def _matches(label: str, name: str) -> bool:
    """'Claire', 'Claire Martin', 'claire m.' all match the manager 'Claire Martin'."""
    lk, nk = name_key(label), name_key(name)
    if not lk or not nk:
        return False
    if lk == nk:
        return True
    lparts, nparts = lk.replace(".", "").split(), nk.replace(".", "").split()
    return lparts[0] == nparts[0] and all(
        any(n.startswith(p) for n in nparts) for p in lparts[1:]
    )


def infer_roles(speakers: list[str], manager: str, report: str) -> dict[str, Role]:
    """Map speaker labels to roles; only when a label really names a person.

    With exactly two speakers and one of them matched, the other takes the remaining role:
    a 1:1 has two people. Unmatched labels ("Speaker 1") stay without a role.
    """
    roles: dict[str, Role] = {}
    for label in speakers:
        is_m, is_r = _matches(label, manager), _matches(label, report)
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
