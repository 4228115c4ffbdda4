"""The critique: coaching warnings for one meeting, each citing the utterances that justify it.

One module per family of checks of ../shared/domain/ONE_ON_ONES.md: talk (who talked how much,
who spoke first), questions, feedback, next steps, follow-up of earlier commitments, listening,
balance, the meeting type's template; `meeting` runs them all in order.
"""

from copilot.analyze.critique.follow_up import PriorStep
from copilot.analyze.critique.meeting import Signals, critique

__all__ = ["PriorStep", "Signals", "critique"]
