"""The product's default thresholds, as the eval derives gold warnings from them.

Read from the settings model rather than copied, so a changed default in copilot.settings moves
the gold labels with it (and the label-consistency test then names every case it flips). The
defaults are taken without the environment: a `COPILOT_*` variable set in a shell must not change
what the labelled cases mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from copilot.settings import defaults


@dataclass(frozen=True)
class GoldThresholds:
    manager_share: float  # above this share of the words, `manager_dominated_talk`
    open_share: float  # below this share of open questions, `few_open_questions`...
    min_questions: int  # ...once at least this many questions were asked
    no_question_min_utterances: int  # no question at all in this many utterances: the same
    no_next_steps_min_utterances: int  # no next step in this many utterances: `no_next_steps`


@lru_cache(maxsize=1)
def gold_thresholds() -> GoldThresholds:
    """The one place the eval reads settings defaults (never the environment)."""
    critique = defaults().critique
    return GoldThresholds(
        manager_share=critique.manager_share_threshold,
        open_share=critique.open_question_share_threshold,
        min_questions=critique.min_questions,
        no_question_min_utterances=critique.no_question_min_utterances,
        no_next_steps_min_utterances=critique.no_next_steps_min_utterances,
    )
