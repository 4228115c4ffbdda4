"""The balance check of one meeting (ONE_ON_ONES.md point 4, the seeds' "si vous passez 80% du
temps sur les échecs, votre collaborateur se braquera"): a 1:1 spent mostly on problems and
failures. The balance itself is computed by copilot.analyze.balance."""

from __future__ import annotations

from collections.abc import Sequence

from copilot.analyze.texts import make_warning
from copilot.models import BalanceShare, TalkKind, Transcript, Warning, WarningCode, share_of
from copilot.settings import Settings

_EVIDENCE_MAX = 10  # enough failure utterances to see the pattern


def mostly_failures_warning(transcript: Transcript, balance: Sequence[BalanceShare],
                            settings: Settings) -> Warning | None:
    """Problems and failures took at least `mostly_failures_share` of the talk; the evidence
    is the utterances whose own words were about failures."""
    share = share_of(balance, TalkKind.PROBLEMS)
    threshold = settings.critique.mostly_failures_share
    enough = len(transcript.utterances) >= settings.critique.mostly_failures_min_utterances
    if share is None or not enough or share < threshold:
        return None
    failures = next(b for b in balance if b.kind == TalkKind.PROBLEMS)
    timed = all(u.start is not None and u.end is not None for u in transcript.utterances)
    return make_warning(WarningCode.MOSTLY_FAILURES, transcript.language, {
        "share": share, "threshold": threshold, "basis": "time" if timed else "words"},
        evidence=failures.evidence[:_EVIDENCE_MAX])
