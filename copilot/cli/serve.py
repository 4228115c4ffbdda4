"""`copilot serve`: the HTTP API under uvicorn."""

# No `from __future__ import annotations`: Typer reads the parameter annotations at runtime.

from typing import Annotated

import typer

from copilot.cli.common import settings


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    settings()  # a bad setting is one clear line here, not a traceback inside uvicorn
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port)
