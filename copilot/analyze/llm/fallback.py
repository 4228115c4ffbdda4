"""Fall back to the rules engine when the LLM fails, with a warning: never silently.

Only when COPILOT_LLM_FALLBACK is on; otherwise the error reaches the user, who then knows the
endpoint is down instead of reading rules output believing it came from the model.
"""

from __future__ import annotations

from collections.abc import Callable

from copilot.analyze.base import Extractor, MeetingContext
from copilot.analyze.llm.client import Endpoint
from copilot.analyze.texts import make_warning
from copilot.errors import ConfigError, EngineError
from copilot.models import Engine, EngineRun, Extraction, Privacy, Transcript, WarningCode


class FallbackExtractor:
    """Builds and runs the LLM engine; on its failure, runs the rules engine and says so."""

    def __init__(self, primary: Callable[[], Extractor], rules: Callable[[], Extractor],
                 name: str, endpoint: Endpoint) -> None:
        self._primary = primary
        self._rules = rules
        self.name = name
        self.endpoint = endpoint

    def extract(self, transcript: Transcript, ctx: MeetingContext) -> Extraction:
        built = False
        try:
            engine = self._primary()  # a missing key fails here, an unreachable server below
            built = True
            return engine.extract(transcript, ctx)
        except (EngineError, ConfigError) as exc:
            reason = exc.one_line()
        result = self._rules().extract(transcript, ctx)
        warning = make_warning(WarningCode.LLM_FALLBACK, transcript.language,
                               {"engine": self.name, "reason": reason})
        # Once the engine was built, a request may have gone out before the failure.
        privacy = Privacy(remote_call=built and self.endpoint.remote,
                          endpoint_host=self.endpoint.host if built else None)
        return result.model_copy(update={
            "warnings": [*result.warnings, warning],
            "run": EngineRun(engine=Engine.RULES, privacy=privacy),
        })
