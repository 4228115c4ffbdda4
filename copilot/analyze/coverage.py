"""Which sections of the meeting type's template the meeting covered, and where.

A section is covered when an utterance says one of its cues (copilot.meeting_types) in the
meeting's language; its evidence is every such utterance, in order. Either speaker counts: a
report who brings up their CPF covers the CPF as much as a manager who explains it. The
titles are written in the meeting's language, so the record and the pages need no template.
"""

from __future__ import annotations

from collections.abc import Sequence

from copilot.meeting_types import MeetingTemplate
from copilot.models import SectionCoverage, Utterance


def section_coverage(utterances: Sequence[Utterance], template: MeetingTemplate,
                     lang: str) -> list[SectionCoverage]:
    """One entry per section of `template`, in its order; empty when the type is not checked
    (a one-to-one without a configured template)."""
    if not template.check:
        return []
    out = []
    for section in template.sections:
        evidence = [u.id for u in utterances if section.matches(u.text, lang)]
        out.append(SectionCoverage(section=section.id, covered=bool(evidence),
                                   evidence=evidence, title=section.title(lang)))
    return out
